"""Accounts on the web: register, log in and out, profile and password."""
from __future__ import annotations

import limits
from flask import (Blueprint, abort, current_app, flash, g, redirect, render_template, request,
                   session, url_for)
from flask_babel import gettext, lazy_gettext as _l
from flask_login import current_user, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, EqualTo, Length

from exchange import accounts, tokens
from exchange.clock import utcnow
from exchange.errors import NotFound
from exchange.extensions import db, limiter
from exchange.web import access
from exchange.web.i18n import select_locale
from exchange.web.util import safe_next, save

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
        validators=[DataRequired()], render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(_l("Repeat the password"), validators=[
        DataRequired(), EqualTo("password", message=_l("The passwords do not match."))],
        render_kw={"autocomplete": "new-password"})


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=accounts.EMAIL_MAX_LENGTH)],
                       render_kw={"autocomplete": "username"})
    password = PasswordField(_l("Password"), validators=[DataRequired()],
                             render_kw={"autocomplete": "current-password"})
    remember = BooleanField(_l("Keep me logged in on this device"))
    next = HiddenField()


class ProfileForm(FlaskForm):
    name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=accounts.NAME_MAX_LENGTH)])
    locale = SelectField(_l("Language"), choices=[
        SelectChoice("", _l("As my browser prefers")), SelectChoice("pl", "Polski"),
        SelectChoice("en", "English")])


class TokenForm(FlaskForm):
    name = StringField(_l("Name of the token"), validators=[Length(max=tokens.NAME_MAX)],
                       description=_l("What will use it, e.g. “event spreadsheet”."))


class PasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()],
                                     render_kw={"autocomplete": "current-password"})
    new_password = PasswordField(_l("New password"), validators=[DataRequired()],
                                 render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(_l("Repeat the new password"), validators=[
        DataRequired(), EqualTo("new_password", message=_l("The passwords do not match."))],
        render_kw={"autocomplete": "new-password"})


def _clear_session() -> None:
    """Forget everything in the session but the language the visitor chose."""
    locale = session.get("locale")
    session.clear()
    if locale:
        session["locale"] = locale


def _start_session(user, *, remember: bool = False) -> None:
    """Log USER in on a fresh session."""
    _clear_session()
    login_user(user, remember=remember)
    session["login_at"] = utcnow().isoformat()


def login_limit() -> str:
    return current_app.config["LOGIN_FAILURE_LIMIT"]


def _login_key() -> str:
    return "login:" + accounts.normalise_email(request.form.get("email", ""))


def login_limit_message() -> str:
    minutes = max(1, limits.parse(login_limit()).get_expiry() // 60)
    return gettext("Too many failed logins for this account. For its safety, logging in "
                   "is paused for %(minutes)d minutes. Try again later.", minutes=minutes)


@bp.route("/register", methods=["GET", "POST"])
@access.public
def register():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = RegisterForm()
    if form.validate_on_submit():
        saved, user = save(form, lambda: accounts.register_user(
            db.session, email=form.email.data, name=form.name.data,
            password=form.password.data, locale=select_locale(), now=utcnow()))
        if saved:
            _start_session(user)
            flash(gettext("Welcome, %(name)s! Your account is ready. Now register your "
                          "organization or ask its owner to add you.", name=user.name), "success")
            return redirect(url_for("organizations.create"))
    return render_template("auth/register.html", form=form), 422 if form.errors else 200


@bp.route("/login", methods=["GET", "POST"])
@access.public
@limiter.limit(login_limit, key_func=_login_key, methods=["POST"],
               deduct_when=lambda response: g.get("login_failed", False),
               error_message=login_limit_message)
def login():
    if current_user.is_authenticated:
        return redirect(safe_next())
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if form.validate_on_submit():
        user = accounts.authenticate(db.session, email=form.email.data,
                                     password=form.password.data, now=utcnow())
        if user is None:
            db.session.rollback()
            g.login_failed = True
            form.password.errors = [gettext("Wrong email or password, or the account is "
                                            "deactivated.")]
            return render_template("auth/login.html", form=form), 401
        db.session.commit()
        _start_session(user, remember=form.remember.data)
        return redirect(safe_next())
    return render_template("auth/login.html", form=form), 422 if form.errors else 200


@bp.route("/logout", methods=["POST"])
@access.public
def logout():
    logout_user()
    _clear_session()
    flash(gettext("You have logged out."), "success")
    return redirect(url_for("main.index"))


@bp.route("/account", methods=["GET", "POST"])
@access.user
def account():
    profile = ProfileForm(obj=current_user, prefix="profile")
    password = PasswordForm(prefix="password")
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
        if password.validate() and save(password, lambda: accounts.change_password(
                db.session, current_user, current=password.current_password.data,
                new=password.new_password.data, now=utcnow()))[0]:
            # The user's session token changed; log this session in again with it.
            _start_session(current_user._get_current_object())
            flash(gettext("Your password is changed. You were logged out everywhere else."),
                  "success")
            return redirect(url_for("auth.account"))
        status = 422
    return _render_account(profile, password, status=status)


def _render_account(profile=None, password=None, *, token_form=None, new_token=None,
                    status: int = 200):
    return render_template(
        "auth/account.html", status=status,
        profile=profile or ProfileForm(obj=current_user, prefix="profile"),
        password=password or PasswordForm(prefix="password"),
        token_form=token_form or TokenForm(prefix="token"), new_token=new_token,
        api_tokens=tokens.tokens_of(db.session, current_user)), status


@bp.route("/account/tokens", methods=["POST"])
@access.user
def create_token():
    form = TokenForm(prefix="token")
    if not form.validate():
        return _render_account(token_form=form, status=422)
    _token, plain = tokens.issue_token(db.session, current_user, form.name.data, utcnow())
    db.session.commit()
    # Shown in this response only: it is never stored in plain text, nor put in a cookie.
    return _render_account(new_token=plain, status=201)


@bp.route("/account/tokens/<int:token_id>/revoke", methods=["POST"])
@access.user
def revoke_token(token_id: int):
    try:
        tokens.revoke_token(db.session, current_user, token_id, utcnow())
    except NotFound:
        abort(404)
    db.session.commit()
    flash(gettext("The token is revoked; programs using it can no longer reach the API."),
          "success")
    return redirect(url_for("auth.account"))
