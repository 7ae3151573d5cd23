"""Reciprocal and multi-party exchanges: swaps (A ⇄ B) and cycles (A → B → C → A) of organizations.

From pairwise matches (an offer of A serves a need of B) build the graph of organizations and
find every cycle of up to MAX_LENGTH organizations, each hop carried by its best match.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from exchange.core.matching.features import Item
from exchange.core.matching.scoring import Match

MAX_LENGTH = 4


@dataclass(frozen=True)
class Cycle:
    """Organizations in order; hop i is matches[i]: an offer of orgs[i] for a need of orgs[i+1]."""

    organizations: tuple[int, ...]
    matches: tuple[Match, ...]

    @property
    def score(self) -> float:
        return sum(m.score for m in self.matches)

    @property
    def is_swap(self) -> bool:
        return len(self.organizations) == 2


def find_cycles(matches: list[Match], items: dict[int, Item], *,
                max_length: int = MAX_LENGTH, min_score: float = 0.0) -> list[Cycle]:
    """Every simple cycle of 2..MAX_LENGTH organizations, best-scoring first."""
    best: dict[tuple[int, int], Match] = {}
    for match in matches:
        if match.score < min_score:
            continue
        giver = items[match.offer_id].organization_id
        receiver = items[match.need_id].organization_id
        key = (giver, receiver)
        if giver != receiver and (key not in best or match.score > best[key].score):
            best[key] = match
    successors: dict[int, set[int]] = defaultdict(set)
    predecessors: dict[int, set[int]] = defaultdict(set)
    for giver, receiver in best:
        successors[giver].add(receiver)
        predecessors[receiver].add(giver)

    cycles: list[Cycle] = []

    def walk(start: int, path: list[int]) -> None:
        if len(path) >= 2 and start in successors[path[-1]]:
            hops = tuple(best[(path[i], path[(i + 1) % len(path)])] for i in range(len(path)))
            if len({m.need_id for m in hops}) == len(hops):
                cycles.append(Cycle(tuple(path), hops))
        if len(path) == max_length:
            return
        onward = successors[path[-1]]
        if len(path) + 1 == max_length:
            # The last organization must give back to the first: only those are worth a step.
            onward = onward & predecessors[start]
        for nxt in onward:
            if nxt > start and nxt not in path:
                walk(start, path + [nxt])

    # Each cycle is found once: from its smallest organization id.
    for start in sorted(successors):
        walk(start, [start])
    return sorted(cycles, key=lambda c: (-c.score, c.organizations))
