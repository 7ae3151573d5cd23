"""Who approved whom: the history of an organization's members and an event's staff."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from models import ChangeKind, MembershipChange, User


def record_change(session: Session, kind: ChangeKind, *, actor: User | None, now: datetime,
                  organization_id: int | None = None, event_id: int | None = None,
                  subject: User | None = None, subject_email: str = "",
                  role: Any = "") -> MembershipChange:
    """Add one row to the history of ORGANIZATION_ID or EVENT_ID (exactly one of them)."""
    change = MembershipChange(
        organization_id=organization_id, event_id=event_id, kind=kind,
        actor_id=actor.id if actor is not None else None,
        subject_id=subject.id if subject is not None else None,
        subject_email="" if subject is not None else subject_email,
        role=getattr(role, "value", role) or "", created_at=now)
    session.add(change)
    session.flush()
    return change


def record_signing(session: Session, *, actor: User, subject: User, organization_id: int,
                   was: bool, now_is: bool, now: datetime) -> None:
    """Record that SUBJECT was given or lost the right to sign, if it changed."""
    if was != now_is:
        record_change(session, ChangeKind.SIGNING_GRANTED if now_is else ChangeKind.SIGNING_REVOKED,
                      actor=actor, subject=subject, organization_id=organization_id, now=now)


def history_query(*, organization_id: int | None = None, event_id: int | None = None) -> Select:
    """The changes of one organization's members or one event's staff, newest first.

    The caller has checked that the reader may see them (owners, organisers)."""
    query = select(MembershipChange)
    if organization_id is not None:
        query = query.where(MembershipChange.organization_id == organization_id)
    else:
        query = query.where(MembershipChange.event_id == event_id)
    return query.order_by(MembershipChange.created_at.desc(), MembershipChange.id.desc())
