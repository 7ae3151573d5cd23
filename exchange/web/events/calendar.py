"""An event as a calendar entry (.ics) to download; members' feeds carry it too (see
contracts.feed and exchange/http/calendar.py)."""
from __future__ import annotations

from flask import abort
from flask_login import current_user

from exchange.core import events as core
from exchange.core.errors import NotFound
from exchange.http import access
from exchange.http.calendar import calendar_response, event_entry
from exchange.http.extensions import db
from exchange.web.events.blueprint import bp


@bp.route("/<int:event_id>/calendar.ics")
@access.public
def calendar(event_id: int):
    """The event for the visitor's calendar (a draft only to its staff)."""
    try:
        event = core.get_event(db.session, current_user if current_user.is_authenticated
                               else None, event_id)
    except NotFound:
        abort(404)
    return calendar_response([event_entry(event)], f"Giełda: {event.name}",
                             f"event-{event.id}.ics")
