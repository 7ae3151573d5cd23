"""Each member's secret calendar feed of their organization's due dates."""
from __future__ import annotations

import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from exchange.core.contracts.reading import contracts_of
from exchange.core.errors import Msg, NotFound
from models import Commitment, Contract, ContractStatus, Membership, Organization, User


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
