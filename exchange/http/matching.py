"""This process's matching index, kept in step with the database, for the web and the API."""
from __future__ import annotations

import threading
import time

from flask import Flask, current_app

from exchange.core import proposals as core
from exchange.core.matching import MatchIndex
from exchange.http.extensions import db


def _cache(app: Flask) -> tuple[core.IndexCache, threading.Lock]:
    """This process's index cache for APP and the lock its threads take turns with."""
    if "gielda.matching" not in app.extensions:     # setdefault: two threads may get here
        app.extensions.setdefault("gielda.matching", (core.IndexCache(), threading.Lock()))
    return app.extensions["gielda.matching"]


def current_index() -> MatchIndex:
    """This process's matching index for this app, in step with the database."""
    cache, lock = _cache(current_app)
    with lock:
        return cache.sync(db.session)


def warm_index(app: Flask) -> threading.Thread:
    """Load every open listing into this process's index in a thread of its own, so that
    the first visitor to ask for proposals does not wait for it (half a minute with
    100,000 listings); one who asks meanwhile waits only for what is left. For a web
    server's worker once it has started (config/gunicorn.py): never before a fork."""
    def load() -> None:
        with app.app_context():
            started = time.perf_counter()
            try:
                loaded = len(current_index())
            finally:
                db.session.remove()
            app.logger.info("Matching index: %d open listings loaded in %.1f s.", loaded,
                            time.perf_counter() - started)

    thread = threading.Thread(target=load, name="gielda-warm-index", daemon=True)
    thread.start()
    return thread
