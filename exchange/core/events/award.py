"""The match of the year: after the session the organiser opens nominations and sets a voting
window; each admitted organization nominates one of the event's deals and, in the window,
votes once; the organiser announces the deal with most votes (picking among a tie).

Rules, for the web pages, the API and the scheduler alike:
- nominations open only after the session is closed, and run until the voting starts; an
  organization's nomination may be changed until then (by any of its members, seeing the
  current one: two members never overwrite each other unseen);
- one vote per organization, not per person, and final once cast (a member cannot undo what
  a colleague decided for the organization);
- an organization may nominate and vote for a deal it is a party of, as at the Beursvloer
  "match van het jaar": each has one vote, so it evens out, and the parties of a fine deal
  are not left out of the vote;
- only nominated deals are on the ballot; the organiser announces after the window ends, one
  of the deals with most votes, once: the winner is recorded with who and when and does not
  change;
- the board, the report and the public summary show only the parties' organization names and
  the commitments' titles of the winner, never a person or a reason.
"""
from __future__ import annotations

import enum
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from exchange.core.errors import (
    Conflict,
    Errors,
    Forbidden,
    Msg,
    NotFound,
    ValidationError,
    clean_text,
)
from exchange.core.events.reading import get_event, require_role
from exchange.core.events.registration import admitted
from exchange.core.events.session import bump_board
from exchange.core.notifications import notify
from models import Contract, ContractVersion, Membership, Organization, User
from models.award import AwardNomination, AwardVote, EventAward
from models.base import MAX_ID
from models.event import ExchangeEvent, StaffRole

REASON_MAX = 300
LONGEST_WINDOW = timedelta(days=31)
FURTHEST_START = timedelta(days=92)

NOMINATIONS_OPEN = ("Nominate a deal of %(event)s for the match of the year: nominations are "
                    "open until the voting starts.")
VOTING_OPEN = "The vote for the match of the year of %(event)s is open: your organization has one vote."
WINNER = "The match of the year of %(event)s is %(number)s: %(parties)s."


class AwardPhase(enum.StrEnum):
    NOMINATING = "nominating"
    VOTING = "voting"
    COUNTING = "counting"  # the window is over, the winner not announced yet
    ANNOUNCED = "announced"


def award_of(session: Session, event: ExchangeEvent) -> EventAward | None:
    return session.get(EventAward, event.id)


def award_phase(award: EventAward | None, now: datetime) -> AwardPhase | None:
    """Where the match of the year stands at NOW (None: nominations never opened)."""
    if award is None:
        return None
    if award.winner_id is not None:
        return AwardPhase.ANNOUNCED
    if now < award.voting_starts_at:
        return AwardPhase.NOMINATING
    if now < award.voting_ends_at:
        return AwardPhase.VOTING
    return AwardPhase.COUNTING


def event_deal(session: Session, event: ExchangeEvent, contract_id: Any) -> Contract:
    """One of EVENT's ratified deals (those the final count holds), or NotFound."""
    try:
        contract_id = int(contract_id)
    except (TypeError, ValueError):
        contract_id = 0
    contract = session.get(Contract, contract_id) if 0 < contract_id <= MAX_ID else None
    if (contract is None or contract.event_id != event.id or contract.ratified_at is None
            or (event.session_closed_at is not None
                and contract.ratified_at > event.session_closed_at)):
        raise NotFound(Msg("There is no such deal at this event."))
    return contract


def _moment(value: Any, field: str, errors: Errors, zone: str) -> datetime | None:
    """VALUE as an aware UTC datetime: one already aware, or "YYYY-MM-DDTHH:MM" on ZONE's clock."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value
    try:
        moment = datetime.fromisoformat(str(value or "").strip())
    except ValueError:
        errors.add(field, Msg("Enter a date and time."))
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(zone))
    return moment.astimezone(ZoneInfo("UTC"))


def _minute(moment: datetime) -> datetime:
    """MOMENT to the minute, as a form's datetime-local field gives it back."""
    return moment.replace(second=0, microsecond=0)


def _readers(session: Session, event: ExchangeEvent) -> list[tuple[int, int]]:
    """(organization, user) of every member of every admitted organization."""
    org_ids = [p.organization_id for p in admitted(event)]
    if not org_ids:
        return []
    return list(session.execute(select(Membership.organization_id, Membership.user_id)
                                .where(Membership.organization_id.in_(org_ids))
                                .order_by(Membership.organization_id, Membership.user_id)))


def _tell_participants(session: Session, event: ExchangeEvent, prefix: str, message: Msg,
                       link, now: datetime) -> int:
    return sum(notify(session, user_id, f"{prefix}:{event.id}:{user_id}", message,
                      link(org_id), now)
               for org_id, user_id in _readers(session, event))


def _ballot_link(event: ExchangeEvent):
    return lambda org_id: f"/events/{event.id}/organizations/{org_id}/award"


def open_award(session: Session, actor: User, event_id: int, starts: Any, ends: Any,
               now: datetime, *, zone: str = "Europe/Warsaw") -> EventAward:
    """Open nominations for the match of the year with a voting window from STARTS to ENDS
    (local times on ZONE's clock, or aware datetimes), or move the window: both ends before
    the voting starts, only its end while it goes on. Opening tells the participants once."""
    event = get_event(session, actor, event_id)
    require_role(event, actor, StaffRole.ORGANISER)
    if event.session_closed_at is None:
        raise ValidationError.single(None, Msg(
            "The match of the year opens once the session is closed."))
    award = award_of(session, event)
    phase = award_phase(award, now)
    if phase in (AwardPhase.COUNTING, AwardPhase.ANNOUNCED):
        raise ValidationError.single(None, Msg("The voting has ended: its window cannot change."))
    errors = Errors()
    start = _moment(starts, "voting_starts_at", errors, zone)
    end = _moment(ends, "voting_ends_at", errors, zone)
    errors.raise_if_any()
    if phase is AwardPhase.VOTING:
        if _minute(start) != _minute(award.voting_starts_at):
            errors.add("voting_starts_at", Msg(
                "The voting has started: only its end can be moved."))
        start = award.voting_starts_at
    elif phase is not AwardPhase.VOTING and start <= now:
        errors.add("voting_starts_at", Msg("The voting must start later than now, so that "
                                           "organizations have time to nominate deals."))
    elif start - now > FURTHEST_START:
        errors.add("voting_starts_at", Msg("The voting must start within three months."))
    if end <= max(start, now):
        errors.add("voting_ends_at", Msg("The voting must end after it starts, and later than now."))
    elif end - start > LONGEST_WINDOW:
        errors.add("voting_ends_at", Msg("The voting may last a month at most."))
    errors.raise_if_any()
    if award is None:
        award = EventAward(event_id=event.id, opened_at=now, opened_by_id=actor.id,
                           voting_starts_at=start, voting_ends_at=end)
        try:
            with session.begin_nested():  # two organisers opening it at once: one opens
                session.add(award)
                session.flush()
        except IntegrityError:
            raise Conflict(Msg("Nominations were opened a moment ago. Reload the page to see "
                               "the window.")) from None
        _tell_participants(session, event, "event-award-open", Msg(NOMINATIONS_OPEN,
                           event=event.name), _ballot_link(event), now)
    else:
        award.voting_starts_at, award.voting_ends_at = start, end
    event.updated_at = now
    bump_board(session, event)
    session.flush()
    return award


def _participant(session: Session, actor: User, event: ExchangeEvent, org_id: int) -> None:
    """Refuse ACTOR unless they are a member of ORG_ID and it is an admitted participant."""
    if not any(p.organization_id == org_id for p in admitted(event)):
        raise Forbidden(Msg("Only admitted participants of the event take part in the match "
                            "of the year."))
    if session.scalar(select(Membership.id).where(Membership.organization_id == org_id,
                                                  Membership.user_id == actor.id)) is None:
        raise Forbidden(Msg("Only the organization's members may do this."))


def _open_award(session: Session, event: ExchangeEvent) -> EventAward:
    award = award_of(session, event)
    if award is None:
        raise ValidationError.single(None, Msg(
            "The match of the year of this event is not open yet."))
    return award


def nomination_of(session: Session, event: ExchangeEvent, org_id: int) -> AwardNomination | None:
    return session.scalar(select(AwardNomination).where(AwardNomination.event_id == event.id,
                                                        AwardNomination.organization_id == org_id))


def vote_of(session: Session, event: ExchangeEvent, org_id: int) -> AwardVote | None:
    return session.scalar(select(AwardVote).where(AwardVote.event_id == event.id,
                                                  AwardVote.organization_id == org_id))


def nominate(session: Session, actor: User, event_id: int, org_id: int, contract_id: Any,
             reason: Any, was: Any, now: datetime) -> AwardNomination:
    """Nominate the deal CONTRACT_ID for ORG_ID, with an optional REASON, if the organization's
    nomination still is WAS (the contract id the member saw, "" for none)."""
    event = get_event(session, actor, event_id)
    _participant(session, actor, event, org_id)
    phase = award_phase(_open_award(session, event), now)
    if phase is not AwardPhase.NOMINATING:
        raise ValidationError.single(None, Msg("Nominations closed when the voting started."))
    errors = Errors()
    text = clean_text(reason, "reason", errors, max_length=REASON_MAX)
    errors.raise_if_any()
    try:
        contract = event_deal(session, event, contract_id)
    except NotFound as error:
        raise ValidationError.single("contract_id", error.message) from None
    seen = str(was or "").strip()
    current = nomination_of(session, event, org_id)
    if current is None and not seen:
        nomination = AwardNomination(event_id=event.id, organization_id=org_id,
                                     contract_id=contract.id, reason=text,
                                     nominated_by_id=actor.id, nominated_at=now)
        try:
            with session.begin_nested():  # two members nominating at once: the first counts
                session.add(nomination)
                session.flush()
        except IntegrityError:
            current = nomination_of(session, event, org_id)
            raise _changed_meanwhile(session, current) from None
        return nomination
    if current is None or str(current.contract_id) != seen:
        raise _changed_meanwhile(session, current)
    changed = session.execute(
        update(AwardNomination).where(AwardNomination.id == current.id,
                                      AwardNomination.contract_id == current.contract_id)
        .values(contract_id=contract.id, reason=text, nominated_by_id=actor.id,
                nominated_at=now).execution_options(synchronize_session=False)).rowcount
    session.refresh(current)
    if changed != 1:
        raise _changed_meanwhile(session, current)
    return current


def _changed_meanwhile(session: Session, current: AwardNomination | None) -> Conflict:
    if current is None:
        return Conflict(Msg("Your organization's nomination was withdrawn meanwhile. Reload "
                            "the page and nominate again."))
    return Conflict(Msg("Someone of your organization has just nominated %(number)s. Check "
                        "it and change it if needed.", number=current.contract.number))


def vote(session: Session, actor: User, event_id: int, org_id: int, contract_id: Any,
         now: datetime) -> AwardVote:
    """Cast ORG_ID's one vote for the nominated deal CONTRACT_ID, in the voting window."""
    event = get_event(session, actor, event_id)
    _participant(session, actor, event, org_id)
    award = _open_award(session, event)
    phase = award_phase(award, now)
    if phase is AwardPhase.NOMINATING:
        raise ValidationError.single(None, Msg("The voting has not started yet."))
    if phase is not AwardPhase.VOTING:
        raise ValidationError.single(None, Msg("The voting has ended."))
    nominated = set(session.scalars(select(AwardNomination.contract_id).where(
        AwardNomination.event_id == event.id)))
    try:
        contract_id = int(contract_id)
    except (TypeError, ValueError):
        contract_id = 0
    if contract_id not in nominated:
        raise ValidationError.single("contract_id", Msg("Choose one of the nominated deals."))
    cast = vote_of(session, event, org_id)
    if cast is None:
        cast = AwardVote(event_id=event.id, organization_id=org_id, contract_id=contract_id,
                         voted_by_id=actor.id, voted_at=now)
        try:
            with session.begin_nested():  # two members voting at once: the first one counts
                session.add(cast)
                session.flush()
            return cast
        except IntegrityError:
            cast = vote_of(session, event, org_id)
    raise Conflict(Msg("Your organization has already voted, for %(number)s: one vote per "
                       "organization.", number=cast.contract.number))


@dataclass
class Candidate:
    contract: Contract
    votes: int = 0
    nominations: list[AwardNomination] = field(default_factory=list)
    parties: list[str] = field(default_factory=list)
    what: list[str] = field(default_factory=list)


def candidates(session: Session, event: ExchangeEvent) -> list[Candidate]:
    """The nominated deals with their votes, most votes first (then by number)."""
    nominations = list(session.scalars(
        select(AwardNomination).where(AwardNomination.event_id == event.id)
        .options(selectinload(AwardNomination.organization))
        .order_by(AwardNomination.nominated_at, AwardNomination.id)))
    votes = Counter(session.scalars(select(AwardVote.contract_id).where(
        AwardVote.event_id == event.id)))
    found: dict[int, Candidate] = {}
    for nomination in nominations:
        if nomination.contract_id not in found:
            found[nomination.contract_id] = Candidate(
                nomination.contract, votes[nomination.contract_id],
                **_public(session, nomination.contract))
        found[nomination.contract_id].nominations.append(nomination)
    return sorted(found.values(), key=lambda c: (-c.votes, c.contract.number))


def leaders(found: list[Candidate]) -> list[Candidate]:
    """The candidates with most votes (several in a tie)."""
    return [c for c in found if c.votes == found[0].votes] if found else []


def _public(session: Session, contract: Contract) -> dict:
    """What anyone may read of a deal: its parties' names and its commitments' titles."""
    version = session.scalar(select(ContractVersion).where(
        ContractVersion.contract_id == contract.id).order_by(ContractVersion.number).limit(1)
        .options(selectinload(ContractVersion.commitments)))
    names = dict(session.execute(select(Organization.id, Organization.name).where(
        Organization.id.in_(contract.organization_ids))).all())
    return {"parties": [names.get(p.organization_id, "") for p in contract.parties],
            "what": [row.what for row in version.commitments] if version else []}


def announce_winner(session: Session, actor: User, event_id: int, contract_id: Any,
                    now: datetime) -> EventAward:
    """Announce CONTRACT_ID, one of the deals with most votes, once the window has ended;
    the board shows it at once and the participants are told (once)."""
    event = get_event(session, actor, event_id)
    require_role(event, actor, StaffRole.ORGANISER)
    award = _open_award(session, event)
    phase = award_phase(award, now)
    if phase is AwardPhase.ANNOUNCED:
        raise Conflict(Msg("The match of the year is already announced: %(number)s.",
                           number=award.winner.number))
    if phase is not AwardPhase.COUNTING:
        raise ValidationError.single(None, Msg("The winner is announced after the voting ends."))
    top = leaders(candidates(session, event))
    if not top:
        raise ValidationError.single(None, Msg("No deal was nominated."))
    chosen = next((c for c in top if str(c.contract.id) == str(contract_id).strip()), None)
    if chosen is None:
        raise ValidationError.single("contract_id", Msg(
            "Choose one of the deals with most votes."))
    changed = session.execute(
        update(EventAward).where(EventAward.event_id == event.id,
                                 EventAward.winner_id.is_(None))
        .values(winner_id=chosen.contract.id, announced_by_id=actor.id, announced_at=now)
        .execution_options(synchronize_session=False)).rowcount
    session.refresh(award)
    if changed != 1:
        raise Conflict(Msg("The match of the year is already announced: %(number)s.",
                           number=award.winner.number))
    event.updated_at = now
    bump_board(session, event)
    _tell_participants(session, event, "event-award-winner", Msg(
        WINNER, event=event.name, number=chosen.contract.number,
        parties=" · ".join(chosen.parties)), lambda _org: f"/events/{event.id}/summary", now)
    session.flush()
    return award


def voting_notices(session: Session, now: datetime) -> int:
    """Tell the members of each participant of each event whose vote is open now that it is;
    return how many notices were sent (each once: its key names the event and the reader)."""
    sent = 0
    for award in session.scalars(select(EventAward).where(
            EventAward.winner_id.is_(None), EventAward.voting_starts_at <= now,
            EventAward.voting_ends_at > now)):
        event = session.get(ExchangeEvent, award.event_id)
        sent += _tell_participants(session, event, "event-award-voting",
                                   Msg(VOTING_OPEN, event=event.name), _ballot_link(event), now)
    return sent


def award_slot(session: Session, event: ExchangeEvent) -> dict | None:
    """The match of the year as the board and the summary show it: None before nominations
    open, ``{"announced": False}`` until the winner is known, then its public data."""
    award = award_of(session, event)
    if award is None:
        return None
    if award.winner_id is None:
        return {"announced": False}
    return {"announced": True, "number": award.winner.number, **_public(session, award.winner)}
