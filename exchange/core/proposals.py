"""Proposals: what matching suggests for a listing, and the parties' decisions on them."""
from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from exchange.core.contracts import draft_from_proposal
from exchange.core.errors import Errors, Msg, NotFound, ValidationError, clean_text
from exchange.core.listings import get_listing_for_member, hidden_from, listings_of
from exchange.core.matching import Match, MatchIndex, item_from_listing
from exchange.core.matching.features import LISTING_COLUMNS, analysers, listing_fields, make_items
from exchange.core.notifications import notify
from exchange.core.organizations import get_membership
from models import (
    Listing,
    ListingKind,
    ListingStatus,
    MemberRole,
    Membership,
    Proposal,
    ProposalStatus,
    User,
)

DECLINE_REASON_MAX = 500
# Rows changed within this much before the last sync are read again: clocks of several
# writers are never perfectly in step.
SYNC_OVERLAP = timedelta(seconds=5)


class IndexCache:
    """One process's MatchIndex, brought up to date from the database before each use.

    The first sync loads every open listing; later ones read only listings whose
    `updated_at` is at or after the newest change already seen (less a small overlap for
    writers' clocks), so a listing posted, edited or closed anywhere is matchable or gone at
    the next query, and nothing is rebuilt per request.
    """

    def __init__(self) -> None:
        self.index = MatchIndex()
        self.watermark: datetime | None = None

    def sync(self, session: Session, *, workers: int = 1) -> MatchIndex:
        """Bring the index up to date; WORKERS forked processes analyse the listings of a
        first sync (command-line work only: see exchange.core.matching.parallel)."""
        # Columns, not ORM objects: a first sync reads every open listing.
        query = select(*[getattr(Listing, name)
                         for name in (*LISTING_COLUMNS, "status", "updated_at")])
        if self.watermark is None:
            query = query.where(Listing.status == ListingStatus.OPEN)
        else:
            query = query.where(Listing.updated_at >= self.watermark - SYNC_OVERLAP)
        gone: list[int] = []

        def rows() -> Iterator[dict]:
            for listing in session.execute(query):
                if self.watermark is None or listing.updated_at > self.watermark:
                    self.watermark = listing.updated_at
                if listing.status is ListingStatus.OPEN and listing.remaining > 0:
                    yield listing_fields(listing)
                else:
                    gone.append(listing.id)

        # A first sync of many listings forks analysers before reading: they analyse the
        # first rows while the rest are read. Whether they are worth it depends on how many.
        first = self.watermark is None
        expected = session.scalar(select(func.count()).select_from(Listing).where(
            Listing.status == ListingStatus.OPEN)) if first and workers > 1 else 0
        with analysers(workers if first else 1, expected) as pool:
            items = make_items(rows(), pool=pool)
        for item in items:
            self.index.add(item)
        for listing_id in gone:
            self.index.remove(listing_id)
        return self.index


@dataclass
class ProposalView:
    """A proposal as a party sees it: the other listing, the match, and any decision."""

    listing: Listing
    match: Match
    decision: Proposal | None

    @property
    def weak(self) -> bool:
        """Below the floor where proposals stop being right most of the time."""
        return self.match.score < WEAK_BELOW


def _decided(session: Session, listings: list[Listing]) -> dict[tuple[int, int], Proposal]:
    """Decisions on pairs with any of LISTINGS, keyed by (listing id, other listing's id)."""
    needs = [x.id for x in listings if x.kind is ListingKind.NEED]
    offers = [x.id for x in listings if x.kind is not ListingKind.NEED]
    decided: dict[tuple[int, int], Proposal] = {}
    if needs:
        for p in session.scalars(select(Proposal).where(Proposal.need_id.in_(needs))):
            decided[(p.need_id, p.offer_id)] = p
    if offers:
        for p in session.scalars(select(Proposal).where(Proposal.offer_id.in_(offers))):
            decided[(p.offer_id, p.need_id)] = p
    return decided


def proposals_for(session: Session, index: MatchIndex, actor: User, org_id: int,
                  listing_id: int, limit: int = 10) -> list[ProposalView]:
    """The best matches for one of the actor's organization's listings; declined ones never."""
    listing = get_listing_for_member(session, actor, org_id, listing_id)
    return _proposals(session, index, [listing], limit)[0]


def proposals_for_us(session: Session, index: MatchIndex, actor: User, org_id: int,
                     limit: int = 3) -> list[tuple[Listing, list[ProposalView]]]:
    """Every open listing of the actor's organization with its best LIMIT matches, in a
    few queries whatever the number of listings."""
    get_membership(session, actor, org_id)
    listings = listings_of(session, org_id, include_private=False)
    return list(zip(listings, _proposals(session, index, listings, limit)))


def _proposals(session: Session, index: MatchIndex, listings: list[Listing],
               limit: int) -> list[list[ProposalView]]:
    """Each of LISTINGS' best LIMIT matches, declined pairs left out; the other listings and
    their organizations are loaded at once."""
    decided = _decided(session, listings)
    declined: dict[int, set[int]] = defaultdict(set)
    for (mine, other), p in decided.items():
        if p.status is ProposalStatus.DECLINED:
            declined[mine].add(other)
    found = []
    # Listings kept for a partnership only are proposed to its members alone.
    hidden = {org_id: hidden_from(session, org_id)
              for org_id in {x.organization_id for x in listings}}
    for listing in listings:
        item = item_from_listing(listing)
        exclude = declined[listing.id] | hidden[listing.organization_id]
        if listing.kind is ListingKind.NEED:
            matches = index.offers_for(item, limit, exclude=exclude)
            found.append([(m.offer_id, m) for m in matches])
        else:
            matches = index.needs_for(item, limit, exclude=exclude)
            found.append([(m.need_id, m) for m in matches])
    others = {other for pairs in found for other, _ in pairs}
    by_id = {x.id: x for x in session.scalars(
        select(Listing).options(joinedload(Listing.organization)).where(Listing.id.in_(others)))
    } if others else {}
    return [[ProposalView(by_id[other], match, decided.get((listing.id, other)))
             for other, match in pairs if other in by_id]
            for listing, pairs in zip(listings, found)]


def decide(session: Session, index: MatchIndex, actor: User, org_id: int, listing_id: int,
           other_id: int, *, accept: bool, reason: str = "", now: datetime) -> Proposal:
    """Accept or decline the proposal pairing the actor's listing with OTHER_ID."""
    listing = get_listing_for_member(session, actor, org_id, listing_id)
    other = session.get(Listing, other_id)
    if other is None or other.kind is listing.kind or other.organization_id == org_id \
            or other.id in hidden_from(session, org_id):
        raise NotFound(Msg("Proposal not found."))
    need, offer = (listing, other) if listing.kind is ListingKind.NEED else (other, listing)
    errors = Errors()
    reason = clean_text(reason, "reason", errors, max_length=DECLINE_REASON_MAX)
    errors.raise_if_any()
    both_open = listing.status is ListingStatus.OPEN and other.status is ListingStatus.OPEN
    if accept and (not both_open or offer.remaining <= 0):
        raise ValidationError.single(None, Msg("This listing is no longer available."))
    match = index.score_pair(item_from_listing(need), item_from_listing(offer))
    if match is None:
        raise NotFound(Msg("Proposal not found."))
    proposal = session.scalar(select(Proposal).where(Proposal.need_id == need.id,
                                                     Proposal.offer_id == offer.id))
    if proposal is None:
        proposal = Proposal(need_id=need.id, offer_id=offer.id)
        session.add(proposal)
    elif proposal.status is ProposalStatus.ACCEPTED and not accept:
        raise ValidationError.single(None, Msg("This proposal is already accepted."))
    proposal.status = ProposalStatus.ACCEPTED if accept else ProposalStatus.DECLINED
    proposal.score = match.score
    proposal.reasons = [[m.text, m.params] for m in match.reasons]
    proposal.decline_reason = "" if accept else reason
    proposal.decided_by_id = actor.id
    proposal.decided_at = now
    session.flush()
    if accept:
        # Accepting starts the contract both parties will sign; drafting it tells the other.
        draft_from_proposal(session, actor, org_id, proposal, now)
    return proposal


def all_matches(index: MatchIndex, per_need: int = 5) -> list[Match]:
    """The best offers for every open need in the index."""
    return index.all_offers(per_need)


def index_of(index: MatchIndex | None, listings: list[Listing]) -> MatchIndex:
    """A small index of LISTINGS only (an event's), reusing the shared INDEX's analysed
    items where they are current."""
    small = MatchIndex()
    for listing in listings:
        shared = index.items.get(listing.id) if index is not None else None
        small.add(shared if shared is not None and shared.remaining == listing.remaining
                  else item_from_listing(listing))
    return small


def export_rows(session: Session, index: MatchIndex, *, clearing: bool = False,
                per_need: int = 5, listings: list[Listing] | None = None) -> list[dict]:
    """Proposals (or the cleared set) as rows for brokers: who gives what to whom, and why.

    LISTINGS (an event's) limits the matching to them. A cycle is one row per arrow, in
    order, sharing an `exchange` number; reasons are in English (the printed list is for
    the organisers' staff).
    """
    # Imported here: scipy takes a while to load, and only brokers' exports need it.
    from exchange.core.matching.clearing import clear
    from exchange.core.matching.cycles import find_cycles

    if listings is not None:
        index = index_of(index, listings)
    matches = index.all_offers(per_need, workers=1) if listings is not None else \
        all_matches(index, per_need)
    declined = {(p.need_id, p.offer_id) for p in session.scalars(
        select(Proposal).where(Proposal.status == ProposalStatus.DECLINED))}
    # The rows go to brokers and organisers, outsiders to any partnership: a listing kept for
    # a partnership only is in no row.
    kept = set(session.scalars(select(Listing.id).where(Listing.partnership_only.is_(True))))
    matches = [m for m in matches if (m.need_id, m.offer_id) not in declined
               and m.need_id not in kept and m.offer_id not in kept]
    groups: list[tuple[str, list[Match]]]
    if clearing:
        result = clear(matches, find_cycles(matches, index.items), index.items)
        groups = ([("cycle" if len(c.matches) > 2 else "swap", list(c.matches)) for c in result.cycles]
                  + [("gift", [m]) for m in result.gifts])
    else:
        groups = [("gift", [m]) for m in matches]
    ids = {i for _, ms in groups for m in ms for i in (m.need_id, m.offer_id)}
    listings = {x.id: x for x in session.scalars(
        select(Listing).options(joinedload(Listing.organization)).where(Listing.id.in_(ids)))}
    rows = []
    for number, (kind, group) in enumerate(groups, start=1):
        for step, match in enumerate(group, start=1):
            need, offer = listings[match.need_id], listings[match.offer_id]
            rows.append({
                "exchange": number, "type": kind, "step": step, "score": match.score,
                "offer_id": offer.id, "offer_ref": offer.ref, "offer_title": offer.title,
                "giver": offer.organization.name, "giver_ref": offer.organization.ref,
                "need_id": need.id, "need_ref": need.ref, "need_title": need.title,
                "receiver": need.organization.name, "receiver_ref": need.organization.ref,
                "reasons": "; ".join(str(r) for r in match.reasons),
            })
    return rows


STRONG = 0.55   # proposals at least this good are worth a notification
# Proposals below this score are shown apart, as weak: on the labelled sets, proposals scoring
# 0.35–0.40 were right 38% of the time, 0.40–0.45 60% (bench/proposal_floor.py prints it).
WEAK_BELOW = 0.4


def send_digest(session: Session, index: MatchIndex, now: datetime) -> int:
    """Tell needs' owners about strong proposals they have not been told about; return how many.

    One notification per need and set of strong offers: running the job again sends
    nothing new, and a new strong offer sends one more.
    """
    sent = 0
    decided: dict[int, set[int]] = {}
    for need_id, offer_id in session.execute(select(Proposal.need_id, Proposal.offer_id)):
        decided.setdefault(need_id, set()).add(offer_id)
    owners_of: dict[int, set[int]] = {}
    for org_id, user_id in session.execute(select(Membership.organization_id, Membership.user_id)
                                           .where(Membership.role == MemberRole.OWNER)):
        owners_of.setdefault(org_id, set()).add(user_id)
    listings = session.scalars(select(Listing).where(Listing.kind == ListingKind.NEED,
                                                     Listing.status == ListingStatus.OPEN)
                               .order_by(Listing.id))
    for listing in listings:
        need = index.items.get(listing.id)
        if need is None:
            continue
        exclude = decided.get(listing.id, set()) | hidden_from(session, listing.organization_id)
        strong = [m for m in index.offers_for(need, 5, exclude=exclude) if m.score >= STRONG]
        if not strong:
            continue
        signature = hashlib.sha1(",".join(str(m.offer_id) for m in sorted(
            strong, key=lambda m: m.offer_id)).encode()).hexdigest()[:12]
        owners = set(owners_of.get(listing.organization_id, ()))
        if listing.created_by_id:
            owners.add(listing.created_by_id)
        for user_id in sorted(owners):
            sent += notify(session, user_id, f"proposals:{listing.id}:{signature}:{user_id}",
                           Msg("Giełda found %(count)d strong proposals for “%(title)s”.",
                               count=len(strong), title=listing.title),
                           f"/listings/{listing.id}#proposals", now)
    return sent
