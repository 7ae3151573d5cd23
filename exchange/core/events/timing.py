"""When an event happens: its day and start time read in its own time zone, as moments in UTC.

An event's ``held_on`` and ``starts_at`` are a wall-clock time in the hall (``time_zone``);
everything that computes with the start (calendar entries, the board's "starts at", jobs)
asks ``event_start`` here, so a change of the clocks between today and the event moves
nothing: 10:00 in Warsaw on 2027-03-27 is 09:00Z, and on 2027-03-28 (summer time) 08:00Z.

A start the clocks skip (02:30 on the spring-forward night) is refused by ``clean_event``;
one they pass twice (02:30 on the fall-back night) is the first of the two.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from exchange.core.errors import Errors, Msg

DEFAULT_TIME_ZONE = "Europe/Warsaw"
TIME_ZONE_MAX = 64
_REGIONS = {"Africa", "America", "Antarctica", "Arctic", "Asia", "Atlantic", "Australia",
            "Europe", "Indian", "Pacific"}


@lru_cache(maxsize=1)
def time_zones() -> tuple[str, ...]:
    """The zones offered for an event: Europe/* first, then the other regions, each
    alphabetically, and UTC. Legacy aliases ("Poland", "US/Pacific") only repeat a real zone:
    they are accepted (see clean_time_zone) but not offered."""
    names = [n for n in available_timezones() if n.split("/")[0] in _REGIONS and "/" in n]
    names.append("UTC")
    return tuple(sorted(names, key=lambda n: (not n.startswith("Europe/"), n)))


def zone(name: str | None) -> ZoneInfo:
    """The zone called NAME; the default one for a name this system does not know."""
    try:
        return ZoneInfo(name or DEFAULT_TIME_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_TIME_ZONE)


def clean_time_zone(value, field: str, errors: Errors) -> str:
    """An IANA zone name from the list (the default when none is given)."""
    name = str(value or "").strip() or DEFAULT_TIME_ZONE
    if len(name) > TIME_ZONE_MAX or (name not in time_zones()
                                     and name not in available_timezones()):
        errors.add(field, Msg("Choose a time zone from the list, e.g. Europe/Warsaw."))
        return DEFAULT_TIME_ZONE
    return name


def _wall_clock(held_on: date, starts_at: str) -> datetime:
    hour, minute = (int(x) for x in (starts_at or "10:00").split(":"))
    return datetime.combine(held_on, time(hour, minute))


def local_start(held_on: date, starts_at: str, zone_name: str | None) -> datetime:
    """HELD_ON at STARTS_AT (HH:MM) in the zone, as an aware UTC datetime; of a time the
    clocks pass twice, the first."""
    return _wall_clock(held_on, starts_at).replace(tzinfo=zone(zone_name), fold=0) \
        .astimezone(timezone.utc)


def skipped_by_clocks(held_on: date, starts_at: str, zone_name: str | None) -> bool:
    """Whether no clock in the zone shows STARTS_AT on HELD_ON (the hour skipped when summer
    time begins)."""
    wall = _wall_clock(held_on, starts_at)
    there = zone(zone_name)
    back = wall.replace(tzinfo=there).astimezone(timezone.utc).astimezone(there)
    return back.replace(tzinfo=None) != wall


def event_start(event) -> datetime:
    """When EVENT's session is to start, in UTC."""
    return local_start(event.held_on, event.starts_at, event.time_zone)


def event_end(event) -> datetime:
    """When EVENT's session ends (or is to end, if it keeps to its start time), in UTC."""
    if event.session_ends_at is not None:
        return event.session_ends_at
    return event_start(event) + timedelta(minutes=event.session_minutes)


def in_event_zone(event, moment: datetime) -> datetime:
    """MOMENT (aware, or naive UTC) as the clocks in EVENT's hall show it."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(zone(event.time_zone))


def local_today(event, now: datetime) -> date:
    """The date in EVENT's hall at NOW."""
    return in_event_zone(event, now).date()
