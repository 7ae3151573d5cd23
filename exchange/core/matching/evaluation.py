"""Measure matching against labelled sets: precision@1, recall@5 and mean reciprocal rank.

Each set (tests/data/matching_labelled*.json) lists organisations, offers and needs; for
each need, the offers a broker would propose, best first. An offer not listed counts as
wrong. A need is ranked against the offers of its own file.

So that the figures are honest, needs are split in two:

- **tuning**: about half of matching_labelled.json, chosen by a stable hash of the need's
  id, and every need of a file whose top-level "split" is "tuning"
  (matching_labelled_tuning2.json: Kościerzyna and Chojnice counties, written without
  looking at the scorer's output). Look at these misses when improving the lexicon or the
  scorer.
- **held-out**: the other half of matching_labelled.json, and every need of a file whose
  top-level "split" is "held-out" (matching_labelled_heldout.json, written before the
  scorer was tuned, with its own organisations and offers; matching_labelled_heldout2.json,
  Słupsk and Lębork counties, written later the same way). Do not tune on these.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from exchange.core.matching.features import make_item
from exchange.core.matching.index import MatchIndex

DATA_DIR = Path(__file__).resolve().parents[3] / "tests" / "data"
DATA = DATA_DIR / "matching_labelled.json"
HELD_OUT = DATA_DIR / "matching_labelled_heldout.json"
TUNING_MORE = DATA_DIR / "matching_labelled_tuning2.json"
HELD_OUT_MORE = DATA_DIR / "matching_labelled_heldout2.json"
FILES = (DATA, HELD_OUT, TUNING_MORE, HELD_OUT_MORE)
TUNING, HELD_OUT_SPLIT = "tuning", "held-out"
SPLITS = (TUNING, HELD_OUT_SPLIT)


def split_of(need_id: str, file_split: str | None = None) -> str:
    """The part a need belongs to: its file's, or by a stable hash of its id (about 50/50)."""
    if file_split:
        return file_split
    return HELD_OUT_SPLIT if hashlib.sha256(need_id.encode()).digest()[0] % 2 else TUNING


def load(path: Path = DATA):
    """The labelled offers as Items, and each need with the ids of its relevant offers."""
    data = json.loads(path.read_text(encoding="utf-8"))
    orgs = {o["id"]: o for o in data["organizations"]}
    numbers: dict[str, int] = {}

    def number(key: str) -> int:
        return numbers.setdefault(key, len(numbers) + 1)

    def day(value: str | None) -> date | None:
        return date.fromisoformat(value) if value else None

    def item(entry: dict, kind: str):
        org = orgs[entry["organization"]]
        return make_item(
            id=number(entry["id"]), organization_id=number(org["id"]), kind=kind,
            category=entry["category"], title=entry["title"],
            description=entry.get("description", ""), quantity=entry.get("quantity", 1),
            unit=entry.get("unit", "other"), municipality=entry.get("municipality") or org["municipality"],
            latitude=org.get("latitude"), longitude=org.get("longitude"),
            available_from=day(entry.get("available_from")),
            available_until=day(entry.get("available_until")))

    offers = [item(o, "offer") for o in data["offers"]]
    needs = [(item(n, "need"), [number(r) for r in n["relevant"]],
              {**n, "split": split_of(n["id"], data.get("split")), "file": path.name})
             for n in data["needs"]]
    return offers, needs


@dataclass(frozen=True)
class Outcome:
    """How one need fared: its part, the titles ranked and wanted, and its three measures."""

    need: dict
    split: str
    got: tuple[str, ...]
    want: tuple[str, ...]
    hit: bool
    recall5: float
    reciprocal_rank: float


@lru_cache(maxsize=8)
def outcomes(paths: tuple[Path, ...] = FILES) -> tuple[Outcome, ...]:
    """Index each file's offers, rank them for each of its needs, and compare with the labels."""
    result = []
    for path in paths:
        offers, needs = load(path)
        index = MatchIndex()
        for offer in offers:
            index.add(offer)
        titles = {o.id: o.title for o in offers}
        for need, relevant, raw in needs:
            ranked = [m.offer_id for m in index.offers_for(need, limit=10)]
            rank = next((i + 1 for i, o in enumerate(ranked) if o in relevant), None)
            result.append(Outcome(
                need=raw, split=raw["split"], got=tuple(titles[o] for o in ranked[:3]),
                want=tuple(titles[r] for r in relevant),
                hit=bool(ranked) and ranked[0] in relevant,
                recall5=len(set(ranked[:5]) & set(relevant)) / len(relevant),
                reciprocal_rank=1 / rank if rank else 0.0))
    return tuple(result)


def measures(chosen: list[Outcome] | tuple[Outcome, ...]) -> dict[str, float]:
    n = len(chosen)
    if not n:
        return {"needs": 0, "precision@1": 0.0, "recall@5": 0.0, "mrr": 0.0}
    return {"needs": n, "precision@1": sum(o.hit for o in chosen) / n,
            "recall@5": sum(o.recall5 for o in chosen) / n,
            "mrr": sum(o.reciprocal_rank for o in chosen) / n}


def evaluate(split: str | None = None, paths: tuple[Path, ...] = FILES) -> dict[str, float]:
    """precision@1, recall@5 and MRR over one part (tuning, held-out) or, by default, all."""
    return measures([o for o in outcomes(paths) if split is None or o.split == split])


def misses(split: str = TUNING, paths: tuple[Path, ...] = FILES) -> list[Outcome]:
    """The needs of SPLIT whose first proposal is not one a broker would make."""
    return [o for o in outcomes(paths) if o.split == split and not o.hit]
