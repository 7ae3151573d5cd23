"""The scheduler: one process holds the lock, a second copy waits; jobs are listed once."""
from __future__ import annotations

from exchange.cli.jobs import JOBS, SchedulerLock


def test_only_one_scheduler_holds_the_lock(app):
    first, second = SchedulerLock(app), SchedulerLock(app)
    assert first.acquire()
    try:
        assert not second.acquire()
    finally:
        first.release()
    assert second.acquire()
    second.release()


def test_jobs_have_stable_unique_ids():
    ids = [job.id for job in JOBS]
    assert len(ids) == len(set(ids)) and "expire-listings" in ids
