"""The index's offers and a batch of needs as numpy arrays: every factor of score() for many
pairs at once, so that `MatchIndex.all_offers` scores in Python only the pairs that can make
a need's top."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from datetime import date

import numpy as np
from scipy.sparse import csr_matrix

from exchange.core.matching.features import Item
from exchange.core.matching.lexicon import CONFLICTS
from exchange.core.matching.scoring import (
    DAYS_CLASH,
    HARD_CAPACITY,
    NEARBY_KM,
    TEXT_SHARE,
    WeightCache,
    Weighted,
    category_fit,
    distance_share,
)

# score() multiplies relevance (text and category) by factors of at most 1, except reciprocity,
# which adds this much (and the score stays at most 1); it rounds to four decimals.
RECIPROCITY = 1.05
ROUNDING = 1e-4


class OfferArrays:
    """The index's offers slot by slot (OFFERS, None for a free slot), as arrays: the scores
    of many pairs at once.

    `bounds` gives, for pairs of needs and offers, what score() would (plus its rounding),
    or -1 where score() rules the pair out: the same factors, in numpy, with the text
    similarity from the offers' normalised weights in a sparse matrix. Scoring a pair in
    Python costs as much as bounding a hundred this way, so only the best are scored.
    """

    def __init__(self, offers: list[Item | None], idf: Mapping[str, float], default_idf: float,
                 offers_by_org: Mapping[int, Mapping[str, int]],
                 needs_by_org: Mapping[int, Mapping[str, int]]) -> None:
        self.offers_by_org = offers_by_org     # organization → categories it offers
        self.weigh = WeightCache(idf, default_idf)   # offers' weights and their norms
        self._lay_out_weights(offers)
        self._code_categories(offers, offers_by_org, needs_by_org)
        self._lay_out_fields(offers)
        self._code_conflicts(offers)

    def _lay_out_weights(self, offers: list[Item | None]) -> None:
        """The offers' normalised weights in a sparse matrix, a column per feature."""
        self.columns: dict[str, int] = {}
        indptr, indices, data = [0], [], []
        for offer in offers:
            if offer is not None:
                weights, norm = self.weigh(offer)
                for feature, weight in weights.items():
                    indices.append(self.columns.setdefault(feature, len(self.columns)))
                    data.append(weight / norm)
            indptr.append(len(indices))
        self.weights = csr_matrix((data, indices, indptr),
                                  shape=(len(offers), max(1, len(self.columns))))
        # A need's columns in a batch's query matrix, −1 for none; reset after each batch.
        self.local = np.full(self.weights.shape[1], -1, dtype=np.int64)

    def _code_categories(self, offers: list[Item | None],
                         offers_by_org: Mapping[int, Mapping[str, int]],
                         needs_by_org: Mapping[int, Mapping[str, int]]) -> None:
        """Categories as codes and bits, their fits, each offer's category, and the
        categories its organization needs (for reciprocity)."""
        categories = sorted({o.category for o in offers if o is not None} | {
            c for by_org in (offers_by_org, needs_by_org)
            for kinds in by_org.values() for c in kinds})
        self.bit = {c: 1 << i for i, c in enumerate(categories)}
        self.category_code = {c: i for i, c in enumerate(categories)}
        self.fits = np.array([[category_fit(_Category(n), _Category(o)) for o in categories]
                              for n in categories] or [[0.0]])
        self.category = np.array([-1 if o is None else self.category_code[o.category]
                                  for o in offers], dtype=np.int64)
        self.wants = np.array([self.mask(needs_by_org.get(o.organization_id, {}))
                               if o is not None else 0 for o in offers], dtype=np.int64)

    def _lay_out_fields(self, offers: list[Item | None]) -> None:
        """The other fields score() reads, as numbers or as codes (`codes`: field → value →
        code, for coding the needs the same way)."""
        self.codes: dict[str, dict[object, int]] = defaultdict(dict)

        def numbers(value: Callable[[Item], float], missing: float) -> np.ndarray:
            return _numbers(offers, value, missing)

        def coded(value: Callable[[Item], object], field: str) -> np.ndarray:
            codes = self.codes[field]
            return np.array([-1 if o is None else codes.setdefault(value(o), len(codes))
                             for o in offers], dtype=np.int64)

        self.organization = numbers(lambda o: o.organization_id, -1.0)
        self.remaining = numbers(lambda o: o.remaining, 0.0)
        self.latitude = np.radians(numbers(lambda o: _number(o.latitude), np.nan))
        self.longitude = np.radians(numbers(lambda o: _number(o.longitude), np.nan))
        self.cos_latitude = np.cos(self.latitude)
        self.start = numbers(lambda o: _day(o.available_from), np.nan)
        self.end = numbers(lambda o: _day(o.available_until), np.nan)
        self.capacity = numbers(lambda o: _number(o.capacity), np.nan)
        self.when = numbers(lambda o: _WHEN_CODES.get(o.when, 0), 0)
        self.unit = coded(lambda o: o.unit, "unit")
        self.municipality = coded(lambda o: o.municipality.casefold(), "municipality")
        self.places = coded(lambda o: o.places, "places")
        self.place_codes: dict[str, list[tuple[frozenset[str], int]]] = defaultdict(list)
        for places, code in self.codes["places"].items():
            for term in places:
                self.place_codes[term].append((places, code))

    def _code_conflicts(self, offers: list[Item | None]) -> None:
        """conflicting(need, offer): the need has a concept x, the offer a y against it, not
        x. A bit per concept in a conflict; each offer's bits are the x it is against."""
        self.conflict_bit = {c: 1 << i for i, c in enumerate(sorted({c for pair in CONFLICTS
                                                                     for c in pair}))}
        against = [(x, y) for one, other in CONFLICTS for x, y in ((one, other), (other, one))]
        self.against = np.array([0 if o is None else sum(
            self.conflict_bit[x] for x, y in against if y in o.concepts and x not in o.concepts)
            for o in offers], dtype=np.int64)

    def mask(self, categories: Iterable[str]) -> int:
        return sum(self.bit[c] for c in categories)

    def bounds(self, needs: list[Item], weighted: list[Weighted],
               slots: list[np.ndarray]) -> list[np.ndarray]:
        """For each need, with its weighted features, the bounds of its pairs with the
        offers in its SLOTS."""
        lengths = np.array([len(s) for s in slots], dtype=np.int64)
        offer = np.concatenate(slots) if len(slots) else np.zeros(0, dtype=np.int64)
        of = np.repeat(np.arange(len(needs)), lengths)          # each pair's need
        need = NeedArrays(self, needs, weighted)
        text = self.text(weighted, offer, of, need.norm)
        relevance = TEXT_SHARE * text + (1 - TEXT_SHARE) * self.fits[need.category[of],
                                                                     self.category[offer]]
        share = need.share[of]
        relevance *= 1 - share + share * self.distance(need, offer, of)

        wanted, available = need.capacity[of], self.capacity[offer]
        known = ~np.isnan(wanted) & ~np.isnan(available)
        wanted, available = np.where(known, wanted, 1.0), np.where(known, available, 1.0)
        enough = np.where(available <= 5 * wanted, 1.0, 0.8)
        short = np.maximum(0.0, available / np.maximum(wanted, 1e-9) - 0.5)
        capacity = np.where(available >= wanted, enough, short)
        factor = np.where(need.hard[of], np.where(capacity < 0.5, 0.3, 0.9 + 0.1 * capacity),
                          0.9 + 0.1 * np.minimum(1.0, capacity))
        relevance *= np.where(known, factor, 1.0)

        remaining, quantity = self.remaining[offer], need.quantity[of]
        fill = np.where(remaining >= quantity, 1.0, remaining / np.maximum(quantity, 1.0))
        relevance *= np.where(self.unit[offer] == need.unit[of], 0.7 + 0.3 * fill, 1.0)
        relevance *= np.where((need.against[of] & self.against[offer]) != 0, 0.3, 1.0)
        when, their = need.when[of], self.when[offer]
        clash = ((when == 1) & (their == 2)) | ((when == 2) & (their == 1))
        relevance *= np.where(clash, DAYS_CLASH, 1.0)
        reciprocal = (self.wants[offer] & need.offered[of]) != 0
        relevance = np.where(reciprocal, np.minimum(1.0, relevance * RECIPROCITY), relevance)

        start = np.fmax(need.start[of], self.start[offer])
        end = np.fmin(need.end[of], self.end[offer])
        disjoint = need.dated[of] & ~np.isnan(start) & ~np.isnan(end) & (start > end)
        ruled_out = ((self.organization[offer] == need.organization[of]) | (remaining <= 0)
                     | disjoint)
        bounds = np.where(ruled_out, -1.0, relevance + ROUNDING)
        return np.split(bounds, np.cumsum(lengths)[:-1])

    def text(self, weighted: list[Weighted], offer: np.ndarray, of: np.ndarray,
             norm: np.ndarray) -> np.ndarray:
        """Cosine similarity of each pair (OF's need, OFFER): the needs' weights in a small
        matrix of the columns they have, times the offers' normalised ones."""
        used: list[int] = []
        rows, columns, values = [], [], []
        for row, (weights, _) in enumerate(weighted):
            for feature, weight in weights.items():
                column = self.columns.get(feature)
                if column is not None:
                    if self.local[column] < 0:
                        self.local[column] = len(used)
                        used.append(column)
                    rows.append(row)
                    columns.append(self.local[column])
                    values.append(weight)
        query = np.zeros((len(weighted), len(used) + 1))        # the last column: none
        query[rows, columns] = values
        starts, ends = self.weights.indptr[offer], self.weights.indptr[offer + 1]
        lengths = ends - starts
        pair = np.repeat(np.arange(len(offer)), lengths)
        positions = (np.repeat(starts - np.cumsum(lengths) + lengths, lengths)
                     + np.arange(lengths.sum()))
        products = self.weights.data[positions] * query[of[pair],
                                                        self.local[self.weights.indices[positions]]]
        self.local[used] = -1
        return np.bincount(pair, weights=products, minlength=len(offer)) / norm[of]

    def distance(self, need: NeedArrays, offer: np.ndarray, of: np.ndarray) -> np.ndarray:
        """distance_fit for each pair: 1 in the same or a named municipality, else by km."""
        near = ((self.municipality[offer] == need.municipality[of])
                | need.named[of, self.places[offer]])
        lat1, lon1 = need.latitude[of], need.longitude[of]
        lat2, lon2 = self.latitude[offer], self.longitude[offer]
        h = (np.sin((lat2 - lat1) / 2) ** 2
             + np.cos(lat1) * self.cos_latitude[offer] * np.sin((lon2 - lon1) / 2) ** 2)
        km = 6371.0 * 2 * np.arcsin(np.sqrt(h))
        far = np.where(np.isnan(km), 0.4, np.exp(-np.nan_to_num(km) / NEARBY_KM))
        return np.where(near, 1.0, far)


_WHEN_CODES = {frozenset({"weekend"}): 1, frozenset({"weekdays"}): 2}   # days_clash's cases


class NeedArrays:
    """A batch of needs' fields as arrays, coded as `OfferArrays` codes the offers'."""

    def __init__(self, offers: OfferArrays, needs: list[Item], weighted: list[Weighted]) -> None:
        def numbers(value: Callable[[Item], float]) -> np.ndarray:
            return _numbers(needs, value)

        codes = offers.codes
        self.norm = np.array([norm for _, norm in weighted], dtype=float)
        self.category = np.array([offers.category_code[n.category] for n in needs], dtype=np.int64)
        self.share = numbers(distance_share)
        self.organization = numbers(lambda n: n.organization_id)
        self.quantity = numbers(lambda n: n.quantity)
        self.capacity = numbers(lambda n: _number(n.capacity))
        self.hard = np.array([n.category in HARD_CAPACITY for n in needs], dtype=bool)
        self.when = numbers(lambda n: _WHEN_CODES.get(n.when, 0))
        self.start = numbers(lambda n: _day(n.available_from))
        self.end = numbers(lambda n: _day(n.available_until))
        self.dated = np.array([n.available_from is not None or n.available_until is not None
                               for n in needs], dtype=bool)
        self.latitude = np.radians(numbers(lambda n: _number(n.latitude)))
        self.longitude = np.radians(numbers(lambda n: _number(n.longitude)))
        self.unit = np.array([codes["unit"].get(n.unit, -2) for n in needs], dtype=np.int64)
        # same_place needs a municipality; an offer's missing one is coded −1
        self.municipality = np.array([codes["municipality"].get(n.municipality.casefold(), -2)
                                      if n.municipality else -3 for n in needs], dtype=np.int64)
        self.named = np.zeros((len(needs), max(1, len(codes["places"]))), dtype=bool)
        for row, need in enumerate(needs):
            for term in need.terms:
                for places, code in offers.place_codes.get(term, ()):
                    if places <= need.terms:
                        self.named[row, code] = True
        self.offered = np.array([offers.mask(offers.offers_by_org.get(n.organization_id, {}))
                                 for n in needs], dtype=np.int64)
        self.against = np.array([sum(bit for c, bit in offers.conflict_bit.items()
                                     if c in n.concepts) for n in needs], dtype=np.int64)


class _Category:
    """A stand-in with only a category, to ask category_fit about two categories."""

    def __init__(self, category: str) -> None:
        self.category = category


def _numbers(items: list[Item | None], value: Callable[[Item], float],
             missing: float = np.nan) -> np.ndarray:
    """VALUE of each of ITEMS as an array of floats, MISSING for a free slot (None)."""
    return np.array([missing if item is None else value(item) for item in items], dtype=float)


def _number(value: float | None) -> float:
    return np.nan if value is None else float(value)


def _day(value: date | None) -> float:
    return np.nan if value is None else float(value.toordinal())
