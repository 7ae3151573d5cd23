"""Registration: organizations apply with the people who come and the listings they bring;
organisers admit them within each sector's cap."""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Iterable, Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from exchange.core.errors import Errors, Msg, NotFound, ValidationError, clean_text
from exchange.core.events.reading import as_list, get_event, require_role
from exchange.core.money import refuse_money
from exchange.core.notifications import notify
from exchange.core.organizations import get_membership
from models import Listing, ListingStatus, Membership, Sector, User
from models.base import storable_ids
from models.event import (
    ApplicationStatus,
    EventAttendee,
    EventListing,
    EventParticipant,
    EventStatus,
    ExchangeEvent,
    StaffRole,
)

PERSON_MAX = 120
NOTE_MAX = 1000
MAX_ATTENDEES = 10
# A listing kept for a partnership only is for its members' eyes: an event shows what its
# participants bring to every other participant, its organisers and its exports.
PARTNERSHIP_ONLY = ("“%(title)s” is kept for a partnership only; it cannot be brought to an "
                    "event.")


def registration_open(event: ExchangeEvent, today: date) -> bool:
    return (event.status is EventStatus.PUBLISHED and event.session_started_at is None
            and event.registration_opens_on <= today <= event.registration_closes_on)


def application_of(session: Session, event: ExchangeEvent, org_id: int
                   ) -> EventParticipant | None:
    return session.scalar(select(EventParticipant).where(
        EventParticipant.event_id == event.id, EventParticipant.organization_id == org_id))


def in_play(event: ExchangeEvent, listing: Listing) -> bool:
    return not event.categories or listing.category.value in event.categories


def apply(session: Session, actor: User, event_id: int, org_id: int, data: Mapping[str, Any],
          now: datetime) -> EventParticipant:
    """Apply (or change the application) for ORG_ID: who comes, and what they bring."""
    event = get_event(session, actor, event_id)
    membership = get_membership(session, actor, org_id)
    if not registration_open(event, now.date()):
        raise ValidationError.single(None, Msg("Registration for this event is closed."))
    errors = Errors()
    names = []
    for value in as_list(data.get("attendees")):
        name = clean_text(value, "attendees", errors, max_length=PERSON_MAX)
        if name and name not in names:
            names.append(name)
    if not names:
        errors.add("attendees", Msg("Name at least one person who will come."))
    elif len(names) > MAX_ATTENDEES:
        errors.add("attendees", Msg("At most %(max)d people per organization.", max=MAX_ATTENDEES))
    note = clean_text(data.get("note"), "note", errors, max_length=NOTE_MAX, multiline=True)
    refuse_money(errors, {"note": note})
    listings = _own_open_listings(session, event, org_id, data.get("listing_ids"), errors)
    errors.raise_if_any()
    application = application_of(session, event, org_id)
    if application is None:
        application = EventParticipant(organization_id=org_id, applied_by_id=actor.id,
                                       applied_at=now)
        event.participants.append(application)
    elif application.status in (ApplicationStatus.DECLINED, ApplicationStatus.WITHDRAWN):
        application.status = ApplicationStatus.PENDING
        application.applied_at, application.applied_by_id = now, actor.id
        application.decided_at = application.decided_by_id = None
    application.note = note
    kept = {a.name: a for a in application.attendees}
    application.attendees[:] = [kept.get(name) or EventAttendee(
        name=name, badge_token=secrets.token_urlsafe(16)) for name in names]
    _set_listings(session, event, org_id, listings, now)
    session.flush()
    if application.status is ApplicationStatus.PENDING:
        for staff in event.staff:
            if staff.role is StaffRole.ORGANISER:
                notify(session, staff.user_id, f"event-applied:{application.id}:{staff.user_id}:"
                       f"{application.applied_at.isoformat()}",
                       Msg("%(organization)s applied for %(event)s.",
                           organization=membership.organization.name, event=event.name),
                       f"/events/{event.id}/participants", now)
    return application


def _own_open_listings(session: Session, event: ExchangeEvent, org_id: int, value: Any,
                       errors: Errors) -> list[Listing]:
    ids = []
    for item in as_list(value):
        try:
            ids.append(int(item))
        except (TypeError, ValueError, OverflowError):
            errors.add("listing_ids", Msg("Not a valid choice."))
    found = {x.id: x for x in session.scalars(select(Listing).where(
        Listing.id.in_(storable_ids(ids)),
        Listing.organization_id == org_id, Listing.status == ListingStatus.OPEN))}
    chosen = []
    for listing_id in ids:
        listing = found.get(listing_id)
        if listing is None:
            errors.add("listing_ids", Msg("Choose open listings of your organization."))
        elif listing.partnership_only:
            errors.add("listing_ids", Msg(PARTNERSHIP_ONLY, title=listing.title))
        elif not in_play(event, listing):
            errors.add("listing_ids", Msg("“%(title)s” is in a category this event does not "
                                          "trade.", title=listing.title))
        elif listing not in chosen:
            chosen.append(listing)
    return chosen


def _set_listings(session: Session, event: ExchangeEvent, org_id: int, listings: list[Listing],
                  now: datetime) -> None:
    current = {row.listing_id: row for row in session.scalars(
        select(EventListing).join(Listing).where(EventListing.event_id == event.id,
                                                 Listing.organization_id == org_id))}
    wanted = {x.id for x in listings}
    for listing_id, row in current.items():
        if listing_id not in wanted:
            session.delete(row)
    for listing_id in wanted - current.keys():
        session.add(EventListing(event_id=event.id, listing_id=listing_id, added_at=now))


def add_listing(session: Session, actor: User, event_id: int, listing: Listing,
                now: datetime) -> None:
    """Bring a listing just posted for the event (its organization must have applied)."""
    event = get_event(session, actor, event_id)
    get_membership(session, actor, listing.organization_id)
    application = application_of(session, event, listing.organization_id)
    if application is None or application.status not in (ApplicationStatus.PENDING,
                                                          ApplicationStatus.ADMITTED):
        raise ValidationError.single(None, Msg("Apply for the event first."))
    if not in_play(event, listing):
        raise ValidationError.single("category", Msg("This event does not trade that category."))
    if listing.partnership_only:
        raise ValidationError.single(None, Msg(PARTNERSHIP_ONLY, title=listing.title))
    if session.get(EventListing, (event.id, listing.id)) is None:
        session.add(EventListing(event_id=event.id, listing_id=listing.id, added_at=now))
        session.flush()


def withdraw_application(session: Session, actor: User, event_id: int, org_id: int,
                         now: datetime) -> EventParticipant:
    event = get_event(session, actor, event_id)
    get_membership(session, actor, org_id)
    application = application_of(session, event, org_id)
    if application is None or application.status is ApplicationStatus.WITHDRAWN:
        raise NotFound(Msg("Your organization has not applied."))
    if event.session_started_at is not None:
        raise ValidationError.single(None, Msg("The session has started; it is too late to "
                                               "withdraw."))
    application.status = ApplicationStatus.WITHDRAWN
    application.decided_at = now
    session.flush()
    return application


@dataclass
class SectorBalance:
    sector: Sector
    pending: int = 0
    admitted: int = 0
    people: int = 0
    cap: int | None = None

    @property
    def full(self) -> bool:
        return self.cap is not None and self.admitted >= self.cap


def sector_balance(event: ExchangeEvent) -> list[SectorBalance]:
    rows = {s: SectorBalance(s, cap=event.sector_caps.get(s.value)) for s in Sector}
    for application in event.participants:
        row = rows[application.organization.sector]
        if application.status is ApplicationStatus.PENDING:
            row.pending += 1
        elif application.status is ApplicationStatus.ADMITTED:
            row.admitted += 1
            row.people += len(application.attendees)
    return list(rows.values())


def decide(session: Session, actor: User, event_id: int, participant_id: int, admit: bool,
           note: Any, now: datetime) -> EventParticipant:
    """Admit or decline an application; admitting respects the sector's cap."""
    event = get_event(session, actor, event_id)
    require_role(event, actor, StaffRole.ORGANISER)
    application = next((p for p in event.participants if p.id == participant_id), None)
    if application is None:
        raise NotFound(Msg("There is no such application."))
    errors = Errors()
    note = clean_text(note, "note", errors, max_length=500)
    errors.raise_if_any()
    if application.status is ApplicationStatus.WITHDRAWN:
        raise ValidationError.single(None, Msg("The organization withdrew its application."))
    sector = application.organization.sector
    if admit and application.status is not ApplicationStatus.ADMITTED:
        balance = next(b for b in sector_balance(event) if b.sector is sector)
        if balance.full:
            raise ValidationError.single(None, Msg(
                "The cap for this sector (%(cap)d) is reached: decline someone first or raise "
                "the cap.", cap=balance.cap))
    application.status = ApplicationStatus.ADMITTED if admit else ApplicationStatus.DECLINED
    application.decision_note = note
    application.decided_at, application.decided_by_id = now, actor.id
    session.flush()
    message = (Msg("%(organization)s is admitted to %(event)s. Your confirmation with the QR "
                   "codes for the door is on the event's page.",
                   organization=application.organization.name, event=event.name) if admit else
               Msg("%(organization)s was not admitted to %(event)s.",
                   organization=application.organization.name, event=event.name))
    for user_id in session.scalars(select(Membership.user_id).where(
            Membership.organization_id == application.organization_id)):
        notify(session, user_id, f"event-decided:{application.id}:{user_id}:{now.isoformat()}",
               message, f"/events/{event.id}/application/{application.organization_id}", now)
    return application


def admitted(event: ExchangeEvent) -> list[EventParticipant]:
    return [p for p in event.participants if p.status is ApplicationStatus.ADMITTED]


def event_listings(session: Session, event: ExchangeEvent, *, org_ids: Iterable[int] | None = None,
                   open_only: bool = True) -> list[Listing]:
    """The listings admitted organizations bring to EVENT, less any kept for a partnership
    only since it was brought (the event's pages, brokers, desk and exports show these)."""
    ids = [p.organization_id for p in admitted(event)] if org_ids is None else list(org_ids)
    query = (select(Listing).join(EventListing, EventListing.listing_id == Listing.id)
             .where(EventListing.event_id == event.id, Listing.organization_id.in_(ids),
                    Listing.partnership_only.is_(False))
             .options(selectinload(Listing.organization)).order_by(Listing.id))
    if open_only:
        query = query.where(Listing.status == ListingStatus.OPEN, Listing.remaining > 0)
    return list(session.scalars(query))
