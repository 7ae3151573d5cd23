"""The API's organizations: the public directory."""
from __future__ import annotations

from flask import abort, request
from flask_login import current_user

from exchange.api.base import bp, page_of, per_page
from exchange.core import organizations as orgs
from exchange.core.errors import NotFound, ValidationError
from exchange.http import access
from exchange.http.extensions import db
from exchange.http.i18n import translate
from exchange.http.urls import external_url, page_number
from models import Organization


def organization_json(org: Organization, *, with_contact: bool) -> dict:
    data = {
        "id": org.id,
        "ref": org.ref,
        "name": org.name,
        "sector": org.sector.value,
        "municipality": org.municipality,
        "address": org.address,
        "description": org.description,
        "website": org.website,
        "is_verified": org.is_verified,
        "url": external_url("organizations.detail", org_id=org.id),
    }
    if with_contact:
        data["contact"] = {"name": org.contact_name, "email": org.contact_email,
                           "phone": org.contact_phone}
    return data


@bp.route("/organizations")
@access.public
def organizations():
    try:
        query = orgs.directory_query(sector=request.args.get("sector") or None,
                                     municipality=request.args.get("municipality") or None)
    except ValidationError as error:
        abort(400, translate(error.message))
    pagination = db.paginate(query, page=page_number(), per_page=per_page(), error_out=False)
    return page_of(pagination, [
        organization_json(o, with_contact=orgs.contact_visible(o, current_user))
        for o in pagination.items])


@bp.route("/organizations/<int:org_id>")
@access.public
def organization(org_id: int):
    try:
        org = orgs.get_public_organization(db.session, org_id)
    except NotFound:
        abort(404)
    return organization_json(org, with_contact=orgs.contact_visible(org, current_user))
