"""Matrix rows for exchange/web/events/board.py and calendar.py (see access_events.py)."""
from __future__ import annotations

from tests.web.access_statuses import PUBLIC

ROWS: dict = {
    # The board of a published event is for everyone in the hall, signed in or not.
    ("events.board", "GET"): (lambda w: f"/events/{w.event.id}/board", None, PUBLIC),
    ("events.board_json", "GET"): (lambda w: f"/events/{w.event.id}/board.json", None, PUBLIC),
    # A published event's calendar entry, like its page, is public.
    ("events.calendar", "GET"): (lambda w: f"/events/{w.event.id}/calendar.ics", None, PUBLIC),
}
