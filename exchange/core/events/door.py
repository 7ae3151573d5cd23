"""The door: finding admitted people by name or badge, checking them in, walk-ins (of an
admitted organization or a new one), counting who is in."""
from __future__ import annotations

import secrets
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from exchange.core.errors import Errors, Msg, NotFound, ValidationError, clean_text
from exchange.core.events.reading import get_event, require_role
from exchange.core.events.registration import MAX_ATTENDEES, PERSON_MAX, admitted
from exchange.core.events.session import bump_board
from exchange.core.organizations import clean_profile
from exchange.infra.textsearch import fold
from models import Organization, User
from models.event import (
    ApplicationStatus,
    EventAttendee,
    EventParticipant,
    ExchangeEvent,
    StaffRole,
)

# An organization's list as registered, and a few more who turn up at the door.
MAX_PEOPLE_WITH_WALK_INS = MAX_ATTENDEES + 5


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
    require_role(event, actor, *StaffRole)  # anyone on the staff
    person = attendee_by_token(session, event, token)
    if undo:
        person.checked_in_at = person.checked_in_by_id = None
    elif person.checked_in_at is None:
        person.checked_in_at, person.checked_in_by_id = now, actor.id
    bump_board(session, event)
    session.flush()
    return person


def walk_in(session: Session, actor: User, event_id: int, org_id: Any, name: Any,
            now: datetime) -> EventAttendee:
    """Someone of an admitted organization came without being on its list: add them, checked
    in, with a badge of their own. A name already on the list (letter case and Polish letters
    aside) is that person, checked in, not a second badge."""
    event = get_event(session, actor, event_id)
    require_role(event, actor, *StaffRole)  # anyone on the staff
    errors = Errors()
    name = clean_text(name, "name", errors, max_length=PERSON_MAX, required=True)
    application = next((p for p in admitted(event) if str(p.organization_id) == str(org_id)),
                       None)
    if application is None:
        errors.add("organization", Msg("Choose one of the admitted organizations."))
    errors.raise_if_any()
    person = next((a for a in application.attendees if fold(a.name) == fold(name)), None)
    if person is None:
        if len(application.attendees) >= MAX_PEOPLE_WITH_WALK_INS:
            raise ValidationError.single("name", Msg(
                "%(organization)s already has %(max)d people on its list.",
                organization=application.organization.name, max=MAX_PEOPLE_WITH_WALK_INS))
        person = EventAttendee(name=name, badge_token=secrets.token_urlsafe(16))
        application.attendees.append(person)
    if person.checked_in_at is None:
        person.checked_in_at, person.checked_in_by_id = now, actor.id
    bump_board(session, event)
    session.flush()
    return person


def walk_in_organization(session: Session, actor: User, event_id: int, data: Mapping[str, Any],
                         now: datetime) -> tuple[EventAttendee, bool]:
    """A person of an organization that did not register came: add the organization (name,
    sector, municipality), admitted, and the person, checked in with a badge. Return the person
    and whether the organization was at the event already.

    An organization of that name already at the event is that one (a declined one stays out);
    one of that name and municipality already on the site is used, not doubled. The sectors'
    caps do not apply: the person is at the door. The event's row is locked first, so a form
    sent twice at once adds the organization once and the person once."""
    event = get_event(session, actor, event_id)
    require_role(event, actor, *StaffRole)  # anyone on the staff
    bump_board(session, event)  # the person counts as present; also serialises double submits
    errors = Errors()
    person = clean_text(data.get("person"), "person", errors, max_length=PERSON_MAX,
                        required=True)
    try:
        clean = clean_profile(session, {"name": data.get("name"), "sector": data.get("sector"),
                                        "municipality": data.get("municipality")})
    except ValidationError as error:
        for name, messages in error.errors.items():
            for message in messages:
                errors.add(name, message)
        clean = None
    errors.raise_if_any()
    session.refresh(event, ["participants"])
    at_event = next((p for p in event.participants
                     if fold(p.organization.name) == fold(clean["name"])), None)
    if at_event is not None and at_event.status is ApplicationStatus.DECLINED:
        raise ValidationError.single("name", Msg(
            "“%(organization)s” was declined for this event; ask the organiser.",
            organization=at_event.organization.name))
    existed = at_event is not None
    if at_event is None:
        org = next((o for o in session.scalars(select(Organization).where(
            Organization.municipality == clean["municipality"]))
            if o.name.casefold() == clean["name"].casefold()), None)
        if org is None:
            org = Organization(**clean, created_at=now, updated_at=now)
            session.add(org)
            session.flush()
        at_event = EventParticipant(organization_id=org.id, applied_by_id=actor.id,
                                    applied_at=now)
        event.participants.append(at_event)
    if at_event.status is not ApplicationStatus.ADMITTED:
        at_event.status = ApplicationStatus.ADMITTED
        at_event.decided_at, at_event.decided_by_id = now, actor.id
    session.flush()
    attendee = walk_in(session, actor, event.id, at_event.organization_id, person, now)
    return attendee, existed


def presence(event: ExchangeEvent) -> tuple[int, int]:
    """(people checked in, people expected)."""
    people = [a for p in admitted(event) for a in p.attendees]
    return sum(a.checked_in_at is not None for a in people), len(people)
