"""The day before an event: a reminder to the people who will be there, sent a day before
its start on the hall's clock (``event_start``), so a change of the clocks between the
reminder and the event moves nothing: 10:00 in Warsaw on 2027-03-28 is 08:00Z, and its
reminder goes from 08:00Z on 2027-03-27, when the clocks there still say 09:00."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from exchange.core.errors import Msg
from exchange.core.events.registration import admitted
from exchange.core.events.timing import DEFAULT_TIME_ZONE, event_start, in_event_zone
from exchange.core.notifications import notify
from models import Membership
from models.event import EventStatus, ExchangeEvent

BEFORE = timedelta(days=1)

REMINDER = "%(event)s starts on %(date)s at %(time)s; the venue: %(venue)s."


def event_reminders(session: Session, now: datetime) -> int:
    """Remind the staff and the members of the admitted organizations of each published event
    starting within BEFORE of NOW; return how many reminders were sent (each once)."""
    # held_on is the hall's date: a day's margin either side covers every zone.
    events = session.scalars(select(ExchangeEvent).where(
        ExchangeEvent.status == EventStatus.PUBLISHED,
        ExchangeEvent.session_started_at.is_(None),
        ExchangeEvent.held_on >= (now - timedelta(days=1)).date(),
        ExchangeEvent.held_on <= (now + BEFORE + timedelta(days=1)).date()))
    sent = 0
    for event in events:
        start = event_start(event)
        if not now < start <= now + BEFORE:
            continue
        local = in_event_zone(event, start)
        time = f"{local:%H:%M}" + ("" if event.time_zone == DEFAULT_TIME_ZONE
                                   else f" ({event.time_zone})")
        message = Msg(REMINDER, event=event.name, date=f"{local:%d.%m.%Y}", time=time,
                      venue=event.venue)
        for user_id in _people(session, event):
            sent += notify(session, user_id, f"event-reminder:{event.id}:{user_id}", message,
                           f"/events/{event.id}", now)
    return sent


def _people(session: Session, event: ExchangeEvent) -> list[int]:
    """The staff and the members of the admitted organizations, each once."""
    org_ids = [p.organization_id for p in admitted(event)]
    members = session.scalars(select(Membership.user_id).where(
        Membership.organization_id.in_(org_ids))) if org_ids else []
    return sorted({s.user_id for s in event.staff} | set(members))
