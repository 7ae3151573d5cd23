"""The API's listings: search them like the marketplace page; members create and change them."""
from __future__ import annotations

from datetime import date
from typing import Any

from flask import abort, g, request, url_for

from exchange.api.base import bp, json_body, page_of, per_page, refuse_unknown_fields
from exchange.core import listings as core
from exchange.core.errors import Msg, NotFound, ValidationError
from exchange.core.proposals import proposals_for
from exchange.http import access
from exchange.http.access import api_user
from exchange.http.clock import utcnow
from exchange.http.extensions import db
from exchange.http.i18n import translate
from exchange.http.matching import current_index
from exchange.http.urls import external_url, page_number
from exchange.http.unit import unit_of_work
from models import Listing

WRITABLE = set(core.FIELDS)
# Sent, never stored as such: the author's confirmation that ambiguous money words are not a
# payment (the listing keeps the words, when and by whom).
CONFIRMATIONS = {"not_a_payment"}


def listing_json(listing: Listing) -> dict:
    org = listing.organization

    def day(value: date | None) -> str | None:
        return value.isoformat() if value else None

    return {
        "id": listing.id, "ref": listing.ref, "kind": listing.kind.value,
        "category": listing.category.value, "title": listing.title,
        "description": listing.description, "quantity": listing.quantity,
        "unit": listing.unit.value, "remaining": listing.remaining,
        "available_from": day(listing.available_from),
        "available_until": day(listing.available_until),
        "municipality": listing.municipality, "latitude": listing.latitude,
        "longitude": listing.longitude, "expires_on": day(listing.expires_on),
        "status": listing.status.value, "cost_contribution": listing.cost_contribution,
        "created_at": listing.created_at.isoformat(), "updated_at": listing.updated_at.isoformat(),
        "money_confirmed": ({"fragment": listing.money_confirmed_fragment,
                             "at": listing.money_confirmed_at.isoformat()
                             if listing.money_confirmed_at else None}
                            if listing.money_confirmed_fragment else None),
        "url": external_url("listings.detail", listing_id=listing.id),
        "organization": {"id": org.id, "ref": org.ref, "name": org.name,
                         "sector": org.sector.value, "municipality": org.municipality},
    }




@bp.route("/listings")
@access.public
def listings():
    filters = {name: request.args.get(name) or None
               for name in ("q", "kind", "category", "sector", "municipality")}
    try:
        query = core.marketplace_query(db.session, sort=request.args.get("sort") or "newest",
                                       **filters)
    except ValidationError as error:
        abort(400, translate(error.message))
    pagination = db.paginate(query, page=page_number(), per_page=per_page(), error_out=False)
    return page_of(pagination, [listing_json(x) for x in pagination.items])


@bp.route("/listings/<int:listing_id>")
@access.public
def listing(listing_id: int):
    return listing_json(core.visible_listing(db.session, api_user(), listing_id))


@bp.route("/listings", methods=["POST"])
@access.token
def create():
    body = json_body()
    refuse_unknown_fields(body, WRITABLE | CONFIRMATIONS | {"organization_id", "status"})
    org_id = body.get("organization_id")
    if not isinstance(org_id, int) or isinstance(org_id, bool):
        raise ValidationError.single("organization_id", Msg("Give the id of your organization."))
    status = body.get("status", "open")
    if status not in ("open", "draft"):
        raise ValidationError.single("status", Msg("A new listing is either open or a draft."))
    with unit_of_work():
        created = core.create_listing(db.session, g.api_user, org_id,
                                      {k: v for k, v in body.items()
                                       if k in WRITABLE | CONFIRMATIONS}, utcnow(),
                                      publish=status == "open")
    return listing_json(created), 201, {"Location": url_for("api.listing", listing_id=created.id)}


def _current_values(listing: Listing) -> dict[str, Any]:
    return {field: getattr(listing, field) for field in core.FIELDS}


def _own_listing(listing_id: int) -> Listing:
    listing = db.session.get(Listing, listing_id)
    if listing is None:
        raise NotFound(Msg("Listing not found."))
    return listing


@bp.route("/listings/<int:listing_id>", methods=["PATCH"])
@access.token
def update(listing_id: int):
    body = json_body()
    refuse_unknown_fields(body, WRITABLE | CONFIRMATIONS)
    listing = _own_listing(listing_id)
    org_id = listing.organization_id
    # The membership check happens in the core, which answers NotFound to non-members.
    data = {**_current_values(listing), **body}
    with unit_of_work():
        updated = core.update_listing(db.session, g.api_user, org_id, listing_id, data, utcnow())
    return listing_json(updated)


@bp.route("/listings/<int:listing_id>/<any(publish, pause, reopen, close):action>",
          methods=["POST"])
@access.token
def change_status(listing_id: int, action: str):
    listing = _own_listing(listing_id)
    with unit_of_work():
        changed = core.change_status(db.session, g.api_user, listing.organization_id,
                                     listing_id, action, utcnow())
    return listing_json(changed)


@bp.route("/listings/<int:listing_id>/proposals")
@access.token
def proposals(listing_id: int):
    """The best matches for one of your organization's listings, with reasons."""
    listing = _own_listing(listing_id)
    limit = min(50, max(1, request.args.get("limit", 10, type=int) or 10))
    views = proposals_for(db.session, current_index(), g.api_user, listing.organization_id,
                          listing_id, limit)
    return {"items": [{
        "listing": listing_json(view.listing),
        "score": view.match.score,
        "reasons": [translate(reason) for reason in view.match.reasons],
        "decision": view.decision.status.value if view.decision else None,
    } for view in views]}
