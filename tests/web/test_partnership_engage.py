"""Keeping partners engaged on the web: the coordinator logs a contact from the members page
in one click, the members page shows last contacts and activities and flags quiet partners,
the full log page refuses bad input and partners, each partner's printable page of what it
gave and got, the weeks on the edit form, and an owner partner marking its task done."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from exchange.core import partnerships as core
from exchange.core.partnerships import contributions
from models import MeetingTask, PartnershipContact
from tests.core.test_partnerships import build_town, join
from tests.web.test_partnerships import login_as

WEEK = timedelta(weeks=1)


@pytest.fixture
def town(session, make_user, make_org, add_member):
    return build_town(session, make_user, make_org, add_member)


@pytest.fixture
def coalition(session, town, now):
    """Led by the library; the school and the bank joined ten weeks before NOW."""
    start = now - 10 * WEEK
    partnership = core.create_partnership(session, town.director, {
        "name": "Koalicja dla Tczewa", "municipalities": "Tczew", "goal": "Seniorzy",
        "kind": "needs"}, start)
    session.commit()
    join(session, town, partnership, town.headmaster, town.school, start)
    join(session, town, partnership, town.banker, town.bank, start)
    return partnership


def count(session, model, *where) -> int:
    session.rollback()
    return session.scalar(select(func.count()).select_from(model).where(*where))


def members_page(client, coalition) -> str:
    page = client.get(f"/partnerships/{coalition.id}/members")
    assert page.status_code == 200
    return page.get_data(as_text=True)


def test_the_coordinator_logs_a_call_in_one_click_and_the_partner_is_no_longer_quiet(
        client, session, town, coalition, now):
    login_as(client, town.director)
    text = members_page(client, coalition)
    assert text.count('class="partner-quiet"') == 2  # the school and the bank: ten weeks
    assert 'name="channel" value="phone"' in text
    answer = client.post(f"/partnerships/{coalition.id}/contacts", data={
        "quick": "1", "organization_id": str(town.school.id), "channel": "phone",
        "note": "Sala wolna we wtorki"})
    assert answer.status_code == 302
    assert answer.headers["Location"].endswith(f"/members#partner-{town.school.id}")
    session.rollback()
    contact = session.scalar(select(PartnershipContact))
    assert (contact.organization_id, contact.channel.value, contact.note,
            contact.contacted_at) == (town.school.id, "phone", "Sala wolna we wtorki", now)
    text = members_page(client, coalition)
    assert text.count('class="partner-quiet"') == 1
    assert f'id="partner-{town.bank.id}" class="partner-quiet"' in text
    log = client.get(f"/partnerships/{coalition.id}/contacts").get_data(as_text=True)
    assert "Sala wolna we wtorki" in log


def test_partners_see_last_activity_but_neither_the_log_nor_its_quick_form(
        client, session, town, coalition, now):
    core.log_contact(session, town.director, coalition.id, {
        "organization_id": str(town.bank.id), "channel": "visit",
        "note": "Bank nie jest przekonany"}, now)
    session.commit()
    login_as(client, town.headmaster)
    text = members_page(client, coalition)
    assert "partner-quiet" not in text and 'name="channel"' not in text
    assert "Bank nie jest przekonany" not in text
    assert client.get(f"/partnerships/{coalition.id}/contacts").status_code == 403
    answer = client.post(f"/partnerships/{coalition.id}/contacts", data={
        "quick": "1", "organization_id": str(town.school.id), "channel": "phone"})
    assert answer.status_code == 403
    assert count(session, PartnershipContact) == 1
    login_as(client, town.outsider)
    assert client.get(f"/partnerships/{coalition.id}/contacts").status_code == 404


def test_the_full_form_refuses_bad_input_with_reasons_and_logs_nothing(
        client, session, town, coalition, now):
    login_as(client, town.director)
    answer = client.post(f"/partnerships/{coalition.id}/contacts", data={
        "organization_id": "999999", "channel": "phone",
        "contacted_on": (now + 3 * WEEK).date().isoformat()})
    assert answer.status_code == 422
    text = answer.get_data(as_text=True)
    assert 'id="organization_id-error"' in text and 'id="contacted_on-error"' in text
    assert count(session, PartnershipContact) == 0
    answer = client.post(f"/partnerships/{coalition.id}/contacts", data={
        "organization_id": str(town.bank.id), "channel": "email", "person": "Bożena",
        "contacted_on": (now - WEEK).date().isoformat(), "note": "Oferta szkoleń"})
    assert answer.status_code == 302
    assert count(session, PartnershipContact) == 1


def test_a_meeting_attended_shows_in_the_log_as_a_contact(client, session, town, coalition,
                                                          now):
    meeting = core.schedule_meeting(session, town.director, coalition.id, {
        "template": "first", "date": (now - WEEK).date().isoformat(), "time": "10:00",
        "place_org_id": str(town.school.id)}, now - 2 * WEEK)
    session.commit()
    core.record_meeting(session, town.director, coalition.id, meeting.id, {
        "attendance": {str(town.bank.id): "Bożena Bankowa"}}, now)
    session.commit()
    login_as(client, town.director)
    log = client.get(f"/partnerships/{coalition.id}/contacts").get_data(as_text=True)
    assert f'/meetings/{meeting.id}"' in log and "Bożena Bankowa" in log
    assert count(session, PartnershipContact) == 0
    assert members_page(client, coalition).count('class="partner-quiet"') == 1  # the school


def test_a_partners_page_shows_what_it_gave_and_got_to_every_reader_and_prints(
        client, session, town, coalition, now, make_org):
    contributions.declare(session, town.headmaster, coalition.id, town.school.id, {
        "kind": "offer", "category": "rooms", "title": "Pracownia komputerowa",
        "quantity": 4, "unit": "hours"}, now)
    session.commit()
    for reader in (town.banker, town.director):
        login_as(client, reader)
        page = client.get(f"/partnerships/{coalition.id}/partners/{town.school.id}")
        assert page.status_code == 200
        text = page.get_data(as_text=True)
        assert "Pracownia komputerowa" in text and "Szkoła Społeczna" in text
        assert "partnership-engage.css" in text and "data-print" in text
    login_as(client, town.outsider)
    assert client.get(f"/partnerships/{coalition.id}/partners/{town.school.id}") \
        .status_code == 404
    stranger = make_org(town.outsider, name="Obca Fundacja")
    login_as(client, town.director)
    assert client.get(f"/partnerships/{coalition.id}/partners/{stranger.id}").status_code == 404


def test_the_weeks_before_a_partner_is_quiet_are_set_on_the_edit_form(
        client, session, town, coalition):
    login_as(client, town.director)
    form = {"name": "Koalicja dla Tczewa", "municipalities": "Tczew", "goal": "Seniorzy",
            "kind": "needs", "formalisation": "none"}
    page = client.get(f"/partnerships/{coalition.id}/edit").get_data(as_text=True)
    assert 'name="quiet_weeks"' in page and 'value="6"' in page
    assert client.post(f"/partnerships/{coalition.id}/edit",
                       data={**form, "quiet_weeks": "60"}).status_code == 422
    session.rollback()
    assert session.get(type(coalition), coalition.id).quiet_weeks == 6
    assert client.post(f"/partnerships/{coalition.id}/edit",
                       data={**form, "quiet_weeks": "12"}).status_code == 302
    session.rollback()
    assert session.get(type(coalition), coalition.id).quiet_weeks == 12
    assert "partner-quiet" not in members_page(client, coalition)


def test_the_owner_partner_marks_its_own_task_done_another_partner_cannot(
        client, session, town, coalition, now):
    meeting = core.schedule_meeting(session, town.director, coalition.id, {
        "template": "first", "date": (now - WEEK).date().isoformat(), "time": "10:00",
        "place_org_id": str(town.school.id)}, now - 2 * WEEK)
    task = core.add_task(session, town.director, coalition.id, meeting.id, {
        "title": "Udostępnić salę", "owner_org_id": str(town.school.id),
        "due_on": (now + WEEK).date().isoformat()}, now)
    session.commit()
    login_as(client, town.banker)
    detail = client.get(f"/partnerships/{coalition.id}/meetings/{meeting.id}")
    assert f"/tasks/{task.id}/done" not in detail.get_data(as_text=True)
    assert client.post(f"/partnerships/{coalition.id}/tasks/{task.id}/done",
                       data={"done": "1"}).status_code == 403
    assert count(session, MeetingTask, MeetingTask.done_at.is_not(None)) == 0
    login_as(client, town.headmaster)
    detail = client.get(f"/partnerships/{coalition.id}/meetings/{meeting.id}")
    assert f"/tasks/{task.id}/done" in detail.get_data(as_text=True)
    assert client.post(f"/partnerships/{coalition.id}/tasks/{task.id}/done",
                       data={"done": "1"}).status_code == 302
    assert count(session, MeetingTask, MeetingTask.done_at.is_not(None)) == 1
    assert client.post(f"/partnerships/{coalition.id}/tasks/{task.id}/done",
                       data={"done": "0"}).status_code == 302
    assert count(session, MeetingTask, MeetingTask.done_at.is_not(None)) == 0


def test_the_scheduled_job_run_twice_tells_the_coordinator_once(app, session, town, coalition,
                                                                 now):
    from exchange.cli.jobs import JOBS, run_job
    from models import Notification

    job = next(job for job in JOBS if job.id == "partnership-quiet")
    assert run_job(app, job, now=now) == 2
    assert run_job(app, job, now=now + timedelta(hours=1)) == 0
    assert count(session, Notification, Notification.key.like("partnership-quiet:%"),
                 Notification.user_id == town.director.id) == 2
