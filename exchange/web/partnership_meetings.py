"""A partnership's meetings on the web (issue 18, "Meetings"): the list with the open tasks
and the calendar feed, scheduling (from the first or second meeting's template), a meeting's
page where the coordinator records attendance, minutes, decisions, tasks and the next date,
and where participants give their one-minute evaluation; each meeting's .ics and the
partnership's feed.

Every route is ``access.user`` (the feed ``access.public``: its secret is the key); who may
read or change is the core's rule (exchange/core/partnerships/meetings.py): NotFound is a 404,
Forbidden a 403."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import update
from wtforms import IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from exchange.core import partnerships as core
from exchange.core.errors import Forbidden, NotFound
from exchange.core.preferences import EVENTS, NEVER, preferences_of
from exchange.http import access
from exchange.http.calendar import calendar_bytes, calendar_response, meeting_entry
from exchange.http.clock import utcnow
from exchange.http.extensions import db
from exchange.http.mailing import mail_user
from exchange.http.urls import external_url
from exchange.web.partnership_forms import load_partnership, ButtonForm
from exchange.web.util import act, save, save_checked
from models import Notification, Partnership, PartnershipMeeting

bp = Blueprint("meetings", __name__, url_prefix="/partnerships")

TEMPLATE_LABELS = {"first": _l("First partnership meeting"),
                   "second": _l("Second partnership meeting")}
SCORES = [SelectChoice(str(n), str(n)) for n in range(5, 0, -1)]


class MeetingForm(FlaskForm):
    template = SelectField(_l("Template"), choices=[], validators=[Optional()])
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    date = StringField(_l("Date"), validators=[DataRequired()], render_kw={"type": "date"})
    time = StringField(_l("Time"), validators=[DataRequired()], render_kw={"type": "time"},
                       description=_l("Polish time (Europe/Warsaw)."))
    duration_minutes = IntegerField(_l("Length in minutes"), default=120,
                                    validators=[Optional()])
    place_org_id = SelectField(_l("At a partner's place"), choices=[], validate_choice=False,
                               description=_l("Meetings may be held at any partner's place, "
                                              "not only at the library."))
    place_text = StringField(_l("Place (address or room)"), validators=[Length(max=300)])
    agenda = TextAreaField(_l("Agenda"), validators=[Length(max=20000)],
                           render_kw={"rows": 8})


class RecordForm(FlaskForm):
    minutes = TextAreaField(lazy_pgettext("meeting record", "Minutes"), render_kw={"rows": 6})
    decisions = TextAreaField(_l("Decisions"), render_kw={"rows": 4})
    next_meeting_on = StringField(_l("Next meeting on"), render_kw={"type": "date"})


class TaskForm(FlaskForm):
    title = StringField(_l("Task"), validators=[DataRequired(), Length(max=300)])
    owner_org_id = SelectField(_l("Partner responsible"), choices=[], validate_choice=False,
                               validators=[DataRequired()])
    due_on = StringField(_l("Due date"), validators=[DataRequired()],
                         render_kw={"type": "date"})


class EvaluationForm(FlaskForm):
    usefulness = RadioField(_l("How useful was the meeting for you? (5 = very)"),
                            choices=SCORES, validators=[DataRequired()])
    atmosphere = RadioField(_l("Could everyone have their say? (5 = fully)"),
                            choices=SCORES, validators=[DataRequired()])
    keep = TextAreaField(_l("What was good and worth keeping?"), render_kw={"rows": 2},
                         validators=[Length(max=2000)])
    change = TextAreaField(_l("What should we change next time?"), render_kw={"rows": 2},
                           validators=[Length(max=2000)])



def _meeting(partnership_id: int, meeting_id: int, *, manage: bool = False):
    try:
        return core.get_meeting(db.session, current_user, partnership_id, meeting_id,
                                manage=manage)
    except NotFound:
        abort(404)
    except Forbidden:
        abort(403)


def _org_choices(partnership: Partnership, blank: str) -> list[SelectChoice]:
    return [SelectChoice("", blank)] + [
        SelectChoice(str(m.organization_id), m.organization.name)
        for m in sorted(partnership.current_members, key=lambda m: m.organization.name)]


@bp.route("/<int:partnership_id>/meetings")
@access.user
def index(partnership_id: int):
    partnership = load_partnership(partnership_id)
    manager = core.is_manager(db.session, partnership, current_user)
    return render_template(
        "partnerships/meetings/index.html", partnership=partnership, manager=manager,
        meetings=core.meetings_of(db.session, partnership), now=utcnow(),
        tasks=core.open_tasks(db.session, partnership), today=utcnow().date(),
        task_state=core.task_state, local_start=core.local_start,
        feed=external_url("meetings.feed", partnership_id=partnership.id,
                          token=partnership.calendar_token)
        if partnership.calendar_token else None, button=ButtonForm(),
        can_mark=lambda task: core.can_mark_task(db.session, task, current_user))


@bp.route("/<int:partnership_id>/meetings/new", methods=["GET", "POST"])
@access.user
def create(partnership_id: int):
    partnership = load_partnership(partnership_id, manage=True)
    form = MeetingForm()
    form.template.choices = [SelectChoice("", _l("No template"))] + [
        SelectChoice(k, v) for k, v in TEMPLATE_LABELS.items()]
    form.place_org_id.choices = _org_choices(partnership, gettext("— elsewhere (write below) —"))
    if not form.is_submitted():
        chosen = core.template(request.args.get("template"))
        if chosen:
            form.template.data = request.args["template"]
            form.title.data, form.agenda.data = chosen
            form.place_org_id.data = str(partnership.lead_id)
    else:
        data = {name: getattr(form, name).data for name in (
            "template", "title", "date", "time", "duration_minutes", "place_org_id",
            "place_text", "agenda")}
        saved, meeting = save_checked(form, lambda: _schedule(partnership_id, data))
        if saved:
            _mail_invitations(meeting)
            flash(gettext("The meeting is scheduled and the partners are invited."), "success")
            return redirect(url_for("meetings.detail", partnership_id=partnership_id,
                                    meeting_id=meeting.id))
    return render_template("partnerships/meetings/form.html", form=form,
                           partnership=partnership, TEMPLATE_LABELS=TEMPLATE_LABELS), \
        422 if form.errors else 200


def _schedule(partnership_id: int, data: dict[str, Any]) -> PartnershipMeeting:
    now = utcnow()
    meeting = core.schedule_meeting(db.session, current_user, partnership_id, data, now)
    meeting.people = core.announce(db.session, meeting, now)
    # The invitation is e-mailed here, with its .ics: the mail job need not send it again.
    db.session.execute(update(Notification).where(
        Notification.key.like(f"partnership-meeting:{meeting.id}:%"),
        Notification.emailed_at.is_(None)).values(emailed_at=now))
    return meeting


def _mail_invitations(meeting: PartnershipMeeting) -> None:
    """E-mail each invited person who takes e-mails about dates, with the .ics attached; the
    in-app notification is the same news, so it is not e-mailed again by the mail job."""
    ics = calendar_bytes([meeting_entry(meeting)], meeting.partnership.name)
    link = external_url("meetings.detail", partnership_id=meeting.partnership_id,
                        meeting_id=meeting.id)
    place = ", ".join(x for x in (meeting.place_org.name if meeting.place_org else "",
                                  meeting.place_text) if x)
    when = core.local_start(meeting).strftime("%Y-%m-%d %H:%M")
    for person in meeting.people:
        if preferences_of(db.session, person.id)[EVENTS] == NEVER:
            continue
        subject = _l("Meeting of the partnership „%(name)s”", name=meeting.partnership.name)
        mail_user(person, subject, [
            _l("%(title)s: %(when)s, %(place)s.", title=meeting.title, when=when, place=place),
            meeting.agenda or "",
            _l("Details: %(link)s", link=link),
            _l("The attached file adds the meeting to your calendar."),
        ], background=True, attachments=(("spotkanie.ics", "text/calendar", ics),))


@bp.route("/<int:partnership_id>/meetings/<int:meeting_id>")
@access.user
def detail(partnership_id: int, meeting_id: int, record_form: RecordForm | None = None,
           task_form: TaskForm | None = None, evaluation_form: EvaluationForm | None = None,
           status: int = 200):
    meeting = _meeting(partnership_id, meeting_id)
    partnership = meeting.partnership
    manager = core.is_manager(db.session, partnership, current_user)
    now = utcnow()
    record_form = record_form or RecordForm(obj=meeting)
    task_form = task_form or TaskForm()
    task_form.owner_org_id.choices = _org_choices(partnership, gettext("Choose…"))
    attended = {a.organization_id: a.people for a in meeting.attendance}
    return render_template(
        "partnerships/meetings/detail.html", meeting=meeting, partnership=partnership,
        manager=manager, now=now, held=meeting.starts_at <= now, attended=attended,
        members=sorted(partnership.current_members, key=lambda m: m.organization.name),
        record_form=record_form, task_form=task_form,
        evaluation_form=evaluation_form or EvaluationForm(),
        can_evaluate=core.can_evaluate(db.session, meeting, current_user, now),
        evaluated=core.evaluation_of(db.session, meeting, current_user) is not None,
        summary=core.evaluation_summary(db.session, meeting)
        if manager or current_user.id == partnership.animator_id else None,
        today=now.date(),
        task_state=core.task_state, local_start=core.local_start,
        button=ButtonForm(),
        can_mark=lambda task: core.can_mark_task(db.session, task, current_user)), status


def _record_data(form: RecordForm, partnership: Partnership) -> dict[str, Any]:
    attendance = {}
    for member in partnership.current_members:
        org_id = str(member.organization_id)
        if request.form.get(f"attend-{org_id}"):
            attendance[org_id] = request.form.get(f"people-{org_id}", "")
    return {"attendance": attendance, "minutes": form.minutes.data,
            "decisions": form.decisions.data, "next_meeting_on": form.next_meeting_on.data}


@bp.route("/<int:partnership_id>/meetings/<int:meeting_id>/record", methods=["POST"])
@access.user
def record(partnership_id: int, meeting_id: int):
    meeting = _meeting(partnership_id, meeting_id, manage=True)
    form = RecordForm()
    data = _record_data(form, meeting.partnership)
    saved, _ = save_checked(form, lambda: core.record_meeting(
        db.session, current_user, partnership_id, meeting_id, data, utcnow()))
    if saved:
        flash(gettext("The meeting's record is saved."), "success")
        return redirect(url_for("meetings.detail", partnership_id=partnership_id,
                                meeting_id=meeting_id))
    return detail(partnership_id, meeting_id, record_form=form, status=422)


@bp.route("/<int:partnership_id>/meetings/<int:meeting_id>/tasks", methods=["POST"])
@access.user
def add_task(partnership_id: int, meeting_id: int):
    meeting = _meeting(partnership_id, meeting_id, manage=True)
    form = TaskForm()
    form.owner_org_id.choices = _org_choices(meeting.partnership, "")
    data = {"title": form.title.data, "owner_org_id": form.owner_org_id.data,
            "due_on": form.due_on.data}
    saved, _ = save_checked(form, lambda: core.add_task(
        db.session, current_user, partnership_id, meeting_id, data, utcnow()))
    if saved:
        flash(gettext("The task is added."), "success")
        return redirect(url_for("meetings.detail", partnership_id=partnership_id,
                                meeting_id=meeting_id) + "#tasks")
    return detail(partnership_id, meeting_id, task_form=form, status=422)


@bp.route("/<int:partnership_id>/tasks/<int:task_id>/done", methods=["POST"])
@access.user
def task_done(partnership_id: int, task_id: int):
    load_partnership(partnership_id)  # a manager, or a person of the task's owner partner (the core)
    if not ButtonForm().validate():
        abort(400)
    done = request.form.get("done", "1") == "1"
    try:
        marked = act(lambda: core.set_task_done(db.session, current_user, partnership_id,
                                                task_id, done, utcnow()))
    except Forbidden:
        abort(403)
    if marked:
        flash(gettext("The task is marked as done.") if done
              else gettext("The task is open again."), "success")
    return redirect(url_for("meetings.index", partnership_id=partnership_id) + "#tasks")


@bp.route("/<int:partnership_id>/meetings/<int:meeting_id>/evaluation", methods=["POST"])
@access.user
def evaluate(partnership_id: int, meeting_id: int):
    _meeting(partnership_id, meeting_id)
    form = EvaluationForm()
    data = {name: getattr(form, name).data for name in ("usefulness", "atmosphere", "keep",
                                                         "change")}
    saved, _ = save_checked(form, lambda: core.evaluate(
        db.session, current_user, partnership_id, meeting_id, data, utcnow()))
    if saved:
        flash(gettext("Thank you for your evaluation!"), "success")
        return redirect(url_for("meetings.detail", partnership_id=partnership_id,
                                meeting_id=meeting_id))
    if not form.errors:  # refused by the rules (flashed): already evaluated, not yet held
        return redirect(url_for("meetings.detail", partnership_id=partnership_id,
                                meeting_id=meeting_id))
    return detail(partnership_id, meeting_id, evaluation_form=form, status=422)


@bp.route("/<int:partnership_id>/meetings/<int:meeting_id>.ics")
@access.user
def ics(partnership_id: int, meeting_id: int):
    meeting = _meeting(partnership_id, meeting_id)
    return calendar_response([meeting_entry(meeting)], meeting.partnership.name,
                             f"spotkanie-{meeting.id}.ics")


@bp.route("/<int:partnership_id>/calendar/renew", methods=["POST"])
@access.user
def renew_feed(partnership_id: int):
    partnership = load_partnership(partnership_id, manage=True)
    if not ButtonForm().validate():
        abort(400)
    renew = partnership.calendar_token is not None
    saved, _ = save(ButtonForm(), lambda: core.calendar_token(db.session, partnership,
                                                              renew=renew))
    if saved:
        flash(gettext("The calendar address is new: the previous one no longer works.")
              if renew else gettext("The partnership's calendar address is ready."), "success")
    return redirect(url_for("meetings.index", partnership_id=partnership_id))


@bp.route("/<int:partnership_id>/calendar/<token>.ics")
@access.public
def feed(partnership_id: int, token: str):
    try:
        partnership, meetings = core.calendar_meetings(db.session, partnership_id, token)
    except NotFound:
        abort(404)
    return calendar_response([meeting_entry(m) for m in meetings], partnership.name,
                             f"partnerstwo-{partnership.id}.ics")
