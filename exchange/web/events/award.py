"""Events on the web, after the session: the match of the year (see
exchange/core/events/award.py). The organiser opens nominations with a voting window, reads
the tally and announces the winner; a member of a participant organization nominates a deal
and casts the organization's vote."""
from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user

from exchange.core import events as core
from exchange.core.errors import NotFound
from exchange.http import access
from exchange.http.clock import utcnow
from exchange.http.extensions import db
from exchange.web.events.blueprint import bp
from exchange.web.organizations import EmptyForm
from exchange.web.util import act
from models.event import StaffRole


def _local(moment, zone: ZoneInfo) -> str:
    """MOMENT as a datetime-local field's value, on the event's clock."""
    return moment.astimezone(zone).strftime("%Y-%m-%dT%H:%M")


def _window(award, now, zone: ZoneInfo) -> dict:
    """The voting window's fields (on the event's clock): the award's, else from tomorrow
    9:00 for a week."""
    if award is not None:
        return {"starts": _local(award.voting_starts_at, zone),
                "ends": _local(award.voting_ends_at, zone)}
    start = (now.astimezone(zone) + timedelta(days=1)).replace(hour=9, minute=0, second=0,
                                                               microsecond=0)
    return {"starts": start.strftime("%Y-%m-%dT%H:%M"),
            "ends": (start + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M")}


@bp.route("/<int:event_id>/award")
@access.staff(StaffRole.ORGANISER)
def award(event_id: int):
    """The organiser's page: the window, the nominated deals with their votes, the winner."""
    now = utcnow()
    event = g.event
    award = core.award_of(db.session, event)
    found = core.candidates(db.session, event) if award is not None else []
    return render_template(
        "events/award.html", event=event, award=award, phase=core.award_phase(award, now),
        closed=event.session_closed_at is not None, candidates=found,
        leaders={c.contract.id for c in core.leaders(found)}, window=_window(award, now, ZoneInfo(event.time_zone)),
        votes=sum(c.votes for c in found), form=EmptyForm(),
        winner=core.award_slot(db.session, event))


@bp.route("/<int:event_id>/award/open", methods=["POST"])
@access.staff(StaffRole.ORGANISER)
def open_award(event_id: int):
    form = EmptyForm()
    opened = core.award_of(db.session, g.event) is not None
    if form.validate_on_submit() and act(lambda: core.open_award(
            db.session, current_user, event_id, request.form.get("voting_starts_at", ""),
            request.form.get("voting_ends_at", ""), utcnow(), zone=g.event.time_zone)):
        flash(gettext("The voting window is changed.") if opened else gettext(
            "Nominations are open; the participants are told."), "success")
    return redirect(url_for("events.award", event_id=event_id))


@bp.route("/<int:event_id>/award/announce", methods=["POST"])
@access.staff(StaffRole.ORGANISER)
def announce_award(event_id: int):
    form = EmptyForm()
    if form.validate_on_submit() and act(lambda: core.announce_winner(
            db.session, current_user, event_id, request.form.get("contract_id", ""), utcnow())):
        flash(gettext("The match of the year is announced: the board, the report and the "
                      "summary show it."), "success")
    return redirect(url_for("events.award", event_id=event_id))


def _event_of_member(event_id: int):
    try:
        return core.get_event(db.session, current_user, event_id)
    except NotFound:
        abort(404)


@bp.route("/<int:event_id>/organizations/<int:org_id>/award")
@access.member
def ballot(event_id: int, org_id: int):
    """A participant's page: its nomination, then its vote, then the winner."""
    event = _event_of_member(event_id)
    now = utcnow()
    award = core.award_of(db.session, event)
    nomination = core.nomination_of(db.session, event, org_id)
    return render_template(
        "events/award_ballot.html", event=event, org=g.membership.organization, award=award,
        phase=core.award_phase(award, now),
        is_admitted=any(p.organization_id == org_id for p in core.admitted(event)),
        deals=core.event_contracts(db.session, event), nomination=nomination,
        cast=core.vote_of(db.session, event, org_id),
        candidates=core.candidates(db.session, event) if award is not None else [],
        winner=core.award_slot(db.session, event), form=EmptyForm())


@bp.route("/<int:event_id>/organizations/<int:org_id>/award/nominate", methods=["POST"])
@access.member
def nominate(event_id: int, org_id: int):
    form = EmptyForm()
    if form.validate_on_submit() and act(lambda: core.nominate(
            db.session, current_user, event_id, org_id, request.form.get("contract_id", ""),
            request.form.get("reason", ""), request.form.get("was", ""), utcnow())):
        flash(gettext("Your organization's nomination is saved. It may be changed until the "
                      "voting starts."), "success")
    return redirect(url_for("events.ballot", event_id=event_id, org_id=org_id))


@bp.route("/<int:event_id>/organizations/<int:org_id>/award/vote", methods=["POST"])
@access.member
def vote(event_id: int, org_id: int):
    form = EmptyForm()
    if form.validate_on_submit() and act(lambda: core.vote(
            db.session, current_user, event_id, org_id, request.form.get("contract_id", ""),
            utcnow())):
        flash(gettext("Your organization's vote is cast. Thank you!"), "success")
    return redirect(url_for("events.ballot", event_id=event_id, org_id=org_id))
