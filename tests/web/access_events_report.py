"""Matrix rows for exchange/web/events/report.py (see access_events.py)."""
from __future__ import annotations

from tests.web.access_statuses import PUBLIC, STAFF_PAGE

ROWS: dict = {
    # Every staff role reads the report; participants and the site admin do not.
    ("events.report", "GET"): (lambda w: f"/events/{w.event.id}/report", None, STAFF_PAGE),
    # The summary is for the press: anyone, of a published event.
    ("events.summary", "GET"): (lambda w: f"/events/{w.event.id}/summary", None, PUBLIC),
    ("events.report_csv", "GET"): (lambda w: f"/events/{w.event.id}/report.csv", None,
                                   STAFF_PAGE),
}
