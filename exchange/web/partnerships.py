"""Local partnerships on the web: the list (mine and the public ones), the partnership's page
(its members by sector, the prompt for a missing sector), the form, members and invitations
for the coordinator, and the invitation link's page where an owner accepts for one of their
organizations or declines.

Every route is ``access.user`` or ``access.public``; who may read or change a partnership is
the core's rule (exchange/core/partnerships.py): NotFound is a 404, Forbidden a 403."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale, gettext
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from exchange.core import partnerships as core
from exchange.core import privacy
from exchange.core.accounts import find_user_by_email
from exchange.core.errors import Conflict, Forbidden, NotFound, ValidationError
from exchange.http import access
from exchange.http.clock import utcnow
from exchange.http.extensions import db
from exchange.http.i18n import apply_errors, translate
from exchange.http.mailing import mail_now
from exchange.http.unit import unit_of_work
from exchange.http.urls import external_url, page_number
from exchange.web.partnership_engage import members_context
from exchange.web.partnership_forms import (
    load_partnership,
    FORMALISATION_LABELS,
    KIND_LABELS,
    MISSING_PROMPTS,
    PARTNERSHIP_ROLE_LABELS,
    STATE_ACTIONS,
    STATE_LABELS,
    AcceptForm,
    ButtonForm,
    CoordinatorForm,
    InviteForm,
    JoinAsNewForm,
    NewPartnershipForm,
    PartnershipForm,
    change_detail,
    change_label,
)
from exchange.web.sessions import start_session
from exchange.web.partnership_plan import STATE_LABELS as PLAN_STATE_LABELS
from exchange.web.partnership_plan import amount
from exchange.web.util import act, save, save_checked
from models import (
    Partnership,
    PartnershipInvitation,
    PartnershipRole,
)

bp = Blueprint("partnerships", __name__, url_prefix="/partnerships")

HISTORY_PER_PAGE = 20


def _data(form: PartnershipForm) -> dict[str, Any]:
    data = {name: getattr(form, name).data for name in
            ("name", "municipalities", "goal", "kind", "formalisation", "is_public",
             "quiet_weeks")}
    for name in ("lead_id", "coordinator_id"):
        if hasattr(form, name):
            data[name] = getattr(form, name).data
    return data


@bp.route("/")
@access.public
def index():
    mine = core.partnerships_of(db.session, current_user) \
        if current_user.is_authenticated else []
    public = db.paginate(core.public_query(), page=page_number(), per_page=20, error_out=False)
    return render_template("partnerships/index.html", mine=mine, public=public,
                           can_create=bool(current_user.is_authenticated and
                                           core.owned_organizations(db.session, current_user)),
                           **_labels())


def _labels() -> dict:
    return {"KIND_LABELS": KIND_LABELS, "STATE_LABELS": STATE_LABELS,
            "FORMALISATION_LABELS": FORMALISATION_LABELS, "MISSING_PROMPTS": MISSING_PROMPTS,
            "THREE_SECTORS": core.THREE_SECTORS}


def _new_form() -> NewPartnershipForm:
    form = NewPartnershipForm()
    owned = core.owned_organizations(db.session, current_user)
    form.lead_id.choices = [SelectChoice(str(o.id), o.name) for o in owned]
    people: dict[int, Any] = {current_user.id: current_user}
    for org in owned:
        for membership in org.memberships:
            if membership.user.is_active:
                people.setdefault(membership.user_id, membership.user)
    form.coordinator_id.choices = [SelectChoice(str(current_user.id), gettext(
        "%(name)s (you)", name=current_user.name))] + [
        SelectChoice(str(u.id), u.name) for u in sorted(people.values(), key=lambda u: u.name)
        if u.id != current_user.id]
    return form


@bp.route("/new", methods=["GET", "POST"])
@access.user
def create():
    form = _new_form()
    if not form.lead_id.choices:
        flash(gettext("A partnership is led by an organization: register yours first, then "
                      "start the partnership."), "info")
        return redirect(url_for("organizations.create"))
    if form.is_submitted():
        saved, partnership = save_checked(form, lambda: core.create_partnership(
            db.session, current_user, _data(form), utcnow()))
        if saved:
            flash(gettext("The partnership „%(name)s” is started. Invite the partners.",
                          name=partnership.name), "success")
            return redirect(url_for("partnerships.members", partnership_id=partnership.id))
    return render_template("partnerships/form.html", form=form, partnership=None), \
        422 if form.errors else 200


@bp.route("/<int:partnership_id>")
@access.public
def detail(partnership_id: int):
    reader = current_user if current_user.is_authenticated else None
    try:
        partnership = core.get_partnership(db.session, reader, partnership_id)
        full = True
    except NotFound:
        try:
            partnership = core.get_public_partnership(db.session, partnership_id)
        except NotFound:
            if reader is None:  # perhaps a member not logged in: the same for any number
                return redirect(url_for("auth.login", next=request.path))
            abort(404)
        full = False
    manager = full and core.is_manager(db.session, partnership, current_user)
    return render_template(
        "partnerships/detail.html", partnership=partnership, full=full, manager=manager,
        balance=core.sector_balance(partnership), missing=core.missing_sectors(partnership),
        achievements=core.achievements(db.session, partnership, utcnow()),
        indicators=[core.progress_of(db.session, i, utcnow())
                    for i in core.indicators_of(db.session, partnership)],
        PLAN_STATE_LABELS=PLAN_STATE_LABELS, amount=amount,
        states=core.allowed_states(partnership) if manager else (),
        STATE_ACTIONS=STATE_ACTIONS, button=ButtonForm(), **_labels())


@bp.route("/<int:partnership_id>/edit", methods=["GET", "POST"])
@access.user
def edit(partnership_id: int):
    partnership = load_partnership(partnership_id, manage=True)
    form = PartnershipForm(obj=partnership)
    if not form.is_submitted():
        form.municipalities.data = ", ".join(partnership.municipalities)
        form.kind.data = partnership.kind.value
        form.formalisation.data = partnership.formalisation.value
    else:
        saved, _ = save_checked(form, lambda: core.update_partnership(
            db.session, current_user, partnership_id, _data(form), utcnow()))
        if saved:
            flash(gettext("The partnership is saved."), "success")
            return redirect(url_for("partnerships.detail", partnership_id=partnership_id))
    return render_template("partnerships/form.html", form=form, partnership=partnership), \
        422 if form.errors else 200


@bp.route("/<int:partnership_id>/state", methods=["POST"])
@access.user
def change_state(partnership_id: int):
    load_partnership(partnership_id, manage=True)
    if not ButtonForm().validate():
        abort(400)
    if act(lambda: core.change_state(db.session, current_user, partnership_id,
                                     request.form.get("state"), utcnow())):
        flash(gettext("The partnership's state is changed."), "success")
    return redirect(url_for("partnerships.detail", partnership_id=partnership_id))


def _render_members(partnership: Partnership, invite_form: InviteForm | None = None,
                    status: int = 200):
    manager = core.is_manager(db.session, partnership, current_user)
    coordinator_form = CoordinatorForm()
    context: dict[str, Any] = {}
    if manager:
        coordinator_form.coordinator_id.choices = [
            SelectChoice(str(u.id), u.name) for u in core.people_of_lead(db.session, partnership)
            if u.id != partnership.coordinator_id]
        context = {
            "invitations": core.pending_invitations(db.session, partnership.id),
            "history": db.paginate(core.history_query(partnership.id), page=page_number(),
                                   per_page=HISTORY_PER_PAGE, error_out=False)}
    return render_template(
        "partnerships/members.html", partnership=partnership, manager=manager,
        invite_form=invite_form or InviteForm(), coordinator_form=coordinator_form,
        button=ButtonForm(), leavable=core.leavable(db.session, partnership, current_user),
        balance=core.sector_balance(partnership), now=utcnow(), change_label=change_label,
        change_detail=change_detail, ROLE_LABELS=PARTNERSHIP_ROLE_LABELS, **context,
        **members_context(partnership), **_labels()), status


@bp.route("/<int:partnership_id>/members")
@access.user
def members(partnership_id: int):
    return _render_members(load_partnership(partnership_id))


def _mail(invitation: PartnershipInvitation, secret: str) -> None:
    """E-mail the invitation's link in the inviter's language, after the commit."""
    partnership = invitation.partnership
    app_name = current_app.config.get("APP_NAME", "Giełda")
    subject = gettext("Invitation to the partnership „%(name)s”", name=partnership.name)
    if invitation.role is PartnershipRole.ANIMATOR:
        what = gettext("%(person)s invites you to advise the local partnership „%(name)s” in "
                       "%(app)s as its animator: you will read its work and, later, comment.",
                       person=current_user.name, name=partnership.name, app=app_name)
    else:
        what = gettext("%(person)s invites your organization to the local partnership "
                       "„%(name)s” led by %(lead)s, in %(app)s.", person=current_user.name,
                       name=partnership.name, lead=partnership.lead.name, app=app_name)
    mail_now(invitation.email, subject, "\n\n".join([
        gettext("Hello,"), what,
        gettext("Its goal: %(goal)s", goal=partnership.goal),
        gettext("To accept or decline, open this link: %(link)s",
                link=external_url("partnerships.invitation", secret=secret)),
        gettext("The link works once, for 14 days. If you do not know the sender, ignore this "
                "message."),
    ]), background=True)


@bp.route("/<int:partnership_id>/invite", methods=["POST"])
@access.user
def invite(partnership_id: int):
    partnership = load_partnership(partnership_id, manage=True)
    form = InviteForm()
    if form.validate_on_submit():
        saved, result = save(form, lambda: core.invite(
            db.session, current_user, partnership_id, email=form.email.data,
            role=form.role.data, now=utcnow()))
        if saved:
            _mail(*result)
            flash(gettext("We have e-mailed an invitation to %(email)s. The link works for 14 "
                          "days; an earlier link to this address no longer works.",
                          email=result[0].email), "success")
            return redirect(url_for("partnerships.members", partnership_id=partnership_id))
    return _render_members(partnership, form, 422)


@bp.route("/<int:partnership_id>/invitations/<int:invitation_id>/resend", methods=["POST"])
@access.user
def resend(partnership_id: int, invitation_id: int):
    load_partnership(partnership_id, manage=True)
    if not ButtonForm().validate():
        abort(400)
    result: list = []
    if act(lambda: result.extend(core.resend_invitation(
            db.session, current_user, partnership_id, invitation_id, utcnow()))):
        _mail(*result)
        flash(gettext("We have sent the invitation to %(email)s again, with a new link valid "
                      "for 14 days. The previous link no longer works.",
                      email=result[0].email), "success")
    return redirect(url_for("partnerships.members", partnership_id=partnership_id))


def _button(partnership_id: int, action: Callable[[], Any], message: str, *,
            manage: bool = True, to: str = "partnerships.members"):
    load_partnership(partnership_id, manage=manage)
    if not ButtonForm().validate():
        abort(400)
    if act(action):
        flash(message, "success")
    return redirect(url_for(to, partnership_id=partnership_id))


@bp.route("/<int:partnership_id>/invitations/<int:invitation_id>/revoke", methods=["POST"])
@access.user
def revoke(partnership_id: int, invitation_id: int):
    return _button(partnership_id, lambda: core.revoke_invitation(
        db.session, current_user, partnership_id, invitation_id, utcnow()),
        gettext("The invitation is withdrawn: its link no longer works."))


@bp.route("/<int:partnership_id>/coordinator", methods=["POST"])
@access.user
def hand_over(partnership_id: int):
    return _button(partnership_id, lambda: core.hand_over(
        db.session, current_user, partnership_id, request.form.get("coordinator_id"), utcnow()),
        gettext("The coordinator is changed."))


@bp.route("/<int:partnership_id>/animator/remove", methods=["POST"])
@access.user
def remove_animator(partnership_id: int):
    return _button(partnership_id, lambda: core.remove_animator(
        db.session, current_user, partnership_id, utcnow()),
        gettext("The animator no longer takes part in the partnership."))


@bp.route("/<int:partnership_id>/leave", methods=["POST"])
@access.user
def leave(partnership_id: int):
    partnership = load_partnership(partnership_id)
    if not ButtonForm().validate():
        abort(400)
    try:
        if act(lambda: core.leave(db.session, current_user, partnership_id,
                                  request.form.get("org_id"), utcnow())):
            flash(gettext("Your organization has left the partnership „%(name)s”.",
                          name=partnership.name), "success")
            return redirect(url_for("partnerships.index"))
    except Forbidden:
        abort(403)
    return redirect(url_for("partnerships.members", partnership_id=partnership_id))


# --- the invitation link -------------------------------------------------------------------

def _invitation_page(secret: str, status: int = 200, form: AcceptForm | None = None,
                     join_form: JoinAsNewForm | None = None):
    invitation, problem = None, None
    try:
        invitation = core.open_invitation(db.session, secret, utcnow())
    except NotFound as error:
        status, problem = 404, translate(error.message)
    except ValidationError as error:
        status, problem = 410, translate(error.message)
    form = form or AcceptForm()
    if invitation is not None and current_user.is_authenticated and \
            invitation.role is PartnershipRole.PARTNER:
        form.org_id.choices = [SelectChoice(str(o.id), o.name) for o in
                               core.organizations_to_accept_for(db.session, invitation,
                                                                current_user)]
    has_account = invitation is not None and not current_user.is_authenticated and \
        find_user_by_email(db.session, invitation.email) is not None
    if invitation is not None and join_form is None:
        join_form = JoinAsNewForm(formdata=None,
                                  partner=invitation.role is PartnershipRole.PARTNER)
    response = make_response(render_template(
        "partnerships/invitation.html", invitation=invitation, problem=problem, secret=secret,
        form=form, join_form=join_form, has_account=has_account,
        notice=privacy.current_notice(db.session), button=ButtonForm(),
        ROLE_LABELS=PARTNERSHIP_ROLE_LABELS, **_labels()), status)
    response.headers["Referrer-Policy"] = "no-referrer"  # the secret is in the address
    return response


@bp.route("/invitations/<secret>")
@access.public
def invitation(secret: str):
    return _invitation_page(secret)


def _answer(secret: str, action: Callable[[], PartnershipInvitation], message: Callable):
    try:
        with unit_of_work():
            answered = action()
    except Forbidden:
        return _invitation_page(secret, 403)
    except ValidationError as error:
        for text in error.errors.values():
            for msg in text:
                flash(translate(msg), "error")
        return _invitation_page(secret, 409)
    except NotFound:
        return _invitation_page(secret)
    flash(message(answered), "success")
    response = redirect(url_for("partnerships.detail", partnership_id=answered.partnership_id)
                        if answered.accepted_at else url_for("partnerships.index"))
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


class _FormRefused(Exception):
    """Undoes what the core did for a form the person must correct first."""


@bp.route("/invitations/<secret>/register", methods=["POST"])
@access.public
def register_and_join(secret: str):
    """One step for an invited person without an account: the account, their organization's
    profile (a partner's invitation) and joining; then they are logged in."""
    if current_user.is_authenticated:
        return redirect(url_for("partnerships.invitation", secret=secret))
    try:
        invitation = core.open_invitation(db.session, secret, utcnow())
    except (NotFound, ValidationError):
        return _invitation_page(secret)
    partner = invitation.role is PartnershipRole.PARTNER
    form = JoinAsNewForm(partner=partner)
    valid = form.validate()
    organization = {"name": form.org_name.data, "sector": form.org_sector.data,
                    "municipality": form.org_municipality.data} if partner else None
    try:
        with unit_of_work():
            user, invitation = core.register_and_join(
                db.session, secret, name=form.name.data or "", password=form.password.data or "",
                locale=str(get_locale() or ""), now=utcnow(),
                privacy_accepted=bool(form.privacy.data), organization=organization)
            if not valid:  # the form's own refusals (the password twice…): keep nothing
                raise _FormRefused
    except _FormRefused:
        return _invitation_page(secret, 422, join_form=form)
    except Conflict as error:
        flash(translate(error.message), "error")
        return _invitation_page(secret, 409, join_form=form)
    except ValidationError as error:
        if None in error.errors:  # the link, not the form
            return _invitation_page(secret, 410, join_form=form)
        apply_errors(form, error, beside_form_errors=False)
        return _invitation_page(secret, 422, join_form=form)
    start_session(user)
    flash(gettext("Welcome to the partnership „%(name)s”!", name=invitation.partnership.name),
          "success")
    response = redirect(url_for("partnerships.detail", partnership_id=invitation.partnership_id))
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.route("/invitations/<secret>/accept", methods=["POST"])
@access.user
def accept(secret: str):
    if not ButtonForm().validate():
        abort(400)
    return _answer(secret, lambda: core.accept_invitation(
        db.session, secret, current_user, utcnow(), org_id=request.form.get("org_id")),
        lambda inv: gettext("Welcome to the partnership „%(name)s”!", name=inv.partnership.name))


@bp.route("/invitations/<secret>/decline", methods=["POST"])
@access.user
def decline(secret: str):
    if not ButtonForm().validate():
        abort(400)
    return _answer(secret, lambda: core.decline_invitation(
        db.session, secret, current_user, utcnow()),
        lambda inv: gettext("You have declined the invitation to the partnership „%(name)s”.",
                            name=inv.partnership.name))
