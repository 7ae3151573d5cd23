"""Reading an import file: a .csv or .json file into rows, and what makes parts of it unreadable.

Nothing is checked against the rules here (see checking.py): a row is what the file says.
"""
from __future__ import annotations

import bisect
import csv
import io
import json
import json.decoder
import json.scanner
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from exchange.core.errors import Msg
from exchange.core.transfer.formats import (
    CSV_COLUMNS,
    FORMATS,
    LISTING_COLUMNS,
    LISTING_FIELDS,
    ORGANIZATION_COLUMNS,
    ORGANIZATION_FIELDS,
)
from exchange.infra.jsondepth import MAX_DEPTH, too_deep
from exchange.infra.spreadsheet import read_xlsx, unescape_cell

# A file of a few thousand rows is checked in seconds; more is not one event's list.
MAX_TABLE_ROWS = 5000

# No database keeps it in text (PostgreSQL refuses it, SQLite would store it silently).
NUL_CHARACTER = Msg("This line contains the NUL character (\\0), which text may not hold. "
                    "Remove it and import the file again.")


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
    # Cells of the caller's extra columns (see parse), with the row's organization_ref.
    extras: list[Row] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def refuse(self, line: int | None, where: str | None, message: Msg) -> None:
        self.problems.append(Problem(line, where, message))


def parse(filename: str, content: bytes, *, formats: tuple[str, ...] = FORMATS,
          extra_columns: tuple[str, ...] = ()) -> ImportData:
    """Read a file of one of FORMATS (.csv, .json, .xlsx) into rows; what cannot be read becomes
    a problem, not an error. EXTRA_COLUMNS are table columns the caller reads itself (in
    ``extras``)."""
    name = re.split(r"[\\/]", filename or "")[-1]
    fmt = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if fmt not in formats:
        data = ImportData(fmt)
        data.refuse(None, None, Msg("Choose a .csv or .json file; “%(name)s” is neither.",
                                    name=name) if "json" in formats else
                    Msg("Choose a .csv or .xlsx file; “%(name)s” is neither.", name=name))
        return data
    data = ImportData(fmt)
    if fmt == "xlsx":
        _read_xlsx(content, data, extra_columns)
        return data
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
    if fmt == "csv":
        _read_table(_csv_rows(text, data), data, extra_columns)
    else:
        _read_json(text, data)
    return data


# CSV and XLSX -----------------------------------------------------------------------------------------

_ORGANIZATION_OF_COLUMN = {c: f for f, c in ORGANIZATION_COLUMNS.items()}
_LISTING_OF_COLUMN = {c: f for f, c in LISTING_COLUMNS.items() if f != "organization"}


def _csv_rows(text: str, data: ImportData) -> Iterator[tuple[int, list[str]]]:
    """Each CSV record with the line it starts on; one that cannot be read ends the file."""
    header_line = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=header_line.count)  # a tie (no delimiter at all) means ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    end = 0
    while True:
        line = end + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            data.refuse(line, None, Msg("This line cannot be read as CSV: %(error)s.",
                                        error=str(error)))
            return
        end = reader.line_num
        yield line, cells


def _read_xlsx(content: bytes, data: ImportData, extra: tuple[str, ...]) -> None:
    """The first sheet of a workbook, read as a CSV file would be (row numbers are lines)."""
    try:
        # The header, the rows allowed, and one more to tell that there are too many.
        rows = read_xlsx(content, max_rows=MAX_TABLE_ROWS + 2)
    except ValueError:
        data.refuse(None, None, Msg("This is not an Excel workbook (.xlsx) that can be read. "
                                    "Save it again in Excel as “Excel Workbook”."))
        return
    if not rows:
        data.refuse(None, None, Msg("The file is empty."))
        return
    _read_table(iter(rows), data, extra)


def _read_table(rows: Iterator[tuple[int, list[str]]], data: ImportData,
                extra: tuple[str, ...] = ()) -> None:
    """A header, then one organization-or-listing per row (see the package docstring)."""
    header = _read_header(rows, data, extra)
    if header is None:
        return
    described: dict[str, tuple[int, dict[str, str]]] = {}
    count = 0
    for line, cells in rows:
        cells = [unescape_cell(cell.strip()) for cell in cells]
        if not any(cells):
            continue
        count += 1
        if count > MAX_TABLE_ROWS:
            data.refuse(line, None, Msg("The file has more than %(max)d rows; split it into "
                                        "smaller files.", max=MAX_TABLE_ROWS))
            return
        if any(cells[len(header):]):
            data.refuse(line, None, Msg("This row has more cells than the header has columns."))
            continue
        if any(value for name, value in zip(header, cells) if not name):
            data.refuse(line, None, Msg("This row has a value in a column without a name."))
            continue
        _add_csv_row(data, line, dict(zip(header, cells)), described, extra)


def _read_header(rows: Iterator[tuple[int, list[str]]], data: ImportData,
                 extra: tuple[str, ...]) -> list[str] | None:
    """The header's column names, or None when the header is refused (why: in DATA)."""
    first = next(rows, None)
    if first is None:  # the first record could not be read (why: in DATA)
        return None
    header = [name.strip().lower() for name in first[1]]
    while header and not header[-1]:
        header.pop()  # a spreadsheet's empty columns on the right
    known = set(CSV_COLUMNS) | set(extra)
    seen: set[str] = set()
    for name in header:
        if name in seen and name:
            data.refuse(1, name, Msg("The column “%(name)s” appears twice.", name=name))
        elif name and name not in known:
            data.refuse(1, name, Msg("Unknown column “%(name)s”.", name=name))
        seen.add(name)
    required = ["organization_ref"]
    if seen & set(_LISTING_OF_COLUMN):
        required.append("ref")
    for name in required:
        if name not in seen:
            data.refuse(1, None, Msg("The file has no column “%(name)s”.", name=name))
    return None if data.problems else header


def _add_csv_row(data: ImportData, line: int, row: dict[str, str],
                 described: dict[str, tuple[int, dict[str, str]]],
                 extra: tuple[str, ...] = ()) -> None:
    """The organization, listing or reference of one CSV row. DESCRIBED: the details of each
    organization ref described so far, with their line."""
    org = {f: row.get(c, "") for c, f in _ORGANIZATION_OF_COLUMN.items()}
    listing = {f: row.get(c, "") for c, f in _LISTING_OF_COLUMN.items()}
    details = {f: v for f, v in org.items() if f != "ref"}
    ref = org["ref"]
    extras = {c: row.get(c, "") for c in extra}
    if any(extras.values()):
        data.extras.append(Row(line, {**extras, "organization": ref},
                               columns={c: c for c in extra} | {"organization": "organization_ref"}))
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


# JSON ----------------------------------------------------------------------------------------

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
