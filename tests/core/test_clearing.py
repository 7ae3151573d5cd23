"""Swaps, cycles and clearing over plain data."""
from __future__ import annotations

import itertools
import random
from collections import Counter

import pytest

from exchange.core.matching import MatchIndex, make_item
from exchange.core.matching.clearing import clear, greedy, lp_bound
from exchange.core.matching.columns import CYCLE_BONUS, columns_of, components, prune, usage
from exchange.core.matching.cycles import find_cycles

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


# -- exactness: against every possible selection, on small random instances ------------------

def random_event(seed: int):
    """Items and matches of a few organizations, with tight capacities and many cycles."""
    from exchange.core.matching.scoring import Match

    rng = random.Random(seed)
    items = {}
    for i in range(1, 13):
        kind = "offer" if i % 2 else "need"
        items[i] = make_item(id=i, organization_id=rng.randint(1, 4), kind=kind,
                             category="rooms", title="Sala", quantity=rng.randint(1, 3),
                             unit=rng.choice(["hours", "days"]))
    needs = [i for i in items.values() if i.kind == "need"]
    offers = [i for i in items.values() if i.kind == "offer"]
    matches = [Match(n.id, o.id, round(rng.uniform(0.2, 1.0), 4)) for n in needs for o in offers
               if n.organization_id != o.organization_id and rng.random() < 0.45]
    return items, matches, find_cycles(matches, items, max_length=3)


def brute_force(matches, cycles, items) -> float:
    """The best total over every feasible selection of gifts and cycles."""
    columns = [(m.score, (m,)) for m in matches
               if usage(items[m.need_id], items[m.offer_id]) <= items[m.offer_id].remaining]
    columns += [(c.score * (1 + CYCLE_BONUS), c.matches) for c in cycles]
    best = 0.0
    for chosen in itertools.product((False, True), repeat=len(columns)):
        picked = [col for col, on in zip(columns, chosen) if on]
        needs = [m.need_id for _, hops in picked for m in hops]
        given = Counter()
        for _, hops in picked:
            for m in hops:
                given[m.offer_id] += usage(items[m.need_id], items[m.offer_id])
        if len(needs) == len(set(needs)) and all(given[o] <= items[o].remaining for o in given):
            best = max(best, sum(value for value, _ in picked))
    return best


def small_events(count: int):
    found = 0
    for seed in range(1000):
        items, matches, cycles = random_event(seed)
        if cycles and len(matches) + len(cycles) <= 16:
            yield items, matches, cycles
            found += 1
            if found == count:
                return


@pytest.mark.parametrize("event", list(small_events(12)), ids=lambda _: "")
def test_clearing_is_exactly_optimal_and_greedy_never_beats_it(event):
    items, matches, cycles = event
    exact = brute_force(matches, cycles, items)
    result = clear(matches, cycles, items)
    assert result.optimal and result.total == pytest.approx(exact, abs=1e-9)
    assert result.bound >= result.total - 1e-9
    assert greedy(matches, cycles, items).total <= result.total + 1e-9
    assert_feasible(result, matches, cycles, items)


def assert_feasible(result, matches, cycles, items):
    """Each need met at most once, no offer giving more than its remaining capacity, every
    gift and cycle one of the candidates, and the total what they earn."""
    hops = list(result.gifts) + [m for c in result.cycles for m in c.matches]
    met = [m.need_id for m in hops]
    assert len(met) == len(set(met))
    given = Counter()
    for m in hops:
        given[m.offer_id] += usage(items[m.need_id], items[m.offer_id])
    assert all(given[o] <= items[o].remaining for o in given)
    assert set(map(id, result.gifts)) <= set(map(id, matches))
    assert set(map(id, result.cycles)) <= set(map(id, cycles))
    earned = sum(m.score for m in hops) + CYCLE_BONUS * sum(c.score for c in result.cycles)
    assert result.total == pytest.approx(earned, abs=1e-9)
    assert result.bound >= result.total - 1e-9


@pytest.mark.parametrize("path", ["guided", "whole unproven, then guided", "beyond exact"])
@pytest.mark.parametrize("event", list(small_events(6)), ids=lambda _: "")
def test_the_paths_for_large_parts_reach_the_optimum_of_small_events(event, path, monkeypatch):
    """Guided by the LP relaxation (alone, or after the solver on the whole part could not
    prove its answer), or from greedy answers without a solver, local search whose
    neighbourhood holds the whole part still ends at the optimum."""
    import exchange.core.matching.clearing as clearing

    if path == "beyond exact":
        monkeypatch.setattr(clearing, "EXACT_LIMIT", 1)
    else:
        monkeypatch.setattr(clearing, "FULL_LIMIT", 1)
    if path.startswith("whole"):
        monkeypatch.setattr(clearing, "WHOLE_FROM", 0.0)
        solve = clearing._solve

        def unproven(columns, items, room, time_limit, *, guided=False):
            solved = solve(columns, items, room, time_limit, guided=guided)
            return solved if guided else clearing._Solved(solved.chosen[:1], solved.bound, False)

        monkeypatch.setattr(clearing, "_solve", unproven)
    items, matches, cycles = event
    result = clear(matches, cycles, items, time_limit=0.5)
    assert result.total == pytest.approx(brute_force(matches, cycles, items), abs=1e-9)
    assert_feasible(result, matches, cycles, items)


@pytest.mark.parametrize("whole_from, expected", [(0.0, [False, True]), (60.0, [True])])
def test_a_large_part_goes_to_the_solver_whole_only_with_time_to_prove_it(
        whole_from, expected, monkeypatch):
    """Proving a large part takes seconds: with less time, the LP-guided answer goes alone;
    with enough, the solver tries the whole part first."""
    import exchange.core.matching.clearing as clearing

    monkeypatch.setattr(clearing, "FULL_LIMIT", 1)
    monkeypatch.setattr(clearing, "WHOLE_FROM", whole_from)
    monkeypatch.setattr(clearing, "_improve", lambda columns, chosen, *rest: chosen)
    solve, calls = clearing._solve, []

    def unproven(columns, items, room, time_limit, *, guided=False):
        calls.append(guided)
        solved = solve(columns, items, room, time_limit, guided=guided)
        return clearing._Solved(solved.chosen, solved.bound * 2, False)

    monkeypatch.setattr(clearing, "_solve", unproven)
    items, matches, cycles = bigger_event(7)
    result = clear(matches, cycles, items, time_limit=1.0)
    parts = calls.count(True)
    assert parts >= 1 and calls == expected * parts
    assert_feasible(result, matches, cycles, items)


def bigger_event(seed: int, organizations: int = 40, listings: int = 400):
    from exchange.core.matching.scoring import Match

    rng = random.Random(seed)
    items = {}
    for i in range(1, listings + 1):
        items[i] = make_item(id=i, organization_id=rng.randint(1, organizations),
                             kind="offer" if rng.random() < 0.5 else "need", category="rooms",
                             title="Sala", quantity=rng.randint(1, 6),
                             unit=rng.choice(["hours", "days"]))
    needs = [i for i in items.values() if i.kind == "need"]
    offers = [i for i in items.values() if i.kind == "offer"]
    matches = [Match(n.id, o.id, round(rng.uniform(0.2, 1.0), 4))
               for n in needs for o in rng.sample(offers, 5)
               if n.organization_id != o.organization_id]
    return items, matches, find_cycles(matches, items, max_length=3)


@pytest.mark.parametrize("limits", [{}, {"FULL_LIMIT": 1}, {"FULL_LIMIT": 1, "WHOLE_FROM": 0.0},
                                    {"EXACT_LIMIT": 1, "NEIGHBOURHOOD": 30}])
def test_every_path_gives_a_feasible_answer_no_worse_than_greedy(limits, monkeypatch):
    import exchange.core.matching.clearing as clearing

    for name, value in limits.items():
        monkeypatch.setattr(clearing, name, value)
    items, matches, cycles = bigger_event(7)
    assert len(cycles) > 50
    result = clear(matches, cycles, items, time_limit=1.0)
    assert_feasible(result, matches, cycles, items)
    assert result.total >= greedy(matches, cycles, items).total - 1e-9
    assert result.bound <= lp_bound(matches, cycles, items) + 1e-6 or "EXACT_LIMIT" in limits


@pytest.mark.parametrize("event", list(small_events(12)), ids=lambda _: "")
def test_pruning_keeps_the_optimum_and_the_parts_add_up_to_it(event):
    items, matches, cycles = event
    columns = columns_of(matches, cycles, items)
    kept = prune(columns, items)
    assert set(map(id, kept)) <= set(map(id, columns))

    def best_of(subset):
        gifts = [c.hops[0] for c in subset if c.cycle is None]
        return brute_force(gifts, [c.cycle for c in subset if c.cycle is not None], items)

    assert best_of(kept) == pytest.approx(best_of(columns), abs=1e-9)
    parts = components(kept, items)
    assert sum(len(p) for p in parts) == len(kept)
    assert sum(best_of(p) for p in parts) == pytest.approx(best_of(kept), abs=1e-9)


def test_a_gift_beaten_by_one_from_a_roomy_offer_is_pruned():
    from exchange.core.matching.scoring import Match

    items = {1: listing(1, 1, "offer", "rooms", "Sala", quantity=5, unit="hours"),
             2: listing(2, 2, "offer", "rooms", "Sala", quantity=1, unit="hours"),
             3: listing(3, 3, "need", "rooms", "Sala", quantity=1, unit="hours"),
             4: listing(4, 4, "need", "rooms", "Sala", quantity=1, unit="hours")}
    roomy, tight, contested = Match(3, 1, 0.9), Match(3, 2, 0.8), Match(4, 2, 0.7)
    kept = prune(columns_of([roomy, tight, contested], [], items), items)
    assert [c.hops for c in kept] == [(roomy,), (contested,)]


def test_a_cycle_whose_hop_cannot_fit_is_no_column():
    items, matches = world()
    [cycle] = find_cycles(matches, items)
    small = {**items, cycle.matches[0].offer_id: listing(
        cycle.matches[0].offer_id, cycle.organizations[0], "offer", "rooms",
        "Sala konferencyjna", quantity=1, unit="hours")}
    needy = {**small, cycle.matches[0].need_id: listing(
        cycle.matches[0].need_id, cycle.organizations[1], "need", "rooms",
        "Potrzebna sala konferencyjna", quantity=3, unit="hours")}
    assert all(c.cycle is None for c in columns_of(matches, [cycle], needy))


def test_independent_events_are_solved_as_separate_parts():
    items, matches = world()
    shifted = {i + 100: make_item(id=i + 100, organization_id=item.organization_id + 100,
                                  kind=item.kind, category=item.category, title=item.title,
                                  **PLACE) for i, item in items.items()}
    from exchange.core.matching.scoring import Match
    twice = matches + [Match(m.need_id + 100, m.offer_id + 100, m.score) for m in matches]
    both = {**items, **shifted}
    cycles = find_cycles(twice, both)
    parts = components(prune(columns_of(twice, cycles, both), both), both)
    assert len(parts) >= 2
    alone = clear(matches, find_cycles(matches, items), items)
    assert clear(twice, cycles, both).total == pytest.approx(2 * alone.total)


@pytest.mark.parametrize("seed", range(5))
def test_every_cycle_is_found_once(seed):
    items, matches, _ = random_event(seed)
    def giver(m):
        return items[m.offer_id].organization_id

    def taker(m):
        return items[m.need_id].organization_id

    arcs = {(giver(m), taker(m)) for m in matches if giver(m) != taker(m)}
    orgs = sorted({o for arc in arcs for o in arc})
    expected = {path for length in (2, 3, 4) for path in itertools.permutations(orgs, length)
                if path[0] == min(path)
                and all((path[i], path[(i + 1) % length]) in arcs for i in range(length))}
    found = find_cycles(matches, items, max_length=4)
    distinct_needs = [c for c in found if len({m.need_id for m in c.matches}) == len(c.matches)]
    assert found == distinct_needs
    assert {c.organizations for c in found} <= expected
    best = {}
    for m in matches:
        arc = (giver(m), taker(m))
        if arc[0] != arc[1] and (arc not in best or m.score > best[arc].score):
            best[arc] = m
    assert {c.organizations for c in found} == {
        path for path in expected
        if len({best[(path[i], path[(i + 1) % len(path)])].need_id
                for i in range(len(path))}) == len(path)}
