"""Work shared out among forked processes, which inherit what the parent has built.

Only for command-line work (a full rebuild, an export): forking a process that runs other
threads, such as a web server's, can copy a lock some thread holds at that moment.
"""
from __future__ import annotations

import gc
import multiprocessing
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

Part = TypeVar("Part")
Result = TypeVar("Result")

_forked: tuple[Callable[[Any], list[Any]], Sequence[Any]] | None = None   # what children inherit


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def forked_map(work: Callable[[Part], list[Result]], parts: Sequence[Part],
               workers: int) -> list[Result]:
    """WORK(part) for every part by WORKERS forked processes, results joined in order.

    Neither WORK nor the parts are pickled: children inherit them; only results come back."""
    global _forked
    _forked = work, parts
    # What the parent holds is left out of the children's garbage collections: their
    # passes over it would copy every page it sits on (copy-on-write) and take long.
    gc.freeze()
    collecting = gc.isenabled()
    gc.disable()   # nor do the parent's collections pass over the results coming back
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            done = pool.map(_run, range(len(parts)), chunksize=1)
    finally:
        _forked = None
        gc.unfreeze()
        if collecting:
            gc.enable()
    return [result for part in done for result in part]


def _run(position: int) -> list[Any]:
    gc.disable()   # a child lives for this work only, and makes nothing cyclic
    work, parts = _forked
    return work(parts[position])


SPANS_PER_WORKER = 16


def spans(count: int, workers: int) -> list[tuple[int, int]]:
    """COUNT items cut in SPANS_PER_WORKER spans per worker: when the last span is done,
    the other workers are at most about one short span from the end."""
    step = max(1, -(-count // (SPANS_PER_WORKER * workers)))
    return [(start, min(count, start + step)) for start in range(0, count, step)]
