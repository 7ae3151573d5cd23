"""User accounts: registration, password checks and changes, deactivation."""
from __future__ import annotations

import re
from datetime import datetime

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select
from sqlalchemy.orm import Session
from zxcvbn import zxcvbn

from exchange.errors import Errors, Forbidden, Msg, ValidationError, clean_text
from exchange.logins import end_all_sessions
from models import User
from models.user import new_session_token

# OWASP Password Storage Cheat Sheet, minimum for Argon2id: 19 MiB, 2 iterations, 1 lane.
HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1,
                        hash_len=32, salt_len=16, type=Type.ID)
# Verified against when the email is unknown, so a wrong email costs as long as a wrong password.
_DUMMY_HASH = HASHER.hash("not a real password, only for timing")

PASSWORD_MIN_LENGTH = 10
PASSWORD_MAX_LENGTH = 256
PASSWORD_MIN_SCORE = 3  # zxcvbn: "safely unguessable" against an online attack
NAME_MAX_LENGTH = 120
EMAIL_MAX_LENGTH = 254
LOCALES = ("pl", "en")
# Words a Polish attacker tries first, beyond zxcvbn's English dictionaries.
_LOCAL_WORDS = ["gielda", "giełda", "haslo", "hasło", "polska", "zaq12wsx", "zaq1@wsx",
                "qwerty", "kochamcie", "zasoby", "wymiana"]


def normalise_email(value: str) -> str:
    return (value or "").strip().lower()


def clean_email(value: object, field: str, errors: Errors) -> str:
    """Return the normalised email, recording an error if it is not a valid address."""
    email = clean_text(value, field, errors, max_length=EMAIL_MAX_LENGTH, required=True)
    if not email or field in errors.errors:
        return email
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError:
        errors.add(field, Msg("Enter a valid email address, e.g. name@example.org."))
    return normalise_email(email)


def password_problems(password: str, *, user_inputs: list[str] = ()) -> list[Msg]:
    """Return why PASSWORD is too weak (an empty list when it is strong enough)."""
    if not isinstance(password, str) or len(password) < PASSWORD_MIN_LENGTH:
        return [Msg("Use at least %(min)d characters.", min=PASSWORD_MIN_LENGTH)]
    if len(password) > PASSWORD_MAX_LENGTH:
        return [Msg("Use at most %(max)d characters.", max=PASSWORD_MAX_LENGTH)]
    # zxcvbn matches whole dictionary words: offer "anna", "nowak" as well as "Anna Nowak".
    words = [w for value in user_inputs for w in re.split(r"[\s@._+-]+", value or "") if w]
    result = zxcvbn(password, user_inputs=[*user_inputs, *words, *_LOCAL_WORDS])
    if result["score"] < PASSWORD_MIN_SCORE:
        return [Msg("This password is too easy to guess. Add another word or two, "
                    "and avoid names, dates and common passwords.")]
    return []


def hash_password(password: str) -> str:
    return HASHER.hash(password)


def verify_password(user: User | None, password: str) -> bool:
    """Tell whether PASSWORD is USER's, spending the same time when USER is None."""
    if not isinstance(password, str) or len(password) > PASSWORD_MAX_LENGTH:
        return False
    try:
        return HASHER.verify(user.password_hash if user else _DUMMY_HASH, password) and user is not None
    except (VerificationError, InvalidHashError):
        return False


def find_user_by_email(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == normalise_email(email)))


def register_user(session: Session, *, email: str, name: str, password: str,
                  locale: str | None, now: datetime) -> User:
    """Create an account; refuse a taken email or a weak password."""
    errors = Errors()
    email = clean_email(email, "email", errors)
    name = clean_text(name, "name", errors, max_length=NAME_MAX_LENGTH, required=True)
    for problem in password_problems(password, user_inputs=[email, name]):
        errors.add("password", problem)
    if email and "email" not in errors.errors and find_user_by_email(session, email):
        errors.add("email", Msg("An account with this email already exists. Log in instead."))
    errors.raise_if_any()
    user = User(email=email, name=name, password_hash=hash_password(password),
                locale=locale if locale in LOCALES else None,
                created_at=now, password_changed_at=now)
    session.add(user)
    session.flush()
    return user


def authenticate(session: Session, *, email: str, password: str, now: datetime) -> User | None:
    """Return the active user whose credentials these are, or None."""
    user = find_user_by_email(session, email or "")
    if not verify_password(user, password) or not user.is_active:
        return None
    if HASHER.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = now
    return user


def change_password(session: Session, user: User, *, current: str | None, new: str,
                    now: datetime, logged_in_by_link: bool = False) -> None:
    """Replace USER's password and end their other sessions.

    LOGGED_IN_BY_LINK (a login by e-mailed link moments ago) stands in for the current
    password: that is how an owner who forgot it sets a new one.
    """
    errors = Errors()
    if not logged_in_by_link and not verify_password(user, current or ""):
        errors.add("current_password", Msg("The current password is not correct."))
    for problem in password_problems(new, user_inputs=[user.email, user.name]):
        errors.add("new_password", problem)
    if not errors and verify_password(user, new):
        errors.add("new_password", Msg("The new password must differ from the current one."))
    errors.raise_if_any()
    user.password_hash = hash_password(new)
    user.password_changed_at = now
    user.session_token = new_session_token()
    end_all_sessions(session, user, now)
    session.flush()


def update_profile(session: Session, user: User, *, name: str, locale: str | None) -> None:
    """Change the user's display name and preferred language."""
    errors = Errors()
    name = clean_text(name, "name", errors, max_length=NAME_MAX_LENGTH, required=True)
    if locale not in (None, "", *LOCALES):
        errors.add("locale", Msg("Not a valid choice."))
    errors.raise_if_any()
    user.name = name
    user.locale = locale or None
    session.flush()


def set_active(session: Session, actor: User, user: User, *, active: bool, now: datetime) -> None:
    """Deactivate (ending every session of) or reactivate USER; only admins may."""
    if not actor.is_admin:
        raise Forbidden(Msg("Only a site administrator may do this."))
    if user.id == actor.id and not active:
        raise ValidationError.single(None, Msg("You cannot deactivate your own account."))
    if user.is_active == active:
        return
    user.is_active = active
    user.deactivated_at = None if active else now
    if not active:
        user.session_token = new_session_token()
        end_all_sessions(session, user, now)
    session.flush()


def create_admin(session: Session, *, email: str, name: str, password: str,
                 now: datetime) -> tuple[User, bool]:
    """Make EMAIL a site administrator, creating the account if needed; say if created."""
    user = find_user_by_email(session, email)
    if user is None:
        user = register_user(session, email=email, name=name, password=password,
                             locale=None, now=now)
        created = True
    else:
        created = False
    user.is_admin = True
    session.flush()
    return user, created

