"""Events on the web, after the session (or during it): the report with its charts, printable,
and its CSV of deals, one row per commitment (the organisers' deals list, exports.py)."""
from __future__ import annotations

from flask import abort, g, render_template
from flask_babel import gettext
from flask_login import current_user

from exchange.core import events as core
from exchange.core.errors import NotFound
from exchange.http import access
from exchange.http.clock import utcnow
from exchange.http.extensions import db
from exchange.http.labels import (
    CATEGORY_LABELS,
    OUTCOME_LABELS,
    SECTOR_LABELS,
)
from exchange.web.events.blueprint import bp
from exchange.web.events.exports import send_list
from models import Category
from models.event import StaffRole


def _label(labels: dict, enum, code: str) -> str:
    try:
        return str(labels[enum(code)])
    except (ValueError, KeyError):
        return code


def _chart_data(result: core.Report) -> dict:
    """What report.js draws, in the reader's language (the tables beside it say the same)."""
    counts = result.tally
    categories = [code for code, _count in counts.by_category.most_common()]
    return {
        "labels": {"organizations": gettext("Organizations"), "people": gettext("People"),
                   "deals": gettext("Deals"), "value": gettext("Estimated value (zł)")},
        "sectors": {"labels": [str(SECTOR_LABELS[row.sector]) for row in result.sectors],
                    "codes": [row.sector.value for row in result.sectors],
                    "organizations": [row.admitted for row in result.sectors],
                    "people": [row.people for row in result.sectors]},
        "categories": {"labels": [_label(CATEGORY_LABELS, Category, c) for c in categories],
                       "deals": [counts.by_category[c] for c in categories],
                       "value": [counts.value_by_category[c] for c in categories]},
        "outcomes": {"labels": [str(OUTCOME_LABELS[k]) for k in core.OUTCOMES],
                     "codes": list(core.OUTCOMES),
                     "deals": [result.outcomes[k] for k in core.OUTCOMES]},
    }


def _award(event) -> dict:
    """The match of the year for the report: its public slot, the window, the winner's votes."""
    slot = core.award_slot(db.session, event)
    if slot is None:
        return {"award": None}
    row = core.award_of(db.session, event)
    votes = next((c.votes for c in core.candidates(db.session, event)
                  if c.contract.id == row.winner_id), 0)
    return {"award": slot, "award_row": row, "award_votes": votes}


@bp.route("/<int:event_id>/report")
@access.staff(*StaffRole)
def report(event_id: int):
    """The event in figures: who came, the deals, their value and what became of them."""
    result = core.report(db.session, g.event)
    return render_template("events/report.html", event=g.event, report=result,
                           state=core.session_state(g.event, utcnow()),
                           my_roles={r.value for r in core.roles(g.event, current_user)},
                           organizations=sum(row.admitted for row in result.sectors),
                           outcome_labels=OUTCOME_LABELS, outcomes=core.OUTCOMES,
                           category_label=lambda c: _label(CATEGORY_LABELS, Category, c),
                           charts=_chart_data(result), **_award(g.event),
                           deal_values={c.id: sum(row.estimated_value or 0
                                                  for row in c.versions[0].commitments)
                                        for c in result.contracts})


@bp.route("/<int:event_id>/summary")
@access.public
def summary(event_id: int):
    """The event in one public page for the press and the municipality: the figures, the
    categories and the sectors; no person's data, no contract's terms."""
    actor = current_user if current_user.is_authenticated else None
    try:
        event = core.get_event(db.session, actor, event_id)
    except NotFound:
        abort(404)
    result = core.report(db.session, event)
    return render_template("events/summary.html", event=event, report=result,
                           state=core.session_state(event, utcnow()),
                           organizations=sum(row.admitted for row in result.sectors),
                           category_label=lambda c: _label(CATEGORY_LABELS, Category, c),
                           award=core.award_slot(db.session, event))


@bp.route("/<int:event_id>/report.csv")
@access.staff(*StaffRole)
def report_csv(event_id: int):
    """Every commitment of every deal, for every member of the staff: the organisers' deals
    list (exports.py), the one CSV of deals, ";"-separated for Polish Excel."""
    return send_list("deals", "csv")

