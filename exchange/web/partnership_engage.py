"""Keeping partners engaged, on the web (issue 18): the contact log (a full page, and a one-line
quick form per partner on the members page), each partner's last contact and last activity on
the members page with the quiet ones flagged, and each partner's printable page of what it gave
and got.

Every route is ``access.user``; who may read or write is the core's rule
(exchange/core/partnerships/engagement.py): NotFound is a 404, Forbidden a 403."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from exchange.core import partnerships as core
from exchange.core.errors import Forbidden, NotFound
from exchange.http import access
from exchange.http.clock import utcnow
from exchange.http.extensions import db
from exchange.http.matching import current_index
from exchange.web.partnership_forms import ButtonForm
from exchange.web.util import act, save_checked
from models import ContactChannel, Partnership

bp = Blueprint("engage", __name__, url_prefix="/partnerships")

CHANNEL_LABELS = {
    ContactChannel.MEETING: lazy_pgettext("contact channel", "meeting"),
    ContactChannel.PHONE: lazy_pgettext("contact channel", "phone"),
    ContactChannel.EMAIL: lazy_pgettext("contact channel", "e-mail"),
    ContactChannel.VISIT: lazy_pgettext("contact channel", "visit"),
}


class ContactForm(FlaskForm):
    organization_id = SelectField(_l("Partner"), choices=[], validate_choice=False,
                                  validators=[DataRequired()])
    # A meeting attended is logged by itself: a call is what the coordinator most often types.
    channel = SelectField(_l("Channel"), choices=[], default=ContactChannel.PHONE.value,
                          validators=[DataRequired()])
    contacted_on = StringField(_l("Day"), render_kw={"type": "date"}, validators=[Optional()],
                               description=_l("Empty: today."))
    person = StringField(_l("Person (optional)"), validators=[Length(max=200)])
    note = TextAreaField(_l("Note (optional)"), validators=[Length(max=2000)],
                         render_kw={"rows": 3})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.channel.choices = [SelectChoice(c.value, label) for c, label in
                                CHANNEL_LABELS.items()]


def _log(partnership_id: int, *, write: bool = False) -> Partnership:
    try:
        return core.get_log(db.session, current_user, partnership_id, write=write)
    except NotFound:
        abort(404)
    except Forbidden:
        abort(403)


def members_context(partnership: Partnership) -> dict[str, Any]:
    """What the members page shows of engagement: every reader, each partner's last activity;
    the log's readers also its last contact and whether it is quiet; managers the quick form."""
    now = utcnow()
    log_reader = core.can_read_log(db.session, partnership, current_user)
    return {
        "last_activity": core.last_activities(db.session, partnership),
        "log_reader": log_reader,
        "last_contact": core.last_contacts(db.session, partnership) if log_reader else {},
        "quiet": core.quiet_since(db.session, partnership, now) if log_reader else {},
        "quick_contact": log_reader and core.is_manager(db.session, partnership, current_user)
        and partnership.state.value != "ended",
        "CHANNEL_LABELS": CHANNEL_LABELS,
        "QUICK_CHANNELS": [c for c in ContactChannel if c is not ContactChannel.MEETING],
    }


def _contacts_page(partnership: Partnership, form: ContactForm | None = None,
                   status: int = 200):
    manager = core.is_manager(db.session, partnership, current_user)
    form = form or ContactForm(organization_id=request.args.get("organization_id", ""))
    form.organization_id.choices = [SelectChoice("", gettext("Choose…"))] + [
        SelectChoice(str(m.organization_id), m.organization.name)
        for m in sorted(partnership.current_members, key=lambda m: m.organization.name)]
    org_id = request.args.get("organization_id", type=int)
    return render_template(
        "partnerships/contacts.html", partnership=partnership, manager=manager,
        writable=manager and partnership.state.value != "ended", form=form,
        entries=core.contact_log(db.session, partnership, org_id=org_id),
        filtered=next((m.organization for m in partnership.members
                       if m.organization_id == org_id), None),
        quiet=core.quiet_since(db.session, partnership, utcnow()),
        last_contact=core.last_contacts(db.session, partnership),
        CHANNEL_LABELS=CHANNEL_LABELS, button=ButtonForm()), status


@bp.route("/<int:partnership_id>/contacts")
@access.user
def contacts(partnership_id: int):
    return _contacts_page(_log(partnership_id))


@bp.route("/<int:partnership_id>/contacts", methods=["POST"])
@access.user
def log(partnership_id: int):
    partnership = _log(partnership_id, write=True)
    form = ContactForm()
    form.organization_id.choices = []
    data = {name: getattr(form, name).data for name in
            ("organization_id", "channel", "contacted_on", "person", "note")}
    quick = request.form.get("quick") == "1"
    if quick:  # the members page's one-line form: a button per channel, a note
        if not ButtonForm().validate():
            abort(400)
        if act(lambda: core.log_contact(db.session, current_user, partnership_id, data,
                                        utcnow())):
            flash(gettext("The contact is logged."), "success")
        return redirect(url_for("partnerships.members", partnership_id=partnership_id)
                        + f"#partner-{data['organization_id']}")
    saved, _contact = save_checked(form, lambda: core.log_contact(
        db.session, current_user, partnership_id, data, utcnow()))
    if saved:
        flash(gettext("The contact is logged."), "success")
        return redirect(url_for("engage.contacts", partnership_id=partnership_id))
    return _contacts_page(partnership, form, 422)


@bp.route("/<int:partnership_id>/contacts/<int:contact_id>/delete", methods=["POST"])
@access.user
def delete(partnership_id: int, contact_id: int):
    _log(partnership_id, write=True)
    if not ButtonForm().validate():
        abort(400)
    if act(lambda: core.delete_contact(db.session, current_user, partnership_id, contact_id,
                                       utcnow())):
        flash(gettext("The line is taken out of the log."), "success")
    return redirect(url_for("engage.contacts", partnership_id=partnership_id))


@bp.route("/<int:partnership_id>/partners/<int:org_id>")
@access.user
def partner(partnership_id: int, org_id: int):
    try:
        partnership, member = core.get_partner(db.session, current_user, partnership_id, org_id)
    except NotFound:
        abort(404)
    record = core.partner_record(db.session, partnership, member, index=current_index())
    return render_template("partnerships/partner.html", partnership=partnership,
                           record=record, now=utcnow(),
                           log_reader=core.can_read_log(db.session, partnership, current_user))
