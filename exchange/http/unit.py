"""One unit of work for every adapter: what a view, an API call, a job or a command changed is
committed together, or rolled back together when anything in it raises."""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from exchange.core.errors import CONCURRENT_CHANGE, Conflict
from exchange.http.extensions import db


@contextmanager
def unit_of_work(session: Session | None = None) -> Iterator[Session]:
    """Commit what the block did to SESSION (the app's, by default) when it ends; roll back
    and re-raise when it raises, so that a refusal or a crash leaves nothing half-done.

    A row someone else changed meanwhile (a stale version, seen in the block or at commit)
    becomes the core's Conflict, which every adapter already knows how to answer."""
    session = session if session is not None else db.session
    try:
        yield session
        session.commit()
    except StaleDataError as error:
        session.rollback()
        raise Conflict(CONCURRENT_CHANGE) from error
    except BaseException:
        session.rollback()
        raise
