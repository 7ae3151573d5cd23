"""User accounts: registration, password checks and changes, deactivation."""
from __future__ import annotations

import re
import unicodedata
from datetime import datetime, timedelta

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from email_validator import EmailNotValidError, validate_email
from sqlalchemy import delete, select
from sqlalchemy.orm import Session
from zxcvbn import zxcvbn

from exchange.core.errors import Errors, Forbidden, Msg, NotFound, ValidationError, clean_text
from exchange.core import privacy
from exchange.core.logins import end_all_sessions
from exchange.core.secret_hash import hash_secret, new_secret
from models import PendingRegistration, User
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
REGISTRATION_LINK_VALID = timedelta(days=2)
# Words a Polish attacker tries first, beyond zxcvbn's English dictionaries.
_LOCAL_WORDS = ["gielda", "giełda", "haslo", "hasło", "polska", "zaq12wsx", "zaq1@wsx",
                "qwerty", "kochamcie", "zasoby", "wymiana"]


# Scripts whose letters pass for Latin ones: "аnna" with a Cyrillic "а" is not "anna".
_LOOK_ALIKE_SCRIPTS = frozenset({"CYRILLIC", "GREEK"})


def normalise_email(value: str) -> str:
    """The one form an address is stored and looked up in: NFKC (full-width letters, ligatures
    and decomposed accents become the ordinary ones), trimmed, in lower case."""
    if not isinstance(value, str):
        return ""
    return unicodedata.normalize("NFKC", value).strip().lower()


def imitates_another_address(email: str) -> bool:
    """Whether EMAIL (normalised) holds what only serves to look like another address.

    That is a combining mark left after NFKC (one with no precomposed letter, e.g. a stroke
    laid over an "o"), an invisible formatting character (a zero-width space or joiner, a
    direction mark), or Latin letters mixed with Cyrillic or Greek ones in one part of it.
    Polish letters are single characters after NFKC and pass."""
    for char in email:
        if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
            return True
    for part in re.split(r"[@.]", email):
        scripts = {unicodedata.name(char, "?").split(" ")[0] for char in part if char.isalpha()}
        if "LATIN" in scripts and scripts & _LOOK_ALIKE_SCRIPTS:
            return True
    return False


def clean_email(value: object, field: str, errors: Errors) -> str:
    """Return the normalised email, recording an error if it is not a valid address or
    imitates another one."""
    email = clean_text(value, field, errors, max_length=EMAIL_MAX_LENGTH, required=True)
    if not email or field in errors.errors:
        return email
    email = normalise_email(email)
    if imitates_another_address(email):
        errors.add(field, Msg("This address has marks or letters that imitate others (e.g. a "
                              "Cyrillic “а” among Latin letters, or an invisible character). "
                              "Type it with ordinary letters."))
        return email
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError:
        errors.add(field, Msg("Enter a valid email address, e.g. name@example.org."))
    return email


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


def _clean_registration(session: Session, email: str, name: str, password: str,
                        privacy_accepted: bool) -> tuple[str, str, int | None]:
    errors = Errors()
    email = clean_email(email, "email", errors)
    name = clean_text(name, "name", errors, max_length=NAME_MAX_LENGTH, required=True)
    for problem in password_problems(password, user_inputs=[email, name]):
        errors.add("password", problem)
    privacy_version = privacy.registration_consent(session, privacy_accepted, errors)
    errors.raise_if_any()
    return email, name, privacy_version


def start_registration(session: Session, *, email: str, name: str, password: str,
                       locale: str | None, now: datetime,
                       privacy_accepted: bool = False) -> tuple[User | None, str | None]:
    """Check a registration and keep it until its e-mail link is followed.

    Returns (the account that already has EMAIL, None), or (None, the secret of the link
    to e-mail). The adapter answers both alike, so nobody learns who has an account: the
    link proves the address is the registrant's before any account exists for it. When a
    privacy notice is published, PRIVACY_ACCEPTED must say its current version was read."""
    email, name, privacy_version = _clean_registration(session, email, name, password,
                                                       privacy_accepted)
    # Hashed either way, so that both answers take as long.
    password_hash = hash_password(password)
    session.execute(delete(PendingRegistration).where(
        PendingRegistration.created_at < now - REGISTRATION_LINK_VALID))
    existing = find_user_by_email(session, email)
    if existing is not None:
        return existing, None
    secret = new_secret()
    session.add(PendingRegistration(email=email, name=name, password_hash=password_hash,
                                    locale=locale if locale in LOCALES else None,
                                    token_hash=hash_secret(secret), created_at=now,
                                    privacy_version=privacy_version,
                                    privacy_accepted_at=now if privacy_version else None))
    session.flush()
    return None, secret


def pending_registration(session: Session, secret: str, now: datetime) -> PendingRegistration:
    """The registration whose link holds SECRET, while it is valid; NotFound otherwise."""
    pending = session.scalar(select(PendingRegistration).where(
        PendingRegistration.token_hash == hash_secret(secret or ""))) \
        if isinstance(secret, str) and len(secret) <= 100 else None
    if pending is None or now - pending.created_at > REGISTRATION_LINK_VALID \
            or find_user_by_email(session, pending.email) is not None:
        raise NotFound(Msg("This link has expired or has been used. Register again."))
    return pending


def confirm_registration(session: Session, secret: str, now: datetime) -> User:
    """Make the account of the registration whose link holds SECRET."""
    pending = pending_registration(session, secret, now)
    user = User(email=pending.email, name=pending.name, password_hash=pending.password_hash,
                locale=pending.locale, created_at=now, password_changed_at=now,
                last_login_at=now)
    session.execute(delete(PendingRegistration).where(
        PendingRegistration.email == pending.email))
    session.add(user)
    session.flush()
    if pending.privacy_version is not None:
        privacy.record_consent(session, user, pending.privacy_version,
                               pending.privacy_accepted_at or now)
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
    set_password(session, user, new, now)


def set_password(session: Session, user: User, new: str, now: datetime) -> None:
    """Store NEW (already checked) as USER's password and end every session of theirs: a
    stolen session, or one opened with the old password, does not outlive it."""
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
    if user.deleted_at is not None and active:
        raise ValidationError.single(None, Msg("This account was deleted by its owner."))
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

