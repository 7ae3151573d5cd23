"""Drafting contracts: numbering, a first version, a draft from a proposal, editing a draft."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Iterable, Mapping

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from exchange.core.capacity import release, reserve_with_consent
from exchange.core.contracts.history import record_event, terms_of
from exchange.core.contracts.notices import tell_parties
from exchange.core.contracts.reading import acting_party, actor_membership, get_contract
from exchange.core.contracts.terms import (
    DEFAULT_TERM,
    LONGEST_TERM,
    Terms,
    clean_terms,
    suggested_value,
)
from exchange.core.errors import Conflict, Msg, NotFound, ValidationError
from models import (
    Commitment,
    Contract,
    ContractCounter,
    ContractParty,
    ContractStatus,
    ContractVersion,
    Proposal,
    User,
    VersionState,
)
from models.contract import OPEN_STATUSES


def next_number(session: Session, series: str, *, width: int = 4) -> str:
    """The next number of SERIES ("2026" → "2026/0042"), unique even under concurrency."""
    for _ in range(3):
        last = session.scalar(update(ContractCounter).where(ContractCounter.series == series)
                              .values(last=ContractCounter.last + 1)
                              .returning(ContractCounter.last))
        if last is not None:
            return f"{series}/{last:0{width}d}"
        try:
            with session.begin_nested():
                session.add(ContractCounter(series=series, last=1))
            return f"{series}/{1:0{width}d}"
        except IntegrityError:
            continue  # another transaction started the series first: take the next one
    raise Conflict(Msg("Could not number the contract; try again."))


def touch(contract: Contract, now: datetime) -> None:
    """Mark CONTRACT changed: its revision goes up even when NOW equals the last change's."""
    contract.updated_at = now
    flag_modified(contract, "updated_at")


def check_revision(contract: Contract, revision: int | None) -> None:
    if revision is not None and revision != contract.revision:
        raise Conflict(Msg("Someone else changed this contract while you were editing it. "
                           "Your changes were not saved: reload it and make them again."))


def _fill(session: Session, contract: Contract, version: ContractVersion, terms: Terms,
          now: datetime, *, consenting: Iterable[int] | None = None) -> None:
    """Put TERMS in VERSION; with CONSENTING (givers), reserve their offers and check the
    others'."""
    by_org = {p.organization_id: p for p in contract.parties}
    for org_id in list(by_org):
        if org_id not in terms.parties:
            contract.parties.remove(by_org.pop(org_id))
    for org_id in terms.parties:
        party = by_org.get(org_id)
        if party is None:
            party = ContractParty(organization_id=org_id)
            contract.parties.append(party)
        party.representative = terms.representatives.get(org_id, "")
    version.note = terms.note
    for i, clean in enumerate(terms.commitments):
        fields = {k: v for k, v in clean.items() if k != "prefix"}
        if fields["estimated_value"] is None:
            fields["estimated_value"] = _suggest_for(session, fields)
        row = Commitment(position=i, **fields)
        version.commitments.append(row)
        if consenting is not None:
            session.flush()
            reserve_with_consent(session, row, clean["prefix"] + "quantity", consenting, now)


def _suggest_for(session: Session, fields: Mapping[str, Any]) -> int | None:
    if fields.get("category") is None:
        return None
    return suggested_value(session, fields["category"], fields["unit"], fields["quantity"])


def add_first_version(session: Session, contract: Contract, version: ContractVersion,
                      terms: Terms, now: datetime, *,
                      consenting: Iterable[int] | None = None) -> None:
    """Save a new CONTRACT with its first VERSION holding TERMS, reserving the linked offers
    of the CONSENTING givers (of every party when None: all of them signed at the desk)."""
    contract.versions.append(version)
    session.add(contract)
    _fill(session, contract, version, terms, now)
    session.flush()
    consenting = set(terms.parties if consenting is None else consenting)
    for row, clean in zip(version.commitments, terms.commitments):
        reserve_with_consent(session, row, clean["prefix"] + "quantity", consenting, now)


def create_contract(session: Session, actor: User, org_id: int, data: Mapping[str, Any],
                    now: datetime, *, proposal: Proposal | None = None) -> Contract:
    """A draft from scratch (or from an accepted proposal) by a member of party ORG_ID."""
    membership = actor_membership(session, actor, org_id)
    if membership is None:
        raise NotFound(Msg("Organization not found."))
    terms = clean_terms(session, data, now.date(), acting_org=org_id)
    if org_id not in terms.parties:
        raise ValidationError.single("parties", Msg("Your organization must be one of the "
                                                    "parties."))
    contract = Contract(number=next_number(session, str(now.year)), status=ContractStatus.DRAFT,
                        proposal_id=proposal.id if proposal else None, created_by_id=actor.id,
                        created_at=now, updated_at=now)
    version = ContractVersion(number=1, state=VersionState.DRAFT, created_by_id=actor.id,
                              created_at=now)
    # Only the drafting organization's own offers are reserved now; another giver's are
    # reserved when its signatory signs.
    add_first_version(session, contract, version, terms, now, consenting={org_id})
    record_event(session, contract, "create", actor, org_id, now, **terms_of(version, contract))
    session.flush()
    tell_parties(session, contract, org_id, now, f"contract-drafted:{contract.id}",
                  Msg("%(organization)s drafted contract %(number)s with you. Read it and sign.",
                      organization=membership.organization.name, number=contract.number))
    return contract


def draft_from_proposal(session: Session, actor: User, org_id: int, proposal: Proposal,
                        now: datetime) -> Contract:
    """The draft an accepted proposal starts: the offer's organization gives to the need's.

    In one unit, it gives what the need asks for, as far as the offer has it left, and takes
    that from the offer. In different units ("8 sessions" asked of an offer counted in days)
    nothing converts one into the other: the commitment keeps what the need asks for, in its
    unit, and is linked to the need only (the parties link the offer, in its unit, if they
    want its capacity reserved)."""
    existing = session.scalar(select(Contract).where(Contract.proposal_id == proposal.id,
                                                     Contract.status.in_(OPEN_STATUSES)))
    if existing is not None:
        return existing
    need, offer = proposal.need, proposal.offer
    same_unit = need.unit == offer.unit
    quantity = max(1, min(need.quantity, offer.remaining)) if same_unit else need.quantity
    due = need.available_until or offer.available_until or now.date() + DEFAULT_TERM
    due = min(max(due, now.date()), now.date() + LONGEST_TERM)
    data = {"parties": [offer.organization_id, need.organization_id],
            "commitments": [{"giver_id": offer.organization_id,
                             "receiver_id": need.organization_id, "what": offer.title,
                             "quantity": quantity, "unit": need.unit.value,
                             "due_on": due.isoformat(),
                             "listing_id": offer.id if same_unit else None,
                             "need_id": need.id}]}
    return create_contract(session, actor, org_id, data, now, proposal=proposal)


def _editable(contract: Contract) -> ContractVersion:
    version = contract.current
    if contract.status not in OPEN_STATUSES or version.state is not VersionState.DRAFT:
        raise ValidationError.single(None, Msg("This version is signed and its terms are frozen. "
                                               "Propose an amendment to change them."))
    return version


def update_draft(session: Session, actor: User, org_id: int, contract_id: int,
                 data: Mapping[str, Any], now: datetime, *, revision: int | None) -> Contract:
    """Change the terms of an unsigned version; a stale REVISION is a conflict."""
    contract = get_contract(session, actor, contract_id)
    acting_party(session, actor, contract, org_id)
    check_revision(contract, revision)
    version = _editable(contract)
    before = terms_of(version, contract)
    terms = clean_terms(session, data, now.date(), acting_org=org_id)
    if org_id not in terms.parties:
        raise ValidationError.single("parties", Msg("Your organization must be one of the "
                                                    "parties."))
    in_force = contract.in_force
    for row in list(version.commitments):
        release(session, row, now)
        version.commitments.remove(row)
    session.flush()
    _fill(session, contract, version, terms, now,
          consenting={org_id} if in_force is None else None)
    _carry_origins(version, in_force)
    touch(contract, now)
    session.flush()
    after = terms_of(version, contract)
    record_event(session, contract, "edit", actor, org_id, now, before=before, after=after)
    session.flush()
    return contract


def _carry_origins(version: ContractVersion, in_force: ContractVersion | None) -> None:
    """Link an amendment's rows to the rows they amend (same giver, receiver and listing)."""
    if in_force is None:
        return
    free = list(in_force.commitments)
    for row in version.commitments:
        origin = next((o for o in free if (o.giver_id, o.receiver_id, o.listing_id, o.what)
                       == (row.giver_id, row.receiver_id, row.listing_id, row.what)), None) \
            or next((o for o in free if (o.giver_id, o.receiver_id) ==
                     (row.giver_id, row.receiver_id)), None)
        if origin is not None:
            free.remove(origin)
            row.origin_id = origin.id
