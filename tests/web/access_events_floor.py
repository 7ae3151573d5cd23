"""Matrix rows for exchange/web/events/floor.py (see access_events.py)."""
from __future__ import annotations

from tests.web.access_statuses import (ORGANISER_ACTION, ORGANISER_PAGE, STAFF_ACTION,
                                       STAFF_PAGE)
from tests.conftest import NOW

# Staff pass the rule, then find nothing (the world has no queued deal, no event contract).
STAFF_NOT_FOUND = {**STAFF_PAGE, "member": 404, "owner": 404}
# The phone deal page of the outsider's school, an admitted participant: only its members.
SCHOOL_PAGE = {"anonymous": 302, "outsider": 200, "member": 404, "owner": 404, "admin": 404}
SCHOOL_ACTION = {**SCHOOL_PAGE, "outsider": 302}


def _phone_deal(w) -> dict:
    """A deal between the school and the organization, in the deal form's fields."""
    from datetime import timedelta

    return {"parties": [str(w.school.id), str(w.org.id)],
            "representatives-0-representative": "Jan Kowalski",
            "representatives-1-representative": "Anna Nowak",
            "commitments-0-giver_id": "@1", "commitments-0-receiver_id": "@0",
            "commitments-0-what": "Sala na warsztaty", "commitments-0-quantity": "2",
            "commitments-0-unit": "hours",
            "commitments-0-due_on": (NOW.date() + timedelta(days=30)).isoformat()}


def _desk_deal(w) -> dict:
    return _phone_deal(w) | {"no_money": "1", "client_key": "matrix-deal"}


ROWS: dict = {
    ("events.door", "GET"): (lambda w: f"/events/{w.event.id}/door?q=jan", None, STAFF_PAGE),
    ("events.presence", "GET"): (lambda w: f"/events/{w.event.id}/presence.json", None,
                                 STAFF_PAGE),
    ("events.check_in_badge", "GET"): (lambda w: f"/events/{w.event.id}/door/{w.badge_token}",
                                       None, STAFF_PAGE),
    ("events.check_in_badge", "POST"): (lambda w: f"/events/{w.event.id}/door/{w.badge_token}",
                                        lambda w: {}, STAFF_ACTION),
    ("events.badges", "GET"): (lambda w: f"/events/{w.event.id}/badges", None, STAFF_PAGE),
    # A walk-in of the school (an admitted participant), added by any staff member.
    ("events.walk_in", "POST"): (lambda w: f"/events/{w.event.id}/door/walk-in",
                                 lambda w: {"organization": str(w.school.id),
                                            "name": "Zofia Spóźniona"}, STAFF_ACTION),
    ("events.walk_in_organization", "POST"): (
        lambda w: f"/events/{w.event.id}/door/walk-in/new",
        lambda w: {"name": "Klub Seniora", "sector": "informal", "municipality": "Tczew",
                   "person": "Halina Pogodna"}, STAFF_ACTION),
    ("events.session_controls", "GET"): (lambda w: f"/events/{w.event.id}/session", None,
                                         ORGANISER_PAGE),
    ("events.start_session", "POST"): (lambda w: f"/events/{w.event.id}/session/start",
                                       lambda w: {}, ORGANISER_ACTION),
    ("events.close_session", "POST"): (lambda w: f"/events/{w.event.id}/session/close",
                                       lambda w: {"confirm": "1"}, ORGANISER_ACTION),
    # The moderator's; the member (notary and broker) is not one, the organiser is every role.
    ("events.announce", "POST"): (lambda w: f"/events/{w.event.id}/session/announce",
                                  lambda w: {"announcement": "Jeszcze 20 minut!"},
                                  ORGANISER_ACTION),
    ("events.desk", "GET"): (lambda w: f"/events/{w.event.id}/desk", None, STAFF_PAGE),
    ("events.desk", "POST"): (lambda w: f"/events/{w.event.id}/desk", _desk_deal, STAFF_ACTION),
    ("events.desk_queue", "GET"): (lambda w: f"/events/{w.event.id}/desk/queue", None,
                                   STAFF_PAGE),
    ("events.open_deal", "POST"): (lambda w: f"/events/{w.event.id}/desk/queue/0/open",
                                   None, STAFF_NOT_FOUND),
    ("events.reject_deal", "POST"): (lambda w: f"/events/{w.event.id}/desk/queue/0/reject",
                                     lambda w: {"note": "Brak"}, STAFF_NOT_FOUND),
    ("events.print_contract", "GET"): (
        lambda w: f"/events/{w.event.id}/contracts/{w.contract.id}/print", None,
        STAFF_NOT_FOUND),
    ("events.phone_deal", "GET"): (
        lambda w: f"/events/{w.event.id}/organizations/{w.school.id}/deal", None, SCHOOL_PAGE),
    ("events.phone_deal", "POST"): (
        lambda w: f"/events/{w.event.id}/organizations/{w.school.id}/deal", _phone_deal,
        SCHOOL_ACTION),
}
