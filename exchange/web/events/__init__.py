"""Live exchange events on the web, in four parts that share one blueprint:

- ``setup``: before the event: creating and publishing it, registration and admission,
  staff, the brokers' pre-matching list;
- ``floor``: on the day: the door (check-in, badges), the session clock, the notary desk
  and the participants' phone deals (the deal form both fill in is ``deal_form``);
- ``board``: the live board for the projector and phones, with its JSON;
- ``report``: after it: the report with charts, its CSV export;
- ``calendar``: the event as a calendar entry (.ics).

Staff pages use the ``staff(...)`` access rule (exchange/http/access.py), which loads the
event into ``g.event``; the core checks the same roles again.
"""
from __future__ import annotations

from exchange.web.events import (  # noqa: F401 (routes)
    award, board, calendar, exports, floor, importing, report, setup, values, walk_in)
from exchange.web.events.blueprint import bp

__all__ = ["bp"]
