"""Contracts on the web: the dashboard, drafting, signing, delivery, printing and the calendar.

Every page of a contract is reached through one of its parties' organizations
(``/organizations/<org_id>/contracts/<id>``), so the access rule is ``member`` of that
organization and the core checks that the organization is a party (404 otherwise).
"""
from __future__ import annotations

from contextlib import nullcontext
from datetime import datetime

import segno
from flask import (
    Blueprint,
    abort,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from markupsafe import Markup
from sqlalchemy import select
from wtforms import (
    DateField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Length, Optional

from exchange.core import contracts as core
from exchange.core.events import calendar_events
from exchange.core.listings import hidden_from
from exchange.http import access
from exchange.http.calendar import calendar_response, event_entry
from exchange.http.clock import utcnow
from exchange.http.extensions import db
from exchange.http.labels import (
    CATEGORY_LABELS,
    CHECK_IN_LABELS,
    COMMITMENT_STATUS_LABELS,
    CONTRACT_STATUS_LABELS,
    HISTORY_LABELS,
    UNIT_LABELS,
    VERSION_STATE_LABELS,
    format_quantity,
)
from exchange.http.ratelimit import RateLimited
from exchange.http.passwords import password_check, rate_limited_message
from exchange.web.organizations import EmptyForm
from exchange.web.util import act, save, save_checked
from exchange.web.validators import Between
from exchange.http.urls import external_url
from exchange.http.unit import unit_of_work
from models import Category, Listing, ListingKind, ListingStatus, Organization, Unit

bp = Blueprint("contracts", __name__)


class CommitmentForm(Form):
    giver_id = SelectField(_l("Who gives"), coerce=str)
    receiver_id = SelectField(_l("To whom"), coerce=str)
    what = StringField(_l("What"), validators=[Length(max=core.WHAT_MAX)],
                       description=_l("e.g. “3 × 2 h of the computer lab”"))
    quantity = IntegerField(_l("Quantity"), validators=[Optional(),
                                                        Between(1, core.QUANTITY_MAX)])
    unit = SelectField(_l("Unit"))
    due_on = DateField(_l("Due date"), validators=[Optional()])
    listing_id = SelectField(_l("From the offer"), coerce=str)
    need_id = SelectField(_l("For the need"), coerce=str)
    estimated_value = IntegerField(
        _l("Estimated value (zł)"), validators=[Optional(), Between(0, core.VALUE_MAX)],
        description=_l("For statistics only, never a price. Leave empty for the suggested value."))

    def is_blank(self) -> bool:
        return not (self.what.data or "").strip() and self.quantity.data is None


class PartyForm(Form):
    organization_id = HiddenField()
    representative = StringField(_l("Represented by"),
                                 validators=[Length(max=core.REPRESENTATIVE_MAX)])


class ContractForm(FlaskForm):
    revision = HiddenField()
    parties = SelectMultipleField(_l("Parties"), coerce=str, description=_l(
        "Your organization and the others taking part. After changing them, press “Update "
        "parties”."))  # contract_form.js puts a field that finds them as typed in its place
    representatives = FieldList(FormField(PartyForm))
    commitments = FieldList(FormField(CommitmentForm), min_entries=1)
    note = TextAreaField(_l("Further terms"), validators=[Length(max=core.NOTE_MAX)])


class SignForm(FlaskForm):
    revision = HiddenField()
    password = PasswordField(_l("Your password"), description=_l(
        "You signed in more than 15 minutes ago: confirm it is you."))


class ReasonForm(FlaskForm):
    reason = StringField(_l("Reason (optional)"), validators=[Length(max=core.STATUS_NOTE_MAX)])


class NoteForm(FlaskForm):
    note = StringField(_l("Note"), validators=[Length(max=core.STATUS_NOTE_MAX)])


# ---------------------------------------------------------------------------- helpers

def _login_at() -> datetime | None:
    try:
        return datetime.fromisoformat(session.get("login_at", ""))
    except ValueError:
        return None


def _recent_login() -> bool:
    return core.login_is_recent(_login_at(), utcnow())


def _contract(org_id: int, contract_id: int):
    contract = core.get_contract(db.session, current_user, contract_id)
    if contract.party(org_id) is None:
        abort(404)
    return contract


def _organizations(ids: list[int]) -> list[Organization]:
    found = {o.id: o for o in db.session.scalars(select(Organization).where(
        Organization.id.in_(ids)))}
    return [found[i] for i in ids if i in found]


def _fill_choices(form: ContractForm, org_id: int, party_ids: list[int]) -> None:
    others = db.session.execute(select(Organization.id, Organization.name)
                                .order_by(Organization.name)).all()
    form.parties.choices = [(str(i), name) for i, name in others]
    parties = _organizations(party_ids)
    people = [("", "—")] + [(str(o.id), o.name) for o in parties]
    offers, needs = _listing_choices(parties)
    offers, needs = [("", "—")] + offers, [("", "—")] + needs
    for entry in form.commitments.entries:
        entry.form.giver_id.choices = people
        entry.form.receiver_id.choices = people
        entry.form.unit.choices = [(u.value, label) for u, label in UNIT_LABELS.items()]
        entry.form.listing_id.choices = offers
        entry.form.need_id.choices = needs
    current = {int(e.form.organization_id.data): e.form.representative.data
               for e in form.representatives.entries if (e.form.organization_id.data or "").isdigit()}
    while form.representatives.entries:
        form.representatives.pop_entry()
    for org in parties:
        form.representatives.append_entry({"organization_id": str(org.id),
                                           "representative": current.get(org.id, "")})
        form.representatives.entries[-1].party_name = org.name


def _listing_choices(parties: list[Organization]) -> tuple[list, list]:
    """The offers and the needs of PARTIES a commitment can come from, as (id, label) pairs."""
    names = {o.id: o.name for o in parties}
    listings = db.session.scalars(select(Listing).where(
        Listing.organization_id.in_(names),
        Listing.status.in_((ListingStatus.OPEN, ListingStatus.PAUSED)))
        .order_by(Listing.title)).all()
    # What a partnership keeps to itself is linked only when every party is in it.
    hidden = set().union(*(hidden_from(db.session, org_id) for org_id in names))
    listings = [x for x in listings if x.id not in hidden]
    offers = [(str(x.id), f"{names[x.organization_id]}: {x.title} "
                          f"({format_quantity(x.remaining, x.unit)})")
              for x in listings if x.kind is ListingKind.OFFER]
    needs = [(str(x.id), f"{names[x.organization_id]}: {x.title}")
             for x in listings if x.kind is ListingKind.NEED]
    return offers, needs


def _party_ids(form: ContractForm, org_id: int) -> list[int]:
    chosen = [int(v) for v in (form.parties.data or []) if str(v).isdigit()]
    return [org_id] + [i for i in chosen if i != org_id]


def _terms(form: ContractForm, party_ids: list[int]) -> dict:
    rows = []
    for entry in form.commitments.entries:
        sub = entry.form
        if sub.is_blank():
            continue
        rows.append({"giver_id": sub.giver_id.data, "receiver_id": sub.receiver_id.data,
                     "what": sub.what.data, "quantity": sub.quantity.data,
                     "unit": sub.unit.data, "due_on": sub.due_on.data,
                     "listing_id": sub.listing_id.data, "need_id": sub.need_id.data,
                     "estimated_value": sub.estimated_value.data})
    return {"parties": party_ids, "commitments": rows, "note": form.note.data,
            "representatives": {int(e.form.organization_id.data): e.form.representative.data
                                for e in form.representatives.entries
                                if (e.form.organization_id.data or "").isdigit()}}


def _form_from(contract) -> dict:
    version = contract.current
    return {"revision": str(contract.revision),
            "parties": [str(p.organization_id) for p in contract.parties],
            "representatives": [{"organization_id": str(p.organization_id),
                                 "representative": p.representative} for p in contract.parties],
            "note": version.note,
            "commitments": [{"giver_id": str(c.giver_id), "receiver_id": str(c.receiver_id),
                             "what": c.what, "quantity": c.quantity, "unit": c.unit.value,
                             "due_on": c.due_on, "listing_id": str(c.listing_id or ""),
                             "need_id": str(c.need_id or ""),
                             "estimated_value": c.estimated_value}
                            for c in version.commitments]}


def _editor(org_id: int, contract=None):
    """The drafting form, for a new contract or an unsigned version; re-rendered on "parties"
    and "add row" without saving."""
    org = g.membership.organization
    if request.method == "POST":
        form = ContractForm()
    elif contract is not None:
        form = ContractForm(data=_form_from(contract))
    else:
        form = ContractForm(data={"parties": [str(org_id)] + request.args.getlist("party")})
    action = request.form.get("action", "")
    if action == "add_row" or request.method == "GET" and contract is None:
        form.commitments.append_entry()
    party_ids = _party_ids(form, org_id)
    _fill_choices(form, org_id, party_ids)
    if request.method == "POST" and action == "save":
        revision = int(form.revision.data) if (form.revision.data or "").isdigit() else None
        if contract is None:
            done, saved = save_checked(form, lambda: core.create_contract(
                db.session, current_user, org_id, _terms(form, party_ids), utcnow()))
        else:
            done, saved = save_checked(form, lambda: core.update_draft(
                db.session, current_user, org_id, contract.id, _terms(form, party_ids), utcnow(),
                revision=revision))
        if done:
            flash(gettext("Saved. The other parties can read the draft now; sign it when it "
                          "is right."), "success")
            return redirect(url_for("contracts.detail", org_id=org_id, contract_id=saved.id))
    return render_template("contracts/form.html", org=org, form=form, contract=contract)


# ---------------------------------------------------------------------------- pages

@bp.route("/organizations/<int:org_id>/contracts")
@access.member
def dashboard(org_id: int):
    board = core.dashboard(db.session, org_id, utcnow().date())
    return render_template("contracts/dashboard.html", org=g.membership.organization,
                           board=board, STATUS=CONTRACT_STATUS_LABELS)


@bp.route("/organizations/<int:org_id>/contracts/new", methods=["GET", "POST"])
@access.member
def new(org_id: int):
    return _editor(org_id)


@bp.route("/organizations/<int:org_id>/contracts/<int:contract_id>/edit",
          methods=["GET", "POST"])
@access.member
def edit(org_id: int, contract_id: int):
    return _editor(org_id, _contract(org_id, contract_id))


@bp.route("/organizations/<int:org_id>/contracts/party/<int:party_id>")
@access.member
def party(org_id: int, party_id: int):
    """What the drafting form adds when a party is picked without a round trip: the party's
    name and the offers and needs a commitment can come from (contract_form.js)."""
    [found] = _organizations([party_id]) or [None]
    if found is None:
        abort(404)
    offers, needs = _listing_choices([found])
    return jsonify(id=found.id, name=found.name, offers=offers, needs=needs)


@bp.route("/contracts/<int:contract_id>")
@access.user
def find(contract_id: int):
    """A notification's link: open the contract as the reader's first organization in it."""
    contract = core.get_contract(db.session, current_user, contract_id)
    mine = {m.organization_id for m in current_user.memberships}
    org_id = next(p.organization_id for p in contract.parties if p.organization_id in mine)
    anchor = "#" + request.args["at"] if request.args.get("at", "").isalnum() else ""
    return redirect(url_for("contracts.detail", org_id=org_id, contract_id=contract_id) + anchor)


@bp.route("/organizations/<int:org_id>/contracts/<int:contract_id>")
@access.member
def detail(org_id: int, contract_id: int):
    contract = _contract(org_id, contract_id)
    membership = g.membership
    sign_form = SignForm(data={"revision": str(contract.revision)})
    return render_template(
        "contracts/detail.html", org=membership.organization, contract=contract,
        may_sign=membership.may_sign, sign_form=sign_form,
        needs_password=not _recent_login(), reason_form=ReasonForm(), note_form=NoteForm(),
        button_form=EmptyForm(), history=core.history(db.session, contract),
        check_ins=core.open_check_ins(db.session, contract, [org_id]),
        STATUS=CONTRACT_STATUS_LABELS, VERSION_STATE=VERSION_STATE_LABELS,
        COMMITMENT_STATUS=COMMITMENT_STATUS_LABELS, CHECK_IN=CHECK_IN_LABELS,
        HISTORY=HISTORY_LABELS, today=utcnow().date())


def _back(org_id: int, contract_id: int, anchor: str = ""):
    return redirect(url_for("contracts.detail", org_id=org_id, contract_id=contract_id) + anchor)


@bp.route("/organizations/<int:org_id>/contracts/<int:contract_id>/sign", methods=["POST"])
@access.member
def sign(org_id: int, contract_id: int):
    form = SignForm()
    revision = int(form.revision.data) if (form.revision.data or "").isdigit() else None
    password = form.password.data or None
    recent = _recent_login()

    def sign_it():
        # Only a password that is checked counts towards the limit on wrong ones.
        with nullcontext() if recent or password is None else password_check(current_user):
            core.sign(db.session, current_user, org_id, contract_id, utcnow(),
                      password=password, recent_login=recent, revision=revision)
    try:
        if form.validate() and act(sign_it):
            flash(gettext("Signed."), "success")
    except RateLimited as limited:
        flash(rate_limited_message(limited), "error")
    return _back(org_id, contract_id)


@bp.route("/organizations/<int:org_id>/contracts/<int:contract_id>/<any(amend, withdraw, cancel):"
          "step>", methods=["POST"])
@access.member
def step(org_id: int, contract_id: int, step: str):
    form = ReasonForm()
    reason = form.reason.data or ""
    if not form.validate():
        abort(400)
    if step == "amend":
        if act(lambda: core.propose_amendment(db.session, current_user, org_id, contract_id,
                                              utcnow())):
            flash(gettext("A new version is open for changes. Every party signs it again; until "
                          "then the signed version stays in force."), "success")
            return redirect(url_for("contracts.edit", org_id=org_id, contract_id=contract_id))
    elif step == "withdraw":
        if act(lambda: core.withdraw(db.session, current_user, org_id, contract_id, utcnow(),
                                     reason=reason)):
            flash(gettext("You withdrew. The other parties are told."), "success")
    elif act(lambda: core.request_cancel(db.session, current_user, org_id, contract_id, utcnow(),
                                         reason=reason)):
        flash(gettext("Your request to cancel is recorded. The contract ends when every party "
                      "agrees."), "success")
    return _back(org_id, contract_id)


@bp.route("/organizations/<int:org_id>/contracts/<int:contract_id>/commitments/"
          "<int:commitment_id>/<any(deliver, confirm, dispute, not_feasible):action>",
          methods=["POST"])
@access.member
def commitment(org_id: int, contract_id: int, commitment_id: int, action: str):
    form = NoteForm()
    if not form.validate():
        abort(400)
    if act(lambda: core.change_commitment(db.session, current_user, org_id, contract_id,
                                          commitment_id, action, utcnow(),
                                          note=form.note.data or "")):
        flash(gettext("Recorded. The other party is told."), "success")
    return _back(org_id, contract_id, "#commitments")


@bp.route("/organizations/<int:org_id>/check-ins/<int:check_in_id>", methods=["POST"])
@access.member
def check_in(org_id: int, check_in_id: int):
    if not EmptyForm().validate():
        abort(400)
    answer = request.form.get("answer", "")
    contract_id = None

    def answer_it():
        nonlocal contract_id
        contract_id = core.answer_check_in(db.session, current_user, org_id, check_in_id,
                                           answer, utcnow()).contract_id
    if act(answer_it):
        flash(gettext("Thank you: your answer is recorded."), "success")
        return _back(org_id, contract_id)
    return redirect(request.referrer or url_for("contracts.dashboard", org_id=org_id))


@bp.route("/organizations/<int:org_id>/contracts/<int:contract_id>/print")
@access.member
def printable(org_id: int, contract_id: int):
    return render_printable(_contract(org_id, contract_id))


def render_printable(contract, **context) -> str:
    """One copy per party, with signature lines and a QR code linking to the contract."""
    link = external_url("contracts.find", contract_id=contract.id)
    qr = Markup(segno.make(link, error="m").svg_inline(scale=3, title=contract.number))
    return render_template("contracts/print.html", contract=contract, qr=qr, link=link,
                           version=contract.in_force or contract.current,
                           STATUS=CONTRACT_STATUS_LABELS, **context)


# ---------------------------------------------------------------------------- calendar

@bp.route("/organizations/<int:org_id>/calendar")
@access.member
def calendar(org_id: int):
    org = g.membership.organization
    with unit_of_work():
        token = core.calendar_token(db.session, g.membership)
    return render_template("contracts/calendar.html", org=org, button_form=EmptyForm(),
                           feed=external_url("contracts.feed", token=token))


@bp.route("/organizations/<int:org_id>/calendar/renew", methods=["POST"])
@access.member
def renew_calendar(org_id: int):
    """A new secret address of the member's own; the old one stops working (for an address
    that leaked)."""
    if EmptyForm().validate():
        with unit_of_work():
            core.calendar_token(db.session, g.membership, renew=True)
        flash(gettext("A new address is made; the old one no longer works."), "success")
    return redirect(url_for("contracts.calendar", org_id=org_id))


@bp.route("/calendar/<token>.ics")
@access.public
def feed(token: str):
    """The due dates of an organization's contracts in force and the events it is admitted
    to; the secret URL is the key."""
    from icalendar import Event

    org, entries = core.calendar_entries(db.session, token)
    components = []
    for contract, row in entries:
        event = Event()
        event.add("uid", f"commitment-{row.id}@gielda")
        event.add("dtstamp", contract.updated_at)
        event.add("dtstart", row.due_on)
        event.add("summary", f"{contract.number}: {row.giver.name} → "
                             f"{row.receiver.name}: {row.what}")
        event.add("description", f"{format_quantity(row.quantity, row.unit)} · "
                                 f"{COMMITMENT_STATUS_LABELS[row.status]}")
        event.add("url", external_url("contracts.find", contract_id=contract.id))
        components.append(event)
    components += [event_entry(e) for e in calendar_events(db.session, org.id)]
    return calendar_response(components, f"Giełda: {org.name}", "gielda.ics")


# ---------------------------------------------------------------------------- values

class ValueForm(FlaskForm):
    category = SelectField(_l("Category"))
    unit = SelectField(_l("Unit"))
    value = StringField(_l("Value per unit (zł)"), description=_l(
        "Leave empty to remove the suggestion."))


@bp.route("/admin/values", methods=["GET", "POST"])
@access.admin
def values():
    form = ValueForm()
    form.category.choices = [(c.value, CATEGORY_LABELS[c]) for c in Category]
    form.unit.choices = [(u.value, UNIT_LABELS[u]) for u in Unit]
    if request.method == "POST" and form.validate():
        done, _row = save(form, lambda: core.set_value_default(
            db.session, current_user, form.category.data, form.unit.data,
            (form.value.data or "").strip(), utcnow()))
        if done:
            flash(gettext("Saved."), "success")
            return redirect(url_for("contracts.values"))
    return render_template("admin/values.html", form=form,
                           rows=core.value_defaults(db.session))

