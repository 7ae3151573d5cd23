"""Before an exchange event, on the web: creating and publishing it, applying, admission,
confirmations with QR codes, staff, and the brokers' pre-matching list."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
import segno
from sqlalchemy import func, select

from exchange.core import events
from exchange.core.listings import create_listing
from models import Listing
from models.event import (ApplicationStatus, EventListing, EventParticipant, EventStaff,
                          EventStatus, ExchangeEvent, Introduction, StaffRole)
from tests.conftest import NOW, login_id


def login_as(client, user):
    with client.session_transaction() as s:
        s["_user_id"] = login_id(user)


def count(session, model) -> int:
    session.rollback()
    return session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def fair(session, make_user, make_org):
    """A published event whose registration is open today (by the app's clock, frozen at NOW), trading
    rooms and computer labs, with at most one NGO; an NGO with listings in and out of play."""
    now = NOW
    today = now.date()
    organiser = make_user("olga@example.org", name="Olga Organizatorka")
    host = make_org(organiser, name="Centrum Kultury", sector="public")
    event = events.create_event(session, organiser, host.id, {
        "name": "Giełda Zasobów Tczew", "venue": "Centrum Kultury, ul. Kulturalna 1",
        "held_on": (today + timedelta(days=20)).isoformat(),
        "registration_opens_on": today.isoformat(),
        "registration_closes_on": (today + timedelta(days=10)).isoformat(),
        "categories": ["rooms", "computer_labs"], "cap_ngo": "1"}, now)
    events.publish_event(session, organiser, event.id, now)
    applicant = make_user("fundacja@example.org", name="Fiona Fundacja")
    ngo = make_org(applicant, name="Fundacja Pomocy", sector="ngo")
    room = create_listing(session, applicant, ngo.id, {
        "kind": "offer", "category": "rooms", "title": "Sala na 40 osób", "quantity": 10,
        "unit": "hours"}, now)
    cake = create_listing(session, applicant, ngo.id, {
        "kind": "offer", "category": "catering", "title": "Ciasto domowe", "quantity": 3,
        "unit": "pieces"}, now)
    session.commit()
    return {"event": event, "organiser": organiser, "host": host, "applicant": applicant,
            "ngo": ngo, "room": room, "cake": cake}


def apply_url(fair, org=None):
    return f"/events/{fair['event'].id}/organizations/{(org or fair['ngo']).id}/apply"


def send_application(client, fair, org=None, **data):
    return client.post(apply_url(fair, org), data={
        "attendees": "Ewa Kowalska\nJan Nowak\n", "listing_ids": [str(fair["room"].id)],
        "note": "Przyjedziemy rowerami.", **data})


# ---------------------------------------------------------------------------- creating

def test_an_owner_creates_and_publishes_an_event(client, session, make_user, make_org):
    owner = make_user("owner@example.org")
    org = make_org(owner, name="Dom Kultury")
    login_as(client, owner)
    assert "Create an event" in client.get("/events/").get_data(as_text=True)
    held = NOW.date() + timedelta(days=60)
    response = client.post("/events/new", data={
        "name": "Giełda Wiosenna", "host_id": str(org.id), "held_on": held.isoformat(),
        "starts_at": "11:30", "venue": "Aula", "municipality": "Tczew",
        "session_minutes": "", "grace_minutes": "5", "categories": ["rooms", "promotion"],
        "cap_business": "12", "number_prefix": "gw"})
    session.rollback()
    event = session.scalar(select(ExchangeEvent))
    assert response.status_code == 302 and response.headers["Location"].endswith(
        f"/events/{event.id}")
    assert (event.status, event.starts_at, event.session_minutes, event.grace_minutes) == (
        EventStatus.DRAFT, "11:30", 90, 5)
    assert event.categories == ["rooms", "promotion"] and event.sector_caps == {"business": 12}
    assert event.number_prefix == "GW" and event.registration_closes_on == held - timedelta(1)
    assert event.roles_of(owner.id) == {StaffRole.ORGANISER}
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "Publish the event" in page and "Participants" in page

    client.post(f"/events/{event.id}/publish")
    session.rollback()
    assert session.get(ExchangeEvent, event.id).status is EventStatus.PUBLISHED
    client.post("/logout")
    listing = client.get("/events/").get_data(as_text=True)
    assert "Giełda Wiosenna" in listing and "Create an event" not in listing
    assert "open now" in client.get(f"/events/{event.id}").get_data(as_text=True)


def test_the_core_refusals_show_on_the_fields_and_save_nothing(client, session, make_user,
                                                                make_org):
    owner = make_user("owner@example.org")
    org = make_org(owner)
    login_as(client, owner)
    held = NOW.date() + timedelta(days=30)
    response = client.post("/events/new", data={
        "name": "Giełda", "host_id": str(org.id), "held_on": held.isoformat(), "venue": "",
        "registration_opens_on": (held - timedelta(days=5)).isoformat(),
        "registration_closes_on": (held - timedelta(days=10)).isoformat()})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Registration must close after it opens." in page and "This field is required." in page
    assert count(session, ExchangeEvent) == 0


def test_money_in_the_name_is_said_together_with_the_form_s_own_errors(client, session,
                                                                      make_user, make_org):
    owner = make_user("owner@example.org")
    org = make_org(owner)
    login_as(client, owner)
    held = NOW.date() + timedelta(days=30)
    response = client.post("/events/new", data={
        "name": "Giełda, wstęp 20 zł", "host_id": str(org.id), "held_on": held.isoformat(),
        "venue": "Aula", "session_minutes": "bardzo długo"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="name-error"' in page and 'id="session_minutes-error"' in page
    assert count(session, ExchangeEvent) == 0


def test_someone_who_owns_no_organization_cannot_create_an_event(
        client, session, make_user, make_org, add_member):
    member = make_user("member@example.org")
    org = make_org(make_user("boss@example.org"))
    add_member(org, member)
    login_as(client, member)
    assert "Create an event" not in client.get("/events/").get_data(as_text=True)
    assert client.get("/events/new").status_code == 403
    held = NOW.date() + timedelta(days=30)
    response = client.post("/events/new", data={
        "name": "Giełda", "host_id": str(org.id), "held_on": held.isoformat(), "venue": "Aula"})
    assert response.status_code == 403
    assert count(session, ExchangeEvent) == 0


def test_a_draft_event_is_hidden_from_all_but_its_staff(app, client, session, make_user,
                                                        make_org):
    organiser = make_user("owner@example.org")
    host = make_org(organiser)
    event = events.create_event(session, organiser, host.id, {
        "name": "Tajna giełda", "venue": "Aula",
        "held_on": (NOW.date() + timedelta(days=9)).isoformat()}, NOW)
    session.commit()
    assert client.get(f"/events/{event.id}").status_code == 404
    login_as(client, make_user("stranger@example.org"))
    assert client.get(f"/events/{event.id}").status_code == 404
    assert "Tajna giełda" not in client.get("/events/").get_data(as_text=True)
    login_as(client, organiser)
    assert client.get(f"/events/{event.id}").status_code == 200
    assert "Tajna giełda" in client.get("/events/").get_data(as_text=True)


def test_the_organiser_edits_the_event(client, session, fair):
    login_as(client, fair["organiser"])
    url = f"/events/{fair['event'].id}/edit"
    assert "Giełda Zasobów Tczew" in client.get(url).get_data(as_text=True)
    event = fair["event"]
    response = client.post(url, data={
        "name": "Giełda Zasobów Powiatu", "venue": event.venue,
        "held_on": event.held_on.isoformat(), "starts_at": "09:00", "session_minutes": "120",
        "registration_opens_on": event.registration_opens_on.isoformat(),
        "registration_closes_on": event.registration_closes_on.isoformat(),
        "categories": ["rooms"]})
    assert response.status_code == 302
    session.rollback()
    event = session.get(ExchangeEvent, event.id)
    assert (event.name, event.session_minutes, event.categories, event.sector_caps) == (
        "Giełda Zasobów Powiatu", 120, ["rooms"], {})


# ---------------------------------------------------------------------------- applying

def test_an_organization_applies_with_people_and_listings(client, session, fair):
    login_as(client, fair["applicant"])
    assert "Apply for Fundacja Pomocy" in client.get(
        f"/events/{fair['event'].id}").get_data(as_text=True)
    form = client.get(apply_url(fair)).get_data(as_text=True)
    # Only listings in the categories the event trades can be picked.
    assert f'value="{fair["room"].id}"' in form and f'value="{fair["cake"].id}"' not in form
    assert "Not traded at this event:" in form and "Ciasto domowe" in form

    response = send_application(client, fair)
    assert response.headers["Location"].endswith(
        f"/events/{fair['event'].id}/application/{fair['ngo'].id}")
    session.rollback()
    application = session.scalar(select(EventParticipant))
    assert application.status is ApplicationStatus.PENDING
    assert [a.name for a in application.attendees] == ["Ewa Kowalska", "Jan Nowak"]
    assert application.note == "Przyjedziemy rowerami."
    assert session.scalars(select(EventListing.listing_id)).all() == [fair["room"].id]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "waiting for a decision" in page and "Sala na 40 osób" in page

    # Changing it: the form comes back filled in; a listing out of play is refused.
    form = client.get(apply_url(fair)).get_data(as_text=True)
    assert "Ewa Kowalska\nJan Nowak" in form and "Post a new offer for this event" in form
    response = send_application(client, fair, listing_ids=[str(fair["cake"].id)])
    assert response.status_code == 422
    assert "is in a category this event does not trade" in response.get_data(as_text=True)
    session.rollback()
    assert session.scalars(select(EventListing.listing_id)).all() == [fair["room"].id]

    client.post(f"/events/{fair['event'].id}/organizations/{fair['ngo'].id}/withdraw")
    session.rollback()
    assert session.scalar(select(EventParticipant)).status is ApplicationStatus.WITHDRAWN


def test_an_application_needs_someone_who_comes(client, session, fair):
    login_as(client, fair["applicant"])
    response = send_application(client, fair, attendees="  \n ")
    assert response.status_code == 422
    assert "Name at least one person who will come." in response.get_data(as_text=True)
    response = send_application(client, fair, attendees="\n".join(f"Osoba {i}" for i in range(11)))
    assert "At most 10 people per organization." in response.get_data(as_text=True)
    assert count(session, EventParticipant) == 0


def test_only_members_apply_for_their_organization(client, session, fair, make_user):
    login_as(client, make_user("stranger@example.org"))
    assert client.get(apply_url(fair)).status_code == 404
    assert send_application(client, fair).status_code == 404
    assert count(session, EventParticipant) == 0


def test_a_listing_posted_for_the_event_joins_the_application(client, session, fair):
    login_as(client, fair["applicant"])
    send_application(client, fair)
    url = f"/organizations/{fair['ngo'].id}/listings/new?kind=need&event={fair['event'].id}"
    assert client.get(url).status_code == 200
    listing = {"kind": "need", "category": "computer_labs", "title": "Potrzebna pracownia",
               "quantity": "4", "unit": "hours", "action": "publish"}
    response = client.post(url, data=listing)
    assert response.headers["Location"].endswith(apply_url(fair))
    session.rollback()
    need = session.scalar(select(Listing).where(Listing.title == "Potrzebna pracownia"))
    assert sorted(session.scalars(select(EventListing.listing_id))) == sorted(
        [fair["room"].id, need.id])
    assert "Potrzebna pracownia" in client.get(
        f"/events/{fair['event'].id}/application/{fair['ngo'].id}").get_data(as_text=True)

    # A category the event does not trade: said on the field, and no listing is made.
    response = client.post(url, data={**listing, "category": "catering", "title": "Obiad"})
    assert response.status_code == 422
    assert "This event does not trade that category." in response.get_data(as_text=True)
    session.rollback()
    assert session.scalar(select(Listing).where(Listing.title == "Obiad")) is None
    assert client.get(f"/organizations/{fair['ngo'].id}/listings/new?event=999999"
                      ).status_code == 404


# ---------------------------------------------------------------------------- admission

def test_admission_respects_the_cap_of_the_sector(app, client, session, fair, make_user,
                                                   make_org):
    login_as(client, fair["applicant"])
    send_application(client, fair)
    other_owner = make_user("inna@example.org")
    other = make_org(other_owner, name="Stowarzyszenie Razem", sector="ngo")
    second = app.test_client()
    second.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    login_as(second, other_owner)
    send_application(second, fair, org=other, listing_ids=[])

    login_as(client, fair["organiser"])
    page = client.get(f"/events/{fair['event'].id}/participants").get_data(as_text=True)
    assert "Fundacja Pomocy" in page and "Stowarzyszenie Razem" in page
    assert "Sala na 40 osób" in page and "Przyjedziemy rowerami." in page
    session.rollback()
    first, later = session.scalars(select(EventParticipant).order_by(EventParticipant.id)).all()
    decide = f"/events/{fair['event'].id}/participants/%d/%s"
    assert client.post(decide % (first.id, "admit"), data={"note": "Witamy"}).status_code == 302
    response = client.post(decide % (later.id, "admit"), follow_redirects=True)
    page = response.get_data(as_text=True)
    # Declining the admitted one asks once more; the one waiting is declined in one click.
    assert page.count("is admitted. Declining takes its place away") == 1
    assert "The cap for this sector (1) is reached" in page
    assert "sector-full-flag" in page  # the balance flags the full sector
    session.rollback()
    assert session.get(EventParticipant, first.id).status is ApplicationStatus.ADMITTED
    assert session.get(EventParticipant, first.id).decision_note == "Witamy"
    assert session.get(EventParticipant, later.id).status is ApplicationStatus.PENDING

    client.post(decide % (later.id, "decline"), data={"note": "Brak miejsc"})
    session.rollback()
    assert session.get(EventParticipant, later.id).status is ApplicationStatus.DECLINED
    # Only the organiser decides.
    assert second.post(decide % (later.id, "admit")).status_code == 403


def test_the_confirmation_has_qr_codes_only_once_admitted(client, session, fair):
    login_as(client, fair["applicant"])
    send_application(client, fair)
    event, ngo = fair["event"], fair["ngo"]
    url = f"/events/{event.id}/application/{ngo.id}"
    assert "data:image/svg+xml" not in client.get(url).get_data(as_text=True)
    assert client.get(url + "/print").status_code == 404

    session.rollback()
    application = session.scalar(select(EventParticipant))
    events.decide(session, fair["organiser"], event.id, application.id, True, "", NOW)
    session.commit()
    page = client.get(url).get_data(as_text=True)
    printable = client.get(url + "/print").get_data(as_text=True)
    assert "admitted" in page and "Print the confirmation" in page
    for person in application.attendees:
        # Each code holds the absolute address of the person's badge at the door.
        base = client.application.config["BASE_URL"]
        link = f"{base}/events/{event.id}/door/{person.badge_token}"
        qr = segno.make(link, error="m").svg_data_uri(scale=4)
        assert qr in page and qr in printable
        assert person.name in printable
    assert page.count('class="qr-code"') == 2
    assert "print.css" in printable


# ---------------------------------------------------------------------------- staff

def test_the_organiser_names_staff_by_email(client, session, fair, make_user, outbox):
    notary = make_user("norbert@example.org", name="Norbert Notariusz")
    login_as(client, fair["organiser"])
    url = f"/events/{fair['event'].id}/staff"
    response = client.post(url + "/add", data={"email": "NORBERT@example.org", "role": "notary"})
    assert response.status_code == 302
    # Norbert has an account: he joins by accepting the e-mailed invitation in one click.
    link = re.search(r"https?://\S+(/invitations/\S+)", outbox()[0].get_content()).group(1)
    login_as(client, notary)
    assert client.post(link + "/accept").status_code == 302
    login_as(client, fair["organiser"])
    session.rollback()
    row = session.scalar(select(EventStaff).where(EventStaff.user_id == notary.id))
    assert row.role is StaffRole.NOTARY
    page = client.get(url).get_data(as_text=True)
    assert "Norbert Notariusz" in page and "Notary" in page

    # Without an account: invited, not added, and told alike (tests/security/test_tenancy.py).
    response = client.post(url + "/add", data={"email": "nobody@example.org", "role": "broker"})
    assert response.status_code == 302
    assert "We have e-mailed an invitation to nobody@example.org" in client.get(url).get_data(
        as_text=True)
    assert count(session, EventStaff) == 2

    client.post(f"{url}/{row.id}/remove")
    assert count(session, EventStaff) == 1
    organiser_row = session.scalar(select(EventStaff))
    page = client.post(f"{url}/{organiser_row.id}/remove", follow_redirects=True)
    assert "An event needs at least one organiser." in page.get_data(as_text=True)
    assert count(session, EventStaff) == 1


# ---------------------------------------------------------------------------- brokers

def test_brokers_see_the_event_exchanges_and_mark_introductions(client, session, hall):
    event = hall["event"]
    login_as(client, hall["broker"])
    url = f"/events/{event.id}/brokers"
    page = client.get(url).get_data(as_text=True)
    lab_at = page.index("Pracownia komputerowa na 20 stanowisk")
    assert page.index("Fundacja Szkoła Kodu") < page.index("Biblioteka Miejska") < lab_at
    assert "Potrzebna pracownia komputerowa" in page and "Introduction made" in page
    key = f"{hall['lab'].id}>{hall['need'].id}"
    assert f'value="{key}"'.replace(">", "&gt;") in page
    # The category filter: none of the event's exchanges is about catering.
    assert "Pracownia komputerowa na 20" not in client.get(
        url + "?category=catering").get_data(as_text=True)

    response = client.post(url + "/introductions",
                           data={"key": key, "made": "1", "category": "computer_labs"})
    assert "category=computer_labs" in response.headers["Location"]
    session.rollback()
    row = session.scalar(select(Introduction))
    assert (row.key, row.made_by_id) == (key, hall["broker"].id)
    page = client.get(url).get_data(as_text=True)
    assert "Introduced by Bogna Broker" in page

    client.post(url + "/introductions", data={"key": key, "made": "0"})
    assert count(session, Introduction) == 0
    # A notary is staff but not a broker.
    login_as(client, hall["notary"])
    assert client.get(url).status_code == 403


def test_the_prematching_finds_swaps_and_gifts(session, hall, now):
    """The school and the library need something of each other: a swap, arrows in order."""
    create_listing(session, hall["library_owner"], hall["library"].id, {
        "kind": "offer", "category": "computer_labs", "title": "Pracownia komputerowa w czytelni",
        "quantity": 10, "unit": "hours"}, now)
    extra_need = create_listing(session, hall["school_owner"], hall["school"].id, {
        "kind": "need", "category": "computer_labs", "title": "Potrzebna pracownia komputerowa",
        "quantity": 2, "unit": "hours"}, now)
    offer = session.scalar(select(Listing).where(Listing.title.like("%czytelni")))
    for listing in (offer, extra_need):
        events.add_listing(session, hall["library_owner"] if listing is offer
                           else hall["school_owner"], hall["event"].id, listing, now)
    session.commit()
    found = events.prematching(session, None, hall["event"])
    assert found[0].kind == "swap"
    givers = [a.giver.id for a in found[0].arrows]
    receivers = [a.receiver.id for a in found[0].arrows]
    assert givers == receivers[1:] + receivers[:1]  # each arrow's receiver gives the next
    assert set(givers) == {hall["school"].id, hall["library"].id}
    assert events.prematching(session, None, hall["event"], "catering") == []


def test_the_setup_pages_speak_polish(client, session, fair):
    login_as(client, fair["applicant"])
    send_application(client, fair)
    login_as(client, fair["organiser"])
    with client.session_transaction() as s:
        s["locale"] = "pl"
    for tail in ("", "/edit", "/participants", "/staff", "/brokers"):
        response = client.get(f"/events/{fair['event'].id}{tail}")
        assert response.status_code == 200, tail
        assert '<html lang="pl">' in response.get_data(as_text=True)
