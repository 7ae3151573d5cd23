"""Personal API tokens: issued once in plain text, stored as a hash, revocable."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from exchange.core.errors import Errors, Msg, NotFound, clean_text
from exchange.core.secret_hash import hash_secret, new_secret
from models import ApiToken, User

PREFIX = "gz_"
NAME_MAX = 100
# Recording every use would turn each API read into a write; once in a while is enough.
LAST_USED_RESOLUTION = timedelta(minutes=5)


def issue_token(session: Session, user: User, name: str, now: datetime) -> tuple[ApiToken, str]:
    """Create a token for USER; return it with its plain text, which is never shown again."""
    errors = Errors()
    name = clean_text(name, "name", errors, max_length=NAME_MAX) or "API"
    errors.raise_if_any()
    plain = PREFIX + new_secret()
    token = ApiToken(user_id=user.id, name=name, token_hash=hash_secret(plain),
                     prefix=plain[:len(PREFIX) + 6], created_at=now)
    session.add(token)
    session.flush()
    return token, plain


def user_for_token(session: Session, plain: str, now: datetime) -> User | None:
    """The active user a valid, unrevoked token belongs to, or None."""
    if not plain or not plain.startswith(PREFIX) or len(plain) > 100:
        return None
    token = session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_secret(plain),
                                                  ApiToken.revoked_at.is_(None)))
    if token is None or not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        token.last_used_at = now
    return token.user


def tokens_of(session: Session, user: User) -> list[ApiToken]:
    return list(session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)
                                .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())))


def revoke_token(session: Session, user: User, token_id: int, now: datetime) -> ApiToken:
    """Revoke one of USER's tokens (another user's token is not found)."""
    token = session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise NotFound(Msg("Token not found."))
    if token.revoked_at is None:
        token.revoked_at = now
    session.flush()
    return token
