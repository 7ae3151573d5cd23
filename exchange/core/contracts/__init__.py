"""Contracts: drafting, signing, amending, fulfilling and ending them, each step in the history.

Rules kept here, for the web pages, the API and the scheduler alike:
- only members of a party see a contract; only a party's signatories sign for it;
- from the first signature on the terms of a version are frozen: a change is an amendment,
  a new version that every party signs again, while the earlier one stays readable;
- every change is one ``ContractEvent`` row in the same transaction (the database refuses
  to change or delete those rows);
- a commitment linked to an offer reserves its quantity with one conditional UPDATE, so
  two contracts can never take the same last unit; it does so only with the giver's consent
  (the giver drafted or edited the terms, or its signatory signed them): another party
  cannot drain an organization's offer by drafting contracts with it;
- an edit made from an older revision of a draft is refused as a conflict.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any, Iterable, Mapping

from sqlalchemy import case, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.attributes import flag_modified

from exchange.core.accounts import verify_password
from exchange.core.errors import (
    Conflict,
    Errors,
    Forbidden,
    Msg,
    NotFound,
    ValidationError,
    clean_choice,
    clean_date,
    clean_number,
    clean_text,
)
from exchange.core.listings import PUBLIC_STATUSES
from exchange.core.money import refuse_money
from exchange.core.notifications import notify
from models import (
    Category,
    CheckIn,
    CheckInAnswer,
    Commitment,
    CommitmentStatus,
    Contract,
    ContractCounter,
    ContractEvent,
    ContractParty,
    ContractStatus,
    ContractVersion,
    Listing,
    ListingKind,
    ListingStatus,
    Membership,
    Organization,
    Proposal,
    Signature,
    Unit,
    User,
    ValueDefault,
    VersionState,
)
from models.base import MAX_ID
from models.contract import OPEN_STATUSES, SETTLED_COMMITMENTS

WHAT_MAX = 300
NOTE_MAX = 5000
REPRESENTATIVE_MAX = 120
STATUS_NOTE_MAX = 500
QUANTITY_MAX = 100_000
VALUE_MAX = 10_000_000
MAX_PARTIES = 8
MAX_COMMITMENTS = 30
# Nothing more can happen to these: the contract can be given its outcome.
FINAL_COMMITMENTS = frozenset({CommitmentStatus.CONFIRMED, CommitmentStatus.NOT_FEASIBLE})
LONGEST_TERM = timedelta(days=3 * 366)
DEFAULT_TERM = timedelta(days=90)
REAUTHENTICATE_AFTER = timedelta(minutes=15)

# Follow-up, as organisers do it (DOMAIN.md, "After the deal").
FIRST_CONTACT_AFTER = timedelta(days=14)
DUE_REMINDERS = (7, 1)            # days before a due date
CHECK_IN_MONTHS = (3, 6, 12)


# ---------------------------------------------------------------------------- reading

def _contract_query():
    return select(Contract).options(
        selectinload(Contract.parties).selectinload(ContractParty.organization),
        selectinload(Contract.versions).selectinload(ContractVersion.commitments),
        selectinload(Contract.versions).selectinload(ContractVersion.signatures))


def _membership(session: Session, actor: User | None, org_id: int) -> Membership | None:
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return None
    return session.scalar(select(Membership).where(Membership.user_id == actor.id,
                                                   Membership.organization_id == org_id))


def get_contract(session: Session, actor: User | None, contract_id: int) -> Contract:
    """The contract, if the actor is a member of one of its parties; NotFound otherwise."""
    if not isinstance(contract_id, int) or not 0 < contract_id <= MAX_ID or actor is None \
            or not getattr(actor, "is_authenticated", False):
        raise NotFound(Msg("Contract not found."))
    contract = session.scalar(_contract_query().where(Contract.id == contract_id))
    if contract is None or not any(_membership(session, actor, p.organization_id)
                                   for p in contract.parties):
        raise NotFound(Msg("Contract not found."))
    return contract


def acting_party(session: Session, actor: User, contract: Contract, org_id: int, *,
                 signatory: bool = False) -> Membership:
    """The actor's membership of party ORG_ID of the contract (a signatory's, if asked)."""
    membership = _membership(session, actor, org_id)
    if membership is None or contract.party(org_id) is None:
        raise NotFound(Msg("Contract not found."))
    if signatory and not membership.may_sign:
        raise Forbidden(Msg("You may not sign for %(organization)s: ask an owner to let you "
                            "sign contracts.", organization=membership.organization.name))
    return membership


def contracts_query(org_id: int, *, status: ContractStatus | None = None):
    """The organization's contracts (of one STATUS, if given), newest first."""
    query = (_contract_query().join(ContractParty)
             .where(ContractParty.organization_id == org_id)
             .order_by(Contract.created_at.desc(), Contract.id.desc()))
    return query if status is None else query.where(Contract.status == status)


def contracts_of(session: Session, org_id: int) -> list[Contract]:
    return list(session.scalars(contracts_query(org_id)))


@dataclass
class Dashboard:
    awaiting_signature: list[Contract]
    drafts: list[Contract]
    due_soon: list[Contract]
    overdue: list[Contract]
    active: list[Contract]
    ended: list[Contract]


def dashboard(session: Session, org_id: int, today: date, *, soon: int = 14) -> Dashboard:
    """The organization's contracts, sorted the way a coordinator works through them."""
    board = Dashboard([], [], [], [], [], [])
    for contract in contracts_of(session, org_id):
        if contract.status not in OPEN_STATUSES:
            board.ended.append(contract)
            continue
        current = contract.current
        if current.state is VersionState.SIGNING and current.signature_of(org_id) is None:
            board.awaiting_signature.append(contract)
        elif current.state is VersionState.DRAFT:
            board.drafts.append(contract)
        if contract.status is ContractStatus.ACTIVE:
            open_rows = [c for c in contract.in_force.commitments
                         if c.status in (CommitmentStatus.PENDING, CommitmentStatus.DELIVERED)]
            if any(c.due_on < today for c in open_rows):
                board.overdue.append(contract)
            elif any(c.due_on <= today + timedelta(days=soon) for c in open_rows):
                board.due_soon.append(contract)
            else:
                board.active.append(contract)
    return board


def history(session: Session, contract: Contract) -> list[ContractEvent]:
    return list(session.scalars(
        select(ContractEvent).where(ContractEvent.contract_id == contract.id)
        .options(selectinload(ContractEvent.actor), selectinload(ContractEvent.organization))
        .order_by(ContractEvent.id)))


# ---------------------------------------------------------------------------- numbering

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


# ---------------------------------------------------------------------------- validation

@dataclass
class Terms:
    parties: list[int]
    representatives: dict[int, str]
    commitments: list[dict[str, Any]]
    note: str


def suggested_value(session: Session, category, unit: Unit, quantity: int) -> int | None:
    """A value for statistics from the admins' table of defaults: quantity × value per unit."""
    per_unit = session.scalar(select(ValueDefault.value).where(ValueDefault.category == category,
                                                               ValueDefault.unit == unit))
    return None if per_unit is None else per_unit * quantity


def clean_terms(session: Session, data: Mapping[str, Any], today: date, *,
                acting_org: int | None = None) -> Terms:
    """Validate parties, commitments and the note; field names match the web form's.

    ACTING_ORG may link its own unpublished listings; nobody else's are found."""
    errors = Errors()
    parties: list[int] = []
    for value in data.get("parties") or []:
        try:
            org_id = int(value)
        except (TypeError, ValueError, OverflowError):
            errors.add("parties", Msg("Not a valid choice."))
            continue
        if org_id not in parties:
            parties.append(org_id)
    found = {o.id: o for o in session.scalars(
        select(Organization).where(Organization.id.in_([p for p in parties if 0 < p <= MAX_ID])))}
    if any(p not in found for p in parties):
        errors.add("parties", Msg("Organization not found."))
    if len(parties) < 2:
        errors.add("parties", Msg("A contract needs at least two parties."))
    elif len(parties) > MAX_PARTIES:
        errors.add("parties", Msg("A contract can have at most %(max)d parties.", max=MAX_PARTIES))
    representatives = {}
    given = data.get("representatives") or {}
    if not isinstance(given, Mapping):
        errors.add("representatives", Msg("Choose one of the parties."))
        given = {}
    for org_id, name in given.items():
        try:
            key = int(org_id)
        except (TypeError, ValueError, OverflowError):
            errors.add("representatives", Msg("Choose one of the parties."))
            continue
        representatives[key] = clean_text(name, "representatives", errors,
                                          max_length=REPRESENTATIVE_MAX)
    note = clean_text(data.get("note"), "note", errors, max_length=NOTE_MAX, multiline=True)
    refuse_money(errors, {"note": note})

    rows = list(data.get("commitments") or [])
    if not rows:
        errors.add(None, Msg("Add at least one commitment: who gives what to whom."))
    if len(rows) > MAX_COMMITMENTS:
        errors.add(None, Msg("A contract can have at most %(max)d commitments.",
                             max=MAX_COMMITMENTS))
        rows = rows[:MAX_COMMITMENTS]
    commitments = []
    for i, row in enumerate(rows):
        if not isinstance(row, Mapping):
            errors.add(f"commitments-{i}-what", Msg("This field is required."))
            continue
        commitments.append(_clean_commitment(session, f"commitments-{i}-", row, set(parties),
                                             today, errors, acting_org))
    if not errors:
        involved = {c["giver_id"] for c in commitments} | {c["receiver_id"] for c in commitments}
        for org_id in parties:
            if org_id not in involved:
                errors.add("parties", Msg("%(organization)s neither gives nor receives anything: "
                                          "add a commitment for it or remove it.",
                                          organization=found[org_id].name))
    errors.raise_if_any()
    return Terms(parties, {p: representatives.get(p, "") for p in parties}, commitments, note)


def _organization_id(value: Any, field: str, parties: set[int], errors: Errors) -> int | None:
    try:
        org_id = int(value)
    except (TypeError, ValueError, OverflowError):
        errors.add(field, Msg("This field is required."))
        return None
    if org_id not in parties:
        errors.add(field, Msg("Choose one of the parties."))
        return None
    return org_id


def _clean_commitment(session: Session, prefix: str, row: Mapping[str, Any], parties: set[int],
                      today: date, errors: Errors, acting_org: int | None) -> dict[str, Any]:
    giver = _organization_id(row.get("giver_id"), prefix + "giver_id", parties, errors)
    receiver = _organization_id(row.get("receiver_id"), prefix + "receiver_id", parties, errors)
    if giver is not None and giver == receiver:
        errors.add(prefix + "receiver_id", Msg("The giver and the receiver must differ."))
    what = clean_text(row.get("what"), prefix + "what", errors, max_length=WHAT_MAX,
                      required=True)
    refuse_money(errors, {prefix + "what": what})
    quantity = clean_number(row.get("quantity"), prefix + "quantity", errors, kind=int, low=1,
                       high=QUANTITY_MAX, required=True)
    unit = clean_choice(row.get("unit"), prefix + "unit", errors, Unit)
    due_on = clean_date(row.get("due_on"), prefix + "due_on", errors)
    if due_on is None and not errors.errors.get(prefix + "due_on"):
        errors.add(prefix + "due_on", Msg("This field is required."))
    elif due_on is not None and not today <= due_on <= today + LONGEST_TERM:
        errors.add(prefix + "due_on", Msg("Choose a due date from today to three years ahead."))
    value = clean_number(row.get("estimated_value"), prefix + "estimated_value", errors, kind=int,
                    low=0, high=VALUE_MAX)
    listing_id = _linked(session, row.get("listing_id"), prefix + "listing_id", ListingKind.OFFER,
                         giver, acting_org, errors)
    need_id = _linked(session, row.get("need_id"), prefix + "need_id", ListingKind.NEED,
                      receiver, acting_org, errors)
    category = None
    if row.get("category") not in (None, ""):
        category = clean_choice(row.get("category"), prefix + "category", errors, Category)
    elif listing_id or need_id:
        category = session.scalar(select(Listing.category).where(
            Listing.id == (listing_id or need_id)))
    return {"giver_id": giver, "receiver_id": receiver, "what": what, "quantity": quantity,
            "unit": unit, "due_on": due_on, "estimated_value": value, "listing_id": listing_id,
            "need_id": need_id, "category": category, "prefix": prefix}


def _linked(session: Session, value: Any, field: str, kind: ListingKind, org_id: int | None,
            acting_org: int | None, errors: Errors) -> int | None:
    """A listing of KIND belonging to ORG_ID, or None when no listing is linked.

    Another organization's unpublished listing gets the answer of one that does not exist,
    so that probing ids tells nothing of its kind, owner or quantity."""
    if value in (None, "", 0, "0"):
        return None
    try:
        listing_id = int(value)
    except (TypeError, ValueError, OverflowError):
        errors.add(field, Msg("Not a valid choice."))
        return None
    listing = session.get(Listing, listing_id) if 0 < listing_id <= MAX_ID else None
    if listing is not None and listing.status not in PUBLIC_STATUSES \
            and listing.organization_id != acting_org:
        listing = None
    if listing is None or listing.kind is not kind or (org_id is not None
                                                       and listing.organization_id != org_id):
        errors.add(field, Msg("Link an offer of the giver.") if kind is ListingKind.OFFER
                   else Msg("Link a need of the receiver."))
        return None
    return listing_id


# ---------------------------------------------------------------------------- reservations

def _reserve(session: Session, row: Commitment, field: str | None, now: datetime) -> None:
    """Take the row's quantity from its offer's remaining capacity, atomically, or refuse."""
    if row.listing_id is None or row.reserved:
        return
    taken = session.execute(
        update(Listing).where(Listing.id == row.listing_id, Listing.status == ListingStatus.OPEN,
                              Listing.remaining >= row.quantity)
        .values(remaining=Listing.remaining - row.quantity, updated_at=now)
        .execution_options(synchronize_session=False))
    if taken.rowcount != 1:
        _unavailable(field, session.scalar(select(Listing.remaining)
                                           .where(Listing.id == row.listing_id)))
    row.reserved = row.quantity
    _expire_listing(session, row.listing_id)


def _check_available(session: Session, row: Commitment, field: str) -> None:
    """Refuse early what the offer cannot give now, without reserving: only its giver's
    consent reserves it (and is refused then if another contract took it meanwhile)."""
    if row.listing_id is None:
        return
    left = session.scalar(select(Listing.remaining).where(Listing.id == row.listing_id,
                                                          Listing.status == ListingStatus.OPEN))
    if left is None or left < row.quantity:
        _unavailable(field, left)


def _reserve_with_consent(session: Session, row: Commitment, field: str,
                          consenting: Iterable[int], now: datetime) -> None:
    """Reserve ROW's offer if its giver is CONSENTING; else only check it could be given."""
    if row.giver_id in consenting:
        _reserve(session, row, field, now)
    else:
        _check_available(session, row, field)


def _unavailable(field: str | None, left: int | None):
    raise ValidationError.single(field, Msg(
        "This offer is no longer available in that quantity (%(left)d left).", left=left or 0))


def _release(session: Session, row: Commitment, now: datetime) -> None:
    """Give the row's reservation back to its offer (never above the offer's quantity)."""
    if row.listing_id is None or not row.reserved:
        row.reserved = 0
        return
    back = Listing.remaining + row.reserved
    session.execute(update(Listing).where(Listing.id == row.listing_id)
                    .values(remaining=case((back > Listing.quantity, Listing.quantity), else_=back),
                            updated_at=now)
                    .execution_options(synchronize_session=False))
    row.reserved = 0
    _expire_listing(session, row.listing_id)


def _expire_listing(session: Session, listing_id: int) -> None:
    listing = session.identity_map.get((Listing, (listing_id,), None))
    if listing is not None:
        session.expire(listing, ["remaining", "updated_at"])


# ---------------------------------------------------------------------------- history

def record_event(session: Session, contract: Contract, action: str, actor: User | None,
                 org_id: int | None, now: datetime, **changes: Any) -> None:
    # A withdrawn first version is discarded and leaves no current one: log it under its number.
    live = [v for v in contract.versions if v.state is not VersionState.DISCARDED]
    session.add(ContractEvent(contract_id=contract.id,
                              version=(live or contract.versions)[-1].number, action=action,
                              actor_id=actor.id if actor else None, organization_id=org_id,
                              changes=_plain(changes), created_at=now))


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if hasattr(value, "value"):
        return value.value
    return value


def _terms_of(version: ContractVersion, contract: Contract) -> dict[str, Any]:
    return {"parties": [{"organization_id": p.organization_id, "representative": p.representative}
                        for p in contract.parties],
            "commitments": [c.terms for c in version.commitments], "note": version.note}


# ---------------------------------------------------------------------------- drafting

def _touch(contract: Contract, now: datetime) -> None:
    """Mark CONTRACT changed: its revision goes up even when NOW equals the last change's."""
    contract.updated_at = now
    flag_modified(contract, "updated_at")


def _check_revision(contract: Contract, revision: int | None) -> None:
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
            _reserve_with_consent(session, row, clean["prefix"] + "quantity", consenting, now)


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
        _reserve_with_consent(session, row, clean["prefix"] + "quantity", consenting, now)


def create_contract(session: Session, actor: User, org_id: int, data: Mapping[str, Any],
                    now: datetime, *, proposal: Proposal | None = None) -> Contract:
    """A draft from scratch (or from an accepted proposal) by a member of party ORG_ID."""
    membership = _membership(session, actor, org_id)
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
    record_event(session, contract, "create", actor, org_id, now, **_terms_of(version, contract))
    session.flush()
    tell_parties(session, contract, org_id, now, f"contract-drafted:{contract.id}",
                  Msg("%(organization)s drafted contract %(number)s with you. Read it and sign.",
                      organization=membership.organization.name, number=contract.number))
    return contract


def draft_from_proposal(session: Session, actor: User, org_id: int, proposal: Proposal,
                        now: datetime) -> Contract:
    """The draft an accepted proposal starts: the offer's organization gives to the need's."""
    existing = session.scalar(select(Contract).where(Contract.proposal_id == proposal.id,
                                                     Contract.status.in_(OPEN_STATUSES)))
    if existing is not None:
        return existing
    need, offer = proposal.need, proposal.offer
    quantity = max(1, min(need.quantity, offer.remaining) if need.unit == offer.unit
                   else min(1, offer.remaining))
    due = need.available_until or offer.available_until or now.date() + DEFAULT_TERM
    due = min(max(due, now.date()), now.date() + LONGEST_TERM)
    data = {"parties": [offer.organization_id, need.organization_id],
            "commitments": [{"giver_id": offer.organization_id,
                             "receiver_id": need.organization_id, "what": offer.title,
                             "quantity": quantity, "unit": offer.unit.value,
                             "due_on": due.isoformat(), "listing_id": offer.id,
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
    _check_revision(contract, revision)
    version = _editable(contract)
    before = _terms_of(version, contract)
    terms = clean_terms(session, data, now.date(), acting_org=org_id)
    if org_id not in terms.parties:
        raise ValidationError.single("parties", Msg("Your organization must be one of the "
                                                    "parties."))
    in_force = contract.in_force
    for row in list(version.commitments):
        _release(session, row, now)
        version.commitments.remove(row)
    session.flush()
    _fill(session, contract, version, terms, now,
          consenting={org_id} if in_force is None else None)
    _carry_origins(version, in_force)
    _touch(contract, now)
    session.flush()
    after = _terms_of(version, contract)
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


# ---------------------------------------------------------------------------- signing

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
    _check_revision(contract, revision)
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
    version.signatures.append(Signature(organization_id=org_id, user_id=actor.id, signed_at=now))
    _touch(contract, now)
    session.flush()
    if contract.in_force is None:
        # The signature is the giver's consent: its offers in this version are reserved now,
        # or the signature is refused when another contract took them meanwhile.
        for row in version.commitments:
            if row.giver_id == org_id:
                _reserve(session, row, None, now)
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
            _release(session, row, now)
        session.flush()
        for row in version.commitments:
            if row.status is CommitmentStatus.PENDING:
                _reserve(session, row, "quantity", now)
        previous.state = VersionState.SUPERSEDED
    version.state = VersionState.SIGNED
    version.signed_at = now
    contract.status = ContractStatus.ACTIVE
    contract.activated_at = contract.activated_at or now
    for party in contract.parties:
        party.cancel_requested_at = None
    session.flush()
    record_event(session, contract, "activate", actor, None, now)
    tell_parties(session, contract, None, now, f"contract-active:{contract.id}:{version.number}",
                  Msg("Contract %(number)s is signed by every party and is now in force.",
                      number=contract.number))
    _settle_if_done(session, contract, actor, now)


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
            _release(session, row, now)
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
    _touch(contract, now)
    session.flush()
    if contract.in_force is None:
        for row in amendment.commitments:
            if row.giver_id == org_id:
                _reserve(session, row, "quantity", now)
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
            _release(session, row, now)
        contract.status = ContractStatus.WITHDRAWN
        contract.ended_at = now
    _touch(contract, now)
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
    _touch(contract, now)
    session.flush()
    record_event(session, contract, "cancel-request", actor, org_id, now, reason=reason)
    if all(p.cancel_requested_at for p in contract.parties):
        for row in contract.in_force.commitments:
            if row.status is CommitmentStatus.PENDING:
                _release(session, row, now)
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


# ---------------------------------------------------------------------------- fulfilment

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
        _release(session, row, now)
    _touch(contract, now)
    session.flush()
    record_event(session, contract, action, actor, org_id, now, commitment=row.id, what=row.what,
         before=before, after=target, note=note)
    other = row.receiver_id if org_id == row.giver_id else row.giver_id
    _tell_party(session, contract, other, now, f"commitment-{action}:{row.id}:{now.isoformat()}",
                _commitment_message(action, contract, row, org_id))
    _settle_if_done(session, contract, actor, now)
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


def _settle_if_done(session: Session, contract: Contract, actor: User | None,
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
            _release(session, row, now)
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


# ---------------------------------------------------------------------------- follow-up

def add_months(day: datetime, months: int) -> datetime:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


def answer_check_in(session: Session, actor: User, org_id: int, check_in_id: int,
                    answer: str, now: datetime) -> CheckIn:
    """A party's one-click answer to a follow-up question: done, ongoing, no contact, not
    feasible."""
    check_in = session.get(CheckIn, check_in_id) if 0 < check_in_id <= MAX_ID else None
    if check_in is None or check_in.organization_id != org_id:
        raise NotFound(Msg("Contract not found."))
    contract = get_contract(session, actor, check_in.contract_id)
    acting_party(session, actor, contract, org_id)
    errors = Errors()
    choice = clean_choice(answer, "answer", errors, CheckInAnswer)
    errors.raise_if_any()
    check_in.answer = choice
    check_in.answered_by_id = actor.id
    check_in.answered_at = now
    session.flush()
    record_event(session, contract, "check-in", actor, org_id, now, months=check_in.months,
                 answer=choice)
    session.flush()
    return check_in


def follow_up(session: Session, now: datetime) -> int:
    """Send what is due: first-contact reminders, due-date reminders, overdue notices and
    check-ins. Each notice has a unique key, so running twice or catching up sends it once."""
    today = now.date()
    sent = 0
    active = session.scalars(_contract_query().where(Contract.status == ContractStatus.ACTIVE))
    for contract in active:
        version = contract.in_force
        if version is None:
            continue
        if now - contract.activated_at >= FIRST_CONTACT_AFTER and not _anything_since(
                session, contract, contract.activated_at):
            sent += tell_parties(session, contract, None, now, f"first-contact:{contract.id}",
                                  Msg("Contract %(number)s was signed two weeks ago and nothing "
                                      "has been recorded since. Time for first contact: the "
                                      "receiving party calls the giver.", number=contract.number))
        for row in version.commitments:
            sent += _due_notices(session, contract, row, today, now)
        sent += _check_ins(session, contract, now)
        last_due = max(row.due_on for row in version.commitments)
        if last_due < today and _answered_since(session, contract, last_due):
            _settle_if_done(session, contract, None, now, past_due=True)
    session.flush()
    return sent


def _anything_since(session: Session, contract: Contract, moment: datetime) -> bool:
    return session.scalar(select(func.count()).select_from(ContractEvent).where(
        ContractEvent.contract_id == contract.id, ContractEvent.created_at > moment,
        ContractEvent.action.notin_(("sign", "activate")))) > 0


def _due_notices(session: Session, contract: Contract, row: Commitment, today: date,
                 now: datetime) -> int:
    if row.status in SETTLED_COMMITMENTS:
        return 0
    days_left = (row.due_on - today).days
    if days_left < 0:
        # Overdue: the giver has not delivered, or the receiver has not confirmed.
        to = row.giver_id if row.status is CommitmentStatus.PENDING else row.receiver_id
        return _tell_party(session, contract, to, now, f"overdue:{row.id}:{row.due_on}", Msg(
            "“%(what)s” (contract %(number)s) was due on %(due)s and is not confirmed yet. "
            "Record what happened.", what=row.what, number=contract.number,
            due=row.due_on.isoformat()))
    if row.status is not CommitmentStatus.PENDING:
        return 0
    window = next((d for d in sorted(DUE_REMINDERS) if days_left <= d), None)
    if window is None:
        return 0
    sent = 0
    for org_id in (row.giver_id, row.receiver_id):
        sent += _tell_party(session, contract, org_id, now,
                            f"due:{row.id}:{row.due_on}:{window}", Msg(
                                "“%(what)s” (contract %(number)s) is due on %(due)s.",
                                what=row.what, number=contract.number,
                                due=row.due_on.isoformat()))
    return sent


def _months_since(start: datetime, now: datetime) -> int:
    months = (now.year - start.year) * 12 + now.month - start.month
    return months - 1 if add_months(start, months) > now else months


def _check_ins(session: Session, contract: Contract, now: datetime) -> int:
    """Ask each party for a status at 3, 6 and 12 months; after downtime only the newest.

    A contract still running after the 12-month check-in gets one more once its last due
    date has passed, so that its outcome can be settled like any other's."""
    due = [m for m in CHECK_IN_MONTHS if add_months(contract.activated_at, m) <= now]
    if not due:
        return 0
    months = due[-1]
    last_due = max(row.due_on for row in contract.in_force.commitments)
    final = add_months(contract.activated_at, CHECK_IN_MONTHS[-1]).date()
    if last_due >= final and last_due < now.date():
        after_due = datetime.combine(last_due + timedelta(days=1), datetime.min.time(),
                                     tzinfo=timezone.utc)
        months = max(CHECK_IN_MONTHS[-1] + 1, _months_since(contract.activated_at, after_due))
    sent = 0
    for party in contract.parties:
        exists = session.scalar(select(CheckIn.id).where(
            CheckIn.contract_id == contract.id, CheckIn.organization_id == party.organization_id,
            CheckIn.months == months))
        if exists is not None:
            continue
        check_in = CheckIn(contract_id=contract.id, organization_id=party.organization_id,
                           months=months, asked_at=now)
        session.add(check_in)
        session.flush()
        sent += _tell_party(session, contract, party.organization_id, now,
                            f"check-in:{contract.id}:{party.organization_id}:{months}",
                            Msg("%(months)d months since contract %(number)s was signed: how is "
                                "it going?", months=months, number=contract.number),
                            link=f"/contracts/{contract.id}#check-in")
    return sent


def _answered_since(session: Session, contract: Contract, day: date) -> bool:
    """Whether every party has answered a check-in asked after DAY (the last due date)."""
    answered = set(session.scalars(select(CheckIn.organization_id).where(
        CheckIn.contract_id == contract.id, CheckIn.answer.is_not(None),
        CheckIn.asked_at >= datetime.combine(day + timedelta(days=1), datetime.min.time(),
                                             tzinfo=timezone.utc))))
    return answered >= set(contract.organization_ids)


def open_check_ins(session: Session, contract: Contract, org_ids: Iterable[int]) -> list[CheckIn]:
    return list(session.scalars(select(CheckIn).where(
        CheckIn.contract_id == contract.id, CheckIn.organization_id.in_(list(org_ids)),
        CheckIn.answer.is_(None)).order_by(CheckIn.months)))


# ---------------------------------------------------------------------------- notifications

def _people(session: Session, org_id: int) -> list[int]:
    """Who hears about a party's contracts: its owners and the members who sign."""
    return list(session.scalars(select(Membership.user_id).where(
        Membership.organization_id == org_id, Membership.may_sign)))


def _tell_party(session: Session, contract: Contract, org_id: int, now: datetime, key: str,
                message: Msg, *, link: str | None = None) -> int:
    return sum(notify(session, user_id, f"{key}:{user_id}", message,
                      link or f"/contracts/{contract.id}", now)
               for user_id in _people(session, org_id))


def tell_parties(session: Session, contract: Contract, except_org: int | None, now: datetime,
                 key: str, message: Msg, *, only_unsigned: ContractVersion | None = None) -> int:
    sent = 0
    for org_id in contract.organization_ids:
        if org_id == except_org or (only_unsigned and only_unsigned.signature_of(org_id)):
            continue
        sent += _tell_party(session, contract, org_id, now, key, message)
    return sent


# ---------------------------------------------------------------------------- calendar

def calendar_token(session: Session, membership: Membership, *, renew: bool = False) -> str:
    """The secret of the member's calendar URL, made on first use; RENEW replaces it.

    Each member has their own, so that removing a member (or deactivating the account)
    ends that member's feed and no one else's."""
    if membership.calendar_token is None or renew:
        membership.calendar_token = secrets.token_urlsafe(24)
        session.flush()
    return membership.calendar_token


def calendar_entries(session: Session, token: str) -> tuple[Organization, list[tuple[Contract,
                                                                                      Commitment]]]:
    """The organization of the membership owning TOKEN and the due dates of its contracts in
    force; NotFound once the member left or the account is deactivated."""
    membership = session.scalar(
        select(Membership).join(User, User.id == Membership.user_id)
        .where(Membership.calendar_token == token, User.is_active.is_(True))) if token else None
    if membership is None:
        raise NotFound(Msg("Calendar not found."))
    org = membership.organization
    entries = []
    for contract in contracts_of(session, org.id):
        version = contract.in_force
        if contract.status is not ContractStatus.ACTIVE or version is None:
            continue
        entries += [(contract, row) for row in version.commitments
                    if org.id in (row.giver_id, row.receiver_id)]
    return org, entries


# ---------------------------------------------------------------------------- values

def value_defaults(session: Session) -> list[ValueDefault]:
    return list(session.scalars(select(ValueDefault).order_by(ValueDefault.category,
                                                              ValueDefault.unit)))


def set_value_default(session: Session, actor: User, category: Any, unit: Any, value: Any,
                      now: datetime) -> ValueDefault | None:
    """Set (or with an empty VALUE, remove) the value per unit of a category; admins only."""
    if not actor.is_admin:
        raise Forbidden(Msg("Only an administrator may do this."))
    errors = Errors()
    category = clean_choice(category, "category", errors, Category)
    unit = clean_choice(unit, "unit", errors, Unit)
    amount = clean_number(value, "value", errors, kind=int, low=0, high=VALUE_MAX)
    errors.raise_if_any()
    row = session.scalar(select(ValueDefault).where(ValueDefault.category == category,
                                                    ValueDefault.unit == unit))
    if amount is None:
        if row is not None:
            session.delete(row)
        session.flush()
        return None
    if row is None:
        row = ValueDefault(category=category, unit=unit)
        session.add(row)
    row.value = amount
    row.updated_at = now
    session.flush()
    return row
