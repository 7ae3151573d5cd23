"""The event pages' rows of the role × route matrix (test_access.py merges them).

In the matrix's world (see ``world`` in test_access.py) the organization hosts a published
event whose session is open: the owner is its organiser, the member its notary and broker,
the outsider's school an admitted participant, and the admin is not on its staff.
Each part of the event pages keeps its rows in its own module; the expected statuses
per role are in access_statuses.py.
"""
from __future__ import annotations

from tests.web.access_events_award import ROWS as AWARD
from tests.web.access_events_board import ROWS as BOARD
from tests.web.access_events_floor import ROWS as FLOOR
from tests.web.access_events_report import ROWS as REPORT
from tests.web.access_events_setup import ROWS as SETUP

EVENT_MATRIX = {**SETUP, **FLOOR, **BOARD, **REPORT, **AWARD}
