"""What each user chose to receive by e-mail, and the digests sent to them."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime


class NotificationPreference(Base):
    """A user's channel for one kind of notification; only choices that differ from the
    default are stored, so a better default reaches everyone who never chose."""

    __tablename__ = "notification_preference"
    __table_args__ = (UniqueConstraint("user_id", "kind",
                                       name="uq_notification_preference_user_id_kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(30))     # exchange/core/preferences.py KINDS
    channel: Mapped[str] = mapped_column(String(10))  # now, daily, weekly, never
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<NotificationPreference user={self.user_id} {self.kind}={self.channel}>"


class NotificationDigest(Base):
    """One digest e-mail of one user for one period ("2026-12-07", "2026-W49").

    The row is the claim: a run inserts it (the unique key lets only one run of any number
    at once succeed) and commits before sending; ``sent_at`` is set once the mailer took it.
    A claim without ``sent_at`` older than the lease is a crashed run's and may be taken.
    """

    __tablename__ = "notification_digest"
    __table_args__ = (UniqueConstraint("user_id", "cadence", "period",
                                       name="uq_notification_digest_user_id_cadence_period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    cadence: Mapped[str] = mapped_column(String(10))  # daily, weekly
    period: Mapped[str] = mapped_column(String(10))
    claim_token: Mapped[str] = mapped_column(String(32))
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    count: Mapped[int] = mapped_column(Integer, default=0)

    def __repr__(self) -> str:
        return f"<NotificationDigest {self.id} user={self.user_id} {self.cadence} {self.period}>"
