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
from collections.abc import Callable, Mapping, Sequence

import numpy as np

from exchange.core.matching.arrays import RECIPROCITY, ROUNDING, OfferArrays
from exchange.core.matching.features import Item
from exchange.core.matching.parallel import can_fork, forked_map, spans
from exchange.core.matching.scoring import (
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

    def offer_arrays(self, idf: Mapping[str, float]) -> OfferArrays:
        """The offers slot by slot as arrays, to bound many pairs' scores at once (IDF: the
        word statistics to weigh them with)."""
        slots = self._slots["offer"]
        return OfferArrays([self.items.get(i) for i in slots.ids[:slots.end].tolist()], idf,
                           self.default_idf, self._offers_by_org, self._needs_by_org)

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
        pair's score are laid out in arrays (`OfferArrays`), so that the bounds of a batch of
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
        self.offers = index.offer_arrays(self.idf)
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
