"""Fulfilment: the giver marks a commitment delivered, the receiver confirms or disputes it,
and a contract whose commitments are all settled is fulfilled."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from exchange.core.capacity import release
from exchange.core.contracts.drafting import touch
from exchange.core.contracts.history import record_event
from exchange.core.contracts.notices import tell_parties, tell_party
from exchange.core.contracts.reading import acting_party, get_contract
from exchange.core.contracts.terms import STATUS_NOTE_MAX
from exchange.core.errors import Errors, Forbidden, Msg, NotFound, ValidationError, clean_text
from models import Commitment, CommitmentStatus, Contract, ContractStatus, User
from models.contract import SETTLED_COMMITMENTS

# Nothing more can happen to these: the contract can be given its outcome.
FINAL_COMMITMENTS = frozenset({CommitmentStatus.CONFIRMED, CommitmentStatus.NOT_FEASIBLE})
COMMITMENT_ACTIONS = ("deliver", "confirm", "dispute", "not_feasible")


def change_commitment(session: Session, actor: User, org_id: int, contract_id: int,
                      commitment_id: int, action: str, now: datetime, *,
                      note: str = "") -> Commitment:
    """The giver marks delivery; the receiver confirms or disputes; either says not feasible."""
    contract = get_contract(session, actor, contract_id)
    acting_party(session, actor, contract, org_id)
    if contract.status is not ContractStatus.ACTIVE:
        raise ValidationError.single(None, Msg("Deliveries are recorded on a contract in force."))
    row = next((c for c in contract.in_force.commitments if c.id == commitment_id), None)
    if row is None or org_id not in (row.giver_id, row.receiver_id):
        raise NotFound(Msg("Commitment not found."))
    errors = Errors()
    note = clean_text(note, "note", errors, max_length=STATUS_NOTE_MAX)
    if action in ("dispute", "not_feasible") and not note:
        errors.add("note", Msg("Say briefly what happened."))
    errors.raise_if_any()
    before = row.status
    allowed = {
        "deliver": (row.giver_id, {CommitmentStatus.PENDING, CommitmentStatus.DISPUTED},
                    CommitmentStatus.DELIVERED),
        "confirm": (row.receiver_id, {CommitmentStatus.PENDING, CommitmentStatus.DELIVERED,
                                      CommitmentStatus.DISPUTED}, CommitmentStatus.CONFIRMED),
        "dispute": (row.receiver_id, {CommitmentStatus.DELIVERED}, CommitmentStatus.DISPUTED),
        "not_feasible": (org_id, {CommitmentStatus.PENDING, CommitmentStatus.DELIVERED,
                                  CommitmentStatus.DISPUTED}, CommitmentStatus.NOT_FEASIBLE),
    }.get(action)
    if allowed is None:
        raise ValidationError.single(None, Msg("Not a valid choice."))
    who, sources, target = allowed
    if who != org_id:
        raise Forbidden(Msg("Only the giver marks delivery; only the receiver confirms or "
                            "disputes it."))
    if before not in sources:
        raise ValidationError.single(None, Msg("This step does not fit the commitment's "
                                               "current status."))
    row.status = target
    row.status_note = note
    if target is CommitmentStatus.DELIVERED:
        row.delivered_at = now
    if target in SETTLED_COMMITMENTS:
        row.settled_at = now
    if target is CommitmentStatus.NOT_FEASIBLE:
        release(session, row, now)
    touch(contract, now)
    session.flush()
    record_event(session, contract, action, actor, org_id, now, commitment=row.id, what=row.what,
         before=before, after=target, note=note)
    other = row.receiver_id if org_id == row.giver_id else row.giver_id
    tell_party(session, contract, other, now, f"commitment-{action}:{row.id}:{now.isoformat()}",
                _commitment_message(action, contract, row, org_id))
    settle_if_done(session, contract, actor, now)
    session.flush()
    return row


def _commitment_message(action: str, contract: Contract, row: Commitment, org_id: int) -> Msg:
    organization = contract.party(org_id).organization.name
    if action == "deliver":
        return Msg("%(organization)s marked “%(what)s” (contract %(number)s) as delivered. "
                   "Please confirm it.", organization=organization, what=row.what,
                   number=contract.number)
    if action == "confirm":
        return Msg("%(organization)s confirmed receiving “%(what)s” (contract %(number)s).",
                   organization=organization, what=row.what, number=contract.number)
    if action == "dispute":
        return Msg("%(organization)s disputes the delivery of “%(what)s” (contract %(number)s).",
                   organization=organization, what=row.what, number=contract.number)
    return Msg("%(organization)s says “%(what)s” (contract %(number)s) is not feasible.",
               organization=organization, what=row.what, number=contract.number)


def settle_if_done(session: Session, contract: Contract, actor: User | None,
                    now: datetime, *, past_due: bool = False) -> None:
    """Give the contract its outcome once nothing more can happen to its commitments."""
    if contract.status is not ContractStatus.ACTIVE or contract.current is not contract.in_force:
        return
    rows = contract.in_force.commitments
    if all(r.status is CommitmentStatus.CONFIRMED for r in rows):
        outcome = ContractStatus.FULFILLED
    elif past_due or all(r.status in FINAL_COMMITMENTS for r in rows):
        confirmed = any(r.status is CommitmentStatus.CONFIRMED for r in rows)
        outcome = ContractStatus.PARTIAL if confirmed else ContractStatus.FAILED
    else:
        return
    contract.status = outcome
    contract.ended_at = now
    for row in rows:
        if row.status is CommitmentStatus.PENDING:
            release(session, row, now)
    session.flush()
    record_event(session, contract, "outcome", actor, None, now, outcome=outcome)
    tell_parties(session, contract, None, now, f"contract-outcome:{contract.id}",
                  _outcome_message(outcome, contract.number))


def _outcome_message(outcome: ContractStatus, number: str) -> Msg:
    if outcome is ContractStatus.FULFILLED:
        return Msg("Contract %(number)s is fulfilled: every commitment is confirmed.",
                   number=number)
    if outcome is ContractStatus.PARTIAL:
        return Msg("Contract %(number)s is closed as partly fulfilled.", number=number)
    return Msg("Contract %(number)s is closed as not fulfilled.", number=number)
