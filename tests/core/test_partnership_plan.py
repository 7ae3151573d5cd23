"""A partnership's plan in the core (issue 18, "Plan and indicators", "Exchanges count"):
the period of up to three years, goals, indicators and activities (managers only), progress
entries that add up and are withdrawn without being lost, the schedule flags (pure
functions; increasing and decreasing targets) and the automatic sources from the record."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from exchange.core import partnerships as core
from exchange.core.errors import Conflict, Forbidden, NotFound, ValidationError
from exchange.core.partnerships.schedule import (
    BEHIND_TOLERANCE,
    ScheduleState,
    elapsed_fraction,
    expected_value,
    schedule_state,
)
from models import (
    ContractStatus,
    PartnershipState,
    ProgressEntry,
)
from tests.core.test_partnerships import build_town, create, join

D = Decimal
START, DEADLINE = date(2026, 1, 1), date(2027, 1, 1)  # 365 days
MID = date(2026, 7, 2)  # 182 days in: the fraction is 182/365


# --- schedule flags: pure functions ---------------------------------------------------------

def test_the_elapsed_fraction_runs_from_zero_at_the_start_to_one_at_the_deadline():
    assert elapsed_fraction(START, DEADLINE, date(2025, 12, 1)) == 0
    assert elapsed_fraction(START, DEADLINE, START) == 0
    assert elapsed_fraction(START, DEADLINE, MID) == D(182) / D(365)
    assert elapsed_fraction(START, DEADLINE, DEADLINE) == 1
    assert elapsed_fraction(START, DEADLINE, date(2030, 1, 1)) == 1


def test_the_expected_value_is_a_straight_line_up_or_down():
    assert expected_value(D(10), D(110), START, DEADLINE, START) == 10
    assert expected_value(D(10), D(110), START, DEADLINE, DEADLINE) == 110
    assert expected_value(D(0), D(365), START, DEADLINE, MID) == 182
    # decreasing: 40 waiting days down to 5
    assert expected_value(D(40), D(5), START, DEADLINE, DEADLINE) == 5
    assert expected_value(D(40), D(4), START, DEADLINE, MID) == D(40) - D(36) * D(182) / D(365)


def test_the_tolerance_is_ten_percent_of_the_way():
    assert BEHIND_TOLERANCE == D("0.10")


@pytest.mark.parametrize("achieved, day, recorded, state", [
    (D(100), MID, True, ScheduleState.ACHIEVED),         # reached the target early
    (D(120), MID, True, ScheduleState.ACHIEVED),         # beyond it
    (D(50), MID, True, ScheduleState.ON_TRACK),          # expected ~49.9
    (D(41), MID, True, ScheduleState.ON_TRACK),          # 8.9 below: within 10
    (D(39), MID, True, ScheduleState.BEHIND),            # 10.9 below
    (D(0), MID, False, ScheduleState.BEHIND),            # nothing recorded, far behind
    (D(0), date(2026, 1, 20), False, ScheduleState.NOT_STARTED),  # nothing yet, early days
    (D(0), date(2025, 12, 1), True, ScheduleState.NOT_STARTED),   # before the plan
    (D(99), date(2027, 1, 2), True, ScheduleState.OVERDUE),       # the deadline passed
    (D(100), date(2027, 6, 1), True, ScheduleState.ACHIEVED),     # reached, late or not
])
def test_schedule_state_of_an_increasing_target(achieved, day, recorded, state):
    assert schedule_state(D(0), D(100), achieved, START, DEADLINE, day,
                          recorded=recorded) is state


@pytest.mark.parametrize("achieved, day, state", [
    (D(20), MID, ScheduleState.ACHIEVED),   # down to the target of 20
    (D(15), MID, ScheduleState.ACHIEVED),   # below it: better still
    (D(30), MID, ScheduleState.ON_TRACK),   # expected ~30.0
    (D(31), MID, ScheduleState.ON_TRACK),   # ~0.97 above the line: within 2
    (D(33), MID, ScheduleState.BEHIND),     # ~2.97 above the line: more than 2
    (D(25), date(2027, 2, 1), ScheduleState.OVERDUE),
])
def test_schedule_state_of_a_decreasing_target(achieved, day, state):
    # from 40 down to 20: the tolerance is 10% of 20 = 2; at MID the line stands at ~30.03
    assert schedule_state(D(40), D(20), achieved, START, DEADLINE, day) is state


def test_a_decreasing_target_ahead_of_its_line_is_on_track_not_behind():
    assert schedule_state(D(40), D(20), D(25), START, DEADLINE, MID) is ScheduleState.ON_TRACK


# --- the plan in the database ---------------------------------------------------------------

@pytest.fixture
def town(session, make_user, make_org, add_member):
    return build_town(session, make_user, make_org, add_member)


@pytest.fixture
def coalition(session, town, now):
    """The library leads (its director coordinates), the school and the bank are partners;
    the plan runs from 200 days ago for three years."""
    partnership = create(session, town, now)
    join(session, town, partnership, town.headmaster, town.school, now)
    join(session, town, partnership, town.banker, town.bank, now)
    core.set_period(session, town.director, partnership.id, period(now), now)
    session.commit()
    return partnership


def period(now, years=3):
    start = now.date() - timedelta(days=200)
    return {"starts_on": start.isoformat(),
            "ends_on": core.years_later(start, years).isoformat()}


def goal_with_indicator(session, town, coalition, now, **indicator):
    goal = core.add_goal(session, town.director, coalition.id,
                         {"title": "Kompetencje cyfrowe seniorów", "description": "Opis"}, now)
    data = {"name": "Przeszkoleni seniorzy", "unit": "osoby", "baseline": "10",
            "target": "110", "deadline": (now.date() + timedelta(days=165)).isoformat(),
            **indicator}
    found = core.add_indicator(session, town.director, coalition.id, goal.id, data, now)
    session.commit()
    return goal, found


def entry(session, user, indicator, now, value, days_ago=1, **data):
    added = core.add_progress(session, user, indicator.id, {
        "value": value, "happened_on": (now.date() - timedelta(days=days_ago)).isoformat(),
        "source": "Lista obecności", **data}, now)
    session.commit()
    return added


def test_a_plan_covers_at_most_three_years(session, town, now):
    partnership = create(session, town, now)
    start = date(2026, 3, 1)
    with pytest.raises(ValidationError) as caught:
        core.set_period(session, town.director, partnership.id,
                        {"starts_on": "2026-03-01", "ends_on": "2029-03-02"}, now)
    assert caught.value.errors["ends_on"][0].text.startswith("A plan covers at most three")
    session.rollback()
    with pytest.raises(ValidationError):
        core.set_period(session, town.director, partnership.id,
                        {"starts_on": "2026-03-01", "ends_on": "2026-03-01"}, now)
    session.rollback()
    with pytest.raises(ValidationError) as caught:
        core.set_period(session, town.director, partnership.id,
                        {"starts_on": "jutro", "ends_on": ""}, now)
    assert set(caught.value.errors) == {"starts_on", "ends_on"}
    session.rollback()
    assert partnership.plan_starts_on is None
    core.set_period(session, town.director, partnership.id,
                    {"starts_on": "2026-03-01", "ends_on": "2029-03-01"}, now)
    assert (partnership.plan_starts_on, partnership.plan_ends_on) == (start, date(2029, 3, 1))


def test_only_managers_edit_the_plan(session, town, coalition, now):
    for user in (town.librarian, town.headmaster):  # a reader, a partner's owner
        with pytest.raises(Forbidden):
            core.add_goal(session, user, coalition.id, {"title": "Cel"}, now)
        session.rollback()
    with pytest.raises(NotFound):
        core.add_goal(session, town.outsider, coalition.id, {"title": "Cel"}, now)
    session.rollback()
    assert core.goals_of(session, coalition) == []


def test_an_indicators_deadline_lies_within_the_plan(session, town, coalition, now):
    goal = core.add_goal(session, town.director, coalition.id, {"title": "Cel"}, now)
    session.commit()
    for bad in ((coalition.plan_starts_on - timedelta(days=1)).isoformat(),
                (coalition.plan_ends_on + timedelta(days=1)).isoformat()):
        with pytest.raises(ValidationError) as caught:
            core.add_indicator(session, town.director, coalition.id, goal.id, {
                "name": "X", "baseline": "0", "target": "5", "deadline": bad}, now)
        assert "deadline" in caught.value.errors
        session.rollback()
    with pytest.raises(ValidationError) as caught:
        core.add_indicator(session, town.director, coalition.id, goal.id, {
            "name": "", "baseline": "abc", "target": "1e400000", "deadline": ""}, now)
    assert set(caught.value.errors) == {"name", "baseline", "target", "deadline"}


def test_the_period_cannot_shrink_past_an_indicators_deadline(session, town, coalition, now):
    _goal, indicator = goal_with_indicator(session, town, coalition, now)
    start = coalition.plan_starts_on
    with pytest.raises(ValidationError):
        core.set_period(session, town.director, coalition.id, {
            "starts_on": start.isoformat(),
            "ends_on": (indicator.deadline - timedelta(days=1)).isoformat()}, now)
    session.rollback()
    assert coalition.plan_ends_on == core.years_later(start, 3)


def test_progress_adds_up_exactly_and_a_withdrawn_entry_is_kept_not_counted(
        session, town, coalition, now):
    _goal, indicator = goal_with_indicator(session, town, coalition, now)
    entry(session, town.headmaster, indicator, now, "0.1")
    entry(session, town.headmaster, indicator, now, "0,2")
    third = entry(session, town.banker, indicator, now, "12.5")
    assert third.organization_id == town.bank.id and third.user_id == town.banker.id
    assert core.achieved_value(session, indicator, now) == D("22.8")  # 10 + 0.1 + 0.2 + 12.5
    core.withdraw_progress(session, town.banker, coalition.id, third.id, now)
    session.commit()
    assert core.achieved_value(session, indicator, now) == D("10.3")
    assert session.scalar(select(func.count()).select_from(ProgressEntry)) == 3
    assert third.withdrawn_at == now and third.withdrawn_by_id == town.banker.id
    with pytest.raises(Conflict):
        core.withdraw_progress(session, town.director, coalition.id, third.id, now)


def test_who_adds_and_who_withdraws_progress(session, town, coalition, now):
    _goal, indicator = goal_with_indicator(session, town, coalition, now)
    # the coordinator and the partners' people add; an outsider cannot see it at all
    entry(session, town.director, indicator, now, "1")
    mine = entry(session, town.librarian, indicator, now, "2")
    with pytest.raises(NotFound):
        entry(session, town.outsider, indicator, now, "3")
    session.rollback()
    # the animator reads the plan but adds nothing
    invitation, secret = core.invite(session, town.director, coalition.id,
                                     email=town.outsider.email, role="animator", now=now)
    core.accept_invitation(session, secret, town.outsider, now)
    session.commit()
    assert core.get_indicator(session, town.outsider, coalition.id, indicator.id) is indicator
    with pytest.raises(Forbidden):
        entry(session, town.outsider, indicator, now, "3")
    session.rollback()
    # another partner's person may not withdraw the librarian's entry; a manager may
    with pytest.raises(Forbidden):
        core.withdraw_progress(session, town.headmaster, coalition.id, mine.id, now)
    session.rollback()
    core.withdraw_progress(session, town.director, coalition.id, mine.id, now)
    session.commit()
    assert core.achieved_value(session, indicator, now) == D(11)


def test_bad_progress_is_refused_and_nothing_is_saved(session, town, coalition, now):
    _goal, indicator = goal_with_indicator(session, town, coalition, now)
    bad = [
        ({"value": "dużo"}, "value"),
        ({"value": ""}, "value"),
        ({"value": "0"}, "value"),
        ({"value": "1.00001"}, "value"),
        ({"value": "NaN"}, "value"),
        ({"happened_on": (now.date() + timedelta(days=1)).isoformat()}, "happened_on"),
        ({"happened_on": (coalition.plan_starts_on - timedelta(days=1)).isoformat()},
         "happened_on"),
        ({"happened_on": "wczoraj"}, "happened_on"),
        ({"source": " "}, "source"),
        ({"organization_id": str(town.bank.id)}, "organization_id"),  # not the headmaster's
    ]
    for data, field in bad:
        with pytest.raises(ValidationError) as caught:
            core.add_progress(session, town.headmaster, indicator.id, {
                "value": "5", "happened_on": now.date().isoformat(), "source": "Lista",
                **data}, now)
        assert field in caught.value.errors, data
        session.rollback()
    assert session.scalar(select(func.count()).select_from(ProgressEntry)) == 0


def test_an_ended_partnership_takes_no_progress(session, town, coalition, now):
    _goal, indicator = goal_with_indicator(session, town, coalition, now)
    coalition.state = PartnershipState.ENDED
    session.commit()
    with pytest.raises(Conflict):
        entry(session, town.headmaster, indicator, now, "1")


def test_the_dashboard_flags_what_is_behind_and_names_the_goals_partners(
        session, town, coalition, now):
    # 200 days of 365 passed: from 10 to 110 the line stands at ~64.8 today
    goal, behind = goal_with_indicator(session, town, coalition, now)
    _g2, fine = goal_with_indicator(session, town, coalition, now, name="Warsztaty")
    decreasing = core.add_indicator(session, town.director, coalition.id, goal.id, {
        "name": "Dni oczekiwania", "baseline": "40", "target": "20",
        "deadline": (now.date() + timedelta(days=165)).isoformat()}, now)
    core.add_activity(session, town.director, coalition.id, goal.id, {
        "title": "Kurs komputerowy", "due_on": (now.date() + timedelta(days=30)).isoformat(),
        "partner_ids": [str(town.school.id), str(town.bank.id)]}, now)
    session.commit()
    entry(session, town.headmaster, behind, now, "20")       # 30: far below ~64.8
    entry(session, town.headmaster, fine, now, "60")         # 70: above the line
    entry(session, town.headmaster, decreasing, now, "-12")  # 28: below ~29.0, ahead
    goals, progress, flagged = core.dashboard(session, coalition, now)
    assert progress[behind.id].state is ScheduleState.BEHIND
    assert progress[fine.id].state is ScheduleState.ON_TRACK
    assert progress[decreasing.id].state is ScheduleState.ON_TRACK
    assert [b.progress.indicator.id for b in flagged] == [behind.id]
    assert [o.name for o in flagged[0].partners] == ["Bank Spółdzielczy", "Szkoła Społeczna"]


def test_an_activity_needs_partners_of_the_partnership(session, town, coalition, now):
    goal = core.add_goal(session, town.director, coalition.id, {"title": "Cel"}, now)
    session.commit()
    for partners in ([], [str(town.outsider.id + 1000)]):
        with pytest.raises(ValidationError) as caught:
            core.add_activity(session, town.director, coalition.id, goal.id, {
                "title": "Kurs", "due_on": now.date().isoformat(), "partner_ids": partners},
                now)
        assert "partner_ids" in caught.value.errors
        session.rollback()


# --- the record of exchanges and the automatic sources ---------------------------------------

def _contract(session, town, now, giver, receiver, owner, status, days_ago):
    from exchange.core.contracts import create_contract
    contract = create_contract(session, owner, giver.id, {
        "parties": [giver.id, receiver.id],
        "commitments": [{"giver_id": giver.id, "receiver_id": receiver.id, "what": "Sala",
                         "quantity": 1, "unit": "hours",
                         "due_on": (now + timedelta(days=30)).date().isoformat()}]}, now)
    contract.status = status
    contract.activated_at = now - timedelta(days=days_ago)
    if status is ContractStatus.FULFILLED:
        contract.ended_at = now - timedelta(days=days_ago - 1)
    session.commit()
    return contract


def test_contracts_between_partners_enter_the_record_and_feed_an_indicator(
        session, town, coalition, now, make_org, make_user):
    other = make_org(make_user("inny@example.org"), name="Inna Fundacja")
    signed = _contract(session, town, now, town.school, town.bank, town.headmaster,
                       ContractStatus.ACTIVE, 10)
    fulfilled = _contract(session, town, now, town.library, town.school, town.director,
                          ContractStatus.FULFILLED, 20)
    _contract(session, town, now, town.school, town.bank, town.headmaster,
              ContractStatus.DRAFT, 5)                                   # not signed
    _contract(session, town, now, town.school, other, town.headmaster,
              ContractStatus.ACTIVE, 5)                                  # one partner only
    _contract(session, town, now, town.school, town.bank, town.headmaster,
              ContractStatus.ACTIVE, 400)                                # before the plan
    record = core.exchange_record(session, coalition)
    assert {c.id for c in record.between_partners} >= {signed.id, fulfilled.id}
    assert len(record.between_partners) == 3 and record.total == 3
    _goal, auto = goal_with_indicator(session, town, coalition, now, baseline="0",
                                      target="4", source="contracts_signed")
    assert core.achieved_value(session, auto, now) == 2  # since the plan's start only
    _goal, done = goal_with_indicator(session, town, coalition, now, baseline="0",
                                      target="1", source="contracts_fulfilled")
    assert core.progress_of(session, done, now).state is ScheduleState.ACHIEVED
    with pytest.raises(Conflict):  # an automatic indicator takes no entries
        entry(session, town.headmaster, auto, now, "1")


def test_an_organiser_marks_the_event_as_hosted_and_its_deals_count(
        session, town, coalition, now):
    from exchange.core import events
    event = events.create_event(session, town.headmaster, town.school.id, {
        "name": "Giełda", "venue": "Aula", "held_on": now.date().isoformat(),
        "registration_opens_on": now.date().isoformat(),
        "registration_closes_on": now.date().isoformat()}, now)
    events.publish_event(session, town.headmaster, event.id, now)
    session.commit()
    with pytest.raises(Forbidden):  # not its organiser
        core.set_event_partnership(session, town.director, event.id, coalition.id, now)
    session.rollback()
    other = create(session, town, now, name="Inna koalicja")
    with pytest.raises(NotFound):  # the school is not a member of the other one
        core.set_event_partnership(session, town.headmaster, event.id, other.id, now)
    session.rollback()
    core.set_event_partnership(session, town.headmaster, event.id, str(coalition.id), now)
    session.commit()
    deal = _contract(session, town, now, town.school, town.bank, town.headmaster,
                     ContractStatus.ACTIVE, 1)
    deal.event_id, deal.ratified_at = event.id, now - timedelta(hours=2)
    session.commit()
    record = core.exchange_record(session, coalition)
    assert [e.id for e in record.events] == [event.id]
    assert [c.id for c in record.event_deals] == [deal.id]
    assert record.total == 1  # a deal between two partners at a hosted event counts once
    _goal, auto = goal_with_indicator(session, town, coalition, now, baseline="0",
                                      target="10", source="event_deals")
    assert core.achieved_value(session, auto, now) == 1
    # the chart steps up on the day of the deal
    assert core.progress_of(session, auto, now).points[1:] == [(deal.ratified_at.date(), 1)]
    core.set_event_partnership(session, town.headmaster, event.id, "", now)
    session.commit()
    assert core.exchange_record(session, coalition).event_deals == []


def test_meetings_held_count_from_the_plans_start(session, town, coalition, now):
    before = now - timedelta(days=3)
    meeting = core.schedule_meeting(session, town.director, coalition.id, {
        "title": "Spotkanie", "date": (now - timedelta(days=1)).date().isoformat(),
        "time": "10:00", "place_text": "Rynek"}, before)
    _goal, auto = goal_with_indicator(session, town, coalition, now, baseline="0",
                                      target="6", source="meetings_held")
    assert core.achieved_value(session, auto, now) == 0  # scheduled, not recorded as held
    core.record_meeting(session, town.director, coalition.id, meeting.id, {"minutes": "M"}, now)
    session.commit()
    assert core.achieved_value(session, auto, now) == 1
    # the chart steps up on the day of the meeting
    assert core.progress_of(session, auto, now).points[1:] == [(meeting.starts_at.date(), 1)]


def test_a_goal_indicator_or_activity_added_by_mistake_is_removed_until_progress_is_recorded(
        session, make_user, make_org, add_member, now):
    town = build_town(session, make_user, make_org, add_member)
    partnership = create(session, town, now)
    join(session, town, partnership, town.headmaster, town.school, now)
    core.set_period(session, town.director, partnership.id,
                    {"starts_on": "2026-09-01", "ends_on": "2029-08-31"}, now)
    goal = core.add_goal(session, town.director, partnership.id, {"title": "Cel"}, now)
    kept = core.add_indicator(session, town.director, partnership.id, goal.id, {
        "name": "Przeszkoleni", "baseline": "0", "target": "50", "deadline": "2028-06-01"}, now)
    typo = core.add_indicator(session, town.director, partnership.id, goal.id, {
        "name": "Przeszkolen", "baseline": "0", "target": "50", "deadline": "2028-06-01"}, now)
    activity = core.add_activity(session, town.director, partnership.id, goal.id, {
        "title": "Kurs", "due_on": "2027-01-15", "partner_ids": [town.library.id]}, now)
    entry = core.add_progress(session, town.headmaster, kept.id, {
        "value": "4", "happened_on": "2026-11-01", "source": "Lista"}, now)
    session.commit()
    # the activity is changed (its partners too), then removed; a partner may do neither
    with pytest.raises(Forbidden):
        core.update_activity(session, town.headmaster, partnership.id, activity.id,
                             {"title": "X", "due_on": "2027-01-15",
                              "partner_ids": [town.school.id]}, now)
    session.rollback()
    with pytest.raises(ValidationError) as caught:
        core.update_activity(session, town.director, partnership.id, activity.id,
                             {"title": "", "due_on": "2035-01-01", "partner_ids": []}, now)
    assert set(caught.value.errors) == {"title", "due_on", "partner_ids"}
    session.rollback()
    core.update_activity(session, town.director, partnership.id, activity.id, {
        "title": "Kurs e-usług", "due_on": "2027-02-15",
        "partner_ids": [town.library.id, town.school.id]}, now)
    session.commit()
    assert activity.title == "Kurs e-usług" and len(activity.partners) == 2
    core.delete_activity(session, town.director, partnership.id, activity.id, now)
    # an indicator without entries goes; one with entries (even withdrawn) stays, and its goal
    core.delete_indicator(session, town.director, partnership.id, typo.id, now)
    session.commit()
    core.withdraw_progress(session, town.headmaster, partnership.id, entry.id, now)
    session.commit()
    with pytest.raises(Conflict):
        core.delete_indicator(session, town.director, partnership.id, kept.id, now)
    with pytest.raises(Conflict):
        core.delete_goal(session, town.director, partnership.id, goal.id, now)
    session.rollback()
    assert [i.name for i in core.indicators_of(session, partnership)] == ["Przeszkoleni"]
    # a goal with nothing recorded goes with its indicators
    other = core.add_goal(session, town.director, partnership.id, {"title": "Inny"}, now)
    core.add_indicator(session, town.director, partnership.id, other.id, {
        "name": "Ulotki", "baseline": "0", "target": "9", "deadline": "2028-06-01"}, now)
    core.delete_goal(session, town.director, partnership.id, other.id, now)
    session.commit()
    assert [g.title for g in core.goals_of(session, partnership)] == ["Cel"]
    assert [i.name for i in core.indicators_of(session, partnership)] == ["Przeszkoleni"]
