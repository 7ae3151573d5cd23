"""Applying an import file: create or update its organizations and listings by ref, or refuse it
all when anything is wrong."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from exchange.core.errors import DomainError, Msg
from exchange.core.listings import record_money_confirmation, reindex
from exchange.core.transfer.checking import ListingPlan, check
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
    # Ambiguous money words taken as not a payment, each with its line and column.
    warnings: list[Problem] = field(default_factory=list)

    def __str__(self) -> str:
        return (f"Organizations: {self.organizations_created} created, "
                f"{self.organizations_updated} updated, {self.organizations_unchanged} unchanged. "
                f"Listings: {self.listings_created} created, {self.listings_updated} updated, "
                f"{self.listings_unchanged} unchanged.")


class ImportRefused(DomainError):
    """The file broke rules; ``problems`` lists every one, and nothing was imported."""

    code = "import_refused"
    status = 422

    def __init__(self, problems: list[Problem], warnings: list[Problem] | None = None) -> None:
        super().__init__(Msg("The file was not imported and nothing was changed. "
                             "Fix the problems listed and try again."))
        self.problems = problems
        self.warnings = warnings or []


def apply(session: Session, data: ImportData, now: datetime, *,
          actor_id: int | None = None) -> ImportSummary:
    """Create or update every organization and listing of the file by ref; flush, not commit.

    Checks the file again first and raises ImportRefused, writing nothing, if it has problems.
    Ambiguous money words are taken as not a payment, confirmed by ACTOR_ID (the importing
    user), and listed in the summary's warnings.
    """
    problems, plan = check(session, data, now.date())
    if problems:
        raise ImportRefused(problems, plan.warnings)
    summary = ImportSummary(warnings=plan.warnings)
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
        org = (organizations.get(item.organization_ref)
               or plan.site_organizations.get(item.organization_ref))
        _apply_listing(session, item, org, now, actor_id, summary)
    session.flush()
    return summary


def _apply_listing(session: Session, item: ListingPlan, org: Organization | None,
                   now: datetime, actor_id: int | None, summary: ImportSummary) -> None:
    """Create or update one listing of the plan, counting it in SUMMARY."""
    clean = dict(item.clean)
    words = clean.pop("money_confirmed_fragment")
    listing = item.existing
    if listing is None:
        listing = Listing(ref=item.ref, organization=org, **clean, remaining=clean["quantity"],
                          status=item.status or ListingStatus.OPEN,
                          created_at=now, updated_at=now)
        record_money_confirmation(listing, words, actor_id, now)
        if listing.status == ListingStatus.OPEN:
            listing.published_at = now
        reindex(listing)
        session.add(listing)
        summary.listings_created += 1
        return
    promised = listing.quantity - listing.remaining
    renewed = (listing.title, listing.description) != (clean["title"], clean["description"])
    changed = words != listing.money_confirmed_fragment
    record_money_confirmation(listing, words, actor_id, now, renewed=renewed)
    changed = _assign(listing, {**clean, "remaining": clean["quantity"] - promised,
                                **({"status": item.status} if item.status else {})}) or changed
    if changed:
        listing.updated_at = now
        if listing.published_at is None and listing.status == ListingStatus.OPEN:
            listing.published_at = now
        reindex(listing)
        summary.listings_updated += 1
    else:
        summary.listings_unchanged += 1


def import_file(session: Session, filename: str, content: bytes, now: datetime, *,
                actor_id: int | None = None) -> ImportSummary:
    """Import a CSV or JSON file whole, or refuse it all: ImportRefused lists every problem.
    ACTOR_ID, the importing user, confirms the ambiguous money words the summary warns of."""
    return apply(session, parse(filename, content), now, actor_id=actor_id)


def _assign(row: Organization | Listing, clean: dict[str, Any]) -> bool:
    """Set the values that differ; return whether anything did."""
    changed = False
    for name, value in clean.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    return changed
