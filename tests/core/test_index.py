"""The matching index's fast paths give what scoring every pair would."""
from __future__ import annotations

import multiprocessing
import random
from datetime import date, timedelta

import numpy as np
import pytest

from exchange.core.matching import MatchIndex, make_item
from exchange.core.matching import features as features_module
from exchange.core.matching import index as index_module
from exchange.core.matching import parallel
from exchange.core.matching import scoring

WORDS = ["sala", "konferencyjna", "gimnastyczna", "rzutnik", "nagłośnienie", "namiot", "stoły", "ławki", "bus", "autokar", "wycieczka", "seniorów", "dzieci", "warsztaty", "szkolenie", "catering", "ciasta", "plakaty", "wolontariusze", "festyn", "piknik", "kuchnia", "laptop", "drukarka", "scena", "kajaki"]
PLACES = [("Tczew", 54.09, 18.78), ("Gdańsk", 54.35, 18.65), ("Słupsk", 54.46, 17.03),
          ("Pelplin", 53.93, 18.70)]
CATEGORIES = ["rooms", "equipment", "transport", "catering", "training", "promotion"]
UNITS = ["pieces", "hours", "days"]


def random_items(count: int, seed: int, *, start: int = 1):
    """Listings of a few words, places, units and sometimes dates, many alike."""
    rng = random.Random(seed)
    for i in range(start, start + count):
        place = rng.choice(PLACES)
        begins = date(2027, 1, 1) + timedelta(days=rng.randint(0, 60))
        dated = rng.random() < 0.3
        yield make_item(
            available_from=begins if dated else None,
            available_until=begins + timedelta(days=rng.randint(0, 20)) if dated else None,
            id=i, organization_id=rng.randint(1, 30), kind=rng.choice(["offer", "need"]),
            category=rng.choice(CATEGORIES), title=" ".join(rng.sample(WORDS, 2)),
            description=" ".join(rng.sample(WORDS + [p[0] for p in PLACES], rng.randint(0, 5))),
            quantity=rng.randint(1, 6), remaining=rng.randint(0, 6), unit=rng.choice(UNITS),
            municipality=place[0], latitude=place[1], longitude=place[2])


def filled(count: int, seed: int) -> MatchIndex:
    index = MatchIndex()
    for item in random_items(count, seed):
        index.add(item)
    return index


def key(matches):
    return [(m.need_id, m.offer_id, m.score) for m in matches]


def scored_one_by_one(index: MatchIndex, need, limit: int):
    """Every offer sharing a word or concept with NEED, scored: the reference."""
    matches = [m for offer in index.items.values() if offer.kind == "offer"
               for m in [index.score_pair(need, offer)] if m and m.components["text"] > 0]
    return sorted(matches, key=lambda m: (m.score, -m.offer_id), reverse=True)[:limit]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_offers_for_is_the_top_of_scoring_every_candidate(monkeypatch, seed):
    monkeypatch.setattr(index_module, "SHORTLIST", 10**6)
    index = filled(600, seed)
    needs = [item for item in index.items.values() if item.kind == "need"][:40]
    for need in needs:
        assert key(index.offers_for(need, 7)) == key(scored_one_by_one(index, need, 7))


def test_all_offers_is_offers_for_of_every_need_with_the_shortlist_binding():
    index = filled(1500, 4)
    expected = [m for item in list(index.items.values()) if item.kind == "need"
                for m in index.offers_for(item, 5)]
    assert len(index._slots["offer"].slot) > index_module.SHORTLIST
    assert key(index.all_offers(5)) == key(expected)


def test_needs_for_is_the_top_of_scoring_every_candidate(monkeypatch):
    monkeypatch.setattr(index_module, "SHORTLIST", 10**6)
    index = filled(400, 5)
    for offer in [item for item in index.items.values() if item.kind == "offer"][:20]:
        reference = sorted(
            (m for need in index.items.values() if need.kind == "need"
             for m in [index.score_pair(need, offer)] if m and m.components["text"] > 0),
            key=lambda m: (m.score, -m.need_id), reverse=True)[:5]
        assert key(index.needs_for(offer, 5)) == key(reference)


def test_bounds_are_never_below_the_score():
    index = filled(500, 6)
    items = list(index.items.values())
    offers = [i for i in items if i.kind == "offer"]
    for need in [i for i in items if i.kind == "need"]:
        for offer in offers[:60]:
            match = index.score_pair(need, offer)
            if match is None:
                continue
            text, category = match.components["text"], match.components["category"]
            assert index._bound(need, offer, text) >= match.score
            assert index_module.upper_bound(text, category) >= match.score


def test_slots_are_reused_and_the_arrays_follow_changes():
    index = filled(1200, 7)      # more listings than the first slot array holds
    need = next(i for i in index.items.values() if i.kind == "need")
    best = index.offers_for(need, 3)
    assert best
    for match in best:
        index.remove(match.offer_id)
    assert not {m.offer_id for m in best} & {m.offer_id for m in index.offers_for(need, 50)}
    for item in random_items(50, 8, start=5000):
        index.add(item)
    assert key(index.all_offers(3)) == key(
        [m for i in list(index.items.values()) if i.kind == "need" for m in index.offers_for(i, 3)])


PHRASES = ["sala na 30 osób", "dla 80 osób", "na 12 miejsc", "w soboty", "tylko w dni robocze",
           "w weekendy", "przewóz osób busem", "samochód dostawczy", "kurs angielskiego",
           "polski dla obcokrajowców", "w Tczewie", "w Pelplinie", "rzutnik", "namiot", "bus"]


def varied_items(count: int, seed: int):
    """Listings whose texts bring in what score() weighs beyond words: a capacity, the days
    of the week, conflicting kinds of transport or language, a place named in the text."""
    rng = random.Random(seed)
    for item in random_items(count, seed):
        fields = {name: getattr(item, name) for name in (
            "id", "organization_id", "kind", "category", "quantity", "remaining", "unit",
            "municipality", "latitude", "longitude", "available_from", "available_until")}
        if rng.random() < 0.2:
            fields.update(latitude=None, longitude=None)
        yield make_item(**fields, title=item.title + " " + rng.choice(PHRASES),
                        description=" ".join(rng.sample(PHRASES, rng.randint(0, 3))))


def test_bulk_bounds_are_the_pairs_own_scores():
    index = MatchIndex()
    for item in varied_items(700, 9):
        index.add(item)
    index.remove(next(i for i, item in index.items.items() if item.kind == "offer"))
    idf = {term: index.idf(term) for term in index._document_frequency}
    offers = index.offer_arrays(idf)
    slots = index._slots["offer"]
    used = np.flatnonzero(slots.ids[:slots.end] >= 0)
    needs = [item for item in index.items.values() if item.kind == "need"][:40]
    weighted = [scoring.weighted(need, idf, index.default_idf) for need in needs]
    bounds = offers.bounds(needs, weighted, [used] * len(needs))
    seen = {"capacity": 0, "conflict": 0, "clash": 0, "ruled out": 0}
    for need, bulk in zip(needs, bounds):
        for slot, bound in zip(used.tolist(), bulk.tolist()):
            offer = index.items[int(slots.ids[slot])]
            match = index.score_pair(need, offer, idf)
            if match is None and (need.organization_id == offer.organization_id
                                  or offer.remaining <= 0
                                  or scoring.dates_overlap(need, offer) is False):
                assert bound == -1.0
                seen["ruled out"] += 1
            elif match is not None:
                # the unrounded score, plus the rounding the bound allows for
                assert match.score <= bound <= match.score + index_module.ROUNDING + 0.5e-4 + 1e-9
                seen["capacity"] += "capacity" in match.components
                seen["conflict"] += scoring.conflicting(need, offer)
                seen["clash"] += scoring.days_clash(need, offer)
    assert all(seen.values()), seen


def test_all_offers_is_offers_for_of_every_need_whatever_the_texts_say():
    index = MatchIndex()
    for item in varied_items(1200, 12):
        index.add(item)
    expected = [m for item in list(index.items.values()) if item.kind == "need"
                for m in index.offers_for(item, 5)]
    assert key(index.all_offers(5)) == key(expected)


def test_forked_workers_give_the_same_proposals_in_the_same_order(monkeypatch):
    index = filled(900, 10)
    alone = index.all_offers(4, workers=1)
    monkeypatch.setattr(index_module, "PARALLEL_FROM", 0)
    assert key(index.all_offers(4, workers=2)) == key(alone)
    assert parallel._forked is None


def test_forked_analysis_gives_the_same_items_in_the_same_order(monkeypatch):
    fields = [{"id": i, "organization_id": i % 7 + 1, "kind": "need" if i % 3 else "offer",
               "category": "rooms", "title": title, "description": "Dla 30 osób w soboty.",
               "municipality": "Tczew"}
              for i, title in enumerate(["Sala konferencyjna z rzutnikiem", "Autokar na wycieczkę",
                                         "Pracownia komputerowa", "Scena mobilna na festyn"] * 5,
                                        start=1)]
    alone = features_module.make_items(fields, workers=1)
    monkeypatch.setattr(features_module, "PARALLEL_FROM", 0)
    forked = features_module.make_items(fields, workers=2)
    assert forked == alone and [i.id for i in forked] == list(range(1, 21))
    with features_module.analysers(2, len(fields)) as pool:
        assert pool is not None
        assert features_module.make_items(fields, pool=pool) == alone


_analysed = multiprocessing.get_context("fork").Event()   # set by a forked analyser


def _analyse_and_tell(fields):
    items = [make_item(**f) for f in fields]
    _analysed.set()
    return items


def test_analysers_take_the_first_rows_while_the_rest_are_read(monkeypatch):
    """The rows of a first sync come from a database cursor: the children do not wait for
    the last one. Here the last rows are read only once a child has analysed the first."""
    _analysed.clear()
    monkeypatch.setattr(features_module, "_analyse", _analyse_and_tell)
    monkeypatch.setattr(features_module, "CHUNK", 5)

    def rows():
        for i in range(1, 21):
            if i == 16:
                assert _analysed.wait(timeout=30), "nothing was analysed before the last rows"
            yield {"id": i, "organization_id": 1, "kind": "offer", "category": "rooms",
                   "title": f"Sala numer {i}"}

    with features_module.analysers(2, features_module.PARALLEL_FROM) as pool:
        items = features_module.make_items(rows(), pool=pool)
    assert [item.id for item in items] == list(range(1, 21))
