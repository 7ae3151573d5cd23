"""The yearly report's rows of the role × route matrix (test_access.py merges them): the
world's partnership is read by its coordinator (the owner) and the member (a person of the
leading organization, who also writes the recommendations); the outsider and the admin get
a 404, as for a partnership that does not exist."""
from __future__ import annotations

from tests.conftest import NOW
from tests.web.access_statuses import ROLES

READER = {"anonymous": 302, "outsider": 404, "member": 200, "owner": 200, "admin": 404}
WRITER = {**READER, "member": 302, "owner": 302}


def _r(w, tail: str = "") -> str:
    return f"/partnerships/{w.partnership.id}/report{tail}"


REPORT_MATRIX = {
    ("partnership_report.latest", "GET"): (lambda w: _r(w), None, WRITER),
    ("partnership_report.year", "GET"): (lambda w: _r(w, f"/{NOW.year}"), None, READER),
    ("partnership_report.workbook", "GET"): (lambda w: _r(w, f"/{NOW.year}.xlsx"), None,
                                             READER),
    ("partnership_report.csv_part", "GET"): (lambda w: _r(w, f"/{NOW.year}/meetings.csv"),
                                             None, READER),
    # One step for an invited person without an account; the logged-in are sent to the
    # invitation's page (the anonymous form here misses the password: refused, nothing made).
    ("partnerships.register_and_join", "POST"): (
        lambda w: f"/partnerships/invitations/{w.partnership_secret}/register",
        lambda w: {"name": "Ida Nowa"}, {**dict.fromkeys(ROLES, 302), "anonymous": 422}),
    ("partnership_report.recommendations", "POST"): (
        lambda w: _r(w, f"/{NOW.year}/recommendations"),
        lambda w: {"text": "Więcej godzin otwarcia świetlicy.", "base": "0"}, WRITER),
}
