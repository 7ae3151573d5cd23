"""Starting a login on this device, shared by the pages that log someone in (the login
form, registration, login links, a new password set from an e-mailed link), and the 429
page of their rate limits."""
from __future__ import annotations

from flask import current_app, make_response, render_template, session
from flask_login import login_user

from exchange.core import logins
from exchange.http.clock import utcnow
from exchange.http.extensions import db
from exchange.http.passwords import rate_limited_message
from exchange.http.ratelimit import RateLimited
from exchange.http.unit import unit_of_work


def clear_session() -> None:
    """Forget everything in the session but the language the visitor chose."""
    locale = session.get("locale")
    session.clear()
    if locale:
        session["locale"] = locale


def start_session(user, *, remember: bool = False, by_link: bool = False) -> None:
    """Log USER in on a fresh session, recorded on the server so that logging out ends it."""
    clear_session()
    with unit_of_work():
        user.login_id = logins.start_session(db.session, user, utcnow(),
                                             lifetime=current_app.config["SESSION_LIFETIME"])
    login_user(user, remember=remember)
    session["login_at"] = utcnow().isoformat()
    if by_link:
        session["link_login_at"] = session["login_at"]


def limited_page(limited: RateLimited, field, template: str, *, reset: bool = False,
                 **context):
    """TEMPLATE again with the wait told at FIELD: 429, with Retry-After (RESET: the links
    asked for were to set a new password)."""
    field.errors = [rate_limited_message(limited, reset=reset)]
    response = make_response(render_template(template, **context), 429)
    response.headers["Retry-After"] = str(limited.retry_after)
    return response
