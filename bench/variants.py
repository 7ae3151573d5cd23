"""Variants of exchange.core.listings.marketplace_query, measured by monkeypatching.

The benchmark does not edit the app, so `--variant` swaps in a copy of marketplace_query
(as of commit d27b35a) with the two changes that commit made switched on or off:

  as-is          the app's own function, untouched (default)
  before         neither change: the code of 917b5b0, as first benchmarked
  likely-only    only the SQLite hint: `likely(status = 'open')`
  selectin-only  only the organizations loaded per page (selectinload) instead of per card
  likely-noq     both, but the hint only when there is no text query (text queries keep the
                 plan of 917b5b0): an alternative looked at in bench/README.md

The copy must stay the app's function apart from those switches; if exchange/core/listings.py's
marketplace_query changes, a warning says so (the variants then compare with an old copy).
"""
from __future__ import annotations

import hashlib
import inspect

# variant → (when to add the SQLite hint: always / never / no-q, load organizations per page)
VARIANTS = {
    "as-is": None,
    "before": ("never", False),
    "likely-only": ("always", False),
    "selectin-only": ("never", True),
    "likely-noq": ("no-q", True),
}
# sha256[:12] of inspect.getsource(marketplace_query) at d27b35a, the function copied below.
COPIED_FROM_SHA = "7b7778dc1fe9"


def source_sha(function) -> str:
    return hashlib.sha256(inspect.getsource(function).encode()).hexdigest()[:12]


def make_marketplace_query(*, hint: str, selectin: bool):
    from sqlalchemy import Select, func, select
    from sqlalchemy.orm import Session, selectinload

    from exchange.core.errors import Errors, Msg, clean_choice
    from exchange.core.listings import SORTS, _text_match
    from models import Category, Listing, ListingKind, ListingStatus, Organization, Sector

    def marketplace_query(session: Session, *, q: str | None = None, kind: str | None = None,
                          category: str | None = None, sector: str | None = None,
                          municipality: str | None = None, sort: str = "newest",
                          organization_id: int | None = None) -> Select:
        errors = Errors()
        kind = clean_choice(kind, "kind", errors, ListingKind) if kind else None
        category = clean_choice(category, "category", errors, Category) if category else None
        sector = clean_choice(sector, "sector", errors, Sector) if sector else None
        if sort not in SORTS:
            errors.add("sort", Msg("Not a valid choice."))
        errors.raise_if_any()

        is_open = Listing.status == ListingStatus.OPEN
        has_q = bool(q and q.strip())
        if session.get_bind().dialect.name == "sqlite" and (
                hint == "always" or (hint == "no-q" and not has_q)):
            is_open = func.likely(is_open)
        stmt = select(Listing).where(is_open)
        if selectin:
            stmt = stmt.options(selectinload(Listing.organization))
        if kind:
            stmt = stmt.where(Listing.kind == kind)
        if category:
            stmt = stmt.where(Listing.category == category)
        if municipality:
            stmt = stmt.where(Listing.municipality == municipality)
        if organization_id is not None:
            stmt = stmt.where(Listing.organization_id == organization_id)
        if sector:
            stmt = stmt.join(Organization, Organization.id == Listing.organization_id).where(
                Organization.sector == sector)
        if has_q:
            stmt = stmt.where(_text_match(session, q))
        if sort == "expiring":
            return stmt.order_by(Listing.expires_on.is_(None), Listing.expires_on, Listing.id)
        return stmt.order_by(Listing.created_at.desc(), Listing.id.desc())

    return marketplace_query


def apply(name: str, log=print) -> None:
    """Monkeypatch exchange.core.listings.marketplace_query for variant NAME ("as-is": nothing)."""
    if name not in VARIANTS:
        raise SystemExit(f"unknown variant {name!r}; choose one of {', '.join(VARIANTS)}")
    import exchange.core.listings as core
    current = source_sha(core.marketplace_query)
    if current != COPIED_FROM_SHA:
        log(f"  NOTE: exchange/core/listings.py's marketplace_query is not the one bench/variants.py "
            f"copied (source sha {current}, copy of {COPIED_FROM_SHA}); variants other than "
            "as-is measure the copy.")
    if VARIANTS[name] is None:
        return
    hint, selectin = VARIANTS[name]
    core.marketplace_query = make_marketplace_query(hint=hint, selectin=selectin)
