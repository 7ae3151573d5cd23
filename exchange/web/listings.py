"""Listings on the web: the marketplace, a listing's page, and members posting and editing."""
from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, FloatField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from exchange.core import events
from exchange.core import listings as core
from exchange.core import organizations as orgs
from exchange.core.errors import NotFound, ValidationError
from exchange.http import access
from exchange.http.clock import utcnow
from exchange.http.extensions import db
from exchange.http.i18n import translate
from exchange.http.labels import CATEGORY_LABELS, KIND_LABELS, SECTOR_LABELS, UNIT_LABELS
from exchange.web.organizations import EmptyForm
from exchange.web.proposals import proposals_for
from exchange.web.util import act, save_checked
from exchange.web.validators import Between
from exchange.http.urls import page_number
from models import ListingKind, ListingStatus

bp = Blueprint("listings", __name__)


def _choices(labels: dict, blank=None) -> list[SelectChoice]:
    options = [SelectChoice(member.value, label) for member, label in labels.items()]
    return ([SelectChoice("", blank)] if blank is not None else []) + options


def _pairs(labels: dict) -> list[tuple[str, str]]:
    return [(member.value, label) for member, label in labels.items()]


class ListingForm(FlaskForm):
    kind = SelectField(_l("Kind"), validators=[DataRequired()])
    category = SelectField(_l("Category"), validators=[DataRequired()])
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=core.TITLE_MAX)],
                        description=_l("What you offer or need, in a few words, e.g. "
                                       "“Conference room for 80 people”."))
    description = TextAreaField(_l("Description"), validators=[Length(max=core.DESCRIPTION_MAX)],
                                description=_l("Details: equipment, conditions, when it suits you."))
    quantity = IntegerField(_l("Quantity"), validators=[
        InputRequired(), Between(1, core.QUANTITY_MAX)])
    unit = SelectField(_l("Unit"), validators=[DataRequired()])
    available_from = DateField(_l("Available from"), validators=[Optional()])
    available_until = DateField(_l("Available until"), validators=[Optional()])
    municipality = StringField(_l("Municipality"), validators=[Length(max=120)],
                               description=_l("Leave empty for your organization's municipality."))
    latitude = FloatField(_l("Latitude"), validators=[Optional(), Between(-90, 90)])
    longitude = FloatField(_l("Longitude"), validators=[Optional(), Between(-180, 180)])
    expires_on = DateField(_l("Expires on"), validators=[Optional()],
                           description=_l("Leave empty to keep the listing up for six months."))
    cost_contribution = StringField(
        _l("Contribution to transport or material costs"),
        validators=[Length(max=core.CONTRIBUTION_MAX)],
        description=_l("The only money matter allowed, e.g. “fuel for the trip is refunded”."))
    # Asked only when the texts have words that may be about money ("wynajem", "sponsor"…).
    not_a_payment = BooleanField(_l("This is not a payment"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = _choices(KIND_LABELS)
        self.category.choices = _choices(CATEGORY_LABELS, _l("Choose…"))
        self.unit.choices = _choices(UNIT_LABELS)


def _listing_data(form: ListingForm) -> dict:
    return {**{field: getattr(form, field).data for field in core.FIELDS},
            "not_a_payment": form.not_a_payment.data}


@bp.route("/listings/")
@access.public
def marketplace():
    filters = {name: request.args.get(name) or None
               for name in ("q", "kind", "category", "sector", "municipality")}
    sort = request.args.get("sort") or "newest"
    try:
        query = core.marketplace_query(db.session, sort=sort, **filters)
    except ValidationError as error:
        abort(400, translate(error.message))
    pagination = db.paginate(query, page=page_number(), error_out=False,
                             per_page=current_app.config["LISTINGS_PER_PAGE"])
    return render_template("listings/marketplace.html", pagination=pagination, filters=filters,
                           sort=sort,
                           municipalities=[(m, m) for m in orgs.municipalities(db.session)],
                           kinds=_pairs(KIND_LABELS), categories=_pairs(CATEGORY_LABELS),
                           sectors=_pairs(SECTOR_LABELS))


@bp.route("/listings/<int:listing_id>")
@access.public
def detail(listing_id: int):
    try:
        listing = core.visible_listing(db.session, current_user, listing_id)
    except NotFound:
        abort(404)
    is_member = current_user.is_authenticated and any(
        m.user_id == current_user.id for m in listing.organization.memberships)
    proposals = []
    if is_member and listing.status is ListingStatus.OPEN:
        proposals = proposals_for(listing.organization_id, listing.id)
    sees_money_note = is_member or core.sees_money_confirmation(db.session, current_user, listing)
    return render_template("listings/detail.html", listing=listing, is_member=is_member,
                           sees_money_note=sees_money_note,
                           show_contact=orgs.contact_visible(listing.organization, current_user),
                           button_form=EmptyForm(), proposals=proposals)


@bp.route("/organizations/<int:org_id>/listings")
@access.member
def manage(org_id: int):
    org = g.membership.organization
    return render_template("listings/manage.html", org=org, button_form=EmptyForm(),
                           listings=core.listings_of(db.session, org_id, include_private=True))


def _event_from_query():
    """The event named by ``?event=`` (a listing posted for it from the application), if any."""
    if "event" not in request.args:
        return None
    try:
        return events.get_event(db.session, current_user, request.args.get("event", 0, type=int))
    except NotFound:
        abort(404)


@bp.route("/organizations/<int:org_id>/listings/new", methods=["GET", "POST"])
@access.member
def create(org_id: int):
    org = g.membership.organization
    form = ListingForm(kind=request.args.get("kind", ListingKind.OFFER.value))
    event = _event_from_query()
    if form.is_submitted():
        publish = request.form.get("action") != "draft"

        def create_it():
            listing = core.create_listing(db.session, current_user, org_id, _listing_data(form),
                                          utcnow(), publish=publish)
            if event is not None:  # posted for an event: brought to it in the same breath
                events.add_listing(db.session, current_user, event.id, listing, utcnow())
            return listing
        saved, listing = save_checked(form, create_it)
        if saved:
            flash(gettext("Your listing is published.") if publish
                  else gettext("Your listing is saved as a draft; publish it when it is ready."),
                  "success")
            if event is not None:
                flash(gettext("It is part of your application for %(event)s.", event=event.name),
                      "success")
                return redirect(url_for("events.apply", event_id=event.id, org_id=org_id))
            return redirect(url_for("listings.detail", listing_id=listing.id))
    return render_template("listings/form.html", form=form, org=org, listing=None), \
        422 if form.errors else 200


@bp.route("/organizations/<int:org_id>/listings/<int:listing_id>/edit", methods=["GET", "POST"])
@access.member
def edit(org_id: int, listing_id: int):
    try:
        listing = core.get_listing_for_member(db.session, current_user, org_id, listing_id)
    except NotFound:
        abort(404)
    form = ListingForm(obj=listing)
    if form.is_submitted():
        saved, _listing = save_checked(form, lambda: core.update_listing(
            db.session, current_user, org_id, listing_id, _listing_data(form), utcnow()))
        if saved:
            flash(gettext("The listing is saved."), "success")
            return redirect(url_for("listings.detail", listing_id=listing_id))
    return render_template("listings/form.html", form=form, org=g.membership.organization,
                           listing=listing), 422 if form.errors else 200


@bp.route("/organizations/<int:org_id>/listings/<int:listing_id>/status", methods=["POST"])
@access.member
def change_status(org_id: int, listing_id: int):
    action = request.form.get("action", "")
    if act(lambda: core.change_status(db.session, current_user, org_id, listing_id, action,
                                      utcnow())):
        flash({"publish": gettext("The listing is published."),
               "pause": gettext("The listing is paused; it is hidden from the marketplace."),
               "reopen": gettext("The listing is open again."),
               "close": gettext("The listing is closed.")}[action], "success")
    return redirect(url_for("listings.detail", listing_id=listing_id))
