"""Matching quality on the labelled set in tests/data/: precision@1, recall@5 and MRR.

    .venv/bin/python bench/matching_quality.py [--show-misses]
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from exchange.matching.evaluation import evaluate  # noqa: E402

if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--show-misses", action="store_true")
    args = parser.parse_args()
    result = evaluate(show_misses=args.show_misses)
    print(f"needs {result['needs']}  precision@1 {result['precision@1']:.3f}  "
          f"recall@5 {result['recall@5']:.3f}  MRR {result['mrr']:.3f}")
