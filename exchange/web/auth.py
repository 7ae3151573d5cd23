"""Accounts on the web: register, log in and out, profile and password."""
from __future__ import annotations

from contextlib import nullcontext
from datetime import datetime

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user, logout_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

from exchange.core import accounts, email_change, logins, privacy, tokens
from exchange.core.errors import DomainError, NotFound
from exchange.http import access
from exchange.http.clock import utcnow
from exchange.http.extensions import db
from exchange.http.i18n import select_locale, translate
from exchange.http.passwords import (
    link_asked,
    login_attempt,
    password_check,
    rate_limited_message,
)
from exchange.http.ratelimit import RateLimited
from exchange.http.urls import external_url, safe_next
from exchange.http.unit import unit_of_work
from exchange.web.sessions import clear_session, limited_page, start_session
from exchange.http.mailing import mail_user
from exchange.web.util import mail_now, save
from exchange.web.validators import StrongPassword

bp = Blueprint("auth", __name__)


class RegisterForm(FlaskForm):
    name = StringField(_l("Your name"), validators=[
        DataRequired(), Length(max=accounts.NAME_MAX_LENGTH)], render_kw={"autocomplete": "name"})
    email = EmailField(_l("Email"), validators=[
        DataRequired(), Email(), Length(max=accounts.EMAIL_MAX_LENGTH)],
        render_kw={"autocomplete": "email"})
    password = PasswordField(
        _l("Password"),
        description=_l("At least %(min)d characters. A few unrelated words are easy to "
                       "remember and hard to guess.", min=accounts.PASSWORD_MIN_LENGTH),
        validators=[DataRequired(), StrongPassword("email", "name")],
        render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(_l("Repeat the password"), validators=[
        DataRequired(), EqualTo("password", message=_l("The passwords do not match."))],
        render_kw={"autocomplete": "new-password"})
    # Shown, and required by the core, only while a privacy notice is published.
    privacy = BooleanField(_l("I have read the privacy notice"))


class ConfirmForm(FlaskForm):
    pass


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=accounts.EMAIL_MAX_LENGTH)],
                       render_kw={"autocomplete": "username"})
    password = PasswordField(_l("Password"), validators=[DataRequired()],
                             render_kw={"autocomplete": "current-password"})
    remember = BooleanField(_l("Keep me logged in on this device"))
    next = HiddenField()


class LoginLinkForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=accounts.EMAIL_MAX_LENGTH)],
                       render_kw={"autocomplete": "username"})


class ProfileForm(FlaskForm):
    name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=accounts.NAME_MAX_LENGTH)])
    locale = SelectField(_l("Language"), choices=[
        SelectChoice("", _l("As my browser prefers")), SelectChoice("pl", "Polski"),
        SelectChoice("en", "English")])


class TokenForm(FlaskForm):
    name = StringField(_l("Name of the token"), validators=[Length(max=tokens.NAME_MAX)],
                       description=_l("What will use it, e.g. “event spreadsheet”."))


class EmailForm(FlaskForm):
    """A new e-mail address (handled in exchange/web/email_change.py)."""
    new_email = EmailField(_l("New e-mail address"), validators=[
        DataRequired(), Length(max=accounts.EMAIL_MAX_LENGTH)], render_kw={"autocomplete": "email"})
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()],
                                     render_kw={"autocomplete": "current-password"})


class PasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()],
                                     render_kw={"autocomplete": "current-password"})
    new_password = PasswordField(_l("New password"), validators=[DataRequired(), StrongPassword()],
                                 render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(_l("Repeat the new password"), validators=[
        DataRequired(), EqualTo("new_password", message=_l("The passwords do not match."))],
        render_kw={"autocomplete": "new-password"})


def logged_in_by_link() -> bool:
    """Whether this session began with an e-mailed link moments ago: it then stands in for
    the current password (a new password, a new e-mail address)."""
    try:
        at = datetime.fromisoformat(session.get("link_login_at", ""))
    except ValueError:
        return False
    return logins.logged_in_by_link(at, utcnow())


@bp.route("/register", methods=["GET", "POST"])
@access.public
def register():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = RegisterForm()
    if form.validate_on_submit():
        saved, result = save(form, lambda: accounts.start_registration(
            db.session, email=form.email.data, name=form.name.data,
            password=form.password.data, locale=select_locale(), now=utcnow(),
            privacy_accepted=bool(form.privacy.data)))
        if saved:
            email = accounts.normalise_email(form.email.data)
            existing, secret = result
            if existing is not None:
                _mail_someone_tried(existing)
            else:
                _mail_registration_link(email, form.name.data, secret)
            # The same answer whether or not the address has an account: the mail says which.
            flash(gettext("We have sent an e-mail to %(email)s. Follow the link in it to "
                          "finish registering.", email=email), "success")
            return redirect(url_for("main.index"))
    notice = privacy.current_notice(db.session)
    if form.errors and notice and not form.privacy.data and not form.privacy.errors:
        # Said with the other fields' errors, not only once they are right.
        form.privacy.errors = [translate(privacy.CONSENT_REQUIRED)]
    return render_template("auth/register.html", form=form, notice=notice), \
        422 if form.errors else 200


def _mail_registration_link(email: str, name: str, secret: str) -> None:
    link = external_url("auth.confirm_registration", secret=secret)
    mail_now(email, gettext("confirm your e-mail address"), "\n\n".join([
        gettext("Hello %(name)s,", name=name.strip()),
        gettext("To finish creating your account, open this link within two days: %(link)s",
                link=link),
        gettext("If you did not register, ignore this e-mail: no account is made without "
                "the link."),
    ]))


def _mail_someone_tried(user) -> None:
    mail_user(user, _l("someone tried to register with your address"), [
        _l("Someone tried to create an account with your e-mail address, but you already have "
           "one. If it was you, simply log in: %(link)s", link=external_url("auth.login")),
        _l("If it was not you, ignore this e-mail: nothing has changed."),
    ])


@bp.route("/register/<secret>", methods=["GET", "POST"])
@access.public
def confirm_registration(secret: str):
    """The link from the registration e-mail: a button makes the account (a mail scanner
    following the link makes nothing)."""
    form = ConfirmForm()
    try:
        if request.method == "POST" and form.validate():
            with unit_of_work():
                user = accounts.confirm_registration(db.session, secret, utcnow())
            start_session(user)
            flash(gettext("Welcome, %(name)s! Your account is ready. Now register your "
                          "organization or ask its owner to add you.", name=user.name),
                  "success")
            return redirect(url_for("organizations.create"))
        pending = accounts.pending_registration(db.session, secret, utcnow())
    except NotFound:
        abort(404)
    return render_template("auth/confirm.html", form=form, pending=pending)


@bp.route("/login", methods=["GET", "POST"])
@access.public
def login():
    if current_user.is_authenticated:
        return redirect(safe_next())
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if form.validate_on_submit():
        try:
            attempt = login_attempt(form.email.data)
        except RateLimited as limited:
            # Even the right password waits now; the owner can still come in by e-mail.
            return limited_page(limited, form.password, "auth/login.html", form=form,
                                offer_link=True)
        with unit_of_work():  # a failed login writes nothing
            user = accounts.authenticate(db.session, email=form.email.data,
                                         password=form.password.data, now=utcnow())
        if user is None:
            form.password.errors = [gettext("Wrong email or password, or the account is "
                                            "deactivated.")]
            return render_template("auth/login.html", form=form), 401
        attempt.give_back()
        start_session(user, remember=form.remember.data)
        return redirect(safe_next())
    return render_template("auth/login.html", form=form), 422 if form.errors else 200


@bp.route("/logout", methods=["POST"])
@access.public
def logout():
    login_id = session.get("_user_id")
    if login_id:
        # Revoked on the server, so the old session cookie and the remember-me cookie,
        # replayed, open nothing; the user's other devices stay logged in.
        with unit_of_work():
            logins.end_session(db.session, login_id, utcnow())
    clear_session()
    logout_user()  # after clearing: it asks for the remember-me cookie to be deleted
    flash(gettext("You have logged out."), "success")
    return redirect(url_for("main.index"))


def _mail_login_link(user, link: str) -> None:
    """E-mail USER the login LINK once RESPONSE has gone: the answer takes as long whether or
    not an account had to be e-mailed, so it tells nobody which addresses have one."""
    app_name = current_app.config.get("APP_NAME", "Giełda")
    mail_user(user, _l("your login link"), [
        _l("Someone, hopefully you, asked for a link to log in to %(app)s without the "
           "password. It works once, within an hour:", app=app_name),
        link,
        _l("If it was not you, ignore this e-mail: nobody logs in without the link, and your "
           "password stays as it was."),
    ], background=True)


@bp.route("/login/link", methods=["GET", "POST"])
@access.public
def request_login_link():
    form = LoginLinkForm()
    if not form.validate_on_submit():
        return render_template("auth/login_link.html", form=form), 422 if form.errors else 200
    config = current_app.config
    try:
        link_asked(form.email.data, request.remote_addr or "")
    except RateLimited as limited:
        return limited_page(limited, form.email, "auth/login_link.html", form=form)
    user = accounts.find_user_by_email(db.session, form.email.data)
    with unit_of_work():
        secret = logins.issue_login_link(db.session, user, utcnow(),
                                         lifetime=config["LOGIN_LINK_LIFETIME"])
    # The same answer whether or not the address has an account.
    flash(gettext("If an account uses this address, a login link is on its way to it. The "
                  "link works once, within an hour."), "success")
    response = redirect(url_for("auth.login"))
    if secret is not None:
        link = external_url("auth.login_by_link", secret=secret)
        _mail_login_link(user, link)
    return response


@bp.route("/login/link/<secret>", methods=["GET", "POST"])
@access.public
def login_by_link(secret: str):
    # Opening the link only asks to confirm: mail scanners that fetch every link in a
    # message would otherwise spend it before its owner clicks.
    form = FlaskForm()
    try:
        if request.method == "POST" and form.validate_on_submit():
            with unit_of_work():
                user = logins.use_login_link(db.session, secret, utcnow())
            start_session(user, by_link=True)
            flash(gettext("You are logged in. If you do not remember your password, set a "
                          "new one below: for 15 minutes the current one is not asked."),
                  "success")
            return redirect(url_for("auth.account"))
        logins.check_login_link(db.session, secret, utcnow())
        status, problem = 200, None
    except DomainError as error:
        status, problem = error.status if error.status == 404 else 410, translate(error.message)
    response = make_response(render_template("auth/login_by_link.html", form=form,
                                             problem=problem), status)
    response.headers["Referrer-Policy"] = "no-referrer"  # the secret is in this page's address
    return response


@bp.route("/account", methods=["GET", "POST"])
@access.user
def account():
    profile = ProfileForm(obj=current_user, prefix="profile")
    password = PasswordForm(prefix="password")
    by_link = logged_in_by_link()
    if by_link:
        password.current_password.validators = [Optional()]
    status = 200
    if request.method == "POST" and "profile-name" in request.form:
        if profile.validate() and save(profile, lambda: accounts.update_profile(
                db.session, current_user, name=profile.name.data,
                locale=profile.locale.data or None))[0]:
            session.pop("locale", None)
            flash(gettext("Your profile is saved."), "success")
            return redirect(url_for("auth.account"))
        status = 422
    elif request.method == "POST":
        if password.validate():
            user = current_user._get_current_object()

            def change():
                with nullcontext() if by_link else password_check(user, "current_password"):
                    accounts.change_password(db.session, user,
                                             current=password.current_password.data,
                                             new=password.new_password.data, now=utcnow(),
                                             logged_in_by_link=by_link)
            try:
                changed = save(password, change)[0]
            except RateLimited as limited:
                password.current_password.errors = [rate_limited_message(limited)]
                response = make_response(*render_account(profile, password, status=429))
                response.headers["Retry-After"] = str(limited.retry_after)
                return response
            if changed:
                # Every session of the user ended; log this one in again.
                start_session(user)
                flash(gettext("Your password is changed. You were logged out everywhere "
                              "else."), "success")
                return redirect(url_for("auth.account"))
        status = 422
    return render_account(profile, password, status=status)


def render_account(profile=None, password=None, *, token_form=None, new_token=None,
                   email_form=None, status: int = 200):
    """The account page, with the forms given (each other one empty) and STATUS."""
    return render_template(
        "auth/account.html", status=status, by_link=logged_in_by_link(),
        profile=profile or ProfileForm(obj=current_user, prefix="profile"),
        password=password or PasswordForm(prefix="password"),
        email_form=email_form or EmailForm(prefix="email"),
        token_form=token_form or TokenForm(prefix="token"), new_token=new_token,
        email_waiting=email_change.waiting_change(db.session, current_user, utcnow()),
        api_tokens=tokens.tokens_of(db.session, current_user)), status


@bp.route("/account/tokens", methods=["POST"])
@access.user
def create_token():
    form = TokenForm(prefix="token")
    if not form.validate():
        return render_account(token_form=form, status=422)
    with unit_of_work():
        _token, plain = tokens.issue_token(db.session, current_user, form.name.data, utcnow())
    # Shown in this response only: it is never stored in plain text, nor put in a cookie.
    return render_account(new_token=plain, status=201)


@bp.route("/account/tokens/<int:token_id>/revoke", methods=["POST"])
@access.user
def revoke_token(token_id: int):
    try:
        with unit_of_work():
            tokens.revoke_token(db.session, current_user, token_id, utcnow())
    except NotFound:
        abort(404)
    flash(gettext("The token is revoked; programs using it can no longer reach the API."),
          "success")
    return redirect(url_for("auth.account"))
