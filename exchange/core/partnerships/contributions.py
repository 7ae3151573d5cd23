"""What each partner brings, and what the partnership still needs: listings tagged for the
partnership (offers are contributions, needs are its needs), the map of resources and needs
(a sector × category grid) and matching within the partnership first.

A contribution may be kept for the partnership only: exchange/core/listings.py keeps such a
listing out of the marketplace, search, the API's list, saved-search alerts and proposals to
organizations outside the partnership."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Mapping

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from exchange.core.errors import Msg, ValidationError
from exchange.core.listings import create_listing
from exchange.core.matching import Match, MatchIndex
from exchange.core.notifications import notify
from exchange.core.partnerships.reading import (
    ENDED,
    THREE_SECTORS,
    get_partnership,
    member_org_ids,
    user_org_ids,
)
from exchange.core.proposals import WEAK_BELOW, index_of
from models import (
    Category,
    Listing,
    ListingKind,
    ListingStatus,
    MemberRole,
    Membership,
    Partnership,
    PartnershipState,
    Proposal,
    ProposalStatus,
    Sector,
    User,
)

NOTICE_PREFIX = "partnership-proposal"
LIVE = (ListingStatus.OPEN, ListingStatus.PAUSED)


def declare(session: Session, actor: User, partnership_id: int, org_id: int,
            data: Mapping[str, Any], now: datetime, *, partnership_only: bool = False) -> Listing:
    """A member of a member organization declares what it brings (an offer) or what the
    partnership needs (a need): a published listing tagged for the partnership."""
    partnership = get_partnership(session, actor, partnership_id)
    if partnership.state is PartnershipState.ENDED:
        raise ValidationError.single(None, ENDED)
    if org_id not in member_org_ids(partnership) or org_id not in user_org_ids(session, actor):
        raise ValidationError.single("organization_id", Msg(
            "Choose one of your organizations that is a member of the partnership."))
    listing = create_listing(session, actor, org_id, data, now)
    listing.partnership_id = partnership.id
    listing.partnership_only = bool(partnership_only)
    session.flush()
    return listing


def contributions_of(session: Session, partnership: Partnership) -> list[Listing]:
    """The live listings tagged for the partnership by its current members, offers first;
    the caller has checked the reader may see the partnership."""
    return list(session.scalars(
        select(Listing).options(selectinload(Listing.organization)).where(
            Listing.partnership_id == partnership.id, Listing.status.in_(LIVE),
            Listing.organization_id.in_(member_org_ids(partnership) or [0]))
        .order_by(Listing.kind.desc(), Listing.category, Listing.id)))


def is_unmet(listing: Listing) -> bool:
    """A need still missing: open, with something left to find."""
    return listing.kind is ListingKind.NEED and listing.status is ListingStatus.OPEN \
        and listing.remaining > 0


@dataclass
class Cell:
    offers: list[Listing] = field(default_factory=list)
    needs: list[Listing] = field(default_factory=list)

    @property
    def unmet(self) -> list[Listing]:
        return [x for x in self.needs if is_unmet(x)]


@dataclass
class ResourceMap:
    sectors: list[Sector]
    categories: list[Category]
    cells: dict[tuple[Sector, Category], Cell]
    markers: list[dict]

    def cell(self, sector: Sector, category: Category) -> Cell:
        return self.cells.get((sector, category)) or Cell()


def resource_map(listings: list[Listing]) -> ResourceMap:
    """Who brings what and what is missing: the three sectors (others when present) ×
    the categories in use; markers where a listing has coordinates."""
    cells: dict[tuple[Sector, Category], Cell] = defaultdict(Cell)
    for listing in listings:
        cell = cells[(listing.organization.sector, listing.category)]
        (cell.needs if listing.kind is ListingKind.NEED else cell.offers).append(listing)
    sectors = list(THREE_SECTORS) + [s for s in Sector if s not in THREE_SECTORS
                                     and any(k[0] is s for k in cells)]
    categories = [c for c in Category if any(k[1] is c for k in cells)]
    markers = [{"id": x.id, "lat": x.latitude, "lng": x.longitude, "title": x.title,
                "kind": x.kind.value, "organization": x.organization.name,
                "unmet": is_unmet(x)}
               for x in listings if x.latitude is not None and x.longitude is not None]
    return ResourceMap(sectors, categories, dict(cells), markers)


@dataclass
class PartnerProposal:
    need: Listing
    offer: Listing
    match: Match


def partner_proposals(session: Session, index: MatchIndex | None, partnership: Partnership,
                      *, per_need: int = 3) -> list[PartnerProposal]:
    """Matching within the partnership first: for each open need tagged for it, the best
    open offers of another member organization (the shared matcher, on a small index of the
    partners' open listings); declined and weak pairs left out."""
    orgs = member_org_ids(partnership)
    listings = list(session.scalars(select(Listing).options(selectinload(Listing.organization))
                                    .where(Listing.organization_id.in_(orgs or [0]),
                                           Listing.status == ListingStatus.OPEN,
                                           Listing.remaining > 0)))
    needs = [x for x in listings if x.kind is ListingKind.NEED
             and x.partnership_id == partnership.id]
    if not needs:
        return []
    # Listings another partnership keeps to itself stay out of this one's proposals.
    usable = [x for x in listings if not x.partnership_only
              or x.partnership_id == partnership.id]
    small = index_of(index, usable)
    by_id = {x.id: x for x in usable}
    declined = {(p.need_id, p.offer_id) for p in session.scalars(select(Proposal).where(
        Proposal.need_id.in_([x.id for x in needs]), Proposal.status == ProposalStatus.DECLINED))}
    found = []
    for need in needs:
        item = small.items.get(need.id)
        if item is None:
            continue
        exclude = {x.id for x in usable if x.organization_id == need.organization_id} \
            | {offer for n, offer in declined if n == need.id}
        for match in small.offers_for(item, per_need, exclude=exclude):
            if match.score < WEAK_BELOW:  # right less often than not: not worth brokering
                continue
            found.append(PartnerProposal(need, by_id[match.offer_id], match))
    return sorted(found, key=lambda p: -p.match.score)


def broker(session: Session, index: MatchIndex | None, actor: User, partnership_id: int,
           need_id: int, offer_id: int, now: datetime) -> int:
    """The coordinator (or an owner of the leading organization) proposes an exchange
    between two partners: the owners of both organizations are told, once per pair.
    Return how many were told."""
    partnership = get_partnership(session, actor, partnership_id, manage=True)
    if partnership.state is PartnershipState.ENDED:
        raise ValidationError.single(None, ENDED)
    # Two clicks at once tell the partners once: on PostgreSQL the second waits here for
    # the first's notices; on SQLite a notice already written is skipped (_tell).
    session.scalar(select(Partnership.id).where(Partnership.id == partnership.id)
                   .with_for_update())
    pair = next((p for p in partner_proposals(session, index, partnership, per_need=10)
                 if p.need.id == need_id and p.offer.id == offer_id), None)
    if pair is None:  # taken, declined or changed since the page was shown
        raise ValidationError.single(None, Msg("This proposal is no longer open."))
    told = 0
    for listing, other in ((pair.need, pair.offer), (pair.offer, pair.need)):
        owners = set(session.scalars(select(Membership.user_id).where(
            Membership.organization_id == listing.organization_id,
            Membership.role == MemberRole.OWNER)))
        for user_id in sorted(owners):
            told += _tell(session, user_id, partnership, pair, listing, now)
    return told


def _tell(session: Session, user_id: int, partnership: Partnership, pair: PartnerProposal,
          listing: Listing, now: datetime) -> bool:
    """One notice of the brokered PAIR, once per person: a click at the same moment that
    wrote it first leaves this one nothing to add."""
    try:
        with session.begin_nested():
            return notify(
                session, user_id,
                f"{NOTICE_PREFIX}:{partnership.id}:{pair.need.id}:{pair.offer.id}:{user_id}",
                Msg("The coordinator of the partnership “%(partnership)s” proposes an exchange: "
                    "“%(offer)s” for “%(need)s”. Open the proposals to accept it.",
                    partnership=partnership.name, offer=pair.offer.title,
                    need=pair.need.title),
                f"/listings/{listing.id}#proposals", now)
    except IntegrityError:
        return False
