"""Organizations, their members, and the scoped access every private page goes through."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Mapping
from urllib.parse import urlparse

from sqlalchemy import Select, func, select
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
    clean_text,
)
from exchange.core.member_history import record_change, record_signing
from exchange.core.notifications import notify
from models import ChangeKind, MemberRole, Membership, Organization, Sector, User
from models.base import MAX_ID

NAME_MAX = 200
MUNICIPALITY_MAX = 120
ADDRESS_MAX = 255
DESCRIPTION_MAX = 5000
WEBSITE_MAX = 255
CONTACT_NAME_MAX = 120
CONTACT_EMAIL_MAX = 254
CONTACT_PHONE_MAX = 40
PHONE_CHARS = set("0123456789 +-()/")

PROFILE_FIELDS = ("name", "sector", "municipality", "address", "description", "website",
                  "contact_name", "contact_email", "contact_phone", "is_contact_public",
                  "publishes_open_data")


def canonical_municipality(session: Session, name: str) -> str:
    """Return the spelling already in use for NAME ("tczew" → "Tczew"), else NAME as typed."""
    key = name.casefold()
    for existing in session.scalars(select(Organization.municipality).distinct()):
        if existing.casefold() == key:
            return existing
    return name[:1].upper() + name[1:]


def clean_profile(session: Session, data: Mapping[str, Any], *,
                  unique_for: int | None = None) -> dict[str, Any]:
    """Validate an organization profile; return clean values or raise ValidationError.

    With UNIQUE_FOR (0 for a new organization, else its id) the name must also be free in its
    municipality."""
    errors = Errors()
    clean: dict[str, Any] = {
        "name": clean_text(data.get("name"), "name", errors, max_length=NAME_MAX, required=True),
        "sector": clean_choice(data.get("sector"), "sector", errors, Sector),
        "municipality": clean_text(data.get("municipality"), "municipality", errors,
                                   max_length=MUNICIPALITY_MAX, required=True),
        "address": clean_text(data.get("address"), "address", errors, max_length=ADDRESS_MAX),
        "description": clean_text(data.get("description"), "description", errors,
                                  max_length=DESCRIPTION_MAX, multiline=True),
        "website": clean_text(data.get("website"), "website", errors, max_length=WEBSITE_MAX),
        "contact_name": clean_text(data.get("contact_name"), "contact_name", errors,
                                   max_length=CONTACT_NAME_MAX),
        "contact_email": "",
        "contact_phone": clean_text(data.get("contact_phone"), "contact_phone", errors,
                                    max_length=CONTACT_PHONE_MAX),
        "is_contact_public": bool(data.get("is_contact_public")),
        "publishes_open_data": bool(data.get("publishes_open_data")),
    }
    if (data.get("contact_email") or "").strip():
        clean["contact_email"] = clean_email(data.get("contact_email"), "contact_email", errors)
    website = clean["website"]
    if website:
        if "://" not in website:
            website = "https://" + website
        parsed = urlparse(website)
        if parsed.scheme not in ("http", "https") or "." not in parsed.netloc or " " in website:
            errors.add("website", Msg("Enter a web address, e.g. https://example.org."))
        clean["website"] = website
    phone = clean["contact_phone"]
    if phone and (not set(phone) <= PHONE_CHARS or sum(c.isdigit() for c in phone) < 6):
        errors.add("contact_phone", Msg("Enter a phone number, e.g. +48 58 123 45 67."))
    if unique_for is not None and clean["name"] and clean["municipality"]:
        # Said with the other problems, not after them: one correction mends everything.
        clean["municipality"] = canonical_municipality(session, clean["municipality"])
        _refuse_duplicate(session, clean["name"], clean["municipality"], errors,
                          exclude_id=unique_for or None)
    errors.raise_if_any()
    clean["municipality"] = canonical_municipality(session, clean["municipality"])
    return clean


def _refuse_duplicate(session: Session, name: str, municipality: str, errors: Errors,
                      exclude_id: int | None = None) -> None:
    # SQLite's lower() folds ASCII only, so names are compared in Python within the
    # (small) set of organizations of one municipality.
    query = select(Organization.id, Organization.name).where(
        Organization.municipality == municipality)
    for org_id, existing in session.execute(query):
        if org_id != exclude_id and existing.casefold() == name.casefold():
            errors.add("name", Msg(
                "An organization with this name is already registered in %(municipality)s.",
                municipality=municipality))
            return


def create_organization(session: Session, actor: User, data: Mapping[str, Any],
                        now: datetime) -> Organization:
    """Register an organization with ACTOR as its owner and signatory."""
    clean = clean_profile(session, data, unique_for=0)
    org = Organization(**clean, created_at=now, updated_at=now)
    org.memberships.append(Membership(user=actor, role=MemberRole.OWNER, can_sign=True,
                                      created_at=now))
    session.add(org)
    session.flush()
    record_change(session, ChangeKind.JOINED, actor=actor, subject=actor, organization_id=org.id,
                  role=MemberRole.OWNER, now=now)
    return org


def update_organization(session: Session, actor: User, org_id: int, data: Mapping[str, Any],
                        now: datetime) -> Organization:
    """Change an organization's profile; only its owners may."""
    org = get_membership(session, actor, org_id, role=MemberRole.OWNER).organization
    clean = clean_profile(session, data, unique_for=org.id)
    for field, value in clean.items():
        setattr(org, field, value)
    org.updated_at = now
    session.flush()
    return org


def get_membership(session: Session, actor: User | None, org_id: int, *,
                   role: MemberRole | None = None, for_update: bool = False) -> Membership:
    """Return ACTOR's membership of organization ORG_ID.

    Every private page of an organization goes through here: a non-member gets NotFound
    (the same answer as for an organization that does not exist), a member without the
    required ROLE gets Forbidden.
    """
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active \
            or not isinstance(org_id, int) or not 0 < org_id <= MAX_ID:
        raise NotFound(Msg("Organization not found."))
    query = (select(Membership).join(Organization)
             .where(Membership.organization_id == org_id, Membership.user_id == actor.id))
    if for_update:
        # Serialises concurrent changes of one organization's members (the last-owner rule).
        session.scalar(select(Organization.id).where(Organization.id == org_id).with_for_update())
    membership = session.scalar(query)
    if membership is None:
        raise NotFound(Msg("Organization not found."))
    if role is MemberRole.OWNER and not membership.is_owner:
        raise Forbidden(Msg("Only an owner of this organization may do this."))
    return membership


def get_public_organization(session: Session, org_id: int) -> Organization:
    org = session.get(Organization, org_id)
    if org is None:
        raise NotFound(Msg("Organization not found."))
    return org


def contact_visible(org: Organization, viewer: User | None) -> bool:
    """Contact details are public, or shown only to signed-in users, as the owner chose."""
    return org.is_contact_public or bool(viewer is not None and getattr(viewer, "is_authenticated", False))


def memberships_of(session: Session, user: User) -> list[Membership]:
    return list(session.scalars(
        select(Membership).join(Organization).where(Membership.user_id == user.id)
        .order_by(Organization.name)))


def _owner_count(session: Session, org_id: int) -> int:
    return session.scalar(select(func.count()).select_from(Membership).where(
        Membership.organization_id == org_id, Membership.role == MemberRole.OWNER)) or 0


def _member(session: Session, org_id: int, membership_id: int) -> Membership:
    membership = session.get(Membership, membership_id)
    if membership is None or membership.organization_id != org_id:
        raise NotFound(Msg("Member not found."))
    return membership


def add_member(session: Session, actor: User, org_id: int, *, email: str, role: str | MemberRole,
               can_sign: bool, now: datetime) -> Membership | None:
    """Add the user with EMAIL to the organization at once and tell them; only owners may.

    None when no active account has EMAIL. The web invites instead (exchange/core/
    invitations.py), so that the person agrees and nobody learns who has an account; this
    direct way is for the demo data."""
    own = get_membership(session, actor, org_id, role=MemberRole.OWNER, for_update=True)
    errors = Errors()
    email = clean_email(email, "email", errors)
    role = clean_choice(role, "role", errors, MemberRole)
    errors.raise_if_any()
    user = find_user_by_email(session, email)
    if user is None or not user.is_active:
        return None
    if session.scalar(select(Membership).where(Membership.organization_id == org_id,
                                               Membership.user_id == user.id)):
        raise ValidationError.single("email", Msg("This person is already a member."))
    membership = Membership(organization_id=org_id, user=user, role=role,
                            can_sign=bool(can_sign), created_at=now)
    session.add(membership)
    session.flush()
    record_change(session, ChangeKind.JOINED, actor=actor, subject=user, organization_id=org_id,
                  role=role, now=now)
    notify(session, user.id, f"member-added:{membership.id}", Msg(
        "%(organization)s added you as a member.", organization=own.organization.name),
        f"/organizations/{org_id}", now)
    return membership


def update_member(session: Session, actor: User, org_id: int, membership_id: int, *,
                  role: str | MemberRole, can_sign: bool, now: datetime) -> Membership:
    """Set a member's role and signing right; an organization never loses its last owner."""
    get_membership(session, actor, org_id, role=MemberRole.OWNER, for_update=True)
    membership = _member(session, org_id, membership_id)
    errors = Errors()
    role = clean_choice(role, "role", errors, MemberRole)
    errors.raise_if_any()
    if membership.is_owner and role is not MemberRole.OWNER and _owner_count(session, org_id) == 1:
        raise Conflict(Msg("An organization needs at least one owner. "
                           "Make someone else an owner first."))
    if membership.role is not role:
        record_change(session, ChangeKind.ROLE_CHANGED, actor=actor, subject=membership.user,
                      organization_id=org_id, role=role, now=now)
    record_signing(session, actor=actor, subject=membership.user, organization_id=org_id,
                   was=bool(membership.can_sign), now_is=bool(can_sign), now=now)
    membership.role = role
    membership.can_sign = bool(can_sign)
    session.flush()
    return membership


def remove_member(session: Session, actor: User, org_id: int, membership_id: int, *,
                  now: datetime) -> None:
    """Remove a member (an owner removing someone, or a member leaving)."""
    own = get_membership(session, actor, org_id, for_update=True)
    membership = _member(session, org_id, membership_id)
    if membership.id != own.id and not own.is_owner:
        raise Forbidden(Msg("Only an owner of this organization may do this."))
    if membership.is_owner and _owner_count(session, org_id) == 1:
        raise Conflict(Msg("An organization needs at least one owner. "
                           "Make someone else an owner first."))
    record_change(session, ChangeKind.LEFT if membership.id == own.id else ChangeKind.REMOVED,
                  actor=actor, subject=membership.user, organization_id=org_id, now=now)
    session.delete(membership)
    session.flush()


def leave_organization(session: Session, actor: User, org_id: int, *, now: datetime) -> None:
    """Leave the organization; the last owner cannot."""
    own = get_membership(session, actor, org_id)
    remove_member(session, actor, org_id, own.id, now=now)


def set_verified(session: Session, actor: User, org_id: int, *, verified: bool,
                 now: datetime) -> Organization:
    """Mark an organization as verified by the site (or take the badge back); admins only."""
    if not actor.is_admin:
        raise Forbidden(Msg("Only a site administrator may do this."))
    org = get_public_organization(session, org_id)
    org.is_verified = verified
    org.verified_at = now if verified else None
    session.flush()
    return org


def directory_query(*, sector: str | Sector | None = None,
                    municipality: str | None = None) -> Select:
    """Select organizations for the public directory, filtered and sorted by name."""
    stmt = select(Organization)
    if sector:
        errors = Errors()
        sector = clean_choice(sector, "sector", errors, Sector)
        if errors:
            raise ValidationError.single("sector", Msg(
                "Unknown sector. Choose one of: %(choices)s.",
                choices=", ".join(s.value for s in Sector)))
        stmt = stmt.where(Organization.sector == sector)
    if municipality:
        stmt = stmt.where(Organization.municipality == municipality)
    return stmt.order_by(Organization.name, Organization.id)


def municipalities(session: Session) -> list[str]:
    return list(session.scalars(select(Organization.municipality).distinct()
                                .order_by(Organization.municipality)))
