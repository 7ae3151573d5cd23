"""A message to one user, kept until read; its key makes sending idempotent."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime


class Notification(Base):
    __tablename__ = "notification"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    # One notification per key, e.g. "listing-expiring:42:2026-12-01:7": a job that runs
    # twice sends once.
    key: Mapped[str] = mapped_column(String(200), unique=True)
    # The English msgid and its parameters, translated when shown in the reader's language.
    message: Mapped[str] = mapped_column(Text)
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    link: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set when the mail job has sent (or, where the user has no address, skipped) the e-mail.
    emailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    # A mail run claims a batch (its own token, committed before it sends anything), so two
    # runs at once never e-mail the same row; a claim older than the lease is a crashed run's
    # and may be taken again.
    claim_token: Mapped[str | None] = mapped_column(String(32), index=True)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set by the mail job instead of mailing it when its reader wants this kind in a digest
    # ("daily", "weekly"); the digest that carried it is ``digest_id``.
    digest: Mapped[str | None] = mapped_column(String(10), index=True)
    digest_id: Mapped[int | None] = mapped_column(
        ForeignKey("notification_digest.id", ondelete="SET NULL"), index=True)

    def __repr__(self) -> str:
        return f"<Notification {self.id} user={self.user_id} {self.key!r}>"
