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
from exchange.core.listings import REF_MAX, clean_listing
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
    problems = _Problems(data.problems)
    file_refs = {str(r.values.get("ref") or "").strip() for r in data.organizations}
    named_refs = file_refs | {str(r.values.get("organization") or "").strip()
                              for r in (*data.listings, *data.references)}
    site_orgs = {o.ref: o for o in session.scalars(
        select(Organization).where(Organization.ref.in_(sorted(named_refs - {""}))))}
    plan = Plan(site_organizations=site_orgs)
    listing_refs = sorted({str(r.values.get("ref") or "").strip() for r in data.listings} - {""})
    site_listings = {x.ref: x for x in session.scalars(
        select(Listing).where(Listing.ref.in_(listing_refs)))}
    names_on_site: dict[tuple[str, str], list[int]] = {}
    for org_id, name, municipality in session.execute(
            select(Organization.id, Organization.name, Organization.municipality)):
        names_on_site.setdefault((municipality, name.casefold()), []).append(org_id)
    # One spelling per municipality across the file, as canonical_municipality keeps on the site.
    spellings: dict[str, str] = {}

    def spelled(municipality: str) -> str:
        return spellings.setdefault(municipality.casefold(), municipality) if municipality else ""

    refs_seen: dict[str, int] = {}
    names_seen: dict[tuple[str, str], int] = {}
    file_orgs: dict[str, OrganizationPlan] = {}
    for row in data.organizations:
        ref = _ref(row, "ref", problems, REF_REQUIRED)
        if ref in refs_seen:
            problems.refuse(row, "ref", Msg("The ref “%(ref)s” is already used on line %(line)d.",
                                            ref=ref, line=refs_seen[ref]))
        elif ref:
            refs_seen[ref] = row.line
        sector = _choice(row, "sector", problems)
        values = {**row.values, "sector": sector,
                  "is_contact_public": _yes_no(row, "is_contact_public", problems)}
        try:
            clean = clean_profile(session, values)
        except ValidationError as error:
            problems.add_errors(row, error)
            continue
        clean["municipality"] = spelled(clean["municipality"])
        existing = site_orgs.get(ref) if ref else None
        key = (clean["municipality"], clean["name"].casefold())
        own_id = existing.id if existing else None
        if any(org_id != own_id for org_id in names_on_site.get(key, [])):
            problems.refuse(row, "name", Msg(
                "An organization with this name is already registered in %(municipality)s.",
                municipality=clean["municipality"]))
        elif key in names_seen:
            problems.refuse(row, "name", Msg(
                "Line %(line)d already has an organization with this name in %(municipality)s.",
                line=names_seen[key], municipality=clean["municipality"]))
        names_seen.setdefault(key, row.line)
        if ref and ref not in file_orgs:
            file_orgs[ref] = OrganizationPlan(row, ref, clean, existing)
            plan.organizations.append(file_orgs[ref])

    def organization_of(row: Row) -> tuple[str, Organization | None]:
        """The ref the row names and, if it is known, the organization as it will be."""
        errors = Errors()
        ref = clean_text(row.values.get("organization"), "organization", errors, max_length=REF_MAX)
        if errors:
            problems.add_errors(row, ValidationError(errors.errors))
            return ref, None
        if not ref:
            problems.refuse(row, "organization", REF_REQUIRED if row.columns
                            else Msg("This field is required."))
            return ref, None
        if ref in file_orgs:
            return ref, Organization(**file_orgs[ref].clean)  # transient: never added
        if ref in site_orgs:
            return ref, site_orgs[ref]
        if ref not in file_refs:  # an organization of the file with errors is reported already
            problems.refuse(row, "organization", Msg(
                "No organization has the ref “%(ref)s”, neither in this file nor on the site.",
                ref=ref))
        return ref, None

    for row in data.references:
        organization_of(row)

    refs_seen = {}
    for row in data.listings:
        ref = _ref(row, "ref", problems, REF_REQUIRED)
        if ref in refs_seen:
            problems.refuse(row, "ref", Msg("The ref “%(ref)s” is already used on line %(line)d.",
                                            ref=ref, line=refs_seen[ref]))
        elif ref:
            refs_seen[ref] = row.line
        org_ref, org = organization_of(row)
        existing = site_listings.get(ref) if ref else None
        if existing is not None and org_ref and existing.organization.ref != org_ref:
            problems.refuse(row, "organization", Msg(
                "The listing “%(ref)s” belongs to another organization on the site "
                "(%(organization)s); a listing cannot move to another organization.",
                ref=ref, organization=existing.organization.name))
        values = {**row.values, **{n: _choice(row, n, problems)
                                   for n in ("kind", "category", "unit", "status")}}
        status = ListingStatus(values["status"]) if values["status"] in {
            s.value for s in ListingStatus} else None
        effective = status or (existing.status if existing else ListingStatus.OPEN)
        past = _past_date(values.get("expires_on"), today)
        keep_past = past is not None and (effective in SETTLED_STATUSES or (
            existing is not None and existing.expires_on == past))
        if keep_past:
            values["expires_on"] = None  # clean_listing refuses past dates; this one is history
        try:
            clean = clean_listing(session, org or Organization(municipality=""), values, today,
                                  existing=existing)
        except ValidationError as error:
            problems.add_errors(row, error)
            continue
        if keep_past:
            clean["expires_on"] = past
        clean["municipality"] = spelled(clean["municipality"])
        if org is not None and ref:
            plan.listings.append(ListingPlan(row, ref, org_ref, clean, status, existing))
    return problems.in_order(), plan


def validate(session: Session, data: ImportData, today: date) -> list[Problem]:
    """Return every problem of the file in file order; an empty list means it may be applied."""
    return check(session, data, today)[0]
