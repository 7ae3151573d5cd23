"""The OpenAPI description of saved searches (exchange/api/searches.py), merged into the
document by exchange/api/openapi.py."""
from __future__ import annotations

from exchange.core.saved_searches import MAX_PER_USER, Q_MAX
from models import Category, ListingKind, Sector


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _enum(cls) -> dict:
    return {"type": "string", "enum": [m.value for m in cls]}


FILTERS = {
    "type": "object", "additionalProperties": False,
    "description": "The marketplace's filters (GET /listings takes the same); at least one.",
    "properties": {
        "q": {"type": "string", "maxLength": Q_MAX},
        "kind": _enum(ListingKind), "category": _enum(Category), "sector": _enum(Sector),
        "municipality": {"type": "string", "maxLength": 120}}}

SCHEMAS = {
    "SavedSearch": {"type": "object", "required": ["id", "filters", "label", "created_at",
                                                   "notified_until", "url"], "properties": {
        "id": {"type": "integer"},
        "filters": FILTERS,
        "label": {"type": "string", "description": "The filters in words, in the language "
                                                   "of the request that saved them."},
        "created_at": {"type": "string", "format": "date-time"},
        "notified_until": {"type": "string", "format": "date-time",
                           "description": "Listings published up to this moment have been "
                                          "told about."},
        "url": {"type": "string", "description": "The marketplace with these filters."}}},
}


def paths(json, error, id_parameter, secured) -> dict:
    """The paths, built with openapi.py's helpers (passed in: that module imports this one)."""
    search = json(_ref("SavedSearch"), "The saved search")
    return {
        "/me/saved-searches": {
            "get": {"summary": "Your saved searches, the latest first", "security": secured,
                    "responses": {"200": json({"type": "object", "required": ["items"],
                                               "properties": {"items": {
                                                   "type": "array",
                                                   "items": _ref("SavedSearch")}}},
                                              "Your saved searches"),
                                  "401": error}},
            "post": {"summary": "Save the marketplace's filters: new listings matching them "
                                "reach you as notifications",
                     "description": f"Saving the same filters again answers 200 with the "
                                    f"search already saved. At most {MAX_PER_USER} per user.",
                     "security": secured,
                     "requestBody": {"required": True, "content": {"application/json": {
                         "schema": FILTERS}}},
                     "responses": {"201": search, "200": search, "400": error, "401": error,
                                   "422": error}}},
        "/me/saved-searches/{id}": {"delete": {
            "summary": "Remove one of your saved searches", "security": secured,
            "parameters": [id_parameter],
            "responses": {"204": {"description": "Removed"}, "401": error, "404": error}}},
    }
