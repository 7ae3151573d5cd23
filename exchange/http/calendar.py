"""Calendar files (.ics): an exchange event as an entry, and a calendar of entries as a
response (the event's own file, and each member's feed of their organization's dates).

An event's start and end are written in UTC (``DTSTART:20270328T080000Z``): every calendar
shows them on its own clock, and no daylight-saving rule has to travel with the file.
"""
from __future__ import annotations

from flask import Response
from icalendar import Calendar, Event

from exchange.core.events.timing import event_end, event_start
from exchange.http.urls import external_url
from models.event import EventStatus, ExchangeEvent


def event_entry(event: ExchangeEvent) -> Event:
    """EVENT as a VEVENT: its session, from the start time in its zone, for its length."""
    entry = Event()
    entry.add("uid", f"event-{event.id}@gielda")
    entry.add("dtstamp", event.updated_at)
    entry.add("dtstart", event_start(event))
    entry.add("dtend", event_end(event))
    entry.add("summary", event.name)
    entry.add("location", ", ".join(x for x in (event.venue, event.municipality) if x))
    entry.add("url", external_url("events.detail", event_id=event.id))
    if event.status is EventStatus.CANCELLED:
        entry.add("status", "CANCELLED")
    return entry


def calendar_response(entries, name: str, filename: str) -> Response:
    """A calendar called NAME of ENTRIES, served as FILENAME."""
    cal = Calendar()
    cal.add("prodid", "-//Giełda//PL")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    for entry in entries:
        cal.add_component(entry)
    return Response(cal.to_ical(), mimetype="text/calendar",
                    headers={"Content-Disposition": f"inline; filename={filename}",
                             "Cache-Control": "private, max-age=300"})
