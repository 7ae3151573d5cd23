"""The session: its clock (scheduled → open → grace → ended → closed), starting and closing
it, the moderator's announcement, and whether the desk takes a deal now."""
from __future__ import annotations

import enum
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from exchange.core.errors import Errors, Msg, ValidationError, clean_text
from exchange.core.events.reading import get_event, require_role
from models import User
from models.event import DealStatus, EventDeal, EventStatus, ExchangeEvent, StaffRole

ANNOUNCEMENT_MAX = 300


class SessionState(enum.StrEnum):
    """Where the session's clock stands; the values are what pages, JSON and board.js read."""
    SCHEDULED = "scheduled"
    OPEN = "open"
    GRACE = "grace"  # time is up; deals already at the desk are still ratified
    ENDED = "ended"  # time is up, the session not closed yet
    CLOSED = "closed"


def session_state(event: ExchangeEvent, now: datetime) -> SessionState:
    """scheduled → open → grace → ended (time is up, not closed yet) → closed."""
    if event.session_closed_at is not None:
        return SessionState.CLOSED
    if event.session_started_at is None:
        return SessionState.SCHEDULED
    if now < event.session_ends_at:
        return SessionState.OPEN
    if now < event.session_ends_at + timedelta(minutes=event.grace_minutes):
        return SessionState.GRACE
    return SessionState.ENDED


def is_live(event: ExchangeEvent, now: datetime) -> bool:
    """Whether the session is going on: open, or the desk finishing its last deals."""
    return session_state(event, now) in (SessionState.OPEN, SessionState.GRACE)


def seconds_left(event: ExchangeEvent, now: datetime) -> int:
    if event.session_started_at is None:
        return event.session_minutes * 60
    if event.session_closed_at is not None:
        return 0
    return max(0, int((event.session_ends_at - now).total_seconds()))


def bump_board(session: Session, event: ExchangeEvent) -> None:
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
    bump_board(session, event)
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
    # The line on the board spoke of the session ("the desk takes deals until 12:30"): it
    # would mislead under the final count. The moderator may write a new one.
    event.announcement = ""
    if now < event.session_ends_at:
        event.session_ends_at = now
    event.updated_at = now
    for deal in session.scalars(select(EventDeal).where(EventDeal.event_id == event.id,
                                                        EventDeal.status == DealStatus.QUEUED)):
        deal.status = DealStatus.REJECTED
        deal.note = "The session closed before this deal was ratified."
    bump_board(session, event)
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
    bump_board(session, event)
    session.flush()


def accepts_deals(event: ExchangeEvent, now: datetime, at_desk_since: datetime | None) -> bool:
    """Open, or in the grace period for a deal that reached the desk before the end."""
    state = session_state(event, now)
    return state is SessionState.OPEN or (state is SessionState.GRACE
                                          and at_desk_since is not None
                                          and at_desk_since <= event.session_ends_at)
