"""Local partnerships: organizations of a municipality from the public, social and business
sectors, working toward a shared goal (DOMAIN.md, "Local partnerships"; seeds 001 §2.1).

Who may do what:
- members of the member organizations read the partnership; so do its coordinator and its
  animator (an adviser who reads and, later, comments, but decides nothing);
- the coordinator and the owners of the leading organization change it ("managers");
- an owner of a member organization takes it out (not the leading one while it leads);
- anyone reads the public face of a partnership that chose to have one (no people's data).
A reader who may not see a partnership gets NotFound, as for one that does not exist.

Invitations follow exchange/core/invitations.py: the link's secret is kept as a hash, works
once, for 14 days; accepting spends it with a conditional update, so that two requests racing
with one link join once.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any, Mapping

from sqlalchemy import Select, or_, select, update
from sqlalchemy.orm import Session

from exchange.core.accounts import clean_email, find_user_by_email
from exchange.core.errors import (
    Conflict,
    Errors,
    Forbidden,
    Msg,
    NotFound,
    ValidationError,
    clean_choice,
    clean_text,
)
from exchange.core.invitations import LIFETIME, SECRET_MAX
from exchange.core.notifications import notify
from exchange.core.secret_hash import hash_secret, new_secret
from models import (
    Formalisation,
    MemberRole,
    Membership,
    Organization,
    Partnership,
    PartnershipChange,
    PartnershipChangeKind,
    PartnershipInvitation,
    PartnershipKind,
    PartnershipMember,
    PartnershipRole,
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

_NOT_FOUND = Msg("There is no such partnership.")
_UNKNOWN = Msg("This invitation link is not valid. Check that the whole address was copied, "
               "or ask the person who invited you to send it again.")
_USED = Msg("This invitation has already been accepted. Each invitation link works once.")
_DECLINED = Msg("This invitation has been declined.")
_EXPIRED = Msg("This invitation has expired: an invitation link works for 14 days. Ask the "
               "person who invited you to send it again.")
_REVOKED = Msg("This invitation has been withdrawn. Ask the person who invited you if they "
               "still want you to join.")
_ENDED = Msg("This partnership has ended: it can no longer be changed.")


# --- reading and roles ---------------------------------------------------------------------

def _member_org_ids(partnership: Partnership) -> set[int]:
    return {m.organization_id for m in partnership.current_members}


def _user_org_ids(session: Session, user: User, *, owner: bool = False) -> set[int]:
    query = select(Membership.organization_id).where(Membership.user_id == user.id)
    if owner:
        query = query.where(Membership.role == MemberRole.OWNER)
    return set(session.scalars(query))


def is_manager(session: Session, partnership: Partnership, user: User | None) -> bool:
    """The coordinator, or an owner of the leading organization."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return partnership.coordinator_id == user.id or \
        partnership.lead_id in _user_org_ids(session, user, owner=True)


def can_read(session: Session, partnership: Partnership, user: User | None) -> bool:
    """Members of member organizations, the coordinator, the animator."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.id in (partnership.coordinator_id, partnership.animator_id):
        return True
    return bool(_member_org_ids(partnership) & _user_org_ids(session, user))


def get_partnership(session: Session, user: User | None, partnership_id: int, *,
                    manage: bool = False) -> Partnership:
    """The partnership, if USER may read it (NotFound otherwise, as for none); with MANAGE,
    Forbidden unless USER also manages it."""
    partnership = get_by_id(session, Partnership, partnership_id) \
        if isinstance(partnership_id, int) else None
    if partnership is None or not can_read(session, partnership, user):
        raise NotFound(_NOT_FOUND)
    if manage and not is_manager(session, partnership, user):
        raise Forbidden(Msg("Only the coordinator and the owners of the leading organization "
                            "may change the partnership."))
    return partnership


def get_public_partnership(session: Session, partnership_id: int) -> Partnership:
    """A partnership that chose a public page; NotFound otherwise."""
    partnership = get_by_id(session, Partnership, partnership_id) \
        if isinstance(partnership_id, int) else None
    if partnership is None or not partnership.is_public:
        raise NotFound(_NOT_FOUND)
    return partnership


def partnerships_of(session: Session, user: User) -> list[Partnership]:
    """The partnerships USER reads: of their organizations, coordinated or advised by them."""
    org_ids = _user_org_ids(session, user)
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


# --- creating and changing -----------------------------------------------------------------

def clean_municipalities(value: Any, errors: Errors) -> list[str]:
    """One or more municipalities, from a list or a text separated by commas or lines."""
    if isinstance(value, str):
        value = value.replace("\n", ",").split(",")
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        errors.add("municipalities", Msg("Must be a list of municipalities."))
        return []
    names: list[str] = []
    for raw in value:
        name = " ".join(raw.split())
        if not name:
            continue
        if len(name) > MUNICIPALITY_MAX:
            errors.add("municipalities", Msg("Must be at most %(max)d characters.",
                                             max=MUNICIPALITY_MAX))
            return []
        name = name[:1].upper() + name[1:]
        if name.casefold() not in {n.casefold() for n in names}:
            names.append(name)
    if not names:
        errors.add("municipalities", Msg("Name at least one municipality."))
    elif len(names) > MUNICIPALITIES_MAX:
        errors.add("municipalities", Msg("Name at most %(max)d municipalities.",
                                         max=MUNICIPALITIES_MAX))
    return names


def _clean(data: Mapping[str, Any], errors: Errors) -> dict[str, Any]:
    return {
        "name": clean_text(data.get("name"), "name", errors, max_length=NAME_MAX, required=True),
        "municipalities": clean_municipalities(data.get("municipalities"), errors),
        "goal": clean_text(data.get("goal"), "goal", errors, max_length=GOAL_MAX, required=True,
                           multiline=True),
        "kind": clean_choice(data.get("kind"), "kind", errors, PartnershipKind),
        "formalisation": clean_choice(data.get("formalisation") or Formalisation.NONE,
                                      "formalisation", errors, Formalisation),
        "is_public": _boolean(data.get("is_public"), "is_public", errors),
    }


def _boolean(value: Any, field: str, errors: Errors) -> bool:
    if value in (None, "", False, "0", "false", "n"):
        return False
    if value in (True, "1", "true", "y", "on"):
        return True
    errors.add(field, Msg("Must be true or false."))
    return False


def _id(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) < 12:
        return int(value)
    return None


def _coordinator(session: Session, lead_id: int, value: Any, errors: Errors) -> User | None:
    """The person of the leading organization named by VALUE (a user id)."""
    user_id = _id(value)
    membership = session.scalar(select(Membership).where(
        Membership.organization_id == lead_id, Membership.user_id == user_id)) \
        if user_id is not None else None
    if membership is None or not membership.user.is_active:
        errors.add("coordinator_id", Msg("The coordinator must be a person of the leading "
                                         "organization."))
        return None
    return membership.user


def create_partnership(session: Session, actor: User, data: Mapping[str, Any],
                       now: datetime) -> Partnership:
    """Start a partnership led by one of ACTOR's organizations (ACTOR an owner of it), which
    becomes its first member; the coordinator is ACTOR unless DATA names another person of
    the leading organization. It starts forming."""
    errors = Errors()
    clean = _clean(data, errors)
    lead_id = _id(data.get("lead_id"))
    owned = _user_org_ids(session, actor, owner=True)
    if lead_id is None and len(owned) == 1:
        lead_id = next(iter(owned))
    if lead_id not in owned:
        errors.add("lead_id", Msg("Choose one of the organizations you own as the leading "
                                  "institution."))
        coordinator = None
    elif data.get("coordinator_id") in (None, ""):
        coordinator = actor
    else:
        coordinator = _coordinator(session, lead_id, data.get("coordinator_id"), errors)
    errors.raise_if_any()
    partnership = Partnership(**clean, state=PartnershipState.FORMING, lead_id=lead_id,
                              coordinator_id=coordinator.id, created_at=now, updated_at=now)
    partnership.members.append(PartnershipMember(organization_id=lead_id, joined_at=now))
    session.add(partnership)
    session.flush()
    record(session, partnership, PartnershipChangeKind.CREATED, actor, now)
    record(session, partnership, PartnershipChangeKind.JOINED, actor, now,
           organization_id=lead_id)
    if coordinator.id != actor.id:
        _tell_coordinator(session, partnership, coordinator, now)
    return partnership


def _living(session: Session, actor: User, partnership_id: int) -> Partnership:
    partnership = get_partnership(session, actor, partnership_id, manage=True)
    if partnership.state is PartnershipState.ENDED:
        raise Conflict(_ENDED)
    return partnership


def update_partnership(session: Session, actor: User, partnership_id: int,
                       data: Mapping[str, Any], now: datetime) -> Partnership:
    """Change the partnership's description (name, municipalities, goal, kind, formalisation,
    public page); managers only. The lead, the coordinator and the state change elsewhere."""
    partnership = _living(session, actor, partnership_id)
    errors = Errors()
    clean = _clean(data, errors)
    errors.raise_if_any()
    for field, value in clean.items():
        setattr(partnership, field, value)
    partnership.updated_at = now
    session.flush()
    return partnership


def change_state(session: Session, actor: User, partnership_id: int, state: Any,
                 now: datetime) -> Partnership:
    """Move the partnership to STATE, if that follows from its present one (TRANSITIONS)."""
    partnership = get_partnership(session, actor, partnership_id, manage=True)
    errors = Errors()
    state = clean_choice(state, "state", errors, PartnershipState)
    errors.raise_if_any()
    if state not in TRANSITIONS[partnership.state]:
        raise Conflict(Msg("A partnership cannot go from this state to that one."))
    moved = session.execute(update(Partnership).where(
        Partnership.id == partnership.id, Partnership.state == partnership.state)
        .values(state=state, updated_at=now))
    if moved.rowcount != 1:
        raise Conflict(Msg("Someone changed the partnership's state meanwhile; look again."))
    session.refresh(partnership)
    record(session, partnership, PartnershipChangeKind.STATE_CHANGED, actor, now,
           detail=state.value)
    return partnership


def hand_over(session: Session, actor: User, partnership_id: int, user_id: Any,
              now: datetime) -> Partnership:
    """Make another person of the leading organization the coordinator; managers only."""
    partnership = _living(session, actor, partnership_id)
    errors = Errors()
    successor = _coordinator(session, partnership.lead_id, user_id, errors)
    errors.raise_if_any()
    if successor.id == partnership.coordinator_id:
        raise ValidationError.single("coordinator_id", Msg("This person is the coordinator "
                                                           "already."))
    partnership.coordinator_id = successor.id
    partnership.updated_at = now
    session.flush()
    record(session, partnership, PartnershipChangeKind.COORDINATOR_CHANGED, actor, now,
           subject=successor)
    if successor.id != actor.id:
        _tell_coordinator(session, partnership, successor, now)
    return partnership


def _tell_coordinator(session: Session, partnership: Partnership, user: User,
                      now: datetime) -> None:
    notify(session, user.id, f"partnership-coordinator:{partnership.id}:{user.id}:"
           f"{now.isoformat()}", Msg("You are now the coordinator of the partnership "
                                     "„%(name)s”.", name=partnership.name),
           f"/partnerships/{partnership.id}", now)


def remove_animator(session: Session, actor: User, partnership_id: int,
                    now: datetime) -> Partnership:
    partnership = _living(session, actor, partnership_id)
    if partnership.animator_id is None:
        raise Conflict(Msg("The partnership has no animator."))
    record(session, partnership, PartnershipChangeKind.ANIMATOR_REMOVED, actor, now,
           subject=partnership.animator)
    partnership.animator_id = None
    partnership.updated_at = now
    session.flush()
    return partnership


def leave(session: Session, actor: User, partnership_id: int, org_id: Any,
          now: datetime) -> PartnershipMember:
    """Take organization ORG_ID out of the partnership: an owner of it may, unless it leads."""
    partnership = get_partnership(session, actor, partnership_id)
    org_id = _id(org_id)
    member = next((m for m in partnership.current_members if m.organization_id == org_id), None)
    if member is None or org_id not in _user_org_ids(session, actor, owner=True):
        raise Forbidden(Msg("Only an owner of a member organization may take it out of the "
                            "partnership."))
    if org_id == partnership.lead_id:
        raise Conflict(Msg("The leading institution cannot leave the partnership while it "
                           "leads it."))
    left = session.execute(update(PartnershipMember).where(
        PartnershipMember.id == member.id, PartnershipMember.left_at.is_(None))
        .values(left_at=now))
    if left.rowcount != 1:
        raise Conflict(Msg("This organization has already left the partnership."))
    session.refresh(member)
    record(session, partnership, PartnershipChangeKind.LEFT, actor, now, organization_id=org_id)
    if partnership.coordinator_id is not None and partnership.coordinator_id != actor.id:
        notify(session, partnership.coordinator_id,
               f"partnership-left:{partnership.id}:{org_id}:{now.isoformat()}",
               Msg("%(organization)s left the partnership „%(name)s”.",
                   organization=member.organization.name, name=partnership.name),
               f"/partnerships/{partnership.id}", now)
    return member


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


# --- invitations ---------------------------------------------------------------------------

def _renew(invitation: PartnershipInvitation, now: datetime) -> str:
    secret = new_secret()
    invitation.token_hash = hash_secret(secret)
    invitation.sent_at = now
    invitation.expires_at = now + LIFETIME
    return secret


def _pending_query():
    return (PartnershipInvitation.accepted_at.is_(None),
            PartnershipInvitation.declined_at.is_(None),
            PartnershipInvitation.revoked_at.is_(None))


def invite(session: Session, actor: User, partnership_id: int, *, email: Any,
           role: Any = PartnershipRole.PARTNER,
           now: datetime) -> tuple[PartnershipInvitation, str]:
    """Invite EMAIL to the partnership: an organization as a partner (an owner of it accepts
    for it), or a person as the animator. Managers only. A pending invitation of EMAIL to the
    same role is resent rather than doubled. Return the invitation and its link's secret."""
    partnership = _living(session, actor, partnership_id)
    errors = Errors()
    email = clean_email(email, "email", errors)
    role = clean_choice(role, "role", errors, PartnershipRole)
    errors.raise_if_any()
    if role is PartnershipRole.ANIMATOR:
        user = find_user_by_email(session, email)
        if user is not None and user.id == partnership.animator_id:
            raise ValidationError.single("email", Msg("This person is the animator already."))
    invitation = session.scalar(select(PartnershipInvitation).where(
        PartnershipInvitation.partnership_id == partnership.id,
        PartnershipInvitation.email == email, PartnershipInvitation.role == role,
        PartnershipInvitation.expires_at > now, *_pending_query()).limit(1))
    kind = PartnershipChangeKind.INVITATION_RESENT
    if invitation is None:
        kind = PartnershipChangeKind.INVITED
        invitation = PartnershipInvitation(partnership_id=partnership.id, email=email, role=role,
                                           invited_by_id=actor.id, created_at=now)
        session.add(invitation)
    secret = _renew(invitation, now)
    session.flush()
    record(session, partnership, kind, actor, now, subject_email=email, detail=role.value)
    return invitation, secret


def _managed_invitation(session: Session, actor: User, partnership_id: int,
                        invitation_id: int) -> PartnershipInvitation:
    partnership = _living(session, actor, partnership_id)
    invitation = get_by_id(session, PartnershipInvitation, invitation_id) \
        if isinstance(invitation_id, int) else None
    if invitation is None or invitation.partnership_id != partnership.id:
        raise NotFound(Msg("There is no such invitation."))
    return invitation


def resend_invitation(session: Session, actor: User, partnership_id: int, invitation_id: int,
                      now: datetime) -> tuple[PartnershipInvitation, str]:
    """A new link for a pending (or expired) invitation; the old one dies."""
    invitation = _managed_invitation(session, actor, partnership_id, invitation_id)
    if any(at is not None for at in (invitation.accepted_at, invitation.declined_at,
                                     invitation.revoked_at)):
        raise Conflict(Msg("This invitation has been accepted, declined or withdrawn; invite "
                           "again instead."))
    secret = _renew(invitation, now)
    session.flush()
    record(session, invitation.partnership, PartnershipChangeKind.INVITATION_RESENT, actor, now,
           subject_email=invitation.email, detail=invitation.role.value)
    return invitation, secret


def revoke_invitation(session: Session, actor: User, partnership_id: int, invitation_id: int,
                      now: datetime) -> PartnershipInvitation:
    invitation = _managed_invitation(session, actor, partnership_id, invitation_id)
    revoked = session.execute(update(PartnershipInvitation).where(
        PartnershipInvitation.id == invitation.id, *_pending_query()).values(revoked_at=now))
    if revoked.rowcount != 1:
        raise Conflict(Msg("This invitation has already been accepted, declined or withdrawn."))
    session.refresh(invitation)
    record(session, invitation.partnership, PartnershipChangeKind.INVITATION_REVOKED, actor, now,
           subject_email=invitation.email, detail=invitation.role.value)
    return invitation


def pending_invitations(session: Session, partnership_id: int) -> list[PartnershipInvitation]:
    """Invitations not yet answered nor withdrawn (expired ones too, to resend), newest first."""
    return list(session.scalars(select(PartnershipInvitation).where(
        PartnershipInvitation.partnership_id == partnership_id, *_pending_query())
        .order_by(PartnershipInvitation.sent_at.desc(), PartnershipInvitation.id.desc())))


def open_invitation(session: Session, secret: Any, now: datetime) -> PartnershipInvitation:
    """The invitation whose link holds SECRET, while it can be answered; say why not:
    NotFound for an unknown link, ValidationError (no field) for a used one."""
    invitation = session.scalar(select(PartnershipInvitation).where(
        PartnershipInvitation.token_hash == hash_secret(secret))) \
        if isinstance(secret, str) and 0 < len(secret) <= SECRET_MAX else None
    if invitation is None:
        raise NotFound(_UNKNOWN)
    for at, message in ((invitation.accepted_at, _USED), (invitation.declined_at, _DECLINED),
                        (invitation.revoked_at, _REVOKED)):
        if at is not None:
            raise ValidationError.single(None, message)
    if invitation.expires_at <= now:
        raise ValidationError.single(None, _EXPIRED)
    return invitation


def _addressee(invitation: PartnershipInvitation, user: User) -> None:
    if not user.is_active or user.email != invitation.email:
        raise Forbidden(Msg("This invitation is for another e-mail address. Log out and "
                            "open the link again, or log in with the invited address."))


def organizations_to_accept_for(session: Session, invitation: PartnershipInvitation,
                                user: User) -> list[Organization]:
    """USER's organizations (owned) that could join by INVITATION: not members already."""
    present = _member_org_ids(invitation.partnership)
    return list(session.scalars(select(Organization).join(Membership).where(
        Membership.user_id == user.id, Membership.role == MemberRole.OWNER,
        Organization.id.notin_(present or [0])).order_by(Organization.name)))


def _spend(session: Session, invitation: PartnershipInvitation, secret: str, now: datetime,
           **values: Any) -> None:
    spent = session.execute(update(PartnershipInvitation).where(
        PartnershipInvitation.id == invitation.id,
        PartnershipInvitation.token_hash == hash_secret(secret),
        PartnershipInvitation.expires_at > now, *_pending_query()).values(**values))
    if spent.rowcount != 1:  # another request was quicker, or the link changed meanwhile
        raise ValidationError.single(None, _USED)
    session.refresh(invitation)


def accept_invitation(session: Session, secret: Any, user: User, now: datetime, *,
                      org_id: Any = None) -> PartnershipInvitation:
    """Answer yes: a partner's invitation for ORG_ID (one USER owns, not a member yet), an
    animator's for USER. Only the invited address's account may. Two requests with one link
    join once: the other is told it was used."""
    invitation = open_invitation(session, secret, now)
    _addressee(invitation, user)
    partnership = invitation.partnership
    if partnership.state is PartnershipState.ENDED:
        raise ValidationError.single(None, _ENDED)
    if invitation.role is PartnershipRole.ANIMATOR:
        _spend(session, invitation, secret, now, accepted_at=now, accepted_by_id=user.id)
        partnership.animator_id = user.id
        partnership.updated_at = now
        session.flush()
        record(session, partnership, PartnershipChangeKind.ANIMATOR_JOINED, user, now,
               subject=user)
        message = Msg("%(person)s accepted the invitation to advise the partnership "
                      "„%(name)s”.", person=user.name, name=partnership.name)
    else:
        org_id = _id(org_id)
        if org_id is None or org_id not in _user_org_ids(session, user, owner=True):
            raise ValidationError.single("org_id", Msg("Choose one of the organizations you "
                                                       "own."))
        if org_id in _member_org_ids(partnership):
            raise ValidationError.single("org_id", Msg("This organization is a member of the "
                                                       "partnership already."))
        _spend(session, invitation, secret, now, accepted_at=now, accepted_by_id=user.id,
               organization_id=org_id)
        _join(session, partnership, org_id, now)
        record(session, partnership, PartnershipChangeKind.JOINED, user, now,
               organization_id=org_id)
        message = Msg("%(organization)s joined the partnership „%(name)s”.",
                      organization=invitation.organization.name, name=partnership.name)
    for person_id in {invitation.invited_by_id, partnership.coordinator_id} - {None, user.id}:
        notify(session, person_id, f"partnership-joined:{invitation.id}:{person_id}", message,
               f"/partnerships/{partnership.id}", now)
    return invitation


def _join(session: Session, partnership: Partnership, org_id: int, now: datetime) -> None:
    """Add ORG_ID to the members, or bring back one that left. The unique (partnership,
    organization) pair stops two different links from adding one organization twice."""
    former = next((m for m in partnership.members if m.organization_id == org_id), None)
    if former is None:
        partnership.members.append(PartnershipMember(organization_id=org_id, joined_at=now))
    else:
        back = session.execute(update(PartnershipMember).where(
            PartnershipMember.id == former.id, PartnershipMember.left_at.is_not(None))
            .values(left_at=None, joined_at=now))
        if back.rowcount != 1:
            raise ValidationError.single("org_id", Msg("This organization is a member of the "
                                                       "partnership already."))
        session.refresh(former)
    session.flush()


def decline_invitation(session: Session, secret: Any, user: User,
                       now: datetime) -> PartnershipInvitation:
    """Answer no; the invited address's account only. The inviter is told."""
    invitation = open_invitation(session, secret, now)
    _addressee(invitation, user)
    _spend(session, invitation, secret, now, declined_at=now)
    partnership = invitation.partnership
    record(session, partnership, PartnershipChangeKind.DECLINED, user, now,
           subject=user, detail=invitation.role.value)
    if invitation.invited_by_id is not None and invitation.invited_by_id != user.id:
        notify(session, invitation.invited_by_id, f"partnership-declined:{invitation.id}",
               Msg("%(email)s declined the invitation to the partnership „%(name)s”.",
                   email=invitation.email, name=partnership.name),
               f"/partnerships/{partnership.id}/members", now)
    return invitation


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
    owned = _user_org_ids(session, user, owner=True)
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
