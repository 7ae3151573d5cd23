"""A local partnership's plan (issue 18, "Plan and indicators"; seeds 000 §3, 001 §2.1.3):
over up to three years (the dates are on the partnership), goals, each with indicators
(name, unit, baseline, target, deadline) and activities assigned to partner organizations.

Progress entries add up per indicator: achieved = baseline + the sum of the entries not
withdrawn. A withdrawn entry is kept (who withdrew it, when) and no longer counted. An
indicator with an automatic source takes no entries: its achieved value is counted from the
partnership's record (exchange/core/partnerships/plan.py)."""
from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Column, Date, ForeignKey, Integer, Numeric, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UTCDateTime, str_enum


class IndicatorSource(enum.StrEnum):
    """Where an indicator's achieved value comes from: progress entries, or the record."""

    MANUAL = "manual"
    CONTRACTS_SIGNED = "contracts_signed"        # contracts signed between partners
    CONTRACTS_FULFILLED = "contracts_fulfilled"  # contracts fulfilled between partners
    EVENT_DEALS = "event_deals"                  # deals at exchange events it hosts
    MEETINGS_HELD = "meetings_held"              # its meetings recorded as held


# 14 digits, 4 after the point: hours, people, złoty-free counts, percentages.
AMOUNT = Numeric(14, 4)

plan_activity_partner = Table(
    "plan_activity_partner", Base.metadata,
    Column("activity_id", ForeignKey("plan_activity.id", ondelete="CASCADE"), primary_key=True),
    Column("organization_id", ForeignKey("organization.id", ondelete="CASCADE"),
           primary_key=True),
)


class PlanGoal(Base):
    __tablename__ = "plan_goal"

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        ForeignKey("partnership.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    indicators: Mapped[list[PlanIndicator]] = relationship(
        back_populates="goal", cascade="all, delete-orphan",
        order_by="(PlanIndicator.position, PlanIndicator.id)")
    activities: Mapped[list[PlanActivity]] = relationship(
        back_populates="goal", cascade="all, delete-orphan",
        order_by="(PlanActivity.due_on, PlanActivity.id)")

    def __repr__(self) -> str:
        return f"<PlanGoal {self.id} p={self.partnership_id} {self.title!r}>"


class PlanIndicator(Base):
    __tablename__ = "plan_indicator"

    id: Mapped[int] = mapped_column(primary_key=True)
    goal_id: Mapped[int] = mapped_column(ForeignKey("plan_goal.id", ondelete="CASCADE"),
                                         index=True)
    # The goal's partnership, kept here so that an indicator is found by one look-up.
    partnership_id: Mapped[int] = mapped_column(
        ForeignKey("partnership.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(40), default="")
    baseline: Mapped[Decimal] = mapped_column(AMOUNT)
    target: Mapped[Decimal] = mapped_column(AMOUNT)
    deadline: Mapped[date] = mapped_column(Date)
    source: Mapped[IndicatorSource] = mapped_column(
        str_enum(IndicatorSource, "indicator_source"), default=IndicatorSource.MANUAL)
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    goal: Mapped[PlanGoal] = relationship(back_populates="indicators")
    entries: Mapped[list[ProgressEntry]] = relationship(
        back_populates="indicator", cascade="all, delete-orphan",
        order_by="(ProgressEntry.happened_on.desc(), ProgressEntry.id.desc())")

    def __repr__(self) -> str:
        return f"<PlanIndicator {self.id} {self.name!r} {self.baseline}→{self.target}>"


class PlanActivity(Base):
    __tablename__ = "plan_activity"

    id: Mapped[int] = mapped_column(primary_key=True)
    goal_id: Mapped[int] = mapped_column(ForeignKey("plan_goal.id", ondelete="CASCADE"),
                                         index=True)
    title: Mapped[str] = mapped_column(String(300))
    due_on: Mapped[date] = mapped_column(Date)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    goal: Mapped[PlanGoal] = relationship(back_populates="activities")
    partners: Mapped[list[Organization]] = relationship(  # noqa: F821
        secondary=plan_activity_partner, order_by="Organization.name")


class ProgressEntry(Base):
    """What was achieved toward an indicator: VALUE on a day, from a SOURCE (a list of
    participants, a report), added by a person for their partner organization."""

    __tablename__ = "plan_progress"

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(
        ForeignKey("plan_indicator.id", ondelete="CASCADE"), index=True)
    value: Mapped[Decimal] = mapped_column(AMOUNT)
    happened_on: Mapped[date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(300), default="")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organization.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    indicator: Mapped[PlanIndicator] = relationship(back_populates="entries")
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])  # noqa: F821
    withdrawn_by: Mapped[User | None] = relationship(foreign_keys=[withdrawn_by_id])  # noqa: F821
    organization: Mapped[Organization | None] = relationship()  # noqa: F821

    def __repr__(self) -> str:
        return f"<ProgressEntry {self.id} i={self.indicator_id} {self.value}>"
