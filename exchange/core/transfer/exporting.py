"""Exporting every organization and listing in the import format, so that it imports again as
it is."""
from __future__ import annotations

import csv
import io
import json
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from exchange.core.errors import Msg, ValidationError
from exchange.core.transfer.formats import (
    CSV_COLUMNS,
    FORMATS,
    LISTING_FIELDS,
    ORGANIZATION_FIELDS,
)
from exchange.infra.spreadsheet import safe_cell
from models import Listing, Organization


def export(session: Session, fmt: str) -> str:
    """Write every organization and listing (of any status) in the import format FMT, but
    listings kept for a partnership only: the format has no place to say so, and a file
    imported elsewhere would publish them to everyone."""
    if fmt not in FORMATS:
        raise ValidationError.single("format", Msg("Choose CSV or JSON."))
    orgs = list(session.scalars(select(Organization).order_by(Organization.id)))
    listings: dict[int, list[Listing]] = {}
    for listing in session.scalars(select(Listing).where(Listing.partnership_only.is_(False))
                                  .order_by(Listing.organization_id, Listing.id)):
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
