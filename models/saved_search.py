"""A saved search: a user's marketplace filters, and how far new listings were told about."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime


class SavedSearch(Base):
    __tablename__ = "saved_search"
    __table_args__ = (UniqueConstraint("user_id", "query", name="uq_saved_search_user_query"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    # The marketplace's filters by name ("q", "kind", "category", "sector", "municipality"),
    # only those set, and the same as the marketplace's query string in a fixed order: one
    # search per user and query, and the link that opens it.
    filters: Mapped[dict] = mapped_column(JSON, default=dict)
    query: Mapped[str] = mapped_column(String(300))
    # Written in the saver's language when saved ("Offer · Rooms and venues · Tczew").
    label: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Listings published up to this moment have been told about (or predate the search).
    notified_until: Mapped[datetime] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<SavedSearch {self.id} user={self.user_id} {self.query!r}>"
