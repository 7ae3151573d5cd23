"""The JSON API under /api/v1, described by an OpenAPI document."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, jsonify, request, url_for
from flask_login import current_user

from exchange import organizations as orgs
from exchange.errors import NotFound, ValidationError
from exchange.extensions import db
from exchange.web import access
from exchange.web.i18n import translate
from exchange.web.util import page_number
from models import Organization, Sector

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def organization_json(org: Organization, *, with_contact: bool) -> dict:
    data = {
        "id": org.id,
        "name": org.name,
        "sector": org.sector.value,
        "municipality": org.municipality,
        "address": org.address,
        "description": org.description,
        "website": org.website,
        "is_verified": org.is_verified,
        "url": url_for("organizations.detail", org_id=org.id, _external=True),
    }
    if with_contact:
        data["contact"] = {"name": org.contact_name, "email": org.contact_email,
                           "phone": org.contact_phone}
    return data


@bp.route("/organizations")
@access.public
def organizations():
    per_page = min(100, max(1, request.args.get("per_page", 20, type=int)))
    try:
        query = orgs.directory_query(sector=request.args.get("sector") or None,
                                     municipality=request.args.get("municipality") or None)
    except ValidationError as error:
        abort(400, translate(error.message))
    pagination = db.paginate(query, page=page_number(), per_page=per_page, error_out=False)
    return jsonify(
        items=[organization_json(o, with_contact=orgs.contact_visible(o, current_user))
               for o in pagination.items],
        page=pagination.page, per_page=pagination.per_page, total=pagination.total)


@bp.route("/organizations/<int:org_id>")
@access.public
def organization(org_id: int):
    try:
        org = orgs.get_public_organization(db.session, org_id)
    except NotFound:
        abort(404)
    return jsonify(organization_json(org, with_contact=orgs.contact_visible(org, current_user)))


@bp.route("/openapi.json")
@access.public
def openapi():
    return jsonify(openapi_document(current_app.config.get("APP_NAME", "Giełda")))


def openapi_document(title: str) -> dict:
    error = {"$ref": "#/components/schemas/Error"}
    organization = {"$ref": "#/components/schemas/Organization"}
    return {
        "openapi": "3.1.0",
        "info": {"title": f"{title} API", "version": "1",
                 "description": "Organizations exchanging resources without money."},
        "servers": [{"url": "/api/v1"}],
        "paths": {
            "/organizations": {"get": {
                "summary": "The public directory of organizations",
                "parameters": [
                    {"name": "sector", "in": "query", "schema": {
                        "type": "string", "enum": [s.value for s in Sector]}},
                    {"name": "municipality", "in": "query", "schema": {"type": "string"}},
                    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
                    {"name": "per_page", "in": "query",
                     "schema": {"type": "integer", "minimum": 1, "maximum": 100}},
                ],
                "responses": {
                    "200": {"description": "A page of organizations", "content": {
                        "application/json": {"schema": {"type": "object", "properties": {
                            "items": {"type": "array", "items": organization},
                            "page": {"type": "integer"}, "per_page": {"type": "integer"},
                            "total": {"type": "integer"}}}}}},
                    "400": {"description": "Bad filter",
                            "content": {"application/json": {"schema": error}}},
                }}},
            "/organizations/{id}": {"get": {
                "summary": "One organization's public profile",
                "parameters": [{"name": "id", "in": "path", "required": True,
                                "schema": {"type": "integer"}}],
                "responses": {
                    "200": {"description": "The organization",
                            "content": {"application/json": {"schema": organization}}},
                    "404": {"description": "No such organization",
                            "content": {"application/json": {"schema": error}}},
                }}},
        },
        "components": {"schemas": {
            "Error": {"type": "object", "required": ["error", "message"], "properties": {
                "error": {"type": "string"}, "message": {"type": "string"}}},
            "Organization": {"type": "object", "properties": {
                "id": {"type": "integer"}, "name": {"type": "string"},
                "sector": {"type": "string", "enum": [s.value for s in Sector]},
                "municipality": {"type": "string"}, "address": {"type": "string"},
                "description": {"type": "string"}, "website": {"type": "string"},
                "is_verified": {"type": "boolean"}, "url": {"type": "string"},
                "contact": {"type": "object", "description":
                            "Present when the organization's contact details are public.",
                            "properties": {"name": {"type": "string"},
                                           "email": {"type": "string"},
                                           "phone": {"type": "string"}}}}},
        }},
    }
