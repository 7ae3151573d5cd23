"""Matching quality on the labelled sets in tests/data/: precision@1, recall@5 and MRR.

Reports the tuning part, the held-out part (not to be tuned on) and both together; see
exchange/core/matching/evaluation.py for how the needs are split.

    .venv/bin/python bench/matching_quality.py [--show-misses [tuning|held-out]]

--show-misses lists the tuning part's misses; asking for the held-out part's spends it:
once its misses have guided a change, it is no longer held out.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    sys.path.insert(0, str(ROOT))
    from exchange.core.matching.evaluation import SPLITS, TUNING, evaluate, misses

    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--show-misses", nargs="?", const=TUNING, choices=SPLITS,
                        metavar="PART", help="list the misses of PART (default: tuning)")
    args = parser.parse_args()
    if args.show_misses:
        for miss in misses(args.show_misses):
            print(f"- {miss.need['id']} ({miss.need['file']}) {miss.need['title']!r}\n"
                  f"    got: {list(miss.got)}\n    want: {list(miss.want)}")
    for name, split in ((TUNING, TUNING), ("held-out", "held-out"), ("all", None)):
        result = evaluate(split)
        print(f"{name:<9} needs {result['needs']:>3}  precision@1 {result['precision@1']:.3f}  "
              f"recall@5 {result['recall@5']:.3f}  MRR {result['mrr']:.3f}")


if __name__ == "__main__":
    main()
