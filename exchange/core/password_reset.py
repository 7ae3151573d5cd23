"""Setting a new password with a one-time link e-mailed to the account's address.

The link is a LoginLink of purpose RESET: stored only as a hash, it works once, within an
hour, and only to set a password (a login link sets none, a reset link logs nobody in by
the login-link route). Opening it spends nothing, so a mail scanner that fetches every link
leaves it to its owner; the new password spends it, with a conditional update.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from exchange.core.accounts import password_problems, set_password
from exchange.core.errors import Errors, Msg, NotFound, ValidationError
from exchange.core.logins import LINK_LIFETIME, RESET, find_link, issue_link, spend_link
from models import User

_USED = Msg("This link to set a new password has already been used. Each link works once: "
            "ask for a new one.")


def issue_reset_link(session: Session, user: User | None, now: datetime, *,
                     lifetime: timedelta = LINK_LIFETIME) -> str | None:
    """Make a one-time link for USER to set a new password; its secret, or None when there
    is no active USER (the caller answers alike either way)."""
    return issue_link(session, user, now, purpose=RESET, lifetime=lifetime)


def check_reset_link(session: Session, secret: str, now: datetime) -> User:
    """The user whose password the link SECRET would set; say why it would not."""
    link, user = find_link(session, secret, RESET)
    if link is None or user is None:
        raise NotFound(Msg("This link to set a new password is not valid. Check that the whole "
                           "address was copied, or ask for a new link."))
    if link.used_at is not None:
        raise ValidationError.single(None, _USED)
    if link.expires_at <= now:
        raise ValidationError.single(None, Msg("This link to set a new password has expired. "
                                               "Ask for a new one: a link works for an hour."))
    if not user.is_active:
        raise ValidationError.single(None, Msg("This account is deactivated."))
    return user


def reset_password(session: Session, secret: str, *, new: str, now: datetime) -> User:
    """Set NEW as the password of the link SECRET's user, spending the link, and end every
    session of theirs; return the user.

    A weak password is refused at ``new_password`` and leaves the link as it was; a link
    that cannot be used is refused with no field (NotFound when it is unknown)."""
    user = check_reset_link(session, secret, now)
    errors = Errors()
    for problem in password_problems(new, user_inputs=[user.email, user.name]):
        errors.add("new_password", problem)
    errors.raise_if_any()
    if not spend_link(session, secret, RESET, now):  # another request was quicker
        raise ValidationError.single(None, _USED)
    set_password(session, user, new, now)
    return user
