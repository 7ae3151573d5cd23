"""A partnership's achievements for its public page (issue 18, "Public face"; 000 §6: the
promotion of what the partnership did). Counts and dates only: the contributions declared
(not those kept for the partnership only), the meetings held (date, title, the host
organization; never minutes, decisions, evaluations, attendance or people) and the exchanges
between its partners (contracts signed by two or more current members)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, selectinload

from exchange.core.partnerships.reading import member_org_ids
from models import (
    Contract,
    ContractParty,
    ContractStatus,
    Listing,
    ListingKind,
    ListingStatus,
    Partnership,
    PartnershipMeeting,
)

# A declared contribution stays declared when it was used up or ended; a draft was not declared.
DECLARED = (ListingStatus.OPEN, ListingStatus.PAUSED, ListingStatus.CLOSED, ListingStatus.EXPIRED)
# A contract that was once in force counts as an exchange, whatever happened after.
SIGNED = (ContractStatus.ACTIVE, ContractStatus.FULFILLED, ContractStatus.PARTIAL,
          ContractStatus.FAILED, ContractStatus.CANCELLED)


@dataclass(frozen=True)
class HeldMeeting:
    """What the public page shows of a meeting held."""

    starts_at: datetime
    title: str
    place_org_id: int | None
    place_org_name: str | None


@dataclass
class Achievements:
    offers: int = 0
    needs: int = 0
    exchanges: int = 0
    meetings: list[HeldMeeting] = field(default_factory=list)


def between_partners(org_ids: set[int]) -> Select:
    """The ids of contracts with two or more of ORG_IDS (the partners) as parties; a
    partnership's declaration is what the partners bring, not an exchange between them."""
    declarations = select(Partnership.declaration_contract_id).where(
        Partnership.declaration_contract_id.is_not(None))
    return select(ContractParty.contract_id).where(
        ContractParty.organization_id.in_(org_ids or [0]),
        ContractParty.contract_id.not_in(declarations)).group_by(
        ContractParty.contract_id).having(func.count() >= 2)


def achievements(session: Session, partnership: Partnership, now: datetime) -> Achievements:
    """What the partnership achieved, safe to show to anyone (the caller has checked the
    partnership has a public page or the reader reads it)."""
    members = member_org_ids(partnership) or {0}
    counts = dict(session.execute(
        select(Listing.kind, func.count()).where(
            Listing.partnership_id == partnership.id, Listing.partnership_only.is_(False),
            Listing.status.in_(DECLARED), Listing.organization_id.in_(members))
        .group_by(Listing.kind)).all())
    # Contracts in force at least once with two or more of the current members as parties.
    exchanges = session.scalar(select(func.count()).select_from(Contract).where(
        Contract.id.in_(between_partners(members)), Contract.status.in_(SIGNED),
        Contract.activated_at.is_not(None))) or 0
    held = session.scalars(select(PartnershipMeeting).options(
        selectinload(PartnershipMeeting.place_org)).where(
        PartnershipMeeting.partnership_id == partnership.id,
        PartnershipMeeting.cancelled_at.is_(None), PartnershipMeeting.recorded_at.is_not(None),
        PartnershipMeeting.starts_at <= now).order_by(
        PartnershipMeeting.starts_at.desc(), PartnershipMeeting.id.desc()))
    return Achievements(
        offers=counts.get(ListingKind.OFFER, 0), needs=counts.get(ListingKind.NEED, 0),
        exchanges=exchanges,
        meetings=[HeldMeeting(m.starts_at, m.title, m.place_org_id,
                              m.place_org.name if m.place_org else None) for m in held])
