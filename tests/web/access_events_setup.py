"""Matrix rows for exchange/web/events/setup.py (see access_events.py)."""
from __future__ import annotations

import io
from datetime import timedelta

from tests.web.access_statuses import (ORGANISER_ACTION, ORGANISER_PAGE, PUBLIC, STAFF_ACTION,
                                       STAFF_PAGE)
from tests.conftest import NOW

ANON = {"anonymous": 302}
# Only owners of an organization may create events: the outsider owns the school, the owner
# the world's organization; the member and the admin own none.
CREATE_PAGE = {**ANON, "outsider": 200, "member": 403, "owner": 200, "admin": 403}
# The form names the world's organization as host: the outsider does not own it.
CREATE_ACTION = {**ANON, "outsider": 422, "member": 403, "owner": 302, "admin": 403}
# Pages of the world's organization's application (its members only).
MEMBER_PAGE = {**ANON, "outsider": 404, "member": 200, "owner": 200, "admin": 404}
MEMBER_ACTION = {**MEMBER_PAGE, "member": 302, "owner": 302}
# The session is open, so registration is closed: the form comes back with the reason.
APPLY_ACTION = {**MEMBER_PAGE, "member": 422, "owner": 422}


def _new_event(w) -> dict:
    held = NOW.date() + timedelta(days=30)
    return {"name": "Giełda jesienna", "host_id": str(w.org.id), "venue": "Aula",
            "held_on": held.isoformat(), "starts_at": "10:00", "session_minutes": "90"}


def _edited(w) -> dict:
    held = w.event.held_on.isoformat()
    return {"name": "Giełda Zasobów 2026", "venue": "Aula", "held_on": held,
            "starts_at": "10:00", "session_minutes": "90", "registration_opens_on": held,
            "registration_closes_on": held}


def _notary_row(w) -> int:
    return next(s.id for s in w.event.staff if s.role.value == "notary")


def _import_file(w) -> dict:
    from tests.web.test_access import MATRIX_IMPORT
    return {"file": (io.BytesIO(MATRIX_IMPORT), "uczestnicy.csv")}


ROWS: dict = {
    ("events.index", "GET"): (lambda w: "/events/", None, PUBLIC),
    ("events.detail", "GET"): (lambda w: f"/events/{w.event.id}", None, PUBLIC),
    ("events.create", "GET"): (lambda w: "/events/new", None, CREATE_PAGE),
    ("events.create", "POST"): (lambda w: "/events/new", _new_event, CREATE_ACTION),
    ("events.edit", "GET"): (lambda w: f"/events/{w.event.id}/edit", None, ORGANISER_PAGE),
    ("events.edit", "POST"): (lambda w: f"/events/{w.event.id}/edit", _edited, ORGANISER_ACTION),
    ("events.publish", "POST"): (lambda w: f"/events/{w.event.id}/publish", None,
                                 ORGANISER_ACTION),
    ("events.apply", "GET"): (lambda w: f"/events/{w.event.id}/organizations/{w.org.id}/apply",
                              None, MEMBER_PAGE),
    ("events.apply", "POST"): (lambda w: f"/events/{w.event.id}/organizations/{w.org.id}/apply",
                               lambda w: {"attendees": "Anna Nowak\nPiotr Wiśniewski",
                                          "listing_ids": [str(w.listing.id)]}, APPLY_ACTION),
    ("events.withdraw", "POST"): (
        lambda w: f"/events/{w.event.id}/organizations/{w.org.id}/withdraw", None, MEMBER_ACTION),
    ("events.application", "GET"): (lambda w: f"/events/{w.event.id}/application/{w.org.id}",
                                    None, MEMBER_PAGE),
    ("events.confirmation", "GET"): (
        lambda w: f"/events/{w.event.id}/application/{w.org.id}/print", None, MEMBER_PAGE),
    ("events.participants", "GET"): (lambda w: f"/events/{w.event.id}/participants", None,
                                     ORGANISER_PAGE),
    ("events.decide", "POST"): (
        lambda w: f"/events/{w.event.id}/participants/{w.event.participants[0].id}/decline",
        lambda w: {"note": "Brak miejsc"}, ORGANISER_ACTION),
    ("events.staff", "GET"): (lambda w: f"/events/{w.event.id}/staff", None, ORGANISER_PAGE),
    ("events.add_staff", "POST"): (lambda w: f"/events/{w.event.id}/staff/add",
                                   lambda w: {"email": w.newcomer.email, "role": "valuer"},
                                   ORGANISER_ACTION),
    ("events.remove_staff", "POST"): (
        lambda w: f"/events/{w.event.id}/staff/{_notary_row(w)}/remove", None, ORGANISER_ACTION),
    ("events.brokers", "GET"): (lambda w: f"/events/{w.event.id}/brokers", None, STAFF_PAGE),
    ("events.introduction", "POST"): (lambda w: f"/events/{w.event.id}/brokers/introductions",
                                      lambda w: {"key": f"{w.listing.id}>{w.other_need.id}",
                                                 "made": "1"}, STAFF_ACTION),
    ("events.import_participants", "GET"): (lambda w: f"/events/{w.event.id}/import", None,
                                            ORGANISER_PAGE),
    # The organiser's upload is checked and previewed (200); nothing is imported yet.
    ("events.import_participants", "POST"): (lambda w: f"/events/{w.event.id}/import",
                                             _import_file, ORGANISER_PAGE),
    ("events.confirm_import", "POST"): (
        lambda w: f"/events/{w.event.id}/import/{w.event_import_id}", None, ORGANISER_ACTION),
    ("events.import_template", "GET"): (lambda w: f"/events/{w.event.id}/import/template.xlsx",
                                        None, ORGANISER_PAGE),
}
