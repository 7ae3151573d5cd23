"""The no-money rule on the labelled texts (tests/data/money_sentences.json): the floors it
reaches on the held-out part, which it was never tuned on (see bench/money_quality.py)."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench" / "money_quality.py"


@pytest.fixture(scope="module")
def quality():
    spec = importlib.util.spec_from_file_location("money_quality", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_labelled_set_is_large_enough_and_split(quality):
    rows = quality.sentences()
    for label in ("honest", "pay"):
        assert sum(r["label"] == label for r in rows) >= 110
        assert sum(r["label"] == label and r["part"] == "heldout" for r in rows) >= 40
    assert {r["expect"] for r in rows if r["label"] == "honest"} == {"allow", "warn"}
    assert len({r["text"] for r in rows}) == len(rows)


def test_held_out_floors(quality):
    result = quality.evaluate("heldout")
    assert result["pay_caught_rate"] >= 0.95      # refused or warned
    assert result["pay_refused_rate"] >= 0.90     # refused outright
    assert result["honest_refused_rate"] <= 0.03  # honest texts refused outright
    # Texts meant to pass outright are rarely warned.
    allow = sum(r["label"] == "honest" and r["expect"] == "allow"
                for r in quality.sentences("heldout"))
    assert result["allow_warned"] <= 0.10 * allow


def test_tuning_floors(quality):
    result = quality.evaluate("tuning")
    assert result["pay_caught_rate"] >= 0.95
    assert result["pay_refused_rate"] >= 0.90
    assert result["honest_refused_rate"] <= 0.03
