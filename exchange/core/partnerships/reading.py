"""Reading local partnerships: who reads and who manages one, the lists, the sectors'
balance, the history (the rules: see exchange/core/partnerships/__init__.py)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from exchange.core.errors import Forbidden, Msg, NotFound
from models import (
    MemberRole,
    Membership,
    Organization,
    Partnership,
    PartnershipChange,
    PartnershipChangeKind,
    PartnershipMember,
    PartnershipState,
    Sector,
    User,
)
from models.base import get_by_id

NAME_MAX, GOAL_MAX, MUNICIPALITY_MAX, MUNICIPALITIES_MAX = 200, 5000, 120, 20

# The three sectors whose balance the partnership page shows ("trójsektorowość").
THREE_SECTORS = (Sector.PUBLIC, Sector.NGO, Sector.BUSINESS)

# Which states a partnership may move to from each: a forming one starts or gives up, an
# active one falls asleep or ends, a dormant one wakes or ends; an ended one stays ended.
TRANSITIONS = {
    PartnershipState.FORMING: (PartnershipState.ACTIVE, PartnershipState.ENDED),
    PartnershipState.ACTIVE: (PartnershipState.DORMANT, PartnershipState.ENDED),
    PartnershipState.DORMANT: (PartnershipState.ACTIVE, PartnershipState.ENDED),
    PartnershipState.ENDED: (),
}

NOT_FOUND = Msg("There is no such partnership.")
ENDED = Msg("This partnership has ended: it can no longer be changed.")


# --- reading and roles ---------------------------------------------------------------------

def member_org_ids(partnership: Partnership) -> set[int]:
    return {m.organization_id for m in partnership.current_members}


def user_org_ids(session: Session, user: User, *, owner: bool = False) -> set[int]:
    query = select(Membership.organization_id).where(Membership.user_id == user.id)
    if owner:
        query = query.where(Membership.role == MemberRole.OWNER)
    return set(session.scalars(query))


def is_manager(session: Session, partnership: Partnership, user: User | None) -> bool:
    """The coordinator, or an owner of the leading organization."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return partnership.coordinator_id == user.id or \
        partnership.lead_id in user_org_ids(session, user, owner=True)


def can_read(session: Session, partnership: Partnership, user: User | None) -> bool:
    """Members of member organizations, the coordinator, the animator."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.id in (partnership.coordinator_id, partnership.animator_id):
        return True
    return bool(member_org_ids(partnership) & user_org_ids(session, user))


def get_partnership(session: Session, user: User | None, partnership_id: int, *,
                    manage: bool = False) -> Partnership:
    """The partnership, if USER may read it (NotFound otherwise, as for none); with MANAGE,
    Forbidden unless USER also manages it."""
    partnership = get_by_id(session, Partnership, partnership_id) \
        if isinstance(partnership_id, int) else None
    if partnership is None or not can_read(session, partnership, user):
        raise NotFound(NOT_FOUND)
    if manage and not is_manager(session, partnership, user):
        raise Forbidden(Msg("Only the coordinator and the owners of the leading organization "
                            "may change the partnership."))
    return partnership


def get_public_partnership(session: Session, partnership_id: int) -> Partnership:
    """A partnership that chose a public page; NotFound otherwise."""
    partnership = get_by_id(session, Partnership, partnership_id) \
        if isinstance(partnership_id, int) else None
    if partnership is None or not partnership.is_public:
        raise NotFound(NOT_FOUND)
    return partnership


def partnerships_of(session: Session, user: User) -> list[Partnership]:
    """The partnerships USER reads: of their organizations, coordinated or advised by them."""
    org_ids = user_org_ids(session, user)
    members = select(PartnershipMember.partnership_id).where(
        PartnershipMember.organization_id.in_(org_ids or [0]), PartnershipMember.left_at.is_(None))
    return list(session.scalars(select(Partnership).where(or_(
        Partnership.id.in_(members), Partnership.coordinator_id == user.id,
        Partnership.animator_id == user.id)).order_by(Partnership.name, Partnership.id)))


def public_query() -> Select:
    """The partnerships with a public page, by name."""
    return select(Partnership).where(Partnership.is_public.is_(True)).order_by(
        Partnership.name, Partnership.id)


def sector_balance(partnership: Partnership) -> dict[Sector, list[Organization]]:
    """The current member organizations by sector: the three sectors always (perhaps
    empty), informal groups and individuals only when present."""
    balance: dict[Sector, list[Organization]] = {sector: [] for sector in THREE_SECTORS}
    for member in partnership.current_members:
        balance.setdefault(member.organization.sector, []).append(member.organization)
    for orgs in balance.values():
        orgs.sort(key=lambda org: org.name)
    return balance


def missing_sectors(partnership: Partnership) -> list[Sector]:
    """The sectors of the three with no member organization yet."""
    balance = sector_balance(partnership)
    return [sector for sector in THREE_SECTORS if not balance[sector]]


def allowed_states(partnership: Partnership) -> tuple[PartnershipState, ...]:
    return TRANSITIONS[partnership.state]


# --- history -------------------------------------------------------------------------------

def record(session: Session, partnership: Partnership, kind: PartnershipChangeKind,
           actor: User | None, now: datetime, *, organization_id: int | None = None,
           subject: User | None = None, subject_email: str = "",
           detail: str = "") -> PartnershipChange:
    change = PartnershipChange(
        partnership_id=partnership.id, kind=kind, actor_id=actor.id if actor else None,
        organization_id=organization_id, subject_id=subject.id if subject else None,
        subject_email="" if subject is not None else subject_email, detail=detail,
        created_at=now)
    session.add(change)
    session.flush()
    return change


def history_query(partnership_id: int) -> Select:
    """The partnership's history, newest first; the caller has checked the reader may see it."""
    return select(PartnershipChange).where(
        PartnershipChange.partnership_id == partnership_id).order_by(
        PartnershipChange.created_at.desc(), PartnershipChange.id.desc())


def people_of_lead(session: Session, partnership: Partnership) -> list[User]:
    """Who may coordinate: the active people of the leading organization, by name."""
    return list(session.scalars(select(User).join(Membership).where(
        Membership.organization_id == partnership.lead_id, User.is_active.is_(True))
        .order_by(User.name, User.id)))


def owned_organizations(session: Session, user: User) -> list[Organization]:
    """The organizations USER owns (which may lead a new partnership), by name."""
    return list(session.scalars(select(Organization).join(Membership).where(
        Membership.user_id == user.id, Membership.role == MemberRole.OWNER)
        .order_by(Organization.name)))


def leavable(session: Session, partnership: Partnership, user: User) -> list[Organization]:
    """USER's owned member organizations that may leave (all but the leading one)."""
    owned = user_org_ids(session, user, owner=True)
    return [m.organization for m in partnership.current_members
            if m.organization_id in owned and m.organization_id != partnership.lead_id]


def readable_query(session: Session, user: User | None) -> Select:
    """The partnerships USER reads (see ``partnerships_of``) and the public ones, by name."""
    ids = [p.id for p in partnerships_of(session, user)] if user is not None else []
    return select(Partnership).where(or_(Partnership.is_public.is_(True),
                                         Partnership.id.in_(ids or [0]))).order_by(
        Partnership.name, Partnership.id)


def get_readable_or_public(session: Session, user: User | None,
                           partnership_id: int) -> tuple[Partnership, bool]:
    """The partnership and whether USER reads all of it (else only its public face);
    NotFound when neither."""
    try:
        return get_partnership(session, user, partnership_id), True
    except NotFound:
        return get_public_partnership(session, partnership_id), False

