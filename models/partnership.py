"""A local partnership: organizations of a municipality (public, social and business) working
toward a shared goal, led by one institution and kept in touch by a coordinator.

The partnership's members are organizations; people act for them through their memberships.
Invitations to join go by e-mail to an address (an owner of an organization accepts for one of
their organizations), or invite a person as the partnership's animator (adviser)."""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UTCDateTime, str_enum


class PartnershipKind(enum.StrEnum):
    """001 §2.1.1: built around diagnosed local needs, or a strategic, long-term one."""

    NEEDS = "needs"
    STRATEGIC = "strategic"


class PartnershipState(enum.StrEnum):
    FORMING = "forming"
    ACTIVE = "active"
    DORMANT = "dormant"
    ENDED = "ended"


class Formalisation(enum.StrEnum):
    """Whether the partners signed anything: optional, by a declaration or an agreement."""

    NONE = "none"
    DECLARATION = "declaration"
    AGREEMENT = "agreement"


class PartnershipRole(enum.StrEnum):
    """What an invitation offers: a member organization's place, or the animator's."""

    PARTNER = "partner"
    ANIMATOR = "animator"


class PartnershipChangeKind(enum.StrEnum):
    CREATED = "created"
    INVITED = "invited"
    INVITATION_RESENT = "invitation_resent"
    INVITATION_REVOKED = "invitation_revoked"
    DECLINED = "declined"
    JOINED = "joined"
    LEFT = "left"
    COORDINATOR_CHANGED = "coordinator_changed"
    ANIMATOR_JOINED = "animator_joined"
    ANIMATOR_REMOVED = "animator_removed"
    STATE_CHANGED = "state_changed"
    DECLARATION_PREPARED = "declaration_prepared"
    DECLARATION_AMENDED = "declaration_amended"
    MEMBER_REMOVED = "member_removed"
    LEAD_CHANGED = "lead_changed"


class Partnership(Base):
    __tablename__ = "partnership"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    # One or more municipalities, as written ("Tczew", "Subkowy").
    municipalities: Mapped[list] = mapped_column(JSON, default=list)
    goal: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[PartnershipKind] = mapped_column(str_enum(PartnershipKind, "partnership_kind"))
    state: Mapped[PartnershipState] = mapped_column(
        str_enum(PartnershipState, "partnership_state"))
    formalisation: Mapped[Formalisation] = mapped_column(
        str_enum(Formalisation, "partnership_formalisation"))
    is_public: Mapped[bool] = mapped_column(Boolean, default=False)
    lead_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    coordinator_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True)
    animator_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True)
    # The secret in the URL of the partnership's calendar of meetings (made on first use).
    calendar_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    # After how many weeks without contact a partner counts as quiet (the coordinator is told).
    quiet_weeks: Mapped[int] = mapped_column(Integer, default=6, server_default="6")
    # The plan's period (issue 18, "Plan and indicators"): up to three years.
    plan_starts_on: Mapped[date | None] = mapped_column(Date)
    plan_ends_on: Mapped[date | None] = mapped_column(Date)
    # The partnership's declaration: a multi-party contract the members sign (optional).
    # A contract's id without a foreign key: one would close a cycle of tables (contract →
    # proposal → listing → partnership → contract) that no order of creating or emptying
    # them satisfies; contracts are records, never deleted.
    declaration_contract_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    lead: Mapped[Organization] = relationship()  # noqa: F821
    coordinator: Mapped[User | None] = relationship(foreign_keys=[coordinator_id])  # noqa: F821
    animator: Mapped[User | None] = relationship(foreign_keys=[animator_id])  # noqa: F821
    members: Mapped[list[PartnershipMember]] = relationship(
        back_populates="partnership", cascade="all, delete-orphan",
        order_by="PartnershipMember.id")

    @property
    def current_members(self) -> list[PartnershipMember]:
        return [m for m in self.members if m.left_at is None]

    def __repr__(self) -> str:
        return f"<Partnership {self.id} {self.name!r} {self.state.value}>"


class PartnershipMember(Base):
    """An organization's place in a partnership. One row per organization: one that leaves
    keeps its row (``left_at``), and rejoining clears it; the history says when."""

    __tablename__ = "partnership_member"
    __table_args__ = (UniqueConstraint("partnership_id", "organization_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        ForeignKey("partnership.id", ondelete="CASCADE"), index=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE"), index=True)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime)
    left_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    partnership: Mapped[Partnership] = relationship(back_populates="members")
    organization: Mapped[Organization] = relationship()  # noqa: F821

    def __repr__(self) -> str:
        return (f"<PartnershipMember {self.id} p={self.partnership_id} "
                f"org={self.organization_id}{' left' if self.left_at else ''}>")


class PartnershipInvitation(Base):
    """An e-mailed link to join a partnership: as a member organization (an owner of one
    accepts for it) or as its animator (the person). Only the hash of the secret is kept; it
    works once, for 14 days, like the invitations to organizations (exchange/core/invitations.py)."""

    __tablename__ = "partnership_invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        ForeignKey("partnership.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    role: Mapped[PartnershipRole] = mapped_column(str_enum(PartnershipRole, "partnership_role"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    # The organization the invitation was accepted for (a partner's).
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organization.id", ondelete="SET NULL"))
    declined_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    partnership: Mapped[Partnership] = relationship()
    invited_by: Mapped[User | None] = relationship(foreign_keys=[invited_by_id])  # noqa: F821
    organization: Mapped[Organization | None] = relationship()  # noqa: F821

    def is_pending(self, now: datetime) -> bool:
        return (self.accepted_at is None and self.declined_at is None
                and self.revoked_at is None and self.expires_at > now)

    def __repr__(self) -> str:
        return (f"<PartnershipInvitation {self.id} {self.email!r} p={self.partnership_id} "
                f"{self.role.value}>")


class PartnershipChange(Base):
    """One line of a partnership's history: who did what, to which organization or person,
    when. Append-only."""

    __tablename__ = "partnership_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        ForeignKey("partnership.id", ondelete="CASCADE"), index=True)
    kind: Mapped[PartnershipChangeKind] = mapped_column(
        str_enum(PartnershipChangeKind, "partnership_change_kind"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organization.id", ondelete="SET NULL"))
    subject_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    subject_email: Mapped[str] = mapped_column(String(254), default="")
    # A state's value, a role's value: what the change gave.
    detail: Mapped[str] = mapped_column(String(40), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)

    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])  # noqa: F821
    subject: Mapped[User | None] = relationship(foreign_keys=[subject_id])  # noqa: F821
    organization: Mapped[Organization | None] = relationship()  # noqa: F821

    def __repr__(self) -> str:
        return f"<PartnershipChange {self.id} {self.kind.value} p={self.partnership_id}>"
