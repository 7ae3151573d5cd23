"""Contracts: who gives what to whom by when, signed by every party and followed until fulfilled.

A contract's terms live in versions. The first version is a draft until someone signs it;
from the first signature on its terms are frozen, and a change is an amendment: a new
version that needs every signature again, while the earlier one stays readable. Every
change is written to ``contract_event``, which the database refuses to update or delete.
"""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (JSON, CheckConstraint, Date, ForeignKey, Integer, String, Text,
                        UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UTCDateTime, str_enum
from models.listing import Category, Listing, Unit
from models.organization import Organization
from models.user import User


class ContractStatus(enum.StrEnum):
    DRAFT = "draft"                # being written; nobody has signed the current version
    SIGNING = "signing"            # terms frozen, waiting for the other signatures
    ACTIVE = "active"              # every party signed; commitments are being delivered
    FULFILLED = "fulfilled"        # every commitment confirmed
    PARTIAL = "partial"            # due dates passed, some commitments confirmed
    FAILED = "failed"              # due dates passed, none confirmed
    CANCELLED = "cancelled"        # ended by every party's agreement
    WITHDRAWN = "withdrawn"        # a party withdrew before everyone had signed


OPEN_STATUSES = frozenset({ContractStatus.DRAFT, ContractStatus.SIGNING, ContractStatus.ACTIVE})
ENDED_STATUSES = frozenset(set(ContractStatus) - OPEN_STATUSES)


class VersionState(enum.StrEnum):
    DRAFT = "draft"                # editable
    SIGNING = "signing"            # frozen, collecting signatures
    SIGNED = "signed"              # in force
    SUPERSEDED = "superseded"      # an amendment replaced it; readable for ever
    DISCARDED = "discarded"        # a draft or amendment nobody finished signing


class CommitmentStatus(enum.StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"        # the giver says it is done
    CONFIRMED = "confirmed"        # the receiver agrees
    DISPUTED = "disputed"          # the receiver says it was not delivered as agreed
    NOT_FEASIBLE = "not_feasible"  # either side says it cannot happen


SETTLED_COMMITMENTS = frozenset({CommitmentStatus.CONFIRMED, CommitmentStatus.DISPUTED,
                                 CommitmentStatus.NOT_FEASIBLE})


class CheckInAnswer(enum.StrEnum):
    DONE = "done"
    ONGOING = "ongoing"
    NO_CONTACT = "no_contact"
    NOT_FEASIBLE = "not_feasible"


class Contract(Base):
    __tablename__ = "contract"

    id: Mapped[int] = mapped_column(primary_key=True)
    # "2026/0042": unique, given when the contract is created, never reused.
    number: Mapped[str] = mapped_column(String(30), unique=True)
    status: Mapped[ContractStatus] = mapped_column(str_enum(ContractStatus, "contract_status"),
                                                   index=True)
    proposal_id: Mapped[int | None] = mapped_column(
        ForeignKey("proposal.id", ondelete="SET NULL"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    activated_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Optimistic locking: an edit based on an older revision is refused as a conflict.
    revision: Mapped[int] = mapped_column(Integer, default=1)
    # A deal of a live exchange event ("GZ-2026/017"), ratified at its notary desk.
    event_id: Mapped[int | None] = mapped_column(
        ForeignKey("exchange_event.id", ondelete="SET NULL"), index=True)
    ratified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ratified_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    # The desk form's own id for the deal: sending it twice (a double click, a resend after
    # the connection came back) finds this contract instead of creating a second one.
    client_key: Mapped[str | None] = mapped_column(String(64), unique=True)

    parties: Mapped[list["ContractParty"]] = relationship(
        back_populates="contract", order_by="ContractParty.id", cascade="all, delete-orphan")
    versions: Mapped[list["ContractVersion"]] = relationship(
        back_populates="contract", order_by="ContractVersion.number",
        cascade="all, delete-orphan")

    __mapper_args__ = {"version_id_col": revision}

    @property
    def current(self) -> "ContractVersion":
        """The newest version that is not discarded: the one being written, signed or in force
        (of a withdrawn contract, its last version)."""
        kept = [v for v in self.versions if v.state is not VersionState.DISCARDED]
        return (kept or self.versions)[-1]

    @property
    def in_force(self) -> "ContractVersion | None":
        signed = [v for v in self.versions if v.state is VersionState.SIGNED]
        return signed[-1] if signed else None

    @property
    def organization_ids(self) -> list[int]:
        return [p.organization_id for p in self.parties]

    def party(self, org_id: int) -> "ContractParty | None":
        return next((p for p in self.parties if p.organization_id == org_id), None)

    def __repr__(self) -> str:
        return f"<Contract {self.number} {self.status.value}>"


class ContractParty(Base):
    __tablename__ = "contract_party"
    __table_args__ = (UniqueConstraint("contract_id", "organization_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contract.id", ondelete="CASCADE"),
                                             index=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    # Who represents the party (a name, as on the paper form).
    representative: Mapped[str] = mapped_column(String(120), default="")
    # A fully signed contract is cancelled when every party has asked to cancel it.
    cancel_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    contract: Mapped[Contract] = relationship(back_populates="parties")
    organization: Mapped[Organization] = relationship()


class ContractVersion(Base):
    __tablename__ = "contract_version"
    __table_args__ = (UniqueConstraint("contract_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contract.id", ondelete="CASCADE"),
                                             index=True)
    number: Mapped[int] = mapped_column(Integer)
    state: Mapped[VersionState] = mapped_column(str_enum(VersionState, "version_state"))
    note: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    frozen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    contract: Mapped[Contract] = relationship(back_populates="versions")
    commitments: Mapped[list["Commitment"]] = relationship(
        back_populates="version", order_by="Commitment.position", cascade="all, delete-orphan")
    signatures: Mapped[list["Signature"]] = relationship(
        back_populates="version", order_by="Signature.signed_at", cascade="all, delete-orphan")

    def signature_of(self, org_id: int) -> "Signature | None":
        return next((s for s in self.signatures if s.organization_id == org_id), None)


class Commitment(Base):
    __tablename__ = "commitment"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("reserved >= 0", name="reserved_not_negative"),
        CheckConstraint("giver_id <> receiver_id", name="giver_is_not_receiver"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("contract_version.id", ondelete="CASCADE"),
                                            index=True)
    # The same commitment in the version this one amends: its delivery carries over.
    origin_id: Mapped[int | None] = mapped_column(ForeignKey("commitment.id", ondelete="SET NULL"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    giver_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    receiver_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    what: Mapped[str] = mapped_column(String(300))
    # What kind of resource, for the statistics; the linked offer's category when there is one.
    category: Mapped[Category | None] = mapped_column(str_enum(Category, "category"))
    # The giver's offer this comes from; QUANTITY of its remaining capacity is reserved once
    # the giver consents (drafts, edits or signs the terms).
    listing_id: Mapped[int | None] = mapped_column(ForeignKey("listing.id", ondelete="SET NULL"),
                                                   index=True)
    # The receiver's need this serves, if any.
    need_id: Mapped[int | None] = mapped_column(ForeignKey("listing.id", ondelete="SET NULL"))
    quantity: Mapped[int] = mapped_column(Integer)
    unit: Mapped[Unit] = mapped_column(str_enum(Unit, "unit"))
    due_on: Mapped[date] = mapped_column(Date, index=True)
    # For statistics only, in złoty; never a price.
    estimated_value: Mapped[int | None] = mapped_column(Integer)
    # How much of the listing's capacity this row holds right now.
    reserved: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[CommitmentStatus] = mapped_column(
        str_enum(CommitmentStatus, "commitment_status"), default=CommitmentStatus.PENDING)
    status_note: Mapped[str] = mapped_column(String(500), default="")
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    settled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    version: Mapped[ContractVersion] = relationship(back_populates="commitments")
    giver: Mapped[Organization] = relationship(foreign_keys=[giver_id])
    receiver: Mapped[Organization] = relationship(foreign_keys=[receiver_id])
    listing: Mapped[Listing | None] = relationship(foreign_keys=[listing_id])
    need: Mapped[Listing | None] = relationship(foreign_keys=[need_id])

    @property
    def awaits_reservation(self) -> bool:
        """Linked to an offer that this row does not hold yet: its giver has not consented
        (signed, drafted or edited the terms) or the version is not in force yet."""
        return (self.listing_id is not None and not self.reserved
                and self.status is CommitmentStatus.PENDING
                and self.version.state in (VersionState.DRAFT, VersionState.SIGNING))

    @property
    def terms(self) -> dict:
        """What the parties agreed, without the delivery state: compared between versions."""
        return {"giver_id": self.giver_id, "receiver_id": self.receiver_id, "what": self.what,
                "listing_id": self.listing_id, "need_id": self.need_id,
                "category": self.category.value if self.category else None,
                "quantity": self.quantity, "unit": self.unit.value,
                "due_on": self.due_on.isoformat(), "estimated_value": self.estimated_value}


class Signature(Base):
    __tablename__ = "signature"
    __table_args__ = (UniqueConstraint("version_id", "organization_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("contract_version.id", ondelete="CASCADE"),
                                            index=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # "online" (the user signed in the app) or "at_desk" (the representative signed the paper
    # copies in front of the notary, who is then ``user_id`` and records the name here).
    method: Mapped[str] = mapped_column(String(20), default="online")
    representative: Mapped[str] = mapped_column(String(120), default="")
    # The signing user's name as it was then: it stays on the contract when the user renames
    # or deletes their account (a contract is a record both parties rely on).
    signer_name: Mapped[str] = mapped_column(String(120), default="", server_default="")

    version: Mapped[ContractVersion] = relationship(back_populates="signatures")
    organization: Mapped[Organization] = relationship()
    user: Mapped[User] = relationship()


class ContractEvent(Base):
    """One line of a contract's history. Append-only: triggers refuse UPDATE and DELETE."""

    __tablename__ = "contract_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contract.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(40))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id"))
    changes: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    actor: Mapped[User | None] = relationship()
    organization: Mapped[Organization | None] = relationship()


class CheckIn(Base):
    """A follow-up question to one party at 3, 6 or 12 months, and its answer."""

    __tablename__ = "check_in"
    __table_args__ = (UniqueConstraint("contract_id", "organization_id", "months"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contract.id", ondelete="CASCADE"),
                                             index=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    months: Mapped[int] = mapped_column(Integer)
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime)
    answer: Mapped[CheckInAnswer | None] = mapped_column(str_enum(CheckInAnswer, "check_in_answer"))
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ContractCounter(Base):
    """The last number given in a series ("2026"): numbers are unique and never reused."""

    __tablename__ = "contract_counter"

    series: Mapped[str] = mapped_column(String(20), primary_key=True)
    last: Mapped[int] = mapped_column(Integer, default=0)


class ValueDefault(Base):
    """A suggested value for statistics of one unit of a category, e.g. an hour of a room."""

    __tablename__ = "value_default"
    __table_args__ = (UniqueConstraint("category", "unit"),
                      CheckConstraint("value >= 0", name="value_not_negative"))

    id: Mapped[int] = mapped_column(primary_key=True)
    category: Mapped[Category] = mapped_column(str_enum(Category, "category"))
    unit: Mapped[Unit] = mapped_column(str_enum(Unit, "unit"))
    value: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
