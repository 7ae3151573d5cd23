"""The rows of the role × route matrix for keeping partners engaged (issue 18): the contact
log, the coordinator's working tool (test_access.py merges them).

In the matrix's world the owner coordinates the partnership and has logged one contact with
the organization; the member (a person of the leading organization) reads the partnership but
not the log (a 403: partners do not read notes about each other), the outsider and the admin
are not in it (a 404, as for none). Every reader sees each partner's page."""
from __future__ import annotations

from tests.web.access_partnerships import MANAGER_ACTION, MANAGER_PAGE, READER


def _p(w, tail: str = "") -> str:
    return f"/partnerships/{w.partnership.id}{tail}"


ENGAGE_MATRIX = {
    ("engage.contacts", "GET"): (lambda w: _p(w, "/contacts"), None, MANAGER_PAGE),
    ("engage.log", "POST"): (
        lambda w: _p(w, "/contacts"),
        lambda w: {"organization_id": str(w.org.id), "channel": "phone", "note": "Zadzwonić"},
        MANAGER_ACTION),
    ("engage.delete", "POST"): (
        lambda w: _p(w, f"/contacts/{w.partnership_contact_id}/delete"), None, MANAGER_ACTION),
    ("engage.partner", "GET"): (lambda w: _p(w, f"/partners/{w.org.id}"), None, READER),
}
