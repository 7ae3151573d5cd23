"""gunicorn's settings for Giełda: `gunicorn -c config/gunicorn.py 'app:create_app()'`.

Each worker, once started, loads every open listing into its matching index in the
background (exchange.http.matching.warm_index): the first visitor to ask for proposals
would otherwise wait for it, half a minute with 100,000 listings. Not with --preload:
the index is built after the fork, in each worker, and a thread must not cross a fork.
"""
from __future__ import annotations


def post_worker_init(worker) -> None:
    from exchange.http.matching import warm_index

    warm_index(worker.wsgi)
