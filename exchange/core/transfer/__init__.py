"""Import and export of organizations and listings as CSV or JSON, identified by organisers' refs.

The formats
-----------
JSON is one object with two lists::

    {"organizations": [{"ref", "name", "sector", "municipality", "address", "description",
                        "website", "contact_name", "contact_email", "contact_phone",
                        "is_contact_public"}],
     "listings": [{"ref", "organization", "kind", "category", "title", "description",
                   "quantity", "unit", "available_from", "available_until", "municipality",
                   "latitude", "longitude", "expires_on", "cost_contribution", "status"}]}

A listing's ``organization`` is its organization's ref. Either list may be left out, not both.

CSV has one row per listing with its organization's columns beside it. The organization's
columns are its JSON keys prefixed with ``organization_``; the listing's columns are its JSON
keys as they are, except ``organization``, which is the row's ``organization_ref``::

    organization_ref, organization_name, organization_sector, organization_municipality,
    organization_address, organization_description, organization_website,
    organization_contact_name, organization_contact_email, organization_contact_phone,
    organization_is_contact_public,
    ref, kind, category, title, description, quantity, unit, available_from,
    available_until, municipality, latitude, longitude, expires_on, cost_contribution, status

- Only ``organization_ref`` is a required column (and ``ref`` when any listing column is
  there); unknown columns are refused, so a misspelt column cannot be ignored silently.
- A row whose listing columns are all empty is an organization on its own: the export writes
  organizations without listings that way.
- An organization's details may be repeated on each of its rows (the export does) or given
  once and left empty below; repeated details must agree. A row with only
  ``organization_ref`` and listing columns adds a listing to an organization described on
  another row or already on the site.
- The delimiter is sniffed from the header (``,``, ``;`` as Polish Excel writes, or a tab),
  the text is UTF-8 with or without a BOM, and empty rows are skipped.
- On export, a cell that starts with ``= + - @`` (or ``'``) gets a leading ``'`` so that a
  spreadsheet shows it as text instead of running it as a formula; the import takes that
  ``'`` off again, so the round trip is exact.

Values: codes as in the models (sectors public, ngo, business, informal, individual; case does
not matter), dates as YYYY-MM-DD, ``is_contact_public`` as true/false, tak/nie, yes/no, 1/0
(or PRAWDA/FAŁSZ from Polish Excel). An empty ``expires_on`` means six months from the import
(or the date already set); an empty ``status`` means open for a new listing and "unchanged"
for an existing one.

Rules of the import
-------------------
- Every organization and listing needs a ref: rows without one could not be found again, and
  a second import would copy them. Rows created on the site have no ref; the export leaves
  it empty, and such rows must be taken out of an exported file before it is imported again.
- The whole file is checked first; if anything is wrong nothing is written, and every problem
  is reported with its line: the physical line in a CSV (the header is line 1; a row with a
  line break inside a quoted cell is reported at its first line), and in JSON the line of the
  entry's opening brace, with the entry's path (``listings[3].title``, counted from 0).
- An existing organization or listing with the same ref is updated in place, so importing a
  file twice changes nothing the second time. A listing keeps what contracts have already
  promised (remaining = quantity - promised), cannot move to another organization, and may
  keep a past expiry date only when it is closed or expired, or when the date is unchanged,
  so that an export re-imports as it is.
- Imported organizations have no members; people join them later.
"""
from __future__ import annotations

import bisect
import csv
import io
import json
import json.decoder
import json.scanner
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from exchange.core.errors import DomainError, Errors, Msg, ValidationError, clean_text
from exchange.core.listings import REF_MAX, clean_listing, reindex
from exchange.core.organizations import clean_profile
from exchange.infra.jsondepth import MAX_DEPTH, too_deep
from exchange.infra.spreadsheet import safe_cell, unescape_cell
from models import Category, Listing, ListingKind, ListingStatus, Organization, Sector, Unit

FORMATS = ("csv", "json")
# How a caller should encode an export: the BOM lets Excel read Polish letters in a CSV.
FILE_ENCODINGS = {"csv": "utf-8-sig", "json": "utf-8"}
MEDIA_TYPES = {"csv": "text/csv", "json": "application/json"}

ORGANIZATION_FIELDS = ("ref", "name", "sector", "municipality", "address", "description",
                       "website", "contact_name", "contact_email", "contact_phone",
                       "is_contact_public")
LISTING_FIELDS = ("ref", "organization", "kind", "category", "title", "description", "quantity",
                  "unit", "available_from", "available_until", "municipality", "latitude",
                  "longitude", "expires_on", "cost_contribution", "status")
ORGANIZATION_COLUMNS = {f: f"organization_{f}" for f in ORGANIZATION_FIELDS}
LISTING_COLUMNS = {f: ("organization_ref" if f == "organization" else f) for f in LISTING_FIELDS}
CSV_COLUMNS = (*ORGANIZATION_COLUMNS.values(),
               *(c for f, c in LISTING_COLUMNS.items() if f != "organization"))

CHOICES = {"sector": Sector, "kind": ListingKind, "category": Category, "unit": Unit,
           "status": ListingStatus}
REQUIRED_CHOICES = {"sector", "kind", "category", "unit"}
TRUE_WORDS = {"true", "1", "tak", "yes", "prawda"}
FALSE_WORDS = {"false", "0", "nie", "no", "fałsz", ""}
# Statuses under which a listing is out of the marketplace, so a past expiry date is history.
SETTLED_STATUSES = frozenset({ListingStatus.CLOSED, ListingStatus.EXPIRED})

# No database keeps it in text (PostgreSQL refuses it, SQLite would store it silently).
NUL_CHARACTER = Msg("This line contains the NUL character (\\0), which text may not hold. "
                    "Remove it and import the file again.")
REF_REQUIRED = Msg("Give every row a ref, your own identifier for it: a second import finds "
                   "rows by their refs and updates them instead of adding copies.")


@dataclass(frozen=True)
class Problem:
    """Why the import refuses one row: where (line, and the column or JSON path) and why."""

    line: int | None      # None: the file as a whole
    field: str | None     # a CSV column ("organization_sector"), a JSON path ("listings[3].title")
    message: Msg

    def __str__(self) -> str:
        where = ", ".join(p for p in (f"line {self.line}" if self.line else "", self.field) if p)
        return f"{where}: {self.message}" if where else str(self.message)


@dataclass
class Row:
    """One organization or listing as read from the file, before any rule is checked."""

    line: int
    values: dict[str, Any]
    path: str = ""        # JSON: "listings[3]"; CSV: ""
    columns: dict[str, str] = field(default_factory=dict)  # CSV: field → column

    def where(self, name: str | None) -> str | None:
        if self.path:
            return f"{self.path}.{name}" if name else self.path
        return self.columns.get(name, name) if name else None


@dataclass
class ImportData:
    """What ``parse`` read from a file: its rows, and what made parts of it unreadable."""

    format: str
    organizations: list[Row] = field(default_factory=list)
    listings: list[Row] = field(default_factory=list)
    # CSV rows naming only an organization_ref: they add nothing but must name a known one.
    references: list[Row] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def refuse(self, line: int | None, where: str | None, message: Msg) -> None:
        self.problems.append(Problem(line, where, message))


@dataclass
class ImportSummary:
    organizations_created: int = 0
    organizations_updated: int = 0
    organizations_unchanged: int = 0
    listings_created: int = 0
    listings_updated: int = 0
    listings_unchanged: int = 0

    def __str__(self) -> str:
        return (f"Organizations: {self.organizations_created} created, "
                f"{self.organizations_updated} updated, {self.organizations_unchanged} unchanged. "
                f"Listings: {self.listings_created} created, {self.listings_updated} updated, "
                f"{self.listings_unchanged} unchanged.")


class ImportRefused(DomainError):
    """The file broke rules; ``problems`` lists every one, and nothing was imported."""

    code = "import_refused"
    status = 422

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(Msg("The file was not imported and nothing was changed. "
                             "Fix the problems listed and try again."))
        self.problems = problems


# Reading -------------------------------------------------------------------------------------

def parse(filename: str, content: bytes) -> ImportData:
    """Read a .csv or .json file into rows; what cannot be read becomes a problem, not an error."""
    name = re.split(r"[\\/]", filename or "")[-1]
    fmt = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if fmt not in FORMATS:
        data = ImportData(fmt)
        data.refuse(None, None, Msg("Choose a .csv or .json file; “%(name)s” is neither.",
                                    name=name))
        return data
    data = ImportData(fmt)
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        data.refuse(content.count(b"\n", 0, error.start) + 1, None, Msg(
            "This line is not UTF-8 text. In Excel, save the file as “CSV UTF-8”."))
        return data
    if not text.strip():
        data.refuse(None, None, Msg("The file is empty."))
        return data
    if "\x00" in text:
        for number, line in enumerate(text.split("\n"), start=1):
            if "\x00" in line:
                data.refuse(number, None, NUL_CHARACTER)
        return data
    if fmt == "json" and too_deep(content):
        data.refuse(None, None, Msg("The JSON is nested too deeply: at most %(depth)d levels.",
                                    depth=MAX_DEPTH))
        return data
    (_read_csv if fmt == "csv" else _read_json)(text, data)
    return data


def _read_csv(text: str, data: ImportData) -> None:
    header_line = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=header_line.count)  # a tie (no delimiter at all) means ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [name.strip().lower() for name in next(reader)]
    except csv.Error as error:
        data.refuse(1, None, Msg("This line cannot be read as CSV: %(error)s.", error=str(error)))
        return
    known = set(CSV_COLUMNS)
    seen: set[str] = set()
    for name in header:
        if name in seen and name:
            data.refuse(1, name, Msg("The column “%(name)s” appears twice.", name=name))
        elif name and name not in known:
            data.refuse(1, name, Msg("Unknown column “%(name)s”.", name=name))
        seen.add(name)
    required = ["organization_ref"]
    if seen & {c for f, c in LISTING_COLUMNS.items() if f != "organization"}:
        required.append("ref")
    for name in required:
        if name not in seen:
            data.refuse(1, None, Msg("The file has no column “%(name)s”.", name=name))
    if data.problems:
        return

    org_column = {c: f for f, c in ORGANIZATION_COLUMNS.items()}
    listing_column = {c: f for f, c in LISTING_COLUMNS.items() if f != "organization"}
    described: dict[str, tuple[int, dict[str, str]]] = {}
    end = reader.line_num
    while True:
        line = end + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            data.refuse(line, None, Msg("This line cannot be read as CSV: %(error)s.",
                                        error=str(error)))
            return
        end = reader.line_num
        cells = [unescape_cell(cell.strip()) for cell in cells]
        if not any(cells):
            continue
        if any(cells[len(header):]):
            data.refuse(line, None, Msg("This row has more cells than the header has columns."))
            continue
        if any(value for name, value in zip(header, cells) if not name):
            data.refuse(line, None, Msg("This row has a value in a column without a name."))
            continue
        row = dict(zip(header, cells))
        org = {f: row.get(c, "") for c, f in org_column.items()}
        listing = {f: row.get(c, "") for c, f in listing_column.items()}
        details = {f: v for f, v in org.items() if f != "ref"}
        ref = org["ref"]
        if any(details.values()):
            if ref and ref in described:
                first_line, first = described[ref]
                if first != details:
                    data.refuse(line, None, Msg(
                        "Organization “%(ref)s” is described differently on line %(line)d. "
                        "Repeat the same details, or leave them empty after its first row.",
                        ref=ref, line=first_line))
            else:
                data.organizations.append(Row(line, org, columns=ORGANIZATION_COLUMNS))
                if ref:
                    described[ref] = (line, details)
        if any(listing.values()):
            data.listings.append(Row(line, {**listing, "organization": ref},
                                     columns=LISTING_COLUMNS))
        elif not any(details.values()):
            data.references.append(Row(line, {"organization": ref}, columns=LISTING_COLUMNS))


class _LocatedDict(dict):
    line = 1


class _LocatedList(list):
    line = 1


def _load_located_json(text: str) -> Any:
    """json.loads, but every object and array remembers the line it starts on."""
    newlines = [m.start() for m in re.finditer("\n", text)]

    def line_at(position: int) -> int:
        return bisect.bisect_left(newlines, position) + 1

    def parse_object(s_and_end, *args):
        value, end = json.decoder.JSONObject(s_and_end, *args)
        located = _LocatedDict(value)
        located.line = line_at(s_and_end[1] - 1)
        return located, end

    def parse_array(s_and_end, scan_once):
        value, end = json.decoder.JSONArray(s_and_end, scan_once)
        located = _LocatedList(value)
        located.line = line_at(s_and_end[1] - 1)
        return located, end

    decoder = json.JSONDecoder()
    decoder.parse_object = parse_object
    decoder.parse_array = parse_array
    # The C scanner ignores parse_object/parse_array; the Python one calls them.
    decoder.scan_once = json.scanner.py_make_scanner(decoder)
    return decoder.decode(text)


def _read_json(text: str, data: ImportData) -> None:
    shape = Msg("A JSON import is an object with the lists “organizations” and “listings”.")
    try:
        document = _load_located_json(text)
    except json.JSONDecodeError as error:
        data.refuse(error.lineno, None, Msg("This is not valid JSON: %(error)s.", error=error.msg))
        return
    if not isinstance(document, dict):
        data.refuse(getattr(document, "line", 1), None, shape)
        return
    for key in document:
        if key not in ("organizations", "listings"):
            data.refuse(document.line, key, Msg("Unknown field “%(name)s”.", name=key))
    if not {"organizations", "listings"} & document.keys():
        data.refuse(document.line, None, shape)
    for key, fields, rows in (("organizations", ORGANIZATION_FIELDS, data.organizations),
                              ("listings", LISTING_FIELDS, data.listings)):
        entries = document.get(key, [])
        if not isinstance(entries, list):
            data.refuse(getattr(entries, "line", document.line), key,
                        Msg("This must be a list."))
            continue
        for index, entry in enumerate(entries):
            path = f"{key}[{index}]"
            line = getattr(entry, "line", entries.line if isinstance(entries, _LocatedList) else 1)
            if not isinstance(entry, dict):
                data.refuse(line, path, Msg("Each entry must be an object with named fields."))
                continue
            for name in entry:
                if name not in fields:
                    data.refuse(line, f"{path}.{name}", Msg("Unknown field “%(name)s”.", name=name))
            values = {}
            for name in fields:
                value = entry.get(name)
                if isinstance(value, (int, float)) and not isinstance(value, bool):
                    value = str(value)  # a ref, a phone or a quantity typed as a number
                elif not isinstance(value, (str, type(None))) and name != "is_contact_public":
                    data.refuse(line, f"{path}.{name}", Msg("Must be text or a number."))
                    value = None
                elif isinstance(value, str) and "\x00" in value:  # written as \u0000
                    data.refuse(line, f"{path}.{name}", NUL_CHARACTER)
                    value = None
                values[name] = value
            rows.append(Row(line, values, path=path))


# Checking ------------------------------------------------------------------------------------

@dataclass
class _OrganizationPlan:
    row: Row
    ref: str
    clean: dict[str, Any]
    existing: Organization | None


@dataclass
class _ListingPlan:
    row: Row
    ref: str
    organization_ref: str
    clean: dict[str, Any]
    status: ListingStatus | None   # None: keep the existing listing's status
    existing: Listing | None


@dataclass
class _Plan:
    organizations: list[_OrganizationPlan] = field(default_factory=list)
    listings: list[_ListingPlan] = field(default_factory=list)
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


def _check(session: Session, data: ImportData, today: date) -> tuple[list[Problem], _Plan]:
    problems = _Problems(data.problems)
    file_refs = {str(r.values.get("ref") or "").strip() for r in data.organizations}
    named_refs = file_refs | {str(r.values.get("organization") or "").strip()
                              for r in (*data.listings, *data.references)}
    site_orgs = {o.ref: o for o in session.scalars(
        select(Organization).where(Organization.ref.in_(sorted(named_refs - {""}))))}
    plan = _Plan(site_organizations=site_orgs)
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
    file_orgs: dict[str, _OrganizationPlan] = {}
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
            file_orgs[ref] = _OrganizationPlan(row, ref, clean, existing)
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
            plan.listings.append(_ListingPlan(row, ref, org_ref, clean, status, existing))
    return problems.in_order(), plan


def validate(session: Session, data: ImportData, today: date) -> list[Problem]:
    """Return every problem of the file in file order; an empty list means it may be applied."""
    return _check(session, data, today)[0]


# Writing -------------------------------------------------------------------------------------

def _assign(row: Organization | Listing, clean: dict[str, Any]) -> bool:
    """Set the values that differ; return whether anything did."""
    changed = False
    for name, value in clean.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    return changed


def apply(session: Session, data: ImportData, now: datetime) -> ImportSummary:
    """Create or update every organization and listing of the file by ref; flush, not commit.

    Checks the file again first and raises ImportRefused, writing nothing, if it has problems.
    """
    problems, plan = _check(session, data, now.date())
    if problems:
        raise ImportRefused(problems)
    summary = ImportSummary()
    organizations = {}
    for item in plan.organizations:
        org = item.existing
        if org is None:
            org = Organization(ref=item.ref, **item.clean, created_at=now, updated_at=now)
            session.add(org)
            summary.organizations_created += 1
        elif _assign(org, item.clean):
            org.updated_at = now
            summary.organizations_updated += 1
        else:
            summary.organizations_unchanged += 1
        organizations[item.ref] = org
    session.flush()
    for item in plan.listings:
        listing = item.existing
        if listing is None:
            org = (organizations.get(item.organization_ref)
                   or plan.site_organizations[item.organization_ref])
            listing = Listing(ref=item.ref, organization=org, **item.clean,
                              remaining=item.clean["quantity"],
                              status=item.status or ListingStatus.OPEN,
                              created_at=now, updated_at=now)
            reindex(listing)
            session.add(listing)
            summary.listings_created += 1
            continue
        promised = listing.quantity - listing.remaining
        changed = _assign(listing, {**item.clean, "remaining": item.clean["quantity"] - promised,
                                    **({"status": item.status} if item.status else {})})
        if changed:
            listing.updated_at = now
            reindex(listing)
            summary.listings_updated += 1
        else:
            summary.listings_unchanged += 1
    session.flush()
    return summary


def import_file(session: Session, filename: str, content: bytes, now: datetime) -> ImportSummary:
    """Import a CSV or JSON file whole, or refuse it all: ImportRefused lists every problem."""
    return apply(session, parse(filename, content), now)


# Exporting -----------------------------------------------------------------------------------

def _organization_record(org: Organization) -> dict[str, Any]:
    return {name: getattr(org, name) for name in ORGANIZATION_FIELDS}


def _listing_record(listing: Listing, org: Organization) -> dict[str, Any]:
    record = {name: getattr(listing, name) for name in LISTING_FIELDS if name != "organization"}
    record["organization"] = org.ref
    return {name: record[name] for name in LISTING_FIELDS}


def _json_value(value: Any) -> str:
    """Dates as YYYY-MM-DD (the enums are str already)."""
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"cannot export {value!r}")


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return safe_cell(value.isoformat() if isinstance(value, date) else str(value))


def export(session: Session, fmt: str) -> str:
    """Write every organization and listing (of any status) in the import format FMT."""
    if fmt not in FORMATS:
        raise ValidationError.single("format", Msg("Choose CSV or JSON."))
    orgs = list(session.scalars(select(Organization).order_by(Organization.id)))
    listings: dict[int, list[Listing]] = {}
    for listing in session.scalars(select(Listing).order_by(Listing.organization_id, Listing.id)):
        listings.setdefault(listing.organization_id, []).append(listing)
    if fmt == "json":
        document = {
            "organizations": [_organization_record(org) for org in orgs],
            "listings": [_listing_record(x, org) for org in orgs for x in listings.get(org.id, [])],
        }
        return json.dumps(document, default=_json_value, ensure_ascii=False, indent=2) + "\n"
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    no_listing = {name: None for name in LISTING_FIELDS}
    for org in orgs:
        organization = [_csv_cell(v) for v in _organization_record(org).values()]
        for record in [_listing_record(x, org) for x in listings.get(org.id, [])] or [no_listing]:
            writer.writerow(organization + [_csv_cell(record[name]) for name in LISTING_FIELDS
                                            if name != "organization"])
    return out.getvalue()
