"""Organizations in the core: profiles, members, the last-owner rule and scoped access."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from exchange.core import accounts, organizations as orgs
from exchange.core.errors import Conflict, Forbidden, NotFound, ValidationError
from models import MemberRole, Membership, Organization, Sector
from tests.conftest import TEST_PASSWORD

PROFILE = {"name": "Miejska Biblioteka Publiczna", "sector": "public", "municipality": "Tczew",
           "address": "ul. Kościuszki 1, 83-110 Tczew", "website": "biblioteka.example.org",
           "contact_email": "kontakt@example.org", "contact_phone": "+48 58 531 00 00"}


@pytest.fixture
def person(session, now):
    counter = iter(range(1000))

    def person(name="Anna Nowak"):
        return accounts.register_user(session, email=f"p{next(counter)}@example.org", name=name,
                                      password=TEST_PASSWORD, locale="pl", now=now)
    return person


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_creator_becomes_owner_who_may_sign(session, now, person):
    owner = person()
    org = orgs.create_organization(session, owner, PROFILE, now)
    assert org.sector is Sector.PUBLIC
    assert org.website == "https://biblioteka.example.org"
    [membership] = org.memberships
    assert membership.user is owner and membership.role is MemberRole.OWNER and membership.can_sign


@pytest.mark.parametrize("field, value, message", [
    ("name", "", "required"),
    ("name", "x" * 201, "at most 200"),
    ("sector", "church", "valid choice"),
    ("municipality", "", "required"),
    ("website", "not a site", "web address"),
    ("website", "javascript:alert(1)", "web address"),
    ("contact_email", "kontakt@", "valid email"),
    ("contact_phone", "call me", "phone number"),
    ("description", "x" * 5001, "at most 5000"),
])
def test_bad_profile_is_refused_and_nothing_is_saved(session, now, person, field, value, message):
    with pytest.raises(ValidationError) as caught:
        orgs.create_organization(session, person(), {**PROFILE, field: value}, now)
    assert message in str(caught.value.errors[field][0])
    assert count(session, Organization) == 0


def test_municipality_reuses_the_existing_spelling(session, now, person):
    orgs.create_organization(session, person(), PROFILE, now)
    other = orgs.create_organization(session, person(), {**PROFILE, "name": "Szkoła",
                                                         "municipality": "  tczew "}, now)
    assert other.municipality == "Tczew"
    assert orgs.municipalities(session) == ["Tczew"]


def test_same_name_in_same_municipality_is_refused_in_any_case(session, now, person):
    orgs.create_organization(session, person(), PROFILE, now)
    with pytest.raises(ValidationError) as caught:
        orgs.create_organization(session, person(), {**PROFILE, "name": PROFILE["name"].upper()}, now)
    assert "already registered in Tczew" in str(caught.value.errors["name"][0])
    orgs.create_organization(session, person(), {**PROFILE, "municipality": "Pelplin"}, now)


def test_only_owners_edit_the_profile_and_strangers_get_not_found(session, now, person):
    owner, member, stranger = person(), person(), person()
    org = orgs.create_organization(session, owner, PROFILE, now)
    orgs.add_member(session, owner, org.id, email=member.email, role="member", can_sign=False, now=now)
    with pytest.raises(Forbidden):
        orgs.update_organization(session, member, org.id, {**PROFILE, "name": "X"}, now)
    with pytest.raises(NotFound):
        orgs.update_organization(session, stranger, org.id, {**PROFILE, "name": "X"}, now)
    orgs.update_organization(session, owner, org.id, {**PROFILE, "description": "Nowy opis"}, now)
    assert org.description == "Nowy opis" and org.name == PROFILE["name"]


def test_get_membership_is_scoped_to_the_actor(session, now, person):
    owner, stranger = person(), person()
    org = orgs.create_organization(session, owner, PROFILE, now)
    assert orgs.get_membership(session, owner, org.id, role=MemberRole.OWNER).organization is org
    with pytest.raises(NotFound):
        orgs.get_membership(session, stranger, org.id)
    with pytest.raises(NotFound):
        orgs.get_membership(session, None, org.id)
    with pytest.raises(NotFound):
        orgs.get_membership(session, owner, org.id + 1000)


def test_add_member_by_email(session, now, person):
    owner, new = person(), person("Jan Kowalski")
    org = orgs.create_organization(session, owner, PROFILE, now)
    membership = orgs.add_member(session, owner, org.id, email=new.email.upper(), role="member",
                                 can_sign=True, now=now)
    assert membership.user is new and membership.role is MemberRole.MEMBER and membership.can_sign
    with pytest.raises(ValidationError) as caught:
        orgs.add_member(session, owner, org.id, email=new.email, role="member", can_sign=False, now=now)
    assert "already a member" in str(caught.value.errors["email"][0])
    # No account: nothing is added, and no error tells the owner so (the adapter invites).
    assert orgs.add_member(session, owner, org.id, email="ghost@example.org", role="member",
                           can_sign=False, now=now) is None
    assert session.scalar(select(func.count()).select_from(Membership).where(
        Membership.organization_id == org.id)) == 2
    with pytest.raises(ValidationError) as caught:
        orgs.add_member(session, owner, org.id, email=person().email, role="boss", can_sign=False, now=now)
    assert "role" in caught.value.errors
    with pytest.raises(Forbidden):
        orgs.add_member(session, new, org.id, email=person().email, role="member", can_sign=False, now=now)


def test_the_last_owner_cannot_leave_be_demoted_or_removed(session, now, person):
    owner, other = person(), person()
    org = orgs.create_organization(session, owner, PROFILE, now)
    own = org.memberships[0]
    with pytest.raises(Conflict):
        orgs.leave_organization(session, owner, org.id, now=now)
    with pytest.raises(Conflict):
        orgs.update_member(session, owner, org.id, own.id, role="member", can_sign=True, now=now)
    with pytest.raises(Conflict):
        orgs.remove_member(session, owner, org.id, own.id, now=now)
    assert own.role is MemberRole.OWNER

    second = orgs.add_member(session, owner, org.id, email=other.email, role="owner",
                             can_sign=False, now=now)
    orgs.update_member(session, owner, org.id, own.id, role="member", can_sign=False, now=now)
    assert own.role is MemberRole.MEMBER
    orgs.leave_organization(session, owner, org.id, now=now)
    assert [m.id for m in session.scalars(select(Membership))] == [second.id]


def test_members_leave_but_only_owners_remove_others(session, now, person):
    owner, a, b = person(), person(), person()
    org = orgs.create_organization(session, owner, PROFILE, now)
    ma = orgs.add_member(session, owner, org.id, email=a.email, role="member", can_sign=False, now=now)
    mb = orgs.add_member(session, owner, org.id, email=b.email, role="member", can_sign=False, now=now)
    with pytest.raises(Forbidden):
        orgs.remove_member(session, a, org.id, mb.id, now=now)
    orgs.leave_organization(session, a, org.id, now=now)
    orgs.remove_member(session, owner, org.id, mb.id, now=now)
    assert count(session, Membership) == 1
    with pytest.raises(NotFound):
        orgs.remove_member(session, owner, org.id, ma.id, now=now)


def test_members_of_one_organization_cannot_touch_another(session, now, person):
    owner_a, owner_b = person(), person()
    a = orgs.create_organization(session, owner_a, PROFILE, now)
    b = orgs.create_organization(session, owner_b, {**PROFILE, "name": "Szkoła nr 1"}, now)
    b_membership = b.memberships[0]
    with pytest.raises(NotFound):
        orgs.remove_member(session, owner_a, b.id, b_membership.id, now=now)
    # A membership id of organization B addressed through organization A is not found either.
    with pytest.raises(NotFound):
        orgs.update_member(session, owner_a, a.id, b_membership.id, role="member", can_sign=False, now=now)


def test_only_admins_verify(session, now, person):
    owner, admin = person(), person()
    admin.is_admin = True
    org = orgs.create_organization(session, owner, PROFILE, now)
    with pytest.raises(Forbidden):
        orgs.set_verified(session, owner, org.id, verified=True, now=now)
    orgs.set_verified(session, admin, org.id, verified=True, now=now)
    assert org.is_verified and org.verified_at == now
    orgs.set_verified(session, admin, org.id, verified=False, now=now)
    assert not org.is_verified and org.verified_at is None


def test_contact_is_shown_to_everyone_only_when_public(session, now, person):
    owner = person()
    org = orgs.create_organization(session, owner, PROFILE, now)
    assert not orgs.contact_visible(org, None)
    assert orgs.contact_visible(org, owner)
    org.is_contact_public = True
    assert orgs.contact_visible(org, None)


def test_directory_filters_by_sector_and_municipality(session, now, person):
    orgs.create_organization(session, person(), PROFILE, now)
    orgs.create_organization(session, person(), {**PROFILE, "name": "OSP Gniew", "sector": "ngo",
                                                 "municipality": "Gniew"}, now)
    orgs.create_organization(session, person(), {**PROFILE, "name": "Bank", "sector": "business"}, now)

    def names(**kw):
        return [o.name for o in session.scalars(orgs.directory_query(**kw))]

    assert names() == ["Bank", "Miejska Biblioteka Publiczna", "OSP Gniew"]
    assert names(sector=Sector.NGO) == ["OSP Gniew"]
    assert names(municipality="Tczew") == ["Bank", "Miejska Biblioteka Publiczna"]
    assert names(sector=Sector.BUSINESS, municipality="Gniew") == []


def test_ids_beyond_the_database_range_are_simply_not_found(session, now, person):
    for org_id in (2**31, -1, 0, "1", None):
        with pytest.raises(NotFound):
            orgs.get_membership(session, person(), org_id)
