"""An event's times as people read them: on the clocks of its hall, the zone named when the
hall is not on Polish time (pages, e-mails and the board all say "10:00 (czas: Wielka
Brytania)" rather than the reader's own zone)."""
from __future__ import annotations

from datetime import datetime

from babel.dates import format_date, format_datetime, get_timezone_location
from flask_babel import get_locale

from exchange.core.events.timing import DEFAULT_TIME_ZONE, event_start, in_event_zone, zone


def zone_label(event) -> str:
    """The event's zone named for the reader, or "" for the default one (Europe/Warsaw)."""
    name = event.time_zone or DEFAULT_TIME_ZONE
    if name == DEFAULT_TIME_ZONE:
        return ""
    if name == "UTC" or "/" not in name:
        return name
    try:
        return get_timezone_location(zone(name), locale=get_locale())
    except LookupError:
        return name


def _with_zone(text: str, event) -> str:
    label = zone_label(event)
    return f"{text} ({label})" if label else text


def event_time(event, moment: datetime | None, fmt: str = "HH:mm", *, named: bool = True) -> str:
    """MOMENT (UTC) as the clocks in EVENT's hall show it, the zone named when not Polish
    (unless not NAMED: the lines of a list in the hall, under a heading that names it)."""
    if moment is None:
        return ""
    local = in_event_zone(event, moment)
    text = format_datetime(local, fmt, tzinfo=local.tzinfo, locale=get_locale())
    return _with_zone(text, event) if named else text


def event_when(event, date_format: str = "full") -> str:
    """The day and start time of EVENT in its hall ("niedziela, 28 marca 2027, 10:00")."""
    local = in_event_zone(event, event_start(event))
    day = format_date(local.date(), date_format, locale=get_locale())
    return _with_zone(f"{day}, {local:%H:%M}", event)


def event_start_time(event) -> str:
    """Only the start time of EVENT ("10:00"), the zone named when not Polish."""
    return event_time(event, event_start(event))
