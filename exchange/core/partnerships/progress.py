"""Progress toward a partnership's plan (issue 18, "Plan and indicators"): entries that add
up per indicator (achieved = baseline + the entries not withdrawn), withdrawn without being
lost, the automatic sources counted from the record, and the dashboard of planned against
achieved with the indicators behind schedule and the partners whose activities feed them.

People of the member organizations and the coordinator add entries, each for one of their
member organizations (the animator and outsiders may not); the author of an entry or a
manager withdraws it: it is kept, marked, and not counted."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from exchange.core.errors import Conflict, Errors, Forbidden, Msg, NotFound, clean_text
from exchange.core.partnerships.changes import parse_id
from exchange.core.partnerships.plan import (
    INDICATOR_NOT_FOUND,
    SOURCE_MAX,
    clean_amount,
    get_readable_indicator,
    goals_of,
    required_date,
)
from exchange.core.partnerships.reading import (
    ENDED,
    get_partnership,
    is_manager,
    member_org_ids,
    user_org_ids,
)
from exchange.core.partnerships.record import automatic_moments
from exchange.core.partnerships.schedule import (
    ScheduleState,
    expected_value,
    schedule_state,
)
from models import (
    IndicatorSource,
    Organization,
    Partnership,
    PartnershipState,
    PlanGoal,
    PlanIndicator,
    ProgressEntry,
    User,
)


# --- progress ------------------------------------------------------------------------------

def entry_organizations(session: Session, partnership: Partnership, user: User | None
                        ) -> list[Organization]:
    """The member organizations USER may add progress for (their own), by name."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    mine = user_org_ids(session, user) & member_org_ids(partnership)
    return sorted((m.organization for m in partnership.current_members
                   if m.organization_id in mine), key=lambda o: o.name)


def can_add_progress(session: Session, partnership: Partnership, user: User | None) -> bool:
    """People of the member organizations and the coordinator; not the animator as such."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return partnership.state is not PartnershipState.ENDED and (
        user.id == partnership.coordinator_id
        or bool(entry_organizations(session, partnership, user)))


def add_progress(session: Session, user: User, indicator_id: Any, data: Mapping[str, Any],
                 now: datetime, *, partnership_id: Any = None) -> ProgressEntry:
    """A progress entry: VALUE (a number, not zero), HAPPENED_ON (from the plan's start to
    today), SOURCE (what shows it), for ORGANIZATION_ID (one of the author's member
    organizations; the coordinator may have none)."""
    indicator = get_readable_indicator(session, user, indicator_id)
    partnership = get_partnership(session, user, indicator.partnership_id)
    if partnership_id is not None and partnership_id != partnership.id:
        raise NotFound(INDICATOR_NOT_FOUND)
    if partnership.state is PartnershipState.ENDED:
        raise Conflict(ENDED)
    if not can_add_progress(session, partnership, user):
        raise Forbidden(Msg("Only the partners' people and the coordinator add progress."))
    if indicator.source is not IndicatorSource.MANUAL:
        raise Conflict(Msg("This indicator counts by itself from the partnership's record: "
                           "it takes no entries."))
    errors = Errors()
    value = clean_amount(data.get("value"), "value", errors, nonzero=True)
    day = required_date(data.get("happened_on"), "happened_on", errors)
    if day is not None:
        if day > now.date():
            errors.add("happened_on", Msg("The date cannot be in the future."))
        elif partnership.plan_starts_on is not None and day < partnership.plan_starts_on:
            errors.add("happened_on", Msg("The date cannot be before the plan starts (%(date)s).",
                                          date=partnership.plan_starts_on.isoformat()))
    source = clean_text(data.get("source"), "source", errors, max_length=SOURCE_MAX,
                        required=True)
    allowed = entry_organizations(session, partnership, user)
    org_id = parse_id(data.get("organization_id"))
    if org_id is None and len(allowed) == 1:
        org_id = allowed[0].id
    if org_id is None and not allowed:
        pass  # the coordinator of no member organization writes for the partnership
    elif org_id not in {o.id for o in allowed}:
        errors.add("organization_id", Msg("Choose one of your organizations that is a member "
                                          "of the partnership."))
    errors.raise_if_any()
    entry = ProgressEntry(indicator_id=indicator.id, value=value, happened_on=day,
                          source=source, user_id=user.id, organization_id=org_id,
                          created_at=now)
    session.add(entry)
    indicator.entries.insert(0, entry)
    session.flush()
    return entry


def withdraw_progress(session: Session, user: User, partnership_id: Any, entry_id: Any,
                      now: datetime) -> ProgressEntry:
    """Its author or a manager withdraws an entry: kept, marked, no longer counted."""
    partnership = get_partnership(session, user, partnership_id)
    entry = session.get(ProgressEntry, entry_id) if isinstance(entry_id, int) else None
    if entry is None or entry.indicator.partnership_id != partnership.id:
        raise NotFound(Msg("There is no such progress entry."))
    if entry.user_id != user.id and not is_manager(session, partnership, user):
        raise Forbidden(Msg("Only its author or the coordinator withdraws an entry."))
    if partnership.state is PartnershipState.ENDED:
        raise Conflict(ENDED)
    if entry.withdrawn_at is not None:
        raise Conflict(Msg("This entry is already withdrawn."))
    entry.withdrawn_at, entry.withdrawn_by_id = now, user.id
    session.flush()
    return entry


# --- planned against achieved --------------------------------------------------------------

def counted(entries: list[ProgressEntry]) -> list[ProgressEntry]:
    return [e for e in entries if e.withdrawn_at is None]


@dataclass
class IndicatorProgress:
    indicator: PlanIndicator
    achieved: Decimal
    expected: Decimal
    state: ScheduleState
    recorded: bool
    # (day, achieved by the end of that day), from the plan's start: the chart's line.
    points: list[tuple[date, Decimal]] = field(default_factory=list)

    @property
    def automatic(self) -> bool:
        return self.indicator.source is not IndicatorSource.MANUAL

    @property
    def share(self) -> Decimal:
        """How much of the way from baseline to target is done: 0 to 1 (and beyond)."""
        span = self.indicator.target - self.indicator.baseline
        return (self.achieved - self.indicator.baseline) / span if span else Decimal(1)


def achieved_value(session: Session, indicator: PlanIndicator, now: datetime) -> Decimal:
    """baseline + the entries not withdrawn; or + the record's count since the plan's start."""
    if indicator.source is IndicatorSource.MANUAL:
        return indicator.baseline + sum((e.value for e in counted(indicator.entries)
                                         if e.happened_on <= now.date()), Decimal(0))
    partnership = session.get(Partnership, indicator.partnership_id)
    start = partnership.plan_starts_on or indicator.created_at.date()
    return indicator.baseline + len(automatic_moments(session, partnership, indicator.source,
                                                      start, now))


def progress_of(session: Session, indicator: PlanIndicator, now: datetime) -> IndicatorProgress:
    partnership = session.get(Partnership, indicator.partnership_id)
    start = partnership.plan_starts_on or indicator.created_at.date()
    today = now.date()
    achieved = achieved_value(session, indicator, now)
    if indicator.source is IndicatorSource.MANUAL:
        # As of NOW: a year's report asks for the year's last day.
        entries = sorted((e for e in counted(indicator.entries) if e.happened_on <= today),
                         key=lambda e: (e.happened_on, e.id))
        recorded = bool(entries)
        running, points = indicator.baseline, [(start, indicator.baseline)]
        for entry in entries:
            running += entry.value
            points.append((entry.happened_on, running))
    else:
        recorded = achieved != indicator.baseline
        points = [(start, indicator.baseline)]
        for number, moment in enumerate(automatic_moments(
                session, partnership, indicator.source, start, now), start=1):
            points.append((moment.date(), indicator.baseline + number))
    state = schedule_state(indicator.baseline, indicator.target, achieved, start,
                           indicator.deadline, today, recorded=recorded)
    expected = expected_value(indicator.baseline, indicator.target, start, indicator.deadline,
                              today)
    return IndicatorProgress(indicator, achieved, expected, state, recorded, points)


@dataclass
class BehindIndicator:
    progress: IndicatorProgress
    # The partner organizations whose activities (of the indicator's goal) feed it.
    partners: list[Organization]


def dashboard(session: Session, partnership: Partnership, now: datetime
              ) -> tuple[list[PlanGoal], dict[int, IndicatorProgress], list[BehindIndicator]]:
    """The goals, each indicator's progress (by id), and the indicators behind schedule or
    overdue with the partners whose activities feed them, to be asked to step up."""
    goals = goals_of(session, partnership)
    progress = {i.id: progress_of(session, i, now) for g in goals for i in g.indicators}
    behind = []
    for goal in goals:
        partners = {o.id: o for a in goal.activities if a.done_at is None for o in a.partners} \
            or {o.id: o for a in goal.activities for o in a.partners}
        for indicator in goal.indicators:
            if progress[indicator.id].state in (ScheduleState.BEHIND, ScheduleState.OVERDUE):
                behind.append(BehindIndicator(progress[indicator.id],
                                              sorted(partners.values(), key=lambda o: o.name)))
    return goals, progress, behind
