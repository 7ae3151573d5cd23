"""Organizations on the web: the public directory and profile, and members for owners."""
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
from wtforms import BooleanField, EmailField, SelectField, StringField, TelField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, Optional

from exchange.core import invitations, listings
from exchange.core import organizations as orgs
from exchange.core.errors import NotFound, ValidationError
from exchange.http import access
from exchange.http.clock import utcnow
from exchange.http.extensions import db
from exchange.http.i18n import translate
from exchange.http.labels import ROLE_LABELS, SECTOR_LABELS
from exchange.web.invitations import invite, roster_context
from exchange.web.util import act, save_checked
from exchange.http.urls import page_number
from models import MemberRole, Sector

bp = Blueprint("organizations", __name__, url_prefix="/organizations")


class OrganizationForm(FlaskForm):
    name = StringField(_l("Name of the organization"),
                       validators=[DataRequired(), Length(max=orgs.NAME_MAX)])
    sector = SelectField(_l("Sector"), choices=[], validators=[DataRequired()])
    municipality = StringField(
        _l("Municipality"), description=_l("The municipality (gmina) where you mostly act."),
        validators=[DataRequired(), Length(max=orgs.MUNICIPALITY_MAX)])
    address = StringField(_l("Address"), validators=[Length(max=orgs.ADDRESS_MAX)])
    description = TextAreaField(
        _l("About the organization"), description=_l("What you do and for whom."),
        validators=[Length(max=orgs.DESCRIPTION_MAX)])
    website = StringField(_l("Website"), validators=[Length(max=orgs.WEBSITE_MAX)],
                          render_kw={"inputmode": "url", "placeholder": "https://"})
    contact_name = StringField(_l("Contact person"), validators=[Length(max=orgs.CONTACT_NAME_MAX)])
    contact_email = EmailField(_l("Contact email"), validators=[
        Optional(), Email(), Length(max=orgs.CONTACT_EMAIL_MAX)])
    contact_phone = TelField(_l("Contact phone"), validators=[Length(max=orgs.CONTACT_PHONE_MAX)])
    is_contact_public = BooleanField(
        _l("Show contact details to everyone"),
        description=_l("Otherwise only logged-in users see them."))
    publishes_open_data = BooleanField(
        _l("Publish our exchanges as open data"),
        description=_l("Contracts whose every party agrees are published without people's "
                       "names, notes or contact details, with what was delivered."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.sector.choices = [SelectChoice("", _l("Choose…"))] + [
            SelectChoice(s.value, SECTOR_LABELS[s]) for s in Sector]


class MemberAddForm(FlaskForm):
    email = EmailField(_l("Email of the person to invite"),
                       validators=[DataRequired(), Email(), Length(max=254)])
    role = SelectField(_l("Role"), choices=[], default=MemberRole.MEMBER.value)
    can_sign = BooleanField(_l("May sign contracts for the organization"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = [SelectChoice(r.value, ROLE_LABELS[r]) for r in MemberRole]


class MemberEditForm(FlaskForm):
    role = SelectField(_l("Role"), choices=[])
    can_sign = BooleanField(_l("May sign contracts"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = [SelectChoice(r.value, ROLE_LABELS[r]) for r in MemberRole]


class EmptyForm(FlaskForm):
    """A form with only the CSRF token, for buttons that change something."""


def _profile_data(form: OrganizationForm) -> dict:
    return {field: getattr(form, field).data for field in orgs.PROFILE_FIELDS}


@bp.route("/")
@access.public
def directory():
    sector = request.args.get("sector") or None
    municipality = request.args.get("municipality") or None
    try:
        query = orgs.directory_query(sector=sector, municipality=municipality)
    except ValidationError as error:
        abort(400, translate(error.message))
    pagination = db.paginate(query, page=page_number(), error_out=False,
                             per_page=current_app.config["ORGANIZATIONS_PER_PAGE"])
    return render_template("organizations/directory.html", pagination=pagination,
                           sector=sector, municipality=municipality,
                           sectors=[(s.value, label) for s, label in SECTOR_LABELS.items()],
                           municipalities=[(m, m) for m in orgs.municipalities(db.session)])


@bp.route("/<int:org_id>")
@access.public
def detail(org_id: int):
    try:
        org = orgs.get_public_organization(db.session, org_id)
    except NotFound:
        abort(404)
    membership = None
    if current_user.is_authenticated:
        membership = next((m for m in org.memberships if m.user_id == current_user.id), None)
    open_listings = listings.listings_of(db.session, org.id, include_private=False)
    return render_template("organizations/detail.html", org=org, membership=membership,
                           show_contact=orgs.contact_visible(org, current_user),
                           offers=[x for x in open_listings if x.is_offer],
                           needs=[x for x in open_listings if not x.is_offer])


@bp.route("/new", methods=["GET", "POST"])
@access.user
def create():
    form = OrganizationForm()
    if form.is_submitted():
        saved, org = save_checked(form, lambda: orgs.create_organization(
            db.session, current_user, _profile_data(form), utcnow()))
        if saved:
            flash(gettext("%(name)s is registered. You are its owner.", name=org.name), "success")
            return redirect(url_for("organizations.detail", org_id=org.id))
    return render_template("organizations/form.html", form=form, org=None), \
        422 if form.errors else 200


@bp.route("/<int:org_id>/edit", methods=["GET", "POST"])
@access.owner
def edit(org_id: int):
    org = g.membership.organization
    form = OrganizationForm(obj=org)
    if form.is_submitted():
        saved, _ = save_checked(form, lambda: orgs.update_organization(
            db.session, current_user, org_id, _profile_data(form), utcnow()))
        if saved:
            flash(gettext("The profile is saved."), "success")
            return redirect(url_for("organizations.detail", org_id=org_id))
    return render_template("organizations/form.html", form=form, org=org), \
        422 if form.errors else 200


def _render_members(add_form: MemberAddForm, status: int = 200):
    membership = g.membership
    org = membership.organization
    edit_forms = {m.id: MemberEditForm(prefix=f"m{m.id}", role=m.role.value, can_sign=m.can_sign)
                  for m in org.memberships}
    roster = roster_context(org_id=org.id) if membership.is_owner else {}
    return render_template("organizations/members.html", org=org, membership=membership,
                           add_form=add_form, edit_forms=edit_forms,
                           button_form=EmptyForm(), **roster), status


@bp.route("/<int:org_id>/members")
@access.member
def members(org_id: int):
    return _render_members(MemberAddForm())


@bp.route("/<int:org_id>/members/add", methods=["POST"])
@access.owner
def add_member(org_id: int):
    """Invite a person by e-mail, with or without an account: they join by the link."""
    form = MemberAddForm()
    if form.validate_on_submit() and invite(lambda: invitations.invite_member(
            db.session, current_user, org_id, email=form.email.data, role=form.role.data,
            can_sign=form.can_sign.data, now=utcnow()), form):
        return redirect(url_for("organizations.members", org_id=org_id))
    return _render_members(form, 422)


@bp.route("/<int:org_id>/members/<int:membership_id>", methods=["POST"])
@access.owner
def update_member(org_id: int, membership_id: int):
    form = MemberEditForm(prefix=f"m{membership_id}")
    if form.validate_on_submit():
        if act(lambda: orgs.update_member(db.session, current_user, org_id, membership_id,
                                          role=form.role.data, can_sign=form.can_sign.data,
                                          now=utcnow())):
            flash(gettext("The member's role is saved."), "success")
    else:
        flash(gettext("Choose a valid role."), "error")
    return redirect(url_for("organizations.members", org_id=org_id))


@bp.route("/<int:org_id>/members/<int:membership_id>/remove", methods=["POST"])
@access.owner
def remove_member(org_id: int, membership_id: int):
    removing_self = g.membership.id == membership_id
    if act(lambda: orgs.remove_member(db.session, current_user, org_id, membership_id,
                                      now=utcnow())):
        flash(gettext("The member is removed."), "success")
        if removing_self:
            return redirect(url_for("main.index"))
    return redirect(url_for("organizations.members", org_id=org_id))


@bp.route("/<int:org_id>/leave", methods=["POST"])
@access.member
def leave(org_id: int):
    name = g.membership.organization.name
    if not act(lambda: orgs.leave_organization(db.session, current_user, org_id, now=utcnow())):
        return redirect(url_for("organizations.members", org_id=org_id))
    flash(gettext("You have left %(name)s.", name=name), "success")
    return redirect(url_for("main.index"))
