"""The API's saved searches: the token's user lists, saves and removes their own."""
from __future__ import annotations

from flask import g

from exchange.api.base import bp, json_body, refuse_unknown_fields
from exchange.core import saved_searches as core
from exchange.http import access
from exchange.http.clock import utcnow
from exchange.http.extensions import db
from exchange.http.searches import label_of
from exchange.http.unit import unit_of_work
from exchange.http.urls import external_url


def search_json(search) -> dict:
    return {"id": search.id, "filters": dict(search.filters), "label": search.label,
            "created_at": search.created_at.isoformat(),
            "notified_until": search.notified_until.isoformat(),
            "url": external_url("listings.marketplace", **search.filters)}


@bp.route("/me/saved-searches")
@access.token
def saved_searches():
    return {"items": [search_json(s) for s in core.searches_of(db.session, g.api_user)]}


@bp.route("/me/saved-searches", methods=["POST"])
@access.token
def save_search():
    body = json_body()
    refuse_unknown_fields(body, set(core.FILTERS))
    with unit_of_work():
        search, is_new = core.save_search(db.session, g.api_user, body, label_of(body),
                                          utcnow())
    return search_json(search), 201 if is_new else 200


@bp.route("/me/saved-searches/<int:search_id>", methods=["DELETE"])
@access.token
def remove_search(search_id: int):
    with unit_of_work():
        core.remove_search(db.session, g.api_user, search_id)
    return "", 204
