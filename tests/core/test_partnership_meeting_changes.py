"""A meeting changed or cancelled (issue 18): managers change the date, time, place or agenda
of a meeting not yet begun (its .ics SEQUENCE grows, invitees are told) or cancel one not
recorded as held; a held, recorded meeting cannot be cancelled."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from exchange.core import partnerships as core
from exchange.core.errors import Conflict, Forbidden, NotFound, ValidationError
from models import Notification
from tests.core import test_partnership_meetings as meetings

town, coalition = meetings.town, meetings.coalition  # a library leads; the school is in


def when(now, days: int) -> dict:
    return {"date": (now + timedelta(days=days)).date().isoformat(), "time": "17:00"}


def scheduled(session, town, coalition, now, days=10):
    meeting = core.schedule_meeting(session, town.director, coalition.id, {
        "template": "first", **when(now, days), "place_org_id": str(town.school.id)}, now)
    session.commit()
    return meeting


def form(meeting, **changes) -> dict:
    start = core.local_start(meeting)
    return {"title": meeting.title, "date": start.date().isoformat(),
            "time": start.strftime("%H:%M"), "duration_minutes": meeting.duration_minutes,
            "place_org_id": str(meeting.place_org_id or ""), "place_text": meeting.place_text,
            "agenda": meeting.agenda, **changes}


def told(session, meeting) -> dict[str, set[int]]:
    keys: dict[str, set[int]] = {}
    for key, user_id in session.execute(select(Notification.key, Notification.user_id).where(
            Notification.key.like(f"partnership-meeting:{meeting.id}:v%"))):
        keys.setdefault(key.split(":")[2], set()).add(user_id)
    return keys


def test_a_manager_moves_a_meeting_and_the_invitees_are_told_with_a_new_sequence(
        session, town, coalition, now):
    meeting = scheduled(session, town, coalition, now)
    assert meeting.sequence == 0
    before = meeting.starts_at
    changed, did = core.update_meeting(session, town.director, coalition.id, meeting.id,
                                       form(meeting, **when(now, 12), place_org_id="",
                                            place_text="Rynek 1, sala 2"), now)
    session.commit()
    assert did and changed.sequence == 1
    assert changed.starts_at == before + timedelta(days=2)
    assert (changed.place_org_id, changed.place_text) == (None, "Rynek 1, sala 2")
    assert changed.template == "first"  # its origin stays
    people = {u.id for u in core.invitees(session, coalition)}
    assert told(session, meeting) == {"v1": people}
    # Sending the same again changes nothing and tells nobody.
    _same, did = core.update_meeting(session, town.director, coalition.id, meeting.id,
                                     form(meeting), now)
    assert not did and meeting.sequence == 1 and set(told(session, meeting)) == {"v1"}


def test_bad_changes_and_non_managers_are_refused_and_change_nothing(session, town, coalition,
                                                                    now):
    meeting = scheduled(session, town, coalition, now)
    start = meeting.starts_at
    with pytest.raises(ValidationError) as caught:
        core.update_meeting(session, town.director, coalition.id, meeting.id,
                            form(meeting, date=(now - timedelta(days=1)).date().isoformat(),
                                 time="99:00", title=""), now)
    assert {"title", "time"} <= set(caught.value.errors)
    with pytest.raises(ValidationError) as caught:  # in the past
        core.update_meeting(session, town.director, coalition.id, meeting.id,
                            form(meeting, **when(now, -1)), now)
    assert "date" in caught.value.errors
    with pytest.raises(Forbidden):
        core.update_meeting(session, town.headmaster, coalition.id, meeting.id,
                            form(meeting, **when(now, 12)), now)
    with pytest.raises(NotFound):
        core.cancel_meeting(session, town.outsider, coalition.id, meeting.id, now)
    session.rollback()
    assert (meeting.starts_at, meeting.sequence, meeting.cancelled_at) == (start, 0, None)
    assert told(session, meeting) == {}


def test_a_meeting_that_has_begun_is_not_moved(session, town, coalition, now):
    meeting = scheduled(session, town, coalition, now, days=1)
    later = meeting.starts_at + timedelta(minutes=5)
    with pytest.raises(Conflict):
        core.update_meeting(session, town.director, coalition.id, meeting.id,
                            form(meeting, **when(now, 5)), later)


def test_a_manager_cancels_a_meeting_once_and_it_is_no_longer_recorded(session, town,
                                                                      coalition, now):
    meeting = scheduled(session, town, coalition, now)
    core.cancel_meeting(session, town.director, coalition.id, meeting.id, now)
    session.commit()
    assert meeting.cancelled_at == now and meeting.sequence == 1
    assert set(told(session, meeting)) == {"v1"}
    with pytest.raises(Conflict):
        core.cancel_meeting(session, town.director, coalition.id, meeting.id, now)
    with pytest.raises(Conflict):
        core.update_meeting(session, town.director, coalition.id, meeting.id,
                            form(meeting, **when(now, 12)), now)
    with pytest.raises(Conflict):  # nothing to record
        core.record_meeting(session, town.director, coalition.id, meeting.id,
                            {"minutes": "x"}, meeting.starts_at + timedelta(hours=3))
    assert not core.can_evaluate(session, meeting, town.headmaster,
                                 meeting.starts_at + timedelta(hours=3))
    # The calendar feed keeps it, marked cancelled.
    _partnership, listed = core.calendar_meetings(session, coalition.id,
                                                  core.calendar_token(session, coalition))
    assert listed == [meeting]


def test_a_held_and_recorded_meeting_cannot_be_cancelled(session, town, coalition, now):
    meeting = scheduled(session, town, coalition, now, days=1)
    after = meeting.starts_at + timedelta(hours=3)
    core.record_meeting(session, town.director, coalition.id, meeting.id,
                        {"attendance": {str(town.school.id): "Szymon"}, "minutes": "Było."},
                        after)
    session.commit()
    with pytest.raises(Conflict):
        core.cancel_meeting(session, town.director, coalition.id, meeting.id, after)
    session.rollback()
    assert meeting.cancelled_at is None and meeting.sequence == 0
