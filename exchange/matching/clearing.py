"""Clearing for an event: choose gifts, swaps and cycles that fit capacities, best total score.

An integer programme solved exactly by HiGHS (through scipy): a variable per candidate gift
(one offer serving one need) and per cycle; every need is met at most once; no offer gives
more than its remaining capacity; cycles earn a bonus, as the method values reciprocity.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import lil_matrix

from exchange.matching.cycles import Cycle
from exchange.matching.features import Item
from exchange.matching.scoring import Match

CYCLE_BONUS = 0.1


@dataclass
class Clearing:
    gifts: list[Match]
    cycles: list[Cycle]
    total: float
    bound: float          # the LP relaxation's value: no selection can beat it
    optimal: bool

    @property
    def gap(self) -> float:
        return 0.0 if self.bound <= 0 else max(0.0, (self.bound - self.total) / self.bound)


def usage(need: Item, offer: Item) -> int:
    """How much of the offer's remaining capacity serving the need takes."""
    return need.quantity if need.unit == offer.unit else 1


def clear(matches: list[Match], cycles: list[Cycle], items: dict[int, Item], *,
          time_limit: float = 10.0) -> Clearing:
    """Choose the best-scoring feasible set of gifts and cycles."""
    gifts = [m for m in matches if usage(items[m.need_id], items[m.offer_id])
             <= items[m.offer_id].remaining]
    columns = len(gifts) + len(cycles)
    if columns == 0:
        return Clearing([], [], 0.0, 0.0, True)
    value = np.array([m.score for m in gifts] + [c.score * (1 + CYCLE_BONUS) for c in cycles])
    needs = sorted({m.need_id for m in gifts} | {m.need_id for c in cycles for m in c.matches})
    offers = sorted({m.offer_id for m in gifts} | {m.offer_id for c in cycles for m in c.matches})
    need_row = {n: i for i, n in enumerate(needs)}
    offer_row = {o: len(needs) + i for i, o in enumerate(offers)}
    a = lil_matrix((len(needs) + len(offers), columns))
    for j, m in enumerate(gifts):
        a[need_row[m.need_id], j] = 1
        a[offer_row[m.offer_id], j] += usage(items[m.need_id], items[m.offer_id])
    for k, cycle in enumerate(cycles, start=len(gifts)):
        for m in cycle.matches:
            a[need_row[m.need_id], k] += 1
            a[offer_row[m.offer_id], k] += usage(items[m.need_id], items[m.offer_id])
    upper = np.array([1.0] * len(needs) + [float(items[o].remaining) for o in offers])
    constraint = LinearConstraint(a.tocsr(), -np.inf, upper)
    relaxed = milp(-value, constraints=constraint, bounds=Bounds(0, 1))
    result = milp(-value, constraints=constraint, bounds=Bounds(0, 1),
                  integrality=np.ones(columns), options={"time_limit": time_limit})
    chosen = np.round(result.x).astype(bool) if result.x is not None else np.zeros(columns, bool)
    picked_gifts = [m for m, on in zip(gifts, chosen[:len(gifts)]) if on]
    picked_cycles = [c for c, on in zip(cycles, chosen[len(gifts):]) if on]
    total = float(value[chosen].sum())
    bound = -float(relaxed.fun) if relaxed.success else total
    return Clearing(picked_gifts, picked_cycles, total, bound, result.status == 0)
