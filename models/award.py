"""The match of the year of an event: after the session its participants nominate deals and
vote, one nomination and one vote per organization, and the organiser announces the winner.

One ``EventAward`` row per event holds the voting window and the announcement; the database
keeps one nomination and one vote per organization (unique keys), whatever races.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UTCDateTime
from models.contract import Contract
from models.organization import Organization
from models.user import User


class EventAward(Base):
    """Nominations run from ``opened_at`` to ``voting_starts_at``; votes until ``voting_ends_at``."""
    __tablename__ = "event_award"

    event_id: Mapped[int] = mapped_column(ForeignKey("exchange_event.id", ondelete="CASCADE"),
                                          primary_key=True)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    voting_starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    voting_ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    winner_id: Mapped[int | None] = mapped_column(ForeignKey("contract.id"))
    announced_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    announced_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    winner: Mapped[Contract | None] = relationship()
    announced_by: Mapped[User | None] = relationship(foreign_keys=[announced_by_id])

    def __repr__(self) -> str:
        return (f"<EventAward {self.event_id} {self.voting_starts_at}–{self.voting_ends_at}"
                f" winner={self.winner_id}>")


class AwardNomination(Base):
    """An organization's nomination of one of the event's deals (it may change it until the
    voting starts)."""
    __tablename__ = "award_nomination"
    __table_args__ = (UniqueConstraint("event_id", "organization_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("exchange_event.id", ondelete="CASCADE"),
                                          index=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    contract_id: Mapped[int] = mapped_column(ForeignKey("contract.id"))
    reason: Mapped[str] = mapped_column(String(300), default="")
    nominated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    nominated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    organization: Mapped[Organization] = relationship()
    contract: Mapped[Contract] = relationship()
    nominated_by: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<AwardNomination {self.id} org={self.organization_id} deal={self.contract_id}>"


class AwardVote(Base):
    """An organization's vote, cast once by one of its members: it does not change."""
    __tablename__ = "award_vote"
    __table_args__ = (UniqueConstraint("event_id", "organization_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("exchange_event.id", ondelete="CASCADE"),
                                          index=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    contract_id: Mapped[int] = mapped_column(ForeignKey("contract.id"))
    voted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    voted_at: Mapped[datetime] = mapped_column(UTCDateTime)

    contract: Mapped[Contract] = relationship()
    voted_by: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<AwardVote {self.id} org={self.organization_id} deal={self.contract_id}>"
