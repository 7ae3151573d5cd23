"""Who hears about a contract (its parties' owners and signatories) and telling them."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from exchange.core.errors import Msg
from exchange.core.notifications import notify
from models import Contract, ContractVersion, Membership


def _people(session: Session, org_id: int) -> list[int]:
    """Who hears about a party's contracts: its owners and the members who sign."""
    return list(session.scalars(select(Membership.user_id).where(
        Membership.organization_id == org_id, Membership.may_sign)))


def tell_party(session: Session, contract: Contract, org_id: int, now: datetime, key: str,
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
        sent += tell_party(session, contract, org_id, now, key, message)
    return sent
