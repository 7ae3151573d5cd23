"""The organiser's import of an event's participants from a spreadsheet: organizations, the
people they send and the listings they bring; all or nothing, idempotent by the organiser's refs.

The file is the site's import table (see exchange/core/transfer: one row per organization or
listing, ``organization_*`` columns, then the listing's ``ref, kind, category, title`` …) read
from CSV (``,`` or ``;``, UTF-8 with or without a BOM) or XLSX (the first sheet), with one more
column, ``attendees``: the people an organization sends, separated by ``;`` or line breaks,
each ``Name`` or ``Name <e-mail>``. An organization's people may be spread over its rows.

Refs are the organiser's own: they are kept per host organization of the event (stored as
``<host id>:<ref>``), so the same spreadsheet imported again, or for the host's next event,
finds the same organizations and listings, and another host's or the site admin's refs never
collide with them. An organization already on the site under the same name and municipality,
without a ref, is linked to the row's ref instead of being refused as a double; one that has
members keeps the details they wrote (see ``_adopt``). Every organization of the file is
admitted to the event (within the sectors' caps), its people are added with badges (a name
already on its list is that person; an e-mail given updates theirs) and its listings are
brought to the event. Nothing is removed:
people or listings missing from a second file stay.

The upload is checked and previewed in a savepoint that is rolled back; the file is kept in
``EventImport`` until the organiser confirms (a newer upload of theirs replaces it), and a confirmation claims it with a conditional
update, so two confirmations at once import it once.
"""
from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from exchange.core.accounts import clean_email
from exchange.core.errors import Errors, Msg, NotFound, ValidationError, clean_text
from exchange.core.events.reading import get_event, require_role
from exchange.core.events.registration import (
    MAX_ATTENDEES,
    PERSON_MAX,
    application_of,
    sector_balance,
)
from exchange.core.transfer import (
    ORGANIZATION_COLUMNS,
    ImportData,
    ImportRefused,
    Problem,
    Row,
    parse,
    validate,
)
from exchange.core.transfer import apply as apply_transfer
from exchange.infra.textsearch import fold
from models import Listing, Organization, Sector, User
from models.event import (
    ApplicationStatus,
    EventAttendee,
    EventImport,
    EventListing,
    EventParticipant,
    ExchangeEvent,
    StaffRole,
)

FORMATS = ("csv", "xlsx")
ATTENDEES = "attendees"
MAX_FILE_BYTES = 2 * 1024 * 1024
# The columns of the template, in the order an organiser fills them in.
TEMPLATE_COLUMNS = (
    "organization_ref", "organization_name", "organization_sector", "organization_municipality",
    "organization_contact_name", "organization_contact_email", "organization_contact_phone",
    ATTENDEES, "ref", "kind", "category", "title", "description", "quantity", "unit")
TEMPLATE_ROWS = (
    ("bib-1", "Biblioteka Publiczna w Tczewie", "public", "Tczew", "Anna Nowak",
     "anna.nowak@example.org", "+48 58 123 45 67",
     "Anna Nowak <anna.nowak@example.org>; Jan Kowalski", "bib-1-sala", "offer", "rooms",
     "Sala na 40 osób", "Sala z projektorem, w soboty", "4", "hours"),
    ("bib-1", "", "", "", "", "", "", "", "bib-1-wolontariusze", "need", "volunteers",
     "Wolontariusze na festyn", "", "3", "people"),
    ("kgw-2", "Koło Gospodyń Wiejskich w Gniewie", "ngo", "Gniew", "", "", "",
     "Maria Wiśniewska", "kgw-2-catering", "offer", "catering", "Ciasto na spotkanie", "",
     "1", "sessions"),
)
_PERSON = re.compile(r"^(?P<name>[^<>]*?)\s*<(?P<email>[^<>]*)>$")


@dataclass
class Person:
    line: int
    name: str
    email: str


@dataclass
class Outcome:
    """What an import does (in a preview) or did: counts an organiser checks before confirming."""
    organizations_created: int = 0
    organizations_updated: int = 0
    organizations_unchanged: int = 0
    participants_admitted: int = 0
    attendees_added: int = 0
    attendees_updated: int = 0
    listings_created: int = 0
    listings_updated: int = 0
    listings_brought: int = 0
    problems: list[Problem] = field(default_factory=list)
    # Words that often but not always mean money, taken as not a payment (the organiser, who
    # imports, confirms them as an author does), each with its row and column.
    warnings: list[Problem] = field(default_factory=list)

    @property
    def changes(self) -> int:
        return (self.organizations_created + self.organizations_updated
                + self.participants_admitted + self.attendees_added + self.attendees_updated
                + self.listings_created + self.listings_updated + self.listings_brought)


def scope_of(event: ExchangeEvent) -> str:
    """The prefix of refs imported for EVENT's host (see the module docstring)."""
    return f"{event.host_id}:"


def upload(session: Session, actor: User, event_id: int, filename: str, content: bytes,
           now: datetime) -> tuple[EventImport | None, Outcome]:
    """Check a file and preview what importing it would do; keep it for confirm() if it has
    no problem (then the outcome's problems are empty)."""
    event = _organised(session, actor, event_id)
    if len(content) > MAX_FILE_BYTES:
        return None, Outcome(problems=[Problem(None, None, Msg(
            "The file is larger than %(size)d MB.", size=MAX_FILE_BYTES // (1024 * 1024)))])
    outcome = Outcome()
    with session.begin_nested() as preview:
        try:
            outcome = _import(session, actor, event, filename, content, now)
        except ImportRefused as refused:
            outcome = Outcome(problems=refused.problems)
        preview.rollback()
    session.expire_all()
    if outcome.problems:
        return None, outcome
    kept = EventImport(event_id=event.id, filename=(filename or "")[-200:], content=content,
                       uploaded_by_id=actor.id, uploaded_at=now)
    session.add(kept)
    session.flush()
    # A new upload replaces the organiser's earlier previews of this event: files are kept
    # only until they are imported or replaced. Deleted after the insert, so that SQLite
    # (which numbers a row one past the highest) never gives a stale preview's id to this file.
    session.execute(delete(EventImport).where(
        EventImport.event_id == event.id, EventImport.uploaded_by_id == actor.id,
        EventImport.imported_at.is_(None), EventImport.id < kept.id)
        .execution_options(synchronize_session=False))
    return kept, outcome


def confirm(session: Session, actor: User, event_id: int, import_id: int,
            now: datetime) -> Outcome:
    """Import a previewed file whole, once; ImportRefused (nothing written) if it no longer
    fits what is on the site."""
    event = _organised(session, actor, event_id)
    kept = session.scalar(select(EventImport).where(EventImport.id == import_id,
                                                    EventImport.event_id == event.id))
    if kept is None:
        raise NotFound(Msg("There is no such import."))
    # Imports of one event wait for each other (two files naming the same refs, confirmed at
    # once, would both create them): an UPDATE of the event's row locks it until commit.
    session.execute(update(ExchangeEvent).where(ExchangeEvent.id == event.id)
                    .values(updated_at=ExchangeEvent.updated_at)
                    .execution_options(synchronize_session=False))
    claimed = session.execute(
        update(EventImport).where(EventImport.id == kept.id, EventImport.imported_at.is_(None))
        .values(imported_at=now).execution_options(synchronize_session=False)).rowcount
    if not claimed:
        raise ValidationError.single(None, Msg("This file is already imported."))
    session.expire(kept)
    return _import(session, actor, event, kept.filename, kept.content, now)


def template() -> tuple[list[str], list[list[str]]]:
    """The template's header and example rows."""
    return list(TEMPLATE_COLUMNS), [list(row) for row in TEMPLATE_ROWS]


def _organised(session: Session, actor: User, event_id: int) -> ExchangeEvent:
    event = get_event(session, actor, event_id)
    require_role(event, actor, StaffRole.ORGANISER)
    return event


def _import(session: Session, actor: User, event: ExchangeEvent, filename: str, content: bytes,
            now: datetime) -> Outcome:
    """Check the whole file, then write it; ImportRefused lists every problem otherwise."""
    scope = scope_of(event)
    data = parse(filename, content, formats=FORMATS, extra_columns=(ATTENDEES,))
    _scope(data, scope)
    sectors = _adopt(session, data)
    people, problems = _people(data)
    problems += validate(session, data, now.date())  # with what made the file unreadable
    problems += _event_problems(session, event, data, sectors)
    if problems:
        problems = [_unscoped(p, scope) for p in problems]
        raise ImportRefused(_in_order(problems))
    summary = apply_transfer(session, data, now, actor_id=actor.id)
    outcome = Outcome(
        warnings=[_unscoped(w, scope) for w in summary.warnings],
        organizations_created=summary.organizations_created,
        organizations_updated=summary.organizations_updated,
        organizations_unchanged=summary.organizations_unchanged,
        listings_created=summary.listings_created, listings_updated=summary.listings_updated)
    refs = _organization_refs(data)
    orgs = {o.ref: o for o in session.scalars(
        select(Organization).where(Organization.ref.in_(sorted(refs))))}
    for ref in sorted(refs, key=lambda r: orgs[r].id):
        org = orgs[ref]
        participant = application_of(session, event, org.id)
        if participant is None:
            participant = EventParticipant(organization_id=org.id, applied_by_id=actor.id,
                                           applied_at=now)
            event.participants.append(participant)
        if participant.status is not ApplicationStatus.ADMITTED:
            participant.status = ApplicationStatus.ADMITTED
            participant.decided_at, participant.decided_by_id = now, actor.id
            outcome.participants_admitted += 1
        for person in people.get(ref, []):
            known = next((a for a in participant.attendees if fold(a.name) == fold(person.name)),
                         None)
            if known is None:
                participant.attendees.append(EventAttendee(
                    name=person.name, email=person.email,
                    badge_token=secrets.token_urlsafe(16)))
                outcome.attendees_added += 1
            elif person.email and known.email != person.email:
                known.email = person.email
                outcome.attendees_updated += 1
    session.flush()
    listing_refs = sorted({str(r.values.get("ref") or "") for r in data.listings} - {""})
    for listing_id in session.scalars(select(Listing.id).where(
            Listing.ref.in_(listing_refs), Listing.partnership_only.is_(False))):
        if session.get(EventListing, (event.id, listing_id)) is None:
            session.add(EventListing(event_id=event.id, listing_id=listing_id, added_at=now))
            outcome.listings_brought += 1
    session.flush()
    return outcome


def _scope(data: ImportData, scope: str) -> None:
    """Give every ref of the file its host's prefix."""
    for row in (*data.organizations, *data.listings, *data.references, *data.extras):
        for name in ("ref", "organization"):
            value = row.values.get(name)
            if isinstance(value, str) and value.strip():
                row.values[name] = scope + value.strip()


def _adopt(session: Session, data: ImportData) -> dict[int, str]:
    """Link the file's organizations to those already on the site, and leave members' profiles
    to their members: return each such row's sector, by line, for the sectors' caps.

    An organization of the same name and municipality that has no ref yet (it registered
    itself, or walked in at the door) takes the row's ref instead of being refused as a double.
    An organization with members keeps its own details: its row only names it (its people
    and listings are still added)."""
    refs = {str(r.values.get("ref") or "") for r in data.organizations} - {""}
    by_ref = {o.ref: o for o in session.scalars(
        select(Organization).where(Organization.ref.in_(sorted(refs))))}
    without_ref: dict[tuple[str, str], int] = {}
    for org_id, name, municipality in session.execute(
            select(Organization.id, Organization.name, Organization.municipality)
            .where(Organization.ref.is_(None))):
        without_ref.setdefault((municipality.casefold(), name.casefold()), org_id)
    sectors = {}
    for row in list(data.organizations):
        ref = str(row.values.get("ref") or "")
        if not ref:
            continue
        org = by_ref.get(ref)
        if org is None:
            org_id = without_ref.pop((str(row.values.get("municipality") or "").strip().casefold(),
                                      str(row.values.get("name") or "").strip().casefold()), None)
            if org_id is None:
                continue
            org = session.get(Organization, org_id)
            org.ref = ref
            by_ref[ref] = org
        if org.memberships:
            data.organizations.remove(row)
            data.references.append(Row(row.line, {"organization": ref},
                                       columns=ORGANIZATION_COLUMNS | {"organization":
                                                                       "organization_ref"}))
            sectors[row.line] = org.sector.value
    session.flush()
    return sectors


def _unscoped(problem: Problem, scope: str) -> Problem:
    """PROBLEM as the organiser wrote the refs."""
    params = {k: v[len(scope):] if isinstance(v, str) and v.startswith(scope) else v
              for k, v in problem.message.params.items()}
    return Problem(problem.line, problem.field, Msg(problem.message.text, **params))


def _in_order(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: p.line or 0)


def _organization_refs(data: ImportData) -> set[str]:
    return {str(r.values.get(name) or "") for rows, name in (
        (data.organizations, "ref"), (data.listings, "organization"),
        (data.references, "organization")) for r in rows} - {""}


def _people(data: ImportData) -> tuple[dict[str, list[Person]], list[Problem]]:
    """Each organization ref's people from the ``attendees`` cells, and what is wrong there."""
    people: dict[str, list[Person]] = {}
    problems: list[Problem] = []
    for row in data.extras:
        ref = str(row.values.get("organization") or "")
        where = row.where(ATTENDEES)
        for item in re.split(r"[;\n]", str(row.values.get(ATTENDEES) or "")):
            item = item.strip()
            if not item:
                continue
            errors = Errors()
            match = _PERSON.match(item)
            name = clean_text(match["name"] if match else item, ATTENDEES, errors,
                              max_length=PERSON_MAX)
            email = clean_email(match["email"], ATTENDEES, errors) if match else ""
            if not errors and not name:
                errors.add(ATTENDEES, Msg("Write each person as “Name” or “Name <e-mail>”, "
                                          "separated by semicolons."))
            if errors:
                problems += [Problem(row.line, where, m) for m in errors.errors[ATTENDEES]]
                continue
            mine = people.setdefault(ref, [])
            if not any(fold(p.name) == fold(name) for p in mine):
                mine.append(Person(row.line, name, email))
                if len(mine) == MAX_ATTENDEES + 1:
                    problems.append(Problem(row.line, where, Msg(
                        "At most %(max)d people per organization.", max=MAX_ATTENDEES)))
    return people, problems


def _event_problems(session: Session, event: ExchangeEvent, data: ImportData,
                    sectors: dict[int, str]) -> list[Problem]:
    """What the event refuses: listings of categories it does not trade, sectors over cap."""
    problems = []
    if event.categories:
        for row in data.listings:
            category = str(row.values.get("category") or "").strip().lower()
            if category and category not in event.categories:
                problems.append(Problem(row.line, row.where("category"), Msg(
                    "This event does not trade that category.")))
    refs = _organization_refs(data)
    site = {o.ref: o for o in session.scalars(
        select(Organization).where(Organization.ref.in_(sorted(refs))))}
    admitted_ids = {p.organization_id for p in event.participants
                    if p.status is ApplicationStatus.ADMITTED}
    balance = {b.sector.value: b for b in sector_balance(event)}
    added: dict[str, int] = {}
    adopted = [r for r in data.references if r.line in sectors]
    for row in sorted((*data.organizations, *adopted), key=lambda r: r.line):
        ref = str(row.values.get("ref") or row.values.get("organization") or "")
        org = site.get(ref)
        if org is not None and org.id in admitted_ids:
            continue
        sector = sectors.get(row.line) or str(row.values.get("sector") or "").strip().lower()
        if sector not in {s.value for s in Sector}:
            continue  # refused as a sector already
        cap = balance[sector].cap
        added[sector] = added.get(sector, 0) + 1
        if cap is not None and balance[sector].admitted + added[sector] > cap:
            problems.append(Problem(row.line, row.where("sector"), Msg(
                "The cap for this sector (%(cap)d) is reached: decline someone first or raise "
                "the cap.", cap=cap)))
    return problems
