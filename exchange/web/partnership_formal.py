"""A partnership's formalisation and membership changes on the web (issue 18): the declaration
(prepared and amended here by managers, signed on the contract's own pages), a listing tagged
for a partnership after it was posted, a meeting changed or cancelled, a member organization
removed and the leading organization changed.

Every route is ``access.user`` (tagging a listing ``access.member`` of its organization); who
may do what is the core's rule (NotFound is a 404, Forbidden a 403). The partnership's page shows the declaration through
``partnership_declaration`` (a template helper)."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select, update
from wtforms import BooleanField, SelectField
from wtforms.fields.choices import SelectChoice

from exchange.core import partnerships as core
from exchange.core.errors import Forbidden, NotFound
from exchange.core.preferences import EVENTS, NEVER, preferences_of
from exchange.http import access
from exchange.http.calendar import calendar_bytes, meeting_entry
from exchange.http.clock import utcnow
from exchange.http.extensions import db
from exchange.http.mailing import mail_user
from exchange.http.urls import external_url
from exchange.web.partnership_forms import load_partnership, ButtonForm
from exchange.web.partnership_meetings import MeetingForm
from exchange.web.util import act, save_checked
from models import Listing, Membership, Notification, Partnership, PartnershipMeeting

bp = Blueprint("partnership_formal", __name__)



def _button(partnership_id: int, action: Callable[[], Any], message: str, *,
            manage: bool = True, to: str = "partnerships.detail", anchor: str | None = None):
    load_partnership(partnership_id, manage=manage)
    if not ButtonForm().validate():
        abort(400)
    if act(action):
        flash(message, "success")
    return redirect(url_for(to, partnership_id=partnership_id, _anchor=anchor))


@bp.app_context_processor
def _helpers() -> dict:
    return {"partnership_declaration": _declaration, "listing_partnership": _badge,
            "partnership_tag_form": _tag_form}


def _declaration(partnership: Partnership) -> dict:
    """The declaration's state for the partnership's page, and whether the reader may open the
    contract (a member of one of its parties)."""
    state = core.declaration_state(db.session, partnership, utcnow().date())
    mine = set(db.session.scalars(select(Membership.organization_id).where(
        Membership.user_id == current_user.id))) if current_user.is_authenticated else set()
    return {"state": state, "opens": bool(state and mine & set(state.contract.organization_ids))}


# --- the declaration -----------------------------------------------------------------------

@bp.route("/partnerships/<int:partnership_id>/declaration", methods=["POST"])
@access.user
def prepare_declaration(partnership_id: int):
    return _button(partnership_id, lambda: core.prepare_declaration(
        db.session, current_user, partnership_id, utcnow()),
        gettext("The declaration is ready: each partner's signatory signs it on its page."),
        anchor="declaration-heading")


@bp.route("/partnerships/<int:partnership_id>/declaration/amend", methods=["POST"])
@access.user
def amend_declaration(partnership_id: int):
    return _button(partnership_id, lambda: core.amend_declaration(
        db.session, current_user, partnership_id, utcnow()),
        gettext("The amendment is ready: every partner signs the declaration again."),
        anchor="declaration-heading")


# --- a listing tagged for a partnership after it was posted ---------------------------------

class PartnershipTagForm(FlaskForm):
    partnership_id = SelectField(_l("Contribution to a partnership"), choices=[],
                                 validate_choice=False)
    partnership_only = BooleanField(
        _l("Visible to the partnership only"),
        description=_l("Not shown in the marketplace, search, events or proposals to other "
                       "organizations."))


def _tag_form(listing: Listing) -> PartnershipTagForm | None:
    """The edit page's form to tag LISTING, if its organization is in a partnership (or the
    listing is tagged already)."""
    partnerships = core.partnerships_of_organization(db.session, listing.organization_id)
    if not partnerships and listing.partnership_id is None and not listing.partnership_only:
        return None
    form = PartnershipTagForm(data={"partnership_id": str(listing.partnership_id or ""),
                                    "partnership_only": listing.partnership_only})
    form.partnership_id.choices = [SelectChoice("", gettext("No partnership"))] + [
        SelectChoice(str(p.id), p.name) for p in partnerships]
    return form


def _badge(listing: Listing) -> Partnership | None:
    return core.partnership_badge(db.session, current_user if current_user.is_authenticated
                                  else None, listing)


@bp.route("/organizations/<int:org_id>/listings/<int:listing_id>/partnership",
          methods=["POST"])
@access.member
def tag_listing(org_id: int, listing_id: int):
    form = PartnershipTagForm()
    saved, listing = save_checked(form, lambda: core.tag_listing(
        db.session, current_user, org_id, listing_id, form.partnership_id.data,
        form.partnership_only.data, utcnow()))
    if saved:
        flash(gettext("Kept for the partnership only.") if listing.partnership_only
              else gettext("The listing is a contribution to the partnership.")
              if listing.partnership_id else gettext("The listing is for no partnership."),
              "success")
        return redirect(url_for("listings.detail", listing_id=listing_id))
    for messages in form.errors.values():
        for message in messages:
            flash(message, "error")
    return redirect(url_for("listings.edit", org_id=org_id, listing_id=listing_id,
                            _anchor="partnership"))


# --- a meeting changed or cancelled -------------------------------------------------------

MEETING_FIELDS = ("title", "date", "time", "duration_minutes", "place_org_id", "place_text",
                  "agenda")


def _meeting(partnership_id: int, meeting_id: int) -> PartnershipMeeting:
    try:
        return core.get_meeting(db.session, current_user, partnership_id, meeting_id,
                                manage=True)
    except NotFound:
        abort(404)
    except Forbidden:
        abort(403)


@bp.route("/partnerships/<int:partnership_id>/meetings/<int:meeting_id>/edit",
          methods=["GET", "POST"])
@access.user
def edit_meeting(partnership_id: int, meeting_id: int):
    meeting = _meeting(partnership_id, meeting_id)
    partnership = meeting.partnership
    start = core.local_start(meeting)
    form = MeetingForm(data={"title": meeting.title, "date": start.date().isoformat(),
                             "time": start.strftime("%H:%M"),
                             "duration_minutes": meeting.duration_minutes,
                             "place_org_id": str(meeting.place_org_id or ""),
                             "place_text": meeting.place_text, "agenda": meeting.agenda})
    form.template.choices = []
    form.place_org_id.choices = [SelectChoice("", gettext("— elsewhere (write below) —"))] + [
        SelectChoice(str(m.organization_id), m.organization.name)
        for m in sorted(partnership.current_members, key=lambda m: m.organization.name)]
    if form.is_submitted():
        data = {name: getattr(form, name).data for name in MEETING_FIELDS}
        saved, result = save_checked(form, lambda: _update(partnership_id, meeting_id, data))
        if saved and result[1]:
            _mail(result[0], "REQUEST")
        if saved:
            flash(gettext("The meeting is changed and the partners are told.") if result[1]
                  else gettext("Nothing was changed."), "success")
            return redirect(url_for("meetings.detail", partnership_id=partnership_id,
                                    meeting_id=meeting_id))
    return render_template("partnerships/meetings/edit.html", form=form, meeting=meeting,
                           partnership=partnership, button=ButtonForm()), \
        422 if form.errors else 200


def _update(partnership_id: int, meeting_id: int, data: dict[str, Any]):
    result = core.update_meeting(db.session, current_user, partnership_id, meeting_id, data,
                                 utcnow())
    if result[1]:
        _mailed(result[0])
    return result


@bp.route("/partnerships/<int:partnership_id>/meetings/<int:meeting_id>/cancel",
          methods=["POST"])
@access.user
def cancel_meeting(partnership_id: int, meeting_id: int):
    _meeting(partnership_id, meeting_id)
    if not ButtonForm().validate():
        abort(400)

    cancelled = []

    def cancel():
        cancelled.append(core.cancel_meeting(db.session, current_user, partnership_id,
                                             meeting_id, utcnow()))
        _mailed(cancelled[0])
    if act(cancel):
        _mail(cancelled[0], "CANCEL")
        flash(gettext("The meeting is cancelled and the partners are told."), "success")
    return redirect(url_for("meetings.detail", partnership_id=partnership_id,
                            meeting_id=meeting_id))


def _mailed(meeting: PartnershipMeeting) -> None:
    """The change's notifications are e-mailed here, with the .ics (_mail, once committed):
    the mail job need not send them again."""
    db.session.execute(update(Notification).where(
        Notification.key.like(f"partnership-meeting:{meeting.id}:v{meeting.sequence}:%"),
        Notification.emailed_at.is_(None)).values(emailed_at=utcnow()))


def _mail(meeting: PartnershipMeeting, method: str) -> None:
    """E-mail the people told of the change (who take e-mails about dates) the updated .ics
    (METHOD:REQUEST, a higher SEQUENCE) or its cancelling (METHOD:CANCEL)."""
    ics = calendar_bytes([meeting_entry(meeting)], meeting.partnership.name, method=method)
    link = external_url("meetings.detail", partnership_id=meeting.partnership_id,
                        meeting_id=meeting.id)
    when = core.local_start(meeting).strftime("%Y-%m-%d %H:%M")
    cancelled = method == "CANCEL"
    for person in meeting.people:
        if preferences_of(db.session, person.id)[EVENTS] == NEVER:
            continue
        subject = (_l("Cancelled: meeting of the partnership „%(name)s”",
                      name=meeting.partnership.name) if cancelled else
                   _l("Changed: meeting of the partnership „%(name)s”",
                      name=meeting.partnership.name))
        mail_user(person, subject, [
            _l("%(title)s, %(when)s, is cancelled.", title=meeting.title, when=when)
            if cancelled else _l("%(title)s is now on %(when)s.", title=meeting.title,
                                 when=when),
            "" if cancelled else meeting.agenda or "",
            _l("Details: %(link)s", link=link),
            _l("The attached file updates the meeting in your calendar."),
        ], background=True, attachments=(("spotkanie.ics", "text/calendar", ics),))


# --- a member removed, the lead changed ----------------------------------------------------

@bp.route("/partnerships/<int:partnership_id>/members/<int:org_id>/remove", methods=["POST"])
@access.user
def remove_member(partnership_id: int, org_id: int):
    return _button(partnership_id, lambda: core.remove_member(
        db.session, current_user, partnership_id, org_id, utcnow()),
        gettext("The organization is no longer a member of the partnership."),
        to="partnerships.members")


@bp.route("/partnerships/<int:partnership_id>/lead", methods=["POST"])
@access.user
def change_lead(partnership_id: int):
    return _button(partnership_id, lambda: core.change_lead(
        db.session, current_user, partnership_id, request.form.get("lead_id"), utcnow()),
        gettext("The partnership has a new leading institution."), to="partnerships.members")
