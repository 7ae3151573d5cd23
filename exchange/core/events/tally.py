"""The tally of the event's ratified deals (what the board and the report count), and the
live board: everything the projector and the phones show, as plain data."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from exchange.core.events.award import award_slot
from exchange.core.events.door import presence
from exchange.core.events.session import seconds_left, session_state
from exchange.core.events.timing import event_start
from models import Contract, ContractVersion, Organization, Sector
from models.event import ExchangeEvent


def event_contracts(session: Session, event: ExchangeEvent) -> list[Contract]:
    """The event's ratified deals, oldest first, with what the board and report read."""
    query = (select(Contract).where(Contract.event_id == event.id,
                                    Contract.ratified_at.is_not(None))
             .options(selectinload(Contract.parties), selectinload(Contract.versions)
                      .selectinload(ContractVersion.commitments))
             .order_by(Contract.ratified_at, Contract.id))
    if event.session_closed_at is not None:
        query = query.where(Contract.ratified_at <= event.session_closed_at)
    return list(session.scalars(query))


def _sectors(session: Session, org_ids: Iterable[int]) -> dict[int, Sector]:
    ids = list(set(org_ids))
    return dict(session.execute(select(Organization.id, Organization.sector)
                                .where(Organization.id.in_(ids))).all()) if ids else {}


def _deal_value(contract: Contract) -> int:
    return sum(row.estimated_value or 0 for row in contract.versions[0].commitments)


def _categories(contract: Contract) -> set[str]:
    found = {row.category.value for row in contract.versions[0].commitments if row.category}
    return found or {"other"}


@dataclass
class Tally:
    deals: int = 0
    value: int = 0
    by_category: Counter = field(default_factory=Counter)
    value_by_category: Counter = field(default_factory=Counter)
    by_sector: Counter = field(default_factory=Counter)
    by_organization: Counter = field(default_factory=Counter)


def tally(session: Session, contracts: list[Contract]) -> Tally:
    """Deals, value and the splits the board and the report show.

    A deal counts once under each category and each sector it involves, so the splits can
    add up to more than the number of deals.
    """
    sectors = _sectors(session, (p.organization_id for c in contracts for p in c.parties))
    result = Tally()
    for contract in contracts:
        value = _deal_value(contract)
        result.deals += 1
        result.value += value
        categories = _categories(contract)
        for category in categories:
            result.by_category[category] += 1
            result.value_by_category[category] += value // len(categories)
        for sector in {sectors[p.organization_id] for p in contract.parties}:
            result.by_sector[sector.value] += 1
        for party in contract.parties:
            result.by_organization[party.organization_id] += 1
    return result


def board(session: Session, event: ExchangeEvent, now: datetime, *, latest: int = 8) -> dict:
    """Everything the live board shows, as plain data (the page and its JSON read this)."""
    contracts = event_contracts(session, event)
    counts = tally(session, contracts)
    names = dict(session.execute(select(Organization.id, Organization.name).where(
        Organization.id.in_({p.organization_id for c in contracts[-latest:]
                             for p in c.parties}))).all()) if contracts else {}
    present, expected = presence(event)
    return {
        "event": {"id": event.id, "name": event.name},
        "state": session_state(event, now),
        "seconds_left": seconds_left(event, now),
        "starts_at": event_start(event).isoformat(),
        "ends_at": event.session_ends_at.isoformat() if event.session_ends_at else None,
        "deals": counts.deals, "value": counts.value,
        "by_category": dict(counts.by_category.most_common()),
        "by_sector": {s.value: counts.by_sector.get(s.value, 0) for s in Sector},
        "present": present, "expected": expected,
        "announcement": event.announcement,
        "latest": [{"number": c.number,
                    "parties": [names.get(p.organization_id, "") for p in c.parties],
                    "what": [row.what for row in c.versions[0].commitments],
                    "value": _deal_value(c), "at": c.ratified_at.isoformat()}
                   for c in reversed(contracts[-latest:])],
        "award": award_slot(session, event) if event.session_closed_at else None,
        "version": event.board_version,
    }
