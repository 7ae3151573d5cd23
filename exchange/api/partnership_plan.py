"""The API's partnership plan (issue 18, "Plan and indicators"): a partnership's indicators
with planned against achieved, an indicator's progress entries, and adding one, with the
pages' rules (exchange/core/partnerships/plan.py): whoever reads the partnership reads them
(a token is needed; the others get 404); the partners' people and the coordinator add."""
from __future__ import annotations

from flask import g

from exchange.api.base import bp, json_body, refuse_unknown_fields
from exchange.core import partnerships as core
from exchange.http import access
from exchange.http.clock import utcnow
from exchange.http.extensions import db
from exchange.http.unit import unit_of_work
from exchange.http.urls import external_url
from models import ProgressEntry

FIELDS = {"value", "happened_on", "source", "organization_id"}


def _number(value) -> str:
    """A Decimal as exact text ("12.5"): JSON numbers would be floats."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def indicator_json(progress) -> dict:
    indicator = progress.indicator
    return {
        "id": indicator.id, "goal": {"id": indicator.goal_id, "title": indicator.goal.title},
        "name": indicator.name, "unit": indicator.unit,
        "baseline": _number(indicator.baseline), "target": _number(indicator.target),
        "deadline": indicator.deadline.isoformat(), "source": indicator.source.value,
        "achieved": _number(progress.achieved), "expected": _number(progress.expected),
        "state": progress.state.value,
        "url": external_url("plan.indicator", partnership_id=indicator.partnership_id,
                            indicator_id=indicator.id),
    }


def entry_json(entry: ProgressEntry) -> dict:
    return {
        "id": entry.id, "value": _number(entry.value),
        "happened_on": entry.happened_on.isoformat(), "source": entry.source,
        "user": {"id": entry.user_id, "name": entry.user.name} if entry.user else None,
        "organization": {"id": entry.organization_id, "name": entry.organization.name}
        if entry.organization else None,
        "created_at": entry.created_at.isoformat(),
        "withdrawn": entry.withdrawn_at is not None,
    }


@bp.route("/partnerships/<int:id>/indicators")
@access.token
def partnership_indicators(id: int):
    partnership = core.get_partnership(db.session, g.api_user, id)
    now = utcnow()
    return {"plan": {"starts_on": partnership.plan_starts_on.isoformat()
                     if partnership.plan_starts_on else None,
                     "ends_on": partnership.plan_ends_on.isoformat()
                     if partnership.plan_ends_on else None},
            "items": [indicator_json(core.progress_of(db.session, i, now))
                      for i in core.indicators_of(db.session, partnership)]}


@bp.route("/indicators/<int:id>/progress")
@access.token
def indicator_progress(id: int):
    indicator = core.get_readable_indicator(db.session, g.api_user, id)
    return {"indicator": indicator_json(core.progress_of(db.session, indicator, utcnow())),
            "items": [entry_json(e) for e in indicator.entries]}


@bp.route("/indicators/<int:id>/progress", methods=["POST"])
@access.token
def add_indicator_progress(id: int):
    body = json_body()
    refuse_unknown_fields(body, FIELDS)
    with unit_of_work():
        entry = core.add_progress(db.session, g.api_user, id, body, utcnow())
    return entry_json(entry), 201
