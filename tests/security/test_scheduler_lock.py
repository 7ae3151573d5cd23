"""The scheduler's lock: never held by two schedulers, never "idle in transaction", and a
scheduler that lost it runs no more jobs and stops."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import text

from exchange.cli.jobs import (ADVISORY_LOCK_ID, Job, SchedulerLock, SchedulerLockLost,
                           run_scheduler, run_while_locked)

def backend_holding_the_lock(engine) -> int | None:
    with engine.connect() as conn:
        return conn.scalar(text(
            "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND objid = :id AND granted"),
            {"id": ADVISORY_LOCK_ID})


def state_of(engine, pid: int) -> str | None:
    with engine.connect() as conn:
        return conn.scalar(text("SELECT state FROM pg_stat_activity WHERE pid = :pid"),
                           {"pid": pid})


def run_until_stopped(app, lock, calls: list) -> BaseException | None:
    """run_scheduler with one job that records its runs, in a thread; what it raised."""
    probe = Job("probe", lambda session, now: calls.append(now), 1, "Record that it ran.")
    outcome: list[BaseException | None] = []

    def run() -> None:
        try:
            run_scheduler(app, jobs=(probe,), lock=lock)
            outcome.append(None)
        except BaseException as error:
            outcome.append(error)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(timeout=60)
    assert not thread.is_alive(), "the scheduler kept running without its lock"
    return outcome[0]


@pytest.fixture
def postgres(engine):
    if engine.dialect.name != "postgresql":
        pytest.skip("the advisory lock exists on PostgreSQL only; SQLite uses a file lock")
    return engine


@pytest.fixture
def sqlite(engine):
    if engine.dialect.name != "sqlite":
        pytest.skip("the file lock is SQLite's; PostgreSQL uses an advisory lock")
    return engine


def test_the_lock_is_held_on_a_connection_that_is_not_idle_in_transaction(app, postgres):
    lock = SchedulerLock(app)
    assert lock.acquire()
    try:
        pid = backend_holding_the_lock(postgres)
        assert pid is not None
        assert state_of(postgres, pid) == "idle"
        assert lock.is_held()
        assert state_of(postgres, pid) == "idle"  # checking it opens no transaction either
    finally:
        lock.release()
    assert backend_holding_the_lock(postgres) is None


def test_a_scheduler_whose_lock_connection_is_cut_runs_no_more_jobs_and_stops(app, postgres):
    lock = SchedulerLock(app)
    assert lock.acquire()
    try:
        pid = backend_holding_the_lock(postgres)
        with postgres.connect() as conn:
            assert conn.scalar(text("SELECT pg_terminate_backend(:pid, 10000)"), {"pid": pid})
        assert backend_holding_the_lock(postgres) is None
        successor = SchedulerLock(app)
        assert successor.acquire()  # a new scheduler may take the lock now...
        try:
            calls: list = []
            raised = run_until_stopped(app, lock, calls)
            assert isinstance(raised, SchedulerLockLost)
            assert calls == []  # ...so the old one runs nothing
        finally:
            successor.release()
    finally:
        lock.release()
    again = SchedulerLock(app)
    assert again.acquire()
    again.release()


def test_a_scheduler_holding_its_lock_runs_its_jobs(app):
    lock = SchedulerLock(app)
    assert lock.acquire()
    calls, stops = [], []
    probe = Job("probe", lambda session, now: calls.append(now), 1, "Record that it ran.")
    try:
        run_while_locked(app, probe, lock, lambda: stops.append(1))
        run_while_locked(app, probe, lock, lambda: stops.append(1))
    finally:
        lock.release()
    assert len(calls) == 2 and stops == []


def test_a_scheduler_whose_lock_file_was_removed_runs_no_more_jobs_and_stops(app, sqlite):
    lock = SchedulerLock(app)
    assert lock.acquire()
    try:
        lock._path.unlink()  # e.g. a cleanup of the instance folder
        successor = SchedulerLock(app)
        assert successor.acquire()  # a new scheduler can lock a new file of that name...
        try:
            calls: list = []
            assert isinstance(run_until_stopped(app, lock, calls), SchedulerLockLost)
            assert calls == []  # ...so the old one runs nothing
        finally:
            successor.release()
    finally:
        lock.release()


def test_the_scheduler_command_exits_non_zero_when_the_lock_is_lost(app, runner, monkeypatch):
    from exchange.cli import jobs

    def lose_the_lock(app_):
        raise SchedulerLockLost("the scheduler lock was lost")

    monkeypatch.setattr(jobs, "run_scheduler", lose_the_lock)
    result = runner.invoke(args=["scheduler"])
    assert result.exit_code == 1
