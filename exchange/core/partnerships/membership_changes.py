"""Managers change who is in the partnership and who leads it (issue 18): they remove a member
organization (never the leading one while it leads) and hand the lead to another current
member. Each change is a line of the history and a notice to the organization's owners.

A removed organization takes its listings tagged for the partnership back
(changes.detach_listings, as when it leaves). A change of lead moves the managers' rights:
the old lead's owners manage no more, unless one of them is the coordinator, who stays."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from exchange.core.errors import Conflict, Msg, ValidationError
from exchange.core.notifications import notify
from exchange.core.partnerships.changes import detach_listings, living, parse_id
from exchange.core.partnerships.reading import record
from models import (
    MemberRole,
    Membership,
    Partnership,
    PartnershipChangeKind,
    PartnershipMember,
    User,
)

NOT_A_MEMBER = Msg("Choose one of the partnership's member organizations.")


def _current(partnership: Partnership, org_id: Any, field: str) -> PartnershipMember:
    chosen = parse_id(org_id)
    member = next((m for m in partnership.current_members if m.organization_id == chosen), None)
    if member is None:
        raise ValidationError.single(field, NOT_A_MEMBER)
    return member


def remove_member(session: Session, actor: User, partnership_id: int, org_id: Any,
                  now: datetime) -> PartnershipMember:
    """Take a member organization out; managers only, not the leading one while it leads."""
    partnership = living(session, actor, partnership_id)
    member = _current(partnership, org_id, "org_id")
    if member.organization_id == partnership.lead_id:
        raise Conflict(Msg("The leading institution cannot be removed while it leads: hand "
                           "the lead to another partner first."))
    removed = session.execute(update(PartnershipMember).where(
        PartnershipMember.id == member.id, PartnershipMember.left_at.is_(None))
        .values(left_at=now))
    if removed.rowcount != 1:
        raise Conflict(Msg("This organization has already left the partnership."))
    session.refresh(member)
    detach_listings(session, partnership.id, member.organization_id, now)
    partnership.updated_at = now
    record(session, partnership, PartnershipChangeKind.MEMBER_REMOVED, actor, now,
           organization_id=member.organization_id)
    _tell_owners(session, member.organization_id, now,
                 f"partnership-removed:{partnership.id}:{member.organization_id}:"
                 f"{now.isoformat()}",
                 Msg("%(organization)s is no longer a member of the partnership „%(name)s”.",
                     organization=member.organization.name, name=partnership.name),
                 "/partnerships/")
    return member


def change_lead(session: Session, actor: User, partnership_id: int, org_id: Any,
                now: datetime) -> Partnership:
    """Hand the lead to another current member organization; managers only."""
    partnership = living(session, actor, partnership_id)
    member = _current(partnership, org_id, "lead_id")
    if member.organization_id == partnership.lead_id:
        raise ValidationError.single("lead_id", Msg("This organization leads the partnership "
                                                    "already."))
    moved = session.execute(update(Partnership).where(
        Partnership.id == partnership.id, Partnership.lead_id == partnership.lead_id)
        .values(lead_id=member.organization_id, updated_at=now))
    if moved.rowcount != 1:
        raise Conflict(Msg("Someone changed the partnership meanwhile; look again."))
    session.refresh(partnership)
    record(session, partnership, PartnershipChangeKind.LEAD_CHANGED, actor, now,
           organization_id=member.organization_id)
    _tell_owners(session, member.organization_id, now,
                 f"partnership-lead:{partnership.id}:{member.organization_id}:"
                 f"{now.isoformat()}",
                 Msg("%(organization)s now leads the partnership „%(name)s”: its owners "
                     "manage it with the coordinator.",
                     organization=member.organization.name, name=partnership.name),
                 f"/partnerships/{partnership.id}")
    return partnership


def _tell_owners(session: Session, org_id: int, now: datetime, key: str, message: Msg,
                 link: str) -> None:
    for user_id in session.scalars(select(Membership.user_id).where(
            Membership.organization_id == org_id, Membership.role == MemberRole.OWNER)):
        notify(session, user_id, f"{key}:{user_id}", message, link, now)
