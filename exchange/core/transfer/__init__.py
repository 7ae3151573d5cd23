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
- The same table may come as the first sheet of an .xlsx workbook where a caller allows it
  (the organisers' event import does; see exchange/core/events/importing.py, which also reads
  an extra ``attendees`` column): row numbers are its lines, numbers and dates are read as
  typed. At most 5,000 rows.
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

from exchange.core.transfer.applying import ImportRefused, ImportSummary, apply, import_file
from exchange.core.transfer.checking import validate
from exchange.core.transfer.exporting import export
from exchange.core.transfer.formats import (
    CSV_COLUMNS,
    FILE_ENCODINGS,
    FORMATS,
    LISTING_COLUMNS,
    LISTING_FIELDS,
    MEDIA_TYPES,
    ORGANIZATION_COLUMNS,
    ORGANIZATION_FIELDS,
)
from exchange.core.transfer.reading import ImportData, Problem, Row, parse

__all__ = [
    "CSV_COLUMNS", "FILE_ENCODINGS", "FORMATS", "LISTING_COLUMNS", "LISTING_FIELDS",
    "MEDIA_TYPES", "ORGANIZATION_COLUMNS", "ORGANIZATION_FIELDS",
    "ImportData", "ImportRefused", "ImportSummary", "Problem", "Row",
    "apply", "export", "import_file", "parse", "validate",
]
