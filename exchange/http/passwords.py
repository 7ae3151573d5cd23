"""Passwords typed on the web and in the API, counted: failed logins per account, a password
typed again to sign or change it, and what to tell someone who must wait."""
from __future__ import annotations

import math

from flask import current_app
from flask_babel import ngettext

from exchange.core import accounts
from exchange.http import ratelimit
from exchange.http.extensions import attempts
from exchange.http.ratelimit import RateLimited


def rate_limited_message(error: RateLimited, *, reset: bool = False) -> str:
    """Why the request waits and for how long, in the reader's language (RESET: the links
    asked for were to set a new password)."""
    minutes = max(1, math.ceil(error.retry_after / 60))
    if error.kind == ratelimit.LOGIN:
        return ngettext(
            "Too many failed logins for this account. For its safety, try again in "
            "%(num)d minute, log in with a one-time link sent by e-mail, or set a new "
            "password (Forgot your password?).",
            "Too many failed logins for this account. For its safety, try again in "
            "%(num)d minutes, log in with a one-time link sent by e-mail, or set a new "
            "password (Forgot your password?).", minutes)
    if error.kind == ratelimit.PASSWORD:
        return ngettext(
            "Too many wrong passwords. For your account's safety, try again in %(num)d minute.",
            "Too many wrong passwords. For your account's safety, try again in %(num)d minutes.",
            minutes)
    if reset:
        return ngettext(
            "Too many links were asked for. Try again in %(num)d minute; the links already "
            "sent work for an hour.",
            "Too many links were asked for. Try again in %(num)d minutes; the links already "
            "sent work for an hour.", minutes)
    return ngettext(
        "Too many login links were asked for. Try again in %(num)d minute; the links already "
        "sent work for an hour.",
        "Too many login links were asked for. Try again in %(num)d minutes; the links already "
        "sent work for an hour.", minutes)


def password_check(user, field: str = "password"):
    """Count a password USER typed again; only a wrong one stays counted (per user, shared by
    signing on the web and in the API and by changing the password)."""
    return attempts().password_check(current_app.config["PASSWORD_FAILURE_LIMIT"],
                                     ratelimit.PASSWORD, user.id, field)


def _email_key(email: str) -> str:
    # Cut to the longest address an account may have: a megabyte "e-mail" is no bigger key.
    return accounts.normalise_email(email)[:accounts.EMAIL_MAX_LENGTH + 1]


def login_attempt(email: str) -> ratelimit.Attempt:
    """Count a login of EMAIL (web or API); raise RateLimited past the limit."""
    return attempts().take(current_app.config["LOGIN_FAILURE_LIMIT"], ratelimit.LOGIN,
                           _email_key(email))


def link_asked(email: str, client_address: str) -> None:
    """Count a link e-mailed to EMAIL (to log in or to set a new password: one count for
    both), per address and per client; raise RateLimited past either limit."""
    config = current_app.config
    attempts().take(config["LOGIN_LINK_LIMIT_PER_IP"], ratelimit.LINK_IP, client_address or "")
    attempts().take(config["LOGIN_LINK_LIMIT_PER_EMAIL"], ratelimit.LINK_EMAIL,
                    _email_key(email))


def forget_failed_logins(user) -> None:
    """USER has just set a new password from their mailbox: the wrong passwords counted
    against their address, or typed again by them, no longer keep them waiting."""
    config = current_app.config
    attempts().clear(config["LOGIN_FAILURE_LIMIT"], ratelimit.LOGIN, _email_key(user.email))
    attempts().clear(config["PASSWORD_FAILURE_LIMIT"], ratelimit.PASSWORD, user.id)
