"""Setting an event up: its fields checked, creating, changing and publishing it, its staff."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any, Mapping

from sqlalchemy.orm import Session

from exchange.core.accounts import clean_email, find_user_by_email
from exchange.core.errors import (
    Conflict,
    Errors,
    Msg,
    NotFound,
    ValidationError,
    clean_choice,
    clean_date,
    clean_number,
    clean_text,
)
from exchange.core.events.reading import as_list, get_event, host_choices, require_role
from exchange.core.events.session import bump_board
from exchange.core.events.timing import clean_time_zone, skipped_by_clocks
from exchange.core.money import refuse_money
from exchange.core.member_history import record_change
from exchange.core.notifications import notify
from models import Category, ChangeKind, Sector, User
from models.event import EventStaff, EventStatus, ExchangeEvent, StaffRole

NAME_MAX = 200
VENUE_MAX = 300
DESCRIPTION_MAX = 5000
SESSION_MINUTES = (15, 240)
GRACE_MINUTES = (0, 60)
DEFAULT_SESSION = 90
DEFAULT_GRACE = 10
PREFIX_MAX = 10


def clean_event(data: Mapping[str, Any], today: date, *, existing: ExchangeEvent | None = None
                ) -> dict[str, Any]:
    errors = Errors()
    name = clean_text(data.get("name"), "name", errors, max_length=NAME_MAX, required=True)
    venue = clean_text(data.get("venue"), "venue", errors, max_length=VENUE_MAX, required=True)
    municipality = clean_text(data.get("municipality"), "municipality", errors, max_length=100)
    description = clean_text(data.get("description"), "description", errors,
                             max_length=DESCRIPTION_MAX, multiline=True)
    refuse_money(errors, {"name": name, "description": description})
    held_on = _clean_held_on(data, today, existing, errors)
    starts_at = _clean_starts_at(data, errors)
    time_zone = clean_time_zone(data.get("time_zone"), "time_zone", errors)
    if held_on is not None and not errors.errors.get("starts_at") \
            and skipped_by_clocks(held_on, starts_at, time_zone):
        errors.add("starts_at", Msg("The clocks go forward that night: %(time)s does not "
                                    "happen on that day in %(zone)s. Choose another time.",
                                    time=starts_at, zone=time_zone))
    minutes = clean_number(data.get("session_minutes") or DEFAULT_SESSION, "session_minutes",
                           errors, kind=int, low=SESSION_MINUTES[0], high=SESSION_MINUTES[1])
    grace = clean_number(data.get("grace_minutes") if data.get("grace_minutes") not in (None, "")
                         else DEFAULT_GRACE, "grace_minutes", errors, kind=int,
                         low=GRACE_MINUTES[0], high=GRACE_MINUTES[1])
    opens, closes = _clean_registration(data, today, held_on, errors)
    categories = _clean_categories(data, errors)
    caps = _clean_caps(data, errors)
    prefix = _clean_prefix(data, errors)
    errors.raise_if_any()
    return {"name": name, "venue": venue, "municipality": municipality,
            "description": description, "held_on": held_on, "starts_at": starts_at,
            "time_zone": time_zone,
            "session_minutes": minutes, "grace_minutes": grace, "registration_opens_on": opens,
            "registration_closes_on": closes, "categories": categories, "sector_caps": caps,
            "number_prefix": prefix or "GZ"}


def _clean_held_on(data: Mapping[str, Any], today: date, existing: ExchangeEvent | None,
                   errors: Errors) -> date | None:
    """The day of the event: required, and not in the past unless it is the one it had."""
    held_on = clean_date(data.get("held_on"), "held_on", errors)
    if held_on is None and "held_on" not in errors.errors:
        errors.add("held_on", Msg("This field is required."))
    elif held_on is not None and held_on < today and (existing is None
                                                     or existing.held_on != held_on):
        errors.add("held_on", Msg("Choose a date from today on."))
    return held_on


def _clean_starts_at(data: Mapping[str, Any], errors: Errors) -> str:
    """The session's start as HH:MM (10:00 when not given)."""
    starts_at = clean_text(data.get("starts_at") or "10:00", "starts_at", errors, max_length=5)
    try:
        hour, minute = (int(x) for x in starts_at.split(":"))
        if not (0 <= hour < 24 and 0 <= minute < 60):
            raise ValueError
        starts_at = f"{hour:02d}:{minute:02d}"
    except ValueError:
        errors.add("starts_at", Msg("Enter a time as HH:MM."))
    return starts_at


def _clean_registration(data: Mapping[str, Any], today: date, held_on: date | None,
                        errors: Errors) -> tuple[date, date | None]:
    """The registration window: from today by default, until the eve of the event (or the
    day itself for an event held today)."""
    opens = clean_date(data.get("registration_opens_on"), "registration_opens_on", errors) or today
    closes = clean_date(data.get("registration_closes_on"), "registration_closes_on", errors)
    if closes is None and held_on is not None:
        closes = held_on - timedelta(days=1) if held_on > today else held_on
    if closes is not None and closes < opens:
        errors.add("registration_closes_on", Msg("Registration must close after it opens."))
    if closes is not None and held_on is not None and closes > held_on:
        errors.add("registration_closes_on", Msg("Registration must close by the day of the "
                                                 "event."))
    return opens, closes


def _clean_categories(data: Mapping[str, Any], errors: Errors) -> list[str]:
    """The categories the event trades (none: every category), each once."""
    categories = []
    for value in as_list(data.get("categories")):
        choice = clean_choice(value, "categories", errors, Category)
        if choice is not None and choice.value not in categories:
            categories.append(choice.value)
    return categories


def _clean_caps(data: Mapping[str, Any], errors: Errors) -> dict[str, int]:
    """The most organizations of each sector admitted, from ``sector_caps`` (the API) or the
    form's ``cap_<sector>`` fields."""
    caps = {}
    given_caps = data.get("sector_caps") or {}
    if not isinstance(given_caps, Mapping):
        given_caps = {}
    for sector in Sector:
        value = given_caps.get(sector.value, data.get(f"cap_{sector.value}"))
        cap = clean_number(value, f"cap_{sector.value}", errors, kind=int, low=1, high=10_000)
        if cap is not None:
            caps[sector.value] = cap
    return caps


def _clean_prefix(data: Mapping[str, Any], errors: Errors) -> str:
    """The prefix of the event's contract numbers (GZ-2026/017), in capitals."""
    prefix = clean_text(data.get("number_prefix") or "GZ", "number_prefix", errors,
                        max_length=PREFIX_MAX).upper()
    if prefix and not (prefix.isascii() and prefix.replace("-", "").isalnum()):
        errors.add("number_prefix", Msg("Use letters and digits only, e.g. GZ."))
    return prefix


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
    record_change(session, ChangeKind.JOINED, actor=actor, subject=actor, event_id=event.id,
                  role=StaffRole.ORGANISER, now=now)
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
    bump_board(session, event)
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


def staff_request(session: Session, actor: User, event_id: int, email: Any, role: Any
                  ) -> tuple[ExchangeEvent, str, StaffRole, User | None]:
    """What putting EMAIL on the event's staff as ROLE takes, checked (organisers only; who
    already holds the role is refused): the event, the address, the role and its account."""
    event = get_event(session, actor, event_id)
    require_role(event, actor, StaffRole.ORGANISER)
    errors = Errors()
    email = clean_email(email, "email", errors)
    role = clean_choice(role, "role", errors, StaffRole)
    errors.raise_if_any()
    user = find_user_by_email(session, email)
    if user is not None and role in event.roles_of(user.id):
        raise ValidationError.single("email", Msg("%(name)s already has this role.",
                                                  name=user.name))
    return event, email, role, user


def add_staff(session: Session, actor: User, event_id: int, email: Any, role: Any,
              now: datetime) -> EventStaff | None:
    """Put the user with EMAIL on the event's staff at once and tell them; organisers only.

    None when no active account has EMAIL. The web invites instead (see
    organizations.add_member)."""
    event, _email, role, user = staff_request(session, actor, event_id, email, role)
    if user is None or not user.is_active:
        return None
    staff = EventStaff(user_id=user.id, role=role, created_at=now)
    event.staff.append(staff)
    session.flush()
    record_change(session, ChangeKind.JOINED, actor=actor, subject=user, event_id=event.id,
                  role=role, now=now)
    notify(session, user.id, f"event-staff:{event.id}:{user.id}:{role.value}",
           Msg("You are on the staff of %(event)s.", event=event.name), f"/events/{event.id}",
           now)
    return staff


def remove_staff(session: Session, actor: User, event_id: int, staff_id: int, *,
                 now: datetime) -> None:
    event = get_event(session, actor, event_id)
    require_role(event, actor, StaffRole.ORGANISER)
    staff = next((s for s in event.staff if s.id == staff_id), None)
    if staff is None:
        raise NotFound(Msg("There is no such person on the staff."))
    if staff.role is StaffRole.ORGANISER and sum(
            s.role is StaffRole.ORGANISER for s in event.staff) == 1:
        raise ValidationError.single(None, Msg("An event needs at least one organiser."))
    record_change(session, ChangeKind.LEFT if staff.user_id == actor.id else ChangeKind.REMOVED,
                  actor=actor, subject=staff.user, event_id=event.id, role=staff.role, now=now)
    event.staff.remove(staff)
    session.flush()
