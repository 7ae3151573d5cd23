"""Creating and changing local partnerships: the description, the state, the coordinator,
the animator, and members leaving."""
from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from exchange.core.errors import (
    Conflict,
    Errors,
    Forbidden,
    Msg,
    ValidationError,
    clean_choice,
    clean_number,
    clean_text,
)
from exchange.core.partnerships.engagement import QUIET_WEEKS_MAX, QUIET_WEEKS_MIN
from exchange.core.notifications import notify
from exchange.core.partnerships.reading import (
    ENDED,
    GOAL_MAX,
    MUNICIPALITIES_MAX,
    MUNICIPALITY_MAX,
    NAME_MAX,
    TRANSITIONS,
    get_partnership,
    record,
    user_org_ids,
)
from models import (
    Formalisation,
    Listing,
    Membership,
    Partnership,
    PartnershipChangeKind,
    PartnershipKind,
    PartnershipMember,
    PartnershipState,
    User,
)

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
    } | _quiet_weeks(data, errors)


def _quiet_weeks(data: Mapping[str, Any], errors: Errors) -> dict[str, int]:
    """The weeks without contact after which a partner is quiet, when DATA gives them."""
    if data.get("quiet_weeks") in (None, ""):
        return {}
    weeks = clean_number(data.get("quiet_weeks"), "quiet_weeks", errors, kind=int,
                         low=QUIET_WEEKS_MIN, high=QUIET_WEEKS_MAX)
    return {} if weeks is None else {"quiet_weeks": weeks}


def _boolean(value: Any, field: str, errors: Errors) -> bool:
    if value in (None, "", False, "0", "false", "n"):
        return False
    if value in (True, "1", "true", "y", "on"):
        return True
    errors.add(field, Msg("Must be true or false."))
    return False


def parse_id(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) < 12:
        return int(value)
    return None


def _coordinator(session: Session, lead_id: int, value: Any, errors: Errors) -> User | None:
    """The person of the leading organization named by VALUE (a user id)."""
    user_id = parse_id(value)
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
    lead_id = parse_id(data.get("lead_id"))
    owned = user_org_ids(session, actor, owner=True)
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


def living(session: Session, actor: User, partnership_id: int) -> Partnership:
    partnership = get_partnership(session, actor, partnership_id, manage=True)
    if partnership.state is PartnershipState.ENDED:
        raise Conflict(ENDED)
    return partnership


def update_partnership(session: Session, actor: User, partnership_id: int,
                       data: Mapping[str, Any], now: datetime) -> Partnership:
    """Change the partnership's description (name, municipalities, goal, kind, formalisation,
    public page); managers only. The lead, the coordinator and the state change elsewhere."""
    partnership = living(session, actor, partnership_id)
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
    partnership = living(session, actor, partnership_id)
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
    partnership = living(session, actor, partnership_id)
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
    org_id = parse_id(org_id)
    member = next((m for m in partnership.current_members if m.organization_id == org_id), None)
    if member is None or org_id not in user_org_ids(session, actor, owner=True):
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
    detach_listings(session, partnership.id, org_id, now)
    record(session, partnership, PartnershipChangeKind.LEFT, actor, now, organization_id=org_id)
    if partnership.coordinator_id is not None and partnership.coordinator_id != actor.id:
        notify(session, partnership.coordinator_id,
               f"partnership-left:{partnership.id}:{org_id}:{now.isoformat()}",
               Msg("%(organization)s left the partnership „%(name)s”.",
                   organization=member.organization.name, name=partnership.name),
               f"/partnerships/{partnership.id}", now)
    return member




def detach_listings(session: Session, partnership_id: int, org_id: int, now: datetime) -> int:
    """An organization out of the partnership takes its listings tagged for it back: they stay
    its own and leave the partnership; one kept for the partnership only stays hidden (its own
    members alone see it: exchange/core/listings.py) until they open it to everyone or bring
    it to another partnership. Return how many."""
    return session.execute(update(Listing).where(
        Listing.partnership_id == partnership_id, Listing.organization_id == org_id)
        .values(partnership_id=None, updated_at=now)
        .execution_options(synchronize_session="fetch")).rowcount
