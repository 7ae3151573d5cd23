"""Database connection settings that must hold on every connection, in every process."""
from __future__ import annotations

import sqlite3

from sqlalchemy import event
from sqlalchemy.engine import Engine


@event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection, _record) -> None:
    """Turn on foreign keys, WAL and a busy timeout for every SQLite connection."""
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    # WAL lets readers go on while one writer writes; in-memory databases keep "memory".
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


# Search structures the migrations create by hand, per database; not in the models.
HAND_MADE = ("listing_fts", "ix_listing_search")


def include_in_autogenerate(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic's include_object: leave the hand-made search structures alone."""
    return not (name and name.startswith(HAND_MADE))
