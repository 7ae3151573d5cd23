"""The OpenAPI description of the partnerships' meetings (exchange/api/partnership_meetings.py),
merged into the document by exchange/api/openapi.py."""
from __future__ import annotations


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


_NAMED = {"type": "object", "properties": {"id": {"type": "integer"},
                                           "name": {"type": "string"}}}

SCHEMAS = {
    "PartnershipMeeting": {
        "type": "object",
        "required": ["id", "title", "starts_at", "local_start", "duration_minutes", "place",
                     "agenda", "recorded", "attendance", "tasks", "url"],
        "properties": {
            "id": {"type": "integer"}, "title": {"type": "string"},
            "template": {"type": ["string", "null"], "enum": ["first", "second", None]},
            "starts_at": {"type": "string", "format": "date-time", "description": "UTC."},
            "local_start": {"type": "string", "format": "date-time",
                            "description": "The same moment on the Polish clock."},
            "duration_minutes": {"type": "integer"},
            "place": {"type": "object", "properties": {
                "organization": {"type": ["object", "null"], "properties": _NAMED["properties"]},
                "text": {"type": "string"}}},
            "agenda": {"type": "string"}, "minutes": {"type": "string"},
            "decisions": {"type": "string"},
            "next_meeting_on": {"type": ["string", "null"], "format": "date"},
            "recorded": {"type": "boolean"},
            "attendance": {"type": "array", "items": {"type": "object", "properties": {
                "organization": _NAMED, "people": {"type": "string"}}}},
            "tasks": {"type": "array", "items": {"type": "object", "properties": {
                "id": {"type": "integer"}, "title": {"type": "string"},
                "due_on": {"type": "string", "format": "date"}, "owner": _NAMED,
                "done": {"type": "boolean"}}}},
            "url": {"type": "string"}}},
    "NewPartnershipMeeting": {
        "type": "object", "additionalProperties": False, "required": ["date", "time"],
        "properties": {
            "template": {"type": "string", "enum": ["first", "second"],
                         "description": "Fills the title and the agenda left out with those "
                                        "of the first or second partnership meeting."},
            "title": {"type": "string", "maxLength": 200},
            "date": {"type": "string", "format": "date"},
            "time": {"type": "string", "pattern": "^[0-2][0-9]:[0-5][0-9]$",
                     "description": "Europe/Warsaw."},
            "duration_minutes": {"type": "integer", "minimum": 15, "maximum": 720},
            "place_org_id": {"type": "integer", "description": "A member organization."},
            "place_text": {"type": "string", "maxLength": 300,
                           "description": "Required without place_org_id."},
            "agenda": {"type": "string"}}},
}


def paths(json, error, id_parameter, secured) -> dict:
    items = json({"type": "object", "required": ["items"], "properties": {
        "items": {"type": "array", "items": _ref("PartnershipMeeting")}}}, "The meetings")
    return {"/partnerships/{id}/meetings": {
        "get": {"summary": "The partnership's meetings, the latest first (for those who read "
                           "the partnership)",
                "security": secured, "parameters": [id_parameter],
                "responses": {"200": items, "401": error, "404": error}},
        "post": {"summary": "Schedule a meeting (the coordinator); the partners are notified",
                 "security": secured, "parameters": [id_parameter],
                 "requestBody": {"required": True, "content": {"application/json": {
                     "schema": _ref("NewPartnershipMeeting")}}},
                 "responses": {"201": json(_ref("PartnershipMeeting"), "The meeting"),
                               "400": error, "401": error, "403": error, "404": error,
                               "409": error, "422": error}}}}
