"""Follow-up, run by the scheduler: first contact, due-date reminders, check-ins months later."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from exchange.core.contracts.fulfilment import settle_if_done
from exchange.core.contracts.history import record_event
from exchange.core.contracts.notices import tell_parties, tell_party
from exchange.core.contracts.reading import acting_party, contract_query, get_contract
from exchange.core.errors import Errors, Msg, NotFound, clean_choice
from models import (
    CheckIn,
    CheckInAnswer,
    Commitment,
    CommitmentStatus,
    Contract,
    ContractEvent,
    ContractStatus,
    User,
)
from models.base import get_by_id
from models.contract import SETTLED_COMMITMENTS

# Follow-up, as organisers do it (DOMAIN.md, "After the deal").
FIRST_CONTACT_AFTER = timedelta(days=14)
DUE_REMINDERS = (7, 1)            # days before a due date
CHECK_IN_MONTHS = (3, 6, 12)


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
    check_in = get_by_id(session, CheckIn, check_in_id)
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
    active = session.scalars(contract_query().where(Contract.status == ContractStatus.ACTIVE))
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
            settle_if_done(session, contract, None, now, past_due=True)
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
        return tell_party(session, contract, to, now, f"overdue:{row.id}:{row.due_on}", Msg(
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
        sent += tell_party(session, contract, org_id, now,
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
        sent += tell_party(session, contract, party.organization_id, now,
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
