"""Reading events: who may see one, the staff roles an actor holds, the lists of events; and
the one value helper the forms of every part share (``as_list``)."""
from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from exchange.core.errors import Forbidden, Msg, NotFound
from exchange.core.organizations import memberships_of
from models import Organization, User
from models.base import get_by_id
from models.event import (
    ApplicationStatus,
    EventParticipant,
    EventStaff,
    EventStatus,
    ExchangeEvent,
    StaffRole,
)


def get_event(session: Session, actor: User | None, event_id: int) -> ExchangeEvent:
    """The event, if ACTOR may see it: a published one, or a draft of which they are staff."""
    event = get_by_id(session, ExchangeEvent, event_id)
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


def published_query(*, since: date | None = None, until: date | None = None):
    """Published events held in [SINCE, UNTIL], the latest first (the API pages it)."""
    query = select(ExchangeEvent).where(ExchangeEvent.status == EventStatus.PUBLISHED)
    if since is not None:
        query = query.where(ExchangeEvent.held_on >= since)
    if until is not None:
        query = query.where(ExchangeEvent.held_on <= until)
    return query.order_by(ExchangeEvent.held_on.desc(), ExchangeEvent.id.desc())


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


def calendar_events(session: Session, org_id: int) -> list[ExchangeEvent]:
    """The published (or since cancelled) events the organization is admitted to, for its
    members' calendars, the soonest first."""
    return list(session.scalars(select(ExchangeEvent).where(
        ExchangeEvent.status != EventStatus.DRAFT,
        ExchangeEvent.id.in_(select(EventParticipant.event_id).where(
            EventParticipant.organization_id == org_id,
            EventParticipant.status == ApplicationStatus.ADMITTED)))
        .order_by(ExchangeEvent.held_on, ExchangeEvent.id)))


def host_choices(session: Session, actor: User) -> list[Organization]:
    """Organizations ACTOR may host an event for: those they own."""
    return [m.organization for m in memberships_of(session, actor) if m.is_owner]


def as_list(value: Any) -> list:
    """A form value that may hold several (a list, one value or nothing) as a list."""
    if value in (None, ""):
        return []
    if isinstance(value, (list, tuple)):
        return list(value)
    return [value]
