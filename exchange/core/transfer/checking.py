"""Checking an import file's rows against the rules and the site: every problem, and a plan.

The plan says what applying the file would create or update; it is used only when no
problem was found.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from exchange.core.errors import Errors, Msg, ValidationError, clean_text
from exchange.core.listings import REF_MAX, clean_listing, listing_money_check
from exchange.core.organizations import clean_profile
from exchange.core.transfer.reading import ImportData, Problem, Row
from models import Category, Listing, ListingKind, ListingStatus, Organization, Sector, Unit

CHOICES = {"sector": Sector, "kind": ListingKind, "category": Category, "unit": Unit,
           "status": ListingStatus}
REQUIRED_CHOICES = {"sector", "kind", "category", "unit"}
TRUE_WORDS = {"true", "1", "tak", "yes", "prawda"}
FALSE_WORDS = {"false", "0", "nie", "no", "fałsz", ""}
# Statuses under which a listing is out of the marketplace, so a past expiry date is history.
SETTLED_STATUSES = frozenset({ListingStatus.CLOSED, ListingStatus.EXPIRED})

REF_REQUIRED = Msg("Give every row a ref, your own identifier for it: a second import finds "
                   "rows by their refs and updates them instead of adding copies.")


@dataclass
class OrganizationPlan:
    row: Row
    ref: str
    clean: dict[str, Any]
    existing: Organization | None


@dataclass
class ListingPlan:
    row: Row
    ref: str
    organization_ref: str
    clean: dict[str, Any]
    status: ListingStatus | None   # None: keep the existing listing's status
    existing: Listing | None


@dataclass
class Plan:
    organizations: list[OrganizationPlan] = field(default_factory=list)
    listings: list[ListingPlan] = field(default_factory=list)
    site_organizations: dict[str, Organization] = field(default_factory=dict)
    # Ambiguous money words: imported as not a payment, on the importing user's confirmation.
    warnings: list[Problem] = field(default_factory=list)


class _Problems:
    """Problems in file order, the first one per line and place only (it is the one to fix)."""

    def __init__(self, initial: Iterable[Problem]) -> None:
        self.problems: list[Problem] = []
        self.places: set[tuple[int | None, str | None]] = set()
        for problem in initial:
            self.add(problem)

    def add(self, problem: Problem) -> None:
        place = (problem.line, problem.field)
        if problem.field is not None and place in self.places:
            return
        self.places.add(place)
        self.problems.append(problem)

    def refuse(self, row: Row, name: str | None, message: Msg) -> None:
        self.add(Problem(row.line, row.where(name), message))

    def add_errors(self, row: Row, error: ValidationError) -> None:
        for name, messages in error.errors.items():
            for message in messages:
                self.refuse(row, name, message)

    def in_order(self) -> list[Problem]:
        return sorted(self.problems, key=lambda p: p.line or 0)


def _ref(row: Row, name: str, problems: _Problems, message: Msg) -> str:
    errors = Errors()
    ref = clean_text(row.values.get(name), name, errors, max_length=REF_MAX)
    if errors:
        problems.add_errors(row, ValidationError(errors.errors))
    elif not ref:
        problems.refuse(row, name, message)
    return ref


def _choice(row: Row, name: str, problems: _Problems) -> str | None:
    """Lower-case a code ("NGO" → "ngo") and explain a wrong one with the valid choices."""
    value = row.values.get(name)
    if isinstance(value, str):
        value = value.strip().lower()
    if not value:
        if name in REQUIRED_CHOICES:
            problems.refuse(row, name, Msg("This field is required."))
        return None
    choices = CHOICES[name]
    if value not in {c.value for c in choices}:
        problems.refuse(row, name, Msg("“%(value)s” is not a valid choice. Choose one of: "
                                       "%(choices)s.", value=value,
                                       choices=", ".join(c.value for c in choices)))
    return value


def _yes_no(row: Row, name: str, problems: _Problems) -> bool:
    value = row.values.get(name)
    if isinstance(value, bool):
        return value
    word = str(value if value is not None else "").strip().casefold()
    if word in TRUE_WORDS:
        return True
    if word not in FALSE_WORDS:
        problems.refuse(row, name, Msg("Enter yes or no (tak/nie, true/false, 1/0)."))
    return False


def _past_date(value: Any, today: date) -> date | None:
    """VALUE as a date if it is one and lies before TODAY."""
    try:
        day = value if isinstance(value, date) else date.fromisoformat(str(value).strip())
    except ValueError:
        return None
    return day if day < today else None


def check(session: Session, data: ImportData, today: date) -> tuple[list[Problem], Plan]:
    """Every problem of the file in file order, and the plan to apply it if there is none."""
    checking = _Check(session, data, today)
    refs_seen: dict[str, int] = {}
    names_seen: dict[tuple[str, str], int] = {}
    for row in data.organizations:
        checking.organization(row, refs_seen, names_seen)
    for row in data.references:
        checking.organization_of(row)
    refs_seen = {}
    for row in data.listings:
        checking.listing(row, refs_seen)
    return checking.problems.in_order(), checking.plan


class _Check:
    """One file's check: what the site already has of it, the problems found, the plan."""

    def __init__(self, session: Session, data: ImportData, today: date) -> None:
        self.session, self.today = session, today
        self.problems = _Problems(data.problems)
        self.file_refs = {str(r.values.get("ref") or "").strip() for r in data.organizations}
        named_refs = self.file_refs | {str(r.values.get("organization") or "").strip()
                                       for r in (*data.listings, *data.references)}
        self.site_orgs = {o.ref: o for o in session.scalars(
            select(Organization).where(Organization.ref.in_(sorted(named_refs - {""}))))}
        self.plan = Plan(site_organizations=self.site_orgs)
        listing_refs = sorted({str(r.values.get("ref") or "").strip()
                               for r in data.listings} - {""})
        self.site_listings = {x.ref: x for x in session.scalars(
            select(Listing).where(Listing.ref.in_(listing_refs)))}
        self.names_on_site: dict[tuple[str, str], list[int]] = {}
        for org_id, name, municipality in session.execute(
                select(Organization.id, Organization.name, Organization.municipality)):
            self.names_on_site.setdefault((municipality, name.casefold()), []).append(org_id)
        # One spelling per municipality across the file, as canonical_municipality keeps on
        # the site.
        self.spellings: dict[str, str] = {}
        self.file_orgs: dict[str, OrganizationPlan] = {}

    def spelled(self, municipality: str) -> str:
        return (self.spellings.setdefault(municipality.casefold(), municipality)
                if municipality else "")

    def unique_ref(self, row: Row, refs_seen: dict[str, int]) -> str:
        """The row's ref, refused when missing or already used on a line of REFS_SEEN."""
        ref = _ref(row, "ref", self.problems, REF_REQUIRED)
        if ref in refs_seen:
            self.problems.refuse(row, "ref", Msg(
                "The ref “%(ref)s” is already used on line %(line)d.",
                ref=ref, line=refs_seen[ref]))
        elif ref:
            refs_seen[ref] = row.line
        return ref

    def organization(self, row: Row, refs_seen: dict[str, int],
                     names_seen: dict[tuple[str, str], int]) -> None:
        problems = self.problems
        ref = self.unique_ref(row, refs_seen)
        sector = _choice(row, "sector", problems)
        values = {**row.values, "sector": sector,
                  "is_contact_public": _yes_no(row, "is_contact_public", problems)}
        try:
            clean = clean_profile(self.session, values)
        except ValidationError as error:
            problems.add_errors(row, error)
            return
        clean["municipality"] = self.spelled(clean["municipality"])
        existing = self.site_orgs.get(ref) if ref else None
        key = (clean["municipality"], clean["name"].casefold())
        own_id = existing.id if existing else None
        if any(org_id != own_id for org_id in self.names_on_site.get(key, [])):
            problems.refuse(row, "name", Msg(
                "An organization with this name is already registered in %(municipality)s.",
                municipality=clean["municipality"]))
        elif key in names_seen:
            problems.refuse(row, "name", Msg(
                "Line %(line)d already has an organization with this name in %(municipality)s.",
                line=names_seen[key], municipality=clean["municipality"]))
        names_seen.setdefault(key, row.line)
        if ref and ref not in self.file_orgs:
            self.file_orgs[ref] = OrganizationPlan(row, ref, clean, existing)
            self.plan.organizations.append(self.file_orgs[ref])

    def organization_of(self, row: Row) -> tuple[str, Organization | None]:
        """The ref the row names and, if it is known, the organization as it will be."""
        errors = Errors()
        ref = clean_text(row.values.get("organization"), "organization", errors, max_length=REF_MAX)
        if errors:
            self.problems.add_errors(row, ValidationError(errors.errors))
            return ref, None
        if not ref:
            self.problems.refuse(row, "organization", REF_REQUIRED if row.columns
                                 else Msg("This field is required."))
            return ref, None
        if ref in self.file_orgs:
            return ref, Organization(**self.file_orgs[ref].clean)  # transient: never added
        if ref in self.site_orgs:
            return ref, self.site_orgs[ref]
        if ref not in self.file_refs:  # an organization of the file with errors is reported already
            self.problems.refuse(row, "organization", Msg(
                "No organization has the ref “%(ref)s”, neither in this file nor on the site.",
                ref=ref))
        return ref, None

    def listing(self, row: Row, refs_seen: dict[str, int]) -> None:
        problems = self.problems
        ref = self.unique_ref(row, refs_seen)
        org_ref, org = self.organization_of(row)
        existing = self.site_listings.get(ref) if ref else None
        if existing is not None and org_ref and existing.organization.ref != org_ref:
            problems.refuse(row, "organization", Msg(
                "The listing “%(ref)s” belongs to another organization on the site "
                "(%(organization)s); a listing cannot move to another organization.",
                ref=ref, organization=existing.organization.name))
        values = {**row.values, **{n: _choice(row, n, problems)
                                   for n in ("kind", "category", "unit", "status")}}
        status = ListingStatus(values["status"]) if values["status"] in {
            s.value for s in ListingStatus} else None
        past = _kept_past_date(values.get("expires_on"), status, existing, self.today)
        if past is not None:
            values["expires_on"] = None  # clean_listing refuses past dates; this one is history
        try:
            clean = clean_listing(self.session, org or Organization(municipality=""), values,
                                  self.today, existing=existing, money_confirmed=True)
        except ValidationError as error:
            problems.add_errors(row, error)
            return
        self.plan.warnings += [
            Problem(row.line, row.where(w.field), money_warning_message(w.fragment))
            for w in listing_money_check(clean["title"], clean["description"])[1]]
        if past is not None:
            clean["expires_on"] = past
        clean["municipality"] = self.spelled(clean["municipality"])
        if org is not None and ref:
            self.plan.listings.append(ListingPlan(row, ref, org_ref, clean, status, existing))


def money_warning_message(fragment: str) -> Msg:
    """What an import says of an ambiguous money word it takes."""
    return Msg("“%(fragment)s” may be about money: the listing is imported as not a payment, "
               "on your confirmation as the importing user.", fragment=fragment)


def _kept_past_date(value: Any, status: ListingStatus | None, existing: Listing | None,
                    today: date) -> date | None:
    """The expiry date VALUE when it is past but may stay: the listing is (or stays) closed
    or expired, or the date is the one it has, so that an export re-imports as it is."""
    past = _past_date(value, today)
    effective = status or (existing.status if existing else ListingStatus.OPEN)
    keep_past = past is not None and (effective in SETTLED_STATUSES or (
        existing is not None and existing.expires_on == past))
    return past if keep_past else None


def validate(session: Session, data: ImportData, today: date) -> list[Problem]:
    """Return every problem of the file in file order; an empty list means it may be applied."""
    return check(session, data, today)[0]
