"""The import and export formats' fields and columns (described in the package's docstring)."""
from __future__ import annotations

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
