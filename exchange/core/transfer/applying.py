"""Applying an import file: create or update its organizations and listings by ref, or refuse it
all when anything is wrong."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from exchange.core.errors import DomainError, Msg
from exchange.core.listings import reindex
from exchange.core.transfer.checking import check
from exchange.core.transfer.reading import ImportData, Problem, parse
from models import Listing, ListingStatus, Organization


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


def apply(session: Session, data: ImportData, now: datetime) -> ImportSummary:
    """Create or update every organization and listing of the file by ref; flush, not commit.

    Checks the file again first and raises ImportRefused, writing nothing, if it has problems.
    """
    problems, plan = check(session, data, now.date())
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
            if listing.status == ListingStatus.OPEN:
                listing.published_at = now
            reindex(listing)
            session.add(listing)
            summary.listings_created += 1
            continue
        promised = listing.quantity - listing.remaining
        changed = _assign(listing, {**item.clean, "remaining": item.clean["quantity"] - promised,
                                    **({"status": item.status} if item.status else {})})
        if changed:
            listing.updated_at = now
            if listing.published_at is None and listing.status == ListingStatus.OPEN:
                listing.published_at = now
            reindex(listing)
            summary.listings_updated += 1
        else:
            summary.listings_unchanged += 1
    session.flush()
    return summary


def import_file(session: Session, filename: str, content: bytes, now: datetime) -> ImportSummary:
    """Import a CSV or JSON file whole, or refuse it all: ImportRefused lists every problem."""
    return apply(session, parse(filename, content), now)


def _assign(row: Organization | Listing, clean: dict[str, Any]) -> bool:
    """Set the values that differ; return whether anything did."""
    changed = False
    for name, value in clean.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    return changed
