"""A partnership's record of exchanges (issue 18, "Exchanges count"): the contracts signed
between at least two of its current member organizations, and the deals ratified at the
exchange events it hosts. An indicator may count from it instead of progress entries.

An event's organiser marks the event as hosted by a partnership that the event's host
organization belongs to (or clears the mark)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from exchange.core.errors import Conflict, Msg, ValidationError
from exchange.core.events.reading import get_event, require_role
from exchange.core.partnerships.changes import parse_id
from exchange.core.partnerships.public import SIGNED, between_partners
from exchange.core.partnerships.reading import ENDED, get_partnership, member_org_ids
from models import (
    Contract,
    ContractStatus,
    ExchangeEvent,
    IndicatorSource,
    Partnership,
    PartnershipMeeting,
    PartnershipState,
    StaffRole,
    User,
)


@dataclass
class ExchangeRecord:
    between_partners: list[Contract]   # signed between two or more current partners
    event_deals: list[Contract]        # ratified at the events the partnership hosts
    events: list[ExchangeEvent]        # the events it hosts

    @property
    def total(self) -> int:
        """Each contract once, even a deal between two partners at a hosted event."""
        return len({c.id for c in self.between_partners} | {c.id for c in self.event_deals})


def hosted_events(session: Session, partnership: Partnership) -> list[ExchangeEvent]:
    return list(session.scalars(select(ExchangeEvent).where(
        ExchangeEvent.partnership_id == partnership.id).order_by(
        ExchangeEvent.held_on.desc(), ExchangeEvent.id.desc())))


def exchange_record(session: Session, partnership: Partnership) -> ExchangeRecord:
    """The partnership's record; the caller has checked the reader may see it."""
    members = member_org_ids(partnership)
    between = list(session.scalars(
        select(Contract).options(selectinload(Contract.parties))
        .where(Contract.status.in_(SIGNED), Contract.id.in_(between_partners(members)))
        .order_by(Contract.activated_at.desc(), Contract.id.desc())))
    events = hosted_events(session, partnership)
    deals = list(session.scalars(
        select(Contract).options(selectinload(Contract.parties))
        .where(Contract.event_id.in_([e.id for e in events] or [0]),
               Contract.ratified_at.is_not(None))
        .order_by(Contract.ratified_at.desc(), Contract.id.desc()))) if events else []
    return ExchangeRecord(between, deals, events)


def _since(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


def automatic_count(session: Session, partnership: Partnership, source: IndicatorSource,
                    since: date, until: datetime) -> int:
    """How many of SOURCE the record holds from the day SINCE to the moment UNTIL."""
    return len(automatic_moments(session, partnership, source, since, until))


def automatic_moments(session: Session, partnership: Partnership, source: IndicatorSource,
                      since: date, until: datetime) -> list[datetime]:
    """When each of SOURCE in the record happened, from the day SINCE to the moment UNTIL,
    the earliest first: a meeting's start, a contract's signing or fulfilment, a deal's
    ratification."""
    start = _since(since)
    if source is IndicatorSource.MEETINGS_HELD:
        moments = list(session.scalars(select(PartnershipMeeting.starts_at).where(
            PartnershipMeeting.partnership_id == partnership.id,
            PartnershipMeeting.recorded_at.is_not(None),
            PartnershipMeeting.cancelled_at.is_(None))))
    elif source is IndicatorSource.CONTRACTS_SIGNED:
        moments = [c.activated_at for c in exchange_record(session, partnership).between_partners]
    elif source is IndicatorSource.CONTRACTS_FULFILLED:
        moments = [c.ended_at for c in exchange_record(session, partnership).between_partners
                   if c.status is ContractStatus.FULFILLED]
    elif source is IndicatorSource.EVENT_DEALS:
        moments = [c.ratified_at for c in exchange_record(session, partnership).event_deals]
    else:
        moments = []
    return sorted(m for m in moments if m is not None and start <= m <= until)


# --- an event hosted by a partnership ------------------------------------------------------

def host_partnerships(session: Session, event: ExchangeEvent) -> list[Partnership]:
    """The living partnerships the event's host organization is a member of."""
    from models import PartnershipMember
    return list(session.scalars(select(Partnership).join(PartnershipMember).where(
        PartnershipMember.organization_id == event.host_id, PartnershipMember.left_at.is_(None),
        Partnership.state != PartnershipState.ENDED).order_by(Partnership.name)))


def organised_events(session: Session, user: User, partnership: Partnership
                     ) -> list[ExchangeEvent]:
    """The events USER organises whose host organization is a member of PARTNERSHIP."""
    from models import EventStaff
    members = member_org_ids(partnership)
    return list(session.scalars(select(ExchangeEvent).join(EventStaff).where(
        EventStaff.user_id == user.id, EventStaff.role == StaffRole.ORGANISER,
        ExchangeEvent.host_id.in_(members or [0])).order_by(ExchangeEvent.held_on.desc())))


def set_event_partnership(session: Session, actor: User, event_id: Any, partnership_id: Any,
                          now: datetime) -> ExchangeEvent:
    """An organiser of the event marks it as hosted by the partnership PARTNERSHIP_ID (one
    its host organization belongs to), or clears the mark (PARTNERSHIP_ID empty)."""
    event_id = parse_id(event_id)
    event = get_event(session, actor, event_id if event_id is not None else -1)
    require_role(event, actor, StaffRole.ORGANISER)
    if partnership_id in (None, "", 0, "0"):
        event.partnership_id = None
    else:
        wanted = parse_id(partnership_id)
        partnership = get_partnership(session, actor, wanted if wanted is not None else -1)
        if partnership.state is PartnershipState.ENDED:
            raise Conflict(ENDED)
        if event.host_id not in member_org_ids(partnership):
            raise ValidationError.single("partnership_id", Msg(
                "The event's host organization is not a member of this partnership."))
        event.partnership_id = partnership.id
    event.updated_at = now
    session.flush()
    return event
