"""Listings as plain data for matching: folded lemmas, domain concepts, capacity, place, dates."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from exchange.matching.lexicon import CONCEPTS, STOPWORDS
from exchange.textsearch import fold, lemma, words

_CAPACITY = re.compile(
    r"(\d{1,4})\s*(?:-\s*)?(?:os(?:ob|\.|obow)|osobow|miejsc|uczestnik|stanowisk|krzesel|"
    r"people|persons|seats|guests|participants)")


@dataclass(frozen=True)
class Item:
    """One listing as matching sees it: no database, no Flask."""

    id: int
    organization_id: int
    kind: str                     # "offer" | "need"
    category: str
    title: str
    terms: frozenset[str]         # folded lemmas of content words
    title_terms: frozenset[str]   # those of the title, which says what the listing is
    concepts: frozenset[str]
    quantity: int
    remaining: int
    unit: str
    municipality: str
    latitude: float | None = None
    longitude: float | None = None
    available_from: date | None = None
    available_until: date | None = None
    capacity: int | None = None   # people a room, bus or event holds, when the text says


@lru_cache(maxsize=100_000)
def _concepts_of(folded_text: str) -> frozenset[str]:
    padded = f" {folded_text} "
    found = set()
    for concept, stems in CONCEPTS.items():
        for stem in stems:
            if f" {stem}" in padded:
                found.add(concept)
                break
    return frozenset(found)


def _content_terms(tokens: list[str]) -> frozenset[str]:
    lemmas = (lemma(w) for w in tokens)
    return frozenset(t for t in lemmas if len(t) > 2 and t not in STOPWORDS and not t.isdigit())


def analyse(title: str, description: str) -> tuple[frozenset[str], frozenset[str],
                                                    frozenset[str], int | None]:
    """The terms, title terms, concepts and stated capacity of a listing's texts."""
    tokens = words(f"{title}. {description or ''}")
    folded_words = [fold(w) for w in tokens]
    lemmas = [lemma(w) for w in tokens]
    concepts = _concepts_of(" ".join(folded_words)) | _concepts_of(" ".join(lemmas))
    return (_content_terms(tokens), _content_terms(words(title)), concepts,
            capacity_of(" ".join(folded_words)))


def capacity_of(folded_text: str) -> int | None:
    """The largest number of people the text mentions, e.g. "sala na 80 osob" → 80."""
    numbers = [int(n) for n in _CAPACITY.findall(folded_text)]
    return max(numbers) if numbers else None


def make_item(*, id: int, organization_id: int, kind: str, category: str, title: str,
              description: str = "", quantity: int = 1, remaining: int | None = None,
              unit: str = "other", municipality: str = "", latitude: float | None = None,
              longitude: float | None = None, available_from: date | None = None,
              available_until: date | None = None) -> Item:
    terms, title_terms, concepts, capacity = analyse(title, description)
    return Item(id=id, organization_id=organization_id, kind=kind, category=category,
                title=title, terms=terms, title_terms=title_terms, concepts=concepts,
                quantity=quantity,
                remaining=quantity if remaining is None else remaining, unit=unit,
                municipality=municipality, latitude=latitude, longitude=longitude,
                available_from=available_from, available_until=available_until,
                capacity=capacity)


def item_from_listing(listing) -> Item:
    """An Item from a Listing row (or anything with the same attributes)."""
    return make_item(
        id=listing.id, organization_id=listing.organization_id, kind=str(listing.kind),
        category=str(listing.category), title=listing.title, description=listing.description,
        quantity=listing.quantity, remaining=listing.remaining, unit=str(listing.unit),
        municipality=listing.municipality, latitude=listing.latitude,
        longitude=listing.longitude, available_from=listing.available_from,
        available_until=listing.available_until)
