"""An in-memory index of open listings that answers "the best offers for this need" fast.

Postings map each term and concept to the listings that have it, so a query touches only
listings that share something with it. The listings of each kind sit in the slots of dense
arrays: the text part of the score is accumulated with one numpy addition per feature of
the query, and the best hundred form a shortlist. The shortlist is scored in full, pairs with
the highest possible score first: text similarity and category fit bound a pair's score, so
scoring stops as soon as no pair left can enter the top. Adding, changing or removing a
listing updates the postings in place; nothing is rebuilt per query.

Every need's best offers at once (`all_offers`, for rebuilding all proposals) give the same
answers. There the offers are laid out in arrays, and the shortlists of a batch of needs
get their pairs' exact scores (but for the reasons) in one pass of numpy: only the pairs
that can make the top are scored in Python. The needs are shared out among forked processes.
"""
from __future__ import annotations

import heapq
import math
import os
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date

import numpy as np
from scipy.sparse import csr_matrix

from exchange.core.matching.features import Item
from exchange.core.matching.lexicon import CONFLICTS
from exchange.core.matching.parallel import can_fork, forked_map, spans
from exchange.core.matching.scoring import (
    DAYS_CLASH,
    HARD_CAPACITY,
    NEARBY_KM,
    TEXT_SHARE,
    Match,
    WeightCache,
    Weighted,
    category_fit,
    dates_overlap,
    distance_fit,
    distance_share,
    quantity_fit,
    score,
)

SHORTLIST = 100
# score() multiplies relevance (text and category) by factors of at most 1, except reciprocity,
# which adds this much (and the score stays at most 1); it rounds to four decimals.
RECIPROCITY = 1.05
ROUNDING = 1e-4


def upper_bound(text: float, category: float) -> float:
    """The highest score a pair with this text similarity and category fit can get."""
    return min(1.0, RECIPROCITY * (TEXT_SHARE * text + (1 - TEXT_SHARE) * category)) + ROUNDING


class _IdfView:
    """The index's idf as a mapping, computed on demand and kept for one query."""

    def __init__(self, index: MatchIndex) -> None:
        self.index = index
        self.known: dict[str, float] = {}

    def get(self, term: str, default: float | None = None) -> float:
        value = self.known.get(term)
        if value is None:
            value = self.known[term] = self.index.idf(term)
        return value


class _Slots:
    """The listings of one kind in the slots of a dense array, and the slots of each feature."""

    def __init__(self) -> None:
        self.ids = np.full(1024, -1, dtype=np.int64)    # slot → listing id, −1 when free
        self.slot: dict[int, int] = {}
        self.end = 0                                     # slots at or past it never used
        self._free: list[int] = []
        self._by_feature: dict[str, set[int]] = defaultdict(set)
        self._arrays: dict[str, np.ndarray] = {}         # the sets as arrays, made when asked

    def add(self, listing_id: int, features: set[str]) -> None:
        if self._free:
            slot = self._free.pop()
        else:
            if self.end == len(self.ids):
                self.ids = np.concatenate([self.ids, np.full(len(self.ids), -1, np.int64)])
            slot = self.end
            self.end += 1
        self.ids[slot] = listing_id
        self.slot[listing_id] = slot
        for feature in features:
            self._by_feature[feature].add(slot)
            self._arrays.pop(feature, None)

    def remove(self, listing_id: int, features: set[str]) -> None:
        slot = self.slot.pop(listing_id)
        self.ids[slot] = -1
        self._free.append(slot)
        for feature in features:
            slots = self._by_feature[feature]
            slots.discard(slot)
            if not slots:
                del self._by_feature[feature]
            self._arrays.pop(feature, None)

    def of(self, feature: str) -> np.ndarray | None:
        """The slots of listings with FEATURE, or None."""
        array = self._arrays.get(feature)
        if array is None:
            slots = self._by_feature.get(feature)
            if not slots:
                return None
            array = self._arrays[feature] = np.fromiter(slots, np.int64, len(slots))
        return array


class MatchIndex:
    def __init__(self) -> None:
        self.items: dict[int, Item] = {}
        # features are terms and "§concept"
        self._slots: dict[str, _Slots] = {"offer": _Slots(), "need": _Slots()}
        self._document_frequency: dict[str, int] = defaultdict(int)
        # organization → categories it offers / needs (and how many listings), for reciprocity
        self._offers_by_org: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        self._needs_by_org: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))

    def __len__(self) -> int:
        return len(self.items)

    @staticmethod
    def _features(item: Item) -> set[str]:
        return set(item.terms) | {"§" + c for c in item.concepts}

    def add(self, item: Item) -> None:
        """Add ITEM, replacing an earlier version of the same listing."""
        if item.id in self.items:
            self.remove(item.id)
        self.items[item.id] = item
        self._slots[item.kind].add(item.id, self._features(item))
        for term in item.terms:
            self._document_frequency[term] += 1
        by_org = self._offers_by_org if item.kind == "offer" else self._needs_by_org
        by_org[item.organization_id][item.category] += 1

    def remove(self, listing_id: int) -> None:
        item = self.items.pop(listing_id, None)
        if item is None:
            return
        self._slots[item.kind].remove(item.id, self._features(item))
        for term in item.terms:
            self._document_frequency[term] -= 1
            if self._document_frequency[term] <= 0:
                del self._document_frequency[term]
        by_org = self._offers_by_org if item.kind == "offer" else self._needs_by_org
        categories = by_org[item.organization_id]
        categories[item.category] -= 1
        if categories[item.category] <= 0:
            del categories[item.category]     # the keys are the categories it has

    # -- scoring helpers ------------------------------------------------------------------

    def idf(self, term: str) -> float:
        return math.log(1 + len(self.items) / (1 + self._document_frequency.get(term, 0)))

    @property
    def default_idf(self) -> float:
        return math.log(1 + len(self.items))

    def reciprocal(self, need: Item, offer: Item) -> bool:
        """Whether the offering organization also needs something the needing one offers."""
        offered_by_needer = self._offers_by_org.get(need.organization_id)
        needed_by_offerer = self._needs_by_org.get(offer.organization_id)
        return (offered_by_needer is not None and needed_by_offerer is not None
                and not offered_by_needer.keys().isdisjoint(needed_by_offerer.keys()))

    def _shortlist(self, weights: dict[str, float], kind: str, idf: Mapping[str, float],
                   buffer: np.ndarray | None = None) -> np.ndarray:
        """Slots of the SHORTLIST listings of KIND with most text in common with a query.

        The overlap is the listing's side of the product without its title boost: a
        shortlist only. Ties at the cut go to the lower listing ids. BUFFER, zeros as long
        as the slots, saves allocating one per query in bulk work; it is left zeroed.
        """
        slots = self._slots[kind]
        accumulated = np.zeros(slots.end) if buffer is None else buffer
        for feature, weight in weights.items():
            having = slots.of(feature)
            if having is not None:
                # add.at: twice as fast as accumulated[having] += … (numpy 2), the same sums
                np.add.at(accumulated, having, weight * (weight if feature.startswith("§")
                                                         else idf.get(feature, self.default_idf)))
        touched = np.flatnonzero(accumulated > 0)     # a mask: much faster than the floats
        values = accumulated[touched]
        accumulated.fill(0.0)                         # faster than zeroing the touched ones
        if len(touched) <= SHORTLIST:
            return touched
        cut = np.partition(values, len(values) - SHORTLIST)[len(values) - SHORTLIST]
        above = touched[values > cut]
        level = touched[values == cut]
        level = level[np.argsort(slots.ids[level], kind="stable")[:SHORTLIST - len(above)]]
        return np.concatenate([above, level])

    def score_pair(self, need: Item, offer: Item, idf: Mapping[str, float] | None = None,
                   weigh: Callable[[Item], Weighted] | None = None) -> Match | None:
        """Score one pair with the index's word statistics (WEIGH: see text_similarity)."""
        if idf is None:
            idf = {t: self.idf(t) for t in need.terms | offer.terms}
        return score(need, offer, idf=idf, default_idf=self.default_idf,
                     reciprocal=self.reciprocal(need, offer), weigh=weigh)

    def _bound(self, need: Item, offer: Item, text: float) -> float:
        """A closer bound than upper_bound: the pair's own distance, quantity and
        reciprocity, and -1 when score() rules it out."""
        if (need.organization_id == offer.organization_id or offer.remaining <= 0
                or dates_overlap(need, offer) is False):
            return -1.0
        share = distance_share(need)
        relevance = (TEXT_SHARE * text + (1 - TEXT_SHARE) * category_fit(need, offer)) \
            * (1 - share + share * distance_fit(need, offer)[0])
        quantity = quantity_fit(need, offer)
        if quantity is not None:
            relevance *= 0.7 + 0.3 * quantity
        if self.reciprocal(need, offer):
            relevance = min(1.0, relevance * RECIPROCITY)
        return relevance + ROUNDING

    def _pick(self, query: Item, others: Sequence[Item] | _Listed, bounds: list[float],
              limit: int, idf: Mapping[str, float], closer: Callable[[int], float] | None = None,
              weigh: Callable[[Item], Weighted] | None = None) -> list[Match]:
        """The LIMIT best matches of QUERY among OTHERS, given bounds on their scores.

        Pairs are taken highest bound first (with CLOSER, a rough bound, then the pair's
        closer one), then scored; this stops once the LIMIT-th best score found beats every
        bound left. The result is what scoring every pair would give, for a tenth of the work.
        """
        if limit <= 0:
            return []
        as_need = query.kind == "need"
        queue = [(-bound, closer is None, i) for i, bound in enumerate(bounds)]
        heapq.heapify(queue)
        best: list[tuple[tuple[float, int], Match]] = []
        while queue:
            bound, close, i = heapq.heappop(queue)
            if len(best) == limit and -bound < best[0][0][0]:
                break
            if not close:
                heapq.heappush(queue, (-closer(i), True, i))
                continue
            other = others[i]
            match = (self.score_pair(query, other, idf, weigh) if as_need
                     else self.score_pair(other, query, idf, weigh))
            if match is None:
                continue
            key = (match.score, -other.id)
            if len(best) < limit:
                heapq.heappush(best, (key, match))
            elif key > best[0][0]:
                heapq.heapreplace(best, (key, match))
        return [match for _, match in sorted(best, key=lambda pair: pair[0], reverse=True)]

    def _best_for(self, query: Item, kind: str, limit: int, exclude: set[int]) -> list[Match]:
        idf = _IdfView(self)
        weigh = WeightCache(idf, self.default_idf)
        weights, query_norm = weigh(query)
        slots = self._slots[kind]
        others = [self.items[i] for i in slots.ids[self._shortlist(weights, kind, idf)].tolist()
                  if i not in exclude]
        texts = []
        for other in others:
            theirs, their_norm = weigh(other)
            dot = sum(w * theirs[k] for k, w in weights.items() if k in theirs)
            texts.append(dot / (query_norm * their_norm))
        as_need = query.kind == "need"

        def closer(i: int) -> float:
            need, offer = (query, others[i]) if as_need else (others[i], query)
            return self._bound(need, offer, texts[i])

        rough = [upper_bound(text, category_fit(query, other)) for other, text in zip(others, texts)]
        return self._pick(query, others, rough, limit, idf, closer, weigh)

    def offers_for(self, need: Item, limit: int = 10, *, exclude: set[int] = frozenset()) -> list[Match]:
        """The best offers for NEED (which need not be in the index), best first."""
        return self._best_for(need, "offer", limit, exclude)

    def needs_for(self, offer: Item, limit: int = 10, *, exclude: set[int] = frozenset()) -> list[Match]:
        """The needs OFFER could serve best, best first."""
        return self._best_for(offer, "need", limit, exclude)

    def all_offers(self, limit: int = 5, *, workers: int | None = None) -> list[Match]:
        """offers_for(need, LIMIT) for every need in the index, in the index's order, in bulk.

        The word statistics are taken once; the offers' weights and what else makes a
        pair's score are laid out in arrays (`_Offers`), so that the bounds of a batch of
        shortlists are a few numpy operations instead of a loop of dictionaries. They are
        the pairs' scores, so hardly more pairs than LIMIT are scored in full. With many
        needs, WORKERS forked processes (by default one per CPU) share them out: each
        inherits the index.
        """
        needs = [item for item in self.items.values() if item.kind == "need"]
        bulk = _Bulk(self, limit)
        workers = workers or os.cpu_count() or 1
        if workers < 2 or len(needs) < PARALLEL_FROM or not can_fork():
            return bulk.offers_for(needs)
        return forked_map(lambda span: bulk.offers_for(needs[span[0]:span[1]]),
                          spans(len(needs), workers), workers)


PARALLEL_FROM = 5_000   # needs; fewer are done sooner than processes start
BATCH = 64              # needs whose pairs are bounded together, in one pass of numpy


class _Bulk:
    """What answering offers_for for many needs at once shares: frozen word statistics,
    the offers as arrays, and a buffer for the shortlists."""

    def __init__(self, index: MatchIndex, limit: int) -> None:
        self.index, self.limit = index, limit
        self.idf = {term: index.idf(term) for term in index._document_frequency}
        self.offers = _Offers(index, self.idf)
        self.buffer = np.zeros(index._slots["offer"].end)
        self.weigh = self.offers.weigh           # offers' weights, and a need's while it is done

    def offers_for(self, needs: list[Item]) -> list[Match]:
        index, ids = self.index, self.index._slots["offer"].ids
        matches: list[Match] = []
        for start in range(0, len(needs), BATCH):
            batch = needs[start:start + BATCH]
            weighted = [self.weigh(need) for need in batch]
            shortlists = [index._shortlist(weights, "offer", self.idf, self.buffer)
                          for weights, _ in weighted]
            bounds = self.offers.bounds(batch, weighted, shortlists)
            for need, shortlist, bound in zip(batch, shortlists, bounds):
                if len(shortlist):
                    matches.extend(index._pick(need, _Listed(index.items, ids[shortlist].tolist()),
                                               bound.tolist(), self.limit, self.idf,
                                               weigh=self.weigh))
                self.weigh.forget(need.id)      # a need is done with: only offers come back
        return matches


class _Listed:
    """The items of some listing ids, by position, fetched only when asked for."""

    def __init__(self, items: dict[int, Item], ids: list[int]) -> None:
        self.items, self.ids = items, ids

    def __getitem__(self, position: int) -> Item:
        return self.items[self.ids[position]]


class _Offers:
    """The index's offers slot by slot, as arrays: the scores of many pairs at once.

    `bounds` gives, for pairs of needs and offers, what score() would (plus its rounding),
    or -1 where score() rules the pair out: the same factors, in numpy, with the text
    similarity from the offers' normalised weights in a sparse matrix. Scoring a pair in
    Python costs as much as bounding a hundred this way, so only the best are scored.
    """

    def __init__(self, index: MatchIndex, idf: Mapping[str, float]) -> None:
        slots = index._slots["offer"]
        offers = [index.items.get(i) for i in slots.ids[:slots.end].tolist()]
        self.index = index
        self.columns: dict[str, int] = {}
        self.weigh = WeightCache(idf, index.default_idf)   # offers' weights and their norms
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

        categories = sorted({o.category for o in offers if o is not None} | {
            c for by_org in (index._offers_by_org, index._needs_by_org)
            for kinds in by_org.values() for c in kinds})
        self.bit = {c: 1 << i for i, c in enumerate(categories)}
        self.category_code = {c: i for i, c in enumerate(categories)}
        self.fits = np.array([[category_fit(_Category(n), _Category(o)) for o in categories]
                              for n in categories] or [[0.0]])
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
        self.category = np.array([-1 if o is None else self.category_code[o.category]
                                  for o in offers], dtype=np.int64)
        self.unit = coded(lambda o: o.unit, "unit")
        self.municipality = coded(lambda o: o.municipality.casefold(), "municipality")
        self.places = coded(lambda o: o.places, "places")
        self.place_codes: dict[str, list[tuple[frozenset[str], int]]] = defaultdict(list)
        for places, code in self.codes["places"].items():
            for term in places:
                self.place_codes[term].append((places, code))
        self.wants = np.array([self.mask(index._needs_by_org.get(o.organization_id, {}))
                               if o is not None else 0 for o in offers], dtype=np.int64)
        # conflicting(need, offer): the need has a concept x, the offer a y against it, not x
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
        need = _NeedColumns(self, needs, weighted)
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

    def distance(self, need: _NeedColumns, offer: np.ndarray, of: np.ndarray) -> np.ndarray:
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


class _NeedColumns:
    """A batch of needs' fields as arrays, coded as `_Offers` codes the offers'."""

    def __init__(self, offers: _Offers, needs: list[Item], weighted: list[Weighted]) -> None:
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
        self.offered = np.array([offers.mask(offers.index._offers_by_org.get(n.organization_id, {}))
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
