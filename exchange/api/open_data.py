"""Open data under /api/v1/open-data (issue 18, "Open data"): public, no token, cacheable.

- listings as ValueFlows Intents (an offer's provider, a need's receiver is the organization),
  accepted proposals as Proposals, contracts as Agreements with their Commitments and the
  confirmed deliveries as EconomicEvents, in JSON-LD (``application/ld+json``) with
  ``@vocab`` https://w3id.org/valueflows/ont/vf#;
- organizations with Open Referral (HSDS) field names, in plain JSON;
- a public partnership: its members and its contributions (offers and needs) as Intents.
What may be published is the core's rule (exchange/core/open_data.py); these documents add no
person's name, e-mail, phone, note or signature. Every answer carries an ETag and, where the
rows say when they changed, a Last-Modified (over every row that decides what is shown,
exchange/core/open_data.py): a client asking again with If-None-Match or
If-Modified-Since gets 304."""
from __future__ import annotations

import hashlib
import json
import re
from datetime import date, datetime

from flask import abort, current_app, request

from exchange.api.base import bp, page_of, per_page
from exchange.core import open_data as core
from exchange.core.errors import NotFound
from exchange.http import access
from exchange.http.extensions import db
from exchange.http.urls import external_url, page_number
from models import (
    Category,
    CommitmentStatus,
    Contract,
    Listing,
    ListingKind,
    Organization,
    Proposal,
    Unit,
)

VF = "https://w3id.org/valueflows/ont/vf#"
OM2 = "http://www.ontology-of-units-of-measure.org/resource/om-2/"
LD_JSON = "application/ld+json"
MAX_AGE = 300  # seconds a cache may keep an answer before asking again

# The paging keys of a page of results are not data: mapped to null, JSON-LD drops them.
_PAGING = {key: None for key in ("page", "per_page", "total", "links")}
CONTEXT = {
    "@vocab": VF,
    "om2": OM2,
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "action": {"@type": "@vocab"},
    **{key: {"@type": "@id"} for key in ("provider", "receiver", "resourceClassifiedAs",
                                         "hasUnit", "clauseOf", "realizationOf", "fulfills",
                                         "publishes", "inScopeOf")},
    **{key: {"@type": "xsd:dateTime"} for key in ("hasBeginning", "hasEnd", "hasPointInTime",
                                                  "due", "created")},
    "hasNumericalValue": {"@type": "xsd:decimal"},
    "classifiedAs": {"@type": "@id"},
    "economicEvents": {"@reverse": "realizationOf"},
}

# What a category's resource is given for (VF actions): used (a room, a lab, equipment),
# worked (volunteers), a service delivered, or handed over.
ACTIONS = {
    Category.ROOMS: "use", Category.COMPUTER_LABS: "use", Category.EQUIPMENT: "use",
    Category.VOLUNTEERS: "work", Category.EXPERTISE: "deliverService",
    Category.TRAINING: "deliverService", Category.PROMOTION: "deliverService",
    Category.CATERING: "deliverService", Category.TRANSPORT: "deliverService",
    Category.IT_SERVICES: "deliverService", Category.CULTURE: "deliverService",
    Category.OTHER: "transfer",
}
# Units of measure (OM 2) where one fits; the others are counted ("one").
UNITS = {Unit.HOURS: "om2:hour", Unit.DAYS: "om2:day"}


def _unit(unit: Unit) -> str:
    return UNITS.get(unit, "om2:one")


def _measure(quantity: int, unit: Unit) -> dict:
    return {"@type": "om2:Measure", "hasNumericalValue": quantity, "hasUnit": _unit(unit)}


def _day(value: date | None) -> str | None:
    return f"{value.isoformat()}T00:00:00Z" if value else None


def _when(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _org_iri(org_id: int) -> str:
    return external_url("organizations.detail", org_id=org_id)


def _category_iri(category: Category | None) -> str | None:
    return external_url("listings.marketplace", category=category.value) if category else None


def _compact(node: dict) -> dict:
    return {k: v for k, v in node.items() if v is not None}


def intent(listing: Listing) -> dict:
    """A listing as a VF Intent: an offer's provider or a need's receiver is its organization."""
    agent = "provider" if listing.kind is ListingKind.OFFER else "receiver"
    return _compact({
        "@id": external_url("listings.detail", listing_id=listing.id), "@type": "Intent",
        "name": listing.title, "note": listing.description or None,
        "action": ACTIONS[listing.category], agent: _org_iri(listing.organization_id),
        "resourceClassifiedAs": _category_iri(listing.category),
        "resourceQuantity": _measure(listing.quantity, listing.unit),
        "availableQuantity": _measure(listing.remaining, listing.unit)
        if listing.kind is ListingKind.OFFER else None,
        "hasBeginning": _day(listing.available_from), "hasEnd": _day(listing.available_until),
        "finished": False,
    })


def proposal(item: Proposal) -> dict:
    """An accepted proposal as a VF Proposal publishing the offer and, in return, the need."""
    base = external_url("api.open_data_proposals")
    return {"@id": f"{base}#{item.id}", "@type": "Proposal",
            "name": f"{item.offer.title} → {item.need.title}", "created": _when(item.decided_at),
            "publishes": [{"@type": "ProposedIntent", "reciprocal": False,
                           "publishes": intent(item.offer)["@id"]},
                          {"@type": "ProposedIntent", "reciprocal": True,
                           "publishes": intent(item.need)["@id"]}]}


def agreement(contract: Contract) -> dict:
    """A contract in force as a VF Agreement: the commitments of the version in force (or, for
    an ended one, the last signed), and each confirmed delivery as an EconomicEvent."""
    base = external_url("api.open_data_agreements")
    iri = f"{base}#{contract.id}"
    signed = [v for v in contract.versions if v.signed_at is not None]
    version = contract.in_force or (signed[-1] if signed else contract.current)
    commitments, events = [], []
    for c in version.commitments:
        flow = {"action": ACTIONS[c.category] if c.category else "transfer",
                "provider": _org_iri(c.giver_id), "receiver": _org_iri(c.receiver_id),
                "resourceClassifiedAs": _category_iri(c.category),
                "resourceQuantity": _measure(c.quantity, c.unit)}
        commitments.append(_compact({"@id": f"{base}#commitment-{c.id}", "@type": "Commitment",
                                     "note": c.what, **flow, "due": _day(c.due_on),
                                     "finished": c.status is not CommitmentStatus.PENDING}))
        if c.status is CommitmentStatus.CONFIRMED:
            events.append(_compact({
                "@id": f"{base}#event-{c.id}", "@type": "EconomicEvent", "note": c.what, **flow,
                "hasPointInTime": _when(c.settled_at or c.delivered_at),
                "fulfills": f"{base}#commitment-{c.id}"}))
    return _compact({"@id": iri, "@type": "Agreement", "name": contract.number,
                     "created": _when(version.signed_at or contract.activated_at),
                     "stipulates": commitments, "economicEvents": events})


def _address(org: Organization) -> dict:
    """HSDS address fields from the one line kept ("ul. Długa 5, 83-110 Tczew")."""
    text = org.address.strip()
    postal = re.search(r"\b(\d{2}-\d{3})\s*([^,]*)", text)
    street = text.split(",")[0].strip() if text else ""
    if postal and text.startswith(postal.group(0)):
        street = ""
    return {"address_type": "physical", "address_1": street,
            "city": (postal.group(2).strip() if postal and postal.group(2).strip()
                     else org.municipality),
            "state_province": "", "postal_code": postal.group(1) if postal else "",
            "country": "PL"}


def organization_hsds(org: Organization) -> dict:
    """An organization with Open Referral (HSDS 3) field names; e-mail and phone only when it
    shows them to everyone, never the contact person's name."""
    public = org.is_contact_public
    return {
        "id": str(org.id), "name": org.name, "alternate_name": org.ref or "",
        "description": org.description, "email": org.contact_email if public else "",
        "website": org.website, "url": org.website,
        "phones": [{"number": org.contact_phone}] if public and org.contact_phone else [],
        "locations": [{"id": f"{org.id}-1", "location_type": "physical", "name": org.name,
                       "addresses": [_address(org)]}],
        "sector": org.sector.value,
        "profile_url": _org_iri(org.id),
    }


def _answer(data: dict, last_modified: datetime | None, mimetype: str = LD_JSON):
    """DATA with an ETag of its bytes and LAST_MODIFIED, public for MAX_AGE; 304 when the
    client's copy is still good."""
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    response = current_app.response_class(body, mimetype=mimetype)
    response.set_etag(hashlib.sha256(body).hexdigest()[:32])
    if last_modified is not None:
        response.last_modified = last_modified
    response.cache_control.public = True
    response.cache_control.max_age = MAX_AGE
    return response.make_conditional(request)


def _ld_page(query, build, changed_at):
    pagination = db.paginate(query, page=page_number(), per_page=per_page(), error_out=False)
    items = list(pagination.items)
    page = page_of(pagination, [])
    page.pop("items")
    return _answer({"@context": {**CONTEXT, **_PAGING}, **page,
                    "@graph": [build(x) for x in items]}, changed_at(db.session))


@bp.route("/open-data/listings")
@access.public
def open_data_listings():
    return _ld_page(core.listings_query(), intent, core.listings_changed_at)


@bp.route("/open-data/proposals")
@access.public
def open_data_proposals():
    return _ld_page(core.proposals_query(), proposal, core.proposals_changed_at)


@bp.route("/open-data/agreements")
@access.public
def open_data_agreements():
    return _ld_page(core.agreements_query(), agreement, core.agreements_changed_at)


@bp.route("/open-data/organizations")
@access.public
def open_data_organizations():
    pagination = db.paginate(core.organizations_query(), page=page_number(),
                             per_page=per_page(), error_out=False)
    items = list(pagination.items)
    return _answer(page_of(pagination, [organization_hsds(o) for o in items]),
                   core.organizations_changed_at(db.session), mimetype="application/json")


# The path's parameter is named "id", as the OpenAPI document names it.
@bp.route("/open-data/partnerships/<int:id>")
@access.public
def open_data_partnership(id: int):
    """A public partnership (a VF Organization) with its member organizations, classified by
    sector, and its contributions and needs as Intents in its scope; a private one is a 404."""
    try:
        found = core.public_partnership(db.session, id)
    except NotFound:
        abort(404)
    listings = core.public_contributions(db.session, found)
    iri = external_url("partnerships.detail", partnership_id=found.id)
    members = [_compact({"@id": _org_iri(m.organization_id), "@type": "Organization",
                         "name": None if core.is_person(m.organization) else m.organization.name,
                         "classifiedAs": external_url("organizations.directory",
                                                      sector=m.organization.sector.value)})
               for m in found.current_members]
    partnership = {"@id": iri, "@type": "Organization", "name": found.name, "note": found.goal,
                   "members": members}
    return _answer({
        "@context": {**CONTEXT, "members": {"@id": "http://www.w3.org/ns/org#hasMember"}},
        "@graph": [partnership, *({**intent(x), "inScopeOf": iri} for x in listings)],
    }, core.partnership_changed_at(db.session, found))
