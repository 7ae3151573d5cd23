"""Live exchange events: setting one up, registration, the door, the session, the desk, the board.

Rules kept here, for the web pages, the API and the scheduler alike:
- an event is hosted by an organization; its creator is its first organiser, who names the
  rest of the staff (brokers, notaries, valuers, moderators); an organiser may act in every
  staff role;
- a draft event is seen by its staff only; a published one has a public page and takes
  applications inside its registration window, until the session starts;
- admitting an application respects the event's cap for the organization's sector;
- deals are ratified only while the session is open, or in the grace period after it for
  deals already at the desk (queued from a phone, or a desk form opened in time);
- a ratified deal is an ordinary contract, numbered in the event's series ("GZ-2026/017"),
  in force at once and recorded as signed at the desk by the representatives present;
- sending the same desk form twice finds the first contract instead of making a second;
- a deal queued from a phone becomes one contract, however many desks ratify it at once;
- a ratification is one transaction: contract, signatures, history and notifications
  are saved together or not at all;
- closing the session freezes the count: nothing is ratified after it.
"""
from __future__ import annotations

import secrets
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Iterable, Mapping, NamedTuple

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from exchange.core.accounts import clean_email, find_user_by_email
from exchange.core.contracts import (
    add_first_version,
    clean_terms,
    next_number,
    record_event,
    tell_parties,
)
from exchange.core.errors import (
    Conflict,
    Errors,
    Forbidden,
    Msg,
    NotFound,
    ValidationError,
    clean_choice,
    clean_date,
    clean_number,
    clean_text,
)
from exchange.core.money import refuse_money
from exchange.core.notifications import notify
from exchange.core.organizations import get_membership, memberships_of
from exchange.infra.textsearch import fold
from models import (
    Category,
    CheckIn,
    Contract,
    ContractStatus,
    ContractVersion,
    Listing,
    ListingStatus,
    Membership,
    Organization,
    Sector,
    Signature,
    User,
    VersionState,
)
from models.base import MAX_ID
from models.event import (
    ApplicationStatus,
    DealStatus,
    EventAttendee,
    EventDeal,
    EventListing,
    EventParticipant,
    EventStaff,
    EventStatus,
    ExchangeEvent,
    Introduction,
    StaffRole,
)

NAME_MAX = 200
VENUE_MAX = 300
DESCRIPTION_MAX = 5000
PERSON_MAX = 120
NOTE_MAX = 1000
ANNOUNCEMENT_MAX = 300
MAX_ATTENDEES = 10
SESSION_MINUTES = (15, 240)
GRACE_MINUTES = (0, 60)
DEFAULT_SESSION = 90
DEFAULT_GRACE = 10
PREFIX_MAX = 10


# ---------------------------------------------------------------------------- reading

def get_event(session: Session, actor: User | None, event_id: int) -> ExchangeEvent:
    """The event, if ACTOR may see it: a published one, or a draft of which they are staff."""
    event = session.get(ExchangeEvent, event_id) if 0 < event_id <= MAX_ID else None
    if event is None or (event.status is EventStatus.DRAFT
                         and not (actor is not None and (event.roles_of(actor.id)
                                                         or actor.is_admin))):
        raise NotFound(Msg("There is no such event."))
    return event


def roles(event: ExchangeEvent, actor: User | None) -> set[StaffRole]:
    """ACTOR's staff roles at EVENT; an organiser holds them all."""
    if actor is None:
        return set()
    held = event.roles_of(actor.id)
    return set(StaffRole) if StaffRole.ORGANISER in held else held


def require_role(event: ExchangeEvent, actor: User, *wanted: StaffRole) -> None:
    if not roles(event, actor) & set(wanted):
        raise Forbidden(Msg("Only the event's staff may do this."))


def events_list(session: Session, actor: User | None, today: date) -> tuple[list, list, list]:
    """(upcoming published events, past ones, events ACTOR is staff of), nearest first."""
    published = list(session.scalars(select(ExchangeEvent).where(
        ExchangeEvent.status == EventStatus.PUBLISHED).order_by(ExchangeEvent.held_on)))
    upcoming = [e for e in published if e.held_on >= today]
    past = [e for e in reversed(published) if e.held_on < today]
    mine: list[ExchangeEvent] = []
    if actor is not None:
        # IN, not a join with DISTINCT: PostgreSQL cannot compare the JSON columns.
        mine = list(session.scalars(
            select(ExchangeEvent).where(ExchangeEvent.id.in_(
                select(EventStaff.event_id).where(EventStaff.user_id == actor.id)))
            .order_by(ExchangeEvent.held_on.desc())))
    return upcoming, past, mine


def host_choices(session: Session, actor: User) -> list[Organization]:
    """Organizations ACTOR may host an event for: those they own."""
    return [m.organization for m in memberships_of(session, actor) if m.is_owner]


# ---------------------------------------------------------------------------- setting up

def clean_event(data: Mapping[str, Any], today: date, *, existing: ExchangeEvent | None = None
                ) -> dict[str, Any]:
    errors = Errors()
    name = clean_text(data.get("name"), "name", errors, max_length=NAME_MAX, required=True)
    venue = clean_text(data.get("venue"), "venue", errors, max_length=VENUE_MAX, required=True)
    municipality = clean_text(data.get("municipality"), "municipality", errors, max_length=100)
    description = clean_text(data.get("description"), "description", errors,
                             max_length=DESCRIPTION_MAX, multiline=True)
    refuse_money(errors, {"name": name, "description": description})
    held_on = clean_date(data.get("held_on"), "held_on", errors)
    if held_on is None and "held_on" not in errors.errors:
        errors.add("held_on", Msg("This field is required."))
    elif held_on is not None and held_on < today and (existing is None
                                                     or existing.held_on != held_on):
        errors.add("held_on", Msg("Choose a date from today on."))
    starts_at = clean_text(data.get("starts_at") or "10:00", "starts_at", errors, max_length=5)
    try:
        hour, minute = (int(x) for x in starts_at.split(":"))
        if not (0 <= hour < 24 and 0 <= minute < 60):
            raise ValueError
        starts_at = f"{hour:02d}:{minute:02d}"
    except ValueError:
        errors.add("starts_at", Msg("Enter a time as HH:MM."))
    minutes = clean_number(data.get("session_minutes") or DEFAULT_SESSION, "session_minutes",
                           errors, kind=int, low=SESSION_MINUTES[0], high=SESSION_MINUTES[1])
    grace = clean_number(data.get("grace_minutes") if data.get("grace_minutes") not in (None, "")
                         else DEFAULT_GRACE, "grace_minutes", errors, kind=int,
                         low=GRACE_MINUTES[0], high=GRACE_MINUTES[1])
    opens = clean_date(data.get("registration_opens_on"), "registration_opens_on", errors) or today
    closes = clean_date(data.get("registration_closes_on"), "registration_closes_on", errors)
    if closes is None and held_on is not None:
        closes = held_on - timedelta(days=1) if held_on > today else held_on
    if closes is not None and closes < opens:
        errors.add("registration_closes_on", Msg("Registration must close after it opens."))
    if closes is not None and held_on is not None and closes > held_on:
        errors.add("registration_closes_on", Msg("Registration must close by the day of the "
                                                 "event."))
    categories = []
    for value in _many(data.get("categories")):
        choice = clean_choice(value, "categories", errors, Category)
        if choice is not None and choice.value not in categories:
            categories.append(choice.value)
    caps = {}
    given_caps = data.get("sector_caps") or {}
    if not isinstance(given_caps, Mapping):
        given_caps = {}
    for sector in Sector:
        value = given_caps.get(sector.value, data.get(f"cap_{sector.value}"))
        cap = clean_number(value, f"cap_{sector.value}", errors, kind=int, low=1, high=10_000)
        if cap is not None:
            caps[sector.value] = cap
    prefix = clean_text(data.get("number_prefix") or "GZ", "number_prefix", errors,
                        max_length=PREFIX_MAX).upper()
    if prefix and not (prefix.isascii() and prefix.replace("-", "").isalnum()):
        errors.add("number_prefix", Msg("Use letters and digits only, e.g. GZ."))
    errors.raise_if_any()
    return {"name": name, "venue": venue, "municipality": municipality,
            "description": description, "held_on": held_on, "starts_at": starts_at,
            "session_minutes": minutes, "grace_minutes": grace, "registration_opens_on": opens,
            "registration_closes_on": closes, "categories": categories, "sector_caps": caps,
            "number_prefix": prefix or "GZ"}


def _many(value: Any) -> list:
    if value in (None, ""):
        return []
    if isinstance(value, (list, tuple)):
        return list(value)
    return [value]


def create_event(session: Session, actor: User, host_id: int, data: Mapping[str, Any],
                 now: datetime) -> ExchangeEvent:
    """A draft event hosted by HOST_ID, which ACTOR owns; ACTOR becomes its organiser."""
    if host_id not in {o.id for o in host_choices(session, actor)}:
        raise ValidationError.single("host_id", Msg("Choose an organization you own."))
    fields = clean_event(data, now.date())
    event = ExchangeEvent(host_id=host_id, created_by_id=actor.id, created_at=now,
                          updated_at=now, **fields)
    event.staff.append(EventStaff(user_id=actor.id, role=StaffRole.ORGANISER, created_at=now))
    session.add(event)
    session.flush()
    return event


def update_event(session: Session, actor: User, event_id: int, data: Mapping[str, Any],
                 now: datetime) -> ExchangeEvent:
    event = get_event(session, actor, event_id)
    require_role(event, actor, StaffRole.ORGANISER)
    if event.session_closed_at is not None:
        raise Conflict(Msg("The session is closed; the event can no longer be changed."))
    fields = clean_event(data, now.date(), existing=event)
    if event.session_started_at is not None:
        # The clock is running: its length and the numbering stay as they were.
        for frozen in ("session_minutes", "held_on", "number_prefix"):
            fields.pop(frozen)
    for key, value in fields.items():
        setattr(event, key, value)
    event.updated_at = now
    _bump(session, event)
    session.flush()
    return event


def publish_event(session: Session, actor: User, event_id: int, now: datetime) -> ExchangeEvent:
    event = get_event(session, actor, event_id)
    require_role(event, actor, StaffRole.ORGANISER)
    if event.status is not EventStatus.DRAFT:
        raise ValidationError.single(None, Msg("Only a draft event can be published."))
    event.status = EventStatus.PUBLISHED
    event.published_at = event.updated_at = now
    session.flush()
    return event


def add_staff(session: Session, actor: User, event_id: int, email: Any, role: Any,
              now: datetime) -> EventStaff | None:
    """Put the user with EMAIL on the event's staff and tell them; organisers only.

    None when no active account has EMAIL: the adapter invites the address to register and
    answers alike either way (see organizations.add_member)."""
    event = get_event(session, actor, event_id)
    require_role(event, actor, StaffRole.ORGANISER)
    errors = Errors()
    email = clean_email(email, "email", errors)
    role = clean_choice(role, "role", errors, StaffRole)
    errors.raise_if_any()
    user = find_user_by_email(session, email)
    if user is None or not user.is_active:
        return None
    if role in event.roles_of(user.id):
        raise ValidationError.single("email", Msg("%(name)s already has this role.",
                                                  name=user.name))
    staff = EventStaff(user_id=user.id, role=role, created_at=now)
    event.staff.append(staff)
    session.flush()
    notify(session, user.id, f"event-staff:{event.id}:{user.id}:{role.value}",
           Msg("You are on the staff of %(event)s.", event=event.name), f"/events/{event.id}",
           now)
    return staff


def remove_staff(session: Session, actor: User, event_id: int, staff_id: int) -> None:
    event = get_event(session, actor, event_id)
    require_role(event, actor, StaffRole.ORGANISER)
    staff = next((s for s in event.staff if s.id == staff_id), None)
    if staff is None:
        raise NotFound(Msg("There is no such person on the staff."))
    if staff.role is StaffRole.ORGANISER and sum(
            s.role is StaffRole.ORGANISER for s in event.staff) == 1:
        raise ValidationError.single(None, Msg("An event needs at least one organiser."))
    event.staff.remove(staff)
    session.flush()


# ---------------------------------------------------------------------------- registration

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
    for value in _many(data.get("attendees")):
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
    for item in _many(value):
        try:
            ids.append(int(item))
        except (TypeError, ValueError, OverflowError):
            errors.add("listing_ids", Msg("Not a valid choice."))
    found = {x.id: x for x in session.scalars(select(Listing).where(
        Listing.id.in_([i for i in ids if 0 < i <= MAX_ID]),
        Listing.organization_id == org_id, Listing.status == ListingStatus.OPEN))}
    chosen = []
    for listing_id in ids:
        listing = found.get(listing_id)
        if listing is None:
            errors.add("listing_ids", Msg("Choose open listings of your organization."))
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
    """The listings admitted organizations bring to EVENT."""
    ids = [p.organization_id for p in admitted(event)] if org_ids is None else list(org_ids)
    query = (select(Listing).join(EventListing, EventListing.listing_id == Listing.id)
             .where(EventListing.event_id == event.id, Listing.organization_id.in_(ids))
             .options(selectinload(Listing.organization)).order_by(Listing.id))
    if open_only:
        query = query.where(Listing.status == ListingStatus.OPEN, Listing.remaining > 0)
    return list(session.scalars(query))


# ---------------------------------------------------------------------------- brokers

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


# ---------------------------------------------------------------------------- the door

def find_attendees(session: Session, event: ExchangeEvent, query: str) -> list[EventAttendee]:
    """Admitted people whose name or organization's name holds every word of QUERY."""
    words = fold(query).split()
    found = []
    for application in admitted(event):
        for person in application.attendees:
            haystack = fold(f"{person.name} {application.organization.name}")
            if all(w in haystack for w in words):
                found.append(person)
    return sorted(found, key=lambda p: fold(p.name))


def attendee_by_token(session: Session, event: ExchangeEvent, token: str) -> EventAttendee:
    person = session.scalar(
        select(EventAttendee).join(EventParticipant)
        .where(EventAttendee.badge_token == token, EventParticipant.event_id == event.id))
    if person is None or person.participant.status is not ApplicationStatus.ADMITTED:
        raise NotFound(Msg("This code does not belong to an admitted participant of this event."))
    return person


def check_in(session: Session, actor: User, event_id: int, token: str, now: datetime, *,
             undo: bool = False) -> EventAttendee:
    """Mark the person with badge TOKEN as in (again: nothing changes), or out with UNDO."""
    event = get_event(session, actor, event_id)
    if not roles(event, actor):
        raise Forbidden(Msg("Only the event's staff may do this."))
    person = attendee_by_token(session, event, token)
    if undo:
        person.checked_in_at = person.checked_in_by_id = None
    elif person.checked_in_at is None:
        person.checked_in_at, person.checked_in_by_id = now, actor.id
    _bump(session, event)
    session.flush()
    return person


def presence(event: ExchangeEvent) -> tuple[int, int]:
    """(people checked in, people expected)."""
    people = [a for p in admitted(event) for a in p.attendees]
    return sum(a.checked_in_at is not None for a in people), len(people)


# ---------------------------------------------------------------------------- the session

def session_state(event: ExchangeEvent, now: datetime) -> str:
    """scheduled → open → grace → ended (time is up, not closed yet) → closed."""
    if event.session_closed_at is not None:
        return "closed"
    if event.session_started_at is None:
        return "scheduled"
    if now < event.session_ends_at:
        return "open"
    if now < event.session_ends_at + timedelta(minutes=event.grace_minutes):
        return "grace"
    return "ended"


def seconds_left(event: ExchangeEvent, now: datetime) -> int:
    if event.session_started_at is None:
        return event.session_minutes * 60
    if event.session_closed_at is not None:
        return 0
    return max(0, int((event.session_ends_at - now).total_seconds()))


def _bump(session: Session, event: ExchangeEvent) -> None:
    """A change the board shows: a new ETag (one UPDATE, so concurrent bumps all count)."""
    session.execute(update(ExchangeEvent).where(ExchangeEvent.id == event.id)
                    .values(board_version=ExchangeEvent.board_version + 1)
                    .execution_options(synchronize_session=False))
    session.expire(event, ["board_version"])


def start_session(session: Session, actor: User, event_id: int, now: datetime) -> ExchangeEvent:
    event = get_event(session, actor, event_id)
    require_role(event, actor, StaffRole.ORGANISER)
    if event.status is not EventStatus.PUBLISHED:
        raise ValidationError.single(None, Msg("Publish the event before starting its session."))
    if event.session_started_at is not None:
        raise ValidationError.single(None, Msg("The session has already started."))
    event.session_started_at = now
    event.session_ends_at = now + timedelta(minutes=event.session_minutes)
    event.updated_at = now
    _bump(session, event)
    session.flush()
    return event


def close_session(session: Session, actor: User, event_id: int, now: datetime) -> ExchangeEvent:
    """End the session for good: the count is frozen, the report is final."""
    event = get_event(session, actor, event_id)
    require_role(event, actor, StaffRole.ORGANISER)
    if event.session_started_at is None:
        raise ValidationError.single(None, Msg("The session has not started."))
    if event.session_closed_at is not None:
        raise ValidationError.single(None, Msg("The session is already closed."))
    event.session_closed_at = now
    if now < event.session_ends_at:
        event.session_ends_at = now
    event.updated_at = now
    for deal in session.scalars(select(EventDeal).where(EventDeal.event_id == event.id,
                                                        EventDeal.status == DealStatus.QUEUED)):
        deal.status = DealStatus.REJECTED
        deal.note = "The session closed before this deal was ratified."
    _bump(session, event)
    session.flush()
    return event


def announce(session: Session, actor: User, event_id: int, text: Any, now: datetime) -> None:
    """The moderator's line on the board (empty clears it)."""
    event = get_event(session, actor, event_id)
    require_role(event, actor, StaffRole.MODERATOR)
    errors = Errors()
    event.announcement = clean_text(text, "announcement", errors, max_length=ANNOUNCEMENT_MAX)
    errors.raise_if_any()
    event.updated_at = now
    _bump(session, event)
    session.flush()


def accepts_deals(event: ExchangeEvent, now: datetime, at_desk_since: datetime | None) -> bool:
    """Open, or in the grace period for a deal that reached the desk before the end."""
    state = session_state(event, now)
    return state == "open" or (state == "grace" and at_desk_since is not None
                               and at_desk_since <= event.session_ends_at)


# ---------------------------------------------------------------------------- the desk

def _admitted_org_ids(event: ExchangeEvent) -> set[int]:
    return {p.organization_id for p in admitted(event)}


def _check_parties(event: ExchangeEvent, terms, errors: Errors) -> None:
    allowed = _admitted_org_ids(event)
    if any(org_id not in allowed for org_id in terms.parties):
        errors.add("parties", Msg("Every party must be an admitted participant of this event."))


def _terms_or_errors(session: Session, data: Mapping[str, Any], now: datetime, errors: Errors):
    """The contract terms of DATA, or None with their errors added to ERRORS."""
    try:
        return clean_terms(session, data, now.date())
    except ValidationError as error:
        for name, messages in error.errors.items():
            for message in messages:
                errors.add(name, message)
        return None


def _ratified_as(session: Session, event: ExchangeEvent, client_key: str | None
                 ) -> Contract | None:
    """The contract a desk form with CLIENT_KEY already made, if any."""
    if not client_key:
        return None
    existing = session.scalar(select(Contract).where(Contract.client_key == client_key))
    if existing is not None and existing.event_id != event.id:
        raise Conflict(Msg("This deal was already registered elsewhere."))
    return existing


def _already_handled(session: Session, deal: EventDeal) -> ValidationError:
    number = session.scalar(select(Contract.number).where(Contract.id == deal.contract_id)) \
        if deal.contract_id else None
    return ValidationError.single(None, Msg("This deal was already ratified as contract "
                                            "%(number)s.", number=number) if number else
                                  Msg("This deal was already handled."))


def _claim(session: Session, event: ExchangeEvent, deal: EventDeal, client_key: str | None
           ) -> Contract | None:
    """Take the queued DEAL for this ratification, or find the contract a resend made.

    The conditional UPDATE is the ratification's first write, so desks sending one deal at
    once queue on its row (PostgreSQL) or on the write lock (SQLite); the first takes it, the
    others match no row once it commits and make nothing.
    """
    taken = session.execute(
        update(EventDeal).where(EventDeal.id == deal.id, EventDeal.status == DealStatus.QUEUED)
        .values(status=DealStatus.RATIFIED).execution_options(synchronize_session=False))
    if taken.rowcount == 1:
        return None
    # Someone else took it; our own earlier send (same client key) counts as this one.
    existing = _ratified_as(session, event, client_key)
    if existing is not None:
        return existing
    session.expire(deal)
    raise _already_handled(session, deal)


class Ratified(NamedTuple):
    contract: Contract
    created: bool  # False: the CLIENT_KEY's contract, made by an earlier request


def ratify(session: Session, notary: User, event_id: int, data: Mapping[str, Any],
           now: datetime, *, client_key: str | None = None, opened_at: datetime | None = None,
           deal_id: int | None = None) -> Contract:
    """Register a deal at the desk: a contract in force, signed there by the people present."""
    return ratify_deal(session, notary, event_id, data, now, client_key=client_key,
                       opened_at=opened_at, deal_id=deal_id).contract


def ratify_deal(session: Session, notary: User, event_id: int, data: Mapping[str, Any],
                now: datetime, *, client_key: str | None = None,
                opened_at: datetime | None = None, deal_id: int | None = None) -> Ratified:
    """Register a deal at the desk, and say whether this call made its contract.

    DATA has the contract form's fields (parties, representatives, commitments with an
    optional category) and ``no_money``, the notary's check that no money changes hands.
    A CLIENT_KEY already used returns its contract (not created), also when two requests
    race.
    """
    event = get_event(session, notary, event_id)
    require_role(event, notary, StaffRole.NOTARY)
    existing = _ratified_as(session, event, client_key)
    if existing is not None:
        return Ratified(existing, False)
    deal = None
    if deal_id is not None:
        deal = session.get(EventDeal, deal_id) if 0 < deal_id <= MAX_ID else None
        if deal is None or deal.event_id != event.id:
            raise NotFound(Msg("There is no such deal in the queue."))
        if deal.status is not DealStatus.QUEUED:
            raise _already_handled(session, deal)
    at_desk_since = min(filter(None, (opened_at, deal.submitted_at if deal else None)),
                        default=None)
    if not accepts_deals(event, now, at_desk_since):
        state = session_state(event, now)
        raise ValidationError.single(None, Msg("The session has not started yet.")
                                     if state == "scheduled" else
                                     Msg("The session is over: no more deals are accepted."))
    errors = Errors()
    terms = _terms_or_errors(session, data, now, errors)
    if terms is not None:
        _check_parties(event, terms, errors)
    given = data.get("representatives")
    given = {str(k): str(v or "").strip() for k, v in given.items()} if isinstance(
        given, Mapping) else {}
    if not all(given.get(str(org_id)) for org_id in _many(data.get("parties"))):
        errors.add("representatives", Msg("Write the name of every party's representative who "
                                          "signs at the desk."))
    if str(data.get("no_money") or "").lower() not in ("1", "true", "on", "yes"):
        errors.add("no_money", Msg("Confirm that no money changes hands in this deal."))
    errors.raise_if_any()
    try:
        # The claim inside the savepoint: if the contract then meets a unique key, the deal
        # goes back to the queue with it.
        with session.begin_nested():
            if deal is not None:
                existing = _claim(session, event, deal, client_key)
                if existing is not None:
                    return Ratified(existing, False)
            contract = Contract(
                number=next_number(session, f"{event.number_prefix}-{event.held_on.year}",
                                   width=3),
                status=ContractStatus.ACTIVE, created_by_id=notary.id, created_at=now,
                updated_at=now, activated_at=now, event_id=event.id, ratified_at=now,
                ratified_by_id=notary.id, client_key=client_key or None)
            version = ContractVersion(number=1, state=VersionState.SIGNED,
                                      created_by_id=notary.id, created_at=now, frozen_at=now,
                                      signed_at=now)
            add_first_version(session, contract, version, terms, now)
    except IntegrityError:
        # The same form sent twice at once: the other request's contract is the deal.
        existing = _ratified_as(session, event, client_key)
        if existing is None:
            raise
        return Ratified(existing, False)
    for org_id in terms.parties:
        version.signatures.append(Signature(
            organization_id=org_id, user_id=notary.id, signed_at=now, method="at_desk",
            representative=terms.representatives[org_id]))
    session.flush()
    record_event(session, contract, "ratify", notary, None, now, event=event.name,
                 representatives={str(k): v for k, v in terms.representatives.items()},
                 commitments=[row.terms for row in version.commitments])
    if deal is not None:
        deal.status, deal.contract_id = DealStatus.RATIFIED, contract.id
    _bump(session, event)
    session.flush()
    tell_parties(session, contract, None, now, f"contract-ratified:{contract.id}",
                 Msg("Contract %(number)s was ratified at %(event)s and is in force.",
                     number=contract.number, event=event.name))
    return Ratified(contract, True)


def submit_deal(session: Session, actor: User, event_id: int, org_id: int,
                data: Mapping[str, Any], now: datetime) -> EventDeal:
    """A participant's deal drafted on a phone: checked now, queued for the notary."""
    event = get_event(session, actor, event_id)
    get_membership(session, actor, org_id)
    if org_id not in _admitted_org_ids(event):
        raise Forbidden(Msg("Only admitted participants can draft deals at this event."))
    if not accepts_deals(event, now, None):
        raise ValidationError.single(None, Msg("Deals are taken only while the session is "
                                               "open."))
    errors = Errors()
    terms = _terms_or_errors(session, data, now, errors)
    if terms is not None:
        _check_parties(event, terms, errors)
        if org_id not in terms.parties:
            errors.add("parties", Msg("Your organization must be one of the parties."))
    errors.raise_if_any()
    deal = EventDeal(event_id=event.id, organization_id=org_id, terms=_plain_terms(data),
                     submitted_by_id=actor.id, submitted_at=now)
    session.add(deal)
    session.flush()
    return deal


def _plain_terms(data: Mapping[str, Any]) -> dict:
    keep = ("giver_id", "receiver_id", "what", "quantity", "unit", "due_on", "estimated_value",
            "listing_id", "need_id", "category")
    return {"parties": [str(p) for p in data.get("parties") or []],
            "representatives": {str(k): str(v) for k, v in
                                (data.get("representatives") or {}).items()},
            "commitments": [{k: (str(v) if v is not None else "") for k, v in row.items()
                             if k in keep} for row in data.get("commitments") or []
                            if isinstance(row, Mapping)]}


def queue(session: Session, event: ExchangeEvent) -> list[EventDeal]:
    return list(session.scalars(select(EventDeal).where(
        EventDeal.event_id == event.id, EventDeal.status == DealStatus.QUEUED)
        .options(selectinload(EventDeal.organization)).order_by(EventDeal.submitted_at)))


def reject_deal(session: Session, notary: User, event_id: int, deal_id: int, note: Any,
                now: datetime) -> EventDeal:
    event = get_event(session, notary, event_id)
    require_role(event, notary, StaffRole.NOTARY)
    deal = session.get(EventDeal, deal_id) if 0 < deal_id <= MAX_ID else None
    if deal is None or deal.event_id != event.id or deal.status is not DealStatus.QUEUED:
        raise NotFound(Msg("There is no such deal in the queue."))
    errors = Errors()
    deal.note = clean_text(note, "note", errors, max_length=500)
    errors.raise_if_any()
    deal.status = DealStatus.REJECTED
    session.flush()
    return deal


# ---------------------------------------------------------------------------- board and report

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
        "version": event.board_version,
    }


OUTCOMES = ("done", "ongoing", "no_contact", "not_feasible", "unknown")


def outcome_of(contract: Contract, answers: list[CheckIn]) -> str:
    """What is known of a deal months later: its settled outcome, else the newest answer."""
    if contract.status is ContractStatus.FULFILLED:
        return "done"
    if contract.status in (ContractStatus.FAILED, ContractStatus.CANCELLED,
                           ContractStatus.WITHDRAWN):
        return "not_feasible"
    answered = [a for a in answers if a.answer is not None]
    if not answered:
        return "unknown"
    return max(answered, key=lambda a: a.answered_at).answer.value


@dataclass
class Report:
    event: ExchangeEvent
    sectors: list[SectorBalance]
    present: int
    expected: int
    tally: Tally
    most_active: list[tuple[Organization, int]]
    outcomes: Counter
    contracts: list[Contract]
    outcome_by_contract: dict[int, str]

    @property
    def fulfilment_rate(self) -> float | None:
        """Done among the deals whose fate is known."""
        known = sum(n for k, n in self.outcomes.items() if k != "unknown")
        return self.outcomes["done"] / known if known else None


def report(session: Session, event: ExchangeEvent) -> Report:
    contracts = event_contracts(session, event)
    counts = tally(session, contracts)
    top = counts.by_organization.most_common(10)
    orgs = {o.id: o for o in session.scalars(select(Organization).where(
        Organization.id.in_([org_id for org_id, _ in top])))} if top else {}
    answers: dict[int, list[CheckIn]] = {}
    if contracts:
        for row in session.scalars(select(CheckIn).where(
                CheckIn.contract_id.in_([c.id for c in contracts]))):
            answers.setdefault(row.contract_id, []).append(row)
    by_contract = {c.id: outcome_of(c, answers.get(c.id, [])) for c in contracts}
    present, expected = presence(event)
    return Report(event=event, sectors=sector_balance(event), present=present,
                  expected=expected, tally=counts,
                  most_active=[(orgs[org_id], n) for org_id, n in top],
                  outcomes=Counter({k: 0 for k in OUTCOMES}) + Counter(by_contract.values())
                  or Counter(), contracts=contracts, outcome_by_contract=by_contract)


def report_rows(session: Session, event: ExchangeEvent) -> list[dict]:
    """One row per commitment of every deal, for the CSV export."""
    result = report(session, event)
    names = dict(session.execute(select(Organization.id, Organization.name).where(
        Organization.id.in_({p.organization_id for c in result.contracts
                             for p in c.parties}))).all()) if result.contracts else {}
    rows = []
    for contract in result.contracts:
        for row in contract.versions[0].commitments:
            rows.append({"number": contract.number, "ratified_at": contract.ratified_at.isoformat(),
                         "giver": names.get(row.giver_id, ""),
                         "receiver": names.get(row.receiver_id, ""), "what": row.what,
                         "category": row.category.value if row.category else "",
                         "quantity": row.quantity, "unit": row.unit.value,
                         "due_on": row.due_on.isoformat(),
                         "estimated_value": row.estimated_value or 0,
                         "commitment_status": row.status.value,
                         "outcome": result.outcome_by_contract[contract.id]})
    return rows


# ---------------------------------------------------------------------------- brokers' list

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
