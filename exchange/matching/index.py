"""An in-memory index of open listings that answers "the best offers for this need" fast.

Postings map each term and concept to the listings that have it, so a query touches only
listings that share something with it: the text part of the score is accumulated from the
postings, the best few hundred are then scored in full. Adding, changing or removing a
listing updates the postings in place; nothing is rebuilt per query.
"""
from __future__ import annotations

import heapq
import math
from collections import defaultdict

from exchange.matching.features import Item
from exchange.matching.scoring import Match, feature_weights, score

SHORTLIST = 100


class _IdfView:
    """The index's idf as a mapping, computed on demand."""

    def __init__(self, index: "MatchIndex") -> None:
        self.index = index

    def get(self, term: str, default: float | None = None) -> float:
        return self.index.idf(term)


class MatchIndex:
    def __init__(self) -> None:
        self.items: dict[int, Item] = {}
        # kind → feature → ids; features are terms and "§concept"
        self._postings: dict[str, dict[str, set[int]]] = {"offer": defaultdict(set),
                                                          "need": defaultdict(set)}
        self._document_frequency: dict[str, int] = defaultdict(int)
        # organization → categories it offers / needs, for reciprocity
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
        for feature in self._features(item):
            self._postings[item.kind][feature].add(item.id)
            if not feature.startswith("§"):
                self._document_frequency[feature] += 1
        by_org = self._offers_by_org if item.kind == "offer" else self._needs_by_org
        by_org[item.organization_id][item.category] += 1

    def remove(self, listing_id: int) -> None:
        item = self.items.pop(listing_id, None)
        if item is None:
            return
        for feature in self._features(item):
            postings = self._postings[item.kind][feature]
            postings.discard(item.id)
            if not postings:
                del self._postings[item.kind][feature]
            if not feature.startswith("§"):
                self._document_frequency[feature] -= 1
                if self._document_frequency[feature] <= 0:
                    del self._document_frequency[feature]
        by_org = self._offers_by_org if item.kind == "offer" else self._needs_by_org
        by_org[item.organization_id][item.category] -= 1

    # -- scoring helpers ------------------------------------------------------------------

    def idf(self, term: str) -> float:
        return math.log(1 + len(self.items) / (1 + self._document_frequency.get(term, 0)))

    @property
    def default_idf(self) -> float:
        return math.log(1 + len(self.items))

    def _weights(self, item: Item) -> dict[str, float]:
        return feature_weights(item, _IdfView(self), self.default_idf)

    def reciprocal(self, need: Item, offer: Item) -> bool:
        """Whether the offering organization also needs something the needing one offers."""
        offered_by_needer = {c for c, n in self._offers_by_org.get(need.organization_id, {}).items() if n}
        needed_by_offerer = {c for c, n in self._needs_by_org.get(offer.organization_id, {}).items() if n}
        return bool(offered_by_needer & needed_by_offerer)

    def _candidates(self, query: Item, kind: str) -> list[int]:
        """Ids of KIND sharing features with QUERY, best text overlap first (a shortlist)."""
        weights = self._weights(query)
        accumulated: dict[int, float] = defaultdict(float)
        postings = self._postings[kind]
        for feature, weight in weights.items():
            ids = postings.get(feature)
            if not ids:
                continue
            # The offer's side of the product, without its title boost: a shortlist only.
            contribution = weight * (self.idf(feature) if not feature.startswith("§") else weight)
            for listing_id in ids:
                accumulated[listing_id] += contribution
        if len(accumulated) <= SHORTLIST:
            return list(accumulated)
        return heapq.nlargest(SHORTLIST, accumulated, key=accumulated.__getitem__)

    def score_pair(self, need: Item, offer: Item) -> Match | None:
        """Score one pair with the index's word statistics."""
        idf = {t: self.idf(t) for t in need.terms | offer.terms}
        return score(need, offer, idf=idf, default_idf=self.default_idf,
                     reciprocal=self.reciprocal(need, offer))

    def offers_for(self, need: Item, limit: int = 10, *, exclude: set[int] = frozenset()) -> list[Match]:
        """The best offers for NEED (which need not be in the index), best first."""
        matches = []
        for offer_id in self._candidates(need, "offer"):
            if offer_id in exclude:
                continue
            match = self.score_pair(need, self.items[offer_id])
            if match is not None:
                matches.append(match)
        return heapq.nlargest(limit, matches, key=lambda m: (m.score, -m.offer_id))

    def needs_for(self, offer: Item, limit: int = 10, *, exclude: set[int] = frozenset()) -> list[Match]:
        """The needs OFFER could serve best, best first."""
        matches = []
        for need_id in self._candidates(offer, "need"):
            if need_id in exclude:
                continue
            match = self.score_pair(self.items[need_id], offer)
            if match is not None:
                matches.append(match)
        return heapq.nlargest(limit, matches, key=lambda m: (m.score, -m.need_id))
