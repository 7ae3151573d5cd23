"""The clearing's columns: a gift or a cycle, what choosing it earns and what it takes of which
offers, and the reductions that change no optimum (`prune`, `components`)."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from exchange.core.matching.cycles import Cycle
from exchange.core.matching.features import Item
from exchange.core.matching.scoring import Match

# What a cycle earns beyond its hops' scores, as a share of them. Reciprocity is common but
# not required (DOMAIN.md): a cycle wins over gifts scoring up to 2 % more, not over better
# matches. A tenth made clearing leave 1.5 % of the hops' scores on the table for cycles,
# and made an event of 500 organizations unprovable in seconds (bench/README.md).
CYCLE_BONUS = 0.02


def usage(need: Item, offer: Item) -> int:
    """How much of the offer's remaining capacity serving the need takes."""
    return need.quantity if need.unit == offer.unit else 1


@dataclass(slots=True, eq=False)
class Column:
    """A gift or a cycle: what choosing it earns, the needs it meets, what it takes of
    which offers."""

    value: float
    hops: tuple[Match, ...]
    needs: tuple[int, ...]
    uses: tuple[tuple[int, int], ...]   # (offer id, capacity taken)
    cycle: Cycle | None = None


def make_column(value: float, hops: tuple[Match, ...], items: dict[int, Item],
            cycle: Cycle | None = None) -> Column:
    uses: dict[int, int] = defaultdict(int)
    for m in hops:
        uses[m.offer_id] += usage(items[m.need_id], items[m.offer_id])
    return Column(value, hops, tuple(m.need_id for m in hops), tuple(uses.items()), cycle)


def columns_of(matches: list[Match], cycles: list[Cycle], items: dict[int, Item]) -> list[Column]:
    """A column per gift and per cycle whose every hop fits its offer's remaining capacity."""
    taken: dict[tuple[int, int], int] = {}   # (need, offer) → capacity taken, if it fits

    def fits(m: Match) -> bool:
        key = (m.need_id, m.offer_id)
        if key not in taken:
            need, offer = items[m.need_id], items[m.offer_id]
            amount = need.quantity if need.unit == offer.unit else 1
            taken[key] = amount if amount <= offer.remaining else -1
        return taken[key] >= 0

    columns = [Column(m.score, (m,), (m.need_id,), ((m.offer_id, taken[(m.need_id, m.offer_id)]),))
               for m in matches if fits(m)]
    for c in cycles:
        if all(fits(m) for m in c.matches):
            uses: dict[int, int] = defaultdict(int)
            for m in c.matches:
                uses[m.offer_id] += taken[(m.need_id, m.offer_id)]
            columns.append(Column(c.score * (1 + CYCLE_BONUS), c.matches,
                                  tuple(m.need_id for m in c.matches), tuple(uses.items()), c))
    return columns


def offer_loads(columns: list[Column]) -> dict[int, int]:
    """What each offer would give if every column were chosen."""
    load: dict[int, int] = defaultdict(int)
    for column in columns:
        for offer, amount in column.uses:
            load[offer] += amount
    return load


class ColumnArrays:
    """Columns as numpy arrays: needs and offers by position, for work on all at once."""

    def __init__(self, columns: list[Column], items: dict[int, Item]) -> None:
        need_ids = list(dict.fromkeys(n for c in columns for n in c.needs))
        offer_ids = list(dict.fromkeys(o for c in columns for o, _ in c.uses))
        need_at = {n: i for i, n in enumerate(need_ids)}
        offer_at = {o: i for i, o in enumerate(offer_ids)}
        width = max(len(c.needs) for c in columns)
        self.needs = np.full((len(columns), width), -1)
        for j, column in enumerate(columns):
            self.needs[j, :len(column.needs)] = [need_at[n] for n in column.needs]
        self.need_count = len(need_ids)
        self.value = np.array([c.value for c in columns])
        self.gift = np.array([c.cycle is None for c in columns])
        self.use_column = np.array([j for j, c in enumerate(columns) for _ in c.uses])
        self.use_offer = np.array([offer_at[o] for c in columns for o, _ in c.uses])
        self.use_amount = np.array([float(a) for c in columns for _, a in c.uses])
        self.room = np.array([float(items[o].remaining) for o in offer_ids])

    def loads(self, alive: np.ndarray) -> np.ndarray:
        on = alive[self.use_column]
        return np.bincount(self.use_offer[on], weights=self.use_amount[on],
                           minlength=len(self.room))


def prune(columns: list[Column], items: dict[int, Item]) -> list[Column]:
    """The columns left once those no optimal answer needs are dropped, until none is.

    An offer is roomy when it could serve every column using it at once: a gift from it
    never competes for capacity. Let a need's best roomy gift be its roomiest alternative.
    Any other column is dropped when the best roomy gifts of its needs together earn at
    least as much: in an answer using it, swapping it for them stays feasible and loses
    nothing. The best roomy gifts themselves are kept, so every swap has its target.
    """
    if not columns:
        return []
    return [c for c, on in zip(columns, prune_mask(ColumnArrays(columns, items))) if on]


def prune_mask(a: ColumnArrays) -> np.ndarray:
    """Which columns prune keeps, as a mask."""
    gift_offer = np.zeros(len(a.value), dtype=np.int64)
    gift_offer[a.use_column[a.gift[a.use_column]]] = a.use_offer[a.gift[a.use_column]]
    alive = np.ones(len(a.value), dtype=bool)
    while True:
        roomy = a.loads(alive) <= a.room
        candidates = np.flatnonzero(alive & a.gift & roomy[gift_offer])
        # Per need, its roomy gift of highest value (the first of equals).
        order = np.lexsort((candidates, -a.value[candidates], a.needs[candidates, 0]))
        ranked = candidates[order]
        first = np.ones(len(ranked), dtype=bool)
        first[1:] = a.needs[ranked[1:], 0] != a.needs[ranked[:-1], 0]
        firsts = ranked[first]
        best_value = np.zeros(a.need_count + 1)          # the last one stands for "no need"
        best_value[a.needs[firsts, 0]] = a.value[firsts]
        is_best = np.zeros(len(a.value), dtype=bool)
        is_best[firsts] = True
        alternatives = best_value[a.needs].sum(axis=1)   # -1 picks the zero at the end
        kept = alive & (is_best | (alternatives < a.value))
        if (kept == alive).all():
            return alive
        alive = kept


def components(columns: list[Column], items: dict[int, Item]) -> list[list[Column]]:
    """Groups of columns sharing no need and no offer whose capacity could bind."""
    if not columns:
        return []
    parts = bounded_parts(columns, ColumnArrays(columns, items), np.ones(len(columns), dtype=bool))
    return [part for part, _ in parts]


def bounded_parts(columns: list[Column], a: ColumnArrays,
                alive: np.ndarray) -> list[tuple[list[Column], float]]:
    """components of the ALIVE columns, smallest first, each with its share bound: a bound
    ignoring capacities, where each need earns at most the best share of a column meeting
    it (a cycle's value split evenly among its needs)."""
    binding = (a.loads(alive) > a.room)[a.use_offer] & alive[a.use_column]
    need_column, need_slot = np.nonzero((a.needs >= 0) & alive[:, None])
    left = np.concatenate([need_column, a.use_column[binding]])
    right = len(columns) + np.concatenate([
        a.needs[need_column, need_slot], a.need_count + a.use_offer[binding]])
    size = len(columns) + a.need_count + len(a.room)
    graph = coo_matrix((np.ones(len(left)), (left, right)), shape=(size, size))
    _, labels = connected_components(graph, directed=False)
    share = a.value / (a.needs >= 0).sum(axis=1)
    best = np.zeros(a.need_count)
    np.maximum.at(best, a.needs[need_column, need_slot], share[need_column])
    bounds = np.bincount(labels[len(columns):len(columns) + a.need_count], weights=best,
                         minlength=labels.max() + 1)
    groups: dict[int, list[Column]] = defaultdict(list)
    for j in np.flatnonzero(alive).tolist():
        groups[labels[j]].append(columns[j])
    return sorted(((group, float(bounds[label])) for label, group in groups.items()),
                  key=lambda part: len(part[0]))
