"""A partnership's yearly report in the core: what falls in the year (contributions,
meetings held and who came, tasks, contracts between partners), and the recommendations
written together — a save from an old revision is refused with both texts kept."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from exchange.core import contracts
from exchange.core import partnerships as core
from exchange.core.errors import Conflict, Forbidden, NotFound, ValidationError
from exchange.core.partnerships import contributions, report
from models import ContractStatus, PartnershipRecommendation
from tests.core.test_partnerships import build_town, create, join


@pytest.fixture
def town(session, make_user, make_org, add_member):
    return build_town(session, make_user, make_org, add_member)


@pytest.fixture
def coalition(session, town, now):
    return three_partners(session, town, now)


def three_partners(session, town, now):
    """The library, the school and the bank, together since a month before NOW."""
    month_ago = now - timedelta(days=30)
    partnership = create(session, town, month_ago)
    join(session, town, partnership, town.headmaster, town.school, month_ago)
    join(session, town, partnership, town.banker, town.bank, month_ago)
    return partnership


def held(session, town, partnership, now, days_ago, present):
    """A meeting that began DAYS_AGO days before NOW, recorded with PRESENT organizations."""
    start = now - timedelta(days=days_ago)
    meeting = core.schedule_meeting(session, town.director, partnership.id, {
        "title": f"Spotkanie {days_ago}", "date": (start + timedelta(hours=1)).date().isoformat(),
        "time": "10:00", "place_org_id": str(town.school.id)}, start - timedelta(days=30))
    core.record_meeting(session, town.director, partnership.id, meeting.id, {
        "attendance": {str(org.id): "Ktoś" for org in present}}, now)
    session.commit()
    return meeting


def signed_contract(session, town, giver, giver_owner, receiver, receiver_owner, now):
    contract = contracts.create_contract(session, giver_owner, giver.id, {
        "parties": [giver.id, receiver.id], "commitments": [{
            "giver_id": giver.id, "receiver_id": receiver.id, "what": "Pracownia komputerowa",
            "quantity": 4, "unit": "hours",
            "due_on": (now.date() + timedelta(days=20)).isoformat()}]}, now)
    contracts.sign(session, giver_owner, giver.id, contract.id, now, recent_login=True)
    contracts.sign(session, receiver_owner, receiver.id, contract.id, now, recent_login=True)
    session.commit()
    return contract


def test_the_years_report_counts_what_happened_in_it(session, town, coalition, now):
    year = report.local_year(now)
    lab = contributions.declare(session, town.headmaster, coalition.id, town.school.id, {
        "kind": "offer", "category": "equipment", "title": "Pracownia komputerowa",
        "quantity": 1, "unit": "pieces", "municipality": "Tczew"}, now)
    session.commit()
    meeting = held(session, town, coalition, now, 3, [town.library, town.school])
    task = core.add_task(session, town.director, coalition.id, meeting.id, {
        "title": "Ankieta", "owner_org_id": str(town.bank.id),
        "due_on": (now.date() + timedelta(days=5)).isoformat()}, now)
    session.commit()
    between = signed_contract(session, town, town.school, town.headmaster, town.library,
                              town.director, now)
    # a contract with an organization outside the partnership is not an exchange between
    # partners
    outsider_org = town.make_org(town.outsider, name="Obca Firma", sector="business")
    signed_contract(session, town, town.school, town.headmaster, outsider_org, town.outsider,
                    now)

    # absent: the bank, a member then; a partner who joined after the meeting is not counted
    latecomer = town.make_org(town.outsider, name="Nowe Stowarzyszenie", sector="ngo")
    join(session, town, coalition, town.outsider, latecomer, now)
    got = report.year_report(session, town.banker, coalition.id, year, now)
    assert [x.id for x in got.offers] == [lab.id]
    assert [line.meeting.id for line in got.meetings] == [meeting.id]
    line = got.meetings[0]
    assert [o.name for o in line.present] == ["Biblioteka", "Szkoła Społeczna"]
    assert [o.id for o in line.absent] == [town.bank.id]
    assert got.attendance_rate == pytest.approx(2 / 3)
    assert got.tasks_open == [task] and got.tasks_done == []
    assert [e.contract.id for e in got.exchanges] == [between.id]
    assert got.exchanges[0].contract.status is ContractStatus.ACTIVE

    core.set_task_done(session, town.director, coalition.id, task.id, True, now)
    session.commit()
    got = report.year_report(session, town.banker, coalition.id, year, now)
    assert got.tasks_done == [task] and got.tasks_open == []

    # the previous year (before the partnership existed) has no report
    with pytest.raises(ValidationError):
        report.year_report(session, town.banker, coalition.id, year - 1, now)
    # the meeting and the contract fall in this year only
    next_year = report.year_report(session, town.banker, coalition.id, year + 1,
                                   now.replace(year=now.year + 1))
    assert next_year.meetings == [] and next_year.exchanges == []
    assert [x.id for x in next_year.offers] == [lab.id]  # still brought


def test_a_meeting_not_yet_held_or_cancelled_is_not_in_the_report(session, town, coalition,
                                                                   now):
    soon = core.schedule_meeting(session, town.director, coalition.id, {
        "title": "Za tydzień", "date": (now + timedelta(days=7)).date().isoformat(),
        "time": "10:00", "place_text": "Rynek 1"}, now)
    session.commit()
    got = report.year_report(session, town.director, coalition.id, report.local_year(now), now)
    assert soon.id not in [line.meeting.id for line in got.meetings]


def test_only_readers_read_the_report(session, town, coalition, now):
    year = report.local_year(now)
    with pytest.raises(NotFound):
        report.year_report(session, town.outsider, coalition.id, year, now)
    with pytest.raises(NotFound):
        report.year_report(session, None, coalition.id, year, now)


def test_recommendations_are_written_together_and_nothing_is_lost(session, town, coalition,
                                                                   now):
    year = report.local_year(now)
    first = report.write_recommendations(session, town.headmaster, coalition.id, year, {
        "text": "Więcej zajęć dla seniorów.", "base": "0"}, now)
    session.commit()
    assert first.number == 1 and first.organization_id == town.school.id
    # the bank writes on top of it
    second = report.write_recommendations(session, town.banker, coalition.id, year, {
        "text": "Więcej zajęć dla seniorów.\nDarmowy internet w bibliotece.", "base": "1"}, now)
    session.commit()
    assert second.number == 2
    # the school saves from the text it saw before: refused, both texts given back
    with pytest.raises(report.RecommendationConflict) as caught:
        report.write_recommendations(session, town.headmaster, coalition.id, year, {
            "text": "Więcej zajęć dla seniorów i dzieci.", "base": "1"}, now)
    assert caught.value.mine == "Więcej zajęć dla seniorów i dzieci."
    assert caught.value.theirs.number == 2
    session.rollback()
    assert report.current_recommendation(session, coalition, year).text.endswith("bibliotece.")
    # the same text again saves nothing new
    again = report.write_recommendations(session, town.banker, coalition.id, year, {
        "text": second.text, "base": "2"}, now)
    assert again.id == second.id
    assert [r.number for r in report.recommendation_history(session, coalition, year)] == [2, 1]
    # too long, a bad base: a clear error, nothing saved
    with pytest.raises(ValidationError) as caught:
        report.write_recommendations(session, town.banker, coalition.id, year, {
            "text": "x" * (report.RECOMMENDATIONS_MAX + 1), "base": "nie"}, now)
    assert set(caught.value.errors) == {"text", "base"}


def test_the_animator_and_outsiders_do_not_write(session, town, coalition, now):
    year = report.local_year(now)
    coalition.animator_id = town.outsider.id
    session.commit()
    with pytest.raises(Forbidden):
        report.write_recommendations(session, town.outsider, coalition.id, year,
                                     {"text": "Rada", "base": "0"}, now)
    session.rollback()
    coalition.animator_id = None
    session.commit()
    with pytest.raises(NotFound):
        report.write_recommendations(session, town.outsider, coalition.id, year,
                                     {"text": "Rada", "base": "0"}, now)
    core.change_state(session, town.director, coalition.id, "ended", now)
    session.commit()
    with pytest.raises(Conflict):
        report.write_recommendations(session, town.headmaster, coalition.id, year,
                                     {"text": "Po końcu", "base": "0"}, now)
    assert session.scalar(select(func.count()).select_from(PartnershipRecommendation)) == 0


def test_indicators_are_reported_at_the_years_end_with_what_the_year_added(
        session, town, coalition, now):
    core.set_period(session, town.director, coalition.id,
                    {"starts_on": "2026-09-01", "ends_on": "2029-08-31"}, now)
    goal = core.add_goal(session, town.director, coalition.id, {"title": "Seniorzy w sieci"},
                         now)
    indicator = core.add_indicator(session, town.director, coalition.id, goal.id, {
        "name": "Przeszkoleni seniorzy", "baseline": "10", "target": "70",
        "deadline": "2028-08-31"}, now)
    for value, day in (("5", "2026-10-01"), ("7", "2026-11-15")):
        core.add_progress(session, town.director, indicator.id, {
            "value": value, "happened_on": day, "source": "Lista obecności"}, now)
    session.commit()
    [line] = report.year_report(session, town.banker, coalition.id, 2026, now).indicators
    assert (line.progress.achieved, line.in_year) == (22, 12)
    assert line.goal.id == goal.id

    next_year = now.replace(year=2027)
    core.add_progress(session, town.headmaster, indicator.id, {
        "value": "3", "happened_on": "2027-03-01", "source": "Lista obecności"}, next_year)
    session.commit()
    [line] = report.year_report(session, town.banker, coalition.id, 2027, next_year).indicators
    assert (line.progress.achieved, line.in_year) == (25, 3)
    # the past year's report stays as it was at its end
    [line] = report.year_report(session, town.banker, coalition.id, 2026, next_year).indicators
    assert (line.progress.achieved, line.in_year) == (22, 12)
