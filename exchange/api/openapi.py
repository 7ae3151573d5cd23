"""The OpenAPI 3.1 document of the API, served at /api/v1/openapi.json."""
from __future__ import annotations

from flask import current_app

from exchange import listings as core
from exchange.api import bp
from exchange.web import access
from models import Category, ListingKind, ListingStatus, Sector, Unit


def _enum(cls) -> dict:
    return {"type": "string", "enum": [m.value for m in cls]}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


ERROR = _json(_ref("Error"), "An error")
NULLABLE_DATE = {"type": ["string", "null"], "format": "date"}
ID_PARAMETER = {"name": "id", "in": "path", "required": True,
                "schema": {"type": "integer", "minimum": 1}}
PAGING = [
    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
    {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100}},
]
LISTING_FILTERS = [
    {"name": "q", "in": "query", "description": "Words to find; Polish inflection and missing "
     "diacritics are fine (\"sali\" finds \"sala\").", "schema": {"type": "string"}},
    {"name": "kind", "in": "query", "schema": _enum(ListingKind)},
    {"name": "category", "in": "query", "schema": _enum(Category)},
    {"name": "sector", "in": "query", "schema": _enum(Sector)},
    {"name": "municipality", "in": "query", "schema": {"type": "string"}},
    {"name": "sort", "in": "query", "schema": {"type": "string", "enum": list(core.SORTS)}},
    *PAGING,
]
LISTING_FIELDS = {
    "kind": _enum(ListingKind),
    "category": _enum(Category),
    "title": {"type": "string", "maxLength": core.TITLE_MAX},
    "description": {"type": "string", "maxLength": core.DESCRIPTION_MAX},
    "quantity": {"type": "integer", "minimum": 1, "maximum": core.QUANTITY_MAX},
    "unit": _enum(Unit),
    "available_from": NULLABLE_DATE,
    "available_until": NULLABLE_DATE,
    "municipality": {"type": "string", "maxLength": 120},
    "latitude": {"type": ["number", "null"], "minimum": -90, "maximum": 90},
    "longitude": {"type": ["number", "null"], "minimum": -180, "maximum": 180},
    "expires_on": NULLABLE_DATE,
    "cost_contribution": {"type": "string", "maxLength": core.CONTRIBUTION_MAX,
                          "description": "The one tolerated money matter: a contribution to "
                                         "transport or material costs."},
}
SCHEMAS = {
    "Error": {"type": "object", "required": ["error", "message"], "properties": {
        "error": {"type": "string"}, "message": {"type": "string"},
        "fields": {"type": "object", "additionalProperties": {
            "type": "array", "items": {"type": "string"}}}}},
    "Links": {"type": "object", "required": ["self", "first", "last"], "properties": {
        k: {"type": "string"} for k in ("self", "first", "last", "next", "prev")}},
    "Organization": {"type": "object", "required": ["id", "name", "sector", "municipality"],
                     "properties": {
        "id": {"type": "integer"}, "ref": {"type": ["string", "null"]},
        "name": {"type": "string"}, "sector": _enum(Sector),
        "municipality": {"type": "string"}, "address": {"type": "string"},
        "description": {"type": "string"}, "website": {"type": "string"},
        "is_verified": {"type": "boolean"}, "url": {"type": "string"},
        "contact": {"type": "object", "description": "Present when the organization shows its "
                    "contact details publicly.", "properties": {
                        "name": {"type": "string"}, "email": {"type": "string"},
                        "phone": {"type": "string"}}}}},
    "Listing": {"type": "object", "required": ["id", "kind", "category", "title", "quantity",
                                               "unit", "remaining", "status", "organization"],
                "properties": {
        "id": {"type": "integer"}, "ref": {"type": ["string", "null"]},
        **LISTING_FIELDS,
        "remaining": {"type": "integer", "minimum": 0},
        "status": _enum(ListingStatus),
        "created_at": {"type": "string", "format": "date-time"},
        "updated_at": {"type": "string", "format": "date-time"},
        "url": {"type": "string"},
        "organization": {"type": "object", "required": ["id", "name", "sector"], "properties": {
            "id": {"type": "integer"}, "ref": {"type": ["string", "null"]},
            "name": {"type": "string"}, "sector": _enum(Sector),
            "municipality": {"type": "string"}}}}},
    "NewListing": {"type": "object", "additionalProperties": False,
                   "required": ["organization_id", "kind", "category", "title", "quantity", "unit"],
                   "properties": {
        "organization_id": {"type": "integer"},
        "status": {"type": "string", "enum": ["open", "draft"]},
        **LISTING_FIELDS}},
    "ListingChanges": {"type": "object", "additionalProperties": False,
                       "properties": LISTING_FIELDS},
    "Token": {"type": "object", "required": ["id", "name", "prefix", "created_at", "revoked"],
              "properties": {
        "id": {"type": "integer"}, "name": {"type": "string"}, "prefix": {"type": "string"},
        "created_at": {"type": "string", "format": "date-time"},
        "last_used_at": {"type": ["string", "null"], "format": "date-time"},
        "revoked": {"type": "boolean"},
        "token": {"type": "string", "description": "Only in the answer that issues it."}}},
}


def _page(item: str) -> dict:
    return {"type": "object", "required": ["items", "page", "per_page", "total", "links"],
            "properties": {"items": {"type": "array", "items": _ref(item)},
                           "page": {"type": "integer"}, "per_page": {"type": "integer"},
                           "total": {"type": "integer"}, "links": _ref("Links")}}


SECURED = [{"bearer": []}]
PATHS = {
    "/tokens": {
        "post": {"summary": "Issue a personal API token with your email and password",
                 "requestBody": {"required": True, "content": {"application/json": {"schema": {
                     "type": "object", "required": ["email", "password"], "properties": {
                         "email": {"type": "string"}, "password": {"type": "string"},
                         "name": {"type": "string", "maxLength": 100}}}}}},
                 "responses": {"201": _json(_ref("Token"), "The token; keep it, it is shown once"),
                               "400": ERROR, "401": ERROR, "422": ERROR, "429": ERROR}},
        "get": {"summary": "Your tokens", "security": SECURED,
                "responses": {"200": _json({"type": "object", "required": ["items"], "properties": {
                    "items": {"type": "array", "items": _ref("Token")}}}, "Your tokens"),
                    "401": ERROR}},
    },
    "/tokens/{id}": {"delete": {
        "summary": "Revoke one of your tokens", "security": SECURED, "parameters": [ID_PARAMETER],
        "responses": {"204": {"description": "Revoked"}, "401": ERROR, "404": ERROR}}},
    "/organizations": {"get": {
        "summary": "The public directory of organizations",
        "parameters": [{"name": "sector", "in": "query", "schema": _enum(Sector)},
                       {"name": "municipality", "in": "query", "schema": {"type": "string"}},
                       *PAGING],
        "responses": {"200": _json(_page("Organization"), "A page of organizations"),
                      "400": ERROR}}},
    "/organizations/{id}": {"get": {
        "summary": "One organization's public profile", "parameters": [ID_PARAMETER],
        "responses": {"200": _json(_ref("Organization"), "The organization"), "404": ERROR}}},
    "/listings": {
        "get": {"summary": "Open listings, filtered like the marketplace page",
                "parameters": LISTING_FILTERS,
                "responses": {"200": _json(_page("Listing"), "A page of listings"),
                              "400": ERROR}},
        "post": {"summary": "Post an offer or a need for an organization you belong to",
                 "security": SECURED,
                 "requestBody": {"required": True, "content": {"application/json": {
                     "schema": _ref("NewListing")}}},
                 "responses": {"201": {**_json(_ref("Listing"), "The new listing"), "headers": {
                     "Location": {"schema": {"type": "string"}}}},
                     "400": ERROR, "401": ERROR, "404": ERROR, "422": ERROR}},
    },
    "/listings/{id}": {
        "get": {"summary": "One listing (a draft only for members of its organization)",
                "parameters": [ID_PARAMETER],
                "responses": {"200": _json(_ref("Listing"), "The listing"), "404": ERROR}},
        "patch": {"summary": "Change some fields of your organization's listing",
                  "security": SECURED, "parameters": [ID_PARAMETER],
                  "requestBody": {"required": True, "content": {"application/json": {
                      "schema": _ref("ListingChanges")}}},
                  "responses": {"200": _json(_ref("Listing"), "The changed listing"),
                                "400": ERROR, "401": ERROR, "404": ERROR, "422": ERROR}},
    },
    "/listings/{id}/proposals": {"get": {
        "summary": "The best matches for your organization's listing, with reasons",
        "security": SECURED,
        "parameters": [ID_PARAMETER, {"name": "limit", "in": "query",
                                      "schema": {"type": "integer", "minimum": 1, "maximum": 50}}],
        "responses": {"200": _json({"type": "object", "required": ["items"], "properties": {
            "items": {"type": "array", "items": {
                "type": "object", "required": ["listing", "score", "reasons", "decision"],
                "properties": {"listing": _ref("Listing"),
                               "score": {"type": "number", "minimum": 0, "maximum": 1},
                               "reasons": {"type": "array", "items": {"type": "string"}},
                               "decision": {"type": ["string", "null"],
                                            "enum": ["accepted", "declined", None]}}}}}},
            "Proposals, best first"), "401": ERROR, "404": ERROR}}},
    "/listings/{id}/{action}": {"post": {
        "summary": "Publish, pause, reopen or close your organization's listing",
        "security": SECURED,
        "parameters": [ID_PARAMETER, {"name": "action", "in": "path", "required": True,
                                      "schema": {"type": "string", "enum": list(core.TRANSITIONS)}}],
        "responses": {"200": _json(_ref("Listing"), "The listing in its new state"),
                      "401": ERROR, "404": ERROR, "422": ERROR}}},
}


def openapi_document(title: str) -> dict:
    return {
        "openapi": "3.1.0",
        "info": {"title": f"{title} API", "version": "1",
                 "description": "Organizations exchange resources, never money. Reading is "
                                "open to all; changes need a personal token "
                                "(Authorization: Bearer <token>)."},
        "servers": [{"url": "/api/v1"}],
        "paths": PATHS,
        "components": {"schemas": SCHEMAS, "securitySchemes": {
            "bearer": {"type": "http", "scheme": "bearer"}}},
    }


@bp.route("/openapi.json")
@access.public
def openapi():
    return openapi_document(current_app.config.get("APP_NAME", "Giełda"))
