"""Matching speed: top-10 offers for a new need among N open listings, index upkeep, clearing.

    .venv/bin/python bench/matching_speed.py [--listings 100000] [--queries 200]

Prints figures; records go in bench/README.md. Synthetic Polish listings come from
bench/generate.py's phrase pools; everything here runs on plain data (no database).
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import CATEGORY_UNITS, CATEGORY_WEIGHTS, MUNICIPALITIES, listing_text  # noqa: E402

from exchange.matching import MatchIndex, make_item  # noqa: E402
from exchange.matching.clearing import clear  # noqa: E402
from exchange.matching.cycles import find_cycles  # noqa: E402


def synthetic(count: int, organizations: int, seed: int):
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
        yield make_item(id=i, organization_id=org + 1, kind=kind, category=category, title=title,
                        description=description, quantity=rng.randint(1, 20),
                        unit=rng.choice(CATEGORY_UNITS[category]), municipality=place[0],
                        latitude=place[3], longitude=place[4])


def percentile(values, q):
    return sorted(values)[min(len(values) - 1, int(q * len(values)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--listings", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()

    started = time.perf_counter()
    items = list(synthetic(args.listings, max(50, args.listings // 50), args.seed))
    analysed = time.perf_counter() - started
    started = time.perf_counter()
    index = MatchIndex()
    for item in items:
        index.add(item)
    built = time.perf_counter() - started
    print(f"{args.listings:,} listings: analysed in {analysed:.1f} s, indexed in {built:.1f} s "
          f"(full rebuild {analysed + built:.1f} s)")

    rng = random.Random(args.seed + 1)
    queries = list(synthetic(args.queries, 500, args.seed + 2))
    needs = [q for q in queries if q.kind == "need"] or queries
    timings = []
    for need in needs:
        need = make_item(id=10**9 + need.id, organization_id=10**6, kind="need",
                         category=need.category, title=need.title, quantity=need.quantity,
                         unit=need.unit, municipality=need.municipality,
                         latitude=need.latitude, longitude=need.longitude)
        t = time.perf_counter()
        index.offers_for(need, 10)
        timings.append((time.perf_counter() - t) * 1000)
    print(f"top-10 offers for a new need ({len(timings)} queries): median "
          f"{statistics.median(timings):.1f} ms, p95 {percentile(timings, 0.95):.1f} ms, "
          f"max {max(timings):.1f} ms")

    t = time.perf_counter()
    for item in rng.sample(items, 1000):
        index.add(item)
    print(f"updating 1,000 listings in the index: {(time.perf_counter() - t) * 1000 / 1000:.2f} ms each")

    # Clearing on an event-sized slice: 5,000 listings of 500 organizations.
    event = list(synthetic(5_000, 500, args.seed + 3))
    event_index = MatchIndex()
    for item in event:
        event_index.add(item)
    t = time.perf_counter()
    matches = [m for n in event if n.kind == "need" for m in event_index.offers_for(n, 5)]
    by_id = {i.id: i for i in event}
    cycles = find_cycles(matches, by_id, max_length=3)
    prepared = time.perf_counter() - t
    t = time.perf_counter()
    result = clear(matches, cycles, by_id)
    print(f"clearing 5,000 listings / 500 organizations: {len(matches):,} candidate gifts, "
          f"{len(cycles):,} cycles (≤ 3) found in {prepared:.1f} s; solved in "
          f"{time.perf_counter() - t:.1f} s, optimal={result.optimal}, gap {result.gap:.2%}, "
          f"{len(result.gifts)} gifts + {len(result.cycles)} cycles, total {result.total:.1f}")


if __name__ == "__main__":
    main()
