"""The door: finding admitted people by name or badge, checking them in, counting who is in."""
from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from exchange.core.errors import Errors, Msg, NotFound, ValidationError, clean_text
from exchange.core.events.reading import get_event, require_role
from exchange.core.events.registration import MAX_ATTENDEES, PERSON_MAX, admitted
from exchange.core.events.session import bump_board
from exchange.infra.textsearch import fold
from models import User
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


def presence(event: ExchangeEvent) -> tuple[int, int]:
    """(people checked in, people expected)."""
    people = [a for p in admitted(event) for a in p.attendees]
    return sum(a.checked_in_at is not None for a in people), len(people)
