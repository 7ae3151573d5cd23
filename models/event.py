"""Live exchange events: a time-boxed session in a hall, its participants, staff and deals.

An event is hosted by an organization; whoever created it is its first organiser and names
the rest of the staff. Organizations apply with the people who will come and the listings
they bring; the organiser admits them. At the door each admitted person is checked in with
the QR code on their confirmation. The session clock lives on the event row
(``session_started_at`` → ``session_ends_at``, then ``session_closed_at`` freezes the count);
deals ratified at the notary desk are ordinary contracts with ``event_id`` set.
"""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (JSON, Date, ForeignKey, Integer, LargeBinary, String, Text,
                        UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UTCDateTime, str_enum
from models.listing import Listing
from models.organization import Organization
from models.user import User


class EventStatus(enum.StrEnum):
    DRAFT = "draft"            # only its staff see it
    PUBLISHED = "published"    # a public page; registration follows the window
    CANCELLED = "cancelled"


class StaffRole(enum.StrEnum):
    ORGANISER = "organiser"
    BROKER = "broker"
    NOTARY = "notary"
    VALUER = "valuer"
    MODERATOR = "moderator"


class ApplicationStatus(enum.StrEnum):
    PENDING = "pending"
    ADMITTED = "admitted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


class DealStatus(enum.StrEnum):
    QUEUED = "queued"        # drafted on a phone, waiting at the notary desk
    RATIFIED = "ratified"
    REJECTED = "rejected"


class ExchangeEvent(Base):
    __tablename__ = "exchange_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    host_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    held_on: Mapped[date] = mapped_column(Date, index=True)
    starts_at: Mapped[str] = mapped_column(String(5), default="10:00")  # HH:MM in time_zone
    # Where the hall is (an IANA name): held_on + starts_at are read in it, and every time
    # shown of the event (its start, the session clock, calendar entries) is told in it.
    time_zone: Mapped[str] = mapped_column(String(64), default="Europe/Warsaw",
                                           server_default="Europe/Warsaw")
    venue: Mapped[str] = mapped_column(String(300))
    municipality: Mapped[str] = mapped_column(String(100), default="")
    session_minutes: Mapped[int] = mapped_column(Integer, default=90)
    grace_minutes: Mapped[int] = mapped_column(Integer, default=10)
    registration_opens_on: Mapped[date] = mapped_column(Date)
    registration_closes_on: Mapped[date] = mapped_column(Date)
    categories: Mapped[list] = mapped_column(JSON, default=list)      # category codes; [] = all
    sector_caps: Mapped[dict] = mapped_column(JSON, default=dict)     # sector → most admitted
    number_prefix: Mapped[str] = mapped_column(String(10), default="GZ")
    status: Mapped[EventStatus] = mapped_column(str_enum(EventStatus, "event_status"),
                                                default=EventStatus.DRAFT)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    session_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    session_ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    session_closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    announcement: Mapped[str] = mapped_column(String(300), default="")  # the moderator's, on the board
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Bumped by every change the board shows (a deal, the clock, an announcement): the
    # board's ETag, so 500 phones polling an unchanged board get a 304 and no query.
    board_version: Mapped[int] = mapped_column(Integer, default=0)
    # The local partnership hosting the event (its host organization is a member): the
    # event's deals enter the partnership's record of exchanges.
    partnership_id: Mapped[int | None] = mapped_column(ForeignKey("partnership.id"), index=True)

    host: Mapped[Organization] = relationship()
    staff: Mapped[list["EventStaff"]] = relationship(back_populates="event",
                                                     cascade="all, delete-orphan")
    participants: Mapped[list["EventParticipant"]] = relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="EventParticipant.id")

    def roles_of(self, user_id: int | None) -> set[StaffRole]:
        return {s.role for s in self.staff if s.user_id == user_id}

    def __repr__(self) -> str:
        return f"<ExchangeEvent {self.id} {self.name!r} {self.held_on}>"


class EventStaff(Base):
    __tablename__ = "event_staff"
    __table_args__ = (UniqueConstraint("event_id", "user_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("exchange_event.id", ondelete="CASCADE"),
                                          index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    role: Mapped[StaffRole] = mapped_column(str_enum(StaffRole, "staff_role"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    event: Mapped[ExchangeEvent] = relationship(back_populates="staff")
    user: Mapped[User] = relationship()


class EventParticipant(Base):
    """An organization's application to an event, and once admitted its participation."""
    __tablename__ = "event_participant"
    __table_args__ = (UniqueConstraint("event_id", "organization_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("exchange_event.id", ondelete="CASCADE"),
                                          index=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    status: Mapped[ApplicationStatus] = mapped_column(
        str_enum(ApplicationStatus, "application_status"), default=ApplicationStatus.PENDING)
    note: Mapped[str] = mapped_column(String(1000), default="")
    decision_note: Mapped[str] = mapped_column(String(500), default="")
    applied_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    applied_at: Mapped[datetime] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    event: Mapped[ExchangeEvent] = relationship(back_populates="participants")
    organization: Mapped[Organization] = relationship()
    attendees: Mapped[list["EventAttendee"]] = relationship(
        back_populates="participant", cascade="all, delete-orphan", order_by="EventAttendee.id")


class EventAttendee(Base):
    """One person an organization sends; their badge carries ``badge_token`` as a QR code."""
    __tablename__ = "event_attendee"

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("event_participant.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str] = mapped_column(String(254), default="")  # as an organiser's import gave it
    badge_token: Mapped[str] = mapped_column(String(43), unique=True)
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    checked_in_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    participant: Mapped[EventParticipant] = relationship(back_populates="attendees")


class EventListing(Base):
    """A listing an organization brings to an event (it stays in the year-round marketplace)."""
    __tablename__ = "event_listing"

    event_id: Mapped[int] = mapped_column(ForeignKey("exchange_event.id", ondelete="CASCADE"),
                                          primary_key=True)
    listing_id: Mapped[int] = mapped_column(ForeignKey("listing.id", ondelete="CASCADE"),
                                            primary_key=True, index=True)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime)

    listing: Mapped[Listing] = relationship()


class Introduction(Base):
    """A broker's mark that the parties of a pre-matched exchange were introduced."""
    __tablename__ = "event_introduction"
    __table_args__ = (UniqueConstraint("event_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("exchange_event.id", ondelete="CASCADE"),
                                          index=True)
    key: Mapped[str] = mapped_column(String(200))  # the exchange's arrows, "offer>need,…"
    made_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    made_at: Mapped[datetime] = mapped_column(UTCDateTime)

    made_by: Mapped[User | None] = relationship()


class EventDeal(Base):
    """A deal waiting at the notary desk: drafted on a participant's phone, ratified there."""
    __tablename__ = "event_deal"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("exchange_event.id", ondelete="CASCADE"),
                                          index=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    terms: Mapped[dict] = mapped_column(JSON, default=dict)  # the desk form's fields
    status: Mapped[DealStatus] = mapped_column(str_enum(DealStatus, "deal_status"),
                                               default=DealStatus.QUEUED)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    contract_id: Mapped[int | None] = mapped_column(ForeignKey("contract.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(String(500), default="")
    # The desk that opened the deal to ratify it, so other desks show it as taken.
    taken_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    taken_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organization: Mapped[Organization] = relationship()
    taken_by: Mapped[User | None] = relationship(foreign_keys=[taken_by_id])


class EventImport(Base):
    """An organiser's uploaded participants' file, kept between its preview and its import.

    ``imported_at`` is set once, by a conditional update, so two confirmations of one preview
    import it once."""
    __tablename__ = "event_import"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("exchange_event.id", ondelete="CASCADE"),
                                          index=True)
    filename: Mapped[str] = mapped_column(String(200))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    imported_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<EventImport {self.id} event={self.event_id} {self.filename!r}>"
