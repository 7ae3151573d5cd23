"""Saved searches: a user keeps the marketplace's filters and hears of new listings matching them."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Mapping
from urllib.parse import urlencode

from sqlalchemy import Select, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from exchange.core.errors import Msg, NotFound, ValidationError
from exchange.core.listings import marketplace_query
from exchange.core.notifications import notify
from models import Listing, Membership, SavedSearch, User

# The marketplace's filters, in the order of its query string (sorting is not a filter).
FILTERS = ("q", "kind", "category", "sector", "municipality")
MAX_PER_USER = 20
Q_MAX = 100
LABEL_MAX = 200
LINK_MAX = 300  # a notification's link
# A listing is told about once its publication has been committed for sure: a request that
# published it a moment before a run may commit after the run has looked, so each run looks
# only at what was published up to this long before it.
SETTLE = timedelta(minutes=1)
KEY_PREFIX = "saved-search:"
PLURAL = "%(num)d new listings match your saved search “%(label)s”."
SINGULAR = "%(num)d new listing matches your saved search “%(label)s”."


def clean_filters(session: Session, raw: Mapping[str, Any]) -> dict[str, str]:
    """The filters RAW sets, checked as the marketplace checks them; at least one is needed."""
    filters = {}
    for name in FILTERS:
        value = raw.get(name)
        if value is None:
            continue
        if not isinstance(value, str):
            raise ValidationError.single(name, Msg("Not a valid choice."))
        value = " ".join(value.split())
        if value:
            filters[name] = value
    if len(filters.get("q", "")) > Q_MAX:
        raise ValidationError.single("q", Msg("Use at most %(max)d characters.", max=Q_MAX))
    if len(filters.get("municipality", "")) > 120:
        raise ValidationError.single("municipality", Msg("Use at most %(max)d characters.",
                                                         max=120))
    if not filters:
        # Everything new would be a flood, not a search: the marketplace's newest-first list
        # already shows it.
        raise ValidationError.single(None, Msg(
            "Choose at least one filter (words, kind, category, sector or municipality) to be "
            "notified of new listings."))
    marketplace_query(session, **filters)  # refuses what the marketplace would refuse
    if len(link_of(filters)) > LINK_MAX:
        raise ValidationError.single("q", Msg("These filters are too long to save; use fewer "
                                              "words."))
    return filters


def query_of(filters: Mapping[str, str]) -> str:
    """The marketplace's query string for FILTERS, always in the same order."""
    return urlencode([(name, filters[name]) for name in FILTERS if filters.get(name)])


def link_of(filters: Mapping[str, str]) -> str:
    return "/listings/?" + query_of(filters)


def save_search(session: Session, user: User, raw: Mapping[str, Any], label: str,
                now: datetime) -> tuple[SavedSearch, bool]:
    """Save the user's filters, or find them saved already; say whether it is new.

    LABEL is the filters in words, written by the caller in the user's language.
    """
    filters = clean_filters(session, raw)
    query = query_of(filters)
    existing = _by_query(session, user, query)
    if existing is not None:
        return existing, False
    count = session.scalar(select(func.count()).select_from(SavedSearch)
                           .where(SavedSearch.user_id == user.id))
    if count >= MAX_PER_USER:
        raise ValidationError.single(None, Msg(
            "You have reached the limit of %(max)d saved searches. Remove one you no longer "
            "need first.", max=MAX_PER_USER))
    search = SavedSearch(user_id=user.id, filters=filters, query=query,
                         label=label[:LABEL_MAX], created_at=now, notified_until=now)
    try:
        with session.begin_nested():  # the same filters saved at once from two tabs
            session.add(search)
    except IntegrityError:
        return _by_query(session, user, query), False
    return search, True


def _by_query(session: Session, user: User, query: str) -> SavedSearch | None:
    return session.scalar(select(SavedSearch).where(SavedSearch.user_id == user.id,
                                                    SavedSearch.query == query))


def searches_of(session: Session, user: User) -> list[SavedSearch]:
    """The user's saved searches, the latest first."""
    return list(session.scalars(select(SavedSearch).where(SavedSearch.user_id == user.id)
                                .order_by(SavedSearch.created_at.desc(), SavedSearch.id.desc())))


def get_search(session: Session, user: User, search_id: int) -> SavedSearch:
    """One of the user's saved searches; another user's is not found."""
    search = session.get(SavedSearch, search_id)
    if search is None or search.user_id != user.id:
        raise NotFound(Msg("Saved search not found."))
    return search


def remove_search(session: Session, user: User, search_id: int) -> None:
    """Remove one of the user's saved searches."""
    session.delete(get_search(session, user, search_id))
    session.flush()


def new_matches(session: Session, search: SavedSearch, until: datetime) -> Select:
    """Select listings the marketplace shows for SEARCH that were published after its
    watermark and up to UNTIL, except those of its user's own organizations."""
    own = select(Membership.organization_id).where(Membership.user_id == search.user_id)
    return marketplace_query(session, **search.filters).where(
        Listing.published_at > search.notified_until, Listing.published_at <= until,
        Listing.organization_id.not_in(own))


def send_alerts(session: Session, now: datetime) -> int:
    """Tell each saved search's user of listings newly matching it, in one notice per search;
    move every search's watermark. Return how many notices were sent.

    A second run finds nothing new, and each notice has a key, so a repeated run sends once.
    """
    until = now - SETTLE
    sent = 0
    searches = list(session.scalars(select(SavedSearch).join(User, User.id == SavedSearch.user_id)
                               .where(User.is_active, SavedSearch.notified_until < until)
                               .order_by(SavedSearch.id)))
    for search in searches:
        matches = new_matches(session, search, until).order_by(None)
        count = session.scalar(select(func.count()).select_from(matches.subquery()))
        if count:
            sent += notify(session, search.user_id,
                           f"{KEY_PREFIX}{search.id}:{until:%Y%m%dT%H%M%S}",
                           alert_message(count, search.label), link_of(search.filters), now)
        search.notified_until = until
    session.flush()
    return sent


def alert_message(count: int, label: str) -> Msg:
    """The notice of COUNT new listings; shown with the plural form its reader's language
    needs for COUNT (``plural`` and ``num`` are the plural's msgid and number)."""
    return Msg(SINGULAR, num=count, label=label, plural=PLURAL)
