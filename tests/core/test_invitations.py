"""Invitations in the core: the link hashed, once, 14 days, revoked and resent; joining by it
with or without an account; and the history of who approved whom."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from exchange.core import events, invitations
from exchange.core import organizations as orgs
from exchange.core.errors import Conflict, Forbidden, NotFound, ValidationError
from exchange.core.member_history import history_query
from exchange.core.secret_hash import hash_secret
from models import ChangeKind, Invitation, MemberRole, Membership, Notification, User
from models.event import EventStaff, StaffRole
from tests.conftest import TEST_PASSWORD

PASSWORD = "a long invited passphrase"


@pytest.fixture
def library(session, make_user, make_org):
    owner = make_user("owner@example.org", name="Olga Właścicielka")
    return make_org(owner, name="Biblioteka"), owner


def invite(session, library, now, email="nowa@example.org", **kw):
    org, owner = library
    return invitations.invite_member(session, owner, org.id, email=email,
                                     role=kw.get("role", "member"),
                                     can_sign=kw.get("can_sign", True), now=now)


def kinds(session, **target) -> list[ChangeKind]:
    return [c.kind for c in session.scalars(history_query(**target))]


def test_the_link_is_stored_only_hashed_and_lives_14_days(session, library, now):
    invitation, secret = invite(session, library, now, email=" Nowa@Example.org ")
    assert invitation.email == "nowa@example.org"
    assert invitation.token_hash == hash_secret(secret) and secret not in invitation.token_hash
    assert invitation.expires_at == now + timedelta(days=14)
    assert invitations.open_invitation(session, secret, now + timedelta(days=13, hours=23)) \
        is invitation
    with pytest.raises(ValidationError) as expired:
        invitations.open_invitation(session, secret, now + timedelta(days=14))
    assert "expired" in str(expired.value.message)
    with pytest.raises(NotFound):
        invitations.open_invitation(session, "not-the-secret", now)
    with pytest.raises(NotFound):
        invitations.open_invitation(session, invitation.token_hash, now)  # the hash opens nothing


def test_a_new_person_registers_through_the_link_and_joins_once(session, library, now):
    org, owner = library
    invitation, secret = invite(session, library, now)
    user, joined = invitations.register_and_accept(session, secret, name="Nina Nowa",
                                                   password=PASSWORD, locale="pl", now=now)
    assert joined is invitation and user.email == "nowa@example.org"
    membership = session.scalar(select(Membership).where(Membership.user_id == user.id))
    assert membership.organization_id == org.id and membership.role is MemberRole.MEMBER
    assert membership.can_sign
    assert invitation.accepted_at == now and invitation.accepted_by_id == user.id
    with pytest.raises(ValidationError) as used:
        invitations.open_invitation(session, secret, now)
    assert "already been accepted" in str(used.value.message)
    with pytest.raises(ValidationError):
        invitations.accept_invitation(session, secret, user, now)
    # The inviter hears of it.
    assert session.scalar(select(Notification.key).where(Notification.user_id == owner.id)) \
        == f"invitation-accepted:{invitation.id}"
    # The founder joined first, as owner, by creating the organization.
    assert kinds(session, organization_id=org.id) == [ChangeKind.JOINED, ChangeKind.INVITED,
                                                      ChangeKind.JOINED]


def test_a_weak_password_leaves_the_link_unspent(session, library, now):
    invitation, secret = invite(session, library, now)
    session.commit()
    with pytest.raises(ValidationError) as weak:
        invitations.register_and_accept(session, secret, name="Nina", password="short",
                                        locale=None, now=now)
    assert "password" in weak.value.errors
    session.rollback()  # what the unit of work does
    assert invitations.open_invitation(session, secret, now).accepted_at is None


def test_an_existing_user_accepts_with_the_invited_address_only(session, library, make_user,
                                                                 now):
    org, _ = library
    invited = make_user("nowa@example.org", name="Nina Nowa")
    stranger = make_user("obcy@example.org")
    invitation, secret = invite(session, library, now, role="owner", can_sign=False)
    with pytest.raises(Forbidden):
        invitations.accept_invitation(session, secret, stranger, now)
    with pytest.raises(Conflict):  # an account exists: log in, do not register again
        invitations.register_and_accept(session, secret, name="X", password=PASSWORD,
                                        locale=None, now=now)
    invitations.accept_invitation(session, secret, invited, now)
    membership = session.scalar(select(Membership).where(Membership.user_id == invited.id))
    assert membership.role is MemberRole.OWNER and membership.organization_id == org.id
    assert session.scalar(select(func.count()).select_from(Membership).where(
        Membership.user_id == stranger.id)) == 0


def test_inviting_again_resends_and_kills_the_old_link(session, library, now):
    org, owner = library
    first, old = invite(session, library, now)
    later = now + timedelta(days=10)
    again, new = invite(session, library, later, role="owner")
    assert again is first and new != old and again.role == "owner"
    assert again.expires_at == later + timedelta(days=14)
    assert session.scalar(select(func.count()).select_from(Invitation)) == 1
    with pytest.raises(NotFound):
        invitations.open_invitation(session, old, later)
    resent, newest = invitations.resend_invitation(session, owner, first.id, org_id=org.id,
                                                   now=later)
    with pytest.raises(NotFound):
        invitations.open_invitation(session, new, later)
    assert invitations.open_invitation(session, newest, later) is resent
    assert kinds(session, organization_id=org.id) == [
        ChangeKind.INVITATION_RESENT, ChangeKind.INVITATION_RESENT, ChangeKind.INVITED,
        ChangeKind.JOINED]


def test_an_expired_invitation_can_be_resent(session, library, now):
    org, owner = library
    invitation, _ = invite(session, library, now)
    later = now + timedelta(days=20)
    _, secret = invitations.resend_invitation(session, owner, invitation.id, org_id=org.id,
                                              now=later)
    assert invitations.open_invitation(session, secret, later).expires_at == \
        later + timedelta(days=14)


def test_a_revoked_invitation_says_so_and_cannot_be_resent(session, library, now):
    org, owner = library
    invitation, secret = invite(session, library, now)
    invitations.revoke_invitation(session, owner, invitation.id, org_id=org.id, now=now)
    with pytest.raises(ValidationError) as revoked:
        invitations.open_invitation(session, secret, now)
    assert "withdrawn" in str(revoked.value.message)
    with pytest.raises(Conflict):
        invitations.resend_invitation(session, owner, invitation.id, org_id=org.id, now=now)
    with pytest.raises(Conflict):
        invitations.revoke_invitation(session, owner, invitation.id, org_id=org.id, now=now)
    assert invitations.pending_invitations(session, org_id=org.id) == []
    [change, _, _] = session.scalars(history_query(organization_id=org.id))
    assert change.kind is ChangeKind.INVITATION_REVOKED and change.actor_id == owner.id
    assert change.subject_email == "nowa@example.org"


def test_only_owners_of_that_organization_manage_its_invitations(session, library, make_user,
                                                                 make_org, add_member, now):
    org, owner = library
    member = make_user("czlonek@example.org")
    add_member(org, member)
    other_owner = make_user("inna@example.org")
    other = make_org(other_owner, name="Szkoła")
    invitation, _ = invite(session, library, now)
    with pytest.raises(Forbidden):
        invitations.invite_member(session, member, org.id, email="x@example.org", role="member",
                                  can_sign=False, now=now)
    with pytest.raises(Forbidden):
        invitations.revoke_invitation(session, member, invitation.id, org_id=org.id, now=now)
    with pytest.raises(NotFound):  # through another organization: not found
        invitations.revoke_invitation(session, other_owner, invitation.id, org_id=other.id,
                                      now=now)
    with pytest.raises(NotFound):
        invitations.resend_invitation(session, other_owner, invitation.id, org_id=org.id,
                                      now=now)
    assert invitations.pending_invitations(session, org_id=other.id) == []


def test_inviting_a_present_member_says_so(session, library, now):
    org, owner = library
    with pytest.raises(ValidationError) as present:
        invite(session, library, now, email=owner.email)
    assert "already a member" in str(present.value.errors["email"][0])


def test_staff_invitation_joins_the_event_in_its_role(session, hall, make_user, now):
    event, organiser = hall["event"], hall["organiser"]
    invitation, secret = invitations.invite_staff(session, organiser, event.id,
                                                  email="wycena@example.org", role="valuer",
                                                  now=now)
    # Another role for the same address is another invitation; the same role is a resend.
    second, _ = invitations.invite_staff(session, organiser, event.id,
                                         email="wycena@example.org", role="moderator", now=now)
    again, secret = invitations.invite_staff(session, organiser, event.id,
                                             email="wycena@example.org", role="valuer", now=now)
    assert second is not invitation and again is invitation
    with pytest.raises(Forbidden):
        invitations.invite_staff(session, hall["notary"], event.id, email="x@example.org",
                                 role="broker", now=now)
    with pytest.raises(ValidationError):  # the notary has this role already
        invitations.invite_staff(session, organiser, event.id, email="notary@example.org",
                                 role="notary", now=now)
    user, _ = invitations.register_and_accept(session, secret, name="Wiktor Wycena",
                                              password=PASSWORD, locale=None, now=now)
    assert events.roles(event, user) == {StaffRole.VALUER}
    assert [i.role for i in invitations.pending_invitations(session, event_id=event.id)] == [
        "moderator"]
    [joined, *_] = session.scalars(history_query(event_id=event.id))
    assert joined.kind is ChangeKind.JOINED and joined.subject_id == user.id
    assert joined.role == "valuer"


def test_membership_changes_are_recorded_with_actor_and_subject(session, library, make_user,
                                                                now):
    org, owner = library
    jan = make_user("jan@example.org", name="Jan Kowalski")
    ewa = make_user("ewa@example.org", name="Ewa Lis")
    mj = orgs.add_member(session, owner, org.id, email=jan.email, role="member", can_sign=False,
                         now=now)
    me = orgs.add_member(session, owner, org.id, email=ewa.email, role="member", can_sign=True,
                         now=now)
    orgs.update_member(session, owner, org.id, mj.id, role="owner", can_sign=True,
                       now=now + timedelta(minutes=1))
    orgs.update_member(session, owner, org.id, me.id, role="member", can_sign=False,
                       now=now + timedelta(minutes=2))
    orgs.remove_member(session, owner, org.id, me.id, now=now + timedelta(minutes=3))
    orgs.leave_organization(session, jan, org.id, now=now + timedelta(minutes=4))
    rows = [(c.kind, c.actor_id, c.subject_id, c.role)
            for c in session.scalars(history_query(organization_id=org.id))]
    assert rows == [
        (ChangeKind.LEFT, jan.id, jan.id, ""),
        (ChangeKind.REMOVED, owner.id, ewa.id, ""),
        (ChangeKind.SIGNING_REVOKED, owner.id, ewa.id, ""),
        (ChangeKind.SIGNING_GRANTED, owner.id, jan.id, ""),
        (ChangeKind.ROLE_CHANGED, owner.id, jan.id, "owner"),
        (ChangeKind.JOINED, owner.id, ewa.id, "member"),
        (ChangeKind.JOINED, owner.id, jan.id, "member"),
        (ChangeKind.JOINED, owner.id, owner.id, "owner"),  # founded it
    ]


def test_staff_changes_are_recorded(session, hall, now):
    event, organiser = hall["event"], hall["organiser"]
    notary_row = next(s for s in event.staff if s.role is StaffRole.NOTARY)
    events.remove_staff(session, organiser, event.id, notary_row.id, now=now)
    [removed, *earlier] = session.scalars(history_query(event_id=event.id))
    assert (removed.kind, removed.actor_id, removed.subject_id, removed.role) == (
        ChangeKind.REMOVED, organiser.id, hall["notary"].id, "notary")
    assert {c.kind for c in earlier} == {ChangeKind.JOINED}


def test_invited_account_can_log_in(session, library, now):
    from exchange.core import accounts

    _, secret = invite(session, library, now)
    invitations.register_and_accept(session, secret, name="Nina Nowa", password=PASSWORD,
                                    locale=None, now=now)
    assert isinstance(accounts.authenticate(session, email="nowa@example.org", password=PASSWORD,
                                            now=now), User)
    assert accounts.authenticate(session, email="nowa@example.org", password=TEST_PASSWORD,
                                 now=now) is None
    assert session.scalar(select(EventStaff.id).limit(1)) is None
