"""Matrix rows for exchange/web/events/report.py (see access_events.py)."""
from __future__ import annotations

from tests.web.access_statuses import ORGANISER_PAGE, PUBLIC, STAFF_PAGE

ROWS: dict = {
    # Every staff role reads the report; participants and the site admin do not.
    ("events.report", "GET"): (lambda w: f"/events/{w.event.id}/report", None, STAFF_PAGE),
    # The summary is for the press: anyone, of a published event.
    ("events.summary", "GET"): (lambda w: f"/events/{w.event.id}/summary", None, PUBLIC),
    ("events.report_csv", "GET"): (lambda w: f"/events/{w.event.id}/report.csv", None,
                                   STAFF_PAGE),
    # The lists of people and their organizations' answers are the organisers'; the brokers'
    # exchanges are the brokers' (organisers act in every staff role).
    ("events.export", "GET"): (lambda w: f"/events/{w.event.id}/export/attendees.xlsx", None,
                               ORGANISER_PAGE),
    # The valuers' screen: valuers and organisers (the member is notary and broker only);
    # the world's event has no deal, so the organiser passes the rule and finds nothing.
    ("events.values", "GET"): (lambda w: f"/events/{w.event.id}/values", None, ORGANISER_PAGE),
    ("events.set_value", "POST"): (lambda w: f"/events/{w.event.id}/values/0",
                                   lambda w: {"value": "100", "was": ""},
                                   {**ORGANISER_PAGE, "owner": 404}),
    ("events.export_brokers", "GET"): (lambda w: f"/events/{w.event.id}/export/brokers.csv",
                                       None, STAFF_PAGE),
}
