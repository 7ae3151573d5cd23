"""Walk-ins at the door: a person of an admitted organization who is not on its list is
added checked in, with a badge of their own to print; a name already listed is that person;
nobody of another organization gets in this way."""
from __future__ import annotations

import pytest

from exchange.core import events
from exchange.core.errors import ValidationError
from models import EventAttendee
from tests.conftest import login_id


def login_as(client, user):
    with client.session_transaction() as s:
        s["_user_id"] = login_id(user)


def test_a_walk_in_is_added_checked_in_and_their_badge_opens(client, session, hall, now):
    event_id, school = hall["event"].id, hall["school"]
    login_as(client, hall["notary"])  # any staff member at the door
    door = client.get(f"/events/{event_id}/door").get_data(as_text=True)
    assert 'id="walk-in"' in door and "Fundacja Szkoła Kodu" in door
    response = client.post(f"/events/{event_id}/door/walk-in",
                           data={"organization": str(school.id), "name": "Zofia Spóźniona"})
    assert response.status_code == 302
    session.expire_all()
    person = session.query(EventAttendee).filter_by(name="Zofia Spóźniona").one()
    assert person.checked_in_at is not None and person.checked_in_by_id == hall["notary"].id
    assert response.headers["Location"].endswith(f"/badges?only={person.badge_token}")
    badge = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Zofia Spóźniona" in badge and "Szymon Informatyk" not in badge  # hers only
    assert events.presence(hall["event"]) == (1, 3)


def test_a_listed_name_is_that_person_and_other_organizations_are_refused(
        session, hall, now, make_org, make_user):
    event_id, school = hall["event"].id, hall["school"]
    listed = events.walk_in(session, hall["organiser"], event_id, school.id,
                            "szymon  INFORMATYK", now)
    assert listed.name == "Szymon Informatyk" and listed.checked_in_at == now
    assert len(hall["applications"][school.id].attendees) == 1  # no second badge
    stranger = make_org(make_user("inni@example.org"), name="Nieprzyjęta")
    with pytest.raises(ValidationError) as refused:
        events.walk_in(session, hall["organiser"], event_id, stranger.id, "Ktoś", now)
    assert "organization" in refused.value.errors
    with pytest.raises(ValidationError):
        events.walk_in(session, hall["organiser"], event_id, school.id, "   ", now)


def test_staff_badges_come_in_their_own_colour_with_their_roles(client, session, hall):
    login_as(client, hall["organiser"])
    page = client.get(f"/events/{hall['event'].id}/badges").get_data(as_text=True)
    staff = page[page.index('id="staff-badges"'):]
    assert staff.count('class="name-badge badge-staff"') == 3  # organiser, notary, broker
    assert "Norbert Notariusz" in staff and "Notary" in staff
    assert "Olga Organizatorka" in staff and "Organiser" in staff
    assert "Szymon Informatyk" not in staff  # participants are above, by sector


NEW_ORG = {"name": "Klub Seniora Pogodna Jesień", "sector": "informal",
           "municipality": "Tczew", "person": "Halina Pogodna"}


def test_a_new_organization_at_the_door_is_admitted_and_its_person_checked_in(
        client, session, hall):
    from models import Organization
    from models.event import ApplicationStatus, EventParticipant

    event_id = hall["event"].id
    login_as(client, hall["notary"])
    door = client.get(f"/events/{event_id}/door").get_data(as_text=True)
    assert 'id="walk-in-new"' in door
    response = client.post(f"/events/{event_id}/door/walk-in/new", data=NEW_ORG)
    assert response.status_code == 302
    session.expire_all()
    org = session.query(Organization).filter_by(name="Klub Seniora Pogodna Jesień").one()
    assert org.sector.value == "informal"
    participant = session.query(EventParticipant).filter_by(organization_id=org.id).one()
    assert participant.status is ApplicationStatus.ADMITTED
    [person] = participant.attendees
    assert person.name == "Halina Pogodna" and person.checked_in_at is not None
    assert response.headers["Location"].endswith(f"/badges?only={person.badge_token}")
    badge = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Halina Pogodna" in badge and "is added to the event" in badge
    # The same organization again (another spelling of its name): it is used, and told.
    again = client.post(f"/events/{event_id}/door/walk-in/new",
                        data={**NEW_ORG, "name": "klub seniora POGODNA jesień",
                              "person": "Zenon Pogodny"})
    assert "is already at the event" in client.get(again.headers["Location"]).get_data(
        as_text=True)
    session.expire_all()
    assert session.query(Organization).filter(
        Organization.name.ilike("%pogodna%")).count() == 1
    assert {a.name for a in participant.attendees} == {"Halina Pogodna", "Zenon Pogodny"}


def test_a_new_organization_needs_its_fields_and_an_existing_one_is_not_doubled(
        session, hall, now):
    from models import Organization

    event_id = hall["event"].id
    with pytest.raises(ValidationError) as refused:
        events.walk_in_organization(session, hall["notary"], event_id,
                                    {**NEW_ORG, "sector": "", "person": ""}, now)
    assert {"sector", "person"} <= refused.value.errors.keys()
    # The library is admitted already: its name brings the person to it.
    person, existed = events.walk_in_organization(
        session, hall["notary"], event_id,
        {**NEW_ORG, "name": "BIBLIOTEKA MIEJSKA", "sector": "public"}, now)
    assert existed and person.participant.organization_id == hall["library"].id
    assert session.query(Organization).filter(Organization.name.ilike("biblioteka%")).count() == 1


def test_a_new_organization_sent_twice_at_once_is_added_once(app, client, session, hall):
    from urllib.parse import urlencode

    from models import Organization
    from tests.live import Request, all_at_once, served

    event_id = hall["event"].id
    login_as(client, hall["notary"])
    cookie = f"session={client.get_cookie('session').value}"
    with served(app) as base:
        answers = all_at_once(base, [Request(
            "POST", f"/events/{event_id}/door/walk-in/new", urlencode(NEW_ORG).encode(),
            {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"})
            for _ in range(3)])
    assert [a.status for a in answers] == [302] * 3
    session.expire_all()
    [org] = session.query(Organization).filter_by(name=NEW_ORG["name"]).all()
    assert session.query(EventAttendee).filter_by(name="Halina Pogodna").count() == 1
    assert len({a.location for a in answers}) == 1  # one badge, the same for every answer
