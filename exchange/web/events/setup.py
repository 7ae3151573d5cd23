"""Events on the web, before the event: the list, creating and publishing one, registration and
admission, staff, the brokers' pre-matching list (see __init__)."""
from __future__ import annotations

import segno
from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import (
    DateField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from exchange.core import events as core
from exchange.core import invitations
from exchange.core.errors import NotFound
from exchange.http import access
from exchange.http.clock import utcnow
from exchange.http.extensions import db
from exchange.http.i18n import translate
from exchange.http.labels import (
    APPLICATION_STATUS_LABELS,
    CATEGORY_LABELS,
    EVENT_STATUS_LABELS,
    KIND_LABELS,
    SECTOR_LABELS,
    STAFF_ROLE_LABELS,
    UNIT_LABELS,
    format_quantity,
)
from exchange.web.events.blueprint import bp
from exchange.web.organizations import EmptyForm
from exchange.http.matching import current_index
from exchange.web.invitations import invite, roster_context
from exchange.web.util import act, save, save_checked
from exchange.web.validators import Between
from exchange.http.urls import external_url
from models import Category, Listing, ListingStatus, Sector
from models.event import ApplicationStatus, StaffRole

LABELS = {"STATUS": EVENT_STATUS_LABELS, "APPLICATION": APPLICATION_STATUS_LABELS,
          "ROLE": STAFF_ROLE_LABELS, "SECTOR": SECTOR_LABELS, "CATEGORY": CATEGORY_LABELS,
          "KIND": KIND_LABELS, "UNIT": UNIT_LABELS}


class Checkboxes(SelectMultipleField):
    """A choice of several, shown as checkboxes; the core judges the values."""
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form) -> None:
        pass


# ---------------------------------------------------------------------------- forms

class EventForm(FlaskForm):
    name = StringField(lazy_pgettext("event", "Name"), validators=[Length(max=core.NAME_MAX)],
                       description=_l("e.g. “Giełda Zasobów Tczew 2026”"))
    host_id = SelectField(_l("Hosted by"), coerce=str, validate_choice=False)
    held_on = DateField(_l("Date"), validators=[Optional()])
    starts_at = StringField(_l("Start time"), validators=[Length(max=5)], default="10:00",
                            render_kw={"type": "time"})
    time_zone = SelectField(_l("Time zone"), coerce=str, validate_choice=False,
                            default=core.DEFAULT_TIME_ZONE,
                            description=_l("Where the hall is: the start time and the "
                                           "session's clock are told in this zone."))
    venue = StringField(_l("Venue"), validators=[Length(max=core.VENUE_MAX)],
                        description=_l("The hall and its address."))
    municipality = StringField(_l("Municipality"), validators=[Length(max=100)])
    description = TextAreaField(_l("Description"),
                                validators=[Length(max=core.DESCRIPTION_MAX)])
    session_minutes = IntegerField(_l("Length of the session (minutes)"),
                                   default=core.DEFAULT_SESSION,
                                   validators=[Optional(), Between(*core.SESSION_MINUTES)],
                                   description=_l("Usually 60 to 120 minutes, between two gongs."))
    grace_minutes = IntegerField(_l("Grace period (minutes)"), default=core.DEFAULT_GRACE,
                                 validators=[Optional(), Between(*core.GRACE_MINUTES)],
                                 description=_l("After the final gong, deals already at the "
                                                "notary desk are still ratified this long."))
    registration_opens_on = DateField(_l("Registration opens on"), validators=[Optional()],
                                      description=_l("Leave empty to open it today."))
    registration_closes_on = DateField(_l("Registration closes on"), validators=[Optional()],
                                       description=_l("Leave empty to close it the day before "
                                                      "the event."))
    categories = Checkboxes(_l("Categories in play"), coerce=str, description=_l(
        "Tick none to trade every category."))
    number_prefix = StringField(_l("Prefix of contract numbers"), default="GZ",
                                validators=[Length(max=core.PREFIX_MAX)],
                                description=_l("Contracts are numbered e.g. GZ-2026/017."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.categories.choices = [(c.value, CATEGORY_LABELS[c]) for c in Category]
        # The core judges the name (validate_choice=False): an unknown one gets its message.
        self.time_zone.choices = [(name, name.replace("_", " ")) for name in core.time_zones()]

    def cap_fields(self):
        return [getattr(self, f"cap_{s.value}") for s in Sector]


for _sector in Sector:
    setattr(EventForm, f"cap_{_sector.value}", IntegerField(
        SECTOR_LABELS[_sector], validators=[Optional(), Between(1, 10_000)]))


def _event_data(form: EventForm) -> dict:
    data = {name: getattr(form, name).data for name in (
        "name", "held_on", "starts_at", "time_zone", "venue", "municipality", "description",
        "session_minutes", "grace_minutes", "registration_opens_on", "registration_closes_on",
        "categories", "number_prefix")}
    for sector in Sector:
        data[f"cap_{sector.value}"] = getattr(form, f"cap_{sector.value}").data
    return data


def _form_from(event) -> dict:
    data = {name: getattr(event, name) for name in (
        "name", "held_on", "starts_at", "time_zone", "venue", "municipality", "description",
        "session_minutes", "grace_minutes", "registration_opens_on", "registration_closes_on",
        "categories", "number_prefix")}
    data["host_id"] = str(event.host_id)
    for sector in Sector:
        data[f"cap_{sector.value}"] = event.sector_caps.get(sector.value)
    return data


class ApplicationForm(FlaskForm):
    attendees = TextAreaField(_l("Who will come"), description=_l(
        "One name per line, up to %(max)d people.", max=core.MAX_ATTENDEES))
    listing_ids = Checkboxes(_l("Offers and needs you bring"), coerce=str)
    note = TextAreaField(_l("Note for the organisers"), validators=[Length(max=core.NOTE_MAX)])


class DecisionForm(FlaskForm):
    note = StringField(_l("Note (optional)"), validators=[Length(max=500)])


class StaffForm(FlaskForm):
    email = StringField(_l("Email"), validators=[Length(max=254)], description=_l(
        "We e-mail the person an invitation link. With an account they accept it in one "
        "click; without one they register through the link."))
    role = SelectField(_l("Role"), coerce=str, validate_choice=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = [(r.value, label) for r, label in STAFF_ROLE_LABELS.items()]


class IntroductionForm(FlaskForm):
    key = StringField(validators=[Length(max=200)])
    made = StringField()
    category = StringField()


# ---------------------------------------------------------------------------- helpers

def _actor():
    return current_user if current_user.is_authenticated else None


def _event(event_id: int):
    try:
        return core.get_event(db.session, _actor(), event_id)
    except NotFound:
        abort(404)


# ---------------------------------------------------------------------------- list and page

@bp.route("/")
@access.public
def index():
    actor = _actor()
    now = utcnow()
    upcoming, past, mine = core.events_list(db.session, actor, now.date())
    live = [e for e in upcoming if core.is_live(e, now)]
    upcoming = [e for e in upcoming if e not in live]
    may_create = actor is not None and bool(core.host_choices(db.session, actor))
    return render_template("events/index.html", live=live, upcoming=upcoming, past=past,
                           mine=mine, live_ids={e.id for e in mine if core.is_live(e, now)},
                           may_create=may_create, today=now.date(), **LABELS)


@bp.route("/<int:event_id>")
@access.public
def detail(event_id: int):
    event = _event(event_id)
    today = utcnow().date()
    applications = []
    if current_user.is_authenticated:
        for membership in sorted(current_user.memberships, key=lambda m: m.organization.name):
            applications.append((membership.organization,
                                 core.application_of(db.session, event, membership.organization_id)))
    roles = core.roles(event, _actor())
    return render_template("events/detail.html", event=event, roles=roles,
                           role_codes={r.value for r in roles},
                           registration_open=core.registration_open(event, today),
                           applications=applications, button_form=EmptyForm(),
                           admitted=len(core.admitted(event)),
                           live=core.accepts_deals(event, utcnow(), None), **LABELS)


# ---------------------------------------------------------------------------- setting up

@bp.route("/new", methods=["GET", "POST"])
@access.user
def create():
    hosts = core.host_choices(db.session, current_user)
    if not hosts:
        return render_template("events/form.html", form=None, event=None, **LABELS), 403
    form = EventForm()
    form.host_id.choices = [(str(o.id), o.name) for o in hosts]
    if form.is_submitted():
        host_id = int(form.host_id.data) if (form.host_id.data or "").isdigit() else 0
        done, event = save_checked(form, lambda: core.create_event(
            db.session, current_user, host_id, _event_data(form), utcnow()))
        if done:
            flash(gettext("The event is saved as a draft: only its staff see it. Publish it "
                          "when it is ready."), "success")
            return redirect(url_for("events.detail", event_id=event.id))
    return render_template("events/form.html", form=form, event=None, **LABELS), \
        422 if form.errors else 200


@bp.route("/<int:event_id>/edit", methods=["GET", "POST"])
@access.staff(StaffRole.ORGANISER)
def edit(event_id: int):
    event = g.event
    form = EventForm(data=None if request.method == "POST" else _form_from(event))
    del form.host_id
    if form.is_submitted():
        done, _saved = save_checked(form, lambda: core.update_event(
            db.session, current_user, event.id, _event_data(form), utcnow()))
        if done:
            flash(gettext("The event is saved."), "success")
            return redirect(url_for("events.detail", event_id=event.id))
    return render_template("events/form.html", form=form, event=event,
                           button_form=EmptyForm(), **LABELS), 422 if form.errors else 200


@bp.route("/<int:event_id>/publish", methods=["POST"])
@access.staff(StaffRole.ORGANISER)
def publish(event_id: int):
    if not EmptyForm().validate():
        abort(400)
    if act(lambda: core.publish_event(db.session, current_user, event_id, utcnow())):
        flash(gettext("The event is published: its page is public and takes applications in "
                      "the registration window."), "success")
    return redirect(url_for("events.detail", event_id=event_id))


# ---------------------------------------------------------------------------- registration

def _open_listings(event, org_id: int) -> tuple[list[Listing], list[Listing]]:
    """The organization's open listings: (those in play at EVENT, the others); none kept for
    a partnership only."""
    rows = db.session.scalars(select(Listing).where(
        Listing.organization_id == org_id, Listing.status == ListingStatus.OPEN,
        Listing.partnership_only.is_(False))
        .order_by(Listing.kind, Listing.title)).all()
    return ([x for x in rows if core.in_play(event, x)],
            [x for x in rows if not core.in_play(event, x)])


def _listing_label(listing: Listing) -> str:
    return (f"{KIND_LABELS[listing.kind]}: {listing.title} · {CATEGORY_LABELS[listing.category]}"
            f" · {format_quantity(listing.remaining, listing.unit)}")


@bp.route("/<int:event_id>/organizations/<int:org_id>/apply", methods=["GET", "POST"])
@access.member
def apply(event_id: int, org_id: int):
    event = _event(event_id)
    org = g.membership.organization
    application = core.application_of(db.session, event, org_id)
    in_play, elsewhere = _open_listings(event, org_id)
    if request.method == "POST":
        form = ApplicationForm()
    elif application is not None:
        brought = core.event_listings(db.session, event, org_ids=[org_id], open_only=False)
        form = ApplicationForm(data={
            "attendees": "\n".join(a.name for a in application.attendees),
            "listing_ids": [str(x.id) for x in brought], "note": application.note})
    else:
        form = ApplicationForm()
    form.listing_ids.choices = [(str(x.id), _listing_label(x)) for x in in_play]
    if form.validate_on_submit():
        names = [line for line in (form.attendees.data or "").splitlines() if line.strip()]
        done, _saved = save(form, lambda: core.apply(
            db.session, current_user, event.id, org_id,
            {"attendees": names, "listing_ids": form.listing_ids.data,
             "note": form.note.data}, utcnow()))
        if done:
            flash(gettext("Your application is sent. The organisers will tell you their "
                          "decision.") if application is None else
                  gettext("Your application is saved."), "success")
            return redirect(url_for("events.application", event_id=event.id, org_id=org_id))
    refused = request.method == "POST"
    return render_template(
        "events/apply.html", event=event, org=org, form=form, application=application,
        elsewhere=elsewhere, button_form=EmptyForm(),
        registration_open=core.registration_open(event, utcnow().date()),
        may_add_listings=application is not None and application.status in (
            ApplicationStatus.PENDING, ApplicationStatus.ADMITTED), **LABELS), \
        422 if refused else 200


@bp.route("/<int:event_id>/organizations/<int:org_id>/withdraw", methods=["POST"])
@access.member
def withdraw(event_id: int, org_id: int):
    if not EmptyForm().validate():
        abort(400)
    if act(lambda: core.withdraw_application(db.session, current_user, event_id, org_id,
                                             utcnow())):
        flash(gettext("Your application is withdrawn."), "success")
    return redirect(url_for("events.detail", event_id=event_id))


def _badges(event, application) -> list[tuple]:
    """(person, QR code as an SVG data URI, the address it encodes) for each person."""
    rows = []
    for person in application.attendees:
        link = external_url("events.check_in_badge", event_id=event.id, token=person.badge_token)
        rows.append((person, segno.make(link, error="m").svg_data_uri(scale=4), link))
    return rows


def _application(event_id: int, org_id: int):
    event = _event(event_id)
    application = core.application_of(db.session, event, org_id)
    if application is None:
        abort(404)
    return event, application


@bp.route("/<int:event_id>/application/<int:org_id>")
@access.member
def application(event_id: int, org_id: int):
    event, application = _application(event_id, org_id)
    admitted = application.status is ApplicationStatus.ADMITTED
    return render_template(
        "events/application.html", event=event, org=g.membership.organization,
        application=application, badges=_badges(event, application) if admitted else [],
        listings=core.event_listings(db.session, event, org_ids=[org_id], open_only=False),
        **LABELS)


@bp.route("/<int:event_id>/application/<int:org_id>/print")
@access.member
def confirmation(event_id: int, org_id: int):
    event, application = _application(event_id, org_id)
    if application.status is not ApplicationStatus.ADMITTED:
        abort(404)
    return render_template("events/confirmation.html", event=event,
                           org=g.membership.organization, badges=_badges(event, application),
                           **LABELS)


# ---------------------------------------------------------------------------- admission

@bp.route("/<int:event_id>/participants")
@access.staff(StaffRole.ORGANISER)
def participants(event_id: int):
    event = g.event
    org_ids = [p.organization_id for p in event.participants]
    brought: dict[int, list[Listing]] = {}
    for listing in core.event_listings(db.session, event, org_ids=org_ids, open_only=False):
        brought.setdefault(listing.organization_id, []).append(listing)
    order = {ApplicationStatus.PENDING: 0, ApplicationStatus.ADMITTED: 1,
             ApplicationStatus.DECLINED: 2, ApplicationStatus.WITHDRAWN: 3}
    rows = sorted(event.participants, key=lambda p: (order[p.status], p.applied_at, p.id))
    return render_template("events/participants.html", event=event, rows=rows, brought=brought,
                           balance=core.sector_balance(event), decision_form=DecisionForm(),
                           **LABELS)


@bp.route("/<int:event_id>/participants/<int:participant_id>/<any(admit, decline):decision>",
          methods=["POST"])
@access.staff(StaffRole.ORGANISER)
def decide(event_id: int, participant_id: int, decision: str):
    form = DecisionForm()
    if not form.validate():
        abort(400)
    admit = decision == "admit"
    if act(lambda: core.decide(db.session, current_user, event_id, participant_id, admit,
                               form.note.data or "", utcnow())):
        flash(gettext("Admitted. The organization is told, and its confirmation with the QR "
                      "codes is ready.") if admit else
              gettext("Declined. The organization is told."), "success")
    return redirect(url_for("events.participants", event_id=event_id) + f"#p{participant_id}")


# ---------------------------------------------------------------------------- staff

def _staff_page(event, form: StaffForm, status: int = 200):
    by_role = [(role, [s for s in event.staff if s.role is role]) for role in StaffRole]
    return render_template("events/staff.html", event=event, by_role=by_role, form=form,
                           button_form=EmptyForm(), **roster_context(event_id=event.id),
                           **LABELS), status


@bp.route("/<int:event_id>/staff")
@access.staff(StaffRole.ORGANISER)
def staff(event_id: int):
    return _staff_page(g.event, StaffForm(role=StaffRole.BROKER.value))


@bp.route("/<int:event_id>/staff/add", methods=["POST"])
@access.staff(StaffRole.ORGANISER)
def add_staff(event_id: int):
    """Invite a person by e-mail, with or without an account: they join by the link."""
    form = StaffForm()
    if form.validate() and invite(lambda: invitations.invite_staff(
            db.session, current_user, event_id, email=form.email.data, role=form.role.data,
            now=utcnow()), form):
        return redirect(url_for("events.staff", event_id=event_id))
    db.session.refresh(g.event)
    return _staff_page(g.event, form, 422)


@bp.route("/<int:event_id>/staff/<int:staff_id>/remove", methods=["POST"])
@access.staff(StaffRole.ORGANISER)
def remove_staff(event_id: int, staff_id: int):
    if not EmptyForm().validate():
        abort(400)
    if act(lambda: core.remove_staff(db.session, current_user, event_id, staff_id,
                                     now=utcnow())):
        flash(gettext("Removed from the staff."), "success")
    return redirect(url_for("events.staff", event_id=event_id))


# ---------------------------------------------------------------------------- brokers

def _category_filter(event) -> tuple[str | None, list[tuple[str, str]]]:
    """The chosen category (None for all) and the categories to choose from."""
    codes = event.categories or [c.value for c in Category]
    options = [(code, CATEGORY_LABELS[Category(code)]) for code in codes]
    chosen = request.values.get("category") or None
    return (chosen if chosen in codes else None), options


@bp.route("/<int:event_id>/brokers")
@access.staff(StaffRole.BROKER)
def brokers(event_id: int):
    event = g.event
    category, categories = _category_filter(event)
    exchanges = core.prematching(db.session, current_index(), event, category)
    return render_template(
        "events/brokers.html", event=event, exchanges=exchanges, category=category,
        categories=categories, introductions=core.introductions(db.session, event),
        intro_form=IntroductionForm(), translate=translate,
        listings=len(core.event_listings(db.session, event)), **LABELS)


@bp.route("/<int:event_id>/brokers/introductions", methods=["POST"])
@access.staff(StaffRole.BROKER)
def introduction(event_id: int):
    form = IntroductionForm()
    if not form.validate():
        abort(400)
    made = form.made.data == "1"
    if act(lambda: core.mark_introduction(db.session, current_user, event_id, form.key.data,
                                          made, utcnow())):
        flash(gettext("Marked: the parties were introduced.") if made else
              gettext("The mark is removed."), "success")
    category, _options = _category_filter(g.event)
    anchor = "#x-" + "".join(c if c.isalnum() else "-" for c in form.key.data or "")
    return redirect(url_for("events.brokers", event_id=event_id, category=category) + anchor)
