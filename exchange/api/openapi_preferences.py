"""The OpenAPI description of the notification preferences (exchange/api/preferences.py),
merged into the document by exchange/api/openapi.py."""
from __future__ import annotations

from exchange.core.preferences import CHANNELS, DEFAULTS, KINDS

_CHANNEL = {"type": "string", "enum": list(CHANNELS),
            "description": "now: e-mail at once; daily, weekly: in that digest; never: only "
                           "in the app."}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


SCHEMAS = {
    "Preferences": {"type": "object", "required": ["preferences", "defaults"], "properties": {
        "preferences": {"type": "object", "required": list(KINDS), "additionalProperties": False,
                        "properties": {kind: _CHANNEL for kind in KINDS}},
        "defaults": {"type": "object", "properties": {
            kind: {**_CHANNEL, "default": DEFAULTS[kind]} for kind in KINDS}}}},
}


def paths(json, error, secured) -> dict:
    """The paths, built with openapi.py's helpers (passed in: that module imports this one)."""
    return {"/me/preferences": {
        "get": {"summary": "How each kind of your notifications is e-mailed to you",
                "security": secured,
                "responses": {"200": json(_ref("Preferences"), "Your choices"), "401": error}},
        "put": {"summary": "Choose how some kinds of your notifications are e-mailed to you",
                "description": "Kinds not named keep their channel. Every notification still "
                               "appears in the app.",
                "security": secured,
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "type": "object", "additionalProperties": False,
                    "required": ["preferences"], "properties": {"preferences": {
                        "type": "object", "additionalProperties": False,
                        "properties": {kind: _CHANNEL for kind in KINDS}}}}}}},
                "responses": {"200": json(_ref("Preferences"), "Your choices, all of them"),
                              "400": error, "401": error, "422": error}}}}
