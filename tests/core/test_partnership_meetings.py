"""A partnership's meetings in the core: scheduling from a template at a partner's place,
recording attendance, minutes and tasks, the one-minute evaluation once per person, the
calendar token and the reminders of tasks (once per task and state)."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from exchange.core import partnerships as core
from exchange.core.errors import Conflict, Forbidden, NotFound, ValidationError
from models import MeetingEvaluation, Notification
from tests.core.test_partnerships import build_town, create, join


@pytest.fixture
def town(session, make_user, make_org, add_member):
    return build_town(session, make_user, make_org, add_member)


WHEN = {"date": "2026-12-03", "time": "17:00"}


@pytest.fixture
def coalition(session, town, now):
    partnership = create(session, town, now)
    join(session, town, partnership, town.headmaster, town.school, now)
    return partnership


def schedule(session, town, partnership, now, **data):
    meeting = core.schedule_meeting(session, town.director, partnership.id,
                                    {"template": "first", **WHEN,
                                     "place_org_id": str(town.school.id), **data}, now)
    session.commit()
    return meeting


def test_the_first_meetings_template_fills_the_agenda_and_the_time_is_polish(
        session, town, coalition, now):
    meeting = schedule(session, town, coalition, now)
    assert meeting.title == "Pierwsze spotkanie partnerskie"
    assert "Poznanie się uczestników" in meeting.agenda
    assert "Ustalenie terminu następnego spotkania" in meeting.agenda
    # 17:00 in Warsaw in December (CET) is 16:00 UTC
    assert meeting.starts_at == datetime(2026, 12, 3, 16, 0, tzinfo=timezone.utc)
    assert meeting.place_org_id == town.school.id
    second = core.schedule_meeting(session, town.director, coalition.id, {
        "template": "second", "date": "2027-04-01", "time": "17:00", "place_text": "Rynek 1",
        "agenda": ""}, now)
    assert "Wybór koordynatora/lidera partnerstwa" in second.agenda
    # in April Warsaw keeps summer time (CEST): 15:00 UTC
    assert second.starts_at == datetime(2027, 4, 1, 15, 0, tzinfo=timezone.utc)


def test_scheduling_refuses_bad_input_and_non_managers(session, town, coalition, now):
    with pytest.raises(ValidationError) as caught:
        core.schedule_meeting(session, town.director, coalition.id, {
            "date": "2026-13-40", "time": "25:99", "place_org_id": str(town.bank.id)}, now)
    assert {"title", "date", "time", "place_org_id"} <= set(caught.value.errors)
    with pytest.raises(ValidationError) as caught:
        core.schedule_meeting(session, town.director, coalition.id,
                              {"template": "first", "date": "2026-01-01", "time": "10:00",
                               "place_text": "Rynek"}, now)
    assert "date" in caught.value.errors
    with pytest.raises(Forbidden):
        core.schedule_meeting(session, town.headmaster, coalition.id,
                              {"template": "first", **WHEN, "place_text": "Rynek"}, now)
    with pytest.raises(NotFound):
        core.schedule_meeting(session, town.outsider, coalition.id,
                              {"template": "first", **WHEN, "place_text": "Rynek"}, now)
    session.rollback()
    assert core.meetings_of(session, coalition) == []


def test_announcing_notifies_every_partner_once(session, town, coalition, now):
    meeting = schedule(session, town, coalition, now)
    people = core.announce(session, meeting, now)
    core.announce(session, meeting, now)
    session.commit()
    assert {p.email for p in people} == {town.director.email, town.librarian.email,
                                         town.headmaster.email}
    assert session.scalar(select(func.count()).select_from(Notification).where(
        Notification.key.like(f"partnership-meeting:{meeting.id}:%"))) == 3


def test_recording_attendance_minutes_and_tasks(session, town, coalition, now):
    meeting = schedule(session, town, coalition, now)
    with pytest.raises(Conflict):  # not held yet
        core.record_meeting(session, town.director, coalition.id, meeting.id, {}, now)
    later = meeting.starts_at + timedelta(hours=3)
    core.record_meeting(session, town.director, coalition.id, meeting.id, {
        "attendance": {str(town.library.id): "Dorota, Bartek", str(town.school.id): "Szymon"},
        "minutes": "Poznaliśmy się.", "decisions": "Działamy razem.",
        "next_meeting_on": "2027-01-14"}, later)
    session.commit()
    assert {a.organization_id: a.people for a in meeting.attendance} == {
        town.library.id: "Dorota, Bartek", town.school.id: "Szymon"}
    assert meeting.next_meeting_on == date(2027, 1, 14) and meeting.recorded_at == later
    # recording again replaces; an organization outside the partnership is refused
    with pytest.raises(ValidationError) as caught:
        core.record_meeting(session, town.director, coalition.id, meeting.id, {
            "attendance": {str(town.bank.id): "Bożena"}}, later)
    assert "attendance" in caught.value.errors
    session.rollback()
    core.record_meeting(session, town.director, coalition.id, meeting.id, {
        "attendance": {str(town.school.id): "Szymon"}}, later)
    session.commit()
    assert [a.organization_id for a in meeting.attendance] == [town.school.id]
    task = core.add_task(session, town.director, coalition.id, meeting.id, {
        "title": "Ankieta potrzeb", "owner_org_id": str(town.school.id),
        "due_on": "2027-01-10"}, later)
    session.commit()
    assert core.open_tasks(session, coalition) == [task]
    with pytest.raises(ValidationError):
        core.add_task(session, town.director, coalition.id, meeting.id, {
            "title": "", "owner_org_id": str(town.bank.id), "due_on": "x"}, later)
    with pytest.raises(Forbidden):  # a partner, but not the task's owner (issue 18, engage)
        core.set_task_done(session, town.librarian, coalition.id, task.id, True, later)
    core.set_task_done(session, town.director, coalition.id, task.id, True, later)
    session.commit()
    assert core.open_tasks(session, coalition) == [] and task.done_at == later


def test_one_evaluation_per_person_summarised(session, town, coalition, now):
    meeting = schedule(session, town, coalition, now)
    after = meeting.starts_at + timedelta(hours=2)
    with pytest.raises(Conflict):
        core.evaluate(session, town.headmaster, coalition.id, meeting.id,
                      {"usefulness": 5, "atmosphere": 5}, now)
    with pytest.raises(ValidationError):
        core.evaluate(session, town.headmaster, coalition.id, meeting.id,
                      {"usefulness": 7, "atmosphere": ""}, after)
    session.rollback()
    core.evaluate(session, town.headmaster, coalition.id, meeting.id,
                  {"usefulness": "5", "atmosphere": "4", "keep": "Konkrety"}, after)
    core.evaluate(session, town.librarian, coalition.id, meeting.id,
                  {"usefulness": "2", "atmosphere": "4", "change": "Krócej"}, after)
    session.commit()
    with pytest.raises(Conflict):
        core.evaluate(session, town.headmaster, coalition.id, meeting.id,
                      {"usefulness": 1, "atmosphere": 1}, after)
    session.rollback()
    with pytest.raises(NotFound):
        core.evaluate(session, town.outsider, coalition.id, meeting.id,
                      {"usefulness": 1, "atmosphere": 1}, after)
    session.rollback()
    assert session.scalar(select(func.count()).select_from(MeetingEvaluation)) == 2
    summary = core.evaluation_summary(session, meeting)
    assert (summary.count, summary.usefulness, summary.atmosphere) == (2, 3.5, 4.0)
    assert summary.spread[5] == 1 and summary.spread[2] == 1
    assert summary.keep == ["Konkrety"] and summary.change == ["Krócej"]
    assert not core.can_evaluate(session, meeting, town.headmaster, after)
    assert core.can_evaluate(session, meeting, town.director, after)


def test_the_calendar_token(session, town, coalition, now):
    meeting = schedule(session, town, coalition, now)
    token = core.calendar_token(session, coalition)
    assert core.calendar_token(session, coalition) == token
    assert core.calendar_meetings(session, coalition.id, token) == (coalition, [meeting])
    for wrong in ("", "x" * 32):
        with pytest.raises(NotFound):
            core.calendar_meetings(session, coalition.id, wrong)
    renewed = core.calendar_token(session, coalition, renew=True)
    assert renewed != token
    with pytest.raises(NotFound):
        core.calendar_meetings(session, coalition.id, token)


def test_task_reminders_go_once_per_task_and_state(session, town, coalition, now):
    meeting = schedule(session, town, coalition, now)
    task = core.add_task(session, town.director, coalition.id, meeting.id, {
        "title": "Ankieta", "owner_org_id": str(town.school.id), "due_on": "2026-12-20"}, now)
    done = core.add_task(session, town.director, coalition.id, meeting.id, {
        "title": "Sala", "owner_org_id": str(town.library.id), "due_on": "2026-12-19"}, now)
    core.set_task_done(session, town.director, coalition.id, done.id, True, now)
    session.commit()

    def keys():
        return sorted(session.scalars(select(Notification.key).where(
            Notification.key.like("partnership-task:%"))))

    assert core.remind_tasks(session, datetime(2026, 12, 10, 8, tzinfo=timezone.utc)) == 0
    assert core.remind_tasks(session, datetime(2026, 12, 18, 8, tzinfo=timezone.utc)) == 1
    assert core.remind_tasks(session, datetime(2026, 12, 19, 8, tzinfo=timezone.utc)) == 0
    assert keys() == [f"partnership-task:{task.id}:soon:{town.headmaster.id}"]
    assert core.remind_tasks(session, datetime(2026, 12, 21, 8, tzinfo=timezone.utc)) == 1
    assert core.remind_tasks(session, datetime(2026, 12, 28, 8, tzinfo=timezone.utc)) == 0
    session.commit()
    assert keys() == [f"partnership-task:{task.id}:overdue:{town.headmaster.id}",
                      f"partnership-task:{task.id}:soon:{town.headmaster.id}"]
    assert task.reminded == "overdue"


def test_the_reminders_are_a_scheduled_job():
    from exchange.cli.jobs import JOBS

    assert any(job.id == "partnership-tasks" and job.run is core.remind_tasks for job in JOBS)


def test_the_new_notifications_follow_the_readers_choices():
    from exchange.core.preferences import CONTRACTS, EVENTS, kind_of

    assert kind_of("partnership-task:1:soon:2") == CONTRACTS
    assert kind_of("partnership-meeting:1:2") == EVENTS
