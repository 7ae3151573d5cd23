"""Matrix rows for exchange/web/events/award.py, the match of the year (see access_events.py).

In the matrix's world the session is still open, so every action passes its rule and is then
refused by the core (a redirect with the reason, nothing saved)."""
from __future__ import annotations

from tests.web.access_events_floor import SCHOOL_ACTION, SCHOOL_PAGE
from tests.web.access_statuses import ORGANISER_ACTION, ORGANISER_PAGE

ROWS: dict = {
    # The organiser's: the window, the tally, the announcement (the member is notary and
    # broker only, the admin not on the staff).
    ("events.award", "GET"): (lambda w: f"/events/{w.event.id}/award", None, ORGANISER_PAGE),
    ("events.open_award", "POST"): (lambda w: f"/events/{w.event.id}/award/open",
                                    lambda w: {"voting_starts_at": "2026-12-01T10:00",
                                               "voting_ends_at": "2026-12-05T10:00"},
                                    ORGANISER_ACTION),
    ("events.announce_award", "POST"): (lambda w: f"/events/{w.event.id}/award/announce",
                                        lambda w: {"contract_id": "1"}, ORGANISER_ACTION),
    # A participant's: only the members of the school, the admitted participant.
    ("events.ballot", "GET"): (lambda w: f"/events/{w.event.id}/organizations/{w.school.id}/award",
                               None, SCHOOL_PAGE),
    ("events.nominate", "POST"): (
        lambda w: f"/events/{w.event.id}/organizations/{w.school.id}/award/nominate",
        lambda w: {"contract_id": "1", "reason": "Świetna", "was": ""}, SCHOOL_ACTION),
    ("events.vote", "POST"): (
        lambda w: f"/events/{w.event.id}/organizations/{w.school.id}/award/vote",
        lambda w: {"contract_id": "1"}, SCHOOL_ACTION),
}
