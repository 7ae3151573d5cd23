"""Changing one's e-mail address: nothing changes until a link sent to the new address is
followed, and the old address hears of the request and of the change.

A request names the new address and re-types the password (a login by link moments ago
stands in for it, as for a new password). When the new address already belongs to another
account, nothing is stored and the adapter answers as if a link had gone: its owner gets a
note instead, so nobody learns which addresses have an account. The link works once, for 24
hours; it is stored only as a hash and spent with a conditional update, and a newer request
replaces the older link. Other sessions stay: only the address changes.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from exchange.core.accounts import clean_email, find_user_by_email, verify_password
from exchange.core.errors import Conflict, Errors, Msg, NotFound, ValidationError
from exchange.core.secret_hash import hash_secret, new_secret
from models import EmailChange, User

LINK_LIFETIME = timedelta(hours=24)
# Longer than any secret this module makes; a longer one is not worth a query.
_MAX_SECRET_LENGTH = 100
_USED = Msg("This link to change your e-mail address has already been used. Each link "
            "works once.")
_TAKEN = Msg("Another account now uses this e-mail address, so yours was not changed. Ask "
             "for the change again with another address.")


def mask_email(email: str) -> str:
    """EMAIL with its local part hidden but for the first character: n***@example.org."""
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain}"


def request_email_change(session: Session, user: User, *, new_email: str,
                         password: str | None, now: datetime,
                         logged_in_by_link: bool = False) -> tuple[str, User | None, str | None]:
    """Ask to change USER's address to NEW_EMAIL; return (the new address normalised, the
    other account already using it or None, the secret of the link to e-mail or None).

    A wrong password is refused at ``current_password``, a bad or unchanged address at
    ``new_email``. Every earlier request of USER not yet followed is dropped either way, so
    the answer is the same whether or not the address is free."""
    errors = Errors()
    if not logged_in_by_link and not verify_password(user, password or ""):
        errors.add("current_password", Msg("The current password is not correct."))
    email = clean_email(new_email, "new_email", errors)
    if "new_email" not in errors.errors and email == user.email:
        errors.add("new_email", Msg("This is already your e-mail address."))
    errors.raise_if_any()
    session.execute(delete(EmailChange).where(
        EmailChange.user_id == user.id,
        or_(EmailChange.used_at.is_(None), EmailChange.expires_at <= now)))
    existing = find_user_by_email(session, email)
    secret = new_secret()
    # Stored either way, so the account page shows the request waiting whether or not the
    # address is free; when it is taken, the secret is never sent and the change never made.
    session.add(EmailChange(user_id=user.id, new_email=email, token_hash=hash_secret(secret),
                            created_at=now, expires_at=now + LINK_LIFETIME))
    session.flush()
    if existing is not None:
        return email, existing, None
    return email, None, secret


def waiting_change(session: Session, user: User, now: datetime) -> EmailChange | None:
    """USER's request to change address that still waits for its link, if any."""
    return session.scalar(select(EmailChange).where(
        EmailChange.user_id == user.id, EmailChange.used_at.is_(None),
        EmailChange.expires_at > now).order_by(EmailChange.id.desc()).limit(1))


def cancel_change(session: Session, user: User, now: datetime) -> bool:
    """Drop USER's waiting request (its link stops working); say whether there was one."""
    result = session.execute(delete(EmailChange).where(
        EmailChange.user_id == user.id, EmailChange.used_at.is_(None)))
    return bool(result.rowcount)


def check_email_change(session: Session, secret: str, now: datetime) -> tuple[EmailChange, User]:
    """The change the link SECRET would make, and its user; say why it would not.

    NotFound for an unknown link (or one a newer request replaced); a ValidationError with
    no field for a used or expired one or a deactivated account; a Conflict when another
    account has taken the address since."""
    change = session.scalar(select(EmailChange).where(EmailChange.token_hash == hash_secret(secret))) \
        if isinstance(secret, str) and len(secret) <= _MAX_SECRET_LENGTH else None
    user = session.get(User, change.user_id) if change is not None else None
    if change is None or user is None:
        raise NotFound(Msg("This link to change your e-mail address is not valid. Check that "
                           "the whole address was copied. A newer request replaces the link "
                           "of an older one."))
    if change.used_at is not None:
        raise ValidationError.single(None, _USED)
    if change.expires_at <= now:
        raise ValidationError.single(None, Msg("This link to change your e-mail address has "
                                               "expired: a link works for 24 hours. Ask for "
                                               "the change again on your account page."))
    if not user.is_active:
        raise ValidationError.single(None, Msg("This account is deactivated."))
    other = find_user_by_email(session, change.new_email)
    if other is not None and other.id != user.id:
        raise Conflict(_TAKEN)
    return change, user


def confirm_email_change(session: Session, secret: str, now: datetime) -> tuple[User, str]:
    """Spend the link SECRET once and give its user the new address; return the user and
    their old address. A second use, or one racing with this, is refused."""
    change, user = check_email_change(session, secret, now)
    spent = session.execute(update(EmailChange).where(
        EmailChange.id == change.id, EmailChange.used_at.is_(None),
        EmailChange.expires_at > now).values(used_at=now))
    if spent.rowcount != 1:  # another request was quicker
        raise ValidationError.single(None, _USED)
    old_email = user.email
    try:
        with session.begin_nested():  # the address may have been taken a moment ago
            user.email = change.new_email
            session.flush()
    except IntegrityError:
        raise Conflict(_TAKEN) from None
    return user, old_email
