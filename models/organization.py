"""An organization taking part in the exchange, and its members."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String, Text, UniqueConstraint, or_
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UTCDateTime, str_enum


class Sector(enum.StrEnum):
    """The three sectors of the method, plus informal groups and individuals."""

    PUBLIC = "public"
    NGO = "ngo"
    BUSINESS = "business"
    INFORMAL = "informal"
    INDIVIDUAL = "individual"


class MemberRole(enum.StrEnum):
    OWNER = "owner"
    MEMBER = "member"


class Organization(Base):
    __tablename__ = "organization"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The organiser's own identifier from an imported spreadsheet; kept in every export.
    ref: Mapped[str | None] = mapped_column(String(100), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    sector: Mapped[Sector] = mapped_column(str_enum(Sector, "sector"))
    municipality: Mapped[str] = mapped_column(String(120), index=True)
    address: Mapped[str] = mapped_column(String(255), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    website: Mapped[str] = mapped_column(String(255), default="")
    contact_name: Mapped[str] = mapped_column(String(120), default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    contact_phone: Mapped[str] = mapped_column(String(40), default="")
    is_contact_public: Mapped[bool] = mapped_column(Boolean, default=False)
    # The owners' consent to publish the organization's exchanges (contracts, deliveries) as
    # open data: a contract is published only when every party consented (exchange/core/open_data.py).
    publishes_open_data: Mapped[bool] = mapped_column(Boolean, default=False)
    is_verified: Mapped[bool] = mapped_column(Boolean, default=False)
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    memberships: Mapped[list["Membership"]] = relationship(
        back_populates="organization", cascade="all, delete-orphan",
        order_by="Membership.id",
    )

    def __repr__(self) -> str:
        return f"<Organization {self.id} {self.name!r} {self.sector.value}>"


class Membership(Base):
    """A user's place in an organization: owner or member, and whether they may sign."""

    __tablename__ = "membership"
    __table_args__ = (UniqueConstraint("organization_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    role: Mapped[MemberRole] = mapped_column(str_enum(MemberRole, "member_role"))
    can_sign: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The secret in the URL of this member's calendar feed of the organization's due dates:
    # one per member, so that it dies with the membership.
    calendar_token: Mapped[str | None] = mapped_column(String(64), unique=True)

    organization: Mapped[Organization] = relationship(back_populates="memberships")
    user: Mapped["User"] = relationship(back_populates="memberships")  # noqa: F821

    @property
    def is_owner(self) -> bool:
        return self.role is MemberRole.OWNER

    @hybrid_property
    def may_sign(self) -> bool:
        """Whether this member signs contracts for the organization: owners always do."""
        return self.role is MemberRole.OWNER or bool(self.can_sign)

    @may_sign.inplace.expression
    @classmethod
    def _may_sign_expression(cls):
        return or_(cls.role == MemberRole.OWNER, cls.can_sign.is_(True))

    def __repr__(self) -> str:
        return (f"<Membership {self.id} user={self.user_id} org={self.organization_id} "
                f"{self.role.value}{' signs' if self.can_sign else ''}>")
