"""A user's own data (RODO/GDPR): everything about them as one JSON-ready dict, and deleting
their account.

Deleting does not remove the user's row: contracts, their history and events point to it.
The row is anonymised instead (no name, no address, no password, no way to log in) and every
row that is only about the person goes: sessions, tokens, links, memberships, notifications,
pending e-mail changes, consents, places on event staff, saved searches; the history of who
approved whom keeps its rows without the person's address. Signatures keep ``signer_name``, the
name recorded when signing: a contract is a record both parties rely on. The address is free
to register again at once.

An organization must not be left to its other members without an owner, nor an event
without an organiser: deleting is then refused until the user hands over. An organization
whose only member the user was stays, without members (its contracts are other parties'
records too); its open listings are paused, since nobody can answer for them any more."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session

from exchange.core.accounts import verify_password
from exchange.core.errors import Msg, ValidationError
from exchange.core.logins import end_all_sessions
from exchange.core.privacy import consents_of
from models import (ApiToken, Contract, ContractVersion, EmailChange, EventStaff,
                    ExchangeEvent, Invitation, Listing, ListingStatus, LoginLink, MemberRole,
                    Membership, MembershipChange, Notification, NotificationDigest,
                    NotificationPreference,
                    PendingRegistration,
                    PrivacyConsent, SavedSearch, Signature, StaffRole, User, UserSession)
from models.event import EventStatus
from models.user import new_session_token

# What an anonymised account shows where its name used to be (contracts keep signer_name).
DELETED_NAME = "—"
# A password hash no password verifies against.
_NO_PASSWORD = "!deleted"


def _when(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def personal_data(session: Session, user: User, now: datetime) -> dict[str, Any]:
    """Everything stored about USER, without secrets (no password hash, no token hashes)."""
    return {
        "exported_at": _when(now),
        "account": {
            "id": user.id, "email": user.email, "name": user.name, "locale": user.locale,
            "is_active": user.is_active, "is_admin": user.is_admin,
            "created_at": _when(user.created_at),
            "password_changed_at": _when(user.password_changed_at),
            "last_login_at": _when(user.last_login_at),
            "privacy_version": user.privacy_version,
            "privacy_accepted_at": _when(user.privacy_accepted_at)},
        "privacy_consents": [{"version": c.version, "accepted_at": _when(c.accepted_at)}
                             for c in consents_of(session, user)],
        "memberships": [
            {"organization_id": m.organization_id, "organization": m.organization.name,
             "role": m.role.value, "may_sign": m.may_sign, "since": _when(m.created_at)}
            for m in session.scalars(select(Membership).where(Membership.user_id == user.id)
                                     .order_by(Membership.id))],
        "listings": [
            {"id": row.id, "organization_id": row.organization_id, "kind": row.kind.value,
             "title": row.title, "description": row.description, "status": row.status.value,
             "created_at": _when(row.created_at)}
            for row in session.scalars(select(Listing).where(Listing.created_by_id == user.id)
                                       .order_by(Listing.id))],
        "signatures": _signatures(session, user),
        "notifications": [
            {"message": n.message, "params": n.params, "link": n.link,
             "created_at": _when(n.created_at), "read_at": _when(n.read_at)}
            for n in session.scalars(select(Notification).where(Notification.user_id == user.id)
                                     .order_by(Notification.id))],
        "login_sessions": [
            {"created_at": _when(s.created_at), "expires_at": _when(s.expires_at),
             "revoked_at": _when(s.revoked_at)}
            for s in session.scalars(select(UserSession).where(UserSession.user_id == user.id)
                                     .order_by(UserSession.id))],
        "api_tokens": [
            {"name": t.name, "created_at": _when(t.created_at),
             "last_used_at": _when(t.last_used_at), "revoked_at": _when(t.revoked_at)}
            for t in session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)
                                     .order_by(ApiToken.id))],
        "email_changes": [
            {"new_email": c.new_email, "created_at": _when(c.created_at),
             "expires_at": _when(c.expires_at), "used_at": _when(c.used_at)}
            for c in session.scalars(select(EmailChange).where(EmailChange.user_id == user.id)
                                     .order_by(EmailChange.id))],
        "saved_searches": [
            {"label": s.label, "filters": s.filters, "created_at": _when(s.created_at)}
            for s in session.scalars(select(SavedSearch).where(SavedSearch.user_id == user.id)
                                     .order_by(SavedSearch.id))],
        "notification_preferences": {
            p.kind: p.channel for p in session.scalars(
                select(NotificationPreference).where(NotificationPreference.user_id == user.id))},
        **_invitations_and_changes(session, user),
    }


def _invitations_and_changes(session: Session, user: User) -> dict[str, Any]:
    """The invitations USER sent or was sent, and the membership and staff changes they made
    or were the subject of."""
    def invitation(i: Invitation) -> dict[str, Any]:
        return {"email": i.email, "organization_id": i.organization_id, "event_id": i.event_id,
                "role": i.role, "sent_at": _when(i.sent_at), "expires_at": _when(i.expires_at),
                "accepted_at": _when(i.accepted_at), "revoked_at": _when(i.revoked_at)}
    return {
        "invitations_sent": [invitation(i) for i in session.scalars(
            select(Invitation).where(Invitation.invited_by_id == user.id).order_by(Invitation.id))],
        "invitations_received": [invitation(i) for i in session.scalars(
            select(Invitation).where(or_(Invitation.email == user.email,
                                         Invitation.accepted_by_id == user.id))
            .order_by(Invitation.id))],
        "membership_changes": [
            {"kind": c.kind.value, "organization_id": c.organization_id, "event_id": c.event_id,
             "role": c.role, "by_me": c.actor_id == user.id, "about_me": c.subject_id == user.id,
             "at": _when(c.created_at)}
            for c in session.scalars(select(MembershipChange).where(or_(
                MembershipChange.actor_id == user.id, MembershipChange.subject_id == user.id))
                .order_by(MembershipChange.id))],
    }


def _signatures(session: Session, user: User) -> list[dict[str, Any]]:
    rows = session.execute(
        select(Signature, ContractVersion.number, Contract.id, Contract.number)
        .join(ContractVersion, Signature.version_id == ContractVersion.id)
        .join(Contract, ContractVersion.contract_id == Contract.id)
        .where(Signature.user_id == user.id).order_by(Signature.signed_at, Signature.id))
    return [{"contract_id": contract_id, "contract_number": number, "version": version,
             "organization_id": s.organization_id, "organization": s.organization.name,
             "method": s.method, "representative": s.representative or None,
             "signer_name": s.signer_name, "signed_at": _when(s.signed_at)}
            for s, version, contract_id, number in rows]


def deletion_blockers(session: Session, user: User) -> list[Msg]:
    """Why USER may not delete their account yet (empty when they may)."""
    problems = []
    for membership in session.scalars(select(Membership).where(
            Membership.user_id == user.id, Membership.role == MemberRole.OWNER)):
        org_id = membership.organization_id
        others = session.scalar(select(func.count()).select_from(Membership).where(
            Membership.organization_id == org_id, Membership.user_id != user.id))
        other_owners = session.scalar(select(func.count()).select_from(Membership).where(
            Membership.organization_id == org_id, Membership.user_id != user.id,
            Membership.role == MemberRole.OWNER))
        if others and not other_owners:
            problems.append(Msg("You are the last owner of %(organization)s, which has other "
                                "members. Make one of them an owner first.",
                                organization=membership.organization.name))
    for event in session.scalars(select(ExchangeEvent).join(EventStaff).where(
            EventStaff.user_id == user.id, EventStaff.role == StaffRole.ORGANISER,
            ExchangeEvent.status != EventStatus.CANCELLED).order_by(ExchangeEvent.id)):
        if not any(s.role is StaffRole.ORGANISER and s.user_id != user.id for s in event.staff):
            problems.append(Msg("You are the only organiser of the event %(event)s. Name "
                                "another organiser first.", event=event.name))
    if user.is_admin and not session.scalar(select(func.count()).select_from(User).where(
            User.is_admin.is_(True), User.is_active.is_(True), User.id != user.id)):
        problems.append(Msg("You are the site's only administrator. Make another user an "
                            "administrator first (flask create-admin)."))
    return problems


def delete_account(session: Session, user: User, *, password: str | None,
                   now: datetime) -> None:
    """Delete USER's account: check the password and the blockers, then anonymise it."""
    if not verify_password(user, password or ""):
        raise ValidationError.single("password", Msg("The password is not correct."))
    problems = deletion_blockers(session, user)
    if problems:
        raise ValidationError({None: problems})
    _leave_organizations(session, user)
    for table in (EmailChange, LoginLink, ApiToken, Notification, PrivacyConsent, EventStaff,
                  SavedSearch, NotificationPreference, NotificationDigest):
        session.execute(delete(table).where(table.user_id == user.id))
    # Who approved whom stays (the organization's record), without the person's address.
    session.execute(update(MembershipChange).where(MembershipChange.subject_id == user.id)
                    .values(subject_email=""))
    session.execute(delete(PendingRegistration).where(PendingRegistration.email == user.email))
    end_all_sessions(session, user, now)
    session.execute(delete(UserSession).where(UserSession.user_id == user.id))
    user.email = f"deleted-{user.id}@deleted.invalid"
    user.name = DELETED_NAME
    user.password_hash = _NO_PASSWORD
    user.session_token = new_session_token()
    user.locale = None
    user.is_active = False
    user.is_admin = False
    user.last_login_at = None
    user.privacy_version = user.privacy_accepted_at = None
    user.deactivated_at = user.deleted_at = now
    session.flush()


def _leave_organizations(session: Session, user: User) -> None:
    """End USER's memberships; pause the open listings of organizations left with nobody."""
    org_ids = list(session.scalars(select(Membership.organization_id).where(
        Membership.user_id == user.id)))
    session.execute(delete(Membership).where(Membership.user_id == user.id))
    session.expire(user, ["memberships"])
    orphaned = [org_id for org_id in org_ids if not session.scalar(
        select(func.count()).select_from(Membership).where(Membership.organization_id == org_id))]
    if orphaned:
        session.execute(update(Listing).where(
            Listing.organization_id.in_(orphaned), Listing.status == ListingStatus.OPEN)
            .values(status=ListingStatus.PAUSED), execution_options={"synchronize_session": False})
