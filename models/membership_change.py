"""The history of an organization's members and an event's staff: who changed whose
membership or staff role, and when."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UTCDateTime, str_enum


class ChangeKind(enum.StrEnum):
    INVITED = "invited"
    INVITATION_RESENT = "invitation_resent"
    INVITATION_REVOKED = "invitation_revoked"
    JOINED = "joined"
    ROLE_CHANGED = "role_changed"
    SIGNING_GRANTED = "signing_granted"
    SIGNING_REVOKED = "signing_revoked"
    REMOVED = "removed"
    LEFT = "left"


class MembershipChange(Base):
    """One change of an organization's members or an event's staff: who did it, to whom (an
    account, or the e-mail address of an invitation), what, and when. Append-only."""

    __tablename__ = "membership_change"
    __table_args__ = (
        CheckConstraint("(organization_id IS NULL) <> (event_id IS NULL)", name="one_target"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE"), index=True)
    event_id: Mapped[int | None] = mapped_column(
        ForeignKey("exchange_event.id", ondelete="CASCADE"), index=True)
    kind: Mapped[ChangeKind] = mapped_column(str_enum(ChangeKind, "change_kind"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    subject_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    # The invited address, while the subject has no account (or is not known to have one).
    subject_email: Mapped[str] = mapped_column(String(254), default="")
    # The role given (MemberRole or StaffRole value), where the change gives one.
    role: Mapped[str] = mapped_column(String(20), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)

    actor: Mapped["User | None"] = relationship(foreign_keys=[actor_id])  # noqa: F821
    subject: Mapped["User | None"] = relationship(foreign_keys=[subject_id])  # noqa: F821

    def __repr__(self) -> str:
        return (f"<MembershipChange {self.id} {self.kind.value} actor={self.actor_id} "
                f"subject={self.subject_id or self.subject_email!r}>")
