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


@event.listens_for(Engine, "savepoint")
def _savepoint_inside_a_transaction(connection, _name) -> None:
    """Open the SQLite transaction a SAVEPOINT would otherwise open, and commit, by itself.

    Python's sqlite3 begins a transaction only before INSERT, UPDATE or DELETE, so that reads
    take no lock until the first write. A SAVEPOINT sent before any of them starts SQLite's
    own transaction, and its RELEASE then commits everything so far: the rest of the unit of
    work could still fail or roll back, leaving half of it saved. IMMEDIATE, because a
    savepoint is there to guard a write: waiting for the write lock now (busy_timeout) is
    what the first INSERT would do anyway.
    """
    dbapi_connection = connection.connection.dbapi_connection
    if isinstance(dbapi_connection, sqlite3.Connection) and not dbapi_connection.in_transaction:
        dbapi_connection.execute("BEGIN IMMEDIATE")


# Search structures the migrations create by hand, per database; not in the models.
HAND_MADE = ("listing_fts", "ix_listing_search")


def include_in_autogenerate(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic's include_object: leave the hand-made search structures alone."""
    return not (name and name.startswith(HAND_MADE))


# Tables whose rows, once written, the database itself refuses to change or delete.
APPEND_ONLY = ("contract_event",)


def append_only_triggers(dialect: str, table: str) -> list[str]:
    """DDL making TABLE append-only on DIALECT ("sqlite" or "postgresql")."""
    message = f"{table} is append-only: rows cannot be changed or deleted"
    if dialect == "sqlite":
        return [f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
                for verb in ("UPDATE", "DELETE")]
    return [
        f"CREATE OR REPLACE FUNCTION {table}_append_only() RETURNS trigger LANGUAGE plpgsql AS "
        f"$$ BEGIN RAISE EXCEPTION '{message}'; END $$",
        f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION {table}_append_only()",
        f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {table}_append_only()",
    ]


def drop_append_only_triggers(dialect: str, table: str) -> list[str]:
    if dialect == "sqlite":
        return [f"DROP TRIGGER IF EXISTS {table}_no_{verb}" for verb in ("update", "delete")]
    return [f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}",
            f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}",
            f"DROP FUNCTION IF EXISTS {table}_append_only()"]


# append_only_triggers stays as migration 0006 ran it; migration 0010 added these beside it.
HISTORY_MESSAGE = "contract_event is append-only: rows cannot be replaced"
KEEPS_HISTORY_MESSAGE = "a contract with history cannot be deleted"


def history_guard_triggers(dialect: str) -> list[str]:
    """DDL that keeps contract history whatever SQL is run: no REPLACE over a row of it
    (SQLite), no deleting a contract that has it (both, foreign keys on or off)."""
    if dialect == "sqlite":
        return [
            # REPLACE deletes the row in its way without firing delete triggers (unless
            # recursive_triggers is on, which no sqlite3 shell turns on), then inserts.
            "CREATE TRIGGER contract_event_no_replace BEFORE INSERT ON contract_event "
            "WHEN EXISTS (SELECT 1 FROM contract_event WHERE id = NEW.id) "
            f"BEGIN SELECT RAISE(ABORT, '{HISTORY_MESSAGE}'); END",
            "CREATE TRIGGER contract_keeps_history BEFORE DELETE ON contract "
            "WHEN EXISTS (SELECT 1 FROM contract_event WHERE contract_id = OLD.id) "
            f"BEGIN SELECT RAISE(ABORT, '{KEEPS_HISTORY_MESSAGE}'); END",
        ]
    # PostgreSQL has no REPLACE; INSERT ... ON CONFLICT DO UPDATE meets the update trigger.
    return [
        "CREATE OR REPLACE FUNCTION contract_keeps_history() RETURNS trigger "
        "LANGUAGE plpgsql AS $$ BEGIN "
        "IF EXISTS (SELECT 1 FROM contract_event WHERE contract_id = OLD.id) THEN "
        f"RAISE EXCEPTION '{KEEPS_HISTORY_MESSAGE}'; END IF; RETURN OLD; END $$",
        "CREATE TRIGGER contract_keeps_history BEFORE DELETE ON contract "
        "FOR EACH ROW EXECUTE FUNCTION contract_keeps_history()",
    ]


def drop_history_guard_triggers(dialect: str) -> list[str]:
    if dialect == "sqlite":
        return ["DROP TRIGGER IF EXISTS contract_event_no_replace",
                "DROP TRIGGER IF EXISTS contract_keeps_history"]
    return ["DROP TRIGGER IF EXISTS contract_keeps_history ON contract",
            "DROP FUNCTION IF EXISTS contract_keeps_history()"]


def app_role_grants(role: str, schema: str = "public") -> list[str]:
    """GRANTs (PostgreSQL) for the role the app connects as: rows, never the schema.

    ROLE and SCHEMA are quoted identifiers. Run by the role that owns the tables (the one that
    runs `flask db upgrade`): the app's role then cannot ALTER, DISABLE TRIGGER or DROP
    anything, so the triggers keeping contract history hold against the app itself. The
    default privileges cover the tables later migrations create.
    """
    return [
        f"GRANT USAGE ON SCHEMA {schema} TO {role}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {role}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {role}",
        # The migrations' own bookkeeping is the owner's to change.
        f"REVOKE INSERT, UPDATE, DELETE ON TABLE {schema}.alembic_version FROM {role}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} "
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT USAGE, SELECT ON SEQUENCES TO {role}",
    ]
