"""A forgotten password: ask for a link by e-mail, open it, set a new password.

The answer to the request is the same for every address; the link's page shows the form
without spending the link (mail scanners open links too), and the new password spends it,
ends every other session, forgets the failed logins that locked the account and logs its
owner in here."""
from __future__ import annotations

from flask import Blueprint, flash, make_response, redirect, render_template, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

from exchange.core import accounts, password_reset
from exchange.core.errors import NotFound, ValidationError
from exchange.http import access
from exchange.http.clock import utcnow
from exchange.http.extensions import db
from exchange.http.i18n import apply_errors, translate
from exchange.http.password_reset import ask_for_reset_link
from exchange.http.passwords import forget_failed_logins
from exchange.http.ratelimit import RateLimited
from exchange.http.unit import unit_of_work
from exchange.web.sessions import limited_page, start_session
from exchange.web.validators import StrongPassword

bp = Blueprint("password", __name__)


class ResetRequestForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=accounts.EMAIL_MAX_LENGTH)],
                       render_kw={"autocomplete": "username"})


class NewPasswordForm(FlaskForm):
    new_password = PasswordField(
        _l("New password"),
        description=_l("At least %(min)d characters. A few unrelated words are easy to "
                       "remember and hard to guess.", min=accounts.PASSWORD_MIN_LENGTH),
        validators=[DataRequired(), StrongPassword()], render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(_l("Repeat the new password"), validators=[
        DataRequired(), EqualTo("new_password", message=_l("The passwords do not match."))],
        render_kw={"autocomplete": "new-password"})


@bp.route("/password/reset", methods=["GET", "POST"])
@access.public
def request_reset():
    form = ResetRequestForm()
    if not form.validate_on_submit():
        return (render_template("auth/password_reset_request.html", form=form),
                422 if form.errors else 200)
    response = redirect(url_for("auth.login"))
    try:
        ask_for_reset_link(form.email.data)
    except RateLimited as limited:
        return limited_page(limited, form.email, "auth/password_reset_request.html",
                            reset=True, form=form)
    # The same answer whether or not the address has an account.
    flash(gettext("If an account uses this address, we have sent it a link to set a new "
                  "password. The link works once, within an hour."), "success")
    return response


@bp.route("/password/reset/<secret>", methods=["GET", "POST"])
@access.public
def reset(secret: str):
    form = NewPasswordForm()
    status, problem, user = 200, None, None
    try:
        # Opening the link spends nothing: only the new password does.
        user = password_reset.check_reset_link(db.session, secret, utcnow())
        form.user_inputs = [user.email, user.name]
        if form.validate_on_submit():
            with unit_of_work():
                user = password_reset.reset_password(db.session, secret,
                                                     new=form.new_password.data, now=utcnow())
            return _logged_in(user)
        if form.errors:
            status = 422
    except NotFound as error:
        status, problem = 404, translate(error.message)
    except ValidationError as error:
        if None in error.errors:  # the link, not the password
            status, problem = 410, translate(error.message)
        else:
            apply_errors(form, error)
            status = 422
    response = make_response(render_template("auth/password_reset.html", form=form,
                                             problem=problem, user=user), status)
    response.headers["Referrer-Policy"] = "no-referrer"  # the secret is in this page's address
    return response


def _logged_in(user):
    """After the new password: the failed logins that locked the account are forgotten, and
    its owner is logged in on this device (every other session has ended)."""
    forget_failed_logins(user)
    start_session(user)
    flash(gettext("Your new password is set and you are logged in. You were logged out "
                  "everywhere else."), "success")
    response = redirect(url_for("main.index"))
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
