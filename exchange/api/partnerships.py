"""The API's local partnerships: list (those the token's user reads, and the public ones),
create, read one and its members, with the pages' rules (exchange/core/partnerships.py):
members, the coordinator and the animator read all of it; anyone reads the public face of a
partnership that has one (no people); the rest is a 404."""
from __future__ import annotations

from flask import g

from exchange.api.base import bp, json_body, page_of, per_page, refuse_unknown_fields
from exchange.api.listings import listing_json
from exchange.core import partnerships as core
from exchange.core.partnerships import contributions
from exchange.http import access
from exchange.http.access import api_user
from exchange.http.clock import utcnow
from exchange.http.extensions import db
from exchange.http.unit import unit_of_work
from exchange.http.urls import external_url, page_number
from models import Partnership

FIELDS = {"name", "municipalities", "goal", "kind", "formalisation", "is_public", "lead_id",
          "coordinator_id"}


def _person(user) -> dict | None:
    return {"id": user.id, "name": user.name} if user is not None else None


def partnership_json(partnership: Partnership, *, full: bool) -> dict:
    balance = core.sector_balance(partnership)
    data = {
        "id": partnership.id, "name": partnership.name,
        "municipalities": list(partnership.municipalities), "goal": partnership.goal,
        "kind": partnership.kind.value, "state": partnership.state.value,
        "formalisation": partnership.formalisation.value, "is_public": partnership.is_public,
        "lead": {"id": partnership.lead_id, "name": partnership.lead.name},
        "members": len(partnership.current_members),
        "sectors": {sector.value: len(orgs) for sector, orgs in balance.items()},
        "missing_sectors": [s.value for s in core.missing_sectors(partnership)],
        "url": external_url("partnerships.detail", partnership_id=partnership.id),
    }
    if full:
        data.update(coordinator=_person(partnership.coordinator),
                    animator=_person(partnership.animator),
                    created_at=partnership.created_at.isoformat())
    return data


@bp.route("/partnerships")
@access.public
def partnerships():
    """With a token: the user's partnerships and the public ones; without: the public ones."""
    user = api_user()
    pagination = db.paginate(core.readable_query(db.session, user), page=page_number(),
                             per_page=per_page(), error_out=False)
    return page_of(pagination, [partnership_json(p, full=core.can_read(db.session, p, user))
                                for p in pagination.items])


@bp.route("/partnerships", methods=["POST"])
@access.token
def create_partnership():
    body = json_body()
    refuse_unknown_fields(body, FIELDS)
    with unit_of_work():
        partnership = core.create_partnership(db.session, g.api_user, body, utcnow())
    return partnership_json(partnership, full=True), 201


# The path's parameter is named "id", as the OpenAPI document names it.
@bp.route("/partnerships/<int:id>")
@access.public
def partnership(id: int):
    found, full = core.get_readable_or_public(db.session, api_user(), id)
    return partnership_json(found, full=full)


@bp.route("/partnerships/<int:id>/members")
@access.public
def partnership_members(id: int):
    found, _full = core.get_readable_or_public(db.session, api_user(), id)
    return {"items": [{
        "organization": {"id": m.organization_id, "name": m.organization.name,
                         "sector": m.organization.sector.value},
        "is_lead": m.organization_id == found.lead_id,
        "joined_at": m.joined_at.isoformat()} for m in found.current_members]}


# --- contributions (issue 18, part 2) ------------------------------------------------------

@bp.route("/partnerships/<int:id>/contributions")
@access.token
def partnership_contributions(id: int):
    """What the partners bring and what the partnership needs: members only (the others get
    404), including what is kept for the partnership only."""
    found = core.get_partnership(db.session, g.api_user, id)
    return {"items": [{**listing_json(x), "partnership_only": x.partnership_only}
                      for x in contributions.contributions_of(db.session, found)]}
