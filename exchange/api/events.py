"""The API's exchange events: the published ones, each with its live board's public data
(what the projector shows: counts, value, categories, sectors, the latest deals)."""
from __future__ import annotations

from datetime import date

from flask import abort, request

from exchange.api.base import bp, page_of, per_page
from exchange.core import events as core
from exchange.core.errors import NotFound
from exchange.http import access
from exchange.http.access import api_user
from exchange.http.clock import utcnow
from exchange.http.extensions import db
from exchange.http.urls import external_url, page_number
from models.event import ExchangeEvent


def event_json(event: ExchangeEvent, now) -> dict:
    return {
        "id": event.id, "name": event.name, "description": event.description,
        "status": event.status.value,
        "held_on": event.held_on.isoformat(), "starts_at": event.starts_at,
        "time_zone": event.time_zone, "start": core.event_start(event).isoformat(),
        "session_minutes": event.session_minutes,
        "venue": event.venue, "municipality": event.municipality,
        "registration": {"opens_on": event.registration_opens_on.isoformat(),
                         "closes_on": event.registration_closes_on.isoformat(),
                         "open": core.registration_open(event, now.date())},
        "session": {"state": core.session_state(event, now).value,
                    "started_at": _moment(event.session_started_at),
                    "ends_at": _moment(event.session_ends_at),
                    "closed_at": _moment(event.session_closed_at)},
        "categories": list(event.categories or []),
        "host": {"id": event.host_id, "name": event.host.name},
        "url": external_url("events.detail", event_id=event.id),
        "board_url": external_url("events.board", event_id=event.id),
    }


def _moment(value) -> str | None:
    return value.isoformat() if value else None


def _day(name: str) -> date | None:
    text = request.args.get(name)
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        abort(400, f"{name} must be a date (YYYY-MM-DD).")


def _event(event_id: int) -> ExchangeEvent:
    """The event, if the caller may see it: published, or a draft to its staff's token."""
    try:
        return core.get_event(db.session, api_user(), event_id)
    except NotFound:
        abort(404)


@bp.route("/events")
@access.public
def events():
    now = utcnow()
    query = core.published_query(since=_day("since"), until=_day("until"))
    pagination = db.paginate(query, page=page_number(), per_page=per_page(), error_out=False)
    return page_of(pagination, [event_json(e, now) for e in pagination.items])


@bp.route("/events/<int:event_id>")
@access.public
def event(event_id: int):
    return event_json(_event(event_id), utcnow())


@bp.route("/events/<int:event_id>/board")
@access.public
def event_board(event_id: int):
    """The live board's data, as the projector's page reads it (no private data)."""
    board = core.board(db.session, _event(event_id), utcnow())
    board["state"] = str(board["state"])
    return board
