"""Organizations on the web: registering one, the directory, profiles and members."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from models import MemberRole, Membership, Organization
from tests.conftest import login_id

PROFILE = {"name": "Stowarzyszenie Promyk", "sector": "ngo", "municipality": "Pelplin",
           "address": "ul. Mickiewicza 5", "description": "Zajęcia dla dzieci.",
           "website": "promyk.example.org", "contact_name": "Monika Grabowska",
           "contact_email": "promyk@example.org", "contact_phone": "+48 58 536 12 34"}


def login_as(client, user):
    with client.session_transaction() as s:
        s["_user_id"] = login_id(user)
        s["_fresh"] = True


@pytest.fixture
def count(session):
    def count(model) -> int:
        session.rollback()
        return session.scalar(select(func.count()).select_from(model))
    return count


def test_registering_an_organization_makes_the_user_its_owner(client, session, make_user):
    user = make_user()
    login_as(client, user)
    response = client.post("/organizations/new", data=PROFILE)
    assert response.status_code == 302
    session.rollback()
    org = session.scalar(select(Organization))
    assert response.headers["Location"] == f"/organizations/{org.id}"
    assert org.website == "https://promyk.example.org"
    [membership] = org.memberships
    assert membership.user_id == user.id and membership.role is MemberRole.OWNER and membership.can_sign
    page = client.get(f"/organizations/{org.id}").get_data(as_text=True)
    assert "Stowarzyszenie Promyk" in page and "Edit profile" in page and "NGO" in page


@pytest.mark.parametrize("field, value, message", [
    ("name", "", "This field is required."),
    ("name", "x" * 201, "200"),
    ("sector", "church", "Not a valid choice"),
    ("sector", "", "This field is required."),
    ("municipality", "", "This field is required."),
    ("contact_email", "promyk@", "Invalid email address."),
    ("contact_phone", "zadzwoń", "Enter a phone number"),
    ("website", "http://", "Enter a web address"),
])
def test_bad_profile_shows_the_error_at_the_field_and_saves_nothing(client, make_user, count,
                                                                   field, value, message):
    login_as(client, make_user())
    response = client.post("/organizations/new", data={**PROFILE, field: value})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in page and f'id="{field}-error"' in page
    assert 'value="Pelplin"' in page or field == "municipality"  # what was typed is kept
    assert count(Organization) == 0


def test_duplicate_name_in_a_municipality_is_refused(client, make_user, make_org, count):
    make_org(name="Stowarzyszenie Promyk", municipality="Pelplin")
    login_as(client, make_user())
    response = client.post("/organizations/new", data={**PROFILE, "name": "stowarzyszenie promyk"})
    assert response.status_code == 422
    assert "already registered in Pelplin" in response.get_data(as_text=True)
    assert count(Organization) == 1


def test_a_taken_name_is_said_together_with_the_form_s_own_errors(client, make_user, make_org,
                                                                 count):
    """The core's refusal (the name is taken) comes in the same answer as the form's (a bad
    website), not after the form's is mended."""
    make_org(name="Stowarzyszenie Promyk", municipality="Pelplin")
    login_as(client, make_user())
    response = client.post("/organizations/new", data={
        **PROFILE, "name": "stowarzyszenie promyk", "contact_email": "not an address"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "already registered in Pelplin" in page
    assert 'id="contact_email-error"' in page
    assert count(Organization) == 1


def test_owner_edits_the_profile(client, session, make_user, make_org):
    owner = make_user()
    org = make_org(owner, **PROFILE)
    login_as(client, owner)
    form = client.get(f"/organizations/{org.id}/edit").get_data(as_text=True)
    assert 'value="Stowarzyszenie Promyk"' in form and '<option selected value="ngo">' in form
    response = client.post(f"/organizations/{org.id}/edit",
                           data={**PROFILE, "description": "Nowy opis", "is_contact_public": "y"})
    assert response.status_code == 302
    session.rollback()
    session.refresh(org)
    assert org.description == "Nowy opis" and org.is_contact_public


def test_directory_filters_by_sector_and_municipality(client, make_org):
    make_org(name="Biblioteka", sector="public", municipality="Tczew")
    make_org(name="OSP Gniew", sector="ngo", municipality="Gniew")
    make_org(name="Bank Spółdzielczy", sector="business", municipality="Tczew")

    def names(query=""):
        page = client.get("/organizations/" + query).get_data(as_text=True)
        return [n for n in ("Biblioteka", "OSP Gniew", "Bank Spółdzielczy") if n in page]

    assert names() == ["Biblioteka", "OSP Gniew", "Bank Spółdzielczy"]
    assert names("?sector=ngo") == ["OSP Gniew"]
    assert names("?municipality=Tczew") == ["Biblioteka", "Bank Spółdzielczy"]
    assert names("?sector=public&municipality=Tczew") == ["Biblioteka"]
    assert client.get("/organizations/?sector=church").status_code == 400


def test_directory_is_paginated(app, client, make_user, make_org):
    owner = make_user()
    for i in range(app.config["ORGANIZATIONS_PER_PAGE"] + 3):
        make_org(owner, name=f"Organizacja {i:02d}")
    first = client.get("/organizations/").get_data(as_text=True)
    second = client.get("/organizations/?page=2").get_data(as_text=True)
    assert "Organizacja 00" in first and "Organizacja 22" not in first
    assert "Organizacja 22" in second and 'rel="prev"' in second
    assert "23 organizations" in first


def test_contact_details_follow_the_owners_choice(client, make_user, make_org):
    private = make_org(**PROFILE)
    public = make_org(**{**PROFILE, "name": "Klub Seniora", "is_contact_public": True})
    assert "promyk@example.org" not in client.get(f"/organizations/{private.id}").get_data(as_text=True)
    assert "Log in to see the contact details" in client.get(f"/organizations/{private.id}").get_data(as_text=True)
    assert "promyk@example.org" in client.get(f"/organizations/{public.id}").get_data(as_text=True)
    login_as(client, make_user())
    assert "promyk@example.org" in client.get(f"/organizations/{private.id}").get_data(as_text=True)


def test_unknown_organization_is_404(client):
    assert client.get("/organizations/999").status_code == 404


def test_owner_adds_a_member_who_may_sign(client, session, make_user, make_org, outbox):
    owner = make_user()
    org = make_org(owner)
    jan = make_user("jan@example.org", name="Jan Kowalski")
    login_as(client, owner)
    response = client.post(f"/organizations/{org.id}/members/add",
                           data={"email": "JAN@example.org", "role": "member", "can_sign": "y"})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "We have e-mailed an invitation to jan@example.org." in page
    # Jan has an account: he joins by accepting the e-mailed invitation in one click.
    path = re.search(r"https?://\S+(/invitations/\S+)", outbox()[0].get_content()).group(1)
    login_as(client, jan)
    assert client.post(path + "/accept").status_code == 302
    session.rollback()
    membership = session.scalar(select(Membership).where(Membership.user_id == jan.id))
    assert membership.organization_id == org.id and membership.can_sign
    assert membership.role is MemberRole.MEMBER


@pytest.mark.parametrize("email, message", [
    ("", "This field is required."),
    ("not-an-email", "Invalid email address."),
])
def test_adding_a_member_with_bad_email_explains_and_changes_nothing(client, make_user, make_org,
                                                                     count, email, message):
    owner = make_user()
    org = make_org(owner)
    login_as(client, owner)
    response = client.post(f"/organizations/{org.id}/members/add",
                           data={"email": email, "role": "member"})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert count(Membership) == 1


def test_owner_changes_a_members_role_and_signing_right(client, session, make_user, make_org,
                                                       add_member):
    owner = make_user()
    org = make_org(owner)
    membership = add_member(org, make_user())
    login_as(client, owner)
    client.post(f"/organizations/{org.id}/members/{membership.id}",
                data={f"m{membership.id}-role": "owner", f"m{membership.id}-can_sign": "y"})
    session.rollback()
    session.refresh(membership)
    assert membership.role is MemberRole.OWNER and membership.can_sign


def test_the_last_owner_cannot_demote_themselves_or_leave(client, session, make_user, make_org):
    owner = make_user()
    org = make_org(owner)
    own = org.memberships[0]
    login_as(client, owner)
    response = client.post(f"/organizations/{org.id}/members/{own.id}",
                           data={f"m{own.id}-role": "member"}, follow_redirects=True)
    assert "needs at least one owner" in response.get_data(as_text=True)
    response = client.post(f"/organizations/{org.id}/leave", follow_redirects=True)
    assert "needs at least one owner" in response.get_data(as_text=True)
    session.rollback()
    session.refresh(own)
    assert own.role is MemberRole.OWNER


def test_a_member_leaves(client, make_user, make_org, add_member, count):
    org = make_org()
    member = make_user()
    add_member(org, member)
    login_as(client, member)
    response = client.post(f"/organizations/{org.id}/leave", follow_redirects=True)
    assert f"You have left {org.name}." in response.get_data(as_text=True)
    assert count(Membership) == 1
    assert client.get(f"/organizations/{org.id}/members").status_code == 404


def test_members_page_lists_members_and_hides_owner_controls_from_members(client, make_user,
                                                                         make_org, add_member):
    owner = make_user(name="Halina Dąbrowska")
    org = make_org(owner)
    member = make_user(name="Piotr Lewandowski")
    add_member(org, member)
    login_as(client, member)
    page = client.get(f"/organizations/{org.id}/members").get_data(as_text=True)
    assert "Halina Dąbrowska" in page and "Piotr Lewandowski" in page
    assert "Invite a member" not in page and "Remove" not in page
    # Leaving asks once more, saying what is lost.
    leave = page[page.index('<details class="confirm">'):]
    assert "You will no longer see" in leave and "Yes, leave" in leave
    login_as(client, owner)
    page = client.get(f"/organizations/{org.id}/members").get_data(as_text=True)
    assert "Invite a member" in page and "Remove" in page


def test_owner_removes_a_member(client, make_user, make_org, add_member, count):
    owner = make_user()
    org = make_org(owner)
    membership = add_member(org, make_user())
    login_as(client, owner)
    client.post(f"/organizations/{org.id}/members/{membership.id}/remove")
    assert count(Membership) == 1


def test_an_owner_cannot_reach_members_of_another_organization_through_their_own(
        client, make_user, make_org, add_member, count):
    owner_a = make_user()
    org_a = make_org(owner_a)
    org_b = make_org()
    victim = add_member(org_b, make_user())
    login_as(client, owner_a)
    assert client.post(f"/organizations/{org_a.id}/members/{victim.id}/remove").status_code == 404
    assert client.post(f"/organizations/{org_a.id}/members/{victim.id}",
                       data={f"m{victim.id}-role": "owner"}).status_code == 404
    assert count(Membership) == 3


def test_admin_verifies_an_organization_and_the_badge_shows(client, make_user, make_org):
    org = make_org()
    login_as(client, make_user(is_admin=True))
    client.post(f"/admin/organizations/{org.id}/verify", data={"verified": "1"})
    assert "✔ Verified" in client.get(f"/organizations/{org.id}").get_data(as_text=True)
    assert "✔ Verified" in client.get("/organizations/").get_data(as_text=True)
    client.post(f"/admin/organizations/{org.id}/verify", data={"verified": "0"})
    assert "✔ Verified" not in client.get(f"/organizations/{org.id}").get_data(as_text=True)
