"""A partnership's meetings on the web: the coordinator schedules the first meeting from its
template (the partners get a notification and an e-mail with an .ics), records attendance and
a task; each participant evaluates once, the coordinator sees the summary; the .ics is right
across daylight saving; the feed needs its secret; bad input changes nothing; the API."""
from __future__ import annotations

from datetime import timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import func, select

from exchange.core import partnerships as core
from models import MeetingEvaluation, MeetingTask, Notification, PartnershipMeeting
from tests.conftest import NOW
from tests.live import Request, all_at_once, served
from tests.web.test_invitations import _session_cookie
from tests.web.test_partnerships import build_town, login_as


@pytest.fixture
def town(session, make_user, make_org, add_member):
    return build_town(session, make_user, make_org, add_member)


@pytest.fixture
def coalition(session, town, now):
    partnership = core.create_partnership(session, town.director, {
        "name": "Koalicja dla Tczewa", "municipalities": "Tczew", "goal": "Seniorzy",
        "kind": "needs"}, now)
    _, secret = core.invite(session, town.director, partnership.id,
                            email=town.headmaster.email, now=now)
    core.accept_invitation(session, secret, town.headmaster, now, org_id=town.school.id)
    session.commit()
    return partnership


def count(session, model, *where) -> int:
    session.rollback()
    return session.scalar(select(func.count()).select_from(model).where(*where))


def test_scheduling_the_first_meeting_from_its_template_invites_with_an_ics(
        app, client, session, town, coalition, outbox):
    login_as(client, town.director)
    page = client.get(f"/partnerships/{coalition.id}/meetings/new?template=first")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Poznanie się uczestników" in text
    answer = client.post(f"/partnerships/{coalition.id}/meetings/new", data={
        "template": "first", "title": "Pierwsze spotkanie partnerskie", "date": "2026-12-03",
        "time": "17:00", "duration_minutes": "90", "place_org_id": str(town.school.id),
        "place_text": "sala 2", "agenda": "1. Poznanie się"})
    assert answer.status_code == 302
    meeting = session.scalar(select(PartnershipMeeting))
    assert meeting.place_org_id == town.school.id and meeting.duration_minutes == 90
    mails = outbox()
    assert sorted(m["To"] for m in mails) == sorted(
        [town.director.email, town.librarian.email, town.headmaster.email])
    [ics] = [part for part in mails[0].iter_attachments()
             if part.get_content_type() == "text/calendar"]
    [event] = Calendar.from_ical(ics.get_content()).walk("VEVENT")
    assert event.decoded("dtstart").isoformat() == "2026-12-03T16:00:00+00:00"
    assert "Szkoła Społeczna" in str(event["location"])
    # the notifications are there in the app, and not e-mailed a second time by the job
    assert count(session, Notification, Notification.key.like("partnership-meeting:%"),
                 Notification.emailed_at.is_not(None)) == 3


def test_bad_input_changes_nothing_and_members_may_not_schedule(
        app, client, session, town, coalition, outbox):
    login_as(client, town.director)
    answer = client.post(f"/partnerships/{coalition.id}/meetings/new", data={
        "title": "X", "date": "2026-11-01", "time": "17:00", "place_text": ""})
    assert answer.status_code == 422
    text = answer.get_data(as_text=True)
    assert "A new meeting must be in the future." in text
    assert "Say where the meeting is" in text
    assert count(session, PartnershipMeeting) == 0 and outbox() == []
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "pl"
    answer = client.post(f"/partnerships/{coalition.id}/meetings/new", data={
        "title": "X", "date": "2026-12-01", "time": "99:99", "place_text": "Rynek"})
    assert answer.status_code == 422 and "HH:MM" in answer.get_data(as_text=True)
    login_as(client, town.librarian)
    assert client.get(f"/partnerships/{coalition.id}/meetings/new").status_code == 403


def held_meeting(session, town, coalition, clock):
    meeting = core.schedule_meeting(session, town.director, coalition.id, {
        "template": "first", "date": "2026-11-25", "time": "10:00",
        "place_org_id": str(town.library.id)}, NOW)
    session.commit()
    clock.advance(timedelta(days=5))
    return meeting


def test_recording_attendance_and_a_task(app, client, session, town, coalition, clock):
    meeting = held_meeting(session, town, coalition, clock)
    login_as(client, town.director)
    base = f"/partnerships/{coalition.id}/meetings/{meeting.id}"
    assert "Record of the meeting" in client.get(base).get_data(as_text=True)
    answer = client.post(base + "/record", data={
        f"attend-{town.library.id}": "1", f"people-{town.library.id}": "Dorota, Bartek",
        f"attend-{town.school.id}": "1", "minutes": "Poznaliśmy się.",
        "decisions": "Razem.", "next_meeting_on": "2027-01-14"})
    assert answer.status_code == 302
    answer = client.post(base + "/tasks", data={
        "title": "Ankieta potrzeb", "owner_org_id": str(town.school.id), "due_on": "2026-12-20"})
    assert answer.status_code == 302
    session.rollback()
    meeting = session.get(PartnershipMeeting, meeting.id)
    assert {a.organization_id for a in meeting.attendance} == {town.library.id, town.school.id}
    [task] = meeting.tasks
    assert task.owner_org_id == town.school.id
    # a bad task is refused with the reason, nothing is added
    answer = client.post(base + "/tasks", data={"title": "", "owner_org_id": "",
                                                "due_on": "jutro"})
    assert answer.status_code == 422 and count(session, MeetingTask) == 1
    page = client.get(base).get_data(as_text=True)
    assert "Dorota, Bartek" in page and "Ankieta potrzeb" in page
    assert client.post(f"/partnerships/{coalition.id}/tasks/{task.id}/done",
                       data={"done": "1"}).status_code == 302
    session.rollback()
    assert session.get(MeetingTask, task.id).done_at is not None


def test_each_participant_evaluates_once_and_the_coordinator_sees_the_summary(
        app, client, session, town, coalition, clock):
    meeting = held_meeting(session, town, coalition, clock)
    base = f"/partnerships/{coalition.id}/meetings/{meeting.id}"
    login_as(client, town.headmaster)
    assert "One-minute evaluation" in client.get(base).get_data(as_text=True)
    assert client.post(base + "/evaluation", data={
        "usefulness": "4", "atmosphere": "5", "change": "Krócej"}).status_code == 302
    assert client.post(base + "/evaluation", data={
        "usefulness": "1", "atmosphere": "1"}).status_code == 302  # refused, told why
    page = client.get(base).get_data(as_text=True)
    assert "already evaluated" in page and "One-minute evaluation" not in page
    assert "Evaluations" not in page  # the summary is the coordinator's
    assert count(session, MeetingEvaluation) == 1
    login_as(client, town.director)
    page = client.get(base).get_data(as_text=True)
    assert "1 answer" in page and "Krócej" in page


def test_one_person_evaluating_twice_at_once_counts_once(app, session, town, coalition, clock):
    meeting = held_meeting(session, town, coalition, clock)
    path = f"/partnerships/{coalition.id}/meetings/{meeting.id}/evaluation"
    with served(app) as base:
        cookie = _session_cookie(base, town.headmaster.email)
        answers = all_at_once(base, [Request("POST", path, b"usefulness=5&atmosphere=5", {
            "Cookie": cookie, "Accept-Language": "en",
            "Content-Type": "application/x-www-form-urlencoded"}) for _ in range(4)],
            timeout=60)
    assert all(a.status == 302 for a in answers), [a.status for a in answers]
    assert count(session, MeetingEvaluation) == 1


def test_the_ics_keeps_the_polish_hour_across_daylight_saving(
        app, client, session, town, coalition):
    # 17:00 in Warsaw: in winter (CET) 16:00 UTC, after the change in March (CEST) 15:00 UTC
    ids = [core.schedule_meeting(session, town.director, coalition.id, {
        "template": "second", "date": day, "time": "17:00", "place_text": "Rynek 1"}, NOW).id
        for day in ("2027-03-27", "2027-03-29")]
    token = core.calendar_token(session, coalition)
    session.commit()
    login_as(client, town.librarian)
    answer = client.get(f"/partnerships/{coalition.id}/meetings/{ids[0]}.ics")
    assert answer.status_code == 200 and answer.mimetype == "text/calendar"
    [winter] = Calendar.from_ical(answer.data).walk("VEVENT")
    assert winter.decoded("dtstart").isoformat() == "2027-03-27T16:00:00+00:00"
    feed = client.get(f"/partnerships/{coalition.id}/calendar/{token}.ics")
    starts = sorted(e.decoded("dtstart").isoformat()
                    for e in Calendar.from_ical(feed.data).walk("VEVENT"))
    assert starts == ["2027-03-27T16:00:00+00:00", "2027-03-29T15:00:00+00:00"]
    assert client.get(f"/partnerships/{coalition.id}/calendar/wrong.ics").status_code == 404


def test_the_api_lists_and_schedules(app, client, session, town, coalition, now):
    from exchange.core.tokens import issue_token

    _, director = issue_token(session, town.director, "t", now)
    _, librarian = issue_token(session, town.librarian, "t", now)
    session.commit()
    path = f"/api/v1/partnerships/{coalition.id}/meetings"
    answer = client.post(path, json={"template": "first", "date": "2026-12-03",
                                     "time": "17:00", "place_org_id": town.library.id},
                         headers={"Authorization": f"Bearer {director}"})
    assert answer.status_code == 201, answer.json
    assert answer.json["local_start"].startswith("2026-12-03T17:00")
    assert client.post(path, json={"date": "2026-12-03", "time": "17:00", "place_text": "x"},
                       headers={"Authorization": f"Bearer {librarian}"}).status_code == 403
    listed = client.get(path, headers={"Authorization": f"Bearer {librarian}"}).json
    assert [m["title"] for m in listed["items"]] == ["Pierwsze spotkanie partnerskie"]
    assert client.get(path).status_code == 401  # members only: a token first
    spec = client.get("/api/v1/openapi.json").json
    assert set(spec["paths"]["/partnerships/{id}/meetings"]) == {"get", "post"}


def test_the_animator_reads_meetings_and_their_evaluations_but_changes_nothing(
        app, client, session, town, coalition, clock):
    _, secret = core.invite(session, town.director, coalition.id, email=town.outsider.email,
                            role="animator", now=NOW)
    core.accept_invitation(session, secret, town.outsider, NOW)
    session.commit()
    meeting = held_meeting(session, town, coalition, clock)
    base = f"/partnerships/{coalition.id}/meetings/{meeting.id}"
    login_as(client, town.outsider)
    assert client.get(f"/partnerships/{coalition.id}/meetings").status_code == 200
    page = client.get(base).get_data(as_text=True)
    assert "Evaluations" in page and "Record of the meeting" not in page
    assert client.get(f"/partnerships/{coalition.id}/meetings/new").status_code == 403
    assert client.post(base + "/record", data={"minutes": "x"}).status_code == 403
    assert client.post(base + "/tasks", data={
        "title": "x", "owner_org_id": str(town.school.id), "due_on": "2027-01-01"}
        ).status_code == 403
    assert count(session, MeetingTask) == 0
