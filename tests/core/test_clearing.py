"""Swaps, cycles and clearing over plain data."""
from __future__ import annotations

from exchange.matching import MatchIndex, make_item
from exchange.matching.clearing import clear
from exchange.matching.cycles import find_cycles

PLACE = {"municipality": "Tczew", "latitude": 54.09, "longitude": 18.78}


def listing(id, org, kind, category, title, quantity=1, unit="pieces"):
    return make_item(id=id, organization_id=org, kind=kind, category=category, title=title,
                     quantity=quantity, unit=unit, **PLACE)


def world():
    items = [
        listing(1, 1, "offer", "rooms", "Sala konferencyjna"),          # A gives a room
        listing(2, 2, "need", "rooms", "Potrzebna sala konferencyjna"),   # B needs a room
        listing(3, 2, "offer", "promotion", "Plakaty w witrynach"),      # B gives posters
        listing(4, 3, "need", "promotion", "Promocja festynu plakaty"),   # C needs posters
        listing(5, 3, "offer", "transport", "Bus 9-osobowy"),            # C gives a bus
        listing(6, 1, "need", "transport", "Bus na wycieczkę"),           # A needs a bus
        listing(7, 4, "need", "rooms", "Sala konferencyjna na spotkanie"),  # D also wants the room
    ]
    index = MatchIndex()
    for item in items:
        index.add(item)
    matches = [m for item in items if item.kind == "need" for m in index.offers_for(item)]
    return {i.id: i for i in items}, matches


def test_finds_the_three_party_cycle():
    items, matches = world()
    cycles = find_cycles(matches, items)
    assert [c.organizations for c in cycles] == [(1, 2, 3)]
    [cycle] = cycles
    assert [(m.offer_id, m.need_id) for m in cycle.matches] == [(1, 2), (3, 4), (5, 6)]


def test_finds_a_swap():
    items = {1: listing(1, 1, "offer", "rooms", "Sala"), 2: listing(2, 2, "need", "rooms", "Sala"),
             3: listing(3, 2, "offer", "catering", "Ciasta"), 4: listing(4, 1, "need", "catering", "Ciasta")}
    index = MatchIndex()
    for item in items.values():
        index.add(item)
    matches = [m for i in (2, 4) for m in index.offers_for(items[i])]
    [swap] = find_cycles(matches, items)
    assert swap.is_swap and set(swap.organizations) == {1, 2}


def test_clearing_never_gives_more_than_capacity_and_meets_each_need_once():
    items, matches = world()
    result = clear(matches, find_cycles(matches, items), items)
    assert result.optimal and result.gap < 1e-6
    room_users = [m for m in result.gifts if m.offer_id == 1] + \
        [m for c in result.cycles for m in c.matches if m.offer_id == 1]
    assert len(room_users) == 1                      # one room, one taker
    met = [m.need_id for m in result.gifts] + [m.need_id for c in result.cycles for m in c.matches]
    assert len(met) == len(set(met))
    assert result.cycles and result.cycles[0].organizations == (1, 2, 3)  # reciprocity pays


def test_clearing_beats_greedy_when_capacity_is_tight():
    # One bus seat-day, two needs; a second offer only fits one of them.
    items = {
        1: listing(1, 1, "offer", "transport", "Bus 9-osobowy", quantity=1, unit="days"),
        2: listing(2, 2, "offer", "transport", "Bus 9-osobowy na wycieczkę", quantity=1, unit="days"),
        3: listing(3, 3, "need", "transport", "Bus na wycieczkę", quantity=1, unit="days"),
        4: listing(4, 4, "need", "transport", "Bus 9-osobowy", quantity=1, unit="days"),
    }
    index = MatchIndex()
    for item in items.values():
        index.add(item)
    matches = [m for i in (3, 4) for m in index.offers_for(items[i])]
    result = clear(matches, [], items)
    assert len(result.gifts) == 2 and {m.offer_id for m in result.gifts} == {1, 2}
