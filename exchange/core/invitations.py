"""Invitations by e-mail to join an organization or an event's staff, for people with or
without an account.

The link's secret is kept only as a hash (exchange/core/secret_hash.py); it works once,
for 14 days, and dies when the invitation is revoked or resent (a resend makes a new secret).
Opening the link spends nothing (mail scanners open links too): accepting does, with a
conditional update, so that two requests racing with one link join once.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from exchange.core import privacy
from exchange.core.accounts import clean_email, find_user_by_email, register_user
from exchange.core.errors import (
    Conflict,
    Errors,
    Forbidden,
    Msg,
    NotFound,
    ValidationError,
    clean_choice,
)
from exchange.core.events.reading import get_event, require_role
from exchange.core.events.setup import staff_request
from exchange.core.member_history import record_change
from exchange.core.notifications import notify
from exchange.core.organizations import get_membership
from exchange.core.secret_hash import hash_secret, new_secret
from models import ChangeKind, Invitation, MemberRole, Membership, User
from models.base import get_by_id
from models.event import EventStaff, StaffRole

LIFETIME = timedelta(days=14)
SECRET_MAX = 100

LINK_UNKNOWN = Msg("This invitation link is not valid. Check that the whole address was copied, "
               "or ask the person who invited you to send it again.")
LINK_USED = Msg("This invitation has already been accepted. Each invitation link works once.")
LINK_EXPIRED = Msg("This invitation has expired: an invitation link works for 14 days. Ask the "
               "person who invited you to send it again.")
LINK_REVOKED = Msg("This invitation has been withdrawn. Ask the person who invited you if they "
               "still want you to join.")


def renew_link(invitation, now: datetime) -> str:
    """Give INVITATION (of any kind: an organization's, an event staff's, a partnership's) a
    new secret and 14 more days; the old link dies. Return the secret."""
    secret = new_secret()
    invitation.token_hash = hash_secret(secret)
    invitation.sent_at = now
    invitation.expires_at = now + LIFETIME
    return secret


def _pending_for(session: Session, now: datetime, email: str, **target: Any) -> Invitation | None:
    return session.scalar(select(Invitation).filter_by(email=email, **target).where(
        Invitation.accepted_at.is_(None), Invitation.revoked_at.is_(None),
        Invitation.expires_at > now).order_by(Invitation.id.desc()).limit(1))


def _send(session: Session, actor: User, now: datetime, *, email: str, role: Any,
          can_sign: bool = False, **target: Any) -> tuple[Invitation, str]:
    """Invite EMAIL to TARGET (organization_id= or event_id=), or resend its pending one.

    An organization's invitation is one per address (a resend takes the new role); an
    event's is one per address and role, as one person may hold several roles there."""
    same = dict(target, role=role.value) if "event_id" in target else target
    invitation = _pending_for(session, now, email, **same)
    kind = ChangeKind.INVITATION_RESENT
    if invitation is None:
        kind = ChangeKind.INVITED
        invitation = Invitation(email=email, invited_by_id=actor.id, created_at=now, **target)
        session.add(invitation)
    invitation.role = role.value
    invitation.can_sign = bool(can_sign)
    secret = renew_link(invitation, now)
    session.flush()
    record_change(session, kind, actor=actor, subject_email=email, role=role, now=now, **target)
    return invitation, secret


def invite_member(session: Session, actor: User, org_id: int, *, email: str,
                  role: str | MemberRole, can_sign: bool,
                  now: datetime) -> tuple[Invitation, str]:
    """Invite EMAIL to the organization as ROLE; only owners may. Return the invitation and
    its link's secret.

    The same answer whether or not EMAIL has an account; a pending invitation of EMAIL is
    resent rather than doubled; a present member is refused."""
    get_membership(session, actor, org_id, role=MemberRole.OWNER, for_update=True)
    errors = Errors()
    email = clean_email(email, "email", errors)
    role = clean_choice(role, "role", errors, MemberRole)
    errors.raise_if_any()
    user = find_user_by_email(session, email)
    if user is not None and session.scalar(select(Membership.id).where(
            Membership.organization_id == org_id, Membership.user_id == user.id)):
        raise ValidationError.single("email", Msg("This person is already a member."))
    return _send(session, actor, now, email=email, role=role, can_sign=can_sign,
                 organization_id=org_id)


def invite_staff(session: Session, actor: User, event_id: int, *, email: str, role: Any,
                 now: datetime) -> tuple[Invitation, str]:
    """Invite EMAIL to the event's staff as ROLE; organisers only. A pending invitation of
    EMAIL to the same role is resent; someone who already has the role is refused."""
    event, email, role, _user = staff_request(session, actor, event_id, email, role)
    return _send(session, actor, now, email=email, role=role, event_id=event.id)


def _managed(session: Session, actor: User, invitation_id: int, *, org_id: int | None,
             event_id: int | None) -> Invitation:
    """The invitation INVITATION_ID of the organization or event ACTOR manages; NotFound when
    it belongs to another (the same answer as for none)."""
    if org_id is not None:
        get_membership(session, actor, org_id, role=MemberRole.OWNER)
    else:
        require_role(get_event(session, actor, event_id), actor, StaffRole.ORGANISER)
    invitation = get_by_id(session, Invitation, invitation_id) \
        if isinstance(invitation_id, int) else None
    if invitation is None or (org_id is not None and invitation.organization_id != org_id) \
            or (org_id is None and invitation.event_id != event_id):
        raise NotFound(Msg("There is no such invitation."))
    return invitation


def resend_invitation(session: Session, actor: User, invitation_id: int, *,
                      org_id: int | None = None, event_id: int | None = None,
                      now: datetime) -> tuple[Invitation, str]:
    """Send an invitation again with a new link, valid 14 days from NOW; the old link dies.
    An expired invitation may be resent; an accepted or withdrawn one may not."""
    invitation = _managed(session, actor, invitation_id, org_id=org_id, event_id=event_id)
    if invitation.accepted_at is not None or invitation.revoked_at is not None:
        raise Conflict(Msg("This invitation has been accepted or withdrawn; invite the person "
                           "again instead."))
    secret = renew_link(invitation, now)
    session.flush()
    record_change(session, ChangeKind.INVITATION_RESENT, actor=actor,
                  subject_email=invitation.email, role=invitation.role, now=now,
                  organization_id=invitation.organization_id, event_id=invitation.event_id)
    return invitation, secret


def revoke_invitation(session: Session, actor: User, invitation_id: int, *,
                      org_id: int | None = None, event_id: int | None = None,
                      now: datetime) -> Invitation:
    """Withdraw an invitation not yet accepted: its link stops working."""
    invitation = _managed(session, actor, invitation_id, org_id=org_id, event_id=event_id)
    revoked = session.execute(update(Invitation).where(
        Invitation.id == invitation.id, Invitation.accepted_at.is_(None),
        Invitation.revoked_at.is_(None)).values(revoked_at=now))
    if revoked.rowcount != 1:
        raise Conflict(Msg("This invitation has already been accepted or withdrawn."))
    session.refresh(invitation)
    record_change(session, ChangeKind.INVITATION_REVOKED, actor=actor,
                  subject_email=invitation.email, role=invitation.role, now=now,
                  organization_id=invitation.organization_id, event_id=invitation.event_id)
    return invitation


def pending_invitations(session: Session, *, org_id: int | None = None,
                        event_id: int | None = None) -> list[Invitation]:
    """Invitations neither accepted nor withdrawn (the expired ones too, to resend), the
    newest first. The caller has checked that the reader manages them."""
    target = {"organization_id": org_id} if org_id is not None else {"event_id": event_id}
    return list(session.scalars(select(Invitation).filter_by(**target).where(
        Invitation.accepted_at.is_(None), Invitation.revoked_at.is_(None))
        .order_by(Invitation.sent_at.desc(), Invitation.id.desc())))


def open_invitation(session: Session, secret: str, now: datetime) -> Invitation:
    """The invitation whose link holds SECRET, while it can be accepted; say why not.

    NotFound for an unknown link; ValidationError (no field) for a used, withdrawn or
    expired one."""
    invitation = session.scalar(select(Invitation).where(
        Invitation.token_hash == hash_secret(secret))) \
        if isinstance(secret, str) and 0 < len(secret) <= SECRET_MAX else None
    if invitation is None:
        raise NotFound(LINK_UNKNOWN)
    if invitation.accepted_at is not None:
        raise ValidationError.single(None, LINK_USED)
    if invitation.revoked_at is not None:
        raise ValidationError.single(None, LINK_REVOKED)
    if invitation.expires_at <= now:
        raise ValidationError.single(None, LINK_EXPIRED)
    return invitation


def _refuse_present(session: Session, invitation: Invitation, user: User) -> None:
    if invitation.organization_id is not None:
        present = session.scalar(select(Membership.id).where(
            Membership.organization_id == invitation.organization_id,
            Membership.user_id == user.id))
        message = Msg("You are already a member of this organization.")
    else:
        present = session.scalar(select(EventStaff.id).where(
            EventStaff.event_id == invitation.event_id, EventStaff.user_id == user.id,
            EventStaff.role == StaffRole(invitation.role)))
        message = Msg("You already have this role on the event's staff.")
    if present:
        raise ValidationError.single(None, message)


def accept_invitation(session: Session, secret: str, user: User, now: datetime) -> Invitation:
    """Join USER as the invitation SECRET says, spending its link; only the invited address's
    account may. Two requests with one link join once: the other is told it was used."""
    invitation = open_invitation(session, secret, now)
    if not user.is_active or user.email != invitation.email:
        raise Forbidden(Msg("This invitation is for another e-mail address. Log out and "
                            "open the link again, or log in with the invited address."))
    _refuse_present(session, invitation, user)
    spent = session.execute(update(Invitation).where(
        Invitation.id == invitation.id, Invitation.token_hash == hash_secret(secret),
        Invitation.accepted_at.is_(None), Invitation.revoked_at.is_(None),
        Invitation.expires_at > now).values(accepted_at=now, accepted_by_id=user.id))
    if spent.rowcount != 1:  # another request was quicker, or the link changed meanwhile
        raise ValidationError.single(None, LINK_USED)
    session.refresh(invitation)
    _join(session, invitation, user, now)
    return invitation


def _join(session: Session, invitation: Invitation, user: User, now: datetime) -> None:
    target = {"organization_id": invitation.organization_id, "event_id": invitation.event_id}
    if invitation.organization_id is not None:
        invitation.organization.memberships.append(Membership(
            user=user, role=MemberRole(invitation.role), can_sign=invitation.can_sign,
            created_at=now))
        name, link = invitation.organization.name, f"/organizations/{invitation.organization_id}/members"
        message = Msg("%(person)s accepted the invitation to %(name)s.", person=user.name,
                      name=name)
    else:
        invitation.event.staff.append(EventStaff(user_id=user.id, role=StaffRole(invitation.role),
                                                 created_at=now))
        link = f"/events/{invitation.event_id}/staff"
        message = Msg("%(person)s accepted the invitation to the staff of %(name)s.",
                      person=user.name, name=invitation.event.name)
    session.flush()
    record_change(session, ChangeKind.JOINED, actor=user, subject=user, role=invitation.role,
                  now=now, **target)
    if invitation.invited_by_id is not None and invitation.invited_by_id != user.id:
        notify(session, invitation.invited_by_id, f"invitation-accepted:{invitation.id}",
               message, link, now)


def create_invited_account(session: Session, invitation: Invitation, *, name: str,
                           password: str, locale: str | None, now: datetime,
                           privacy_accepted: bool = False) -> User:
    """Make the account of the person INVITATION was e-mailed to, with that address.

    The address counts as verified: the link reached its mailbox. The one place an account
    is made through an invitation: like registration, it asks consent to the current
    privacy notice (when one is published) and records its version."""
    errors = Errors()
    version = privacy.registration_consent(session, privacy_accepted, errors)
    errors.raise_if_any()
    user = register_user(session, email=invitation.email, name=name, password=password,
                         locale=locale, now=now)
    if version is not None:
        session.flush()
        privacy.record_consent(session, user, version, now)
    user.last_login_at = now
    session.flush()
    return user


def register_and_accept(session: Session, secret: str, *, name: str, password: str,
                        locale: str | None, now: datetime,
                        privacy_accepted: bool = False) -> tuple[User, Invitation]:
    """Make an account for the invited address and join it as the invitation says.

    The link is spent first, so that of two requests racing with one link only one makes an
    account; a refused name or password rolls the unit of work back, link included."""
    invitation = open_invitation(session, secret, now)
    if find_user_by_email(session, invitation.email) is not None:
        raise Conflict(Msg("An account with this e-mail address already exists. Log in and "
                           "open the link again to accept."))
    spent = session.execute(update(Invitation).where(
        Invitation.id == invitation.id, Invitation.token_hash == hash_secret(secret),
        Invitation.accepted_at.is_(None), Invitation.revoked_at.is_(None),
        Invitation.expires_at > now).values(accepted_at=now))
    if spent.rowcount != 1:
        raise ValidationError.single(None, LINK_USED)
    session.refresh(invitation)
    user = create_invited_account(session, invitation, name=name, password=password,
                                  locale=locale, now=now, privacy_accepted=privacy_accepted)
    invitation.accepted_by_id = user.id
    _join(session, invitation, user, now)
    return user, invitation
