"""Matching speed: top-10 offers for a new need among N open listings, index upkeep, a full
rebuild (index and every need's proposals), and clearing with cycles of up to 3.

    .venv/bin/python bench/matching_speed.py [--listings 100000] [--queries 200]
        [--skip-large-clearing]

Prints figures; records go in bench/README.md. Synthetic Polish listings come from
bench/generate.py's phrase pools; everything here runs on plain data (no database:
bench/matching_api.py measures the same through the API and `flask matching rebuild`'s work
on a database). Clearing runs twice: an event of 5,000 listings of 500 organizations (time
limit 10 s), and 100,000 listings of 10,000 organizations, the same ten listings per
organization (time limit 5 s); each with the greedy baseline and the LP relaxation's bound.
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import CATEGORY_UNITS, CATEGORY_WEIGHTS, MUNICIPALITIES, listing_text

from exchange.core.matching import MatchIndex, make_item
from exchange.core.matching.features import make_items
from exchange.core.matching.clearing import clear, greedy, lp_bound
from exchange.core.matching.cycles import find_cycles


def listings(count: int, organizations: int, seed: int):
    """make_item's arguments for COUNT synthetic listings of ORGANIZATIONS organizations."""
    rng = random.Random(seed)
    categories = list(CATEGORY_WEIGHTS)
    weights = [CATEGORY_WEIGHTS[c] for c in categories]
    places = [rng.choices(MUNICIPALITIES, weights=[m[2] for m in MUNICIPALITIES])[0]
              for _ in range(organizations)]
    for i in range(1, count + 1):
        org = rng.randrange(organizations)
        place = places[org]
        category = rng.choices(categories, weights=weights)[0]
        kind = "offer" if rng.random() < 0.55 else "need"
        title, description = listing_text(rng, category, kind, place)
        yield {"id": i, "organization_id": org + 1, "kind": kind, "category": category,
               "title": title, "description": description, "quantity": rng.randint(1, 20),
               "unit": rng.choice(CATEGORY_UNITS[category]), "municipality": place[0],
               "latitude": place[3], "longitude": place[4]}


def synthetic(count: int, organizations: int, seed: int):
    return (make_item(**fields) for fields in listings(count, organizations, seed))


def percentile(values, q):
    return sorted(values)[min(len(values) - 1, int(q * len(values)))]


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def query_timings(index: MatchIndex, queries: list[dict], *, with_description: bool) -> list[float]:
    timings = []
    for fields in queries:
        need = make_item(**{**fields, "id": 10**9 + fields["id"], "organization_id": 10**6,
                            "description": fields["description"] if with_description else ""})
        t = time.perf_counter()
        index.offers_for(need, 10)
        timings.append((time.perf_counter() - t) * 1000)
    return timings


def clearing(count: int, organizations: int, seed: int, time_limit: float) -> None:
    """Prepare candidates (top 5 per need, cycles ≤ 3), then greedy, clearing and LP bound.

    The clearing's time is that of `clear()` alone, given the candidate gifts and cycles:
    what the issue's 10 s / 5 s are about. Finding the candidates (the index's top 5 per
    need) and the cycles is timed and printed apart, and so are the greedy baseline and the
    LP bound, which the clearing does not need."""
    event = list(synthetic(count, organizations, seed))
    event_index = MatchIndex()
    for item in event:
        event_index.add(item)
    by_id = {i.id: i for i in event}
    t = time.perf_counter()
    matches = event_index.all_offers(5)
    proposed = time.perf_counter() - t
    t = time.perf_counter()
    cycles = find_cycles(matches, by_id, max_length=3)
    cycled = time.perf_counter() - t
    t = time.perf_counter()
    baseline = greedy(matches, cycles, by_id)
    greedy_seconds = time.perf_counter() - t
    started_load = load()
    t = time.perf_counter()
    result = clear(matches, cycles, by_id, time_limit=time_limit)
    solved = time.perf_counter() - t
    t = time.perf_counter()
    lp = lp_bound(matches, cycles, by_id)
    bound = min(lp, result.bound)
    bounded = time.perf_counter() - t
    print(f"clearing {count:,} listings / {organizations:,} organizations (load {started_load}): "
          f"{len(matches):,} candidate gifts found in {proposed:.1f} s, {len(cycles):,} cycles "
          f"(≤ 3) in {cycled:.1f} s — neither counted in the clearing's time")
    print(f"  greedy {baseline.total:.1f} in {greedy_seconds:.1f} s "
          f"({(bound - baseline.total) / bound:.2%} below the LP bound)")
    print(f"  clear() {result.total:.1f} in {solved:.2f} s (limit {time_limit:.0f} s, given the "
          f"candidates), optimal={result.optimal}, {len(result.gifts):,} gifts + "
          f"{len(result.cycles):,} cycles; {(result.total - baseline.total) / baseline.total:+.2%} "
          f"on greedy")
    print(f"  LP bound {lp:.1f} (computed apart in {bounded:.1f} s), clear()'s own bound "
          f"{result.bound:.1f} (gap {result.gap:.2%}): gap to the lower of the two "
          f"{(bound - result.total) / bound:.2%}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--listings", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--skip-large-clearing", action="store_true")
    args = parser.parse_args()
    print(f"matching speed, {os.cpu_count()} CPUs, load average {load()}")

    fields = list(listings(args.listings, max(50, args.listings // 50), args.seed))
    started = time.perf_counter()
    items = make_items(fields, workers=os.cpu_count() or 1)
    analysed = time.perf_counter() - started
    started = time.perf_counter()
    index = MatchIndex()
    for item in items:
        index.add(item)
    built = time.perf_counter() - started
    started = time.perf_counter()
    proposals = index.all_offers(5)
    proposed = time.perf_counter() - started
    needs = sum(1 for item in items if item.kind == "need")
    print(f"{args.listings:,} listings: analysed in {analysed:.1f} s, indexed in {built:.1f} s, "
          f"top-5 offers for each of {needs:,} needs ({len(proposals):,} proposals) in "
          f"{proposed:.1f} s: full rebuild {analysed + built + proposed:.1f} s (load {load()})")

    queries = [q for q in listings(args.queries, 500, args.seed + 2) if q["kind"] == "need"]
    for with_description in (False, True):
        timings = query_timings(index, queries, with_description=with_description)
        print(f"top-10 offers for a new need, {'title and description' if with_description else 'title only'} "
              f"({len(timings)} queries): median {statistics.median(timings):.1f} ms, "
              f"p95 {percentile(timings, 0.95):.1f} ms, max {max(timings):.1f} ms")

    rng = random.Random(args.seed + 1)
    t = time.perf_counter()
    for item in rng.sample(items, 1000):
        index.add(item)
    print(f"updating 1,000 listings in the index: {(time.perf_counter() - t) * 1000 / 1000:.2f} ms each")

    clearing(5_000, 500, args.seed + 3, 10.0)
    if not args.skip_large_clearing:
        clearing(100_000, 10_000, args.seed + 4, 5.0)


if __name__ == "__main__":
    main()
