"""Clearing for an event: choose gifts, swaps and cycles that fit capacities, best total score.

An integer programme solved by HiGHS (through scipy): each need is met at most once, no offer
gives more than its remaining capacity, and a cycle earns its hops' scores and a bonus, as
the method values reciprocity. Three things make it smaller and easier to prove, none of
which changes its optimum:

* columns no optimal answer needs are dropped first: a cycle one of whose hops does not fit
  its offer at all (`columns.columns_of`), and gifts and cycles that gifts from offers with room
  for everything would match or beat (`columns.prune`);
* the programme falls apart into independent parts, connected through shared needs and
  offers whose capacity can bind (`columns.components`), each solved alone;
* a part is written with a variable per gift and a bonus variable per cycle that may be
  taken only with its hops, so that branching on one gift settles every cycle through it.

A small part goes to the solver whole. So does a larger one (an event of 500
organizations makes one of about 11,000 columns), given WHOLE_FROM seconds: with the cycle
bonus at 2 %, it proves such an event optimal in 3–5 s. When it does not, or has less time,
the part is guided by its LP relaxation (interior point, about 1 s; its value bounds the
part): the integer programme over what the LP leaves fractional, every variable it sets to
0 or 1 fixed there, gives a good answer fast. Then comes local search from the best answer
found. A part beyond EXACT_LIMIT columns (100,000 listings make one of 150,000) gets no LP,
whose solving alone would take longer than the time allowed: it starts from the better of
two greedy answers, improved by local search, and its bound is the needs' best shares.
`optimal` says whether every part was proven optimal, `bound` how far from the optimum the
answer can be at most. The answer depends on the time allowed and, at the margin, on the
machine's speed. `greedy` is the baseline the issue compares with: the best value first,
whenever it still fits.
"""
from __future__ import annotations

import gc
import random
import time
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, linprog, milp
from scipy.sparse import csr_matrix

from exchange.core.matching.columns import (
    Column,
    ColumnArrays,
    bounded_parts,
    columns_of,
    make_column,
    offer_loads,
    prune_mask,
    usage,
)
from exchange.core.matching.cycles import Cycle
from exchange.core.matching.features import Item
from exchange.core.matching.scoring import Match


@dataclass
class Clearing:
    gifts: list[Match]
    cycles: list[Cycle]
    total: float
    bound: float          # no selection beats it: the solver's dual bound, or a weaker one
    optimal: bool

    @property
    def gap(self) -> float:
        return 0.0 if self.bound <= 0 else max(0.0, (self.bound - self.total) / self.bound)


@dataclass
class _Solved:
    chosen: list[Column]
    bound: float
    optimal: bool


def _solve(columns: list[Column], items: dict[int, Item], room: dict[int, int],
           time_limit: float, *, guided: bool = False) -> _Solved:
    """COLUMNS exactly (within TIME_LIMIT), offers giving at most ROOM: a variable per gift
    (hops included), a bonus variable per cycle bounded by each of its hops' variables.

    GUIDED, the LP relaxation is solved first (its value is the bound), and the integer
    programme only then, with every variable the LP sets to 0 or 1 with a nonzero reduced
    cost fixed there: a much smaller programme (a "relaxation induced neighbourhood"),
    whose answer is feasible, usually close to the optimum, but proves nothing alone."""
    if len(columns) <= 1:
        fits = all(v <= room[o] for o, v in offer_loads(columns).items())
        return _Solved(columns if fits else [], sum(c.value for c in columns), True)
    began = time.monotonic()
    model = _Programme(columns, items, room)
    value, matrix, upper = model.value, model.matrix, model.upper
    lower, higher = np.zeros(len(value)), np.ones(len(value))
    bound = float(value.sum())
    if guided:
        relaxed = linprog(-value, A_ub=matrix, b_ub=np.array(upper), bounds=(0, 1),
                          method="highs-ipm", options={"time_limit": max(0.05, time_limit / 2)})
        if relaxed.status != 0:
            return _Solved([], bound, False)
        bound = -float(relaxed.fun)
        at = np.round(relaxed.x)
        settled = np.abs(relaxed.x - at) < 1e-9
        higher[settled & (at == 0)] = 0
        lower[settled & (at == 1)] = 1
    result = milp(-value, constraints=LinearConstraint(matrix, -np.inf, np.array(upper)),
                  bounds=Bounds(lower, higher), integrality=np.ones(len(value)),
                  options={"time_limit": max(0.05, time_limit - (time.monotonic() - began))})
    if not guided and result.mip_dual_bound is not None:
        bound = -float(result.mip_dual_bound)
    if result.x is None:
        return _Solved([], bound, False)
    chosen = model.chosen(result.x, items)
    total = _total(chosen)
    proven = result.status == 0 and (not guided or total >= bound - 1e-9)
    return _Solved(chosen, max(bound, total), proven)


class _Programme:
    """COLUMNS as _solve's integer programme, offers giving at most ROOM: first a variable
    per gift (`gifts`: (need, offer) → variable), then a bonus variable per cycle
    (`cycles`); each row of `matrix` is at most its `upper`. A need is met at most once, a
    contested offer gives at most its room, and a cycle's bonus comes only with its hops."""

    def __init__(self, columns: list[Column], items: dict[int, Item],
                 room: dict[int, int]) -> None:
        load = offer_loads(columns)
        self.hops = {(m.need_id, m.offer_id): m for column in columns for m in column.hops}
        self.gifts = gifts = {key: j for j, key in enumerate(self.hops)}
        self.cycles = cycles = [c for c in columns if c.cycle is not None]
        self.value = np.array([m.score for m in self.hops.values()]
                              + [c.value - sum(m.score for m in c.hops) for c in cycles])
        rows, cols, coefficients, upper = [], [], [], []

        def row(entries: list[tuple[int, float]], limit: float) -> None:
            for j, a in entries:
                rows.append(len(upper))
                cols.append(j)
                coefficients.append(a)
            upper.append(limit)

        by_need, by_offer = defaultdict(list), defaultdict(list)
        for (need, offer), j in gifts.items():
            by_need[need].append(j)
            by_offer[offer].append((j, usage(items[need], items[offer])))
        for js in by_need.values():
            if len(js) > 1:
                row([(j, 1.0) for j in js], 1.0)
        for offer, entries in by_offer.items():
            if load[offer] > room[offer]:
                row(entries, float(room[offer]))
        through: dict[int, list[int]] = defaultdict(list)
        for k, column in enumerate(cycles, start=len(gifts)):
            for m in column.hops:
                through[gifts[(m.need_id, m.offer_id)]].append(k)
        for j, ks in through.items():
            row([(j, -1.0)] + [(k, 1.0) for k in ks], 0.0)
        self.matrix = csr_matrix((coefficients, (rows, cols)),
                                 shape=(len(upper), len(self.value)))
        self.upper: list[float] = upper

    def chosen(self, x: np.ndarray, items: dict[int, Item]) -> list[Column]:
        """The columns of solution X: its cycles, then its gifts outside them."""
        on = np.round(x).astype(bool)
        chosen = [c for k, c in enumerate(self.cycles, start=len(self.gifts)) if on[k]]
        in_cycles = {(m.need_id, m.offer_id) for c in chosen for m in c.hops}
        chosen += [make_column(m.score, (m,), items) for key, m in self.hops.items()
                   if on[self.gifts[key]] and key not in in_cycles]
        return chosen


def _greedy(columns: list[Column], items: dict[int, Item], room: dict[int, int], *,
            thrifty: bool = False) -> list[Column]:
    """Columns best value first, each taken when its needs are still unmet and it fits.

    THRIFTY, "best" is the value per need met, a little less for a column taking much of
    its offers' room (a tenth of a need per whole offer)."""
    def key(c: Column) -> float:
        if not thrifty:
            return -c.value
        return -c.value / (len(c.needs) + 0.1 * sum(u / max(1, room[o]) for o, u in c.uses))

    met: set[int] = set()
    left = dict(room)
    chosen = []
    for column in sorted(columns, key=key):
        if met.isdisjoint(column.needs) and all(left[o] >= u for o, u in column.uses):
            met.update(column.needs)
            for o, u in column.uses:
                left[o] -= u
            chosen.append(column)
    return chosen


NEIGHBOURHOOD = 300   # needs set free at once by the local search


def _improve(columns: list[Column], chosen: list[Column], items: dict[int, Item],
             room: dict[int, int], deadline: float) -> list[Column]:
    """Better CHOSEN columns by large-neighbourhood search, until DEADLINE.

    Again and again: set free the needs around one need (those sharing columns or a
    contested offer with it, up to NEIGHBOURHOOD), keep every other choice, and solve the
    small programme left exactly. A step never loses: what was chosen there is feasible.
    The starting needs sweep the part in a shuffled order, each sweep skipping needs a
    neighbourhood of it has already covered; a step costs only its neighbourhood's size.
    """
    rng = random.Random(0)
    load = offer_loads(columns)
    by_need: dict[int, list[Column]] = defaultdict(list)
    by_offer: dict[int, list[Column]] = defaultdict(list)
    for column in columns:
        for m in column.hops:
            by_need[m.need_id].append(column)
            if load[m.offer_id] > room[m.offer_id]:
                by_offer[m.offer_id].append(column)
    needs = sorted(by_need)
    holder: dict[int, Column] = {}          # need → the chosen column meeting it
    left = dict(room)                       # what the chosen columns leave of each offer
    for c in chosen:
        for n in c.needs:
            holder[n] = c
        for o, u in c.uses:
            left[o] -= u
    order: list[int] = []
    covered: set[int] = set()
    while time.monotonic() < deadline and needs:
        if not order:
            order = list(needs)
            rng.shuffle(order)
            covered.clear()
        start = order.pop()
        if start in covered:
            continue
        free = _around(start, by_need, by_offer)
        inside = {id(c): c for n in free if (c := holder.get(n)) is not None}
        free |= {n for c in inside.values() for n in c.needs}
        covered |= free
        candidates = {id(c): c for n in free for c in by_need[n] if free.issuperset(c.needs)}
        local = {o: left[o] for c in [*candidates.values(), *inside.values()] for o, _ in c.uses}
        for c in inside.values():
            for o, u in c.uses:
                local[o] += u
        solved = _solve(list(candidates.values()), items, local, deadline - time.monotonic())
        if _total(solved.chosen) > _total(inside.values()) + 1e-9:
            for c in inside.values():
                for n in c.needs:
                    del holder[n]
                for o, u in c.uses:
                    left[o] += u
            for c in solved.chosen:
                for n in c.needs:
                    holder[n] = c
                for o, u in c.uses:
                    left[o] -= u
    return list({id(c): c for c in holder.values()}.values())


def _around(start: int, by_need: dict[int, list[Column]],
            by_offer: dict[int, list[Column]]) -> set[int]:
    """Up to NEIGHBOURHOOD needs near START, breadth first through columns and offers."""
    found, queue = {start}, [start]
    for need in queue:
        for column in by_need[need]:
            for other in [column] + [c for m in column.hops for c in by_offer.get(m.offer_id, ())]:
                for n in other.needs:
                    if n not in found:
                        found.add(n)
                        if len(found) == NEIGHBOURHOOD:
                            return found
                        queue.append(n)
    return found


SEARCH_SHARE = 0.9    # of the time limit, for the search: the rest is for what comes before and after
SOLVER_SHARE = 0.7    # of a part's time, for the solver before local search
FULL_LIMIT = 2_000     # columns; beyond, see _exact:
WHOLE_FROM = 6.0       # seconds of a part's time, to try proving the whole part optimal
WHOLE_SHARE = 0.55     # of the part's time, for that
GUIDED_UNTIL = 0.9     # of the part's time: then the LP-guided answer, when it was not proven
PROOF_GAP = 1e-4       # an answer this close to the bound (relatively) is optimal, as HiGHS says
EXACT_LIMIT = 20_000   # columns; beyond, HiGHS does not finish the LP relaxation in seconds


def clear(matches: list[Match], cycles: list[Cycle], items: dict[int, Item], *,
          time_limit: float = 10.0) -> Clearing:
    """Choose the best-scoring feasible set of gifts and cycles within about TIME_LIMIT
    seconds: the search stops at SEARCH_SHARE of it, leaving the rest for what follows.

    Each part gets a share of the search time by its size. The solver tries a part of at
    most EXACT_LIMIT columns for up to SOLVER_SHARE of its share (whole, then, beyond
    FULL_LIMIT columns, guided by the LP relaxation); when it cannot prove it optimal, the best
    of its answer and the greedy ones is improved by local search for the rest of the share
    (a larger part gets the greedy answers and local search only). The bound is then the
    solver's or the LP's, or for a larger part the needs' best shares.
    """
    with _no_collections():
        return _clear(matches, cycles, items, time.monotonic() + SEARCH_SHARE * time_limit)


@contextmanager
def _no_collections():
    """Hundreds of thousands of small objects are made: the cyclic garbage collector's
    passes over them (nothing here is cyclic) would take most of the time."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _clear(matches: list[Match], cycles: list[Cycle], items: dict[int, Item],
           deadline: float) -> Clearing:
    room = {o.id: o.remaining for o in items.values()}
    columns = columns_of(matches, cycles, items)
    if not columns:
        return _result([], 0.0, True)
    arrays = ColumnArrays(columns, items)
    parts = bounded_parts(columns, arrays, prune_mask(arrays))
    chosen: list[Column] = []
    bound, optimal = 0.0, True
    waiting = sum(len(part) for part, _ in parts)
    for part, share_bound in parts:
        began = time.monotonic()
        share = (deadline - began) * len(part) / waiting
        waiting -= len(part)
        if len(part) == 1:
            chosen += part
            bound += part[0].value
            continue
        solved = (_exact(part, items, room, began, share)
                  if len(part) <= EXACT_LIMIT else _Solved([], share_bound, False))
        bound += min(solved.bound, share_bound)
        if solved.optimal:
            chosen += solved.chosen
            continue
        optimal = False
        start = max(solved.chosen, _greedy(part, items, room),
                    _greedy(part, items, room, thrifty=True), key=_total)
        chosen += _improve(part, start, items, room, began + share)
    return _result(chosen, bound, optimal)


def _exact(part: list[Column], items: dict[int, Item], room: dict[int, int], began: float,
           share: float) -> _Solved:
    """The solver on PART, given SHARE seconds from BEGAN; what it proves nothing about
    goes on to local search.

    A part of at most FULL_LIMIT columns goes to it whole, for SOLVER_SHARE of the time. A
    larger one with WHOLE_FROM seconds or more goes to it whole for WHOLE_SHARE of the time,
    to be proven optimal; when it is not, the LP relaxation guides it until GUIDED_UNTIL
    (a good answer and a bound in a second or two), and the better answer and the lower
    bound are kept. With less time, the guided path goes alone, for SOLVER_SHARE."""
    if len(part) <= FULL_LIMIT:
        return _solve(part, items, room, share * SOLVER_SHARE)
    if share < WHOLE_FROM:
        return _solve(part, items, room, share * SOLVER_SHARE, guided=True)
    whole = _solve(part, items, room, share * WHOLE_SHARE)
    if whole.optimal:
        return whole
    guided = _solve(part, items, room, began + share * GUIDED_UNTIL - time.monotonic(),
                    guided=True)
    best = max(whole.chosen, guided.chosen, key=_total)
    bound = min(whole.bound, guided.bound)
    return _Solved(best, bound, _total(best) >= bound * (1 - PROOF_GAP))


def _total(columns: list[Column]) -> float:
    return sum(c.value for c in columns)


def _result(chosen: list[Column], bound: float, optimal: bool) -> Clearing:
    total = sum(c.value for c in chosen)
    return Clearing([c.hops[0] for c in chosen if c.cycle is None],
                    [c.cycle for c in chosen if c.cycle is not None], total,
                    max(bound, total), optimal)


def greedy(matches: list[Match], cycles: list[Cycle], items: dict[int, Item]) -> Clearing:
    """The baseline: take gifts and cycles best value first whenever they still fit.

    It proves nothing: its bound is merely the sum of every column's value."""
    with _no_collections():
        columns = columns_of(matches, cycles, items)
        room = {o.id: o.remaining for o in items.values()}
        return _result(_greedy(columns, items, room), sum(c.value for c in columns), False)


def lp_bound(matches: list[Match], cycles: list[Cycle], items: dict[int, Item]) -> float:
    """The LP relaxation's value of the whole model: no selection can beat it."""
    columns = columns_of(matches, cycles, items)
    if not columns:
        return 0.0
    hops = [m for c in columns for m in c.hops]
    needs = {n: i for i, n in enumerate(dict.fromkeys(m.need_id for m in hops))}
    offers = {o: len(needs) + i for i, o in enumerate(dict.fromkeys(m.offer_id for m in hops))}
    rows, cols, coefficients = [], [], []
    for j, column in enumerate(columns):
        for m in column.hops:
            rows += [needs[m.need_id], offers[m.offer_id]]
            cols += [j, j]
            coefficients += [1.0, float(usage(items[m.need_id], items[m.offer_id]))]
    matrix = csr_matrix((coefficients, (rows, cols)), shape=(len(needs) + len(offers), len(columns)))
    upper = np.array([1.0] * len(needs) + [float(items[o].remaining) for o in offers])
    result = milp(-np.array([c.value for c in columns]),
                  constraints=LinearConstraint(matrix, -np.inf, upper), bounds=Bounds(0, 1))
    return -float(result.fun)
