"""Events on the web, after the session (or during it): the report with its charts, printable,
and its CSV export, one row per commitment (see __init__)."""
from __future__ import annotations

import csv
import io
import re

from flask import abort, g, render_template, send_file
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from exchange.core import events as core
from exchange.core.errors import NotFound
from exchange.http import access
from exchange.http.clock import utcnow
from exchange.http.extensions import db
from exchange.http.labels import (
    CATEGORY_LABELS,
    CHECK_IN_LABELS,
    COMMITMENT_STATUS_LABELS,
    SECTOR_LABELS,
    UNIT_LABELS,
)
from exchange.infra.spreadsheet import safe_cell
from exchange.web.events.blueprint import bp
from models import Category, CommitmentStatus, Unit
from models.event import StaffRole

OUTCOME_LABELS = {**{a.value: label for a, label in CHECK_IN_LABELS.items()},
                  "unknown": _l("Not yet known")}


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


CSV_COLUMNS = (
    ("number", _l("Contract")), ("ratified_at", _l("Ratified at (UTC)")),
    ("giver", _l("Gives")), ("receiver", _l("Receives")), ("what", _l("What")),
    ("category", _l("Category")), ("quantity", _l("Quantity")), ("unit", _l("Unit")),
    ("due_on", _l("Due on")), ("estimated_value", _l("Estimated value (zł)")),
    ("commitment_status", _l("Commitment")), ("outcome", _l("Fulfilment")),
)


def _filename(name: str) -> str:
    """The export's file name from the event's name (Polish letters kept, the rest tidied)."""
    tidy = re.sub(r"[^\w-]+", "-", name, flags=re.UNICODE).strip("-_")[:80] or "event"
    return f"{tidy}-{utcnow():%Y-%m-%d}.csv"


@bp.route("/<int:event_id>/report.csv")
@access.staff(*StaffRole)
def report_csv(event_id: int):
    """Every commitment of every deal, as a spreadsheet reads it (UTF-8 with a BOM)."""
    labels = {"category": lambda v: _label(CATEGORY_LABELS, Category, v) if v else "",
              "unit": lambda v: _label(UNIT_LABELS, Unit, v),
              "commitment_status": lambda v: _label(COMMITMENT_STATUS_LABELS, CommitmentStatus, v),
              "outcome": lambda v: str(OUTCOME_LABELS.get(v, v))}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([str(title) for _, title in CSV_COLUMNS])
    for row in core.report_rows(db.session, g.event):
        writer.writerow([safe_cell(labels[key](row[key]) if key in labels else row[key])
                         for key, _ in CSV_COLUMNS])
    body = io.BytesIO(out.getvalue().encode("utf-8-sig"))
    return send_file(body, mimetype="text/csv", as_attachment=True,
                     download_name=_filename(g.event.name), max_age=0)

