"""A partnership's formalisation and membership changes on the web (issue 18): the declaration
on the partnership's page, prepared and amended by a manager, signed on the contract's pages."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from exchange.core import contracts, partnerships as core
from exchange.core.partnerships import contributions
from models import Contract, Formalisation, MemberRole, Partnership
from tests.conftest import login_id
from tests.web.test_partnerships import build_town

LAB = {"kind": "offer", "category": "computer_labs", "title": "Pracownia komputerowa",
       "description": "Szkolna pracownia.", "quantity": 10, "unit": "hours"}


def login_as(client, user):
    with client.session_transaction() as s:
        s["_user_id"] = login_id(user)


@pytest.fixture
def town(session, make_user, make_org, add_member, now):
    town = build_town(session, make_user, make_org, add_member)
    town.partnership = core.create_partnership(session, town.director, {
        "name": "Koalicja dla Tczewa", "municipalities": "Tczew", "goal": "Seniorzy w sieci",
        "kind": "needs", "lead_id": town.library.id}, now)
    _invitation, secret = core.invite(session, town.director, town.partnership.id,
                                      email=town.headmaster.email, now=now)
    core.accept_invitation(session, secret, town.headmaster, now, org_id=town.school.id)
    town.lab = contributions.declare(session, town.headmaster, town.partnership.id,
                                     town.school.id, LAB, now)
    session.commit()
    return town


def page_of(client, town) -> str:
    return client.get(f"/partnerships/{town.partnership.id}").get_data(as_text=True)


def test_a_manager_prepares_the_declaration_and_the_page_shows_who_signed(
        client, session, town, now):
    login_as(client, town.director)
    page = page_of(client, town)
    assert "Partnership declaration" in page and "Prepare the declaration for signing" in page
    url = f"/partnerships/{town.partnership.id}/declaration"
    assert client.post(url).status_code == 302
    session.rollback()
    contract = session.scalar(select(Contract))
    assert contract is not None and contract.organization_ids == [town.library.id,
                                                                  town.school.id]
    page = page_of(client, town)
    assert f"Declaration {contract.number}" in page and "signature awaited" in page
    assert f"/contracts/{contract.id}" in page
    # The school's signatory signs on the contract's page, then the library's.
    login_as(client, town.headmaster)
    page = page_of(client, town)
    assert "Prepare" not in page and "Propose an amendment" not in page
    contracts.sign(session, town.headmaster, town.school.id, contract.id, now,
                   recent_login=True)
    contracts.sign(session, town.director, town.library.id, contract.id, now, recent_login=True)
    session.commit()
    page = page_of(client, town)
    assert "signed by every partner" in page and "signature awaited" not in page
    assert session.get(Partnership, town.partnership.id).formalisation is \
        Formalisation.DECLARATION


def test_only_managers_prepare_or_amend_and_a_refusal_changes_nothing(client, session, town):
    login_as(client, town.headmaster)  # a partner, not a manager
    for tail in ("/declaration", "/declaration/amend"):
        assert client.post(f"/partnerships/{town.partnership.id}{tail}").status_code == 403
    login_as(client, town.outsider)
    assert client.post(f"/partnerships/{town.partnership.id}/declaration").status_code == 404
    session.rollback()
    assert session.scalar(select(Contract)) is None
    # Amending what does not exist is refused with the reason.
    login_as(client, town.director)
    answer = client.post(f"/partnerships/{town.partnership.id}/declaration/amend",
                         follow_redirects=True)
    assert "has no declaration in progress" in answer.get_data(as_text=True)


def test_a_new_contribution_offers_the_amendment(client, session, town, add_member, now):
    core.prepare_declaration(session, town.director, town.partnership.id, now)
    session.commit()
    contributions.declare(session, town.headmaster, town.partnership.id, town.school.id,
                          {**LAB, "title": "Sala gimnastyczna", "category": "rooms"}, now)
    session.commit()
    login_as(client, town.director)
    page = page_of(client, town)
    assert "Members or their contributions have changed" in page
    assert client.post(f"/partnerships/{town.partnership.id}/declaration/amend"
                       ).status_code == 302
    session.rollback()
    contract = session.scalar(select(Contract))
    assert sorted(c.what for c in contract.current.commitments) == [
        "Pracownia komputerowa", "Sala gimnastyczna"]
    # A member of the lead who is no manager sees the state, not the buttons.
    add_member(town.library, town.outsider, role=MemberRole.MEMBER)
    login_as(client, town.outsider)
    page = page_of(client, town)
    assert f"Declaration {contract.number}" in page and "Propose an amendment" not in page


# --- a listing tagged after it was posted ----------------------------------------------------

ROOM = {"kind": "offer", "category": "rooms", "title": "Sala szkolna na zajęcia",
        "description": "Sala na 30 osób.", "quantity": 6, "unit": "hours"}


def test_a_listing_is_tagged_from_its_edit_page_and_shows_its_badges(client, session, town,
                                                                     now):
    from exchange.core.listings import create_listing

    room = create_listing(session, town.headmaster, town.school.id, ROOM, now)
    session.commit()
    login_as(client, town.headmaster)
    edit = f"/organizations/{town.school.id}/listings/{room.id}/edit"
    page = client.get(edit).get_data(as_text=True)
    assert 'id="partnership-heading"' in page and "Koalicja dla Tczewa" in page
    tag = f"/organizations/{town.school.id}/listings/{room.id}/partnership"
    answer = client.post(tag, data={"partnership_id": str(town.partnership.id)})
    assert answer.status_code == 302
    page = client.get(f"/listings/{room.id}").get_data(as_text=True)
    assert "Contribution to the partnership:" in page and "For the partnership only" not in page
    # The marketplace's card shows the public tag to a reader of the partnership...
    assert "Contribution to the partnership:" in client.get("/listings/").get_data(as_text=True)
    # ...and names no private partnership to others.
    login_as(client, town.outsider)
    market = client.get("/listings/").get_data(as_text=True)
    assert "Sala szkolna na zajęcia" in market and "Koalicja dla Tczewa" not in market
    login_as(client, town.headmaster)
    client.post(tag, data={"partnership_id": str(town.partnership.id), "partnership_only": "y"})
    page = client.get(f"/listings/{room.id}").get_data(as_text=True)
    assert "For the partnership only" in page
    login_as(client, town.outsider)
    assert client.get(f"/listings/{room.id}").status_code == 404
    assert "Sala szkolna na zajęcia" not in client.get("/listings/").get_data(as_text=True)


def test_a_bad_tag_is_refused_with_its_reason_and_changes_nothing(client, session, town, now):
    from exchange.core.listings import create_listing

    room = create_listing(session, town.headmaster, town.school.id, ROOM, now)
    session.commit()
    login_as(client, town.headmaster)
    tag = f"/organizations/{town.school.id}/listings/{room.id}/partnership"
    answer = client.post(tag, data={"partnership_id": "", "partnership_only": "y"},
                         follow_redirects=True)
    assert "Choose the partnership to keep it for." in answer.get_data(as_text=True)
    answer = client.post(tag, data={"partnership_id": "999999"}, follow_redirects=True)
    assert "Choose a partnership your organization is a member of." in answer.get_data(
        as_text=True)
    session.rollback()
    room = session.get(type(room), room.id)
    assert (room.partnership_id, room.partnership_only) == (None, False)
    login_as(client, town.outsider)  # not a member of the school
    assert client.post(tag, data={"partnership_id": str(town.partnership.id)}
                       ).status_code == 404


# --- a meeting changed or cancelled ----------------------------------------------------------

def scheduled(session, town, now, days=10):
    from datetime import timedelta

    meeting = core.schedule_meeting(session, town.director, town.partnership.id, {
        "template": "first", "date": (now + timedelta(days=days)).date().isoformat(),
        "time": "17:00", "place_org_id": str(town.school.id)}, now)
    session.commit()
    return meeting


def ics_of(mail):
    from icalendar import Calendar

    [part] = [p for p in mail.iter_attachments() if p.get_content_type() == "text/calendar"]
    calendar = Calendar.from_ical(part.get_content())
    return calendar, calendar.walk("VEVENT")[0]


def test_a_manager_changes_a_meeting_and_the_invitees_get_the_updated_ics(
        client, session, town, now, outbox):
    from datetime import timedelta

    from models import PartnershipMeeting

    meeting = scheduled(session, town, now)
    login_as(client, town.director)
    url = f"/partnerships/{town.partnership.id}/meetings/{meeting.id}"
    assert "/edit" in client.get(url).get_data(as_text=True)
    page = client.get(f"{url}/edit").get_data(as_text=True)
    assert "Pierwsze spotkanie partnerskie" in page and "17:00" in page
    day = (now + timedelta(days=11)).date().isoformat()
    answer = client.post(f"{url}/edit", data={
        "title": "Pierwsze spotkanie", "date": day, "time": "18:00", "duration_minutes": "90",
        "place_org_id": str(town.library.id), "place_text": "", "agenda": "1. Poznanie się"})
    assert answer.status_code == 302
    session.rollback()
    meeting = session.get(PartnershipMeeting, meeting.id)
    assert (meeting.title, meeting.sequence, meeting.place_org_id) == (
        "Pierwsze spotkanie", 1, town.library.id)
    mails = outbox()
    assert sorted(m["To"] for m in mails) == sorted(
        [town.director.email, town.librarian.email, town.headmaster.email])
    calendar, event = ics_of(mails[0])
    assert str(calendar["method"]) == "REQUEST" and int(event["sequence"]) == 1
    assert event.decoded("dtstart") == meeting.starts_at
    assert "zmian" in mails[0]["Subject"].lower() or "changed" in mails[0]["Subject"].lower()
    # Bad input: the reason, and nothing changed or sent.
    answer = client.post(f"{url}/edit", data={"title": "", "date": "2000-01-01",
                                              "time": "18:00", "place_text": "x"})
    assert answer.status_code == 422 and "A new meeting must be in the future." in \
        answer.get_data(as_text=True)
    session.rollback()
    assert session.get(PartnershipMeeting, meeting.id).sequence == 1 and len(outbox()) == 3


def test_a_manager_cancels_a_meeting_and_calendars_drop_it(client, session, town, now,
                                                           outbox):
    from models import PartnershipMeeting

    meeting = scheduled(session, town, now)
    url = f"/partnerships/{town.partnership.id}/meetings/{meeting.id}"
    login_as(client, town.headmaster)  # a partner, no manager
    assert client.post(f"{url}/cancel").status_code == 403
    assert client.get(f"{url}/edit").status_code == 403
    login_as(client, town.director)
    assert client.post(f"{url}/cancel").status_code == 302
    session.rollback()
    meeting = session.get(PartnershipMeeting, meeting.id)
    assert meeting.cancelled_at is not None and meeting.sequence == 1
    calendar, event = ics_of(outbox()[0])
    assert str(calendar["method"]) == "CANCEL" and str(event["status"]) == "CANCELLED"
    assert "cancelled" in client.get(url).get_data(as_text=True)
    token = core.calendar_token(session, session.get(Partnership, town.partnership.id))
    session.commit()
    feed = client.get(f"/partnerships/{town.partnership.id}/calendar/{token}.ics")
    assert b"STATUS:CANCELLED" in feed.data and b"SEQUENCE:1" in feed.data
    # Cancelling again says why.
    answer = client.post(f"{url}/cancel", follow_redirects=True)
    assert "cancelled already" in answer.get_data(as_text=True)


# --- a member removed, the lead changed ------------------------------------------------------

def test_a_manager_removes_a_member_and_hands_over_the_lead(client, session, town, now):
    from models import PartnershipMember

    members = f"/partnerships/{town.partnership.id}/members"
    login_as(client, town.headmaster)  # a partner: no such buttons, and refused
    assert "Hand over the lead" not in client.get(members).get_data(as_text=True)
    assert client.post(f"/partnerships/{town.partnership.id}/lead",
                       data={"lead_id": str(town.school.id)}).status_code == 403
    login_as(client, town.director)
    page = client.get(members).get_data(as_text=True)
    assert "Hand over the lead" in page and "Remove from the partnership" in page
    # The lead cannot be removed: the reason, nothing changed.
    answer = client.post(f"{members}/{town.library.id}/remove", follow_redirects=True)
    assert "cannot be removed while it leads" in answer.get_data(as_text=True)
    answer = client.post(f"/partnerships/{town.partnership.id}/lead",
                         data={"lead_id": str(town.school.id)}, follow_redirects=True)
    assert "new leading institution" in answer.get_data(as_text=True)
    session.rollback()
    assert session.get(Partnership, town.partnership.id).lead_id == town.school.id
    assert client.post(f"{members}/{town.library.id}/remove").status_code == 302
    session.rollback()
    left = session.scalar(select(PartnershipMember).where(
        PartnershipMember.organization_id == town.library.id))
    assert left.left_at is not None
    # The lab kept its place: the school's, and the school is still in.
    assert session.get(type(town.lab), town.lab.id).partnership_id == town.partnership.id
