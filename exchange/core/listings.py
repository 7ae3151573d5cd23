"""Listings: offers and needs of organizations, their lifecycle, and the marketplace query."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any, Mapping

from sqlalchemy import Select, func, or_, select, text, update
from sqlalchemy.orm import Session, selectinload

from exchange.core.errors import (
    Errors,
    Msg,
    NotFound,
    ValidationError,
    clean_choice,
    clean_date,
    clean_number,
    clean_text,
)
from exchange.core.money import MoneyWarning, confirmation_message, money_check
from exchange.core.notifications import notify
from exchange.core.organizations import canonical_municipality, get_membership
from exchange.infra import textsearch
from models import (
    Category,
    EventListing,
    EventStaff,
    Listing,
    ListingKind,
    ListingStatus,
    MemberRole,
    Membership,
    Organization,
    PartnershipMember,
    Sector,
    Unit,
    User,
)

TITLE_MAX = 200
DESCRIPTION_MAX = 5000
CONTRIBUTION_MAX = 300
CONFIRMED_MAX = 300
REF_MAX = 100
QUANTITY_MAX = 1_000_000
DEFAULT_LIFETIME = timedelta(days=182)   # a listing nobody renews leaves the marketplace
LONGEST_LIFETIME = timedelta(days=2 * 366)

FIELDS = ("kind", "category", "title", "description", "quantity", "unit", "available_from",
          "available_until", "municipality", "latitude", "longitude", "expires_on",
          "cost_contribution")

# The lifecycle: action → (statuses it may start from, status it leads to).
TRANSITIONS: dict[str, tuple[frozenset[ListingStatus], ListingStatus]] = {
    "publish": (frozenset({ListingStatus.DRAFT}), ListingStatus.OPEN),
    "pause": (frozenset({ListingStatus.OPEN}), ListingStatus.PAUSED),
    "reopen": (frozenset({ListingStatus.PAUSED, ListingStatus.CLOSED, ListingStatus.EXPIRED}),
               ListingStatus.OPEN),
    "close": (frozenset({ListingStatus.DRAFT, ListingStatus.OPEN, ListingStatus.PAUSED,
                         ListingStatus.EXPIRED}), ListingStatus.CLOSED),
}
# Statuses the public may see (a draft is its organization's own business).
PUBLIC_STATUSES = frozenset({ListingStatus.OPEN, ListingStatus.PAUSED, ListingStatus.CLOSED,
                             ListingStatus.EXPIRED})
SORTS = ("newest", "expiring")
EXPIRY_WARNING = timedelta(days=7)


def clean_listing(session: Session, org: Organization, data: Mapping[str, Any], today: date,
                  *, existing: Listing | None = None, money_confirmed: bool = False
                  ) -> dict[str, Any]:
    """Validate listing fields (including the no-money rule); return clean values.

    Ambiguous money words need ``data["not_a_payment"]`` ticked, unless MONEY_CONFIRMED (an
    import: the importing user confirms) or the texts are unchanged since a confirmation.
    The clean values include ``money_confirmed_fragment``: pass it to
    record_money_confirmation."""
    errors = Errors()
    clean: dict[str, Any] = {
        "kind": clean_choice(data.get("kind"), "kind", errors, ListingKind),
        "category": clean_choice(data.get("category"), "category", errors, Category),
        "title": clean_text(data.get("title"), "title", errors, max_length=TITLE_MAX, required=True),
        "description": clean_text(data.get("description"), "description", errors,
                                  max_length=DESCRIPTION_MAX, multiline=True),
        "quantity": clean_number(data.get("quantity"), "quantity", errors, kind=int, low=1,
                            high=QUANTITY_MAX, required=True),
        "unit": clean_choice(data.get("unit"), "unit", errors, Unit),
        "available_from": clean_date(data.get("available_from"), "available_from", errors),
        "available_until": clean_date(data.get("available_until"), "available_until", errors),
        "municipality": clean_text(data.get("municipality"), "municipality", errors,
                                   max_length=120) or org.municipality,
        "latitude": clean_number(data.get("latitude"), "latitude", errors, kind=float, low=-90, high=90),
        "longitude": clean_number(data.get("longitude"), "longitude", errors, kind=float,
                             low=-180, high=180),
        "expires_on": clean_date(data.get("expires_on"), "expires_on", errors),
        "cost_contribution": clean_text(data.get("cost_contribution"), "cost_contribution",
                                        errors, max_length=CONTRIBUTION_MAX),
    }
    warnings = _check_money(errors, clean, data, existing, confirmed=money_confirmed)
    start, end = clean["available_from"], clean["available_until"]
    if start and end and end < start:
        errors.add("available_until", Msg("The end of availability comes before its start."))
    if (clean["latitude"] is None) != (clean["longitude"] is None):
        errors.add("longitude", Msg("Give both coordinates, or neither."))
    expires = clean["expires_on"]
    if expires is None and not errors.errors.get("expires_on"):
        clean["expires_on"] = expires = (existing.expires_on if existing and existing.expires_on
                                         and existing.expires_on >= today
                                         else today + DEFAULT_LIFETIME)
    if expires and "expires_on" not in errors.errors:
        if expires < today:
            errors.add("expires_on", Msg("The expiry date has passed; choose a later one."))
        elif expires > today + LONGEST_LIFETIME:
            errors.add("expires_on", Msg("A listing can stay up for two years at most."))
    if existing is not None and clean["quantity"] is not None:
        promised = existing.quantity - existing.remaining
        if clean["quantity"] < promised:
            errors.add("quantity", Msg("%(promised)d are already promised in contracts; the "
                                       "quantity cannot be lower.", promised=promised))
    errors.raise_if_any(details={"money_warnings": [w._asdict() for w in warnings]}
                        if "not_a_payment" in errors.errors else None)
    clean["municipality"] = canonical_municipality(session, clean["municipality"])
    return clean


def listing_money_check(title: str | None, description: str | None
                        ) -> tuple[Errors, list[MoneyWarning]]:
    """The no-money rule on a listing's texts: errors for what certainly asks for money (the
    listing is refused), warnings for ambiguous words, each (field, fragment), which the
    listing takes once someone confirms they are not a payment. Imports use it to list the
    warnings with their rows."""
    return money_check({"title": title, "description": description})


def _confirmed_words(warnings: list[MoneyWarning]) -> str | None:
    """The ambiguous fragments as stored on the listing: "najem; sponsor"."""
    words = list(dict.fromkeys(w.fragment for w in warnings))
    return "; ".join(words)[:CONFIRMED_MAX] if words else None


def _check_money(errors: Errors, clean: dict[str, Any], data: Mapping[str, Any],
                 existing: Listing | None, *, confirmed: bool) -> list[MoneyWarning]:
    """Refuse certain money talk; ask for the author's confirmation of ambiguous words unless
    given now (NOT_A_PAYMENT), given by the caller (an import), or given before for the same
    texts. Sets clean["money_confirmed_fragment"]; returns the warnings."""
    money_errors, warnings = listing_money_check(clean["title"], clean["description"])
    for name, messages in money_errors.errors.items():
        for message in messages:
            errors.add(name, message)
    words = _confirmed_words(warnings)
    clean["money_confirmed_fragment"] = words
    unchanged = (existing is not None and existing.money_confirmed_fragment == words
                 and (existing.title, existing.description)
                 == (clean["title"], clean["description"]))
    ticked = str(data.get("not_a_payment") or "").lower() in ("1", "true", "on", "yes", "y")
    if warnings and not (confirmed or ticked or unchanged):
        errors.add("not_a_payment", confirmation_message(words))
    return warnings


def sees_money_confirmation(session: Session, viewer: User | None, listing: Listing) -> bool:
    """Whether VIEWER is shown who confirmed LISTING's money words: an administrator, or the
    staff (notary, moderator, organiser…) of an event the listing is brought to. Its own
    organization's members see it too (the caller knows them)."""
    if viewer is None or not getattr(viewer, "is_authenticated", False):
        return False
    if viewer.is_admin:
        return True
    return session.scalar(
        select(EventStaff.id).join(EventListing, EventListing.event_id == EventStaff.event_id)
        .where(EventListing.listing_id == listing.id, EventStaff.user_id == viewer.id)
        .limit(1)) is not None


def record_money_confirmation(listing: Listing, words: str | None, actor_id: int | None,
                              now: datetime, *, renewed: bool = False) -> None:
    """Keep on LISTING who confirmed its ambiguous money WORDS and when: changed words, or
    RENEWED (the texts changed, so it was confirmed again), are a new confirmation; no words
    clear it."""
    if words is None:
        listing.money_confirmed_at = listing.money_confirmed_by_id = None
    elif (renewed or words != listing.money_confirmed_fragment
          or listing.money_confirmed_at is None):
        listing.money_confirmed_at, listing.money_confirmed_by_id = now, actor_id
    listing.money_confirmed_fragment = words


def reindex(listing: Listing) -> None:
    """Recompute the words the full-text search finds LISTING by."""
    listing.search_text = textsearch.index_text(listing.title, listing.description)


def create_listing(session: Session, actor: User, org_id: int, data: Mapping[str, Any],
                   now: datetime, *, publish: bool = True) -> Listing:
    """Post an offer or a need for the organization; any member may."""
    org = get_membership(session, actor, org_id).organization
    clean = clean_listing(session, org, data, now.date())
    words = clean.pop("money_confirmed_fragment")
    listing = Listing(organization=org, **clean, remaining=clean["quantity"],
                      status=ListingStatus.OPEN if publish else ListingStatus.DRAFT,
                      created_by_id=actor.id, created_at=now, updated_at=now,
                      published_at=now if publish else None)
    record_money_confirmation(listing, words, actor.id, now)
    reindex(listing)
    session.add(listing)
    session.flush()
    return listing


def get_listing_for_member(session: Session, actor: User, org_id: int, listing_id: int) -> Listing:
    """Load a listing for a change by a member of its organization (others: NotFound)."""
    get_membership(session, actor, org_id)
    listing = session.get(Listing, listing_id)
    if listing is None or listing.organization_id != org_id:
        raise NotFound(Msg("Listing not found."))
    return listing


def update_listing(session: Session, actor: User, org_id: int, listing_id: int,
                   data: Mapping[str, Any], now: datetime) -> Listing:
    """Edit a listing; the remaining capacity moves with the quantity."""
    listing = get_listing_for_member(session, actor, org_id, listing_id)
    if listing.status is ListingStatus.CLOSED:
        raise ValidationError.single(None, Msg("A closed listing cannot be edited; reopen it first."))
    clean = clean_listing(session, listing.organization, data, now.date(), existing=listing)
    record_money_confirmation(listing, clean.pop("money_confirmed_fragment"), actor.id, now,
                              renewed=(listing.title, listing.description)
                              != (clean["title"], clean["description"]))
    promised = listing.quantity - listing.remaining
    for field, value in clean.items():
        setattr(listing, field, value)
    listing.remaining = listing.quantity - promised
    listing.updated_at = now
    reindex(listing)
    session.flush()
    return listing


def change_status(session: Session, actor: User, org_id: int, listing_id: int, action: str,
                  now: datetime) -> Listing:
    """Publish, pause, reopen or close a listing, as the lifecycle allows."""
    listing = get_listing_for_member(session, actor, org_id, listing_id)
    if action not in TRANSITIONS:
        raise ValidationError.single(None, Msg("Unknown action."))
    sources, target = TRANSITIONS[action]
    if listing.status not in sources:
        raise ValidationError.single(None, Msg("A listing in this state cannot be changed that way."))
    if target is ListingStatus.OPEN and listing.expires_on and listing.expires_on < now.date():
        raise ValidationError.single("expires_on", Msg(
            "The expiry date has passed; set a later one before reopening."))
    listing.status = target
    listing.updated_at = now
    if listing.published_at is None and target is ListingStatus.OPEN:
        listing.published_at = now
    session.flush()
    return listing


def visible_listing(session: Session, viewer: User | None, listing_id: int) -> Listing:
    """A listing as VIEWER may see it: drafts only for members of the organization, one kept
    for a partnership only for members of the partnership's organizations too."""
    listing = session.get(Listing, listing_id)
    if listing is None:
        raise NotFound(Msg("Listing not found."))
    if listing.partnership_only and not _in_partnership(session, viewer, listing):
        raise NotFound(Msg("Listing not found."))
    if listing.status not in PUBLIC_STATUSES:
        try:
            get_membership(session, viewer, listing.organization_id)
        except NotFound:
            raise NotFound(Msg("Listing not found.")) from None
    return listing


def _in_partnership(session: Session, viewer: User | None, listing: Listing) -> bool:
    """Whether VIEWER acts for an organization of LISTING's partnership (or its own)."""
    if viewer is None or not getattr(viewer, "is_authenticated", False) or not viewer.is_active:
        return False
    orgs = set(session.scalars(select(Membership.organization_id).where(
        Membership.user_id == viewer.id)))
    return listing.organization_id in orgs or bool(orgs & partnership_org_ids(
        session, listing.partnership_id))


def partnership_org_ids(session: Session, partnership_id: int | None) -> set[int]:
    """The current member organizations of a partnership."""
    if partnership_id is None:
        return set()
    return set(session.scalars(select(PartnershipMember.organization_id).where(
        PartnershipMember.partnership_id == partnership_id, PartnershipMember.left_at.is_(None))))


def hidden_from(session: Session, org_id: int) -> set[int]:
    """The live (open or paused) listings kept for a partnership only that organization
    ORG_ID may not see, not being a member of their partnership: matching leaves them out of
    its proposals, and a contract's form out of the listings it may link."""
    mine = select(PartnershipMember.partnership_id).where(
        PartnershipMember.organization_id == org_id, PartnershipMember.left_at.is_(None))
    # One whose organization left its partnership (no partnership now) is hidden from all.
    return set(session.scalars(select(Listing.id).where(
        Listing.partnership_only.is_(True),
        Listing.status.in_((ListingStatus.OPEN, ListingStatus.PAUSED)),
        Listing.organization_id != org_id,
        or_(Listing.partnership_id.is_(None), Listing.partnership_id.not_in(mine)))))


def marketplace_query(session: Session, *, q: str | None = None, kind: str | None = None,
                      category: str | None = None, sector: str | None = None,
                      municipality: str | None = None, sort: str = "newest",
                      organization_id: int | None = None) -> Select:
    """Select open listings matching the filters, newest or soonest-expiring first."""
    errors = Errors()
    kind = clean_choice(kind, "kind", errors, ListingKind) if kind else None
    category = clean_choice(category, "category", errors, Category) if category else None
    sector = clean_choice(sector, "sector", errors, Sector) if sector else None
    if sort not in SORTS:
        errors.add("sort", Msg("Not a valid choice."))
    errors.raise_if_any()

    is_open = Listing.status == ListingStatus.OPEN
    if session.get_bind().dialect.name == "sqlite":
        # Most listings are open: without this hint (or ANALYZE statistics) SQLite walks every
        # open listing instead of starting from the text matches or another filter.
        is_open = func.likely(is_open)
    # The cards show each listing's organization: load a page's organizations in one query.
    # Contributions kept for a partnership only never reach the public marketplace (nor the
    # API's list or saved-search alerts, which ask this query).
    stmt = select(Listing).where(is_open, Listing.partnership_only.is_(False)).options(
        selectinload(Listing.organization))
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
    if q and q.strip():
        stmt = stmt.where(_text_match(session, q))
    if sort == "expiring":
        return stmt.order_by(Listing.expires_on.is_(None), Listing.expires_on, Listing.id)
    return stmt.order_by(Listing.created_at.desc(), Listing.id.desc())


def _text_match(session: Session, q: str):
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        expression = textsearch.tsquery(q)
        if expression is None:
            return text("true")
        return func.to_tsvector(text("'simple'"), Listing.search_text).op("@@")(
            func.to_tsquery(text("'simple'"), expression))
    expression = textsearch.fts5_query(q)
    if expression is None:
        return text("1 = 1")
    return Listing.id.in_(text("SELECT rowid FROM listing_fts WHERE listing_fts MATCH :fts")
                          .bindparams(fts=expression))


def listings_of(session: Session, org_id: int, *, include_private: bool) -> list[Listing]:
    """An organization's listings: open ones for the public, all but closed for members."""
    statuses = ({ListingStatus.DRAFT, ListingStatus.OPEN, ListingStatus.PAUSED,
                 ListingStatus.EXPIRED} if include_private else {ListingStatus.OPEN})
    query = select(Listing).where(Listing.organization_id == org_id, Listing.status.in_(statuses))
    if not include_private:
        query = query.where(Listing.partnership_only.is_(False))
    return list(session.scalars(
        query.order_by(Listing.kind, Listing.created_at.desc())))


def expire_listings(session: Session, now: datetime) -> tuple[int, int]:
    """Expire listings past their date and warn owners a week ahead; return (expired, warned).

    Idempotent: a second run finds nothing more to expire, and each warning has a key.
    """
    today = now.date()
    live = (ListingStatus.OPEN, ListingStatus.PAUSED)
    expired = session.execute(
        update(Listing).where(Listing.status.in_(live), Listing.expires_on < today)
        .values(status=ListingStatus.EXPIRED, updated_at=now)
        .execution_options(synchronize_session="fetch")).rowcount
    warned = 0
    expiring = session.scalars(select(Listing).where(
        Listing.status.in_(live), Listing.expires_on >= today,
        Listing.expires_on <= today + EXPIRY_WARNING))
    for listing in expiring:
        owners = set(session.scalars(select(Membership.user_id).where(
            Membership.organization_id == listing.organization_id,
            Membership.role == MemberRole.OWNER)))
        if listing.created_by_id:
            owners.add(listing.created_by_id)
        for user_id in sorted(owners):
            warned += notify(
                session, user_id, f"listing-expiring:{listing.id}:{listing.expires_on}:{user_id}",
                Msg("“%(title)s” expires on %(date)s. Edit it to keep it in the marketplace.",
                    title=listing.title, date=listing.expires_on.isoformat()),
                f"/listings/{listing.id}", now)
    session.flush()
    return expired, warned
