"""The partners' recommendations to the local authority, one text per partnership and year,
written together (seeds 000 §3, last paragraph) and kept as revisions.

Each save is a new revision numbered after the one its author started from; the database's
unique (partnership, year, number) refuses a second save from the same starting point, so
two partners writing at once never overwrite each other: the later one is shown both texts."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UTCDateTime


class PartnershipRecommendation(Base):
    __tablename__ = "partnership_recommendation"
    __table_args__ = (UniqueConstraint("partnership_id", "year", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        ForeignKey("partnership.id", ondelete="CASCADE"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    # 1 for the first text of the year, then one more per save.
    number: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    # The member organization the author wrote for (none for a coordinator outside them).
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organization.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    author: Mapped[User | None] = relationship()  # noqa: F821
    organization: Mapped[Organization | None] = relationship()  # noqa: F821

    def __repr__(self) -> str:
        return (f"<PartnershipRecommendation p={self.partnership_id} {self.year} "
                f"#{self.number}>")
