"""What a logged-in user has to do, across their organizations: contracts to sign, our
commitments due within two weeks (or late), new proposals for our listings, follow-up
questions to answer, and the exchange events they take part in, today's first."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from exchange.core.contracts.reading import dashboard
from exchange.core.organizations import memberships_of
from exchange.core.proposals import proposals_for_us
from models import (ApplicationStatus, CheckIn, CommitmentStatus, Contract, EventParticipant,
                    EventStaff, EventStatus, ExchangeEvent, Membership, User)

DUE_WITHIN = 14  # days


@dataclass
class OrganizationTodo:
    membership: Membership
    to_sign: list[Contract] = field(default_factory=list)
    due: list = field(default_factory=list)  # our commitments to give, late or due soon
    proposals: int = 0  # strong matches for our listings nobody has decided on
    check_ins: list[CheckIn] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.to_sign or self.due or self.proposals or self.check_ins)


@dataclass
class Todo:
    organizations: list[OrganizationTodo]
    events: list[ExchangeEvent]
    today: date

    @property
    def empty(self) -> bool:
        return not self.events and all(o.empty for o in self.organizations)


def todo(session: Session, index, user: User, today: date) -> Todo:
    """USER's to-do list on TODAY. INDEX is the matching index (for the proposals)."""
    organizations = []
    for membership in memberships_of(session, user):
        org_id = membership.organization_id
        board = dashboard(session, org_id, today, soon=DUE_WITHIN)
        item = OrganizationTodo(membership)
        if membership.may_sign:
            item.to_sign = board.awaiting_signature
        item.due = sorted(
            (row for contract in board.overdue + board.due_soon
             for row in contract.in_force.commitments
             if row.giver_id == org_id and row.status is CommitmentStatus.PENDING
             and row.due_on <= today + timedelta(days=DUE_WITHIN)),
            key=lambda row: row.due_on)
        item.proposals = sum(1 for _listing, views in proposals_for_us(session, index, user,
                                                                       org_id)
                             for view in views if view.decision is None and not view.weak)
        item.check_ins = list(session.scalars(
            select(CheckIn).where(CheckIn.organization_id == org_id, CheckIn.answer.is_(None))
            .order_by(CheckIn.asked_at)))
        organizations.append(item)
    return Todo(organizations, _events(session, user, organizations, today), today)


def _events(session: Session, user: User, organizations: list[OrganizationTodo],
            today: date) -> list[ExchangeEvent]:
    """Published events from TODAY on where USER is staff or one of their organizations
    is admitted, the soonest first."""
    org_ids = [o.membership.organization_id for o in organizations]
    admitted = select(EventParticipant.event_id).where(
        EventParticipant.organization_id.in_(org_ids),
        EventParticipant.status == ApplicationStatus.ADMITTED)
    staff = select(EventStaff.event_id).where(EventStaff.user_id == user.id)
    return list(session.scalars(
        select(ExchangeEvent).where(ExchangeEvent.status == EventStatus.PUBLISHED,
                                    ExchangeEvent.held_on >= today,
                                    or_(ExchangeEvent.id.in_(admitted),
                                        ExchangeEvent.id.in_(staff)))
        .order_by(ExchangeEvent.held_on, ExchangeEvent.id).limit(5)))
