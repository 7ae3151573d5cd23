"""A local partnership's meetings (issue 18, "Meetings"; seeds 001 §2.1.2–2.1.3, §2.2.6, §3.5).

The coordinator schedules a meeting at any partner's place (001 §3.5) or at an address given
in words, with an agenda (the first and second meetings' templates pre-fill it). After it,
the coordinator records who came (organizations and the people who came for them), the
minutes, the decisions, the tasks (an owner partner, a due date) and the next meeting's date;
each participant answers a one-minute evaluation once (001 §2.2.6)."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UTCDateTime


class PartnershipMeeting(Base):
    __tablename__ = "partnership_meeting"

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        ForeignKey("partnership.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    # "first", "second" or "": the template its agenda started from.
    template: Mapped[str] = mapped_column(String(20), default="")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    duration_minutes: Mapped[int] = mapped_column(Integer, default=120)
    # At a member organization's place, or at an address in words (or both: "room 12").
    place_org_id: Mapped[int | None] = mapped_column(
        ForeignKey("organization.id", ondelete="SET NULL"))
    place_text: Mapped[str] = mapped_column(String(300), default="")
    agenda: Mapped[str] = mapped_column(Text, default="")
    minutes: Mapped[str] = mapped_column(Text, default="")
    decisions: Mapped[str] = mapped_column(Text, default="")
    next_meeting_on: Mapped[date | None] = mapped_column(Date)
    # When the coordinator recorded it as held (attendance, minutes).
    recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The .ics SEQUENCE: each change of date, place or agenda, and the cancelling, add one, so
    # that calendars replace what they hold.
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    partnership: Mapped[Partnership] = relationship()  # noqa: F821
    place_org: Mapped[Organization | None] = relationship()  # noqa: F821
    attendance: Mapped[list[MeetingAttendance]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="MeetingAttendance.id")
    tasks: Mapped[list[MeetingTask]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan",
        order_by="(MeetingTask.due_on, MeetingTask.id)")

    def __repr__(self) -> str:
        return f"<PartnershipMeeting {self.id} p={self.partnership_id} {self.starts_at}>"


class MeetingAttendance(Base):
    """A partner organization that came, and who came for it (names as written)."""

    __tablename__ = "meeting_attendance"
    __table_args__ = (UniqueConstraint("meeting_id", "organization_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("partnership_meeting.id", ondelete="CASCADE"), index=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE"))
    people: Mapped[str] = mapped_column(String(500), default="")

    meeting: Mapped[PartnershipMeeting] = relationship(back_populates="attendance")
    organization: Mapped[Organization] = relationship()  # noqa: F821


class MeetingTask(Base):
    """A task agreed at a meeting: what, which partner does it, by when, and whether done.
    ``reminded`` keeps the last state its owners were reminded of ("soon", "overdue"), so the
    reminder job tells them once per task and state."""

    __tablename__ = "meeting_task"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("partnership_meeting.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    owner_org_id: Mapped[int] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE"), index=True)
    due_on: Mapped[date] = mapped_column(Date, index=True)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminded: Mapped[str] = mapped_column(String(20), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    meeting: Mapped[PartnershipMeeting] = relationship(back_populates="tasks")
    owner_org: Mapped[Organization] = relationship()  # noqa: F821


class MeetingEvaluation(Base):
    """One participant's one-minute evaluation of a meeting (001 §2.2.6): once per person."""

    __tablename__ = "meeting_evaluation"
    __table_args__ = (UniqueConstraint("meeting_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("partnership_meeting.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    usefulness: Mapped[int] = mapped_column(Integer)   # 1–5
    atmosphere: Mapped[int] = mapped_column(Integer)   # 1–5: could everyone speak?
    keep: Mapped[str] = mapped_column(Text, default="")     # what was good
    change: Mapped[str] = mapped_column(Text, default="")   # what to change next time
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
