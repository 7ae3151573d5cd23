"""Invitations on the web: the e-mailed link's page (accept, or register and join), resending
and withdrawing them, and the pieces the members and staff pages show (pending invitations,
the history of who approved whom)."""
from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    url_for,
)
from flask_babel import get_locale, gettext, pgettext
from flask_login import current_user
from flask_wtf import FlaskForm

from exchange.core import invitations, privacy
from exchange.core.accounts import find_user_by_email
from exchange.core.errors import Conflict, Forbidden, NotFound, ValidationError
from exchange.core.member_history import history_query
from exchange.http import access
from exchange.http.clock import utcnow
from exchange.http.extensions import db
from exchange.http.i18n import apply_errors, translate
from exchange.http.labels import ROLE_LABELS, STAFF_ROLE_LABELS
from exchange.http.mailing import mail_now
from exchange.http.unit import unit_of_work
from exchange.http.urls import external_url, page_number
from exchange.web.auth import RegisterForm
from exchange.web.sessions import start_session
from exchange.web.util import act
from models import ChangeKind, Invitation, MemberRole
from models.event import StaffRole

bp = Blueprint("invitations", __name__)

HISTORY_PER_PAGE = 20


def change_label(kind: ChangeKind) -> str:
    """What a history row records, as a noun phrase ("joined"; Polish "dołączenie")."""
    return {
        ChangeKind.INVITED: lambda: pgettext("membership change", "invitation sent"),
        ChangeKind.INVITATION_RESENT: lambda: pgettext("membership change",
                                                       "invitation sent again"),
        ChangeKind.INVITATION_REVOKED: lambda: pgettext("membership change",
                                                        "invitation withdrawn"),
        ChangeKind.JOINED: lambda: pgettext("membership change", "joined"),
        ChangeKind.ROLE_CHANGED: lambda: pgettext("membership change", "role changed"),
        ChangeKind.SIGNING_GRANTED: lambda: pgettext("membership change",
                                                     "right to sign granted"),
        ChangeKind.SIGNING_REVOKED: lambda: pgettext("membership change",
                                                     "right to sign taken away"),
        ChangeKind.REMOVED: lambda: pgettext("membership change", "removed"),
        ChangeKind.LEFT: lambda: pgettext("membership change", "left"),
    }[kind]()


class ButtonForm(FlaskForm):
    """Only the CSRF token, for the buttons."""


class InvitedAccountForm(RegisterForm):
    """The account of an invited person, as registration asks for it (name, password twice,
    the privacy notice while one is published) but for the address: the invitation's."""

    email = None


def role_label(invitation_or_change) -> str:
    """The translated role an invitation or a history row names ("" for none)."""
    role = invitation_or_change.role
    if not role:
        return ""
    if invitation_or_change.organization_id is not None:
        return str(ROLE_LABELS[MemberRole(role)])
    return str(STAFF_ROLE_LABELS[StaffRole(role)])


def mail_invitation(invitation: Invitation, secret: str) -> None:
    """E-mail the invitation's link, in the inviter's language (the invitee has no account
    to say theirs), once the unit of work that made it is committed."""
    inviter = current_user.name
    app_name = current_app.config.get("APP_NAME", "Giełda")
    if invitation.organization_id is not None:
        name = invitation.organization.name
        subject = gettext("%(organization)s invites you", organization=name)
        what = gettext("%(person)s would like to add you to %(organization)s in %(app)s, where "
                       "organizations exchange what they have and need.", person=inviter,
                       organization=name, app=app_name)
        what += " " + gettext("Role: %(role)s.", role=role_label(invitation))
        if invitation.can_sign:
            what += " " + gettext("You will be able to sign contracts for the organization.")
    else:
        subject = gettext("%(event)s invites you", event=invitation.event.name)
        what = gettext("%(person)s would like you on the staff of %(event)s as %(role)s.",
                       person=inviter, event=invitation.event.name, role=role_label(invitation))
    mail_now(invitation.email, subject, "\n\n".join([
        gettext("Hello,"), what,
        gettext("To accept, open this link (with or without an account here): %(link)s",
                link=external_url("invitations.show", secret=secret)),
        gettext("The link works once, for 14 days. If you do not know the sender, ignore this "
                "message."),
    ]), background=True)


def invite(action, form) -> bool:
    """Run ACTION (a core invite returning (invitation, secret)) as one unit of work; mail the
    link and say so; on a refusal put the reasons on FORM. Whether it was sent."""
    try:
        with unit_of_work():
            invitation, secret = action()
    except ValidationError as error:
        for text in apply_errors(form, error):
            flash(text, "error")
        return False
    except Conflict as error:
        flash(translate(error.message), "error")
        return False
    mail_invitation(invitation, secret)
    # The same words for a new invitation and a resent one (the pending list shows which),
    # so that nothing in the answer varies with whom the address belongs to.
    flash(gettext("We have e-mailed an invitation to %(email)s. The link works for 14 days; "
                  "an earlier link to this address no longer works.", email=invitation.email),
          "success")
    return True


def roster_context(*, org_id: int | None = None, event_id: int | None = None) -> dict:
    """What the members or staff page shows its managers: the pending invitations and one
    page of the history, newest first."""
    return {
        "invitations": invitations.pending_invitations(db.session, org_id=org_id,
                                                       event_id=event_id),
        "history": db.paginate(history_query(organization_id=org_id, event_id=event_id),
                               page=page_number(), per_page=HISTORY_PER_PAGE, error_out=False),
        "now": utcnow(), "role_label": role_label, "change_label": change_label,
        "invitation_button": ButtonForm(),
    }


def _page(secret: str, form: InvitedAccountForm | None = None, status: int = 200):
    invitation, problem = None, None
    try:
        invitation = invitations.open_invitation(db.session, secret, utcnow())
    except NotFound as error:
        status, problem = 404, translate(error.message)
    except ValidationError as error:
        status, problem = 410, translate(error.message)
    has_account = invitation is not None and not current_user.is_authenticated and \
        find_user_by_email(db.session, invitation.email) is not None
    response = make_response(render_template(
        "invitations/accept.html", invitation=invitation, problem=problem, secret=secret,
        form=form or InvitedAccountForm(), button=ButtonForm(), has_account=has_account,
        role=role_label(invitation) if invitation else "",
        notice=privacy.current_notice(db.session)), status)
    response.headers["Referrer-Policy"] = "no-referrer"  # the secret is in this page's address
    return response


@bp.route("/invitations/<secret>")
@access.public
def show(secret: str):
    return _page(secret)


@bp.route("/invitations/<secret>/accept", methods=["POST"])
@access.user
def accept(secret: str):
    if not ButtonForm().validate():
        abort(400)
    try:
        with unit_of_work():
            invitation = invitations.accept_invitation(db.session, secret, current_user,
                                                       utcnow())
    except Forbidden:  # another account: the page says whose invitation it is
        return _page(secret, status=403)
    except ValidationError as error:  # used, expired or withdrawn meanwhile, or a member already
        flash(translate(error.message), "error")
        return _page(secret, status=409)
    except NotFound:
        return _page(secret)
    return _joined(invitation)


@bp.route("/invitations/<secret>/register", methods=["POST"])
@access.public
def register(secret: str):
    if current_user.is_authenticated:
        return redirect(url_for("invitations.show", secret=secret))
    form = InvitedAccountForm()
    if not form.validate():
        return _page(secret, form, 422)
    try:
        with unit_of_work():
            user, invitation = invitations.register_and_accept(
                db.session, secret, name=form.name.data, password=form.password.data,
                locale=str(get_locale() or ""), now=utcnow(),
                privacy_accepted=bool(form.privacy.data))
    except NotFound:
        return _page(secret)
    except Conflict as error:
        flash(translate(error.message), "error")
        return _page(secret, form, 409)
    except ValidationError as error:
        if None in error.errors:  # the link, not the form
            return _page(secret, form, 410)
        apply_errors(form, error)
        return _page(secret, form, 422)
    start_session(user)
    return _joined(invitation)


def _joined(invitation: Invitation):
    response = redirect(url_for("organizations.detail", org_id=invitation.organization_id)
                        if invitation.organization_id is not None
                        else url_for("events.detail", event_id=invitation.event_id))
    name = invitation.organization.name if invitation.organization_id is not None \
        else invitation.event.name
    flash(gettext("Welcome! You have joined %(name)s as %(role)s.", name=name,
                  role=role_label(invitation)), "success")
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.route("/organizations/<int:org_id>/invitations/<int:invitation_id>/resend",
          methods=["POST"])
@access.owner
def resend_member(org_id: int, invitation_id: int):
    _resend(lambda: invitations.resend_invitation(db.session, current_user, invitation_id,
                                                  org_id=org_id, now=utcnow()))
    return redirect(url_for("organizations.members", org_id=org_id))


@bp.route("/organizations/<int:org_id>/invitations/<int:invitation_id>/revoke",
          methods=["POST"])
@access.owner
def revoke_member(org_id: int, invitation_id: int):
    _revoke(lambda: invitations.revoke_invitation(db.session, current_user, invitation_id,
                                                  org_id=org_id, now=utcnow()))
    return redirect(url_for("organizations.members", org_id=org_id))


@bp.route("/events/<int:event_id>/invitations/<int:invitation_id>/resend", methods=["POST"])
@access.staff(StaffRole.ORGANISER)
def resend_staff(event_id: int, invitation_id: int):
    _resend(lambda: invitations.resend_invitation(db.session, current_user, invitation_id,
                                                  event_id=event_id, now=utcnow()))
    return redirect(url_for("events.staff", event_id=event_id))


@bp.route("/events/<int:event_id>/invitations/<int:invitation_id>/revoke", methods=["POST"])
@access.staff(StaffRole.ORGANISER)
def revoke_staff(event_id: int, invitation_id: int):
    _revoke(lambda: invitations.revoke_invitation(db.session, current_user, invitation_id,
                                                  event_id=event_id, now=utcnow()))
    return redirect(url_for("events.staff", event_id=event_id))


def _resend(action) -> None:
    if not ButtonForm().validate():
        abort(400)
    try:
        with unit_of_work():
            invitation, secret = action()
    except NotFound:
        abort(404)
    except (Conflict, ValidationError) as error:
        flash(translate(error.message), "error")
        return
    mail_invitation(invitation, secret)
    flash(gettext("We have sent the invitation to %(email)s again, with a new link valid for "
                  "14 days. The previous link no longer works.", email=invitation.email),
          "success")


def _revoke(action) -> None:
    if not ButtonForm().validate():
        abort(400)
    if act(action):
        flash(gettext("The invitation is withdrawn: its link no longer works."), "success")
