"""Events on the web, on the day: the door (check-in, badges), the session clock, the notary
desk and its queue, the participants' phone deals (see __init__).

The desk form is read by hand rather than with WTForms: its party slots and commitment rows
grow in the browser, parties are typed (a few letters of a name), and the same form answers a
plain POST (no JavaScript) and desk.js's fetch (JSON), which keeps a deal in an outbox while
the connection is down.
"""
from __future__ import annotations

import re
import uuid
from datetime import datetime, timedelta

import segno
from flask import abort, current_app, flash, g, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeSerializer
from markupsafe import Markup
from sqlalchemy import select

from exchange.core import contracts as contracts_core
from exchange.core import events as core
from exchange.core.errors import Conflict, Forbidden, NotFound, ValidationError
from exchange.http import access
from exchange.http.clock import utcnow
from exchange.http.extensions import db
from exchange.http.i18n import translate
from exchange.http.labels import SESSION_STATE_LABELS
from exchange.infra.textsearch import fold
from exchange.web.contracts import render_printable
from exchange.web.events.blueprint import bp
from exchange.web.util import act
from exchange.http.urls import external_url, is_safe_next
from exchange.http.unit import unit_of_work
from models import Category, Contract, ListingKind, Organization, Unit
from models.event import DealStatus, EventDeal, StaffRole

STATE_LABELS = {state: label.status for state, label in SESSION_STATE_LABELS.items()}
DEAL_STATUS_LABELS = {
    DealStatus.QUEUED: _l("waiting at the notary desk"),
    DealStatus.RATIFIED: _l("ratified"),
    DealStatus.REJECTED: _l("not ratified"),
}
SEARCH_MAX = 100
RESULTS_MAX = 50
DESK_ROWS = 2          # commitment rows of a new deal: one each way
DUE_DAYS = 90          # the due date a new commitment row suggests
ROW_FIELDS = ("pick", "giver_id", "receiver_id", "what", "quantity", "unit", "due_on",
              "category", "estimated_value", "listing_id", "need_id")
ROW_NAME = re.compile(r"^commitments-(\d{1,2})-([a-z_]+)$")
SLOT = re.compile(r"^@(\d{1,2})$")
PICKED = re.compile(r"^#(\d{1,9})\b")
BY_ID = re.compile(r"\(#(\d{1,9})\)\s*$")


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
    return _page("events/door.html", query=query, found=found[:RESULTS_MAX],
                 more=len(found) > RESULTS_MAX, present=present, expected=expected)


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
    """Every admitted person's badge, to print: coloured by sector, with its QR code."""
    people = []
    for application in sorted(core.admitted(g.event), key=lambda p: fold(p.organization.name)):
        for person in application.attendees:
            link = external_url("events.check_in_badge", event_id=event_id, token=person.badge_token)
            people.append((person, application.organization,
                           Markup(segno.make(link, error="m").svg_inline(omitsize=True))))
    return _page("events/badges.html", people=people)


# ---------------------------------------------------------------------------- the session

@bp.route("/<int:event_id>/session")
@access.staff(StaffRole.ORGANISER, StaffRole.MODERATOR)
def session_controls(event_id: int):
    """The clock's controls (the organiser) and the announcement line (the moderator)."""
    now = utcnow()
    return _page("events/session.html", state=core.session_state(g.event, now),
                 seconds_left=core.seconds_left(g.event, now),
                 deals=len(core.event_contracts(db.session, g.event)))


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


# ---------------------------------------------------------------------------- deal forms

def _org_labels(orgs: list[Organization]) -> dict[int, str]:
    """What a party field shows for each organization: its name, made unique when needed."""
    seen: dict[str, int] = {}
    for org in orgs:
        seen[fold(org.name)] = seen.get(fold(org.name), 0) + 1
    return {o.id: o.name if seen[fold(o.name)] == 1 else f"{o.name} (#{o.id})" for o in orgs}


def _listing_label(listing) -> str:
    kind = gettext("offer") if listing.kind is ListingKind.OFFER else gettext("need")
    return f"#{listing.id} {listing.title} — {listing.organization.name} ({kind})"


class DealForm:
    """The fields of a deal as typed (party slots, commitment rows) and their errors."""

    def __init__(self, event, today, *, own_org: Organization | None = None):
        self.event = event
        self.orgs = sorted((p.organization for p in core.admitted(event)),
                           key=lambda o: fold(o.name))
        self.labels = _org_labels(self.orgs)
        self.listings = core.event_listings(db.session, event)
        self.today = today
        self.own_org = own_org
        self.parties: list[str] = []
        self.representatives: list[str] = []
        self.rows: list[dict] = []
        self.no_money = False
        self.client_key = ""
        self.opened_at = ""
        self.deal_id = ""
        self.errors: dict[str | None, list[str]] = {}

    # -- building
    def blank(self) -> "DealForm":
        first = str(self.own_org.id) if self.own_org else ""
        self.parties, self.representatives = [first, ""], ["", ""]
        self.rows = [self.blank_row("@0", "@1"), self.blank_row("@1", "@0")][:DESK_ROWS]
        return self

    def blank_row(self, giver: str = "@0", receiver: str = "@1") -> dict:
        row = dict.fromkeys(ROW_FIELDS, "")
        row.update(giver_id=giver, receiver_id=receiver,
                   due_on=(self.today + timedelta(days=DUE_DAYS)).isoformat())
        return row

    def read(self, form) -> "DealForm":
        self.parties = [v.strip()[:200] for v in form.getlist("parties")][:contracts_core.MAX_PARTIES]
        if self.own_org is not None:
            self.parties[:1] = [str(self.own_org.id)]
        self.representatives = [
            (form.get(f"representatives-{i}-representative") or "").strip()
            for i in range(len(self.parties))]
        indexes = sorted({int(m.group(1)) for key in form if (m := ROW_NAME.match(key))})
        self.rows = [{name: (form.get(f"commitments-{i}-{name}") or "").strip()[:400]
                      for name in ROW_FIELDS}
                     for i in indexes[:contracts_core.MAX_COMMITMENTS]]
        self.no_money = form.get("no_money") in ("1", "on", "true", "yes")
        self.client_key = (form.get("client_key") or "").strip()[:64]
        self.opened_at = form.get("opened_at") or ""
        self.deal_id = form.get("deal_id") if (form.get("deal_id") or "").isdigit() else ""
        return self

    def from_deal(self, deal: EventDeal) -> "DealForm":
        terms = deal.terms or {}
        ids = [p for p in terms.get("parties", []) if str(p).isdigit()]
        slot = {str(p): f"@{i}" for i, p in enumerate(ids)}
        self.parties = [self.labels.get(int(p), str(p)) for p in ids]
        reps = terms.get("representatives") or {}
        self.representatives = [reps.get(str(p), "") for p in ids]
        by_id = {x.id: x for x in self.listings}
        self.rows = []
        for given in terms.get("commitments") or []:
            row = self.blank_row()
            row.update({k: str(given.get(k) or "") for k in ROW_FIELDS if k in given})
            row["giver_id"] = slot.get(str(given.get("giver_id")), "")
            row["receiver_id"] = slot.get(str(given.get("receiver_id")), "")
            linked = row["listing_id"] or row["need_id"]
            picked = by_id.get(int(linked)) if linked.isdigit() else None
            row["pick"] = _listing_label(picked) if picked else ""
            self.rows.append(row)
        self.rows = self.rows or [self.blank_row()]
        self.deal_id = str(deal.id)
        return self

    # -- reading into core data
    def _resolve(self, text: str) -> tuple[int | None, str | None]:
        match = BY_ID.search(text)
        by_id = {o.id: o for o in self.orgs}
        if text.isdigit() or match:
            org_id = int(text if text.isdigit() else match.group(1))
            if org_id in by_id:
                return org_id, None
            return None, gettext("Choose one of the admitted organizations.")
        key = fold(text)
        exact = [o for o in self.orgs if fold(o.name) == key]
        found = exact or [o for o in self.orgs if key in fold(o.name)]
        if len(found) == 1:
            return found[0].id, None
        if not found:
            return None, gettext("No admitted organization matches “%(text)s”.", text=text)
        return None, gettext("“%(text)s” matches %(count)d organizations: type more of the name.",
                             text=text, count=len(found))

    def data(self) -> tuple[dict, list[int]]:
        """The core's fields (parties as ids), and the row each sent commitment came from.

        Problems only the form can see (an unknown party, an unknown listing) are added to
        ``errors``; with any of them the deal must not be sent.
        """
        slots: list[int | None] = []
        for i, text in enumerate(self.parties):
            org_id = None
            if text:
                org_id, problem = self._resolve(text)
                if problem:
                    self.add(f"parties-{i}", problem)
                elif org_id in slots:
                    self.add(f"parties-{i}", gettext("This organization is already party %(n)d.",
                                                     n=slots.index(org_id) + 1))
                    org_id = None
            slots.append(org_id)
        listings = {x.id: x for x in core.event_listings(db.session, self.event,
                                                         open_only=False)}
        commitments, positions = [], []
        for index, row in enumerate(self.rows):
            if not (row["what"] or row["quantity"] or row["pick"] or row["estimated_value"]):
                continue
            item = {k: row[k] for k in ("what", "quantity", "unit", "due_on", "category",
                                         "estimated_value", "listing_id", "need_id")}
            for end in ("giver_id", "receiver_id"):
                item[end] = self._slot(row[end], slots)
            if row["pick"]:
                match = PICKED.match(row["pick"])
                listing = listings.get(int(match.group(1))) if match else None
                if listing is None:
                    self.add(f"commitments-{index}-pick", gettext(
                        "Choose a listing from the list, or leave this empty."))
                else:
                    item["listing_id" if listing.kind is ListingKind.OFFER else "need_id"] = \
                        str(listing.id)
                    item["what"] = item["what"] or listing.title
                    item["unit"] = item["unit"] or listing.unit.value
                    item["category"] = item["category"] or listing.category.value
            commitments.append(item)
            positions.append(index)
        parties = [org_id for org_id in slots if org_id is not None]
        return {"parties": parties,
                "representatives": {str(org_id): self.representatives[i]
                                    for i, org_id in enumerate(slots) if org_id is not None},
                "commitments": commitments,
                "no_money": "1" if self.no_money else ""}, positions

    @staticmethod
    def _slot(value: str, slots: list[int | None]) -> str:
        match = SLOT.match(value)
        if match:
            index = int(match.group(1))
            return str(slots[index]) if index < len(slots) and slots[index] else ""
        return value

    def add(self, field: str | None, text: str) -> None:
        self.errors.setdefault(field, []).append(text)

    def add_core_errors(self, error: ValidationError, positions: list[int]) -> None:
        for field, messages in error.errors.items():
            match = re.match(r"^commitments-(\d+)-(.+)$", field or "")
            if match and int(match.group(1)) < len(positions):
                field = f"commitments-{positions[int(match.group(1))]}-{match.group(2)}"
            elif field not in ("parties", "representatives", "no_money") and not match:
                field = None
            for message in messages:
                self.add(field, translate(message))

    # -- what the template reads
    def error(self, field: str | None) -> str:
        return " ".join(self.errors.get(field, []))

    def json_errors(self) -> dict:
        return {field or "_": texts for field, texts in self.errors.items()}

    def org_options(self) -> list[tuple[str, str]]:
        return [(self.labels[o.id], o.municipality) for o in self.orgs]

    def listing_options(self) -> list[dict]:
        return [{"id": x.id, "label": _listing_label(x), "kind": x.kind.value,
                 "org": self.labels.get(x.organization_id, x.organization.name),
                 "title": x.title, "unit": x.unit.value, "category": x.category.value,
                 "remaining": x.remaining} for x in self.listings]

    def party_label(self, index: int) -> str:
        text = self.parties[index] if index < len(self.parties) else ""
        if self.own_org is not None and index == 0:
            text = self.own_org.name
        return f"{index + 1} · {text}" if text else str(index + 1)


def _value_table() -> dict[str, int]:
    return {f"{row.category.value}:{row.unit.value}": row.value
            for row in contracts_core.value_defaults(db.session)}


def _form_context(form: DealForm) -> dict:
    return {"form": form, "UNITS": list(Unit), "CATEGORIES": list(Category),
            "values_table": _value_table()}


# ---------------------------------------------------------------------------- the desk

def _desk_page(form: DealForm, status: int = 200):
    now = utcnow()
    state = core.session_state(g.event, now)
    queued = core.queue(db.session, g.event)
    names = {o.id: o.name for o in form.orgs}
    recent = core.event_contracts(db.session, g.event)[-5:][::-1]
    return _page("events/desk.html", state=state, seconds_left=core.seconds_left(g.event, now),
                 queued=queued, names=names, recent=recent, fresh=not (form.errors or
                                                                    form.deal_id),
                 **_form_context(form)), status


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
                           DEAL_STATUS=DEAL_STATUS_LABELS, **_form_context(form)), status
