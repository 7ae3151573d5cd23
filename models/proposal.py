"""A decision on a proposed exchange: a need's organization or an offer's accepted or declined it."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, Float, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UTCDateTime, str_enum
from models.listing import Listing


class ProposalStatus(enum.StrEnum):
    ACCEPTED = "accepted"
    DECLINED = "declined"


class Proposal(Base):
    """Live proposals come from the matching index; a row records what a party decided,
    so a declined pair is never proposed again and an accepted one leads to a contract."""

    __tablename__ = "proposal"
    __table_args__ = (UniqueConstraint("need_id", "offer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("listing.id", ondelete="CASCADE"), index=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("listing.id", ondelete="CASCADE"), index=True)
    status: Mapped[ProposalStatus] = mapped_column(str_enum(ProposalStatus, "proposal_status"))
    score: Mapped[float] = mapped_column(Float)
    # The reasons as shown when the decision was taken: [[msgid, params], …].
    reasons: Mapped[list] = mapped_column(JSON, default=list)
    decline_reason: Mapped[str] = mapped_column(String(500), default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime)

    need: Mapped[Listing] = relationship(foreign_keys=[need_id])
    offer: Mapped[Listing] = relationship(foreign_keys=[offer_id])

    def __repr__(self) -> str:
        return f"<Proposal {self.id} need={self.need_id} offer={self.offer_id} {self.status.value}>"
