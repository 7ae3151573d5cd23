"""Signing, amending, withdrawing and cancelling: how terms come into force and leave it."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.orm import Session

from exchange.core.accounts import verify_password
from exchange.core.capacity import release, reserve
from exchange.core.contracts.drafting import check_revision, touch
from exchange.core.contracts.fulfilment import settle_if_done
from exchange.core.contracts.history import record_event
from exchange.core.contracts.notices import tell_parties
from exchange.core.contracts.reading import acting_party, get_contract
from exchange.core.contracts.terms import STATUS_NOTE_MAX
from exchange.core.errors import Errors, Msg, ValidationError, clean_text
from models import (
    Commitment,
    CommitmentStatus,
    Contract,
    ContractStatus,
    ContractVersion,
    Formalisation,
    Partnership,
    Signature,
    User,
    VersionState,
)
from models.contract import OPEN_STATUSES

REAUTHENTICATE_AFTER = timedelta(minutes=15)


def login_is_recent(login_at: datetime | None, now: datetime) -> bool:
    return login_at is not None and now - login_at <= REAUTHENTICATE_AFTER


def sign(session: Session, actor: User, org_id: int, contract_id: int, now: datetime, *,
         password: str | None = None, recent_login: bool = False,
         revision: int | None = None) -> Contract:
    """Sign the current version for party ORG_ID; the last signature makes it binding."""
    contract = get_contract(session, actor, contract_id)
    acting_party(session, actor, contract, org_id, signatory=True)
    if not recent_login and not verify_password(actor, password or ""):
        raise ValidationError.single("password", Msg(
            "Enter your password to sign: you signed in more than 15 minutes ago.")
            if password is None else Msg("The password is not correct."))
    check_revision(contract, revision)
    version = contract.current
    if contract.status not in OPEN_STATUSES or version.state not in (VersionState.DRAFT,
                                                                     VersionState.SIGNING):
        raise ValidationError.single(None, Msg("There is nothing to sign in this contract."))
    if version.signature_of(org_id) is not None:
        raise ValidationError.single(None, Msg("%(organization)s has already signed this version.",
                                               organization=contract.party(org_id)
                                               .organization.name))
    if version.state is VersionState.DRAFT:
        version.state = VersionState.SIGNING
        version.frozen_at = now
        if contract.in_force is None:
            contract.status = ContractStatus.SIGNING
    version.signatures.append(Signature(organization_id=org_id, user_id=actor.id, signed_at=now,
                                        signer_name=actor.name))
    touch(contract, now)
    session.flush()
    if contract.in_force is None:
        # The signature is the giver's consent: its offers in this version are reserved now,
        # or the signature is refused when another contract took them meanwhile.
        for row in version.commitments:
            if row.giver_id == org_id:
                reserve(session, row, None, now)
    record_event(session, contract, "sign", actor, org_id, now)
    if all(version.signature_of(p) for p in contract.organization_ids):
        _bring_into_force(session, contract, version, actor, now)
    else:
        tell_parties(session, contract, org_id, now,
                      f"contract-signed:{contract.id}:{version.number}:{org_id}",
                      Msg("%(organization)s signed contract %(number)s. It waits for your "
                          "signature.", organization=contract.party(org_id).organization.name,
                          number=contract.number),
                      only_unsigned=version)
    session.flush()
    return contract


def _bring_into_force(session: Session, contract: Contract, version: ContractVersion,
                      actor: User, now: datetime) -> None:
    previous = contract.in_force
    if previous is not None:
        # An amendment: deliveries carry over, and so do the reservations of rows whose offer
        # and quantity stay; the rest are given back and taken again.
        by_id = {row.id: row for row in previous.commitments}
        for row in version.commitments:
            origin = by_id.get(row.origin_id)
            if origin is None:
                continue
            row.status, row.status_note = origin.status, origin.status_note
            row.delivered_at, row.settled_at = origin.delivered_at, origin.settled_at
            if origin.listing_id == row.listing_id and (
                    row.status is not CommitmentStatus.PENDING or origin.reserved == row.quantity):
                row.reserved, origin.reserved = origin.reserved, 0
        for row in previous.commitments:
            release(session, row, now)
        session.flush()
        for row in version.commitments:
            if row.status is CommitmentStatus.PENDING:
                reserve(session, row, "quantity", now)
        previous.state = VersionState.SUPERSEDED
    version.state = VersionState.SIGNED
    version.signed_at = now
    contract.status = ContractStatus.ACTIVE
    contract.activated_at = contract.activated_at or now
    for party in contract.parties:
        party.cancel_requested_at = None
    # A partnership's declaration signed by every member formalises the partnership
    # (exchange/core/partnerships/declaration.py).
    session.execute(update(Partnership).where(Partnership.declaration_contract_id == contract.id)
                    .values(formalisation=Formalisation.DECLARATION, updated_at=now)
                    .execution_options(synchronize_session="fetch"))
    session.flush()
    record_event(session, contract, "activate", actor, None, now)
    tell_parties(session, contract, None, now, f"contract-active:{contract.id}:{version.number}",
                  Msg("Contract %(number)s is signed by every party and is now in force.",
                      number=contract.number))
    settle_if_done(session, contract, actor, now)


def propose_amendment(session: Session, actor: User, org_id: int, contract_id: int,
                      now: datetime) -> Contract:
    """Start a new version from the current one; it needs every signature again."""
    contract = get_contract(session, actor, contract_id)
    acting_party(session, actor, contract, org_id)
    current = contract.current
    if contract.status not in OPEN_STATUSES or current.state is VersionState.DRAFT:
        raise ValidationError.single(None, Msg("This contract cannot be amended now."))
    if current.state is VersionState.SIGNING and contract.in_force is None:
        # Partly signed, never in force: the signed-so-far version stays readable as it was.
        for row in current.commitments:
            release(session, row, now)
        current.state = VersionState.SUPERSEDED
        contract.status = ContractStatus.DRAFT
    elif current.state is VersionState.SIGNING:
        current.state = VersionState.DISCARDED
    amendment = ContractVersion(number=max(v.number for v in contract.versions) + 1,
                                state=VersionState.DRAFT, note=current.note,
                                created_by_id=actor.id, created_at=now)
    for row in current.commitments:
        amendment.commitments.append(Commitment(
            position=row.position, giver_id=row.giver_id, receiver_id=row.receiver_id,
            what=row.what, listing_id=row.listing_id, need_id=row.need_id, quantity=row.quantity,
            unit=row.unit, due_on=row.due_on, estimated_value=row.estimated_value,
            # Replacing an amendment still being signed: its rows amend the version in force.
            origin_id=None if contract.in_force is None
            else row.id if current is contract.in_force else row.origin_id))
    contract.versions.append(amendment)
    touch(contract, now)
    session.flush()
    if contract.in_force is None:
        for row in amendment.commitments:
            if row.giver_id == org_id:
                reserve(session, row, "quantity", now)
    record_event(session, contract, "amend", actor, org_id, now, version=amendment.number)
    session.flush()
    return contract


def withdraw(session: Session, actor: User, org_id: int, contract_id: int, now: datetime, *,
             reason: str = "") -> Contract:
    """Leave before everyone has signed: a first version ends the contract, an amendment is
    dropped and the version in force stays."""
    contract = get_contract(session, actor, contract_id)
    acting_party(session, actor, contract, org_id)
    errors = Errors()
    reason = clean_text(reason, "reason", errors, max_length=STATUS_NOTE_MAX)
    errors.raise_if_any()
    current = contract.current
    if contract.status not in OPEN_STATUSES or current.state is VersionState.SIGNED:
        raise ValidationError.single(None, Msg("A contract signed by every party ends only by "
                                               "the parties' agreement or by its outcome."))
    current.state = VersionState.DISCARDED
    if contract.in_force is None:
        for row in current.commitments:
            release(session, row, now)
        contract.status = ContractStatus.WITHDRAWN
        contract.ended_at = now
    touch(contract, now)
    session.flush()
    record_event(session, contract, "withdraw", actor, org_id, now, version=current.number,
                 reason=reason)
    tell_parties(session, contract, org_id, now, f"contract-withdrawn:{contract.id}:"
                  f"{current.number}",
                  Msg("%(organization)s withdrew from contract %(number)s.",
                      organization=contract.party(org_id).organization.name,
                      number=contract.number))
    session.flush()
    return contract


def request_cancel(session: Session, actor: User, org_id: int, contract_id: int,
                   now: datetime, *, reason: str = "") -> Contract:
    """A signed contract ends early only when every party asks to cancel it."""
    contract = get_contract(session, actor, contract_id)
    acting_party(session, actor, contract, org_id, signatory=True)
    errors = Errors()
    reason = clean_text(reason, "reason", errors, max_length=STATUS_NOTE_MAX)
    errors.raise_if_any()
    if contract.status is not ContractStatus.ACTIVE:
        raise ValidationError.single(None, Msg("Only a contract in force can be cancelled; "
                                               "before that, withdraw."))
    party = contract.party(org_id)
    if party.cancel_requested_at is not None:
        raise ValidationError.single(None, Msg("You have already asked to cancel it."))
    party.cancel_requested_at = now
    touch(contract, now)
    session.flush()
    record_event(session, contract, "cancel-request", actor, org_id, now, reason=reason)
    if all(p.cancel_requested_at for p in contract.parties):
        for row in contract.in_force.commitments:
            if row.status is CommitmentStatus.PENDING:
                release(session, row, now)
        if contract.current is not contract.in_force:
            contract.current.state = VersionState.DISCARDED
        contract.status = ContractStatus.CANCELLED
        contract.ended_at = now
        record_event(session, contract, "cancel", actor, None, now)
        tell_parties(session, contract, None, now, f"contract-cancelled:{contract.id}",
                      Msg("Contract %(number)s is cancelled by agreement of every party.",
                          number=contract.number))
    else:
        tell_parties(session, contract, org_id, now, f"contract-cancel-request:{contract.id}:"
                      f"{org_id}",
                      Msg("%(organization)s asks to cancel contract %(number)s. It ends if "
                          "every party agrees.",
                          organization=party.organization.name, number=contract.number))
    session.flush()
    return contract
