"""The OpenAPI description of the partnerships' plan (exchange/api/partnership_plan.py),
merged into the document by exchange/api/openapi.py."""
from __future__ import annotations


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


_DECIMAL = {"type": "string", "pattern": "^-?[0-9]+(\\.[0-9]+)?$",
            "description": "A decimal number as text (exact, not a float)."}
_NAMED = {"type": ["object", "null"], "properties": {"id": {"type": "integer"},
                                                     "name": {"type": "string"}}}

SCHEMAS = {
    "PlanIndicator": {
        "type": "object",
        "required": ["id", "goal", "name", "unit", "baseline", "target", "deadline", "source",
                     "achieved", "expected", "state", "url"],
        "properties": {
            "id": {"type": "integer"},
            "goal": {"type": "object", "properties": {"id": {"type": "integer"},
                                                      "title": {"type": "string"}}},
            "name": {"type": "string"}, "unit": {"type": "string"},
            "baseline": _DECIMAL, "target": _DECIMAL,
            "deadline": {"type": "string", "format": "date"},
            "source": {"type": "string", "enum": ["manual", "contracts_signed",
                                                  "contracts_fulfilled", "event_deals",
                                                  "meetings_held"],
                       "description": "manual: the progress entries add up; the others are "
                                      "counted from the partnership's record since the "
                                      "plan's start."},
            "achieved": {**_DECIMAL, "description": "baseline + the entries not withdrawn "
                                                    "(or + the record's count)."},
            "expected": {**_DECIMAL, "description": "Where the planned line stands today."},
            "state": {"type": "string", "enum": ["achieved", "on_track", "behind", "overdue",
                                                 "not_started"]},
            "url": {"type": "string"}}},
    "ProgressEntry": {
        "type": "object",
        "required": ["id", "value", "happened_on", "source", "withdrawn", "created_at"],
        "properties": {
            "id": {"type": "integer"}, "value": _DECIMAL,
            "happened_on": {"type": "string", "format": "date"},
            "source": {"type": "string"}, "user": _NAMED, "organization": _NAMED,
            "created_at": {"type": "string", "format": "date-time"},
            "withdrawn": {"type": "boolean",
                          "description": "Withdrawn entries are kept and not counted."}}},
    "NewProgressEntry": {
        "type": "object", "additionalProperties": False,
        "required": ["value", "happened_on", "source"],
        "properties": {
            "value": {"type": ["string", "number"],
                      "description": "Not zero; at most four digits after the point."},
            "happened_on": {"type": "string", "format": "date",
                            "description": "From the plan's start to today."},
            "source": {"type": "string", "maxLength": 300},
            "organization_id": {"type": "integer",
                                "description": "One of your member organizations (needed "
                                               "when you have more than one)."}}},
}


def paths(json, error, id_parameter, secured) -> dict:
    return {
        "/partnerships/{id}/indicators": {
            "get": {"summary": "The partnership's plan: its indicators, planned against "
                               "achieved (for those who read the partnership)",
                    "security": secured, "parameters": [id_parameter],
                    "responses": {"200": json({"type": "object", "required": ["plan", "items"],
                                               "properties": {
                                                   "plan": {"type": "object"},
                                                   "items": {"type": "array",
                                                             "items": _ref("PlanIndicator")}}},
                                              "The indicators"),
                                  "401": error, "404": error}}},
        "/indicators/{id}/progress": {
            "get": {"summary": "An indicator's progress entries, the latest first (for those "
                               "who read its partnership)",
                    "security": secured, "parameters": [id_parameter],
                    "responses": {"200": json({"type": "object",
                                               "required": ["indicator", "items"],
                                               "properties": {
                                                   "indicator": _ref("PlanIndicator"),
                                                   "items": {"type": "array",
                                                             "items": _ref("ProgressEntry")}}},
                                              "The entries"),
                                  "401": error, "404": error}},
            "post": {"summary": "Add progress (the partners' people and the coordinator)",
                     "security": secured, "parameters": [id_parameter],
                     "requestBody": {"required": True, "content": {"application/json": {
                         "schema": _ref("NewProgressEntry")}}},
                     "responses": {"201": json(_ref("ProgressEntry"), "The entry"),
                                   "400": error, "401": error, "403": error, "404": error,
                                   "409": error, "422": error}}},
    }
