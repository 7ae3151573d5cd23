"""Invitations to a local partnership: a partner organization (an owner accepts for one of
their organizations) or the animator (the person), by an e-mailed link."""
from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from exchange.core.accounts import clean_email, find_user_by_email
from exchange.core.errors import (
    Conflict,
    Errors,
    Forbidden,
    Msg,
    NotFound,
    ValidationError,
    clean_choice,
)
from exchange.core.invitations import (
    LINK_EXPIRED,
    LINK_REVOKED,
    LINK_UNKNOWN,
    LINK_USED,
    SECRET_MAX,
    renew_link,
)
from exchange.core.notifications import notify
from exchange.core.partnerships.changes import living, parse_id
from exchange.core.partnerships.reading import ENDED, member_org_ids, record, user_org_ids
from exchange.core.secret_hash import hash_secret
from models import (
    MemberRole,
    Membership,
    Organization,
    Partnership,
    PartnershipChangeKind,
    PartnershipInvitation,
    PartnershipMember,
    PartnershipRole,
    PartnershipState,
    User,
)
from models.base import get_by_id

_DECLINED = Msg("This invitation has been declined.")

# --- invitations ---------------------------------------------------------------------------

def _pending_query():
    return (PartnershipInvitation.accepted_at.is_(None),
            PartnershipInvitation.declined_at.is_(None),
            PartnershipInvitation.revoked_at.is_(None))


def invite(session: Session, actor: User, partnership_id: int, *, email: Any,
           role: Any = PartnershipRole.PARTNER,
           now: datetime) -> tuple[PartnershipInvitation, str]:
    """Invite EMAIL to the partnership: an organization as a partner (an owner of it accepts
    for it), or a person as the animator. Managers only. A pending invitation of EMAIL to the
    same role is resent rather than doubled. Return the invitation and its link's secret."""
    partnership = living(session, actor, partnership_id)
    errors = Errors()
    email = clean_email(email, "email", errors)
    role = clean_choice(role, "role", errors, PartnershipRole)
    errors.raise_if_any()
    if role is PartnershipRole.ANIMATOR:
        user = find_user_by_email(session, email)
        if user is not None and user.id == partnership.animator_id:
            raise ValidationError.single("email", Msg("This person is the animator already."))
    invitation = session.scalar(select(PartnershipInvitation).where(
        PartnershipInvitation.partnership_id == partnership.id,
        PartnershipInvitation.email == email, PartnershipInvitation.role == role,
        PartnershipInvitation.expires_at > now, *_pending_query()).limit(1))
    kind = PartnershipChangeKind.INVITATION_RESENT
    if invitation is None:
        kind = PartnershipChangeKind.INVITED
        invitation = PartnershipInvitation(partnership_id=partnership.id, email=email, role=role,
                                           invited_by_id=actor.id, created_at=now)
        session.add(invitation)
    secret = renew_link(invitation, now)
    session.flush()
    record(session, partnership, kind, actor, now, subject_email=email, detail=role.value)
    return invitation, secret


def _managed_invitation(session: Session, actor: User, partnership_id: int,
                        invitation_id: int) -> PartnershipInvitation:
    partnership = living(session, actor, partnership_id)
    invitation = get_by_id(session, PartnershipInvitation, invitation_id) \
        if isinstance(invitation_id, int) else None
    if invitation is None or invitation.partnership_id != partnership.id:
        raise NotFound(Msg("There is no such invitation."))
    return invitation


def resend_invitation(session: Session, actor: User, partnership_id: int, invitation_id: int,
                      now: datetime) -> tuple[PartnershipInvitation, str]:
    """A new link for a pending (or expired) invitation; the old one dies."""
    invitation = _managed_invitation(session, actor, partnership_id, invitation_id)
    if any(at is not None for at in (invitation.accepted_at, invitation.declined_at,
                                     invitation.revoked_at)):
        raise Conflict(Msg("This invitation has been accepted, declined or withdrawn; invite "
                           "again instead."))
    secret = renew_link(invitation, now)
    session.flush()
    record(session, invitation.partnership, PartnershipChangeKind.INVITATION_RESENT, actor, now,
           subject_email=invitation.email, detail=invitation.role.value)
    return invitation, secret


def revoke_invitation(session: Session, actor: User, partnership_id: int, invitation_id: int,
                      now: datetime) -> PartnershipInvitation:
    invitation = _managed_invitation(session, actor, partnership_id, invitation_id)
    revoked = session.execute(update(PartnershipInvitation).where(
        PartnershipInvitation.id == invitation.id, *_pending_query()).values(revoked_at=now))
    if revoked.rowcount != 1:
        raise Conflict(Msg("This invitation has already been accepted, declined or withdrawn."))
    session.refresh(invitation)
    record(session, invitation.partnership, PartnershipChangeKind.INVITATION_REVOKED, actor, now,
           subject_email=invitation.email, detail=invitation.role.value)
    return invitation


def pending_invitations(session: Session, partnership_id: int) -> list[PartnershipInvitation]:
    """Invitations not yet answered nor withdrawn (expired ones too, to resend), newest first."""
    return list(session.scalars(select(PartnershipInvitation).where(
        PartnershipInvitation.partnership_id == partnership_id, *_pending_query())
        .order_by(PartnershipInvitation.sent_at.desc(), PartnershipInvitation.id.desc())))


def open_invitation(session: Session, secret: Any, now: datetime) -> PartnershipInvitation:
    """The invitation whose link holds SECRET, while it can be answered; say why not:
    NotFound for an unknown link, ValidationError (no field) for a used one."""
    invitation = session.scalar(select(PartnershipInvitation).where(
        PartnershipInvitation.token_hash == hash_secret(secret))) \
        if isinstance(secret, str) and 0 < len(secret) <= SECRET_MAX else None
    if invitation is None:
        raise NotFound(LINK_UNKNOWN)
    for at, message in ((invitation.accepted_at, LINK_USED), (invitation.declined_at, _DECLINED),
                        (invitation.revoked_at, LINK_REVOKED)):
        if at is not None:
            raise ValidationError.single(None, message)
    if invitation.expires_at <= now:
        raise ValidationError.single(None, LINK_EXPIRED)
    return invitation


def _addressee(invitation: PartnershipInvitation, user: User) -> None:
    if not user.is_active or user.email != invitation.email:
        raise Forbidden(Msg("This invitation is for another e-mail address. Log out and "
                            "open the link again, or log in with the invited address."))


def organizations_to_accept_for(session: Session, invitation: PartnershipInvitation,
                                user: User) -> list[Organization]:
    """USER's organizations (owned) that could join by INVITATION: not members already."""
    present = member_org_ids(invitation.partnership)
    return list(session.scalars(select(Organization).join(Membership).where(
        Membership.user_id == user.id, Membership.role == MemberRole.OWNER,
        Organization.id.notin_(present or [0])).order_by(Organization.name)))


def _spend(session: Session, invitation: PartnershipInvitation, secret: str, now: datetime,
           **values: Any) -> None:
    spent = session.execute(update(PartnershipInvitation).where(
        PartnershipInvitation.id == invitation.id,
        PartnershipInvitation.token_hash == hash_secret(secret),
        PartnershipInvitation.expires_at > now, *_pending_query()).values(**values))
    if spent.rowcount != 1:  # another request was quicker, or the link changed meanwhile
        raise ValidationError.single(None, LINK_USED)
    session.refresh(invitation)


def accept_invitation(session: Session, secret: Any, user: User, now: datetime, *,
                      org_id: Any = None) -> PartnershipInvitation:
    """Answer yes: a partner's invitation for ORG_ID (one USER owns, not a member yet), an
    animator's for USER. Only the invited address's account may. Two requests with one link
    join once: the other is told it was used."""
    invitation = open_invitation(session, secret, now)
    _addressee(invitation, user)
    partnership = invitation.partnership
    if partnership.state is PartnershipState.ENDED:
        raise ValidationError.single(None, ENDED)
    if invitation.role is PartnershipRole.ANIMATOR:
        _spend(session, invitation, secret, now, accepted_at=now, accepted_by_id=user.id)
        partnership.animator_id = user.id
        partnership.updated_at = now
        session.flush()
        record(session, partnership, PartnershipChangeKind.ANIMATOR_JOINED, user, now,
               subject=user)
        message = Msg("%(person)s accepted the invitation to advise the partnership "
                      "„%(name)s”.", person=user.name, name=partnership.name)
    else:
        org_id = parse_id(org_id)
        if org_id is None or org_id not in user_org_ids(session, user, owner=True):
            raise ValidationError.single("org_id", Msg("Choose one of the organizations you "
                                                       "own."))
        if org_id in member_org_ids(partnership):
            raise ValidationError.single("org_id", Msg("This organization is a member of the "
                                                       "partnership already."))
        _spend(session, invitation, secret, now, accepted_at=now, accepted_by_id=user.id,
               organization_id=org_id)
        _join(session, partnership, org_id, now)
        record(session, partnership, PartnershipChangeKind.JOINED, user, now,
               organization_id=org_id)
        message = Msg("%(organization)s joined the partnership „%(name)s”.",
                      organization=invitation.organization.name, name=partnership.name)
    for person_id in {invitation.invited_by_id, partnership.coordinator_id} - {None, user.id}:
        notify(session, person_id, f"partnership-joined:{invitation.id}:{person_id}", message,
               f"/partnerships/{partnership.id}", now)
    return invitation


def _join(session: Session, partnership: Partnership, org_id: int, now: datetime) -> None:
    """Add ORG_ID to the members, or bring back one that left. The unique (partnership,
    organization) pair stops two different links from adding one organization twice."""
    former = next((m for m in partnership.members if m.organization_id == org_id), None)
    if former is None:
        partnership.members.append(PartnershipMember(organization_id=org_id, joined_at=now))
    else:
        back = session.execute(update(PartnershipMember).where(
            PartnershipMember.id == former.id, PartnershipMember.left_at.is_not(None))
            .values(left_at=None, joined_at=now))
        if back.rowcount != 1:
            raise ValidationError.single("org_id", Msg("This organization is a member of the "
                                                       "partnership already."))
        session.refresh(former)
    session.flush()


def decline_invitation(session: Session, secret: Any, user: User,
                       now: datetime) -> PartnershipInvitation:
    """Answer no; the invited address's account only. The inviter is told."""
    invitation = open_invitation(session, secret, now)
    _addressee(invitation, user)
    _spend(session, invitation, secret, now, declined_at=now)
    partnership = invitation.partnership
    record(session, partnership, PartnershipChangeKind.DECLINED, user, now,
           subject=user, detail=invitation.role.value)
    if invitation.invited_by_id is not None and invitation.invited_by_id != user.id:
        notify(session, invitation.invited_by_id, f"partnership-declined:{invitation.id}",
               Msg("%(email)s declined the invitation to the partnership „%(name)s”.",
                   email=invitation.email, name=partnership.name),
               f"/partnerships/{partnership.id}/members", now)
    return invitation




def register_and_join(session: Session, secret: Any, *, name: str, password: str,
                      locale: str | None, now: datetime, privacy_accepted: bool = False,
                      organization: Mapping[str, Any] | None = None
                      ) -> tuple[User, PartnershipInvitation]:
    """One step for an invited person without an account: the account for the invited address
    (it counts as verified: the link reached its mailbox), for a partner's invitation the
    profile of the organization they join for (ORGANIZATION: name, sector, municipality…,
    with them as its owner), and the answer yes.

    The person's and the organization's mistakes are said together, under "org_…" for the
    organization's fields; when anything is refused the caller's unit of work keeps nothing.
    Two requests racing with one link make one account: the link is spent once."""
    from exchange.core.invitations import create_invited_account
    from exchange.core.organizations import clean_profile, create_organization

    invitation = open_invitation(session, secret, now)
    if find_user_by_email(session, invitation.email) is not None:
        raise Conflict(Msg("An account with this e-mail address already exists. Log in and "
                           "open the link again to accept."))
    if invitation.partnership.state is PartnershipState.ENDED:
        raise ValidationError.single(None, ENDED)
    errors: dict[str | None, list[Msg]] = {}
    partner = invitation.role is PartnershipRole.PARTNER
    if partner:
        try:
            clean_profile(session, organization or {}, unique_for=0)
        except ValidationError as error:
            errors.update({f"org_{key}" if key else None: messages
                           for key, messages in error.errors.items()})
    try:
        with session.begin_nested():
            user = create_invited_account(session, invitation, name=name, password=password,
                                          locale=locale, now=now,
                                          privacy_accepted=privacy_accepted)
    except ValidationError as error:
        errors = {**error.errors, **errors}
    if errors:
        raise ValidationError(errors)
    org_id = create_organization(session, user, organization or {}, now).id if partner else None
    return user, accept_invitation(session, secret, user, now, org_id=org_id)
