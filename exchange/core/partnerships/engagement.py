"""Keeping partners engaged (issue 18): the contact log, each partner's last contact and last
activity, the "quiet partner" notice and each partner's page of what it gave and got.

Who sees what:
- the contact log (its notes, people's names, channels, and so each partner's last contact and
  whether it is quiet) is the coordinator's working tool: the managers (the coordinator and the
  owners of the leading organization) write it; they and the animator read it; partners do not
  see it, so no partner reads notes about another;
- a meeting recorded with attendance counts as a contact with every partner present, by
  itself: the log shows it and nobody types it again;
- each partner's last activity and its page of what it gave and got are read by every reader
  of the partnership (it is the partnership's shared record, meant to be shown to its board);
  a logged contact counts as activity, so a partner may learn the day of one, never its note;
- the quiet notice goes to the coordinator once per quiet spell: the spell is named by the
  last contact it follows, so a new contact starts a new spell, and a job running twice (or
  twice at once) tells once (the notification's unique key)."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from exchange.core.errors import (
    Conflict,
    Errors,
    Forbidden,
    Msg,
    NotFound,
    clean_choice,
    clean_date,
    clean_text,
)
from exchange.core.events.timing import zone
from exchange.core.notifications import notify
from exchange.core.partnerships.contributions import LIVE, PartnerProposal, partner_proposals
from exchange.core.partnerships.reading import (
    ENDED,
    get_partnership,
    is_manager,
    member_org_ids,
)
from models import (
    Commitment,
    ContactChannel,
    Contract,
    ContractParty,
    ContractVersion,
    Listing,
    ListingKind,
    MeetingAttendance,
    MeetingTask,
    Organization,
    Partnership,
    PartnershipContact,
    PartnershipMeeting,
    PartnershipMember,
    PartnershipState,
    Signature,
    User,
    VersionState,
)

TIME_ZONE = "Europe/Warsaw"
PERSON_MAX, NOTE_MAX = 200, 2000
QUIET_WEEKS_DEFAULT, QUIET_WEEKS_MIN, QUIET_WEEKS_MAX = 6, 1, 52
NOTICE_PREFIX = "partnership-quiet"
# The partnerships whose partners the quiet notice watches: a dormant or ended one is left be.
WATCHED = (PartnershipState.FORMING, PartnershipState.ACTIVE)
LOG_READERS_ONLY = Msg("The contact log is the coordinator's: only the coordinator, the owners "
                       "of the leading organization and the animator see it.")
NO_SUCH_PARTNER = Msg("This organization is not a partner of the partnership.")


# --- who may ------------------------------------------------------------------------------

def can_read_log(session: Session, partnership: Partnership, user: User | None) -> bool:
    """The managers and the animator."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.id == partnership.animator_id or is_manager(session, partnership, user)


def get_log(session: Session, user: User | None, partnership_id: int, *,
            write: bool = False) -> Partnership:
    """The partnership whose log USER reads (WRITE: writes); NotFound for a non-reader of the
    partnership, Forbidden for a partner who may not."""
    partnership = get_partnership(session, user, partnership_id, manage=write)
    if not can_read_log(session, partnership, user):
        raise Forbidden(LOG_READERS_ONLY)
    return partnership


# --- the contact log ----------------------------------------------------------------------

def _clean_partner(partnership: Partnership, value: Any, errors: Errors) -> int | None:
    try:
        org_id = int(value)
    except (TypeError, ValueError):
        org_id = -1
    if org_id not in member_org_ids(partnership):
        errors.add("organization_id", Msg("Choose one of the partnership's member "
                                          "organizations."))
        return None
    return org_id


def _clean_when(value: Any, errors: Errors, now: datetime) -> datetime:
    """Now when empty or today; another day at noon, Polish time; never in the future."""
    if isinstance(value, datetime):
        when = value
    else:
        day = clean_date(value, "contacted_on", errors)
        today = now.astimezone(zone(TIME_ZONE)).date()
        if day is None or day == today:
            return now
        when = datetime.combine(day, time(12), tzinfo=zone(TIME_ZONE)).astimezone(UTC)
    if when > now:
        errors.add("contacted_on", Msg("A contact is logged after it happened, not before."))
    return when


def log_contact(session: Session, user: User, partnership_id: int, data: Mapping[str, Any],
                now: datetime) -> PartnershipContact:
    """Log a contact with a partner: ORGANIZATION_ID, CHANNEL, optionally PERSON, NOTE and
    CONTACTED_ON (a day; today, at NOW, when empty)."""
    partnership = get_log(session, user, partnership_id, write=True)
    if partnership.state is PartnershipState.ENDED:
        raise Conflict(ENDED)
    errors = Errors()
    org_id = _clean_partner(partnership, data.get("organization_id"), errors)
    channel = clean_choice(data.get("channel"), "channel", errors, ContactChannel)
    person = clean_text(data.get("person"), "person", errors, max_length=PERSON_MAX)
    note = clean_text(data.get("note"), "note", errors, max_length=NOTE_MAX, multiline=True)
    when = _clean_when(data.get("contacted_on"), errors, now)
    errors.raise_if_any()
    contact = PartnershipContact(partnership_id=partnership.id, organization_id=org_id,
                                 person=person, channel=channel, note=note, contacted_at=when,
                                 author_id=user.id, created_at=now)
    session.add(contact)
    session.flush()
    return contact


def delete_contact(session: Session, user: User, partnership_id: int, contact_id: int,
                   now: datetime) -> None:
    """Take a line logged by mistake out of the log; managers only."""
    partnership = get_log(session, user, partnership_id, write=True)
    if partnership.state is PartnershipState.ENDED:
        raise Conflict(ENDED)
    contact = session.get(PartnershipContact, contact_id) if isinstance(contact_id, int) else None
    if contact is None or contact.partnership_id != partnership.id:
        raise NotFound(Msg("There is no such contact in the log."))
    session.delete(contact)
    session.flush()


@dataclass
class LogEntry:
    at: datetime
    organization: Organization
    channel: ContactChannel
    person: str = ""
    note: str = ""
    author: User | None = None
    contact_id: int | None = None
    meeting: PartnershipMeeting | None = None


def _attendance(session: Session, partnership: Partnership, org_id: int | None = None):
    """(attendance, meeting) of the partnership's recorded, not cancelled meetings."""
    query = (select(MeetingAttendance, PartnershipMeeting).join(PartnershipMeeting)
             .where(PartnershipMeeting.partnership_id == partnership.id,
                    PartnershipMeeting.recorded_at.is_not(None),
                    PartnershipMeeting.cancelled_at.is_(None)))
    if org_id is not None:
        query = query.where(MeetingAttendance.organization_id == org_id)
    return session.execute(query.options(selectinload(MeetingAttendance.organization))).all()


def contact_log(session: Session, partnership: Partnership, *,
                org_id: int | None = None) -> list[LogEntry]:
    """The log, newest first: the contacts written and the meetings partners attended (the
    caller has checked the reader may read the log)."""
    query = select(PartnershipContact).options(
        selectinload(PartnershipContact.organization), selectinload(PartnershipContact.author)
    ).where(PartnershipContact.partnership_id == partnership.id)
    if org_id is not None:
        query = query.where(PartnershipContact.organization_id == org_id)
    entries = [LogEntry(c.contacted_at, c.organization, c.channel, c.person, c.note, c.author,
                        c.id) for c in session.scalars(query)]
    entries += [LogEntry(m.starts_at, a.organization, ContactChannel.MEETING, a.people,
                         meeting=m) for a, m in _attendance(session, partnership, org_id)]
    return sorted(entries, key=lambda e: (e.at, e.contact_id or 0), reverse=True)


def last_contacts(session: Session, partnership: Partnership) -> dict[int, datetime]:
    """Each partner's last contact: logged, or a meeting it attended."""
    last: dict[int, datetime] = {}
    for org_id, at in session.execute(
            select(PartnershipContact.organization_id, func.max(PartnershipContact.contacted_at))
            .where(PartnershipContact.partnership_id == partnership.id)
            .group_by(PartnershipContact.organization_id)):
        last[org_id] = at
    for attendance, meeting in _attendance(session, partnership):
        _later(last, attendance.organization_id, meeting.starts_at)
    return last


def _later(into: dict, key: int, at: datetime | None) -> None:
    if at is not None and (key not in into or into[key] < at):
        into[key] = at


def last_activities(session: Session, partnership: Partnership) -> dict[int, datetime]:
    """Each partner's last sign of life in the partnership: a contribution declared or edited,
    a task done, a meeting attended, a contract signed with another partner, a contact."""
    last = dict(last_contacts(session, partnership))
    orgs = member_org_ids(partnership)
    for org_id, at in session.execute(
            select(Listing.organization_id, func.max(Listing.updated_at))
            .where(Listing.partnership_id == partnership.id).group_by(Listing.organization_id)):
        _later(last, org_id, at)
    for org_id, at in session.execute(
            select(MeetingTask.owner_org_id, func.max(MeetingTask.done_at)).join(PartnershipMeeting)
            .where(PartnershipMeeting.partnership_id == partnership.id,
                   MeetingTask.done_at.is_not(None)).group_by(MeetingTask.owner_org_id)):
        _later(last, org_id, at)
    for org_id, at in _signatures_with_partners(session, orgs):
        _later(last, org_id, at)
    return last


def _signatures_with_partners(session: Session, orgs: set[int]) -> list[tuple[int, datetime]]:
    """(organization, signed at) of the partners' signatures on contracts with another
    partner."""
    if len(orgs) < 2:
        return []
    rows = session.execute(
        select(Signature.organization_id, Signature.signed_at, ContractVersion.contract_id)
        .join(ContractVersion, Signature.version_id == ContractVersion.id)
        .where(Signature.organization_id.in_(orgs))).all()
    parties: dict[int, set[int]] = {}
    for contract_id, org_id in session.execute(
            select(ContractParty.contract_id, ContractParty.organization_id).where(
                ContractParty.contract_id.in_({r[2] for r in rows} or [0]))):
        parties.setdefault(contract_id, set()).add(org_id)
    return [(org_id, at) for org_id, at, contract_id in rows
            if (parties.get(contract_id, set()) & orgs) - {org_id}]


# --- quiet partners -----------------------------------------------------------------------

def quiet_since(session: Session, partnership: Partnership,
                now: datetime) -> dict[int, datetime]:
    """The partners without contact for the partnership's QUIET_WEEKS, each with the moment
    since which it is quiet (its last contact, else when it joined). The leading organization
    is the coordinator's own, never quiet; a dormant or ended partnership has none."""
    if partnership.state not in WATCHED:
        return {}
    limit = now - timedelta(weeks=partnership.quiet_weeks or QUIET_WEEKS_DEFAULT)
    last = last_contacts(session, partnership)
    quiet = {}
    for member in partnership.current_members:
        if member.organization_id == partnership.lead_id:
            continue
        since = max(last.get(member.organization_id, member.joined_at), member.joined_at)
        if since <= limit:
            quiet[member.organization_id] = since
    return quiet


def notify_quiet_partners(session: Session, now: datetime) -> int:
    """Tell each watched partnership's coordinator of its partners gone quiet: once per
    partner and quiet spell. Return how many notices went."""
    sent = 0
    partnerships = session.scalars(select(Partnership).where(
        Partnership.state.in_(WATCHED), Partnership.coordinator_id.is_not(None))
        .order_by(Partnership.id)).all()
    for partnership in partnerships:
        quiet = quiet_since(session, partnership, now)
        names = {m.organization_id: m.organization.name for m in partnership.current_members}
        for org_id, since in sorted(quiet.items()):
            key = (f"{NOTICE_PREFIX}:{partnership.id}:{org_id}:"
                   f"{since.astimezone(UTC).strftime('%Y%m%dT%H%M%S')}")
            message = Msg("No contact with %(organization)s in the partnership „%(name)s” for "
                          "%(weeks)d weeks or more: call or visit them?",
                          organization=names[org_id], name=partnership.name,
                          weeks=partnership.quiet_weeks)
            try:
                with session.begin_nested():  # a run at the same moment may have told them
                    sent += notify(session, partnership.coordinator_id, key, message,
                                   f"/partnerships/{partnership.id}/members#partner-{org_id}",
                                   now)
            except IntegrityError:
                pass
    session.flush()
    return sent


# --- what each partner gave and got -------------------------------------------------------

@dataclass
class PartnerRecord:
    organization: Organization
    member: PartnershipMember
    contributions: list[Listing] = field(default_factory=list)
    needs: list[Listing] = field(default_factory=list)
    given: list[Commitment] = field(default_factory=list)
    tasks_done: list[MeetingTask] = field(default_factory=list)
    open_tasks: list[MeetingTask] = field(default_factory=list)
    received: list[Commitment] = field(default_factory=list)
    meetings: list[PartnershipMeeting] = field(default_factory=list)
    proposals: list[PartnerProposal] = field(default_factory=list)
    last_activity: datetime | None = None


def get_partner(session: Session, user: User | None, partnership_id: int,
                org_id: int) -> tuple[Partnership, PartnershipMember]:
    """The partnership (if USER reads it) and ORG_ID's place in it (a past member's too)."""
    partnership = get_partnership(session, user, partnership_id)
    member = next((m for m in partnership.members if m.organization_id == org_id), None)
    if member is None:
        raise NotFound(NO_SUCH_PARTNER)
    return partnership, member


def _commitments_between(session: Session, partnership: Partnership,
                         org_id: int) -> list[Commitment]:
    """The commitments in force, in contracts ORG_ID signed, given to or by another partner;
    not the partnership's declaration (what the partners bring, shown as contributions)."""
    others = member_org_ids(partnership) - {org_id}
    if not others:
        return []
    contracts = session.scalars(select(Contract).join(ContractParty).where(
        ContractParty.organization_id == org_id,
        Contract.id != (partnership.declaration_contract_id or 0))).all()
    found = []
    for contract in contracts:
        version = contract.in_force
        if version is None or version.state is not VersionState.SIGNED:
            continue
        for c in version.commitments:
            if (c.giver_id == org_id and c.receiver_id in others) or \
                    (c.receiver_id == org_id and c.giver_id in others):
                found.append(c)
    return sorted(found, key=lambda c: (c.due_on, c.id))


def partner_record(session: Session, partnership: Partnership, member: PartnershipMember, *,
                   index=None) -> PartnerRecord:
    """What MEMBER's organization gave the partnership (contributions, commitments to other
    partners, tasks done) and got from it (commitments from partners, meetings attended,
    proposals of partners' offers for its needs)."""
    org_id = member.organization_id
    record = PartnerRecord(member.organization, member)
    listings = session.scalars(select(Listing).where(
        Listing.partnership_id == partnership.id, Listing.organization_id == org_id,
        Listing.status.in_(LIVE)).order_by(Listing.category, Listing.id)).all()
    record.contributions = [x for x in listings if x.kind is ListingKind.OFFER]
    record.needs = [x for x in listings if x.kind is ListingKind.NEED]
    for c in _commitments_between(session, partnership, org_id):
        (record.given if c.giver_id == org_id else record.received).append(c)
    tasks = session.scalars(select(MeetingTask).join(PartnershipMeeting).where(
        PartnershipMeeting.partnership_id == partnership.id,
        MeetingTask.owner_org_id == org_id).order_by(MeetingTask.due_on, MeetingTask.id)).all()
    record.tasks_done = [t for t in tasks if t.done_at is not None]
    record.open_tasks = [t for t in tasks if t.done_at is None]
    record.meetings = sorted((m for _a, m in _attendance(session, partnership, org_id)),
                             key=lambda m: m.starts_at, reverse=True)
    if member.left_at is None:
        record.proposals = [p for p in partner_proposals(session, index, partnership)
                            if p.need.organization_id == org_id]
    record.last_activity = last_activities(session, partnership).get(org_id)
    return record
