"""A partnership's plan on the web (issue 18, "Plan and indicators", "Exchanges count"): the
dashboard of planned against achieved (charts as inline SVG, each with a table beside it),
the forms of the period, goals, indicators, activities and progress, and the record of
exchanges, where an event's organiser marks the event as hosted by the partnership.

Every route is ``access.user``; who may read or change is the core's rule
(exchange/core/partnerships/plan.py): NotFound is a 404, Forbidden a 403."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from datetime import date
from decimal import Decimal

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_decimal, gettext
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from exchange.core import partnerships as core
from exchange.core.errors import Forbidden, NotFound
from exchange.core.partnerships.schedule import ScheduleState
from exchange.http import access
from exchange.http.clock import utcnow
from exchange.http.extensions import db
from exchange.web.partnership_forms import load_partnership, ButtonForm
from exchange.web.util import act, save_checked
from models import IndicatorSource, Partnership

bp = Blueprint("plan", __name__, url_prefix="/partnerships")

STATE_LABELS = {
    ScheduleState.ACHIEVED: lazy_pgettext("indicator state", "achieved"),
    ScheduleState.ON_TRACK: lazy_pgettext("indicator state", "on track"),
    ScheduleState.BEHIND: lazy_pgettext("indicator state", "behind schedule"),
    ScheduleState.OVERDUE: lazy_pgettext("indicator state", "overdue"),
    ScheduleState.NOT_STARTED: lazy_pgettext("indicator state", "not started"),
}
SOURCE_LABELS = {
    IndicatorSource.MANUAL: _l("Progress entries by the partners"),
    IndicatorSource.CONTRACTS_SIGNED: _l("Automatic: contracts signed between partners"),
    IndicatorSource.CONTRACTS_FULFILLED: _l("Automatic: contracts fulfilled between partners"),
    IndicatorSource.EVENT_DEALS: _l("Automatic: deals at exchange events the partnership "
                                    "hosts"),
    IndicatorSource.MEETINGS_HELD: _l("Automatic: meetings held"),
}
DATE = {"type": "date"}


class PeriodForm(FlaskForm):
    starts_on = StringField(_l("The plan starts on"), validators=[DataRequired()],
                            render_kw=DATE)
    ends_on = StringField(_l("The plan ends on"), validators=[DataRequired()], render_kw=DATE,
                          description=_l("At most three years after the start."))


class GoalForm(FlaskForm):
    title = StringField(_l("Goal"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Length(max=5000)],
                                render_kw={"rows": 4})


class IndicatorForm(FlaskForm):
    name = StringField(_l("Indicator"), validators=[DataRequired(), Length(max=200)],
                       description=_l("What is counted, e.g. people trained in digital skills."))
    unit = StringField(_l("Unit"), validators=[Length(max=40)],
                       description=_l("e.g. people, hours, workshops."))
    baseline = StringField(_l("Baseline"), default="0", render_kw={"inputmode": "decimal"},
                           description=_l("Where it stood when the plan started."))
    target = StringField(_l("Target"), validators=[DataRequired()],
                         render_kw={"inputmode": "decimal"},
                         description=_l("May be below the baseline, when less is better."))
    deadline = StringField(_l("Deadline"), validators=[DataRequired()], render_kw=DATE)
    source = SelectField(_l("Where the achieved value comes from"), choices=[],
                         validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.source.choices = [SelectChoice(s.value, label) for s, label in SOURCE_LABELS.items()]


class ActivityForm(FlaskForm):
    title = StringField(_l("Activity"), validators=[DataRequired(), Length(max=300)])
    due_on = StringField(_l("Due date"), validators=[DataRequired()], render_kw=DATE)
    partner_ids = SelectMultipleField(_l("Partners who carry it out"), choices=[],
                                      validate_choice=False, validators=[DataRequired()],
                                      description=_l("One or more; hold Ctrl to choose more."))


class ProgressForm(FlaskForm):
    value = StringField(_l("Value"), validators=[DataRequired()],
                        render_kw={"inputmode": "decimal"},
                        description=_l("How much was achieved; a negative number corrects an "
                                       "earlier entry."))
    happened_on = StringField(_l("Date"), validators=[DataRequired()], render_kw=DATE)
    source = StringField(_l("Source"), validators=[DataRequired(), Length(max=300)],
                         description=_l("What shows it: a list of participants, a report."))
    organization_id = SelectField(_l("For the organization"), choices=[],
                                  validate_choice=False, validators=[Optional()])


class HostForm(FlaskForm):
    event_id = SelectField(_l("Event"), choices=[], validate_choice=False,
                           validators=[DataRequired()])



def amount(value: Decimal) -> str:
    return format_decimal(value.normalize() if value == value.to_integral_value()
                          else value, format="#,##0.####")


def _chart(progress, start: date, today: date) -> dict:
    """The chart's geometry (a 320 × 140 viewBox): the planned line from baseline at the
    plan's start to target at the deadline, the achieved steps, today's mark."""
    indicator = progress.indicator
    end = max(indicator.deadline, start)
    span = max((end - start).days, 1)
    values = [indicator.baseline, indicator.target, progress.achieved] + [
        v for _d, v in progress.points]
    low, high = min(values), max(values)
    if high == low:
        high = low + 1
    left, right, top, bottom = 8.0, 312.0, 10.0, 122.0

    def x(day: date) -> float:
        return round(left + (right - left) * min(max((day - start).days, 0), span) / span, 1)

    def y(value: Decimal) -> float:
        return round(bottom - (bottom - top) * float((value - low) / (high - low)), 1)

    steps, last = [], None
    for day, value in progress.points:
        if last is not None:
            steps.append(f"{x(day)},{last}")
        last = y(value)
        steps.append(f"{x(day)},{last}")
    steps.append(f"{x(min(today, end))},{last}")
    return {"planned": f"{x(start)},{y(indicator.baseline)} {x(end)},{y(indicator.target)}",
            "achieved": " ".join(steps), "today": x(min(today, end)),
            "target_y": y(indicator.target), "top": top, "bottom": bottom}


def approx(value: Decimal) -> str:
    """An expected value, to one decimal place: the line is a guide, not a count."""
    return format_decimal(value.quantize(Decimal("0.1")), format="#,##0.#")


def _labels() -> dict:
    return {"STATE_LABELS": STATE_LABELS, "SOURCE_LABELS": SOURCE_LABELS, "amount": amount,
            "approx": approx}


@bp.route("/<int:partnership_id>/plan")
@access.user
def dashboard(partnership_id: int):
    partnership = load_partnership(partnership_id)
    now = utcnow()
    goals, progress, behind = core.dashboard(db.session, partnership, now)
    start = partnership.plan_starts_on or now.date()
    return render_template(
        "partnerships/plan/dashboard.html", partnership=partnership, goals=goals,
        progress=progress, behind=behind, today=now.date(),
        charts={i: _chart(p, start, now.date()) for i, p in progress.items()},
        manager=core.is_manager(db.session, partnership, current_user),
        can_add=core.can_add_progress(db.session, partnership, current_user),
        changeable=partnership.state.value != "ended", button=ButtonForm(),
        tolerance=int(core.BEHIND_TOLERANCE * 100), **_labels())


def _form_page(partnership: Partnership, form, title: str, submit: str, status: int = 200):
    return render_template("partnerships/plan/form.html", partnership=partnership, form=form,
                           title=title, submit=submit), 422 if form.errors else status


def _done(partnership_id: int, message: str, anchor: str = ""):
    flash(message, "success")
    return redirect(url_for("plan.dashboard", partnership_id=partnership_id) + anchor)


@bp.route("/<int:partnership_id>/plan/period", methods=["GET", "POST"])
@access.user
def period(partnership_id: int):
    partnership = load_partnership(partnership_id, manage=True)
    form = PeriodForm()
    if not form.is_submitted():
        if partnership.plan_starts_on:
            form.starts_on.data = partnership.plan_starts_on.isoformat()
            form.ends_on.data = partnership.plan_ends_on.isoformat()
    else:
        data = {"starts_on": form.starts_on.data, "ends_on": form.ends_on.data}
        saved, _ = save_checked(form, lambda: core.set_period(
            db.session, current_user, partnership_id, data, utcnow()))
        if saved:
            return _done(partnership_id, gettext("The plan's period is saved."))
    return _form_page(partnership, form, gettext("The plan's period"), gettext("Save"))


@bp.route("/<int:partnership_id>/plan/goals/new", methods=["GET", "POST"])
@access.user
def new_goal(partnership_id: int):
    partnership = load_partnership(partnership_id, manage=True)
    form = GoalForm()
    if form.is_submitted():
        data = {"title": form.title.data, "description": form.description.data}
        saved, goal = save_checked(form, lambda: core.add_goal(
            db.session, current_user, partnership_id, data, utcnow()))
        if saved:
            return _done(partnership_id, gettext("The goal is added."), f"#goal-{goal.id}")
    return _form_page(partnership, form, gettext("New goal"), gettext("Add the goal"))


def _goal(partnership_id: int, goal_id: int):
    try:
        return core.get_goal(db.session, current_user, partnership_id, goal_id, manage=True)
    except NotFound:
        abort(404)
    except Forbidden:
        abort(403)


@bp.route("/<int:partnership_id>/plan/goals/<int:goal_id>/edit", methods=["GET", "POST"])
@access.user
def edit_goal(partnership_id: int, goal_id: int):
    goal = _goal(partnership_id, goal_id)
    form = GoalForm(obj=goal)
    if form.is_submitted():
        data = {"title": form.title.data, "description": form.description.data}
        saved, _ = save_checked(form, lambda: core.update_goal(
            db.session, current_user, partnership_id, goal_id, data, utcnow()))
        if saved:
            return _done(partnership_id, gettext("The goal is saved."), f"#goal-{goal_id}")
    return _form_page(load_partnership(partnership_id), form, gettext("Edit the goal"), gettext("Save"))


def _indicator_data(form: IndicatorForm) -> dict:
    return {name: getattr(form, name).data for name in (
        "name", "unit", "baseline", "target", "deadline", "source")}


@bp.route("/<int:partnership_id>/plan/goals/<int:goal_id>/indicators/new",
          methods=["GET", "POST"])
@access.user
def new_indicator(partnership_id: int, goal_id: int):
    goal = _goal(partnership_id, goal_id)
    form = IndicatorForm()
    if form.is_submitted():
        data = _indicator_data(form)
        saved, _ = save_checked(form, lambda: core.add_indicator(
            db.session, current_user, partnership_id, goal_id, data, utcnow()))
        if saved:
            return _done(partnership_id, gettext("The indicator is added."), f"#goal-{goal_id}")
    return _form_page(load_partnership(partnership_id),
                      form, gettext("New indicator of the goal „%(goal)s”", goal=goal.title),
                      gettext("Add the indicator"))


@bp.route("/<int:partnership_id>/plan/indicators/<int:indicator_id>/edit",
          methods=["GET", "POST"])
@access.user
def edit_indicator(partnership_id: int, indicator_id: int):
    try:
        indicator = core.get_indicator(db.session, current_user, partnership_id, indicator_id,
                                       manage=True)
    except NotFound:
        abort(404)
    except Forbidden:
        abort(403)
    form = IndicatorForm()
    if not form.is_submitted():
        form.process(data={"name": indicator.name, "unit": indicator.unit,
                           "baseline": _plain(indicator.baseline),
                           "target": _plain(indicator.target),
                           "deadline": indicator.deadline.isoformat(),
                           "source": indicator.source.value})
    else:
        data = _indicator_data(form)
        saved, _ = save_checked(form, lambda: core.update_indicator(
            db.session, current_user, partnership_id, indicator_id, data, utcnow()))
        if saved:
            return _done(partnership_id, gettext("The indicator is saved."),
                         f"#indicator-{indicator_id}")
    return _form_page(load_partnership(partnership_id), form, gettext("Edit the indicator"),
                      gettext("Save"))


def _plain(value: Decimal) -> str:
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _partner_choices(partnership: Partnership) -> list[SelectChoice]:
    return [SelectChoice(str(m.organization_id), m.organization.name)
            for m in sorted(partnership.current_members, key=lambda m: m.organization.name)]


@bp.route("/<int:partnership_id>/plan/goals/<int:goal_id>/activities/new",
          methods=["GET", "POST"])
@access.user
def new_activity(partnership_id: int, goal_id: int):
    goal = _goal(partnership_id, goal_id)
    partnership = load_partnership(partnership_id)
    form = ActivityForm()
    form.partner_ids.choices = _partner_choices(partnership)
    if form.is_submitted():
        data = {"title": form.title.data, "due_on": form.due_on.data,
                "partner_ids": form.partner_ids.data or []}
        saved, _ = save_checked(form, lambda: core.add_activity(
            db.session, current_user, partnership_id, goal_id, data, utcnow()))
        if saved:
            return _done(partnership_id, gettext("The activity is added."), f"#goal-{goal_id}")
    return _form_page(partnership, form,
                      gettext("New activity toward the goal „%(goal)s”", goal=goal.title),
                      gettext("Add the activity"))


@bp.route("/<int:partnership_id>/plan/activities/<int:activity_id>/done", methods=["POST"])
@access.user
def activity_done(partnership_id: int, activity_id: int):
    load_partnership(partnership_id, manage=True)
    if not ButtonForm().validate():
        abort(400)
    done = request.form.get("done", "1") == "1"
    if act(lambda: core.set_activity_done(db.session, current_user, partnership_id,
                                          activity_id, done, utcnow())):
        flash(gettext("The activity is marked as done.") if done
              else gettext("The activity is open again."), "success")
    return redirect(url_for("plan.dashboard", partnership_id=partnership_id))


@bp.route("/<int:partnership_id>/plan/activities/<int:activity_id>/edit",
          methods=["GET", "POST"])
@access.user
def edit_activity(partnership_id: int, activity_id: int):
    partnership = load_partnership(partnership_id, manage=True)
    activity = next((a for g in core.goals_of(db.session, partnership) for a in g.activities
                     if a.id == activity_id), None)
    if activity is None:
        abort(404)
    form = ActivityForm(data={"title": activity.title, "due_on": activity.due_on.isoformat(),
                              "partner_ids": [str(o.id) for o in activity.partners]}
                        if request.method == "GET" else None)
    form.partner_ids.choices = _partner_choices(partnership)
    if form.is_submitted():
        data = {"title": form.title.data, "due_on": form.due_on.data,
                "partner_ids": form.partner_ids.data or []}
        saved, _ = save_checked(form, lambda: core.update_activity(
            db.session, current_user, partnership_id, activity_id, data, utcnow()))
        if saved:
            return _done(partnership_id, gettext("The activity is saved."),
                         f"#goal-{activity.goal_id}")
    return _form_page(partnership, form, gettext("Edit the activity"), gettext("Save"))


def _remove(partnership_id: int, action: Callable[[], Any], message: str):
    load_partnership(partnership_id, manage=True)
    if not ButtonForm().validate():
        abort(400)
    if act(action):
        flash(message, "success")
    return redirect(url_for("plan.dashboard", partnership_id=partnership_id))


@bp.route("/<int:partnership_id>/plan/activities/<int:activity_id>/delete", methods=["POST"])
@access.user
def delete_activity(partnership_id: int, activity_id: int):
    return _remove(partnership_id, lambda: core.delete_activity(
        db.session, current_user, partnership_id, activity_id, utcnow()),
        gettext("The activity is removed."))


@bp.route("/<int:partnership_id>/plan/indicators/<int:indicator_id>/delete", methods=["POST"])
@access.user
def delete_indicator(partnership_id: int, indicator_id: int):
    return _remove(partnership_id, lambda: core.delete_indicator(
        db.session, current_user, partnership_id, indicator_id, utcnow()),
        gettext("The indicator is removed."))


@bp.route("/<int:partnership_id>/plan/goals/<int:goal_id>/delete", methods=["POST"])
@access.user
def delete_goal(partnership_id: int, goal_id: int):
    return _remove(partnership_id, lambda: core.delete_goal(
        db.session, current_user, partnership_id, goal_id, utcnow()),
        gettext("The goal is removed."))


@bp.route("/<int:partnership_id>/plan/indicators/<int:indicator_id>", methods=["GET", "POST"])
@access.user
def indicator(partnership_id: int, indicator_id: int):
    """An indicator's entries; the partners' people and the coordinator add one here."""
    try:
        found = core.get_indicator(db.session, current_user, partnership_id, indicator_id)
    except NotFound:
        abort(404)
    partnership = load_partnership(partnership_id)
    can_add = core.can_add_progress(db.session, partnership, current_user) \
        and found.source.value == "manual"
    form = ProgressForm()
    orgs = core.entry_organizations(db.session, partnership, current_user)
    form.organization_id.choices = [SelectChoice(str(o.id), o.name) for o in orgs]
    status = 200
    if form.is_submitted():
        if not can_add:
            abort(403)
        data = {name: getattr(form, name).data for name in (
            "value", "happened_on", "source", "organization_id")}
        saved, _ = save_checked(form, lambda: core.add_progress(
            db.session, current_user, indicator_id, data, utcnow(),
            partnership_id=partnership_id))
        if saved:
            flash(gettext("The progress is added."), "success")
            return redirect(url_for("plan.indicator", partnership_id=partnership_id,
                                    indicator_id=indicator_id))
        status = 422
    elif not form.happened_on.data:
        form.happened_on.data = utcnow().date().isoformat()
    now = utcnow()
    progress = core.progress_of(db.session, found, now)
    return render_template(
        "partnerships/plan/indicator.html", partnership=partnership, indicator=found,
        progress=progress, form=form, can_add=can_add, orgs=orgs, today=now.date(),
        chart=_chart(progress, partnership.plan_starts_on or now.date(), now.date()),
        manager=core.is_manager(db.session, partnership, current_user),
        button=ButtonForm(), **_labels()), status


@bp.route("/<int:partnership_id>/plan/progress/<int:entry_id>/withdraw", methods=["POST"])
@access.user
def withdraw(partnership_id: int, entry_id: int):
    load_partnership(partnership_id)
    if not ButtonForm().validate():
        abort(400)
    entry_indicator = {}

    def action():
        entry = core.withdraw_progress(db.session, current_user, partnership_id, entry_id,
                                       utcnow())
        entry_indicator["id"] = entry.indicator_id
    try:
        if act(action):
            flash(gettext("The entry is withdrawn: it stays on the list, no longer counted."),
                  "success")
    except Forbidden:
        abort(403)
    if "id" in entry_indicator:
        return redirect(url_for("plan.indicator", partnership_id=partnership_id,
                                indicator_id=entry_indicator["id"]))
    return redirect(url_for("plan.dashboard", partnership_id=partnership_id))


@bp.route("/<int:partnership_id>/exchanges")
@access.user
def exchanges(partnership_id: int):
    partnership = load_partnership(partnership_id)
    form = HostForm()
    events = core.organised_events(db.session, current_user, partnership)
    form.event_id.choices = [SelectChoice(str(e.id), f"{e.name} ({e.held_on.isoformat()})")
                             for e in events if e.partnership_id != partnership.id]
    return render_template(
        "partnerships/plan/exchanges.html", partnership=partnership,
        record=core.exchange_record(db.session, partnership), form=form,
        organised=[e for e in events if e.partnership_id == partnership.id],
        changeable=partnership.state.value != "ended", button=ButtonForm())


@bp.route("/<int:partnership_id>/exchanges/host", methods=["POST"])
@access.user
def host_event(partnership_id: int):
    """An organiser marks their event as hosted by the partnership (HOST=0: clears it)."""
    load_partnership(partnership_id)
    form = HostForm()
    if not ButtonForm().validate():
        abort(400)
    hosted = request.form.get("host", "1") == "1"
    try:
        if act(lambda: core.set_event_partnership(
                db.session, current_user, form.event_id.data,
                partnership_id if hosted else None, utcnow())):
            flash(gettext("The event is in the partnership's record.") if hosted
                  else gettext("The event is no longer in the partnership's record."),
                  "success")
    except Forbidden:
        abort(403)
    return redirect(url_for("plan.exchanges", partnership_id=partnership_id))
