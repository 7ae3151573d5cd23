"""The OpenAPI description of the events' endpoints (exchange/api/events.py), merged into
the document by exchange/api/openapi.py."""
from __future__ import annotations

from models import Category, Sector
from models.event import EventStatus

_DATE = {"type": "string", "format": "date"}
_MOMENT = {"type": ["string", "null"], "format": "date-time"}
_STATES = {"type": "string", "enum": ["scheduled", "open", "grace", "ended", "closed"]}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


SCHEMAS = {
    "Event": {"type": "object", "required": ["id", "name", "held_on", "session", "host"],
              "properties": {
        "id": {"type": "integer"}, "name": {"type": "string"},
        "description": {"type": "string"},
        "status": {"type": "string", "enum": [s.value for s in EventStatus]},
        "held_on": _DATE, "starts_at": {"type": "string",
                                        "description": "HH:MM on the clocks of time_zone"},
        "time_zone": {"type": "string", "description": "IANA name, e.g. Europe/Warsaw"},
        "start": {"type": "string", "format": "date-time",
                  "description": "held_on at starts_at in time_zone, in UTC"},
        "session_minutes": {"type": "integer"},
        "venue": {"type": "string"}, "municipality": {"type": "string"},
        "registration": {"type": "object", "properties": {
            "opens_on": _DATE, "closes_on": _DATE, "open": {"type": "boolean"}}},
        "session": {"type": "object", "properties": {
            "state": _STATES, "started_at": _MOMENT, "ends_at": _MOMENT, "closed_at": _MOMENT}},
        "categories": {"type": "array", "items": {"type": "string", "enum": [
            c.value for c in Category]}, "description": "Empty: every category."},
        "host": {"type": "object", "properties": {"id": {"type": "integer"},
                                                  "name": {"type": "string"}}},
        "url": {"type": "string"}, "board_url": {"type": "string"}}},
    "Board": {"type": "object", "required": ["state", "deals", "value", "by_category",
                                             "by_sector", "latest"], "properties": {
        "event": {"type": "object", "properties": {"id": {"type": "integer"},
                                                   "name": {"type": "string"}}},
        "state": _STATES,
        "seconds_left": {"type": "integer", "minimum": 0},
        "starts_at": {"type": "string", "format": "date-time",
                      "description": "When the session is to start, in UTC"},
        "ends_at": _MOMENT,
        "deals": {"type": "integer"},
        "value": {"type": "integer", "description": "Estimated value in zł, for statistics "
                                                    "only: no money changes hands."},
        "by_category": {"type": "object", "description": "Deals per category code, most first.",
                        "additionalProperties": {"type": "integer"}},
        "by_sector": {"type": "object", "properties": {
            s.value: {"type": "integer"} for s in Sector}},
        "present": {"type": "integer"}, "expected": {"type": "integer"},
        "announcement": {"type": "string"},
        "latest": {"type": "array", "items": {"type": "object", "properties": {
            "number": {"type": "string"},
            "parties": {"type": "array", "items": {"type": "string"}},
            "what": {"type": "array", "items": {"type": "string"}},
            "value": {"type": "integer"}, "at": {"type": "string", "format": "date-time"}}}},
        "award": {"type": ["object", "null"], "description": (
            "The match of the year, after the session: null before nominations open, "
            "announced false while the participants vote, then the winning deal's number, "
            "its parties' organization names and its commitments."),
            "required": ["announced"], "properties": {
                "announced": {"type": "boolean"}, "number": {"type": "string"},
                "parties": {"type": "array", "items": {"type": "string"}},
                "what": {"type": "array", "items": {"type": "string"}}}},
        "version": {"type": "integer"}}},
}


def paths(json, page, error, id_parameter, paging) -> dict:
    """The paths, built with openapi.py's helpers (passed in: that module imports this one)."""
    return {
        "/events": {"get": {
            "summary": "Published exchange events, the latest first",
            "parameters": [
                {"name": "since", "in": "query", "schema": _DATE,
                 "description": "Only events held on this day or later."},
                {"name": "until", "in": "query", "schema": _DATE,
                 "description": "Only events held on this day or earlier."}, *paging],
            "responses": {"200": json(page("Event"), "A page of events"), "400": error}}},
        "/events/{id}": {"get": {
            "summary": "One event (a draft only to its staff's token)",
            "parameters": [id_parameter],
            "responses": {"200": json(_ref("Event"), "The event"), "404": error}}},
        "/events/{id}/board": {"get": {
            "summary": "The event's live board: the public figures the projector shows",
            "parameters": [id_parameter],
            "responses": {"200": json(_ref("Board"), "The board"), "404": error}}},
    }
