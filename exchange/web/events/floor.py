"""Events on the web, on the day: the door (check-in, badges), the session clock, the notary
desk and its queue, the participants' phone deals (see __init__). The deal form both desks
fill in is in deal_form.
"""
from __future__ import annotations

import hashlib
import uuid
from datetime import datetime

import segno
from flask import (Response, abort, current_app, flash, g, jsonify, redirect, render_template,
                   request, url_for)
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeSerializer
from markupsafe import Markup
from sqlalchemy import select

from exchange.core import events as core
from exchange.core.contracts import MAX_COMMITMENTS, MAX_PARTIES
from exchange.core.errors import Conflict, Forbidden, NotFound, ValidationError
from exchange.http import access
from exchange.http.clock import utcnow
from exchange.http.extensions import db
from exchange.http.i18n import translate
from exchange.http.labels import SECTOR_LABELS, SESSION_STATE_LABELS, STAFF_ROLE_LABELS
from exchange.infra.textsearch import fold
from exchange.web.contracts import render_printable
from exchange.web.events.blueprint import bp
from exchange.web.events.deal_form import DealForm, form_context
from exchange.web.util import act
from exchange.http.urls import external_url, is_safe_next
from exchange.http.unit import unit_of_work
from models import Contract
from models.event import DealStatus, EventDeal, StaffRole

STATE_LABELS = {state: label.status for state, label in SESSION_STATE_LABELS.items()}
DEAL_STATUS_LABELS = {
    DealStatus.QUEUED: _l("waiting at the notary desk"),
    DealStatus.RATIFIED: _l("ratified"),
    DealStatus.REJECTED: _l("not ratified"),
}
SEARCH_MAX = 100
RESULTS_MAX = 50


# ---------------------------------------------------------------------------- helpers

def _wants_json() -> bool:
    """desk.js and door.js ask for JSON; a plain form post gets a page."""
    return request.accept_mimetypes.best == "application/json"


def _page(template: str, **context):
    event = g.event
    return render_template(template, event=event, roles=core.roles(event, current_user),
                           STATES=STATE_LABELS, **context)


def _back_to(default: str):
    target = request.form.get("next")
    return redirect(target if is_safe_next(target) else default)


def _opened_signer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt="events.desk.opened_at")


def sign_opened_at(moment: datetime) -> str:
    """The desk form's hidden ``opened_at``: when it was rendered, signed so it cannot be
    moved back to slip a deal into the grace period."""
    return _opened_signer().dumps(moment.isoformat())


def read_opened_at(value: str | None) -> datetime | None:
    try:
        return datetime.fromisoformat(_opened_signer().loads(value or ""))
    except (BadSignature, TypeError, ValueError):
        return None


# ---------------------------------------------------------------------------- the door

def _person_json(person, message: str, already: bool = False) -> dict:
    present, expected = core.presence(g.event)
    org = person.participant.organization
    return {"name": person.name, "organization": org.name, "sector": org.sector.value,
            "checked_in": person.checked_in_at is not None,
            "checked_in_at": person.checked_in_at.isoformat() if person.checked_in_at else None,
            "already": already, "message": message, "present": present, "expected": expected}


@bp.route("/<int:event_id>/door")
@access.staff(*StaffRole)
def door(event_id: int):
    """The check-in page: a name search, the camera scanner and the count of who is in."""
    query = (request.args.get("q") or "").strip()[:SEARCH_MAX]
    found = core.find_attendees(db.session, g.event, query) if query else []
    present, expected = core.presence(g.event)
    organizations = sorted((p.organization for p in core.admitted(g.event)),
                           key=lambda o: fold(o.name))
    return _page("events/door.html", query=query, found=found[:RESULTS_MAX],
                 more=len(found) > RESULTS_MAX, present=present, expected=expected,
                 organizations=organizations, sectors=SECTOR_LABELS)


@bp.route("/<int:event_id>/presence.json")
@access.staff(*StaffRole)
def presence(event_id: int):
    """Who is in, for the door page's live count (door.js polls it)."""
    present, expected = core.presence(g.event)
    response = jsonify(present=present, expected=expected)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/<int:event_id>/door/<token>", methods=["GET", "POST"])
@access.staff(*StaffRole)
def check_in_badge(event_id: int, token: str):
    """What a badge's QR code opens: the person, and a button to check them in.

    POST checks the person in (again: nothing changes); with ``undo=1`` it takes it back.
    """
    try:
        person = core.attendee_by_token(db.session, g.event, token[:64])
    except NotFound:
        if _wants_json():
            return jsonify(error="not_found", message=gettext(
                "This code does not belong to an admitted participant of this event.")), 404
        abort(404)
    if request.method == "GET":
        return _page("events/badge_check_in.html", person=person)
    undo = request.form.get("undo") == "1"
    already = not undo and person.checked_in_at is not None
    with unit_of_work():
        core.check_in(db.session, current_user, event_id, person.badge_token, utcnow(),
                      undo=undo)
    if undo:
        message = gettext("Check-in of %(name)s is undone.", name=person.name)
    elif already:
        message = gettext("%(name)s was already checked in.", name=person.name)
    else:
        message = gettext("%(name)s is checked in.", name=person.name)
    if _wants_json():
        return jsonify(_person_json(person, message, already))
    flash(message, "success")
    return _back_to(url_for("events.check_in_badge", event_id=event_id, token=person.badge_token))


@bp.route("/<int:event_id>/badges")
@access.staff(*StaffRole)
def badges(event_id: int):
    """Every admitted person's badge, to print: coloured by sector, with its QR code (with
    ``only=<token>``, one person's, e.g. a walk-in's)."""
    only = request.args.get("only")
    people = []
    for application in sorted(core.admitted(g.event), key=lambda p: fold(p.organization.name)):
        for person in application.attendees:
            if only and person.badge_token != only:
                continue
            link = external_url("events.check_in_badge", event_id=event_id, token=person.badge_token)
            people.append((person, application.organization,
                           Markup(segno.make(link, error="m").svg_inline(omitsize=True))))
    return _page("events/badges.html", people=people, staff=[] if only else _staff_badges())


def _staff_badges() -> list[tuple]:
    """The staff's badges: each person once, with their roles in the order of the enum."""
    roles: dict = {}
    for row in g.event.staff:
        roles.setdefault(row.user, set()).add(row.role)
    return sorted(((user, " · ".join(str(STAFF_ROLE_LABELS[r]) for r in StaffRole if r in held))
                   for user, held in roles.items()), key=lambda item: fold(item[0].name))


# ---------------------------------------------------------------------------- the session

@bp.route("/<int:event_id>/session")
@access.staff(StaffRole.ORGANISER, StaffRole.MODERATOR)
def session_controls(event_id: int):
    """The clock's controls (the organiser) and the announcement line (the moderator)."""
    now = utcnow()
    figures = core.board(db.session, g.event, now)
    return _page("events/session.html", state=core.session_state(g.event, now),
                 seconds_left=core.seconds_left(g.event, now), deals=figures["deals"],
                 figures=figures, top_categories=list(figures["by_category"].items())[:3])


@bp.route("/<int:event_id>/session/start", methods=["POST"])
@access.staff(StaffRole.ORGANISER)
def start_session(event_id: int):
    if act(lambda: core.start_session(db.session, current_user, event_id, utcnow())):
        flash(gettext("The session has started. Sound the gong!"), "success")
    return redirect(url_for("events.session_controls", event_id=event_id))


@bp.route("/<int:event_id>/session/close", methods=["POST"])
@access.staff(StaffRole.ORGANISER)
def close_session(event_id: int):
    if request.form.get("confirm") != "1":
        flash(gettext("Tick the box to confirm that the session ends now."), "error")
    elif act(lambda: core.close_session(db.session, current_user, event_id, utcnow())):
        flash(gettext("The session is closed: the count is final."), "success")
    return redirect(url_for("events.session_controls", event_id=event_id))


@bp.route("/<int:event_id>/session/announce", methods=["POST"])
@access.staff(StaffRole.MODERATOR)
def announce(event_id: int):
    text = request.form.get("announcement", "")
    if act(lambda: core.announce(db.session, current_user, event_id, text, utcnow())):
        flash(gettext("The announcement is on the board.") if text.strip() else
              gettext("The announcement is cleared."), "success")
    return redirect(url_for("events.session_controls", event_id=event_id))


# ---------------------------------------------------------------------------- the desk

def _desk_page(form: DealForm, status: int = 200):
    now = utcnow()
    state = core.session_state(g.event, now)
    queued = core.queue(db.session, g.event)
    taken = _taken(queued)
    names = {o.id: o.name for o in form.orgs}
    recent = core.event_contracts(db.session, g.event)[-5:][::-1]
    # Who can represent each party: its people checked in at the door, offered as typed.
    people = {form.labels[a.organization_id]: sorted(p.name for p in a.attendees
                                                      if p.checked_in_at is not None)
              for a in core.admitted(g.event) if a.organization_id in form.labels}
    return _page("events/desk.html", state=state, seconds_left=core.seconds_left(g.event, now),
                 queued=queued, queue_etag=_queue_etag(queued, taken), taken=taken,
                 names=names, recent=recent, people=people,
                 fresh=not (form.errors or form.deal_id),
                 max_rows=MAX_COMMITMENTS, max_parties=MAX_PARTIES,  # what desk.js may add
                 **form_context(form)), status


def _ratify(form: DealForm):
    """Send the form to the core; (contract, created) or (None, False) with errors on FORM.

    The core is idempotent on the form's client key: a contract it finds that way was
    ratified by an earlier request (a double click, the outbox after a lost answer)."""
    data, positions = form.data()
    if form.errors:
        return None, False
    now = utcnow()
    try:
        with unit_of_work():
            contract, created = core.ratify_deal(
                db.session, current_user, g.event.id, data, now,
                client_key=form.client_key or None, opened_at=read_opened_at(form.opened_at),
                deal_id=int(form.deal_id) if form.deal_id else None)
    except ValidationError as error:
        form.add_core_errors(error, positions)
        return None, False
    except (Conflict, NotFound, Forbidden) as error:
        form.add(None, translate(error.message))
        return None, False
    return contract, created


@bp.route("/<int:event_id>/desk", methods=["GET", "POST"])
@access.staff(StaffRole.NOTARY)
def desk(event_id: int):
    """The notary desk: one form to ratify a deal fast, and the queue of phone deals."""
    now = utcnow()
    form = DealForm(g.event, now.date())
    if request.method == "GET":
        form.blank()
        deal_id = request.args.get("deal", "")
        if deal_id.isdigit():
            deal = db.session.get(EventDeal, int(deal_id)) if int(deal_id) else None
            if deal is None or deal.event_id != event_id or deal.status is not DealStatus.QUEUED:
                flash(gettext("This deal is no longer in the queue."), "error")
            elif core.taken_elsewhere(deal, current_user, now):
                flash(gettext("%(name)s has opened this deal at another desk. Take it over "
                              "only if that desk has left it.", name=deal.taken_by.name), "error")
            else:
                form.from_deal(deal)
        form.client_key = uuid.uuid4().hex
        form.opened_at = sign_opened_at(now)
        return _desk_page(form)
    form.read(request.form)
    contract, created = _ratify(form)
    if contract is None:
        if _wants_json():
            return jsonify(ok=False, errors=form.json_errors(),
                           message=gettext("Please correct the marked fields.")), 422
        return _desk_page(form, 422 if form.errors else 200)
    print_url = url_for("events.print_contract", event_id=event_id, contract_id=contract.id)
    message = gettext("Contract %(number)s is ratified. Print a copy for each party.",
                      number=contract.number)
    if _wants_json():
        return jsonify(ok=True, number=contract.number, contract_id=contract.id,
                       print_url=print_url, created=created, message=message), \
            201 if created else 200
    flash(message, "success")
    return redirect(print_url)


def _queue_etag(queued, taken: dict[int, str]) -> str:
    """What the queue looks like to this notary: the deals in it, each as last sent, and which
    of them another desk has open."""
    return hashlib.sha256(",".join(f"{d.id}:{d.submitted_at.isoformat()}:{taken.get(d.id, '')}"
                                   for d in queued).encode()).hexdigest()[:16]


def _taken(queued) -> dict[int, str]:
    """The queued deals another desk has open now, with that notary's name."""
    now = utcnow()
    return {d.id: d.taken_by.name for d in queued if core.taken_elsewhere(d, current_user, now)}


@bp.route("/<int:event_id>/desk/queue")
@access.staff(StaffRole.NOTARY)
def desk_queue(event_id: int):
    """The queue of phone deals alone, for desk.js to show new ones without a reload; 304
    while it has not changed."""
    queued = core.queue(db.session, g.event)
    taken = _taken(queued)
    etag = _queue_etag(queued, taken)
    if request.if_none_match.contains(etag):
        response = Response(status=304)
    else:
        names = {p.organization.id: p.organization.name for p in core.admitted(g.event)}
        response = Response(render_template("events/_desk_queue.html", event=g.event,
                                            queued=queued, queue_etag=etag, names=names,
                                            taken=taken))
    response.set_etag(etag)
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.route("/<int:event_id>/desk/queue/<int:deal_id>/open", methods=["POST"])
@access.staff(StaffRole.NOTARY)
def open_deal(event_id: int, deal_id: int):
    """Open a phone deal at this desk: the other desks' queues show it taken."""
    take_over = request.form.get("take_over") == "1"
    if act(lambda: core.take_deal(db.session, current_user, event_id, deal_id, utcnow(),
                                  take_over=take_over)):
        return redirect(url_for("events.desk", event_id=event_id, deal=deal_id))
    return redirect(url_for("events.desk", event_id=event_id) + "#queue")


@bp.route("/<int:event_id>/desk/queue/<int:deal_id>/reject", methods=["POST"])
@access.staff(StaffRole.NOTARY)
def reject_deal(event_id: int, deal_id: int):
    note = request.form.get("note", "")
    if act(lambda: core.reject_deal(db.session, current_user, event_id, deal_id, note,
                                    utcnow())):
        flash(gettext("The deal is taken off the queue; its organization sees your note."),
              "success")
    return redirect(url_for("events.desk", event_id=event_id) + "#queue")


@bp.route("/<int:event_id>/contracts/<int:contract_id>/print")
@access.staff(StaffRole.NOTARY)
def print_contract(event_id: int, contract_id: int):
    """The printable copies of a deal ratified at this event, for the notary to hand out."""
    contract = db.session.get(Contract, contract_id)
    if contract is None or contract.event_id != event_id:
        abort(404)
    return render_printable(contract, event=g.event,
                            back_url=url_for("events.desk", event_id=event_id),
                            back_label=gettext("Back to the desk: next deal"))


# ---------------------------------------------------------------------------- phone deals

@bp.route("/<int:event_id>/organizations/<int:org_id>/deal", methods=["GET", "POST"])
@access.member
def phone_deal(event_id: int, org_id: int):
    """A participant drafts a deal on a phone; it waits in the notary's queue."""
    try:
        event = core.get_event(db.session, current_user, event_id)
    except NotFound:
        abort(404)
    g.event = event
    org = g.membership.organization
    now = utcnow()
    form = DealForm(event, now.date(), own_org=org)
    is_admitted = any(o.id == org_id for o in form.orgs)
    status = 200
    if request.method == "POST":
        form.read(request.form)
        data, positions = form.data()
        if not is_admitted:
            flash(gettext("Only admitted participants can draft deals at this event."), "error")
        elif not form.errors:
            try:
                with unit_of_work():
                    core.submit_deal(db.session, current_user, event_id, org_id, data, now)
            except ValidationError as error:
                form.add_core_errors(error, positions)
            except Forbidden as error:
                form.add(None, translate(error.message))
            else:
                flash(gettext("Your deal waits at the notary desk. Go there with the other "
                              "party's representative to sign it."), "success")
                return redirect(url_for("events.phone_deal", event_id=event_id, org_id=org_id))
        status = 422 if form.errors else 200
    else:
        form.blank()
        form.representatives[0] = current_user.name
    mine = list(db.session.scalars(select(EventDeal).where(
        EventDeal.event_id == event_id, EventDeal.organization_id == org_id)
        .order_by(EventDeal.submitted_at.desc())))
    numbers = dict(db.session.execute(select(Contract.id, Contract.number).where(
        Contract.id.in_([d.contract_id for d in mine if d.contract_id]))).all()) if mine else {}
    return render_template("events/deal_phone.html", event=event, org=org,
                           is_admitted=is_admitted, mine=mine, numbers=numbers,
                           open=core.accepts_deals(event, now, None),
                           state=core.session_state(event, now), STATES=STATE_LABELS,
                           DEAL_STATUS=DEAL_STATUS_LABELS, **form_context(form)), status
