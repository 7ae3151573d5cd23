"""Asking for a link to set a new password, on the web and in the API alike: counted with the
login links, answered the same whether or not the address has an account, mailed in the
account's language once the answer has gone."""
from __future__ import annotations

from flask import current_app, request
from flask_babel import lazy_gettext as _l

from exchange.core import accounts, password_reset
from exchange.http.clock import utcnow
from exchange.http.extensions import db
from exchange.http.mailing import mail_user
from exchange.http.passwords import link_asked
from exchange.http.unit import unit_of_work
from exchange.http.urls import external_url

# The endpoint of the page the e-mailed link opens (exchange/web/password_reset.py).
RESET_PAGE = "password.reset"


def ask_for_reset_link(email: str) -> None:
    """Count the request (RateLimited past the limits), then, if EMAIL belongs to an active
    account, make a reset link and e-mail it beside the answer."""
    link_asked(email, request.remote_addr or "")
    user = accounts.find_user_by_email(db.session, email)
    with unit_of_work():
        secret = password_reset.issue_reset_link(
            db.session, user, utcnow(), lifetime=current_app.config["LOGIN_LINK_LIFETIME"])
    if secret is not None:
        _mail_reset_link(user, external_url(RESET_PAGE, secret=secret))


def _mail_reset_link(user, link: str) -> None:
    app_name = current_app.config.get("APP_NAME", "Giełda")
    mail_user(user, _l("your link to set a new password"), [
        _l("Someone, hopefully you, asked for a link to set a new password for %(app)s. It "
           "works once, within an hour:", app=app_name),
        link,
        _l("If it was not you, ignore this e-mail: your password stays as it was, and nobody "
           "can change it without the link."),
    ], background=True)
