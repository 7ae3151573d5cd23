"""A line of a partnership's contact log: the coordinator's record of hearing from a partner
(who, when, by which channel, a note). Meetings with recorded attendance count as contacts by
themselves and are not written here (exchange/core/partnerships/engagement.py)."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UTCDateTime, str_enum


class ContactChannel(enum.StrEnum):
    MEETING = "meeting"
    PHONE = "phone"
    EMAIL = "email"
    VISIT = "visit"


class PartnershipContact(Base):
    __tablename__ = "partnership_contact"

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        ForeignKey("partnership.id", ondelete="CASCADE"), index=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE"), index=True)
    # The person spoken to, as written (optional).
    person: Mapped[str] = mapped_column(String(200), default="")
    channel: Mapped[ContactChannel] = mapped_column(
        str_enum(ContactChannel, "contact_channel"))
    note: Mapped[str] = mapped_column(Text, default="")
    contacted_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    organization: Mapped[Organization] = relationship()  # noqa: F821
    author: Mapped[User | None] = relationship()  # noqa: F821

    def __repr__(self) -> str:
        return (f"<PartnershipContact {self.id} p={self.partnership_id} "
                f"org={self.organization_id} {self.channel.value}>")
