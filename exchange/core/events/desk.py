"""The notary desk: ratifying a deal into a contract in force, the queue of deals drafted on
phones, turning one of them down.

A ratification is one transaction (the caller's unit of work): contract, signatures, history
and notifications are saved together or not at all. Sending the same desk form twice finds
the first contract (its client key); a queued deal becomes one contract, however many desks
ratify it at once (``_claim``).
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Mapping, NamedTuple

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from exchange.core.contracts import (
    add_first_version,
    clean_terms,
    next_number,
    record_event,
    tell_parties,
)
from exchange.core.errors import (
    Conflict,
    Errors,
    Forbidden,
    Msg,
    NotFound,
    ValidationError,
    clean_text,
)
from exchange.core.events.reading import as_list, get_event, require_role
from exchange.core.events.registration import admitted
from exchange.core.events.session import (
    SessionState,
    accepts_deals,
    bump_board,
    session_state,
)
from exchange.core.organizations import get_membership
from models import (Contract, ContractStatus, ContractVersion, Listing, Signature, User,
                    VersionState)
from models.base import get_by_id
from models.event import DealStatus, EventDeal, ExchangeEvent, StaffRole


def _admitted_org_ids(event: ExchangeEvent) -> set[int]:
    return {p.organization_id for p in admitted(event)}


def _check_parties(event: ExchangeEvent, terms, errors: Errors) -> None:
    allowed = _admitted_org_ids(event)
    if any(org_id not in allowed for org_id in terms.parties):
        errors.add("parties", Msg("Every party must be an admitted participant of this event."))


def _check_not_partnership_only(session: Session, terms, errors: Errors) -> None:
    """A deal at the desk is between the event's participants, before its notary: it links no
    listing kept for a partnership only (the desk's form does not list them)."""
    ids = {c.get(name) for c in terms.commitments for name in ("listing_id", "need_id")} - {None}
    if ids and session.scalar(select(Listing.id).where(Listing.id.in_(ids),
                                                       Listing.partnership_only.is_(True))):
        errors.add("commitments", Msg("A listing kept for a partnership only cannot be part "
                                      "of a deal at an event."))


def _terms_or_errors(session: Session, data: Mapping[str, Any], now: datetime, errors: Errors):
    """The contract terms of DATA, or None with their errors added to ERRORS."""
    try:
        return clean_terms(session, data, now.date())
    except ValidationError as error:
        for name, messages in error.errors.items():
            for message in messages:
                errors.add(name, message)
        return None


def _ratified_as(session: Session, event: ExchangeEvent, client_key: str | None
                 ) -> Contract | None:
    """The contract a desk form with CLIENT_KEY already made, if any."""
    if not client_key:
        return None
    existing = session.scalar(select(Contract).where(Contract.client_key == client_key))
    if existing is not None and existing.event_id != event.id:
        raise Conflict(Msg("This deal was already registered elsewhere."))
    return existing


def _already_handled(session: Session, deal: EventDeal) -> ValidationError:
    number = session.scalar(select(Contract.number).where(Contract.id == deal.contract_id)) \
        if deal.contract_id else None
    return ValidationError.single(None, Msg("This deal was already ratified as contract "
                                            "%(number)s.", number=number) if number else
                                  Msg("This deal was already handled."))


def _claim(session: Session, event: ExchangeEvent, deal: EventDeal, client_key: str | None
           ) -> Contract | None:
    """Take the queued DEAL for this ratification, or find the contract a resend made.

    The conditional UPDATE is the ratification's first write, so desks sending one deal at
    once queue on its row (PostgreSQL) or on the write lock (SQLite); the first takes it, the
    others match no row once it commits and make nothing.
    """
    taken = session.execute(
        update(EventDeal).where(EventDeal.id == deal.id, EventDeal.status == DealStatus.QUEUED)
        .values(status=DealStatus.RATIFIED).execution_options(synchronize_session=False))
    if taken.rowcount == 1:
        return None
    # Someone else took it; our own earlier send (same client key) counts as this one.
    existing = _ratified_as(session, event, client_key)
    if existing is not None:
        return existing
    session.expire(deal)
    raise _already_handled(session, deal)


class Ratified(NamedTuple):
    contract: Contract
    created: bool  # False: the CLIENT_KEY's contract, made by an earlier request


def ratify(session: Session, notary: User, event_id: int, data: Mapping[str, Any],
           now: datetime, *, client_key: str | None = None, opened_at: datetime | None = None,
           deal_id: int | None = None) -> Contract:
    """Register a deal at the desk: a contract in force, signed there by the people present."""
    return ratify_deal(session, notary, event_id, data, now, client_key=client_key,
                       opened_at=opened_at, deal_id=deal_id).contract


def ratify_deal(session: Session, notary: User, event_id: int, data: Mapping[str, Any],
                now: datetime, *, client_key: str | None = None,
                opened_at: datetime | None = None, deal_id: int | None = None) -> Ratified:
    """Register a deal at the desk, and say whether this call made its contract.

    DATA has the contract form's fields (parties, representatives, commitments with an
    optional category) and ``no_money``, the notary's check that no money changes hands.
    A CLIENT_KEY already used returns its contract (not created), also when two requests
    race.
    """
    event = get_event(session, notary, event_id)
    require_role(event, notary, StaffRole.NOTARY)
    existing = _ratified_as(session, event, client_key)
    if existing is not None:
        return Ratified(existing, False)
    deal = _queued_deal(session, event, deal_id) if deal_id is not None else None
    _refuse_out_of_time(event, now, opened_at, deal)
    terms = _desk_terms(session, event, data, now)
    try:
        # The claim inside the savepoint: if the contract then meets a unique key, the deal
        # goes back to the queue with it.
        with session.begin_nested():
            if deal is not None:
                existing = _claim(session, event, deal, client_key)
                if existing is not None:
                    return Ratified(existing, False)
            contract, version = _new_contract(session, event, notary, terms, now, client_key)
    except IntegrityError:
        # The same form sent twice at once: the other request's contract is the deal.
        existing = _ratified_as(session, event, client_key)
        if existing is None:
            raise
        return Ratified(existing, False)
    _sign_at_desk(session, event, notary, contract, version, terms, now)
    _make_known(session, event, contract, deal, now)
    return Ratified(contract, True)


def _queued_deal(session: Session, event: ExchangeEvent, deal_id: int) -> EventDeal:
    """The deal DEAL_ID waiting in EVENT's queue; one already handled says how."""
    deal = get_by_id(session, EventDeal, deal_id)
    if deal is None or deal.event_id != event.id:
        raise NotFound(Msg("There is no such deal in the queue."))
    if deal.status is not DealStatus.QUEUED:
        raise _already_handled(session, deal)
    return deal


def _refuse_out_of_time(event: ExchangeEvent, now: datetime, opened_at: datetime | None,
                        deal: EventDeal | None) -> None:
    """Refuse a deal the session does not take now. It reached the desk when the desk form
    was opened (OPENED_AT) or when DEAL was queued, whichever came first."""
    at_desk_since = min(filter(None, (opened_at, deal.submitted_at if deal else None)),
                        default=None)
    if not accepts_deals(event, now, at_desk_since):
        state = session_state(event, now)
        raise ValidationError.single(None, Msg("The session has not started yet.")
                                     if state is SessionState.SCHEDULED else
                                     Msg("The session is over: no more deals are accepted."))


def _desk_terms(session: Session, event: ExchangeEvent, data: Mapping[str, Any],
                now: datetime):
    """DATA's contract terms, and what the desk adds: every party admitted, the name of each
    party's representative who signs, the notary's check that no money changes hands."""
    errors = Errors()
    terms = _terms_or_errors(session, data, now, errors)
    if terms is not None:
        _check_parties(event, terms, errors)
        _check_not_partnership_only(session, terms, errors)
    given = data.get("representatives")
    given = {str(k): str(v or "").strip() for k, v in given.items()} if isinstance(
        given, Mapping) else {}
    if not all(given.get(str(org_id)) for org_id in as_list(data.get("parties"))):
        errors.add("representatives", Msg("Write the name of every party's representative who "
                                          "signs at the desk."))
    if str(data.get("no_money") or "").lower() not in ("1", "true", "on", "yes"):
        errors.add("no_money", Msg("Confirm that no money changes hands in this deal."))
    errors.raise_if_any()
    return terms


def _new_contract(session: Session, event: ExchangeEvent, notary: User, terms, now: datetime,
                  client_key: str | None) -> tuple[Contract, ContractVersion]:
    """The contract, in force at once and numbered in the event's series, with its first
    version, signed."""
    contract = Contract(
        number=next_number(session, f"{event.number_prefix}-{event.held_on.year}", width=3),
        status=ContractStatus.ACTIVE, created_by_id=notary.id, created_at=now,
        updated_at=now, activated_at=now, event_id=event.id, ratified_at=now,
        ratified_by_id=notary.id, client_key=client_key or None)
    version = ContractVersion(number=1, state=VersionState.SIGNED, created_by_id=notary.id,
                              created_at=now, frozen_at=now, signed_at=now)
    add_first_version(session, contract, version, terms, now)
    return contract, version


def _sign_at_desk(session: Session, event: ExchangeEvent, notary: User, contract: Contract,
                  version: ContractVersion, terms, now: datetime) -> None:
    """Every party's signature, made at the desk by its representative, and the history."""
    for org_id in terms.parties:
        version.signatures.append(Signature(
            organization_id=org_id, user_id=notary.id, signed_at=now, method="at_desk",
            signer_name=notary.name,
            representative=terms.representatives[org_id]))
    session.flush()
    record_event(session, contract, "ratify", notary, None, now, event=event.name,
                 representatives={str(k): v for k, v in terms.representatives.items()},
                 commitments=[row.terms for row in version.commitments])


def _make_known(session: Session, event: ExchangeEvent, contract: Contract,
                deal: EventDeal | None, now: datetime) -> None:
    """The queued deal (if any) marked as this contract, the board moved on, the parties told."""
    if deal is not None:
        deal.status, deal.contract_id = DealStatus.RATIFIED, contract.id
    bump_board(session, event)
    session.flush()
    tell_parties(session, contract, None, now, f"contract-ratified:{contract.id}",
                 Msg("Contract %(number)s was ratified at %(event)s and is in force.",
                     number=contract.number, event=event.name))


def submit_deal(session: Session, actor: User, event_id: int, org_id: int,
                data: Mapping[str, Any], now: datetime) -> EventDeal:
    """A participant's deal drafted on a phone: checked now, queued for the notary."""
    event = get_event(session, actor, event_id)
    get_membership(session, actor, org_id)
    if org_id not in _admitted_org_ids(event):
        raise Forbidden(Msg("Only admitted participants can draft deals at this event."))
    if not accepts_deals(event, now, None):
        raise ValidationError.single(None, Msg("Deals are taken only while the session is "
                                               "open."))
    errors = Errors()
    terms = _terms_or_errors(session, data, now, errors)
    if terms is not None:
        _check_parties(event, terms, errors)
        if org_id not in terms.parties:
            errors.add("parties", Msg("Your organization must be one of the parties."))
    errors.raise_if_any()
    deal = EventDeal(event_id=event.id, organization_id=org_id, terms=_plain_terms(data),
                     submitted_by_id=actor.id, submitted_at=now)
    session.add(deal)
    session.flush()
    return deal


def _plain_terms(data: Mapping[str, Any]) -> dict:
    keep = ("giver_id", "receiver_id", "what", "quantity", "unit", "due_on", "estimated_value",
            "listing_id", "need_id", "category")
    return {"parties": [str(p) for p in data.get("parties") or []],
            "representatives": {str(k): str(v) for k, v in
                                (data.get("representatives") or {}).items()},
            "commitments": [{k: (str(v) if v is not None else "") for k, v in row.items()
                             if k in keep} for row in data.get("commitments") or []
                            if isinstance(row, Mapping)],
            # The participants' own tick that no money changes hands: the desk shows it ticked.
            "no_money": "1" if str(data.get("no_money") or "").lower() in (
                "1", "true", "on", "yes") else ""}


def queue(session: Session, event: ExchangeEvent) -> list[EventDeal]:
    return list(session.scalars(select(EventDeal).where(
        EventDeal.event_id == event.id, EventDeal.status == DealStatus.QUEUED)
        .options(selectinload(EventDeal.organization), selectinload(EventDeal.taken_by))
        .order_by(EventDeal.submitted_at)))


# A desk that opened a queued deal and then neither ratified nor rejected it lets it go after
# this long; another desk may also take it over at once, on purpose.
TAKEN_FOR = timedelta(minutes=10)


def take_deal(session: Session, notary: User, event_id: int, deal_id: int, now: datetime,
              *, take_over: bool = False) -> EventDeal:
    """Open the queued deal DEAL_ID at this notary's desk, so the other desks show it as taken.

    A conditional UPDATE, so two desks opening it at once cannot both have it: the second is
    told who has it (Conflict) unless it takes it over on purpose or the first let it lapse.
    """
    event = get_event(session, notary, event_id)
    require_role(event, notary, StaffRole.NOTARY)
    deal = _queued_deal(session, event, deal_id)
    free = or_(EventDeal.taken_by_id.is_(None), EventDeal.taken_by_id == notary.id,
               EventDeal.taken_at < now - TAKEN_FOR)
    condition = [EventDeal.id == deal.id, EventDeal.status == DealStatus.QUEUED]
    if not take_over:
        condition.append(free)
    taken = session.execute(update(EventDeal).where(*condition)
                            .values(taken_by_id=notary.id, taken_at=now)
                            .execution_options(synchronize_session=False))
    session.expire(deal)
    if taken.rowcount == 1:
        return deal
    if deal.status is not DealStatus.QUEUED:
        raise _already_handled(session, deal)
    holder = deal.taken_by.name if deal.taken_by else ""
    raise Conflict(Msg("%(name)s has opened this deal at another desk. Take it over only if "
                       "that desk has left it.", name=holder))


def taken_elsewhere(deal: EventDeal, notary: User, now: datetime) -> bool:
    """Whether DEAL is open at another notary's desk now (for the queue's "taken" mark)."""
    return (deal.taken_by_id is not None and deal.taken_by_id != notary.id
            and deal.taken_at is not None and deal.taken_at >= now - TAKEN_FOR)


def reject_deal(session: Session, notary: User, event_id: int, deal_id: int, note: Any,
                now: datetime) -> EventDeal:
    event = get_event(session, notary, event_id)
    require_role(event, notary, StaffRole.NOTARY)
    deal = get_by_id(session, EventDeal, deal_id)
    if deal is None or deal.event_id != event.id or deal.status is not DealStatus.QUEUED:
        raise NotFound(Msg("There is no such deal in the queue."))
    errors = Errors()
    deal.note = clean_text(note, "note", errors, max_length=500)
    errors.raise_if_any()
    deal.status = DealStatus.REJECTED
    session.flush()
    return deal
