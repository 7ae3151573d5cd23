"""Measure matching against a labelled set: precision@1, recall@5 and mean reciprocal rank.

The set (tests/data/matching_labelled.json) lists, for each need, the offers a broker
would propose, best first; an offer not listed counts as wrong.
"""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from exchange.matching.features import make_item
from exchange.matching.index import MatchIndex

DATA = Path(__file__).resolve().parents[2] / "tests" / "data" / "matching_labelled.json"


def load(path: Path = DATA):
    """The labelled offers as Items, and each need with the ids of its relevant offers."""
    data = json.loads(path.read_text(encoding="utf-8"))
    orgs = {o["id"]: o for o in data["organizations"]}
    numbers: dict[str, int] = {}

    def number(key: str) -> int:
        return numbers.setdefault(key, len(numbers) + 1)

    def item(entry: dict, kind: str):
        org = orgs[entry["organization"]]
        day = lambda v: date.fromisoformat(v) if v else None  # noqa: E731
        return make_item(
            id=number(entry["id"]), organization_id=number(org["id"]), kind=kind,
            category=entry["category"], title=entry["title"],
            description=entry.get("description", ""), quantity=entry.get("quantity", 1),
            unit=entry.get("unit", "other"), municipality=entry.get("municipality") or org["municipality"],
            latitude=org.get("latitude"), longitude=org.get("longitude"),
            available_from=day(entry.get("available_from")),
            available_until=day(entry.get("available_until")))

    offers = [item(o, "offer") for o in data["offers"]]
    needs = [(item(n, "need"), [number(r) for r in n["relevant"]], n) for n in data["needs"]]
    return offers, needs


def evaluate(path: Path = DATA, show_misses: bool = False) -> dict[str, float]:
    """Index the set's offers, rank them for each need, and compare with the labels."""
    offers, needs = load(path)
    index = MatchIndex()
    for offer in offers:
        index.add(offer)
    titles = {o.id: o.title for o in offers}
    p1 = r5 = mrr = 0.0
    for need, relevant, raw in needs:
        ranked = [m.offer_id for m in index.offers_for(need, limit=10)]
        p1 += bool(ranked) and ranked[0] in relevant
        r5 += len(set(ranked[:5]) & set(relevant)) / len(relevant)
        rank = next((i + 1 for i, o in enumerate(ranked) if o in relevant), None)
        mrr += 1 / rank if rank else 0
        if show_misses and (not ranked or ranked[0] not in relevant):
            print(f"- {raw['id']} {raw['title']!r}\n    got: {[titles[o] for o in ranked[:3]]}\n"
                  f"    want: {[titles[r] for r in relevant]}")
    n = len(needs)
    return {"needs": n, "precision@1": p1 / n, "recall@5": r5 / n, "mrr": mrr / n}
