"""The one clock: views, the API, jobs and the CLI ask it for `now`; the core is handed it.

An app reads the system clock unless its config holds a ``CLOCK`` (a callable returning an
aware UTC datetime): the tests freeze every app at one moment with a FrozenClock, and a job
replayed from the command line runs at the ``--now`` it is given.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from flask import current_app, has_app_context


def system_now() -> datetime:
    return datetime.now(timezone.utc)


def utcnow() -> datetime:
    """Now in UTC: the current app's CLOCK when it has one, else the system clock."""
    if has_app_context():
        clock = current_app.config.get("CLOCK")
        if clock is not None:
            return clock()
    return system_now()


class FrozenClock:
    """A clock that stands still at AT until it is moved (tests, replays)."""

    def __init__(self, at: datetime) -> None:
        self.set(at)

    def __call__(self) -> datetime:
        return self.at

    def set(self, at: datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("a frozen clock needs an aware datetime")
        self.at = at.astimezone(timezone.utc)

    def advance(self, by: timedelta) -> datetime:
        self.at += by
        return self.at

    def __repr__(self) -> str:
        return f"<FrozenClock {self.at.isoformat()}>"
