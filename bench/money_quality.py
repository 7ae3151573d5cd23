"""How well the no-money rule tells payments from honest texts, on the labelled texts of
tests/data/money_sentences.json: the tuning part, the held-out part (never tuned on) and both.

For payments: how many are refused outright (certain), refused or warned, and passed.
For honest texts: how many pass, are warned (the author confirms "this is not a payment")
and are refused outright; "allow" texts that get a warning are counted too.

    .venv/bin/python bench/money_quality.py [--show-misses]

--show-misses lists the tuning part's misses only: once the held-out part's misses guide a
change, it is no longer held out.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "money_sentences.json"
PARTS = ("tuning", "heldout")


def sentences(part: str | None = None) -> list[dict]:
    rows = json.loads(DATA.read_text(encoding="utf-8"))["sentences"]
    return [row for row in rows if part is None or row["part"] == part]


def evaluate(part: str | None = None) -> dict:
    """Counts and rates for PART (None: both parts)."""
    from exchange.core.money import Level, check_money

    result = {"pay": 0, "pay_refused": 0, "pay_warned": 0, "pay_passed": 0,
              "honest": 0, "honest_passed": 0, "honest_warned": 0, "honest_refused": 0,
              "allow_warned": 0, "misses": []}
    for row in sentences(part):
        verdict = check_money(row["text"])
        level = verdict.level if verdict else None
        got = {Level.CERTAIN: "refused", Level.AMBIGUOUS: "warned", None: "passed"}[level]
        result[row["label"]] += 1
        result[f"{row['label']}_{got}"] += 1
        wrong = ((row["label"] == "pay" and got != "refused")
                 or (row["label"] == "honest" and got == "refused")
                 or (row["label"] == "honest" and row["expect"] == "allow" and got == "warned"))
        if row["label"] == "honest" and row["expect"] == "allow" and got == "warned":
            result["allow_warned"] += 1
        if wrong:
            result["misses"].append((row, got, verdict.fragment if verdict else None))
    pay, honest = result["pay"] or 1, result["honest"] or 1
    result["pay_refused_rate"] = result["pay_refused"] / pay
    result["pay_caught_rate"] = (result["pay_refused"] + result["pay_warned"]) / pay
    result["honest_refused_rate"] = result["honest_refused"] / honest
    result["honest_warned_rate"] = result["honest_warned"] / honest
    # Precision of a refusal: of the refused texts, how many were payments.
    refused = result["pay_refused"] + result["honest_refused"]
    result["refusal_precision"] = result["pay_refused"] / refused if refused else 1.0
    return result


def main() -> None:
    sys.path.insert(0, str(ROOT))
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--show-misses", action="store_true",
                        help="list the tuning part's misses")
    args = parser.parse_args()
    if args.show_misses:
        for row, got, fragment in evaluate("tuning")["misses"]:
            print(f"- {row['id']} {row['label']}/{row['expect']} → {got} {fragment!r}: {row['text']}")
    for name, part in (("tuning", "tuning"), ("held-out", "heldout"), ("all", None)):
        r = evaluate(part)
        print(f"{name:<8} payments {r['pay']:>3}: refused {r['pay_refused_rate']:.1%}, "
              f"refused or warned {r['pay_caught_rate']:.1%}, passed {r['pay_passed']}  |  "
              f"honest {r['honest']:>3}: passed {r['honest_passed']}, warned {r['honest_warned']} "
              f"({r['allow_warned']} of them meant to pass), refused {r['honest_refused']} "
              f"({r['honest_refused_rate']:.1%})  |  refusal precision {r['refusal_precision']:.1%}")


if __name__ == "__main__":
    main()
