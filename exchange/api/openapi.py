"""The OpenAPI 3.1 document of the API, served at /api/v1/openapi.json."""
from __future__ import annotations

from flask import current_app

from exchange.api import (openapi_events, openapi_meetings, openapi_open_data,
                          openapi_partnerships, openapi_plan, openapi_preferences,
                          openapi_searches)
from exchange.api.base import bp
from exchange.core import contracts
from exchange.core import listings as core
from exchange.http import access
from models import (
    Category,
    CommitmentStatus,
    ContractStatus,
    ListingKind,
    ListingStatus,
    Sector,
    Unit,
    VersionState,
)


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
NOT_A_PAYMENT = {"not_a_payment": {
    "type": "boolean", "description": "Confirms that words which may be about money "
    "(\"wynajem\", \"sponsor\", \"budżet\"…) are not a payment. Without it such a listing is "
    "refused with 422 and money_warnings listing the words; certain money talk (prices, "
    "amounts, \"sprzedam\") is refused whatever it says. Needed again when the title or the "
    "description changes."}}
SCHEMAS = {
    "Error": {"type": "object", "required": ["error", "message"], "properties": {
        "error": {"type": "string"}, "message": {"type": "string"},
        "fields": {"type": "object", "additionalProperties": {
            "type": "array", "items": {"type": "string"}}},
        "money_warnings": {
            "type": "array", "description": "Words of a listing that may be about money; "
            "send not_a_payment: true to confirm they are not a payment.",
            "items": {"type": "object", "required": ["field", "fragment"], "properties": {
                "field": {"type": "string"}, "fragment": {"type": "string"}}}}}},
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
        "money_confirmed": {"type": ["object", "null"], "description": "Words that may be "
                            "about money, confirmed by the author as not a payment.",
                            "properties": {"fragment": {"type": "string"},
                                           "at": {"type": ["string", "null"],
                                                  "format": "date-time"}}},
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
        **LISTING_FIELDS, **NOT_A_PAYMENT}},
    "ListingChanges": {"type": "object", "additionalProperties": False,
                       "properties": {**LISTING_FIELDS, **NOT_A_PAYMENT}},
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
                 "description": "Failed attempts count per e-mail address together with the "
                                "web's logins; past the limit the answer is 429 with "
                                "Retry-After.",
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
    "/password-reset": {"post": {
        "summary": "Forgot your password? Have a link to set a new one e-mailed",
        "description": "The answer is the same whether or not the address has an account; "
                       "if it has an active one, a link that works once, within an hour, is "
                       "e-mailed to it. Counted with the login links per address and per "
                       "client; past the limit the answer is 429 with Retry-After.",
        "requestBody": {"required": True, "content": {"application/json": {"schema": {
            "type": "object", "additionalProperties": False, "required": ["email"],
            "properties": {"email": {"type": "string", "maxLength": 254}}}}}},
        "responses": {"202": _json({"type": "object", "required": ["message"], "properties": {
            "message": {"type": "string"}}}, "Asked; the message says what happens next"),
            "400": ERROR, "422": ERROR,
            "429": {**ERROR, "headers": {"Retry-After": {"schema": {"type": "integer"}}}}}}},
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


# ---------------------------------------------------------------------------- contracts

DATE_TIME = {"type": "string", "format": "date-time"}
NULLABLE_DATE_TIME = {"type": ["string", "null"], "format": "date-time"}
NULLABLE_ID = {"type": ["integer", "null"], "minimum": 1}
COMMITMENT_TERMS = {
    "giver_id": {"type": "integer", "description": "The party that gives."},
    "receiver_id": {"type": "integer", "description": "The party that receives."},
    "what": {"type": "string", "maxLength": contracts.WHAT_MAX,
             "description": "What is given; never money."},
    "quantity": {"type": "integer", "minimum": 1, "maximum": contracts.QUANTITY_MAX},
    "unit": _enum(Unit),
    "due_on": {"type": "string", "format": "date",
               "description": "From today to three years ahead."},
    "listing_id": {**NULLABLE_ID, "description": "The giver's offer: linking it reserves the "
                   "quantity of its remaining capacity, or the contract is refused as no "
                   "longer available."},
    "need_id": {**NULLABLE_ID, "description": "The receiver's need this serves."},
    "estimated_value": {"type": ["integer", "null"], "minimum": 0,
                        "maximum": contracts.VALUE_MAX,
                        "description": "In złoty, for statistics only; never a price."},
}
SCHEMAS.update({
    "NewContract": {"type": "object", "additionalProperties": False,
                    "required": ["parties", "commitments"], "properties": {
        "parties": {"type": "array", "items": {"type": "integer"}, "minItems": 2,
                    "maxItems": contracts.MAX_PARTIES,
                    "description": "Organization ids; yours must be one of them."},
        "representatives": {"type": "object", "description": "Who represents each party, by "
                            "organization id.", "propertyNames": {"pattern": "^[0-9]+$"},
                            "additionalProperties": {
                                "type": "string", "maxLength": contracts.REPRESENTATIVE_MAX}},
        "note": {"type": "string", "maxLength": contracts.NOTE_MAX},
        "commitments": {"type": "array", "minItems": 1, "maxItems": contracts.MAX_COMMITMENTS,
                        "items": {"type": "object", "additionalProperties": False,
                                  "required": ["giver_id", "receiver_id", "what", "quantity",
                                               "unit", "due_on"],
                                  "properties": COMMITMENT_TERMS}}}},
    "Commitment": {"type": "object", "required": ["id", *COMMITMENT_TERMS, "reserved",
                                                  "awaits_reservation", "status"],
                   "properties": {
        "id": {"type": "integer"}, "position": {"type": "integer"}, **COMMITMENT_TERMS,
        "reserved": {"type": "integer", "minimum": 0,
                     "description": "How much of the linked offer this holds now."},
        "awaits_reservation": {"type": "boolean", "description": (
            "The linked offer is not reserved yet: its giver has not signed this version "
            "(nor drafted or edited it), or the amendment is not in force yet.")},
        "status": _enum(CommitmentStatus), "status_note": {"type": "string"},
        "delivered_at": NULLABLE_DATE_TIME, "settled_at": NULLABLE_DATE_TIME}},
    "ContractVersion": {"type": "object", "required": ["number", "state", "note", "commitments",
                                                       "signatures"], "properties": {
        "number": {"type": "integer"}, "state": _enum(VersionState), "note": {"type": "string"},
        "created_at": DATE_TIME, "frozen_at": NULLABLE_DATE_TIME, "signed_at": NULLABLE_DATE_TIME,
        "commitments": {"type": "array", "items": _ref("Commitment")},
        "signatures": {"type": "array", "items": {
            "type": "object", "required": ["organization_id", "signed_by", "signed_at"],
            "properties": {"organization_id": {"type": "integer"}, "signed_by": {"type": "string"},
                           "signed_at": DATE_TIME}}}}},
    "Contract": {"type": "object", "required": ["id", "number", "status", "revision",
                                                "current_version", "parties", "versions"],
                 "properties": {
        "id": {"type": "integer"}, "number": {"type": "string"}, "status": _enum(ContractStatus),
        "revision": {"type": "integer", "description": "Send it back when signing to be sure "
                     "nobody changed the contract since you read it (409 otherwise)."},
        "current_version": {"type": "integer", "description": "The version being written, "
                            "signed or in force."},
        "version_in_force": {"type": ["integer", "null"]},
        "proposal_id": {"type": ["integer", "null"]},
        "created_at": DATE_TIME, "updated_at": DATE_TIME,
        "activated_at": NULLABLE_DATE_TIME, "ended_at": NULLABLE_DATE_TIME,
        "parties": {"type": "array", "items": {
            "type": "object", "required": ["organization_id", "name", "representative"],
            "properties": {"organization_id": {"type": "integer"}, "name": {"type": "string"},
                           "representative": {"type": "string"},
                           "cancel_requested_at": NULLABLE_DATE_TIME}}},
        "versions": {"type": "array", "items": _ref("ContractVersion")}}},
})
ACTING_PARTY = {"type": "integer", "description": "The party you act for."}
COMMITMENT_ID = {"name": "commitment_id", "in": "path", "required": True,
                 "schema": {"type": "integer", "minimum": 1}}
PATHS.update({
    "/organizations/{id}/contracts": {
        "get": {"summary": "Your organization's contracts, newest first", "security": SECURED,
                "parameters": [ID_PARAMETER, {"name": "status", "in": "query",
                                              "schema": _enum(ContractStatus)}, *PAGING],
                "responses": {"200": _json(_page("Contract"), "A page of contracts"),
                              "400": ERROR, "401": ERROR, "404": ERROR}},
        "post": {"summary": "Draft a contract; your organization must be one of the parties",
                 "security": SECURED, "parameters": [ID_PARAMETER],
                 "requestBody": {"required": True, "content": {"application/json": {
                     "schema": _ref("NewContract")}}},
                 "responses": {"201": {**_json(_ref("Contract"), "The new draft"), "headers": {
                     "Location": {"schema": {"type": "string"}}}},
                     "400": ERROR, "401": ERROR, "404": ERROR, "409": ERROR, "422": ERROR}},
    },
    "/contracts/{id}": {"get": {
        "summary": "One contract with every version, for members of its parties",
        "security": SECURED, "parameters": [ID_PARAMETER],
        "responses": {"200": _json(_ref("Contract"), "The contract"), "401": ERROR,
                      "404": ERROR}}},
    "/contracts/{id}/sign": {"post": {
        "summary": "Sign the current version for a party you may sign for",
        "description": "The password is always asked; after a few wrong ones (per user, "
                       "counted with the web's) the answer is 429 with Retry-After. The last "
                       "signature brings the contract into force.",
        "security": SECURED, "parameters": [ID_PARAMETER],
        "requestBody": {"required": True, "content": {"application/json": {"schema": {
            "type": "object", "additionalProperties": False,
            "required": ["organization_id", "password"], "properties": {
                "organization_id": ACTING_PARTY, "password": {"type": "string"},
                "revision": {"type": "integer"}}}}}},
        "responses": {"200": _json(_ref("Contract"), "The contract after signing"),
                      "400": ERROR, "401": ERROR, "403": ERROR, "404": ERROR, "409": ERROR,
                      "422": ERROR, "429": ERROR}}},
    "/contracts/{id}/commitments/{commitment_id}/{action}": {"post": {
        "summary": "Record fulfilment: the giver delivers, the receiver confirms or disputes, "
                   "either says it is not feasible",
        "description": "A dispute and not feasible need a note saying what happened.",
        "security": SECURED,
        "parameters": [ID_PARAMETER, COMMITMENT_ID, {
            "name": "action", "in": "path", "required": True,
            "schema": {"type": "string", "enum": list(contracts.COMMITMENT_ACTIONS)}}],
        "requestBody": {"required": True, "content": {"application/json": {"schema": {
            "type": "object", "additionalProperties": False, "required": ["organization_id"],
            "properties": {"organization_id": ACTING_PARTY,
                           "note": {"type": "string", "maxLength": contracts.STATUS_NOTE_MAX}}}}}},
        "responses": {"200": _json(_ref("Contract"), "The contract after the change"),
                      "400": ERROR, "401": ERROR, "403": ERROR, "404": ERROR, "409": ERROR,
                      "422": ERROR}}},
})

PATHS.update(openapi_events.paths(_json, _page, ERROR, ID_PARAMETER, PAGING))
SCHEMAS.update(openapi_events.SCHEMAS)
PATHS.update(openapi_preferences.paths(_json, ERROR, SECURED))
SCHEMAS.update(openapi_preferences.SCHEMAS)
PATHS.update(openapi_searches.paths(_json, ERROR, ID_PARAMETER, SECURED))
SCHEMAS.update(openapi_searches.SCHEMAS)
PATHS.update(openapi_partnerships.paths(_json, _page, ERROR, ID_PARAMETER, PAGING, SECURED))
SCHEMAS.update(openapi_partnerships.SCHEMAS)
PATHS.update(openapi_meetings.paths(_json, ERROR, ID_PARAMETER, SECURED))
SCHEMAS.update(openapi_meetings.SCHEMAS)
PATHS.update(openapi_open_data.paths(_json, _page, ERROR, ID_PARAMETER, PAGING))
SCHEMAS.update(openapi_open_data.SCHEMAS)
PATHS.update(openapi_plan.paths(_json, ERROR, ID_PARAMETER, SECURED))
SCHEMAS.update(openapi_plan.SCHEMAS)

# Any request may be refused before its operation sees it (exchange/http/bodies.py and the NUL
# check): 400 for JSON nested too deeply or text with a NUL, 413 for a body over 1 MB.
for _operations in PATHS.values():
    for _operation in _operations.values():
        _operation["responses"].setdefault("400", ERROR)
        _operation["responses"].setdefault("413", ERROR)


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
