"""Where a proposal stops being worth showing: the precision of the proposals shown (the top
three offers for each need) by score, on every labelled set in tests/data/.

For each candidate floor it prints how many proposals would be shown above it and what share
of them a person labelled relevant, and how many labelled-relevant ones fall below it. The
floor used by exchange/core/proposals.py (WEAK_BELOW) is the lowest band edge from which
every band is right at least half of the time; below it proposals are shown apart, as weak.

    .venv/bin/python bench/proposal_floor.py
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    sys.path.insert(0, str(ROOT))
    from exchange.core.matching.evaluation import FILES, load
    from exchange.core.matching.index import MatchIndex
    from exchange.core.proposals import WEAK_BELOW

    scored = []  # (score, relevant?) for each need's top three offers
    for path in FILES:
        offers, needs = load(path)
        index = MatchIndex()
        for offer in offers:
            index.add(offer)
        for need, relevant, _raw in needs:
            scored.extend((m.score, m.offer_id in relevant)
                          for m in index.offers_for(need, limit=3))
    print(f"{len(scored)} proposals shown for the labelled needs; "
          f"{sum(r for _, r in scored)} of them relevant")
    print(f"{'band':>11}  {'shown':>5}  {'relevant':>8}  {'precision':>9}")
    edges = [0.0, 0.1, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7, 1.01]
    for low, high in zip(edges, edges[1:]):
        band = [r for s, r in scored if low <= s < high]
        if band:
            print(f"{low:.2f}–{min(high, 1):.2f}  {len(band):>5}  {sum(band):>8}  "
                  f"{sum(band) / len(band):>9.0%}")
    above = [r for s, r in scored if s >= WEAK_BELOW]
    below = [r for s, r in scored if s < WEAK_BELOW]
    print(f"floor {WEAK_BELOW}: above it {len(above)} shown, precision "
          f"{sum(above) / max(len(above), 1):.0%}; below it {len(below)} set apart as weak, "
          f"{sum(below)} of them relevant ({sum(below) / max(len(below), 1):.0%})")


if __name__ == "__main__":
    main()
