"""A day before an event's start on its hall's clock, its staff and the members of its
admitted organizations are reminded once, right on either side of a change of the clocks."""
from __future__ import annotations

from datetime import date, datetime, timezone

from sqlalchemy import select

from exchange.cli.jobs import JOBS
from exchange.core.events.reminders import event_reminders
from models import Notification


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


def held(session, hall, day: date, starts_at="10:00", time_zone="Europe/Warsaw"):
    event = hall["event"]
    event.held_on, event.starts_at, event.time_zone = day, starts_at, time_zone
    session.commit()
    return event


def reminded(session) -> dict[int, Notification]:
    return {n.user_id: n for n in session.scalars(
        select(Notification).where(Notification.key.like("event-reminder:%")))}


def test_the_reminder_goes_a_day_before_the_start_after_the_clocks_go_forward(session, hall):
    # 10:00 in Warsaw on 2027-03-28 (summer time) is 08:00Z; a day before it the clocks
    # there say 09:00, not 10:00.
    held(session, hall, date(2027, 3, 28))
    assert event_reminders(session, utc(2027, 3, 27, 7, 59)) == 0
    assert event_reminders(session, utc(2027, 3, 27, 8, 30)) == 5
    assert event_reminders(session, utc(2027, 3, 27, 8, 45)) == 0  # each once
    session.commit()
    told = reminded(session)
    assert set(told) == {hall[who].id for who in ("organiser", "notary", "broker",
                                                  "library_owner", "school_owner")}
    note = told[hall["library_owner"].id]
    assert note.params == {"event": "Giełda Zasobów Tczew 2026", "date": "28.03.2027",
                           "time": "10:00", "venue": "Centrum Kultury, ul. Kulturalna 1"}
    assert note.link == f"/events/{hall['event'].id}"


def test_the_reminder_waits_for_the_hour_that_comes_back_in_autumn(session, hall):
    # 10:00 in Warsaw on 2027-10-31 (winter time) is 09:00Z.
    held(session, hall, date(2027, 10, 31))
    assert event_reminders(session, utc(2027, 10, 30, 8, 30)) == 0
    assert event_reminders(session, utc(2027, 10, 30, 9, 0)) == 5


def test_a_hall_in_another_zone_is_reminded_on_its_own_clock(session, hall):
    held(session, hall, date(2027, 3, 28), time_zone="Europe/London")  # 09:00Z
    assert event_reminders(session, utc(2027, 3, 27, 8, 30)) == 0
    assert event_reminders(session, utc(2027, 3, 27, 9, 0)) == 5
    session.commit()
    assert reminded(session)[hall["notary"].id].params["time"] == "10:00 (Europe/London)"


def test_no_reminder_after_the_start_or_once_the_session_runs(session, hall):
    held(session, hall, date(2027, 3, 28))
    assert event_reminders(session, utc(2027, 3, 28, 8, 0)) == 0  # it is starting now
    hall["event"].session_started_at = utc(2027, 3, 27, 8, 0)
    session.commit()
    assert event_reminders(session, utc(2027, 3, 27, 8, 30)) == 0


def test_the_scheduler_runs_the_reminders():
    assert any(job.id == "event-reminder" and job.run is event_reminders for job in JOBS)
