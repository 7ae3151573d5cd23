"""How well an offer serves a need: a score from 0 to 1 with the reasons a person would give.

Pure functions over Items. The score is a weighted sum of components; a few facts rule a
pair out or push it down (disjoint dates, a room far too small, goods transport for people).
"""
from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from exchange.core.errors import Msg
from exchange.core.matching.features import Item
from exchange.core.matching.lexicon import AUDIENCE, CONFLICTS, IMPLIES

TEXT_SHARE = 0.7            # of relevance; the rest is category fit
TITLE_BOOST = 1.5           # a word of the title says more than one of the description
HEAD_BOOST = 2.0            # and one of its head ("Sala" in "Sala z kuchnią na 40 osób") most
CONCEPT_WEIGHT = 0.6        # × the idf of an unseen word: a shared concept, like a rare word
AUDIENCE_WEIGHT = 0.25      # "for children" helps less than "a sports hall"
IMPLIED_WEIGHT = 0.3        # a concept a need implies (a stage for a concert), not one it names
DISTANCE_SHARE = 0.1        # how much being far away can take off
PLACE_DISTANCE_SHARE = 0.25  # the same for a need of a place, used where it is (a room, a lab)
PLACE_BOUND = frozenset({"rooms", "computer_labs"})
NEARBY_KM = 25.0
DAYS_CLASH = 0.6            # a Saturday need, an offer on working days only

# Categories that often serve each other (symmetric); the same category scores 1.
RELATED = {
    frozenset({"rooms", "culture"}): 0.5,
    frozenset({"rooms", "training"}): 0.3,
    frozenset({"computer_labs", "it_services"}): 0.6,
    frozenset({"computer_labs", "equipment"}): 0.5,
    frozenset({"computer_labs", "training"}): 0.3,
    frozenset({"equipment", "transport"}): 0.3,
    frozenset({"equipment", "culture"}): 0.4,
    frozenset({"promotion", "expertise"}): 0.4,
    frozenset({"promotion", "culture"}): 0.3,
    frozenset({"volunteers", "catering"}): 0.4,
    frozenset({"expertise", "training"}): 0.6,
    frozenset({"expertise", "it_services"}): 0.5,
    frozenset({"training", "culture"}): 0.4,
    frozenset({"training", "it_services"}): 0.4,
}


@dataclass
class Match:
    """A proposal of OFFER for NEED: its score and the reasons, as translatable messages."""

    need_id: int
    offer_id: int
    score: float
    reasons: list[Msg] = field(default_factory=list)
    components: dict[str, float] = field(default_factory=dict)


UNKNOWN_CATEGORY = "other"  # says nothing of what a listing is: fits any category half-way


def category_fit(need: Item, offer: Item) -> float:
    if UNKNOWN_CATEGORY in (need.category, offer.category):
        return 0.5
    if need.category == offer.category:
        return 1.0
    return RELATED.get(frozenset({need.category, offer.category}), 0.0)


def km_between(a: Item, b: Item) -> float | None:
    if None in (a.latitude, a.longitude, b.latitude, b.longitude):
        return None
    lat1, lon1, lat2, lon2 = map(math.radians, (a.latitude, a.longitude, b.latitude, b.longitude))
    h = (math.sin((lat2 - lat1) / 2) ** 2
         + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2)
    return 6371.0 * 2 * math.asin(math.sqrt(h))


def same_place(need: Item, offer: Item) -> bool:
    return bool(need.municipality) and need.municipality.casefold() == offer.municipality.casefold()


def distance_share(need: Item) -> float:
    """How much being far away can take off NEED's matches: more for a place."""
    return PLACE_DISTANCE_SHARE if need.category in PLACE_BOUND else DISTANCE_SHARE


def distance_fit(need: Item, offer: Item) -> tuple[float, float | None]:
    """1 in the same municipality, or in one the need names ("w Tczewie lub Pelplinie");
    else less the farther it is."""
    km = km_between(need, offer)
    if same_place(need, offer) or (offer.places and offer.places <= need.terms):
        return 1.0, km
    if km is None:
        return 0.4, None
    return math.exp(-km / NEARBY_KM), km


def dates_overlap(need: Item, offer: Item) -> bool | None:
    """Whether the offer is there when the need is; None when the need names no dates."""
    if need.available_from is None and need.available_until is None:
        return None
    starts = [d for d in (need.available_from, offer.available_from) if d]
    ends = [d for d in (need.available_until, offer.available_until) if d]
    if not starts or not ends:
        return None
    return max(starts) <= min(ends)


HARD_CAPACITY = frozenset({"rooms", "transport", "computer_labs"})


def capacity_fit(need: Item, offer: Item) -> float | None:
    if need.capacity is None or offer.capacity is None:
        return None
    if offer.capacity >= need.capacity:
        return 1.0 if offer.capacity <= 5 * need.capacity else 0.8
    return max(0.0, offer.capacity / need.capacity - 0.5)


def quantity_fit(need: Item, offer: Item) -> float | None:
    if need.unit != offer.unit:
        return None
    if offer.remaining >= need.quantity:
        return 1.0
    return offer.remaining / need.quantity


def _place_boost(feature: str, head: frozenset[str], title: frozenset[str]) -> float:
    return HEAD_BOOST if feature in head else TITLE_BOOST if feature in title else 1.0


def feature_weights(item: Item, idf: Mapping[str, float], default_idf: float) -> dict[str, float]:
    """The weighted features of ITEM: its terms by rarity, its concepts; the title's, and
    its head's most, count more. A need also gets, lightly, the concepts its own imply."""
    weights = {t: idf.get(t, default_idf) * _place_boost(t, item.head_terms, item.title_terms)
               for t in item.terms}
    for concept in item.concepts:
        share = AUDIENCE_WEIGHT if concept in AUDIENCE else CONCEPT_WEIGHT
        weights["§" + concept] = share * default_idf * _place_boost(
            concept, item.head_concepts, item.title_concepts)
    if item.kind == "need":
        for concept in implied_concepts(item):
            weights["§" + concept] = IMPLIED_WEIGHT * default_idf
    return weights


def implied_concepts(need: Item) -> set[str]:
    """Concepts a broker would also look for: a stage and a sound system for a concert."""
    return {implied for concept in need.concepts for implied in IMPLIES.get(concept, ())
            if implied not in need.concepts}


Weighted = tuple[dict[str, float], float]   # an item's feature weights and their norm


def weighted(item: Item, idf: Mapping[str, float], default_idf: float) -> Weighted:
    weights = feature_weights(item, idf, default_idf)
    return weights, math.sqrt(sum(x * x for x in weights.values()))


class WeightCache:
    """`weighted(item, idf, default_idf)`, worked out once per item: call it with an item.
    A query scores many pairs, and bulk work scores each offer against many needs."""

    def __init__(self, idf: Mapping[str, float], default_idf: float) -> None:
        self.idf, self.default_idf = idf, default_idf
        self._known: dict[int, Weighted] = {}

    def __call__(self, item: Item) -> Weighted:
        found = self._known.get(item.id)
        if found is None:
            found = self._known[item.id] = weighted(item, self.idf, self.default_idf)
        return found

    def forget(self, item_id: int) -> None:
        self._known.pop(item_id, None)


def text_similarity(need: Item, offer: Item, idf: Mapping[str, float], default_idf: float,
                    weigh: Callable[[Item], Weighted] | None = None) -> \
        tuple[float, list[str], list[str]]:
    """Cosine similarity of weighted terms and concepts; with the shared words and concepts.

    WEIGH, when given, returns `weighted(item, idf, default_idf)`, perhaps from a cache:
    bulk work scores each offer against many needs."""
    (a, norm_a), (b, norm_b) = ((weigh(need), weigh(offer)) if weigh is not None else
                                (weighted(need, idf, default_idf), weighted(offer, idf, default_idf)))
    shared = a.keys() & b.keys()
    if not shared:
        return 0.0, [], []
    dot = sum(a[k] * b[k] for k in shared)
    norm = norm_a * norm_b
    words = sorted((k for k in shared if not k.startswith("§")), key=lambda k: (-a[k], k))
    concepts = sorted(k[1:] for k in shared if k.startswith("§"))
    return dot / norm, words, concepts


def days_clash(need: Item, offer: Item) -> bool:
    """Whether the need wants only weekends and the offer is there only on weekdays, or the
    other way round."""
    return any(need.when == {x} and offer.when == {y}
               for x, y in (("weekend", "weekdays"), ("weekdays", "weekend")))


def conflicting(need: Item, offer: Item) -> bool:
    for one, other in CONFLICTS:
        for x, y in ((one, other), (other, one)):
            if x in need.concepts and y in offer.concepts and x not in offer.concepts:
                return True
    return False


def score(need: Item, offer: Item, *, idf: Mapping[str, float], default_idf: float,
          reciprocal: bool = False, weigh: Callable[[Item], Weighted] | None = None) -> Match | None:
    """Score OFFER for NEED, or None when it cannot serve it at all."""
    if need.organization_id == offer.organization_id or offer.remaining <= 0:
        return None
    overlap = dates_overlap(need, offer)
    if overlap is False:
        return None
    text, shared_words, shared_concepts = text_similarity(need, offer, idf, default_idf, weigh)
    category = category_fit(need, offer)
    if text == 0 and category < 1:
        return None
    distance, km = distance_fit(need, offer)
    capacity = capacity_fit(need, offer)
    quantity = quantity_fit(need, offer)
    components = {"text": text, "category": category, "distance": distance}
    share = distance_share(need)
    total = (TEXT_SHARE * text + (1 - TEXT_SHARE) * category) * (1 - share + share * distance)
    if capacity is not None:
        components["capacity"] = capacity
        # A room or a bus too small is of little use; fewer volunteers or portions than
        # hoped for still help (and the quantity says how much).
        if need.category in HARD_CAPACITY:
            total *= 0.3 if capacity < 0.5 else 0.9 + 0.1 * capacity
        else:
            total *= 0.9 + 0.1 * min(1.0, capacity)
    if quantity is not None:
        components["quantity"] = quantity
        total *= 0.7 + 0.3 * quantity
    if conflicting(need, offer):
        total *= 0.3
    if days_clash(need, offer):
        total *= DAYS_CLASH
    if reciprocal:
        total = min(1.0, total * 1.05)

    reasons: list[Msg] = []
    if category == 1:
        reasons.append(Msg("same category: %(category)s", category=need.category))
    if shared_words:
        reasons.append(Msg("words in common: %(words)s",
                           words=", ".join(need.label(w) for w in shared_words[:4])))
    if shared_concepts and not shared_words:
        reasons.append(Msg("similar purpose"))
    if same_place(need, offer):
        reasons.append(Msg("both in %(place)s", place=offer.municipality))
    elif km is not None and km <= NEARBY_KM:
        reasons.append(Msg("nearby: %(km)d km", km=round(km)))
    if capacity == 1 or (capacity is not None and capacity >= 0.8):
        reasons.append(Msg("capacity %(offer)d ≥ %(need)d needed", offer=offer.capacity,
                           need=need.capacity))
    if overlap:
        reasons.append(Msg("available on the dates you need"))
    if quantity == 1:
        reasons.append(Msg("enough: %(remaining)d available, %(quantity)d needed",
                           remaining=offer.remaining, quantity=need.quantity))
    if reciprocal:
        reasons.append(Msg("they also need what you offer"))
    return Match(need.id, offer.id, round(total, 4), reasons, components)
