"""The organiser's spreadsheets of an event: participants, attendees, deals (one row per
commitment) and the brokers' pre-matched exchanges, as CSV for Polish Excel (";") or XLSX."""
from __future__ import annotations

import io
import re
from datetime import date, datetime
from typing import Any, Callable

from flask import g, send_file
from flask_babel import lazy_gettext as _l

from exchange.core import events as core
from exchange.http import access
from exchange.http.clock import utcnow
from exchange.http.extensions import db
from exchange.http.labels import (
    APPLICATION_STATUS_LABELS,
    CATEGORY_LABELS,
    COMMITMENT_STATUS_LABELS,
    OUTCOME_LABELS,
    SECTOR_LABELS,
    UNIT_LABELS,
)
from exchange.http.matching import current_index
from exchange.infra.spreadsheet import csv_file, xlsx_file
from exchange.web.events.blueprint import bp
from models import ApplicationStatus, Category, CommitmentStatus, Sector, Unit
from models.event import StaffRole

# The words of the brokers' page (templates/events/brokers.html): a gift is a pair there.
KIND_OF_EXCHANGE = {"gift": _l("Pair"), "swap": _l("Swap"), "cycle": _l("Cycle")}


def _enum(labels: dict, enum) -> Callable[[Any], str]:
    def label(code: Any) -> str:
        try:
            return str(labels[enum(code)])
        except (ValueError, KeyError):
            return "" if code is None else str(code)
    return label


def _local(value: Any) -> Any:
    """A UTC moment as the clocks in the event's hall showed it, without a zone
    (spreadsheets know none)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return core.in_event_zone(g.event, value).replace(tzinfo=None) if value is not None \
        else None


def _date(value: Any) -> Any:
    return date.fromisoformat(value) if isinstance(value, str) else value


def _yes(value: Any) -> str:
    return str(_l("yes") if value else _l("no"))


# Each list: its sheet's title, then (key, column title, how a value is written).
LISTS: dict[str, tuple] = {
    "participants": (_l("Participants"), (
        ("organization", _l("Organization"), None),
        ("sector", _l("Sector"), _enum(SECTOR_LABELS, Sector)),
        ("municipality", _l("Municipality"), None),
        ("status", _l("Application"), _enum(APPLICATION_STATUS_LABELS, ApplicationStatus)),
        ("applied_at", _l("Applied at"), _local),
        ("decided_at", _l("Decided at"), _local),
        ("attendees", _l("People registered"), None),
        ("checked_in", _l("People checked in"), None),
        ("offers", _l("Offers brought"), None),
        ("needs", _l("Needs brought"), None),
        ("note", _l("Note"), None))),
    "attendees": (_l("Attendees"), (
        ("organization", _l("Organization"), None),
        ("name", _l("Full name"), None),
        ("email", _l("E-mail"), None),
        ("status", _l("Application"), _enum(APPLICATION_STATUS_LABELS, ApplicationStatus)),
        ("checked_in_at", _l("Checked in at"), _local))),
    "deals": (_l("Deals"), (
        ("number", _l("Contract"), None),
        ("ratified_at", _l("Ratified at"), _local),
        ("giver", _l("Gives"), None),
        ("receiver", _l("Receives"), None),
        ("what", _l("What"), None),
        ("category", _l("Category"), _enum(CATEGORY_LABELS, Category)),
        ("quantity", _l("Quantity"), None),
        ("unit", _l("Unit"), _enum(UNIT_LABELS, Unit)),
        ("due_on", _l("Due on"), _date),
        ("estimated_value", _l("Estimated value (zł)"), None),
        ("commitment_status", _l("Commitment"),
         _enum(COMMITMENT_STATUS_LABELS, CommitmentStatus)),
        ("outcome", _l("Fulfilment"), lambda v: str(OUTCOME_LABELS.get(v, v))))),
    "brokers": (_l("Exchanges for brokers"), (
        ("exchange", _l("Exchange"), None),
        ("kind", _l("Kind"), lambda v: str(KIND_OF_EXCHANGE.get(v, v))),
        ("giver", _l("Gives"), None),
        ("offer", _l("Offer"), None),
        ("receiver", _l("Receives"), None),
        ("need", _l("Need"), None),
        ("category", _l("Category"), _enum(CATEGORY_LABELS, Category)),
        ("score", _l("Match"), None),
        ("introduced", _l("Introduced"), _yes))),
}


def _rows(what: str) -> list[dict]:
    event = g.event
    if what == "participants":
        return core.participant_rows(db.session, event)
    if what == "attendees":
        return core.attendee_rows(db.session, event)
    if what == "deals":
        return core.report_rows(db.session, event)
    return core.broker_rows(core.prematching(db.session, current_index(), event),
                            core.introductions(db.session, event))


def _tidy(text: str) -> str:
    """TEXT for a file name: Polish letters kept, the rest one dash."""
    return re.sub(r"[^\w-]+", "-", text, flags=re.UNICODE).strip("-_")


def send_list(what: str, fmt: str):
    """The list WHAT of the event in g as a CSV or XLSX file to download."""
    title, columns = LISTS[what]
    header = [str(name) for _, name, _ in columns]
    rows = [[write(row[key]) if write else row[key] for key, _, write in columns]
            for row in _rows(what)]
    name = f"{_tidy(g.event.name)[:60] or 'event'}-{_tidy(str(title))}-{utcnow():%Y-%m-%d}"
    if fmt == "xlsx":
        body = xlsx_file(str(title), header, rows)
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        body = csv_file(header, rows)
        mimetype = "text/csv"
    return send_file(io.BytesIO(body), mimetype=mimetype, as_attachment=True,
                     download_name=f"{name}.{fmt}", max_age=0)


@bp.route("/<int:event_id>/export/<any(participants, attendees, deals):what>.<any(csv, xlsx):fmt>")
@access.staff(StaffRole.ORGANISER)
def export(event_id: int, what: str, fmt: str):
    """Organisers only: the lists name people and their organizations' answers."""
    return send_list(what, fmt)


@bp.route("/<int:event_id>/export/brokers.<any(csv, xlsx):fmt>")
@access.staff(StaffRole.BROKER)
def export_brokers(event_id: int, fmt: str):
    """The brokers' pre-matched exchanges, to print for the hall or share."""
    return send_list("brokers", fmt)
