"""A listing tagged for a partnership after it was posted (issue 18): a member of its
organization brings it to a partnership the organization is a member of, keeps it for the
partnership only or opens it to everyone again, or takes it out.

Kept for the partnership only, it leaves the marketplace, search, alerts, outsiders'
proposals and the events it was brought to (exchange/core/listings.py, events/registration.py);
contracts already made with it stay as they are — their parties know it."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from exchange.core.errors import Msg, ValidationError
from exchange.core.listings import get_listing_for_member
from exchange.core.partnerships.changes import parse_id
from exchange.core.partnerships.reading import can_read
from models import Listing, ListingStatus, Partnership, PartnershipMember, PartnershipState, User

NOT_A_MEMBER = Msg("Choose a partnership your organization is a member of.")


def partnerships_of_organization(session: Session, org_id: int) -> list[Partnership]:
    """The partnerships (not ended) organization ORG_ID is a current member of, by name."""
    return list(session.scalars(
        select(Partnership).join(PartnershipMember).where(
            PartnershipMember.organization_id == org_id, PartnershipMember.left_at.is_(None),
            Partnership.state != PartnershipState.ENDED)
        .order_by(Partnership.name, Partnership.id)))


def tag_listing(session: Session, actor: User, org_id: int, listing_id: int,
                partnership_id: Any, partnership_only: bool, now: datetime) -> Listing:
    """Tag the listing for PARTNERSHIP_ID (none: untag), for its members only or not."""
    listing = get_listing_for_member(session, actor, org_id, listing_id)
    if listing.status is ListingStatus.CLOSED:
        raise ValidationError.single(None, Msg("A closed listing cannot be edited; reopen it "
                                               "first."))
    given = partnership_id not in (None, "")
    chosen = parse_id(partnership_id) if given else None
    if given and chosen is None:
        raise ValidationError.single("partnership_id", NOT_A_MEMBER)
    if chosen is None:
        if partnership_only:
            raise ValidationError.single("partnership_id", Msg(
                "Choose the partnership to keep it for."))
        listing.partnership_id, listing.partnership_only = None, False
    else:
        if chosen not in {p.id for p in partnerships_of_organization(session, org_id)}:
            raise ValidationError.single("partnership_id", NOT_A_MEMBER)
        listing.partnership_id, listing.partnership_only = chosen, bool(partnership_only)
    listing.updated_at = now
    session.flush()
    return listing


def partnership_badge(session: Session, viewer: User | None,
                      listing: Listing) -> Partnership | None:
    """The partnership a listing's badge names to VIEWER: one tagged, whose page VIEWER may
    open (a reader of it, or its public page). A private partnership stays unnamed to others."""
    if listing.partnership_id is None:
        return None
    partnership = session.get(Partnership, listing.partnership_id)
    if partnership is None or not (partnership.is_public
                                   or can_read(session, partnership, viewer)):
        return None
    return partnership
