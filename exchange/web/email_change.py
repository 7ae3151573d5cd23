"""Changing one's e-mail address on the web: the account page's form asks, a link e-mailed to
the new address confirms, and the old address hears of both.

The answer to the request is the same whether or not another account uses the new address
(that account's owner gets a note instead of the link), and the mails go once the answer has
gone, so it takes as long either way. Links sent to one address are counted with the login
links sent there (3 an hour), so nobody fills a stranger's inbox. The link's page shows a button without spending the
link (mail scanners open links too); the button spends it."""
from __future__ import annotations

import math
from contextlib import nullcontext

from flask import Blueprint, current_app, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext, ngettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms.validators import Optional

from exchange.core import email_change
from exchange.core.errors import DomainError
from exchange.http import access, ratelimit
from exchange.http.clock import utcnow
from exchange.http.extensions import db
from exchange.http.i18n import translate
from exchange.http.mailing import mail_user
from exchange.http.passwords import link_asked, password_check, rate_limited_message
from exchange.http.ratelimit import RateLimited
from exchange.http.unit import unit_of_work
from exchange.http.urls import external_url
from exchange.web.auth import EmailForm, logged_in_by_link, render_account
from exchange.web.util import save

bp = Blueprint("email_change", __name__)


@bp.route("/account/email", methods=["POST"])
@access.user
def request_change():
    form = EmailForm(prefix="email")
    by_link = logged_in_by_link()
    if by_link:
        form.current_password.validators = [Optional()]
    if not form.validate():
        return render_account(email_form=form, status=422)
    user = current_user._get_current_object()

    def ask():
        with nullcontext() if by_link else password_check(user, "current_password"):
            result = email_change.request_email_change(
                db.session, user, new_email=form.new_email.data,
                password=form.current_password.data, now=utcnow(), logged_in_by_link=by_link)
        # Counted with the login links mailed to that address (and from this client), once
        # the password is right: nobody fills a stranger's inbox; over the limit, rolled back.
        link_asked(result[0], request.remote_addr or "")
        return result
    try:
        saved, result = save(form, ask)
    except RateLimited as limited:
        if limited.kind == ratelimit.PASSWORD:
            form.current_password.errors = [rate_limited_message(limited)]
        else:
            form.new_email.errors = [_too_many_links(limited)]
        response = make_response(*render_account(email_form=form, status=429))
        response.headers["Retry-After"] = str(limited.retry_after)
        return response
    if not saved:
        return render_account(email_form=form, status=422)
    email, existing, secret = result
    # The same answer whether or not another account uses the address: the mail says which.
    flash(gettext("We have sent a link to %(email)s. Your address changes once you follow "
                  "it, within 24 hours; until then it stays %(old)s.", email=email,
                  old=user.email), "success")
    response = redirect(url_for("auth.account"))
    if existing is not None:
        _mail_address_in_use(existing)
    else:
        _mail_confirmation_link(user, email, secret)
    mail_user(user, _l("a change of your e-mail address was asked for"), [
        _l("Someone, hopefully you, asked to change the e-mail address of your account to "
           "%(address)s. It changes only once the link sent there is followed.",
           address=email_change.mask_email(email)),
        _l("If it was not you, change your password now: %(link)s",
           link=external_url("auth.account")),
    ], background=True)
    return response


def _too_many_links(limited: RateLimited) -> str:
    minutes = max(1, math.ceil(limited.retry_after / 60))
    return ngettext("Too many links were sent to this address. Try again in %(num)d minute; "
                    "a link already sent works for 24 hours.",
                    "Too many links were sent to this address. Try again in %(num)d minutes; "
                    "a link already sent works for 24 hours.", minutes)


def _mail_confirmation_link(user, email: str, secret: str) -> None:
    app_name = current_app.config.get("APP_NAME", "Giełda")
    mail_user(user, _l("confirm your new e-mail address"), [
        _l("You asked to use this address for your %(app)s account. To confirm, open this "
           "link within 24 hours:", app=app_name),
        external_url("email_change.confirm", secret=secret),
        _l("Until then your account keeps its old address. If you did not ask for this, "
           "ignore this e-mail: nothing changes without the link."),
    ], to=email, background=True)


def _mail_address_in_use(owner) -> None:
    """To the account already using the address asked for: a note, never a link."""
    mail_user(owner, _l("someone tried to move an account to your address"), [
        _l("Someone asked to move another account to your e-mail address, which your account "
           "already uses. Nothing has changed: one address serves one account."),
        _l("If it was you, log in with this address instead: %(link)s",
           link=external_url("auth.login")),
        _l("If it was not you, ignore this e-mail."),
    ], background=True)


@bp.route("/account/email/cancel", methods=["POST"])
@access.user
def cancel():
    form = FlaskForm()
    if form.validate_on_submit():
        with unit_of_work():
            cancelled = email_change.cancel_change(db.session, current_user, utcnow())
        if cancelled:
            flash(gettext("The change of your e-mail address is cancelled: the link sent "
                          "for it no longer works."), "success")
    return redirect(url_for("auth.account"))


@bp.route("/account/email/<secret>", methods=["GET", "POST"])
@access.public
def confirm(secret: str):
    # Opening the link only asks to confirm: mail scanners fetch every link in a message.
    form = FlaskForm()
    new_email = None
    try:
        if request.method == "POST" and form.validate_on_submit():
            with unit_of_work():
                user, old_email = email_change.confirm_email_change(db.session, secret,
                                                                    utcnow())
            return _changed(user, old_email)
        change, _user = email_change.check_email_change(db.session, secret, utcnow())
        status, problem, new_email = 200, None, change.new_email
    except DomainError as error:
        status = error.status if error.status in (404, 409) else 410
        problem = translate(error.message)
    response = make_response(render_template("auth/email_change_confirm.html", form=form,
                                             problem=problem, new_email=new_email), status)
    response.headers["Referrer-Policy"] = "no-referrer"  # the secret is in this page's address
    return response


def _changed(user, old_email: str):
    """The address is changed: say so here and tell the old address (other sessions stay)."""
    flash(gettext("Your e-mail address is now %(email)s: log in with it from now on.",
                  email=user.email), "success")
    response = redirect(url_for("auth.account"))
    response.headers["Referrer-Policy"] = "no-referrer"
    mail_user(user, _l("your e-mail address was changed"), [
        _l("The e-mail address of your account was changed to %(address)s. From now on we "
           "write there, and you log in with it.",
           address=email_change.mask_email(user.email)),
        _l("If it was not you, someone knows your password: tell the site's administrators "
           "at once."),
    ], to=old_email, background=True)
    return response
