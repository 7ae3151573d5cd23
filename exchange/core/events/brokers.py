"""The brokers' tools: the pre-matched list of exchanges among the event's listings, and the
introductions they mark as made."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from exchange.core.errors import Errors, clean_text
from exchange.core.events.reading import get_event, require_role
from exchange.core.events.registration import event_listings
from models import Listing, Organization, User
from models.event import ExchangeEvent, Introduction, StaffRole


def mark_introduction(session: Session, actor: User, event_id: int, key: Any, made: bool,
                      now: datetime) -> None:
    event = get_event(session, actor, event_id)
    require_role(event, actor, StaffRole.BROKER)
    errors = Errors()
    key = clean_text(key, "key", errors, max_length=200, required=True)
    errors.raise_if_any()
    row = session.scalar(select(Introduction).where(Introduction.event_id == event.id,
                                                    Introduction.key == key))
    if made and row is None:
        session.add(Introduction(event_id=event.id, key=key, made_by_id=actor.id, made_at=now))
    elif not made and row is not None:
        session.delete(row)
    session.flush()


def introductions(session: Session, event: ExchangeEvent) -> dict[str, Introduction]:
    return {row.key: row for row in session.scalars(
        select(Introduction).where(Introduction.event_id == event.id)
        .options(selectinload(Introduction.made_by)))}


@dataclass
class Arrow:
    """One hop of a pre-matched exchange: the giver's offer serves the receiver's need."""
    offer: Listing
    need: Listing
    score: float
    reasons: list

    @property
    def giver(self) -> Organization:
        return self.offer.organization

    @property
    def receiver(self) -> Organization:
        return self.need.organization


@dataclass
class Exchange:
    """A gift (one arrow), a swap (A ⇄ B) or a cycle (A → B → C → A), arrows in order."""
    kind: str
    arrows: list[Arrow]

    @property
    def key(self) -> str:
        """What an Introduction row names the exchange by."""
        return ",".join(f"{a.offer.id}>{a.need.id}" for a in self.arrows)

    @property
    def score(self) -> float:
        return sum(a.score for a in self.arrows)

    @property
    def categories(self) -> set[str]:
        return {x.category.value for a in self.arrows for x in (a.offer, a.need)}


def prematching(session: Session, index, event: ExchangeEvent, category: str | None = None,
                *, per_need: int = 5, time_limit: float = 5.0) -> list[Exchange]:
    """The clearing of EVENT's listings: swaps and cycles first, then gifts, best first.

    INDEX is the shared matching index (its items carry the listings' analysed text; a
    listing it lacks is analysed here). Only the event's listings are matched, in a small
    index of their own; pairs the parties declined are left out. CATEGORY keeps the
    exchanges with a listing in that category.
    """
    # Imported here: scipy takes a while to load, and only brokers need it.
    from exchange.core.matching.clearing import clear
    from exchange.core.matching.cycles import find_cycles
    from exchange.core.proposals import index_of
    from models import Proposal, ProposalStatus

    listings = {x.id: x for x in event_listings(session, event)}
    small = index_of(index, list(listings.values()))
    matches = small.all_offers(per_need, workers=1)
    if matches:
        declined = set(session.execute(select(Proposal.need_id, Proposal.offer_id).where(
            Proposal.status == ProposalStatus.DECLINED,
            Proposal.need_id.in_([m.need_id for m in matches]))).all())
        matches = [m for m in matches if (m.need_id, m.offer_id) not in declined]
    result = clear(matches, find_cycles(matches, small.items), small.items,
                   time_limit=time_limit)
    groups = ([("cycle" if len(c.matches) > 2 else "swap", list(c.matches))
               for c in sorted(result.cycles, key=lambda c: -c.score)]
              + [("gift", [m]) for m in sorted(result.gifts, key=lambda m: -m.score)])
    exchanges = [Exchange(kind, [Arrow(listings[m.offer_id], listings[m.need_id], m.score,
                                       list(m.reasons)) for m in hops])
                 for kind, hops in groups]
    if category:
        exchanges = [x for x in exchanges if category in x.categories]
    return exchanges
