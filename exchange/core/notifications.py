"""In-app notifications: sent once per key, read in the reader's language."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from exchange.core.errors import Msg
from exchange.core.preferences import kind_of
from models import Notification, User


def notify(session: Session, user_id: int, key: str, message: Msg, link: str,
           now: datetime) -> bool:
    """Send MESSAGE to the user unless a notification with KEY exists; say if it was sent.

    KEY's prefix must name a kind (preferences.KIND_BY_PREFIX), which says how it is e-mailed.
    """
    kind_of(key)
    if session.scalar(select(Notification.id).where(Notification.key == key)) is not None:
        return False
    session.add(Notification(user_id=user_id, key=key, message=message.text,
                             params=dict(message.params), link=link, created_at=now))
    session.flush()
    return True


def recent_for(session: Session, user: User, limit: int = 50) -> list[Notification]:
    return list(session.scalars(select(Notification).where(Notification.user_id == user.id)
                                .order_by(Notification.created_at.desc(), Notification.id.desc())
                                .limit(limit)))


def query_for(user: User):
    """The user's notifications, newest first (for a page of them)."""
    return (select(Notification).where(Notification.user_id == user.id)
            .order_by(Notification.created_at.desc(), Notification.id.desc()))


def unread_count(session: Session, user: User) -> int:
    return session.scalar(select(func.count()).select_from(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None))) or 0


def mark_all_read(session: Session, user: User, now: datetime) -> None:
    session.execute(update(Notification).where(Notification.user_id == user.id,
                                               Notification.read_at.is_(None))
                    .values(read_at=now))
