"""A partnership's yearly report on the web (issue 18, "Public face and reporting"): a page
that prints as the report (print CSS), the same in one XLSX workbook (a sheet per part) or a
CSV per part, and the recommendations to the local authority the partners write together.

Every route is ``access.user``; who may read or write is the core's rule
(exchange/core/partnerships/report.py): NotFound is a 404, Forbidden a 403."""
from __future__ import annotations

import io
import re
from decimal import Decimal
from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, send_file, url_for
from flask_babel import format_percent, gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import HiddenField, TextAreaField
from wtforms.validators import Length

from exchange.core.errors import Conflict, Forbidden, NotFound, ValidationError
from exchange.core.partnerships import report as core
from exchange.http import access
from exchange.http.clock import utcnow
from exchange.http.extensions import db
from exchange.http.i18n import apply_errors, translate
from exchange.http.labels import (
    CATEGORY_LABELS,
    CONTRACT_STATUS_LABELS,
    KIND_LABELS,
    SECTOR_LABELS,
    UNIT_LABELS,
)
from exchange.http.unit import unit_of_work
from exchange.web.partnership_plan import STATE_LABELS
from exchange.web.partnership_plan import amount
from exchange.web.partnership_plan import approx
from exchange.infra.spreadsheet import csv_file, xlsx_workbook
from models import Category

bp = Blueprint("partnership_report", __name__, url_prefix="/partnerships")

class RecommendationsForm(FlaskForm):
    text = TextAreaField(_l("Text of the recommendations"),
                         validators=[Length(max=core.RECOMMENDATIONS_MAX)],
                         render_kw={"rows": 10},
                         description=_l("What the partners ask of the municipality, written "
                                        "together: each partner may add to it."))
    base = HiddenField()


def _report(partnership_id: int, year: int) -> core.YearReport:
    try:
        return core.year_report(db.session, current_user, partnership_id, year, utcnow())
    except (NotFound, ValidationError):
        abort(404)


def _render(report: core.YearReport, form: RecommendationsForm | None = None,
            conflict: core.RecommendationConflict | None = None, status: int = 200):
    partnership = report.partnership
    if form is None:
        form = RecommendationsForm(formdata=None, data={
            "text": report.recommendation.text if report.recommendation else "",
            "base": report.recommendation.number if report.recommendation else 0})
    return render_template(
        "partnerships/report.html", report=report, partnership=partnership, form=form,
        conflict=conflict, years=core.report_years(partnership, utcnow()),
        writer=core.can_write_recommendations(db.session, partnership, current_user),
        history=core.recommendation_history(db.session, partnership, report.year),
        balance=report.sectors, full=False, local_start=core.local_start_naive,
        place_of=core.place_of, CONTRACT_STATUS_LABELS=CONTRACT_STATUS_LABELS,
        STATE_LABELS=STATE_LABELS, amount=amount, approx=approx), status


@bp.route("/<int:partnership_id>/report")
@access.user
def latest(partnership_id: int):
    """The current year's report."""
    _report(partnership_id, core.local_year(utcnow()))
    return redirect(url_for(".year", partnership_id=partnership_id,
                            year=core.local_year(utcnow())))


@bp.route("/<int:partnership_id>/report/<int:year>")
@access.user
def year(partnership_id: int, year: int):
    return _render(_report(partnership_id, year))


@bp.route("/<int:partnership_id>/report/<int:year>/recommendations", methods=["POST"])
@access.user
def recommendations(partnership_id: int, year: int):
    report = _report(partnership_id, year)
    form = RecommendationsForm()
    if not form.validate():
        return _render(report, form, status=422)
    try:
        with unit_of_work():
            core.write_recommendations(db.session, current_user, partnership_id, year,
                                       {"text": form.text.data, "base": form.base.data},
                                       utcnow())
    except core.RecommendationConflict as conflict:
        report = _report(partnership_id, year)
        form.base.data = conflict.theirs.number if conflict.theirs else 0
        return _render(report, form, conflict=conflict, status=409)
    except Forbidden:
        abort(403)
    except Conflict as error:
        flash(translate(error.message), "error")
        return redirect(url_for(".year", partnership_id=partnership_id, year=year))
    except ValidationError as error:
        apply_errors(form, error)
        return _render(report, form, status=422)
    flash(gettext("The recommendations are saved."), "success")
    return redirect(url_for(".year", partnership_id=partnership_id, year=year,
                            _anchor="recommendations"))


# --- files ---------------------------------------------------------------------------------

def _when(moment) -> Any:
    return moment.replace(tzinfo=None) if moment is not None else None


def _category(value: Category | None) -> str:
    return str(CATEGORY_LABELS[value]) if value else ""


def _indicators(report: core.YearReport) -> tuple[list[str], list[list[Any]]]:
    header = [gettext("Goal"), gettext("Indicator"), gettext("Unit"), gettext("Baseline"),
              gettext("Target"), gettext("Deadline"), gettext("Expected at the year's end"),
              gettext("Achieved at the year's end"), gettext("Added this year"),
              gettext("State")]
    rows = [[line.goal.title, line.progress.indicator.name, line.progress.indicator.unit,
             line.progress.indicator.baseline, line.progress.indicator.target,
             line.progress.indicator.deadline,
             line.progress.expected.quantize(Decimal("0.1")), line.progress.achieved,
             line.in_year, str(STATE_LABELS[line.progress.state])]
            for line in report.indicators]
    return header, rows


def _contributions(report: core.YearReport) -> tuple[list[str], list[list[Any]]]:
    header = [gettext("Partner"), gettext("Sector"), gettext("Offer or need"),
              gettext("Category"), gettext("What"), gettext("Quantity"), gettext("Unit"),
              gettext("Partnership only")]
    rows = [[x.organization.name, str(SECTOR_LABELS[x.organization.sector]),
             str(KIND_LABELS[x.kind]), _category(x.category), x.title, x.quantity,
             str(UNIT_LABELS[x.unit]), gettext("yes") if x.partnership_only else gettext("no")]
            for x in report.offers + report.needs]
    return header, rows


def _meetings(report: core.YearReport) -> tuple[list[str], list[list[Any]]]:
    header = [gettext("Date"), gettext("Meeting"), gettext("Place"),
              gettext("Partners present"), gettext("Partners absent"), gettext("People"),
              gettext("Decisions")]
    rows = [[_when(core.local_start_naive(line.meeting)), line.meeting.title,
             core.place_of(line.meeting),
             ", ".join(o.name for o in line.present), ", ".join(o.name for o in line.absent),
             line.people, line.meeting.decisions]
            for line in report.meetings]
    return header, rows


def _tasks(report: core.YearReport) -> tuple[list[str], list[list[Any]]]:
    header = [gettext("Task"), gettext("Partner responsible"), gettext("Due date"),
              gettext("Done")]
    rows = [[t.title, t.owner_org.name, t.due_on, _when(t.done_at)]
            for t in report.tasks_done + report.tasks_open]
    return header, rows


def _exchanges(report: core.YearReport) -> tuple[list[str], list[list[Any]]]:
    header = [gettext("Contract"), gettext("Partners"), gettext("Signed on"),
              gettext("Status")]
    rows = [[line.contract.number, ", ".join(o.name for o in line.partners), line.signed_on,
             str(CONTRACT_STATUS_LABELS[line.contract.status])]
            for line in report.exchanges]
    return header, rows


PARTS: dict[str, tuple[Any, Callable]] = {
    "indicators": (_l("Indicators"), _indicators),
    "contributions": (_l("Contributions"), _contributions),
    "meetings": (_l("Meetings"), _meetings),
    "tasks": (_l("Tasks"), _tasks),
    "exchanges": (_l("Exchanges"), _exchanges),
}


def _file_name(report: core.YearReport, part: str) -> str:
    name = re.sub(r"[^\w-]+", "-", report.partnership.name, flags=re.UNICODE).strip("-_")
    return f"{name[:60] or 'partnership'}-{report.year}-{part}"


@bp.route("/<int:partnership_id>/report/<int:year>/<any(indicators, contributions, meetings, tasks, exchanges):part>.csv")
@access.user
def csv_part(partnership_id: int, year: int, part: str):
    report = _report(partnership_id, year)
    header, rows = PARTS[part][1](report)
    return send_file(io.BytesIO(csv_file(header, rows)), mimetype="text/csv",
                     as_attachment=True, download_name=f"{_file_name(report, str(PARTS[part][0]))}.csv",
                     max_age=0)


@bp.route("/<int:partnership_id>/report/<int:year>.xlsx")
@access.user
def workbook(partnership_id: int, year: int):
    """The whole report: a summary sheet with the recommendations, then a sheet per part."""
    report = _report(partnership_id, year)
    summary = [[gettext("Partnership"), report.partnership.name],
               [gettext("Year"), report.year],
               [gettext("Partners"), len(report.partnership.current_members)],
               [gettext("Contributions"), len(report.offers)],
               [gettext("Needs"), len(report.needs)],
               [gettext("Meetings held"), len(report.meetings)],
               [gettext("Attendance"), format_percent(report.attendance_rate)
                if report.attendance_rate is not None else "—"],
               [gettext("Tasks done"), len(report.tasks_done)],
               [gettext("Tasks open"), len(report.tasks_open)],
               [gettext("Exchanges between partners"), len(report.exchanges)],
               [gettext("Fulfilled"), report.fulfilled],
               [gettext("Recommendations to the local authority"),
                report.recommendation.text if report.recommendation else ""]]
    sheets = [(gettext("Summary"), [gettext("What"), gettext("Value")], summary)]
    for title, rows_of in PARTS.values():
        header, rows = rows_of(report)
        sheets.append((str(title), header, rows))
    body = xlsx_workbook(sheets)
    return send_file(io.BytesIO(body), as_attachment=True, max_age=0,
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                     download_name=f"{_file_name(report, gettext('Yearly report'))}.xlsx")

