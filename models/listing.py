"""A listing: an offer or a need of one organization."""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Boolean, CheckConstraint, Date, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UTCDateTime, str_enum
from models.organization import Organization


class ListingKind(enum.StrEnum):
    OFFER = "offer"
    NEED = "need"


class Category(enum.StrEnum):
    """The fixed taxonomy; the codes are stable (imports, exports and the API use them)."""

    ROOMS = "rooms"
    COMPUTER_LABS = "computer_labs"
    EQUIPMENT = "equipment"
    PROMOTION = "promotion"
    VOLUNTEERS = "volunteers"
    EXPERTISE = "expertise"
    TRAINING = "training"
    CATERING = "catering"
    TRANSPORT = "transport"
    IT_SERVICES = "it_services"
    CULTURE = "culture"
    OTHER = "other"


class Unit(enum.StrEnum):
    HOURS = "hours"
    DAYS = "days"
    SESSIONS = "sessions"
    PEOPLE = "people"
    PIECES = "pieces"
    OTHER = "other"


class ListingStatus(enum.StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    PAUSED = "paused"
    CLOSED = "closed"
    EXPIRED = "expired"


class Listing(Base):
    __tablename__ = "listing"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("remaining >= 0 AND remaining <= quantity", name="remaining_in_range"),
        Index("ix_listing_marketplace", "status", "kind", "category", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE"), index=True)
    ref: Mapped[str | None] = mapped_column(String(100), unique=True)
    kind: Mapped[ListingKind] = mapped_column(str_enum(ListingKind, "listing_kind"))
    category: Mapped[Category] = mapped_column(str_enum(Category, "category"))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    quantity: Mapped[int] = mapped_column(Integer)
    unit: Mapped[Unit] = mapped_column(str_enum(Unit, "unit"))
    # What is still free to promise; contracts reserve from it, never below zero.
    remaining: Mapped[int] = mapped_column(Integer)
    available_from: Mapped[date | None] = mapped_column(Date)
    available_until: Mapped[date | None] = mapped_column(Date)
    municipality: Mapped[str] = mapped_column(String(120), index=True)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    expires_on: Mapped[date | None] = mapped_column(Date, index=True)
    status: Mapped[ListingStatus] = mapped_column(str_enum(ListingStatus, "listing_status"))
    # The one tolerated money matter: a contribution to transport or material costs.
    cost_contribution: Mapped[str] = mapped_column(String(300), default="")
    # Folded words and lemmas of title and description, kept by the core for full-text search.
    search_text: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    # When it first went on the marketplace (a draft has none): saved searches tell about
    # listings published since they last looked.
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    # Indexed: the matching index catches up with listings changed since it last looked.
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)

    # Ambiguous money words ("wynajem", "sponsor", "budżet"…) whose author confirmed that they
    # are not a payment: the words, when and by whom (the importing admin for an import).
    money_confirmed_fragment: Mapped[str | None] = mapped_column(String(300))
    money_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Users are never deleted (personal data is erased in place), so no ON DELETE rule.
    money_confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    # A partner's contribution to (offer) or a need of a local partnership: one column, not a
    # link table, since a listing is brought to one partnership at most and the marketplace,
    # search, API, alerts and matching then hide the partnership-only ones with one condition.
    # Partnerships are never deleted (they end), so no ON DELETE rule.
    partnership_id: Mapped[int | None] = mapped_column(ForeignKey("partnership.id"), index=True)
    # Seen by the partnership's members only: never in the marketplace, search, API list,
    # saved-search alerts or proposals to outsiders.
    partnership_only: Mapped[bool] = mapped_column(Boolean, default=False)

    organization: Mapped[Organization] = relationship()

    @property
    def is_offer(self) -> bool:
        return self.kind is ListingKind.OFFER

    def __repr__(self) -> str:
        return f"<Listing {self.id} {self.kind.value} {self.category.value} {self.title!r} {self.status.value}>"
