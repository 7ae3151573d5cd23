"""Keeping partners engaged, in the core: the contact log and who reads it, meetings counting
as contacts, each partner's last contact and last activity, quiet partners and the notice to
the coordinator (once per quiet spell, even from runs at the same moment), each partner's
record of what it gave and got, and the owner partner marking its own task done."""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from exchange.core import contracts
from exchange.core import partnerships as core
from exchange.core.errors import Conflict, Forbidden, NotFound, ValidationError
from exchange.core.partnerships import contributions
from models import Notification, PartnershipContact
from tests.core.test_partnerships import build_town, create, join

WEEK = timedelta(weeks=1)


@pytest.fixture
def town(session, make_user, make_org, add_member):
    return build_town(session, make_user, make_org, add_member)


@pytest.fixture
def coalition(session, town, now):
    """The library leads; the school and the bank joined ten weeks before NOW; the outsider
    advises as the animator."""
    start = now - 10 * WEEK
    partnership = create(session, town, start)
    join(session, town, partnership, town.headmaster, town.school, start)
    join(session, town, partnership, town.banker, town.bank, start)
    _invitation, secret = core.invite(session, town.director, partnership.id,
                                      email=town.outsider.email, role="animator", now=start)
    core.accept_invitation(session, secret, town.outsider, start)
    session.commit()
    return partnership


def contacts_count(session) -> int:
    return session.scalar(select(func.count()).select_from(PartnershipContact))


def log(session, town, coalition, now, org, **data):
    contact = core.log_contact(session, town.director, coalition.id,
                               {"organization_id": str(org.id), "channel": "phone", **data}, now)
    session.commit()
    return contact


def test_the_coordinator_logs_a_contact_today_by_default_or_on_a_past_day(
        session, town, coalition, now):
    contact = log(session, town, coalition, now, town.school, person="Szymon", note="Sala OK")
    assert (contact.organization_id, contact.channel.value, contact.person, contact.note,
            contact.contacted_at, contact.author_id) == (
        town.school.id, "phone", "Szymon", "Sala OK", now, town.director.id)
    earlier = log(session, town, coalition, now, town.bank, channel="visit",
                  contacted_on=(now - 3 * WEEK).date().isoformat())
    # a past day counts from its noon, Polish time (11:00 UTC in winter)
    assert earlier.contacted_at.date() == (now - 3 * WEEK).date()
    assert earlier.contacted_at.hour in (10, 11)


def test_bad_contacts_are_refused_with_reasons_and_nothing_is_logged(
        session, town, coalition, now, make_org):
    stranger = make_org(town.outsider, name="Obca Fundacja")
    with pytest.raises(ValidationError) as caught:
        core.log_contact(session, town.director, coalition.id, {
            "organization_id": str(stranger.id), "channel": "fax", "note": "x" * 2001,
            "contacted_on": (now + 2 * WEEK).date().isoformat()}, now)
    assert {"organization_id", "channel", "note", "contacted_on"} <= set(caught.value.errors)
    with pytest.raises(ValidationError) as caught:
        core.log_contact(session, town.director, coalition.id, {
            "organization_id": "abc", "channel": "", "contacted_on": "2026-02-31"}, now)
    assert {"organization_id", "channel", "contacted_on"} <= set(caught.value.errors)
    session.rollback()
    assert contacts_count(session) == 0


def test_the_log_is_the_coordinators_partners_do_not_read_it_the_animator_does(
        session, town, coalition, now, make_user):
    contact = log(session, town, coalition, now, town.bank, note="Bank waha się")
    # the animator reads it but does not write it
    assert core.get_log(session, town.outsider, coalition.id) == coalition
    assert [e.note for e in core.contact_log(session, coalition)] == ["Bank waha się"]
    with pytest.raises(Forbidden):
        core.log_contact(session, town.outsider, coalition.id,
                         {"organization_id": str(town.bank.id), "channel": "phone"}, now)
    # a partner sees neither notes about another partner nor about itself
    for partner in (town.headmaster, town.banker, town.librarian):
        with pytest.raises(Forbidden):
            core.get_log(session, partner, coalition.id)
        with pytest.raises(Forbidden):
            core.log_contact(session, partner, coalition.id,
                             {"organization_id": str(town.school.id), "channel": "phone"}, now)
        with pytest.raises(Forbidden):
            core.delete_contact(session, partner, coalition.id, contact.id, now)
    # outside the partnership it does not exist
    other = make_user("nikt@example.org")
    with pytest.raises(NotFound):
        core.get_log(session, other, coalition.id)
    session.rollback()
    assert contacts_count(session) == 1
    core.delete_contact(session, town.director, coalition.id, contact.id, now)
    session.commit()
    assert contacts_count(session) == 0


def hold_meeting(session, town, coalition, now, *orgs, days_ago=7):
    before = now - timedelta(days=days_ago + 2)
    meeting = core.schedule_meeting(session, town.director, coalition.id, {
        "template": "first", "date": (now - timedelta(days=days_ago)).date().isoformat(),
        "time": "10:00", "place_org_id": str(town.library.id)}, before)
    session.commit()
    data = {"attendance": {str(o.id): "ktoś" for o in orgs}, "minutes": "M"}
    core.record_meeting(session, town.director, coalition.id, meeting.id, data, now)
    session.commit()
    return meeting


def test_a_meeting_attended_counts_as_a_contact_with_each_partner_present_without_typing(
        session, town, coalition, now):
    meeting = hold_meeting(session, town, coalition, now, town.library, town.school)
    last = core.last_contacts(session, coalition)
    assert last[town.school.id] == meeting.starts_at
    assert town.bank.id not in last
    entries = core.contact_log(session, coalition)
    assert [(e.organization.id, e.channel.value, e.meeting.id) for e in entries
            if e.organization.id != town.library.id] == [(town.school.id, "meeting", meeting.id)]
    assert contacts_count(session) == 0  # nothing written twice
    # a later logged contact is the last one
    contact = log(session, town, coalition, now, town.school)
    assert core.last_contacts(session, coalition)[town.school.id] == contact.contacted_at


def test_partners_without_contact_for_the_partnerships_weeks_are_quiet_the_lead_never(
        session, town, coalition, now):
    # joined ten weeks ago, nobody heard from anyone: both partners are quiet (6 weeks)
    quiet = core.quiet_since(session, coalition, now)
    assert set(quiet) == {town.school.id, town.bank.id}
    assert quiet[town.bank.id] == now - 10 * WEEK
    log(session, town, coalition, now, town.bank, contacted_on=(now - 2 * WEEK).date())
    assert set(core.quiet_since(session, coalition, now)) == {town.school.id}
    # the coordinator allows twelve weeks: nobody is quiet yet
    core.update_partnership(session, town.director, coalition.id, {
        "name": coalition.name, "municipalities": coalition.municipalities,
        "goal": coalition.goal, "kind": coalition.kind.value, "quiet_weeks": "12"}, now)
    session.commit()
    assert coalition.quiet_weeks == 12
    assert core.quiet_since(session, coalition, now) == {}


def test_the_weeks_are_one_to_fifty_two_and_an_edit_without_them_keeps_them(
        session, town, coalition, now):
    form = {"name": coalition.name, "municipalities": coalition.municipalities,
            "goal": coalition.goal, "kind": coalition.kind.value}
    for bad in ("0", "53", "sześć"):
        with pytest.raises(ValidationError) as caught:
            core.update_partnership(session, town.director, coalition.id,
                                    {**form, "quiet_weeks": bad}, now)
        assert "quiet_weeks" in caught.value.errors
        session.rollback()
    core.update_partnership(session, town.director, coalition.id, {**form, "quiet_weeks": 3},
                            now)
    core.update_partnership(session, town.director, coalition.id, form, now)
    session.commit()
    assert coalition.quiet_weeks == 3


def quiet_notices(session) -> list[Notification]:
    session.expire_all()
    return list(session.scalars(select(Notification).where(
        Notification.key.like("partnership-quiet:%")).order_by(Notification.id)))


def test_the_coordinator_is_told_once_per_quiet_spell(session, town, coalition, now):
    assert core.notify_quiet_partners(session, now) == 2
    session.commit()
    assert core.notify_quiet_partners(session, now + timedelta(days=1)) == 0
    session.commit()
    notices = quiet_notices(session)
    assert {n.user_id for n in notices} == {town.director.id}
    assert len(notices) == 2
    # a contact ends the bank's spell; six weeks later a new spell is told again
    log(session, town, coalition, now, town.bank)
    assert core.notify_quiet_partners(session, now + 5 * WEEK) == 0
    assert core.notify_quiet_partners(session, now + 6 * WEEK + timedelta(hours=1)) == 1
    session.commit()
    assert len(quiet_notices(session)) == 3


def test_a_dormant_partnership_tells_nobody(session, town, coalition, now):
    core.change_state(session, town.director, coalition.id, "active", now)
    core.change_state(session, town.director, coalition.id, "dormant", now)
    session.commit()
    assert core.notify_quiet_partners(session, now) == 0
    assert core.quiet_since(session, coalition, now) == {}  # nor flags anyone


def test_two_runs_at_the_same_moment_tell_once(session, engine, town, coalition, now):
    barrier = threading.Barrier(2)
    sent, errors = [], []

    def run():
        with Session(engine) as own:
            barrier.wait()
            try:
                sent.append(core.notify_quiet_partners(own, now))
                own.commit()
            except BaseException as error:  # noqa: BLE001 - reported below
                errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert len(quiet_notices(session)) == 2
    assert sum(sent) == 2  # each partner once: a run that lost the race wrote nothing


def test_a_run_that_overlaps_an_uncommitted_one_waits_and_adds_nothing(
        session, engine, town, coalition, now):
    """The first run has written its notices but not committed when the second one looks:
    the second sees none, tries to write the same keys, waits, and then leaves them be."""
    written, done = threading.Event(), []

    def first():
        with Session(engine) as own:
            done.append(("first", core.notify_quiet_partners(own, now)))
            written.set()
            threading.Event().wait(0.5)
            own.commit()

    def second():
        written.wait(10)
        with Session(engine) as own:
            done.append(("second", core.notify_quiet_partners(own, now)))
            own.commit()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(done) == [("first", 2), ("second", 0)]
    assert len(quiet_notices(session)) == 2


def test_the_owner_partner_marks_its_task_done_another_partner_cannot(
        session, town, coalition, now):
    meeting = hold_meeting(session, town, coalition, now, town.school)
    task = core.add_task(session, town.director, coalition.id, meeting.id, {
        "title": "Udostępnić salę", "owner_org_id": str(town.school.id),
        "due_on": (now + WEEK).date().isoformat()}, now)
    session.commit()
    with pytest.raises(Forbidden):
        core.set_task_done(session, town.banker, coalition.id, task.id, True, now)
    with pytest.raises(Forbidden):  # the animator advises, does not do tasks
        core.set_task_done(session, town.outsider, coalition.id, task.id, True, now)
    session.rollback()
    assert task.done_at is None
    core.set_task_done(session, town.headmaster, coalition.id, task.id, True, now)
    session.commit()
    assert task.done_at == now
    core.set_task_done(session, town.headmaster, coalition.id, task.id, False, now)
    assert task.done_at is None
    core.set_task_done(session, town.director, coalition.id, task.id, True, now)  # a manager
    session.commit()
    assert task.done_at == now
    core.change_state(session, town.director, coalition.id, "ended", now)
    session.commit()
    with pytest.raises(Conflict):
        core.set_task_done(session, town.headmaster, coalition.id, task.id, False, now)


def declare_lab(session, town, coalition, now):
    listing = contributions.declare(session, town.headmaster, coalition.id, town.school.id, {
        "kind": "offer", "category": "rooms", "title": "Pracownia komputerowa",
        "quantity": 4, "unit": "hours"}, now)
    session.commit()
    return listing


def signed_contract(session, town, now):
    """The school lends the bank its lab; the bank promotes the school."""
    due = (now + 4 * WEEK).date().isoformat()
    contract = contracts.create_contract(session, town.headmaster, town.school.id, {
        "parties": [town.school.id, town.bank.id],
        "commitments": [
            {"giver_id": town.school.id, "receiver_id": town.bank.id, "what": "Sala na szkolenie",
             "quantity": 2, "unit": "hours", "due_on": due},
            {"giver_id": town.bank.id, "receiver_id": town.school.id, "what": "Plakaty",
             "quantity": 1, "unit": "other", "due_on": due}]}, now - 2 * WEEK)
    contracts.sign(session, town.headmaster, town.school.id, contract.id, now - 2 * WEEK,
                   recent_login=True)
    contracts.sign(session, town.banker, town.bank.id, contract.id, now - WEEK,
                   recent_login=True)
    session.commit()
    return contract


def test_last_activity_is_the_latest_sign_of_life(session, town, coalition, now):
    assert core.last_activities(session, coalition).get(town.bank.id) is None
    signed_contract(session, town, now)
    activity = core.last_activities(session, coalition)
    assert activity[town.bank.id] == now - WEEK          # signed with a partner
    assert activity[town.school.id] == now - 2 * WEEK
    declare_lab(session, town, coalition, now)
    assert core.last_activities(session, coalition)[town.school.id] == now  # declared
    meeting = hold_meeting(session, town, coalition, now, town.bank, days_ago=1)
    assert core.last_activities(session, coalition)[town.bank.id] == meeting.starts_at


def test_a_partners_page_says_what_it_gave_and_got(session, town, coalition, now):
    lab = declare_lab(session, town, coalition, now)
    contract = signed_contract(session, town, now)
    meeting = hold_meeting(session, town, coalition, now, town.school, town.bank)
    task = core.add_task(session, town.director, coalition.id, meeting.id, {
        "title": "Plakat", "owner_org_id": str(town.school.id),
        "due_on": (now + WEEK).date().isoformat()}, now)
    core.set_task_done(session, town.headmaster, coalition.id, task.id, True, now)
    session.commit()
    partnership, member = core.get_partner(session, town.banker, coalition.id, town.school.id)
    record = core.partner_record(session, partnership, member)
    assert [x.id for x in record.contributions] == [lab.id]
    assert [c.what for c in record.given] == ["Sala na szkolenie"]
    assert [c.what for c in record.received] == ["Plakaty"]
    assert [t.id for t in record.tasks_done] == [task.id]
    assert [m.id for m in record.meetings] == [meeting.id]
    bank = core.partner_record(session, partnership, core.get_partner(
        session, town.headmaster, coalition.id, town.bank.id)[1])
    assert ([c.what for c in bank.given], [c.what for c in bank.received]) == (
        ["Plakaty"], ["Sala na szkolenie"])
    assert bank.contributions == [] and bank.tasks_done == []
    assert contract.number


def test_a_partners_page_is_for_the_partnerships_readers_and_its_partners_only(
        session, town, coalition, now, make_org, make_user):
    assert core.get_partner(session, town.outsider, coalition.id, town.bank.id)[1] \
        .organization_id == town.bank.id  # the animator reads the partnership
    with pytest.raises(NotFound):
        core.get_partner(session, make_user("nikt@example.org"), coalition.id, town.bank.id)
    stranger = make_org(town.outsider, name="Obca Fundacja")
    with pytest.raises(NotFound):
        core.get_partner(session, town.director, coalition.id, stranger.id)


def test_the_quiet_job_is_scheduled_and_its_notices_have_a_kind():
    from exchange.cli.jobs import JOBS
    from exchange.core.preferences import kind_of

    assert any(job.id == "partnership-quiet" and job.run is core.notify_quiet_partners
               for job in JOBS)
    assert kind_of("partnership-quiet:1:2:20261121T120000") == "news"
