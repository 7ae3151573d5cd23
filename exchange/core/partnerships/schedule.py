"""Whether an indicator keeps to its plan (issue 18, "Plan and indicators"; 000 §3: the
coordinator compares achieved with planned). Pure functions of numbers and dates.

The expected value on day D grows in a straight line from the baseline at the plan's start
to the target at the indicator's deadline; a target below the baseline (fewer early school
leavers, fewer hours of waiting) is a decreasing line, and "ahead" means lower."""
from __future__ import annotations

import enum
from datetime import date
from decimal import Decimal

# How far below the expected line an indicator may fall before it is "behind": a share of
# the whole distance from baseline to target (10%: one month's slack on a year's line).
BEHIND_TOLERANCE = Decimal("0.10")


class ScheduleState(enum.StrEnum):
    ACHIEVED = "achieved"        # reached the target
    ON_TRACK = "on_track"        # at or near the expected line
    BEHIND = "behind"            # below the line by more than the tolerance
    OVERDUE = "overdue"          # the deadline passed, the target not reached
    NOT_STARTED = "not_started"  # the plan has not begun, or nothing recorded yet


def elapsed_fraction(start: date, deadline: date, day: date) -> Decimal:
    """How much of the time from START to DEADLINE has passed on DAY: 0 to 1."""
    if day <= start:
        return Decimal(0)
    if day >= deadline or deadline <= start:
        return Decimal(1)
    return Decimal((day - start).days) / Decimal((deadline - start).days)


def expected_value(baseline: Decimal, target: Decimal, start: date, deadline: date,
                   day: date) -> Decimal:
    """baseline + (target − baseline) × the elapsed fraction of START..DEADLINE on DAY."""
    return baseline + (target - baseline) * elapsed_fraction(start, deadline, day)


def reached(baseline: Decimal, target: Decimal, achieved: Decimal) -> bool:
    """Whether ACHIEVED reached TARGET, in the direction from BASELINE to it."""
    return achieved >= target if target >= baseline else achieved <= target


def shortfall(baseline: Decimal, target: Decimal, expected: Decimal,
              achieved: Decimal) -> Decimal:
    """How far ACHIEVED lags behind EXPECTED in the target's direction (negative: ahead)."""
    return expected - achieved if target >= baseline else achieved - expected


def schedule_state(baseline: Decimal, target: Decimal, achieved: Decimal, start: date,
                   deadline: date, day: date, *, recorded: bool = True) -> ScheduleState:
    """The indicator's state on DAY. RECORDED: whether anything was recorded toward it (an
    entry, or a count of the record above zero)."""
    if reached(baseline, target, achieved):
        return ScheduleState.ACHIEVED
    if day > deadline:
        return ScheduleState.OVERDUE
    lag = shortfall(baseline, target, expected_value(baseline, target, start, deadline, day),
                    achieved)
    allowed = abs(target - baseline) * BEHIND_TOLERANCE
    if day < start or (not recorded and lag <= allowed):
        return ScheduleState.NOT_STARTED
    if lag > allowed:
        return ScheduleState.BEHIND
    return ScheduleState.ON_TRACK
