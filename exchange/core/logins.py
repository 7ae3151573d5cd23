"""Login sessions kept on the server, and one-time links sent by e-mail (to log in, or to
set a new password: see exchange/core/password_reset.py).

A login session's id is ``<user's session_token>.<secret>``: the cookie (and the remember-me
cookie) carries it, the database keeps only a hash of the secret. Logging out revokes that
one row, so both cookies of that device stop working while the user's other devices stay
logged in; replacing the user's ``session_token`` (a new password, deactivation) ends every
session at once.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from exchange.core.errors import Msg, NotFound, ValidationError
from exchange.core.secret_hash import hash_secret, new_secret
from models import LoginLink, User, UserSession

SESSION_LIFETIME = timedelta(days=30)
LINK_LIFETIME = timedelta(hours=1)
# What an e-mailed link does: log its owner in once, or let them set a new password once.
LOGIN = "login"
RESET = "reset"
# After a login by link, a new password may be set without the forgotten one this long.
NEW_PASSWORD_AFTER_LINK = timedelta(minutes=15)
# Longer than any id this module makes; a longer cookie value is not worth a query.
_MAX_ID_LENGTH = 200


def start_session(session: Session, user: User, now: datetime, *,
                  lifetime: timedelta = SESSION_LIFETIME) -> str:
    """Record a new login of USER; return the session's id, which is never stored in plain."""
    # The user's finished sessions are of no use any more: drop them while we are here.
    session.execute(delete(UserSession).where(
        UserSession.user_id == user.id,
        or_(UserSession.revoked_at.is_not(None), UserSession.expires_at <= now)))
    secret = new_secret()
    session.add(UserSession(user_id=user.id, token_hash=hash_secret(secret), created_at=now,
                            expires_at=now + lifetime))
    session.flush()
    return f"{user.session_token}.{secret}"


def user_for_session(session: Session, login_id: str, now: datetime) -> User | None:
    """The active user whose live (not revoked, not expired) session LOGIN_ID is, or None."""
    token, _, secret = (login_id or "").partition(".")
    if not token or not secret or len(login_id) > _MAX_ID_LENGTH:
        return None
    return session.scalar(
        select(User).join(UserSession, UserSession.user_id == User.id)
        .where(User.session_token == token, User.is_active.is_(True),
               UserSession.token_hash == hash_secret(secret), UserSession.revoked_at.is_(None),
               UserSession.expires_at > now))


def end_session(session: Session, login_id: str, now: datetime) -> None:
    """Revoke the session LOGIN_ID (logging out on this device only)."""
    _token, _, secret = (login_id or "").partition(".")
    if secret:
        session.execute(update(UserSession).where(
            UserSession.token_hash == hash_secret(secret), UserSession.revoked_at.is_(None))
            .values(revoked_at=now))


def end_all_sessions(session: Session, user: User, now: datetime) -> None:
    """Revoke every session of USER (the caller also replaces their session_token)."""
    session.execute(update(UserSession).where(
        UserSession.user_id == user.id, UserSession.revoked_at.is_(None)).values(revoked_at=now))


def logged_in_by_link(link_login_at: datetime | None, now: datetime) -> bool:
    """Tell whether a login by link at LINK_LOGIN_AT still stands in for the password."""
    return link_login_at is not None and timedelta(0) <= now - link_login_at \
        <= NEW_PASSWORD_AFTER_LINK


def issue_link(session: Session, user: User | None, now: datetime, *, purpose: str = LOGIN,
               lifetime: timedelta = LINK_LIFETIME) -> str | None:
    """Make a one-time link of PURPOSE (LOGIN or RESET) for USER; return its secret, or None
    for no active USER.

    The caller answers the same whether or not there was an account. Links sent earlier
    stay valid until they expire: whoever asks for links to someone else's address only
    fills that person's inbox with links for that person.
    """
    if user is None or not user.is_active:
        return None
    session.execute(delete(LoginLink).where(LoginLink.user_id == user.id,
                                            LoginLink.expires_at <= now))
    secret = new_secret()
    session.add(LoginLink(user_id=user.id, token_hash=hash_secret(secret), created_at=now,
                          expires_at=now + lifetime, purpose=purpose))
    session.flush()
    return secret


def issue_login_link(session: Session, user: User | None, now: datetime, *,
                     lifetime: timedelta = LINK_LIFETIME) -> str | None:
    """Make a one-time login link for USER (see issue_link)."""
    return issue_link(session, user, now, purpose=LOGIN, lifetime=lifetime)


def find_link(session: Session, secret: str, purpose: str) -> tuple[LoginLink | None, User | None]:
    """The link of PURPOSE whose secret SECRET is, and its user (Nones when there is none): a
    link made for another purpose is not found."""
    if not isinstance(secret, str) or len(secret) > _MAX_ID_LENGTH:
        return None, None
    link = session.scalar(select(LoginLink).where(LoginLink.token_hash == hash_secret(secret),
                                                  LoginLink.purpose == purpose))
    return link, session.get(User, link.user_id) if link is not None else None


def spend_link(session: Session, secret: str, purpose: str, now: datetime) -> bool:
    """Mark the live link of PURPOSE SECRET used; say whether this call was the one that did.

    A conditional update, so two requests racing with one link cannot both win."""
    spent = session.execute(update(LoginLink).where(
        LoginLink.token_hash == hash_secret(secret), LoginLink.purpose == purpose,
        LoginLink.used_at.is_(None), LoginLink.expires_at > now).values(used_at=now))
    return spent.rowcount == 1


def check_login_link(session: Session, secret: str, now: datetime) -> User:
    """The user the login link SECRET would log in; say why it would not."""
    link, user = find_link(session, secret, LOGIN)
    if link is None or user is None:
        raise NotFound(Msg("This login link is not valid. Check that the whole address was "
                           "copied, or ask for a new link."))
    if link.used_at is not None:
        raise ValidationError.single(None, Msg("This login link has already been used. Each "
                                               "link works once: ask for a new one."))
    if link.expires_at <= now:
        raise ValidationError.single(None, Msg("This login link has expired. Ask for a new "
                                               "one: a link works for an hour."))
    if not user.is_active:
        raise ValidationError.single(None, Msg("This account is deactivated."))
    return user


def use_login_link(session: Session, secret: str, now: datetime) -> User:
    """Spend the login link SECRET once and return its user; a second use is refused."""
    user = check_login_link(session, secret, now)
    if not spend_link(session, secret, LOGIN, now):
        raise ValidationError.single(None, Msg("This login link has already been used. Each "
                                               "link works once: ask for a new one."))
    return user
