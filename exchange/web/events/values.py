"""The valuers' screen of an event: the estimated value of each commitment of its deals,
editable during the session and after it (see exchange/core/events/values.py)."""
from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user

from exchange.core import events as core
from exchange.http import access
from exchange.http.clock import utcnow
from exchange.http.extensions import db
from exchange.http.labels import CATEGORY_LABELS
from exchange.web.events.blueprint import bp
from exchange.web.organizations import EmptyForm
from exchange.web.util import act
from models.event import StaffRole


@bp.route("/<int:event_id>/values")
@access.staff(StaffRole.VALUER)
def values(event_id: int):
    rows = core.valuation_rows(db.session, g.event)
    return render_template("events/values.html", event=g.event, rows=rows,
                           total=sum(r["commitment"].estimated_value or 0 for r in rows),
                           unvalued=sum(1 for r in rows
                                        if r["commitment"].estimated_value is None),
                           form=EmptyForm(), CATEGORY=CATEGORY_LABELS)


@bp.route("/<int:event_id>/values/<int:commitment_id>", methods=["POST"])
@access.staff(StaffRole.VALUER)
def set_value(event_id: int, commitment_id: int):
    form = EmptyForm()
    if form.validate_on_submit() and act(lambda: core.set_value(
            db.session, current_user, event_id, commitment_id, request.form.get("value", ""),
            request.form.get("was", ""), utcnow())):
        flash(gettext("The value is saved; the board and the report show it."), "success")
    return redirect(url_for("events.values", event_id=event_id) + f"#c-{commitment_id}")
