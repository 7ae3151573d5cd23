"""The API's blueprint and what its endpoints share: the JSON body, pages of results."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, request, url_for

from exchange.core.errors import Errors, Msg
from exchange.http.extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/api/v1")
# The API authenticates with bearer tokens, never with the session cookie, so a forged
# cross-site request carries no credentials: CSRF tokens are not needed here.
csrf.exempt(bp)


def json_body() -> dict[str, Any]:
    """The request's JSON object, or a 400 that says what to send."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        abort(400, "Send a JSON object with Content-Type: application/json.")
    return body


def per_page(default: int = 20, maximum: int = 100) -> int:
    return min(maximum, max(1, request.args.get("per_page", default, type=int) or default))


def page_of(pagination, items: list) -> dict:
    """A page of ITEMS with its position and links to its neighbours."""
    args = {k: v for k, v in request.args.items() if k != "page"}

    def link(page: int) -> str:
        return url_for(request.endpoint, page=page, **(request.view_args or {}), **args)

    links = {"self": link(pagination.page), "first": link(1),
             "last": link(max(1, pagination.pages))}
    if pagination.has_next:
        links["next"] = link(pagination.next_num)
    if pagination.has_prev:
        links["prev"] = link(pagination.prev_num)
    return {"items": items, "page": pagination.page, "per_page": pagination.per_page,
            "total": pagination.total, "links": links}


def refuse_unknown_fields(body: dict, allowed: set[str]) -> None:
    errors = Errors()
    for key in sorted(set(body) - allowed):
        errors.add(key, Msg("Unknown field."))
    errors.raise_if_any()
