"""A partnership's plan (issue 18, "Plan and indicators"; 000 §3, 001 §2.1.3): its period of
up to three years, goals with indicators and activities assigned to partners (progress
entries and the dashboard: exchange/core/partnerships/progress.py).

Who may do what:
- managers (the coordinator, owners of the leading organization) set the period and edit
  goals, indicators and activities;
- people of the member organizations and the coordinator add progress entries, each for one
  of their member organizations (the animator and outsiders may not);
- the author of an entry or a manager withdraws it: it is kept, marked, and not counted;
- whoever reads the partnership reads the plan (the animator included).
Changing anything of an ended partnership is refused."""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from exchange.core.errors import (
    Conflict,
    Errors,
    Msg,
    NotFound,
    clean_choice,
    clean_date,
    clean_text,
)
from exchange.core.partnerships.changes import parse_id
from exchange.core.partnerships.reading import (
    ENDED,
    get_partnership,
    member_org_ids,
)
from models import (
    IndicatorSource,
    Organization,
    Partnership,
    PartnershipState,
    PlanActivity,
    PlanGoal,
    PlanIndicator,
    User,
)

PLAN_YEARS = 3
GOAL_TITLE_MAX, DESCRIPTION_MAX, INDICATOR_NAME_MAX, UNIT_MAX = 200, 5000, 200, 40
ACTIVITY_TITLE_MAX, SOURCE_MAX = 300, 300
# Numeric(14, 4): up to ten digits before the point.
AMOUNT_LIMIT = Decimal("9999999999")
GOAL_NOT_FOUND = Msg("There is no such goal in this plan.")
INDICATOR_NOT_FOUND = Msg("There is no such indicator in this plan.")


# --- reading -------------------------------------------------------------------------------

def goals_of(session: Session, partnership: Partnership) -> list[PlanGoal]:
    return list(session.scalars(select(PlanGoal).where(
        PlanGoal.partnership_id == partnership.id).order_by(PlanGoal.position, PlanGoal.id)))


def indicators_of(session: Session, partnership: Partnership) -> list[PlanIndicator]:
    return list(session.scalars(select(PlanIndicator).join(PlanGoal).where(
        PlanIndicator.partnership_id == partnership.id).order_by(
        PlanGoal.position, PlanGoal.id, PlanIndicator.position, PlanIndicator.id)))


def get_goal(session: Session, user: User | None, partnership_id: Any, goal_id: Any, *,
             manage: bool = False) -> PlanGoal:
    partnership = get_partnership(session, user, partnership_id, manage=manage)
    goal = session.get(PlanGoal, goal_id) if isinstance(goal_id, int) else None
    if goal is None or goal.partnership_id != partnership.id:
        raise NotFound(GOAL_NOT_FOUND)
    return goal


def get_indicator(session: Session, user: User | None, partnership_id: Any, indicator_id: Any,
                  *, manage: bool = False) -> PlanIndicator:
    partnership = get_partnership(session, user, partnership_id, manage=manage)
    return _indicator_of(session, partnership, indicator_id)


def _indicator_of(session: Session, partnership: Partnership, indicator_id: Any
                  ) -> PlanIndicator:
    indicator = session.get(PlanIndicator, indicator_id) if isinstance(indicator_id, int) \
        else None
    if indicator is None or indicator.partnership_id != partnership.id:
        raise NotFound(INDICATOR_NOT_FOUND)
    return indicator


def get_readable_indicator(session: Session, user: User | None, indicator_id: Any
                           ) -> PlanIndicator:
    """The indicator, if USER reads its partnership (NotFound otherwise, as for none)."""
    indicator = session.get(PlanIndicator, indicator_id) if isinstance(indicator_id, int) \
        else None
    if indicator is None:
        raise NotFound(INDICATOR_NOT_FOUND)
    try:
        get_partnership(session, user, indicator.partnership_id)
    except NotFound:
        raise NotFound(INDICATOR_NOT_FOUND) from None
    return indicator


def _changeable(session: Session, user: User, partnership_id: Any) -> Partnership:
    partnership = get_partnership(session, user, partnership_id, manage=True)
    if partnership.state is PartnershipState.ENDED:
        raise Conflict(ENDED)
    return partnership


# --- cleaning ------------------------------------------------------------------------------

def clean_amount(value: Any, field_name: str, errors: Errors, *, required: bool = True,
                 nonzero: bool = False) -> Decimal | None:
    """VALUE as a Decimal ("12", "12.5", "12,5"), never a float's approximation."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            errors.add(field_name, Msg("This field is required."))
        return None
    if isinstance(value, bool) or isinstance(value, float):
        # JSON numbers arrive as floats: their shortest text is what was written.
        if isinstance(value, bool):
            errors.add(field_name, Msg("Enter a number."))
            return None
        value = repr(value)
    try:
        number = Decimal(str(value).strip().replace(",", ".").replace(" ", "").replace(
            "\u00a0", ""))
    except InvalidOperation:
        errors.add(field_name, Msg("Enter a number."))
        return None
    if not number.is_finite():
        errors.add(field_name, Msg("Enter a number."))
        return None
    if abs(number) > AMOUNT_LIMIT:
        errors.add(field_name, Msg("Enter a number from %(low)s to %(high)s.",
                                   low=-AMOUNT_LIMIT, high=AMOUNT_LIMIT))
        return None
    if number != number.quantize(Decimal("0.0001")):
        errors.add(field_name, Msg("Use at most four digits after the decimal point."))
        return None
    if nonzero and number == 0:
        errors.add(field_name, Msg("Enter a value other than zero."))
        return None
    return number.quantize(Decimal("0.0001"))


def required_date(value: Any, field_name: str, errors: Errors) -> date | None:
    day = clean_date(value, field_name, errors)
    if day is None and field_name not in errors.errors:
        errors.add(field_name, Msg("This field is required."))
    return day


def years_later(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _within_plan(partnership: Partnership, day: date | None, field_name: str,
                 errors: Errors) -> None:
    if day is None:
        return
    if partnership.plan_starts_on is None:
        errors.add(None, Msg("Set the plan's period first."))
    elif not partnership.plan_starts_on <= day <= partnership.plan_ends_on:
        errors.add(field_name, Msg("Choose a date within the plan: from %(start)s to %(end)s.",
                                   start=partnership.plan_starts_on.isoformat(),
                                   end=partnership.plan_ends_on.isoformat()))


# --- the plan's period, goals, indicators, activities --------------------------------------

def set_period(session: Session, user: User, partnership_id: Any, data: Mapping[str, Any],
               now: datetime) -> Partnership:
    """The plan's START and END: END after START, at most three years later; every
    indicator's deadline and activity's due date must stay within it."""
    partnership = _changeable(session, user, partnership_id)
    errors = Errors()
    start = required_date(data.get("starts_on"), "starts_on", errors)
    end = required_date(data.get("ends_on"), "ends_on", errors)
    if start is not None and end is not None:
        if end <= start:
            errors.add("ends_on", Msg("The plan ends after it starts."))
        elif end > years_later(start, PLAN_YEARS):
            errors.add("ends_on", Msg("A plan covers at most three years: end it by %(date)s.",
                                      date=years_later(start, PLAN_YEARS).isoformat()))
    if not errors:
        dates = [i.deadline for i in indicators_of(session, partnership)] + [
            a.due_on for g in goals_of(session, partnership) for a in g.activities]
        if any(not start <= d <= end for d in dates):
            errors.add(None, Msg("Some indicators' deadlines or activities' due dates fall "
                                 "outside this period: change them first."))
    errors.raise_if_any()
    partnership.plan_starts_on, partnership.plan_ends_on = start, end
    partnership.updated_at = now
    session.flush()
    return partnership


def _clean_goal(data: Mapping[str, Any], errors: Errors) -> dict[str, Any]:
    return {"title": clean_text(data.get("title"), "title", errors, max_length=GOAL_TITLE_MAX,
                                required=True),
            "description": clean_text(data.get("description"), "description", errors,
                                      max_length=DESCRIPTION_MAX, multiline=True)}


def add_goal(session: Session, user: User, partnership_id: Any, data: Mapping[str, Any],
             now: datetime) -> PlanGoal:
    partnership = _changeable(session, user, partnership_id)
    errors = Errors()
    if partnership.plan_starts_on is None:
        errors.add(None, Msg("Set the plan's period first."))
    fields = _clean_goal(data, errors)
    errors.raise_if_any()
    last = session.scalar(select(func.max(PlanGoal.position)).where(
        PlanGoal.partnership_id == partnership.id))
    goal = PlanGoal(partnership_id=partnership.id, position=(last or 0) + 1, created_at=now,
                    updated_at=now, **fields)
    session.add(goal)
    session.flush()
    return goal


def update_goal(session: Session, user: User, partnership_id: Any, goal_id: Any,
                data: Mapping[str, Any], now: datetime) -> PlanGoal:
    _changeable(session, user, partnership_id)
    goal = get_goal(session, user, partnership_id, goal_id, manage=True)
    errors = Errors()
    fields = _clean_goal(data, errors)
    errors.raise_if_any()
    goal.title, goal.description = fields["title"], fields["description"]
    goal.updated_at = now
    session.flush()
    return goal


def _clean_indicator(partnership: Partnership, data: Mapping[str, Any],
                     errors: Errors) -> dict[str, Any]:
    name = clean_text(data.get("name"), "name", errors, max_length=INDICATOR_NAME_MAX,
                      required=True)
    unit = clean_text(data.get("unit"), "unit", errors, max_length=UNIT_MAX)
    baseline = clean_amount(data.get("baseline") if data.get("baseline") not in (None, "")
                            else "0", "baseline", errors)
    target = clean_amount(data.get("target"), "target", errors)
    if baseline is not None and target is not None and baseline == target:
        errors.add("target", Msg("The target differs from the baseline."))
    deadline = required_date(data.get("deadline"), "deadline", errors)
    _within_plan(partnership, deadline, "deadline", errors)
    source = clean_choice(data.get("source") or IndicatorSource.MANUAL, "source", errors,
                          IndicatorSource)
    return {"name": name, "unit": unit, "baseline": baseline, "target": target,
            "deadline": deadline, "source": source}


def add_indicator(session: Session, user: User, partnership_id: Any, goal_id: Any,
                  data: Mapping[str, Any], now: datetime) -> PlanIndicator:
    partnership = _changeable(session, user, partnership_id)
    goal = get_goal(session, user, partnership_id, goal_id, manage=True)
    errors = Errors()
    fields = _clean_indicator(partnership, data, errors)
    errors.raise_if_any()
    indicator = PlanIndicator(goal_id=goal.id, partnership_id=partnership.id,
                              position=len(goal.indicators) + 1, created_at=now,
                              updated_at=now, **fields)
    session.add(indicator)
    session.flush()
    return indicator


def update_indicator(session: Session, user: User, partnership_id: Any, indicator_id: Any,
                     data: Mapping[str, Any], now: datetime) -> PlanIndicator:
    """Change an indicator; its source changes only while it has no entries (entries of a
    manual indicator would be silently left out of an automatic count)."""
    partnership = _changeable(session, user, partnership_id)
    indicator = _indicator_of(session, partnership, indicator_id)
    errors = Errors()
    fields = _clean_indicator(partnership, data, errors)
    if fields["source"] is not None and fields["source"] is not indicator.source \
            and indicator.entries:
        errors.add("source", Msg("This indicator has progress entries: its source stays as "
                                 "it is."))
    errors.raise_if_any()
    for key, value in fields.items():
        setattr(indicator, key, value)
    indicator.updated_at = now
    session.flush()
    return indicator


def _clean_partners(partnership: Partnership, value: Any, errors: Errors) -> list[int]:
    raw = value if isinstance(value, (list, tuple)) else ([] if value in (None, "") else [value])
    members = member_org_ids(partnership)
    ids = []
    for item in raw:
        org_id = parse_id(item)
        if org_id not in members:
            errors.add("partner_ids", Msg("Choose the partnership's member organizations."))
            return []
        if org_id not in ids:
            ids.append(org_id)
    if not ids:
        errors.add("partner_ids", Msg("Choose at least one partner organization."))
    return ids


def add_activity(session: Session, user: User, partnership_id: Any, goal_id: Any,
                 data: Mapping[str, Any], now: datetime) -> PlanActivity:
    """An activity toward the goal: TITLE, DUE_ON (within the plan), the partner
    organizations that carry it out (PARTNER_IDS, one or more)."""
    partnership = _changeable(session, user, partnership_id)
    goal = get_goal(session, user, partnership_id, goal_id, manage=True)
    errors = Errors()
    title = clean_text(data.get("title"), "title", errors, max_length=ACTIVITY_TITLE_MAX,
                       required=True)
    due_on = required_date(data.get("due_on"), "due_on", errors)
    _within_plan(partnership, due_on, "due_on", errors)
    partner_ids = _clean_partners(partnership, data.get("partner_ids"), errors)
    errors.raise_if_any()
    activity = PlanActivity(goal_id=goal.id, title=title, due_on=due_on, created_at=now)
    activity.partners = list(session.scalars(select(Organization).where(
        Organization.id.in_(partner_ids))))
    session.add(activity)
    session.flush()
    return activity


def set_activity_done(session: Session, user: User, partnership_id: Any, activity_id: Any,
                      done: bool, now: datetime) -> PlanActivity:
    partnership = _changeable(session, user, partnership_id)
    activity = _activity_of(session, partnership, activity_id)
    activity.done_at = (activity.done_at or now) if done else None
    session.flush()
    return activity


ACTIVITY_NOT_FOUND = Msg("There is no such activity in this plan.")
KEPT_ENTRIES = Msg("Progress entries were recorded for it: they stay on record, so it cannot "
                   "be removed. Change it instead.")


def _activity_of(session: Session, partnership: Partnership, activity_id: Any) -> PlanActivity:
    activity = session.get(PlanActivity, activity_id) if isinstance(activity_id, int) else None
    if activity is None or activity.goal.partnership_id != partnership.id:
        raise NotFound(ACTIVITY_NOT_FOUND)
    return activity


def update_activity(session: Session, user: User, partnership_id: Any, activity_id: Any,
                    data: Mapping[str, Any], now: datetime) -> PlanActivity:
    """Change an activity's TITLE, DUE_ON and partners (PARTNER_IDS); managers only."""
    partnership = _changeable(session, user, partnership_id)
    activity = _activity_of(session, partnership, activity_id)
    errors = Errors()
    title = clean_text(data.get("title"), "title", errors, max_length=ACTIVITY_TITLE_MAX,
                       required=True)
    due_on = required_date(data.get("due_on"), "due_on", errors)
    _within_plan(partnership, due_on, "due_on", errors)
    partner_ids = _clean_partners(partnership, data.get("partner_ids"), errors)
    errors.raise_if_any()
    activity.title, activity.due_on = title, due_on
    activity.partners = list(session.scalars(select(Organization).where(
        Organization.id.in_(partner_ids))))
    session.flush()
    return activity


def delete_activity(session: Session, user: User, partnership_id: Any, activity_id: Any,
                    now: datetime) -> None:
    partnership = _changeable(session, user, partnership_id)
    session.delete(_activity_of(session, partnership, activity_id))
    session.flush()


def delete_indicator(session: Session, user: User, partnership_id: Any, indicator_id: Any,
                     now: datetime) -> None:
    """Remove an indicator added by mistake: only while nobody recorded progress on it
    (withdrawn entries included: they are the record of what was said)."""
    partnership = _changeable(session, user, partnership_id)
    indicator = _indicator_of(session, partnership, indicator_id)
    if indicator.entries:
        raise Conflict(KEPT_ENTRIES)
    session.delete(indicator)
    session.flush()


def delete_goal(session: Session, user: User, partnership_id: Any, goal_id: Any,
                now: datetime) -> None:
    """Remove a goal with its activities and indicators, while none has progress entries."""
    _changeable(session, user, partnership_id)
    goal = get_goal(session, user, partnership_id, goal_id, manage=True)
    if any(indicator.entries for indicator in goal.indicators):
        raise Conflict(KEPT_ENTRIES)
    session.delete(goal)
    session.flush()
