"""The OpenAPI description of the partnerships' endpoints (exchange/api/partnerships.py),
merged into the document by exchange/api/openapi.py."""
from __future__ import annotations

from exchange.core.partnerships import GOAL_MAX, MUNICIPALITIES_MAX, NAME_MAX
from models import Formalisation, PartnershipKind, PartnershipState, Sector


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _enum(cls) -> dict:
    return {"type": "string", "enum": [m.value for m in cls]}


_NAMED = {"type": "object", "properties": {"id": {"type": "integer"},
                                           "name": {"type": "string"}}}
_PERSON = {"type": ["object", "null"], "properties": {"id": {"type": "integer"},
                                                      "name": {"type": "string"}}}

SCHEMAS = {
    "Partnership": {
        "type": "object",
        "required": ["id", "name", "municipalities", "goal", "kind", "state", "lead",
                     "members", "sectors", "missing_sectors", "url"],
        "description": "coordinator, animator and created_at only for those who read the "
                       "whole partnership (its members, coordinator and animator); others "
                       "see the public face of a public one.",
        "properties": {
            "id": {"type": "integer"}, "name": {"type": "string"},
            "municipalities": {"type": "array", "items": {"type": "string"}},
            "goal": {"type": "string"}, "kind": _enum(PartnershipKind),
            "state": _enum(PartnershipState), "formalisation": _enum(Formalisation),
            "is_public": {"type": "boolean"}, "lead": _NAMED,
            "members": {"type": "integer", "description": "Member organizations now."},
            "sectors": {"type": "object", "description": "Member organizations per sector.",
                        "additionalProperties": {"type": "integer"}},
            "missing_sectors": {"type": "array", "items": _enum(Sector),
                                "description": "Of public, ngo and business, those with no "
                                               "member yet."},
            "url": {"type": "string"},
            "coordinator": _PERSON, "animator": _PERSON,
            "created_at": {"type": "string", "format": "date-time"}}},
    "NewPartnership": {
        "type": "object", "additionalProperties": False,
        "required": ["name", "municipalities", "goal", "kind"],
        "properties": {
            "name": {"type": "string", "maxLength": NAME_MAX},
            "municipalities": {"type": "array", "minItems": 1, "maxItems": MUNICIPALITIES_MAX,
                               "items": {"type": "string", "maxLength": 120}},
            "goal": {"type": "string", "maxLength": GOAL_MAX},
            "kind": _enum(PartnershipKind), "formalisation": _enum(Formalisation),
            "is_public": {"type": "boolean"},
            "lead_id": {"type": "integer", "description": "An organization you own; may be "
                                                          "left out if you own one only."},
            "coordinator_id": {"type": "integer", "description": "A person of the leading "
                                                                 "organization; you by default."}}},
    "PartnershipMember": {
        "type": "object", "required": ["organization", "is_lead", "joined_at"],
        "properties": {
            "organization": {"type": "object", "properties": {
                "id": {"type": "integer"}, "name": {"type": "string"}, "sector": _enum(Sector)}},
            "is_lead": {"type": "boolean"},
            "joined_at": {"type": "string", "format": "date-time"}}},
}


def paths(json, page, error, id_parameter, paging, secured) -> dict:
    """The paths, built with openapi.py's helpers (passed in: that module imports this one)."""
    one = json(_ref("Partnership"), "The partnership")
    return {
        "/partnerships": {
            "get": {"summary": "Local partnerships: with a token, yours and the public ones; "
                               "without, the public ones",
                    "parameters": [*paging],
                    "responses": {"200": json(page("Partnership"), "A page of partnerships")}},
            "post": {"summary": "Start a partnership led by one of your organizations",
                     "security": secured,
                     "requestBody": {"required": True, "content": {"application/json": {
                         "schema": _ref("NewPartnership")}}},
                     "responses": {"201": one, "400": error, "401": error, "422": error}}},
        "/partnerships/{id}": {"get": {
            "summary": "One partnership (its public face to those outside it)",
            "parameters": [id_parameter],
            "responses": {"200": one, "404": error}}},
        "/partnerships/{id}/members": {"get": {
            "summary": "The partnership's member organizations, with their sectors",
            "parameters": [id_parameter],
            "responses": {"200": json({"type": "object", "required": ["items"], "properties": {
                "items": {"type": "array", "items": _ref("PartnershipMember")}}},
                "The members"), "404": error}}},
        # contributions (issue 18, part 2)
        "/partnerships/{id}/contributions": {"get": {
            "summary": "What the partners bring (offers) and what the partnership needs "
                       "(needs), including those kept for the partnership only; members only",
            "security": secured, "parameters": [id_parameter],
            "responses": {"200": json({"type": "object", "required": ["items"], "properties": {
                "items": {"type": "array", "items": {"allOf": [_ref("Listing"), {
                    "type": "object", "required": ["partnership_only"],
                    "properties": {"partnership_only": {"type": "boolean"}}}]}}}},
                "The contributions and needs"), "401": error, "404": error}}},
    }
