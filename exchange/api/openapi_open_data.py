"""The OpenAPI description of the open data (exchange/api/open_data.py), merged into the
document by exchange/api/openapi.py."""
from __future__ import annotations

from models import Sector

LD_JSON = "application/ld+json"
CACHE_HEADERS = {
    "ETag": {"schema": {"type": "string"}},
    "Last-Modified": {"schema": {"type": "string"},
                      "description": "When the newest of the rows shown changed."},
    "Cache-Control": {"schema": {"type": "string"}},
}
CONDITIONS = [
    {"name": "If-None-Match", "in": "header", "schema": {"type": "string"}},
    {"name": "If-Modified-Since", "in": "header", "schema": {"type": "string"}},
]
NOT_MODIFIED = {"description": "The copy the client has (If-None-Match, If-Modified-Since) "
                               "is still good"}

_NODE = {"type": "object", "required": ["@id", "@type"], "properties": {
    "@id": {"type": "string"}, "@type": {"type": "string"}}}
_GRAPH_PAGE = {
    "type": "object", "required": ["@context", "@graph", "page", "per_page", "total", "links"],
    "properties": {"@context": {"type": "object"},
                   "@graph": {"type": "array", "items": _NODE},
                   "page": {"type": "integer"}, "per_page": {"type": "integer"},
                   "total": {"type": "integer"}, "links": {"$ref": "#/components/schemas/Links"}}}

SCHEMAS = {
    "HsdsOrganization": {
        "type": "object", "description": "An organization with Open Referral (HSDS) field "
        "names; email and phones only when the organization shows its contact to everyone.",
        "required": ["id", "name", "description", "email", "website", "phones", "locations",
                     "sector"],
        "properties": {
            "id": {"type": "string"}, "name": {"type": "string"},
            "alternate_name": {"type": "string"}, "description": {"type": "string"},
            "email": {"type": "string"}, "website": {"type": "string"},
            "url": {"type": "string"},
            "phones": {"type": "array", "items": {"type": "object", "required": ["number"],
                                                  "properties": {"number": {"type": "string"}}}},
            "locations": {"type": "array", "items": {"type": "object", "properties": {
                "id": {"type": "string"}, "location_type": {"type": "string"},
                "name": {"type": "string"},
                "addresses": {"type": "array", "items": {"type": "object", "properties": {
                    k: {"type": "string"} for k in ("address_type", "address_1", "city",
                                                    "state_province", "postal_code",
                                                    "country")}}}}}},
            "sector": {"type": "string", "enum": [s.value for s in Sector]},
            "profile_url": {"type": "string"}}},
}


def paths(json, page, error, id_parameter, paging) -> dict:
    """The paths, built with openapi.py's helpers (passed in: that module imports this one)."""

    def ld(description: str, schema: dict) -> dict:
        return {"description": description, "headers": CACHE_HEADERS,
                "content": {LD_JSON: {"schema": schema}}}

    def graph(summary: str, description: str, what: str) -> dict:
        return {"get": {"summary": summary, "description": description,
                        "parameters": [*paging, *CONDITIONS],
                        "responses": {"200": ld(what, _GRAPH_PAGE), "304": NOT_MODIFIED}}}

    return {
        "/open-data/listings": graph(
            "Open listings as ValueFlows Intents (JSON-LD)",
            "@vocab https://w3id.org/valueflows/ont/vf#. An offer's provider, a need's "
            "receiver is its organization; never drafts, paused, closed or expired listings, "
            "nor those kept for a partnership only. No token; cacheable.",
            "A page of Intents"),
        "/open-data/proposals": graph(
            "Accepted proposals as ValueFlows Proposals (JSON-LD)",
            "Only between open public listings of organizations that both publish their "
            "exchanges as open data.", "A page of Proposals"),
        "/open-data/agreements": graph(
            "Contracts as ValueFlows Agreements with their Commitments and the confirmed "
            "deliveries as EconomicEvents (JSON-LD)",
            "Only contracts that were in force and whose every party publishes its exchanges "
            "as open data (an organization's setting, off by default); no names of people, "
            "notes, signatures or values.", "A page of Agreements"),
        "/open-data/organizations": {"get": {
            "summary": "Organizations with Open Referral (HSDS) field names",
            "parameters": [*paging, *CONDITIONS],
            "responses": {"200": {**json(page("HsdsOrganization"), "A page of organizations"),
                                  "headers": CACHE_HEADERS}, "304": NOT_MODIFIED}}},
        "/open-data/partnerships/{id}": {"get": {
            "summary": "A public partnership, its member organizations and its contributions "
                       "and needs as ValueFlows Intents (JSON-LD)",
            "description": "Contributions kept for the partnership only are left out; a "
                           "partnership without a public page is a 404.",
            "parameters": [id_parameter, *CONDITIONS],
            "responses": {"200": ld("The partnership", {
                "type": "object", "required": ["@context", "@graph"], "properties": {
                    "@context": {"type": "object"},
                    "@graph": {"type": "array", "items": _NODE}}}),
                "304": NOT_MODIFIED, "404": error}}},
    }
