"""A partnership's yearly report (issue 18, "Public face and reporting"; seeds 000 §3): what
the partners brought, the meetings held and who came, the tasks, the exchanges between
partners, and the recommendations to the local authority the partners write together.

A year is a calendar year on the Polish clock (the municipality's budget year). Whoever reads
the partnership reads its report (the animator included); the partners' people and the
coordinator write the recommendations, the animator reads them (an adviser does not decide).
A save starts from the revision its author saw: a save from an older one is refused as a
conflict that keeps both texts (models/partnership_report.py), so nothing written is lost."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from exchange.core.errors import Conflict, Errors, Forbidden, Msg, ValidationError, clean_text
from exchange.core.events.timing import zone
from exchange.core.partnerships.plan import goals_of
from exchange.core.partnerships.progress import IndicatorProgress, achieved_value, progress_of
from exchange.core.partnerships.public import SIGNED, between_partners
from exchange.core.partnerships.reading import (
    ENDED,
    get_partnership,
    member_org_ids,
    sector_balance,
    user_org_ids,
)
from models import (
    Contract,
    ContractParty,
    ContractStatus,
    Listing,
    ListingKind,
    ListingStatus,
    MeetingTask,
    Organization,
    Partnership,
    PartnershipMeeting,
    PartnershipMember,
    PlanGoal,
    PartnershipRecommendation,
    PartnershipState,
    Sector,
    User,
)

TIME_ZONE = "Europe/Warsaw"
RECOMMENDATIONS_MAX = 20000
BAD_YEAR = Msg("There is no report for this year: the partnership did not exist then.")
EDITED_MEANWHILE = Msg("Someone saved the recommendations while you were writing. Nothing of "
                       "yours was saved: your text is below, beside theirs — join them and "
                       "save again.")
ANIMATOR_READS = Msg("The animator advises: the partners and the coordinator write the "
                     "recommendations.")


def year_bounds(year: int) -> tuple[datetime, datetime]:
    """The first moment of YEAR and of the next one on the Polish clock, in UTC."""
    tz = zone(TIME_ZONE)
    return (datetime(year, 1, 1, tzinfo=tz).astimezone(UTC),
            datetime(year + 1, 1, 1, tzinfo=tz).astimezone(UTC))


def local_year(moment: datetime) -> int:
    return moment.astimezone(zone(TIME_ZONE)).year


def report_years(partnership: Partnership, now: datetime) -> list[int]:
    """The years the partnership has a report for, the latest first."""
    first, last = local_year(partnership.created_at), local_year(now)
    return list(range(last, first - 1, -1))


def local_start_naive(meeting: PartnershipMeeting) -> datetime:
    """The meeting's start on the Polish clock, without a zone (for spreadsheets)."""
    return meeting.starts_at.astimezone(zone(TIME_ZONE)).replace(tzinfo=None)


def place_of(meeting: PartnershipMeeting) -> str:
    return ", ".join(x for x in (meeting.place_org.name if meeting.place_org else "",
                                 meeting.place_text) if x)


@dataclass
class MeetingLine:
    meeting: PartnershipMeeting
    present: list[Organization]
    absent: list[Organization]
    people: int  # the names written in the attendance, counted


@dataclass
class ExchangeLine:
    contract: Contract
    partners: list[Organization]
    signed_on: date | None


@dataclass
class IndicatorLine:
    goal: PlanGoal
    progress: IndicatorProgress  # as at the year's end (today, for this year)
    in_year: Decimal             # what the year added


@dataclass
class YearReport:
    partnership: Partnership
    year: int
    sectors: dict[Sector, list[Organization]]
    offers: list[Listing] = field(default_factory=list)
    needs: list[Listing] = field(default_factory=list)
    meetings: list[MeetingLine] = field(default_factory=list)
    tasks_done: list[MeetingTask] = field(default_factory=list)
    tasks_open: list[MeetingTask] = field(default_factory=list)
    exchanges: list[ExchangeLine] = field(default_factory=list)
    indicators: list[IndicatorLine] = field(default_factory=list)
    recommendation: PartnershipRecommendation | None = None

    @property
    def attendance_rate(self) -> float | None:
        """Of the partners expected at the year's meetings held, the share who came."""
        expected = sum(len(m.present) + len(m.absent) for m in self.meetings)
        return sum(len(m.present) for m in self.meetings) / expected if expected else None

    @property
    def fulfilled(self) -> int:
        return sum(1 for e in self.exchanges if e.contract.status is ContractStatus.FULFILLED)


def _check_year(partnership: Partnership, year: Any, now: datetime) -> int:
    if not isinstance(year, int) or year not in report_years(partnership, now):
        raise ValidationError.single("year", BAD_YEAR)
    return year


def _members_during(partnership: Partnership, start: datetime, end: datetime) -> list[PartnershipMember]:
    """The member organizations that were in the partnership at some moment of [START, END)."""
    return [m for m in partnership.members
            if m.joined_at < end and (m.left_at is None or m.left_at >= start)]


def partner_contracts(session: Session, partnership: Partnership, org_ids: set[int],
                      start: datetime, end: datetime) -> list[Contract]:
    """Contracts signed in [START, END) between at least two of ORG_IDS (the partners)."""
    if len(org_ids) < 2:
        return []
    return list(session.scalars(
        select(Contract).options(selectinload(Contract.parties).selectinload(ContractParty.organization))
        .where(Contract.id.in_(between_partners(org_ids)), Contract.status.in_(SIGNED),
               Contract.activated_at >= start, Contract.activated_at < end)
        .order_by(Contract.activated_at, Contract.id)))


def year_report(session: Session, user: User | None, partnership_id: int, year: Any,
                now: datetime) -> YearReport:
    """The report of YEAR for a reader of the partnership (NotFound for anyone else)."""
    partnership = get_partnership(session, user, partnership_id)
    year = _check_year(partnership, year, now)
    start, end = year_bounds(year)
    members = _members_during(partnership, start, end)
    report = YearReport(partnership, year, sector_balance(partnership))
    org_ids = {m.organization_id for m in members}
    report.offers, report.needs = _contributions(session, partnership, org_ids, start, end)
    report.meetings = _meetings(session, partnership, members, start, min(end, now))
    report.tasks_done, report.tasks_open = _tasks(session, partnership, year, start, end)
    orgs = {m.organization_id: m.organization for m in members}
    for contract in partner_contracts(session, partnership, org_ids, start, end):
        partners = sorted((orgs[p.organization_id] for p in contract.parties
                           if p.organization_id in orgs), key=lambda o: o.name)
        signed_on = contract.activated_at.astimezone(zone(TIME_ZONE)).date()
        report.exchanges.append(ExchangeLine(contract, partners, signed_on))
    report.indicators = _indicators(session, partnership, start, min(end, now))
    report.recommendation = current_recommendation(session, partnership, year)
    return report


def _indicators(session: Session, partnership: Partnership, start: datetime,
                end: datetime) -> list[IndicatorLine]:
    """Each indicator of the plan, planned against achieved at the year's end (END, the
    moment after its last), and what the year added."""
    if partnership.plan_starts_on is None:
        return []
    last = end - timedelta(microseconds=1)
    lines = []
    for goal in goals_of(session, partnership):
        for indicator in goal.indicators:
            at_end = progress_of(session, indicator, last)
            before = achieved_value(session, indicator, start - timedelta(microseconds=1)) \
                if start.date() > partnership.plan_starts_on else indicator.baseline
            lines.append(IndicatorLine(goal, at_end, at_end.achieved - before))
    return lines


def _contributions(session: Session, partnership: Partnership, org_ids: set[int],
                   start: datetime, end: datetime) -> tuple[list[Listing], list[Listing]]:
    """The offers and needs the partners tagged for the partnership that were live in
    [START, END): one closed before the year began belongs to an earlier report."""
    offers, needs = [], []
    for listing in session.scalars(
            select(Listing).options(selectinload(Listing.organization)).where(
                Listing.partnership_id == partnership.id,
                Listing.status != ListingStatus.DRAFT,
                Listing.organization_id.in_(org_ids or [0]), Listing.created_at < end)
            .order_by(Listing.organization_id, Listing.category, Listing.id)):
        if listing.status in (ListingStatus.CLOSED, ListingStatus.EXPIRED) \
                and listing.updated_at < start:
            continue
        (offers if listing.kind is ListingKind.OFFER else needs).append(listing)
    return offers, needs


def _meetings(session: Session, partnership: Partnership, members: list[PartnershipMember],
              start: datetime, end: datetime) -> list[MeetingLine]:
    """The meetings held (begun, not cancelled) in [START, END), with who came and which
    partners of the day did not."""
    lines = []
    for meeting in session.scalars(
            select(PartnershipMeeting).options(selectinload(PartnershipMeeting.attendance))
            .where(PartnershipMeeting.partnership_id == partnership.id,
                   PartnershipMeeting.cancelled_at.is_(None),
                   PartnershipMeeting.starts_at >= start, PartnershipMeeting.starts_at <= end)
            .order_by(PartnershipMeeting.starts_at, PartnershipMeeting.id)):
        came = {a.organization_id for a in meeting.attendance}
        absent = [m.organization for m in members if m.organization_id not in came
                  and m.joined_at <= meeting.starts_at
                  and (m.left_at is None or m.left_at > meeting.starts_at)]
        people = sum(len([p for p in a.people.replace(";", ",").split(",") if p.strip()])
                     for a in meeting.attendance)
        lines.append(MeetingLine(
            meeting, sorted((a.organization for a in meeting.attendance), key=lambda o: o.name),
            sorted(absent, key=lambda o: o.name), people))
    return lines


def _tasks(session: Session, partnership: Partnership, year: int, start: datetime,
           end: datetime) -> tuple[list[MeetingTask], list[MeetingTask]]:
    """The tasks done in the year, and those due by its end still not done at its end."""
    done, still_open = [], []
    for task in session.scalars(
            select(MeetingTask).join(PartnershipMeeting)
            .options(selectinload(MeetingTask.owner_org))
            .where(PartnershipMeeting.partnership_id == partnership.id,
                   MeetingTask.created_at < end)
            .order_by(MeetingTask.due_on, MeetingTask.id)):
        if task.done_at is not None and start <= task.done_at < end:
            done.append(task)
        elif (task.done_at is None or task.done_at >= end) and task.due_on.year <= year:
            still_open.append(task)
    return done, still_open


# --- recommendations ---------------------------------------------------------------------

def current_recommendation(session: Session, partnership: Partnership,
                           year: int) -> PartnershipRecommendation | None:
    return session.scalars(
        select(PartnershipRecommendation).where(
            PartnershipRecommendation.partnership_id == partnership.id,
            PartnershipRecommendation.year == year)
        .order_by(PartnershipRecommendation.number.desc()).limit(1)).first()


def recommendation_history(session: Session, partnership: Partnership,
                           year: int) -> list[PartnershipRecommendation]:
    """Every saved revision of YEAR's recommendations, the latest first."""
    return list(session.scalars(
        select(PartnershipRecommendation).options(
            selectinload(PartnershipRecommendation.author),
            selectinload(PartnershipRecommendation.organization))
        .where(PartnershipRecommendation.partnership_id == partnership.id,
               PartnershipRecommendation.year == year)
        .order_by(PartnershipRecommendation.number.desc())))


def can_write_recommendations(session: Session, partnership: Partnership,
                              user: User | None) -> bool:
    """The coordinator and the people of the member organizations, while it has not ended."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if partnership.state is PartnershipState.ENDED:
        return False
    return user.id == partnership.coordinator_id or \
        bool(member_org_ids(partnership) & user_org_ids(session, user))


class RecommendationConflict(Conflict):
    """Refused save whose text the page shows again beside the one saved meanwhile."""

    def __init__(self, mine: str, theirs: PartnershipRecommendation) -> None:
        super().__init__(EDITED_MEANWHILE)
        self.mine, self.theirs = mine, theirs


def write_recommendations(session: Session, user: User, partnership_id: int, year: Any,
                          data: Mapping[str, Any], now: datetime) -> PartnershipRecommendation:
    """Save TEXT as YEAR's recommendations, starting from revision BASE (0 for none yet).
    The same text as the current revision saves nothing and returns it."""
    partnership = get_partnership(session, user, partnership_id)
    if partnership.state is PartnershipState.ENDED:
        raise Conflict(ENDED)
    if not can_write_recommendations(session, partnership, user):
        raise Forbidden(ANIMATOR_READS)
    year = _check_year(partnership, year, now)
    errors = Errors()
    text = clean_text(data.get("text"), "text", errors, max_length=RECOMMENDATIONS_MAX,
                      multiline=True)
    base = data.get("base")
    try:
        base = int(base or 0)
    except (TypeError, ValueError):
        base = -1
    if base < 0:
        errors.add("base", Msg("Not a valid choice."))
    errors.raise_if_any()
    current = current_recommendation(session, partnership, year)
    if current is not None and current.number == base and current.text == text:
        return current
    if (current.number if current else 0) != base:
        raise RecommendationConflict(text, current)
    mine = user_org_ids(session, user) & member_org_ids(partnership)
    lead_first = sorted(mine, key=lambda org_id: (org_id != partnership.lead_id, org_id))
    revision = PartnershipRecommendation(
        partnership_id=partnership.id, year=year, number=base + 1, text=text,
        author_id=user.id, organization_id=lead_first[0] if lead_first else None,
        created_at=now)
    try:
        with session.begin_nested():
            session.add(revision)
            session.flush()
    except IntegrityError:
        # Another save from the same revision won the race a moment ago.
        session.expire_all()
        raise RecommendationConflict(
            text, current_recommendation(session, partnership, year)) from None
    return revision
