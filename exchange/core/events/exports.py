"""The event's lists as rows for the organiser's spreadsheets: participants, attendees and the
brokers' pre-matched exchanges (the deals' rows are ``outcomes.report_rows``).

Rows hold plain values (enum codes, datetimes in UTC); the web layer writes labels and files."""
from __future__ import annotations

from collections import Counter

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from exchange.core.events.brokers import Exchange
from models import EventListing, Listing, ListingKind
from models.event import EventParticipant, ExchangeEvent, Introduction


def _participants(session: Session, event: ExchangeEvent) -> list[EventParticipant]:
    return sorted(session.scalars(
        select(EventParticipant).where(EventParticipant.event_id == event.id)
        .options(selectinload(EventParticipant.organization),
                 selectinload(EventParticipant.attendees))),
        key=lambda p: p.organization.name.casefold())


def participant_rows(session: Session, event: ExchangeEvent) -> list[dict]:
    """One row per application: the organization, its answer, its people and listings."""
    brought = Counter(session.execute(
        select(Listing.organization_id, Listing.kind)
        .join(EventListing, EventListing.listing_id == Listing.id)
        .where(EventListing.event_id == event.id, Listing.partnership_only.is_(False))).all())
    rows = []
    for p in _participants(session, event):
        org = p.organization
        rows.append({
            "organization": org.name, "sector": org.sector.value,
            "municipality": org.municipality or "", "status": p.status.value,
            "applied_at": p.applied_at, "decided_at": p.decided_at,
            "attendees": len(p.attendees),
            "checked_in": sum(1 for a in p.attendees if a.checked_in_at is not None),
            "offers": brought[(org.id, ListingKind.OFFER)],
            "needs": brought[(org.id, ListingKind.NEED)],
            "note": p.note or "",
        })
    return rows


def attendee_rows(session: Session, event: ExchangeEvent) -> list[dict]:
    """One row per person registered to come, by organization (no badge secrets)."""
    return [{"organization": p.organization.name, "name": a.name, "email": a.email,
             "status": p.status.value, "checked_in_at": a.checked_in_at}
            for p in _participants(session, event)
            for a in sorted(p.attendees, key=lambda a: a.name.casefold())]


def broker_rows(exchanges: list[Exchange], introduced: dict[str, Introduction]) -> list[dict]:
    """One row per hop of the pre-matched exchanges, numbered as the brokers' page shows
    them, with whether the parties were introduced."""
    return [{"exchange": number, "kind": x.kind, "giver": arrow.giver.name,
             "offer": arrow.offer.title, "receiver": arrow.receiver.name,
             "need": arrow.need.title, "category": arrow.offer.category.value,
             "score": round(arrow.score, 2),
             "introduced": x.key in introduced}
            for number, x in enumerate(exchanges, start=1) for arrow in x.arrows]
