"""Counting failed password attempts and e-mailed links, in a store every worker shares.

Each attempt is counted before the password is checked and given back when it was right:
a burst of simultaneous guesses cannot slip past the limit between check and count, and
only failures stay counted. Windows are fixed and short; past the limit the answer says
how long to wait (the owner may log in meanwhile with an e-mailed link).
"""
from __future__ import annotations

import math
import threading
import time
from contextlib import contextmanager, nullcontext
from typing import Iterator

from limits import parse
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

from exchange.core.errors import ValidationError

LOGIN = "login"          # per e-mail address: the web login and POST /api/v1/tokens
PASSWORD = "password"    # per user: the password typed again to sign or to change it
LINK_EMAIL = "link-email"  # login and password reset links asked for, per e-mail address
LINK_IP = "link-ip"        # login and password reset links asked for, per client address
DATA_EXPORT = "data-export"  # downloads of one's own data (RODO/GDPR), per user


class RateLimited(Exception):
    """Too many attempts of KIND; RETRY_AFTER seconds until the window ends."""

    def __init__(self, kind: str, retry_after: int) -> None:
        super().__init__(f"{kind}: retry after {retry_after} s")
        self.kind = kind
        self.retry_after = retry_after


class Attempt:
    """One counted attempt, which ``give_back`` uncounts (it was not a failure)."""

    def __init__(self, limiter: "Attempts", item, identifiers: tuple[str, ...]) -> None:
        self._limiter, self._item, self._identifiers = limiter, item, identifiers
        self._given_back = False

    def give_back(self) -> None:
        if not self._given_back:
            self._given_back = True
            with self._limiter.serial:
                self._limiter.storage.incr(self._item.key_for(*self._identifiers),
                                           self._item.get_expiry(), amount=-1)


class Attempts:
    """Fixed-window counters in the storage STORAGE_URI names (memory://, redis://…)."""

    def __init__(self, storage_uri: str) -> None:
        self.storage = storage_from_string(storage_uri)
        self._window = FixedWindowRateLimiter(self.storage)
        # The memory store of `limits` is not safe for simultaneous hits on a new key: each
        # thread may drop the key's lock and count (its expiry check pops them), so a burst of
        # guesses got one try more than the limit. One lock per process serialises its counting
        # (that store is one process's anyway); Redis counts atomically on its own.
        self.serial = threading.Lock() if storage_uri.startswith("memory") else nullcontext()

    def take(self, limit: str, kind: str, key: object) -> Attempt:
        """Count one attempt of KIND for KEY under LIMIT ("5 per 5 minutes"); refuse past it."""
        item = parse(limit)
        identifiers = (kind, str(key))
        with self.serial:
            if not self._window.hit(item, *identifiers):
                reset, _remaining = self._window.get_window_stats(item, *identifiers)
                raise RateLimited(kind, max(1, math.ceil(reset - time.time())))
        return Attempt(self, item, identifiers)

    @contextmanager
    def password_check(self, limit: str, kind: str, key: object,
                       field: str = "password") -> Iterator[None]:
        """Count the block as an attempt unless it ends well or fails on another rule than
        the password (a ValidationError naming FIELD)."""
        attempt = self.take(limit, kind, key)
        try:
            yield
        except ValidationError as error:
            if field not in error.errors:
                attempt.give_back()
            raise
        except BaseException:
            attempt.give_back()
            raise
        attempt.give_back()

    def clear(self, limit: str, kind: str, key: object) -> None:
        """Forget every attempt of KIND counted for KEY in the current window (e.g. failed
        logins of an address whose owner has just proved it is theirs); other keys keep
        theirs."""
        with self.serial:
            self._window.clear(parse(limit), kind, str(key))

    def reset(self) -> None:
        self.storage.reset()
