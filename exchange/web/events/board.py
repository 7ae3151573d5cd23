"""Events on the web: the live board for the projector and phones, and its JSON (see __init__).

Hundreds of phones poll the JSON every few seconds, so an unchanged board must cost almost
nothing: the ETag is the event's ``board_version`` (bumped by the core on every change the
board shows) with the session state (which moves on with the clock alone), read with one
small query that each process reuses for half a second; a matching If-None-Match gets a
bodiless 304 without loading the event. A changed board is computed once per worker process
and the same bytes served to every phone.
"""
from __future__ import annotations

import json
import threading
import time
from types import SimpleNamespace

from flask import Response, abort, current_app, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from exchange.core import events as core
from exchange.core.errors import NotFound
from exchange.http import access
from exchange.http.clock import utcnow
from exchange.http.event_time import event_start_time
from exchange.http.extensions import db
from exchange.http.labels import CATEGORY_LABELS, SECTOR_LABELS, SESSION_STATE_LABELS
from exchange.web.events.blueprint import bp
from models import Category, Sector
from models.base import MAX_ID
from models.event import EventParticipant, EventStatus, ExchangeEvent

POLL_SECONDS = 2
# Rows of "deals by category" on the board; more categories share the last row.
CATEGORIES_SHOWN = 7

_ticks = time.monotonic  # the clock of the per-process cache (tests replace it)
_CLOCK = (ExchangeEvent.status, ExchangeEvent.board_version, ExchangeEvent.updated_at,
          ExchangeEvent.session_started_at, ExchangeEvent.session_ends_at,
          ExchangeEvent.session_closed_at, ExchangeEvent.grace_minutes)
_cache_lock = threading.Lock()


def _clock(event_id: int):
    """The few columns the ETag is made of, or None when there is no such event.

    Each process keeps the row for EVENT_BOARD_CLOCK_SECONDS (config; 0 in tests), so
    most polls of an unchanged board touch no database at all; a change still shows within
    POLL_SECONDS + that (2.5 s by default), inside the 3 s the board promises.
    """
    if not 0 < event_id <= MAX_ID:
        return None
    ttl = current_app.config["EVENT_BOARD_CLOCK_SECONDS"]
    cache = current_app.extensions.setdefault("event_board_clock", {})
    read_at = _ticks()
    cached = cache.get(event_id)
    if ttl and cached is not None and read_at - cached[0] < ttl:
        return cached[1]
    row = db.session.execute(select(*_CLOCK).where(ExchangeEvent.id == event_id)).first()
    if row is None:
        return None
    clock = SimpleNamespace(**row._mapping)
    if len(cache) > 1000:  # a crawler walking ids: forget them rather than grow
        cache.clear()
    cache[event_id] = (read_at, clock)
    return clock


def _etag(clock, now) -> str:
    # session_state reads only the clock columns, so the small row stands in for the event.
    state = core.session_state(clock, now)
    return f"{clock.board_version}-{state}-{int(clock.updated_at.timestamp())}"


def _visible_event(event_id: int) -> ExchangeEvent:
    """The event, if the visitor may see its board (published, or a draft to its staff)."""
    actor = current_user if current_user.is_authenticated else None
    try:
        return core.get_event(db.session, actor, event_id)
    except NotFound:
        abort(404)


def _server_time(response: Response) -> Response:
    """The server's clock in milliseconds, so the browser's countdown can correct its own."""
    response.headers["X-Server-Time"] = str(int(utcnow().timestamp() * 1000))
    response.headers["Cache-Control"] = "no-cache"
    return response


def _compute(event: ExchangeEvent) -> dict:
    # The people present are counted over every participant's attendees: two queries, not
    # one per organization.
    db.session.execute(select(ExchangeEvent).where(ExchangeEvent.id == event.id).options(
        selectinload(ExchangeEvent.participants).selectinload(EventParticipant.attendees),
    ).execution_options(populate_existing=True)).scalar_one()
    return core.board(db.session, event, utcnow())


def _board_body(event: ExchangeEvent, etag: str) -> bytes:
    """The board's JSON for ETAG, computed once per process and shared by every phone.

    After a ratification every phone asks at once: the first request computes, the others
    wait for it on the lock instead of all computing the same board.
    """
    cache = current_app.extensions.setdefault("event_board_cache", {})
    cached = cache.get(event.id)
    if cached is not None and cached[0] == etag:
        return cached[1]
    with _cache_lock:
        cached = cache.get(event.id)
        if cached is not None and cached[0] == etag:
            return cached[1]
        body = json.dumps(_compute(event), ensure_ascii=False, separators=(",", ":")).encode()
        cache[event.id] = (etag, body)  # only the newest version of each event is kept
    return body


@bp.route("/<int:event_id>/board")
@access.public
def board(event_id: int):
    """The projector page (and the phones'): counts that update themselves, a countdown, a gong."""
    event = _visible_event(event_id)
    now = utcnow()
    etag = _etag(event, now)
    if event.status is EventStatus.PUBLISHED:  # 500 phones opening it share one computation
        data = json.loads(_board_body(event, etag))
        data["seconds_left"] = core.seconds_left(event, now)
    else:
        data = _compute(event)
    labels = {
        "categories": {c.value: str(CATEGORY_LABELS[c]) for c in Category},
        "sectors": {s.value: str(SECTOR_LABELS[s]) for s in Sector},
        "states": _state_labels(event),
        "no_deals": gettext("No deals yet."),
        "other_categories": gettext("Other categories"),
        "sound_on": gettext("Sound on"),
        "offline": gettext("No connection: the numbers may be out of date."),
    }
    config = {"url": url_for("events.board_json", event_id=event.id),
              "categories_shown": CATEGORIES_SHOWN,
              "poll_ms": POLL_SECONDS * 1000,
              "server_now": int(now.timestamp() * 1000), "board": data,
              "etag": etag, "labels": labels,
              "gong": url_for("static", filename="audio/gong.wav")}
    response = Response(render_template(
        "events/board.html", event=event, board=data, config=config,
        top_categories=top_categories(data["by_category"]),
        state_label=_state_labels(event)[data["state"]], staff=bool(core.roles(
            event, current_user if current_user.is_authenticated else None))))
    response.headers["Cache-Control"] = "no-cache"
    return response


def top_categories(counts: dict[str, int]) -> list[tuple[str, int]]:
    """The categories with most deals, the rest summed up under "" past CATEGORIES_SHOWN rows
    (board.js does the same): the projector has room for that many."""
    rows = list(counts.items())  # most deals first
    if len(rows) <= CATEGORIES_SHOWN:
        return rows
    shown = rows[:CATEGORIES_SHOWN - 1]
    return shown + [("", sum(count for _code, count in rows[len(shown):]))]


def _state_labels(event) -> dict[str, str]:
    """The heading over the countdown in each session state, in the reader's language; before
    the session, when it is to start (on the hall's clock)."""
    labels = {state.value: str(label.clock) for state, label in SESSION_STATE_LABELS.items()}
    labels[core.SessionState.SCHEDULED.value] = gettext("The session starts at %(time)s",
                                                        time=event_start_time(event))
    return labels


@bp.route("/<int:event_id>/board.json")
@access.public
def board_json(event_id: int):
    """The board as JSON for board.js; 304 without a body while nothing has changed."""
    clock = _clock(event_id)
    if clock is None:
        abort(404)
    now = utcnow()
    etag = _etag(clock, now)
    if clock.status is EventStatus.PUBLISHED and request.if_none_match.contains_weak(etag):
        response = Response(status=304)
        response.set_etag(etag)
        return _server_time(response)
    event = _visible_event(event_id)
    body = _board_body(event, etag) if event.status is EventStatus.PUBLISHED else json.dumps(
        _compute(event), ensure_ascii=False).encode()
    response = Response(body, mimetype="application/json")
    response.set_etag(etag)
    return _server_time(response)
