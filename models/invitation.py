"""Invitations by e-mail to join an organization or an event's staff."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UTCDateTime


class Invitation(Base):
    """An e-mailed link to join an organization (with a role and the right to sign) or an
    event's staff (with a staff role), for an address that may have no account yet.

    Only the hash of the link's secret is kept; a resend replaces it (the old link dies)."""

    __tablename__ = "invitation"
    __table_args__ = (
        CheckConstraint("(organization_id IS NULL) <> (event_id IS NULL)", name="one_target"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE"), index=True)
    event_id: Mapped[int | None] = mapped_column(
        ForeignKey("exchange_event.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    # A MemberRole value for an organization, a StaffRole value for an event.
    role: Mapped[str] = mapped_column(String(20))
    can_sign: Mapped[bool] = mapped_column(Boolean, default=False)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accepted_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organization: Mapped["Organization | None"] = relationship()  # noqa: F821
    event: Mapped["ExchangeEvent | None"] = relationship()  # noqa: F821
    invited_by: Mapped["User | None"] = relationship(foreign_keys=[invited_by_id])  # noqa: F821

    def is_pending(self, now: datetime) -> bool:
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > now

    def __repr__(self) -> str:
        target = f"org={self.organization_id}" if self.organization_id else f"event={self.event_id}"
        return f"<Invitation {self.id} {self.email!r} {target} {self.role}>"
