"""Reading contracts: who may see one, a party's list and dashboard, a contract's history."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from exchange.core.errors import Forbidden, Msg, NotFound
from models import (
    CommitmentStatus,
    Contract,
    ContractEvent,
    ContractParty,
    ContractStatus,
    ContractVersion,
    Membership,
    User,
    VersionState,
)
from models.base import MAX_ID
from models.contract import OPEN_STATUSES


def contract_query():
    return select(Contract).options(
        selectinload(Contract.parties).selectinload(ContractParty.organization),
        selectinload(Contract.versions).selectinload(ContractVersion.commitments),
        selectinload(Contract.versions).selectinload(ContractVersion.signatures))


def actor_membership(session: Session, actor: User | None, org_id: int) -> Membership | None:
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return None
    return session.scalar(select(Membership).where(Membership.user_id == actor.id,
                                                   Membership.organization_id == org_id))


def get_contract(session: Session, actor: User | None, contract_id: int) -> Contract:
    """The contract, if the actor is a member of one of its parties; NotFound otherwise."""
    if not isinstance(contract_id, int) or not 0 < contract_id <= MAX_ID or actor is None \
            or not getattr(actor, "is_authenticated", False):
        raise NotFound(Msg("Contract not found."))
    contract = session.scalar(contract_query().where(Contract.id == contract_id))
    if contract is None or not any(actor_membership(session, actor, p.organization_id)
                                   for p in contract.parties):
        raise NotFound(Msg("Contract not found."))
    return contract


def acting_party(session: Session, actor: User, contract: Contract, org_id: int, *,
                 signatory: bool = False) -> Membership:
    """The actor's membership of party ORG_ID of the contract (a signatory's, if asked)."""
    membership = actor_membership(session, actor, org_id)
    if membership is None or contract.party(org_id) is None:
        raise NotFound(Msg("Contract not found."))
    if signatory and not membership.may_sign:
        raise Forbidden(Msg("You may not sign for %(organization)s: ask an owner to let you "
                            "sign contracts.", organization=membership.organization.name))
    return membership


def contracts_query(org_id: int, *, status: ContractStatus | None = None):
    """The organization's contracts (of one STATUS, if given), newest first."""
    query = (contract_query().join(ContractParty)
             .where(ContractParty.organization_id == org_id)
             .order_by(Contract.created_at.desc(), Contract.id.desc()))
    return query if status is None else query.where(Contract.status == status)


def contracts_of(session: Session, org_id: int) -> list[Contract]:
    return list(session.scalars(contracts_query(org_id)))


@dataclass
class Dashboard:
    """An organization's contracts, each in exactly one group: what it has to do first."""

    awaiting_signature: list[Contract]
    drafts: list[Contract]
    due_soon: list[Contract]
    overdue: list[Contract]
    active: list[Contract]
    ended: list[Contract]
    waiting_for_others: list[Contract]


def dashboard(session: Session, org_id: int, today: date, *, soon: int = 14) -> Dashboard:
    """The organization's contracts, sorted the way a coordinator works through them.

    Each contract is in one group only, the first that applies: ended; terms waiting for
    our signature (a new contract or an amendment); in force (overdue, due within SOON days,
    or on track, an amendment pending or not); signed by us, waiting for the other parties;
    a draft."""
    board = Dashboard([], [], [], [], [], [], [])
    for contract in contracts_of(session, org_id):
        board_group(board, contract, org_id, today, soon).append(contract)
    return board


def board_group(board: Dashboard, contract: Contract, org_id: int, today: date,
                soon: int) -> list[Contract]:
    """The one group of BOARD that CONTRACT belongs in, for the organization ORG_ID."""
    if contract.status not in OPEN_STATUSES:
        return board.ended
    current = contract.current
    if current.state is VersionState.SIGNING and current.signature_of(org_id) is None:
        return board.awaiting_signature
    if contract.status is ContractStatus.ACTIVE:
        open_rows = [c for c in contract.in_force.commitments
                     if c.status in (CommitmentStatus.PENDING, CommitmentStatus.DELIVERED)]
        if any(c.due_on < today for c in open_rows):
            return board.overdue
        if any(c.due_on <= today + timedelta(days=soon) for c in open_rows):
            return board.due_soon
        return board.active
    if current.state is VersionState.SIGNING:
        return board.waiting_for_others
    return board.drafts


def history(session: Session, contract: Contract) -> list[ContractEvent]:
    return list(session.scalars(
        select(ContractEvent).where(ContractEvent.contract_id == contract.id)
        .options(selectinload(ContractEvent.actor), selectinload(ContractEvent.organization))
        .order_by(ContractEvent.id)))
