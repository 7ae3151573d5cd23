"""Calendar files (.ics): an exchange event as an entry, and a calendar of entries as a
response (the event's own file, and each member's feed of their organization's dates).

An event's start and end are written in UTC (``DTSTART:20270328T080000Z``): every calendar
shows them on its own clock, and no daylight-saving rule has to travel with the file.
"""
from __future__ import annotations

from flask import Response
from icalendar import Calendar, Event

from exchange.core.events.timing import event_end, event_start
from exchange.core.partnerships import meeting_end
from exchange.http.urls import external_url
from models.event import EventStatus, ExchangeEvent
from models.meeting import PartnershipMeeting


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


def meeting_entry(meeting: PartnershipMeeting) -> Event:
    """A partnership's meeting as a VEVENT, in UTC like an event's; its place is the partner
    organization's name and address and the place in words."""
    entry = Event()
    entry.add("uid", f"partnership-meeting-{meeting.id}@gielda")
    entry.add("dtstamp", meeting.updated_at)
    entry.add("sequence", meeting.sequence or 0)
    entry.add("dtstart", meeting.starts_at)
    entry.add("dtend", meeting_end(meeting))
    entry.add("summary", f"{meeting.title} ({meeting.partnership.name})")
    org = meeting.place_org
    entry.add("location", ", ".join(x for x in (
        org.name if org else "", getattr(org, "address", "") or "", meeting.place_text) if x))
    if meeting.agenda:
        entry.add("description", meeting.agenda)
    entry.add("url", external_url("meetings.detail", partnership_id=meeting.partnership_id,
                                  meeting_id=meeting.id))
    if meeting.cancelled_at is not None:
        entry.add("status", "CANCELLED")
    return entry


def calendar_bytes(entries, name: str, *, method: str | None = None) -> bytes:
    """A calendar called NAME of ENTRIES as the bytes of an .ics file; METHOD ("REQUEST",
    "CANCEL") for one e-mailed to change or cancel what a calendar holds."""
    cal = Calendar()
    cal.add("prodid", "-//Giełda//PL")
    cal.add("version", "2.0")
    if method:
        cal.add("method", method)
    cal.add("x-wr-calname", name)
    for entry in entries:
        cal.add_component(entry)
    return cal.to_ical()


def calendar_response(entries, name: str, filename: str) -> Response:
    """A calendar called NAME of ENTRIES, served as FILENAME."""
    return Response(calendar_bytes(entries, name), mimetype="text/calendar",
                    headers={"Content-Disposition": f"inline; filename={filename}",
                             "Cache-Control": "private, max-age=300"})
