"""Contract history cannot be rewritten or orphaned by any SQL: not by SQLite's REPLACE, not
by deleting its contract, and on PostgreSQL not by the app's own role."""
from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import date

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DatabaseError
from sqlalchemy.orm import Session

from exchange.core import accounts, contracts, listings, organizations
from models import User
from tests.conftest import TEST_PASSWORD


@pytest.fixture
def contract(session, now):
    """A draft between a library and a school: one row of history ("created")."""
    def person(email):
        return accounts.register_user(session, email=email, name=email, password=TEST_PASSWORD,
                                      locale="en", now=now)
    owner, partner = person("lib@example.org"), person("school@example.org")
    library = organizations.create_organization(session, owner, {
        "name": "Biblioteka", "sector": "public", "municipality": "Tczew"}, now)
    school = organizations.create_organization(session, partner, {
        "name": "Szkoła", "sector": "public", "municipality": "Tczew"}, now)
    contract = contracts.create_contract(session, owner, library.id, {
        "parties": [library.id, school.id], "note": "",
        "commitments": [{"giver_id": library.id, "receiver_id": school.id,
                         "what": "Sala na warsztaty", "quantity": 2, "unit": "hours",
                         "due_on": date(2026, 12, 15).isoformat()}]}, now)
    session.commit()
    return contract


def sqlite_shell(engine) -> sqlite3.Connection:
    """A connection as the sqlite3 shell opens one: foreign keys off, no recursive triggers."""
    if engine.dialect.name != "sqlite":
        pytest.skip("REPLACE and foreign-key pragmas are SQLite's; PostgreSQL has neither")
    shell = sqlite3.connect(engine.url.database, isolation_level=None)
    assert shell.execute("PRAGMA foreign_keys").fetchone() == (0,)
    return shell


def history(engine, contract_id):
    with engine.connect() as conn:
        return conn.execute(text("SELECT id, action, changes FROM contract_event "
                                 "WHERE contract_id = :id ORDER BY id"),
                            {"id": contract_id}).all()


@pytest.mark.parametrize("verb", ["REPLACE INTO", "INSERT OR REPLACE INTO"])
def test_sqlite_replace_cannot_rewrite_a_row_of_contract_history(engine, contract, verb):
    before = history(engine, contract.id)
    with closing(sqlite_shell(engine)) as shell:
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            shell.execute(f"{verb} contract_event (id, contract_id, version, action, changes, "
                          "created_at) VALUES (?, ?, 1, 'forged', '{}', '2026-01-01 00:00:00')",
                          (before[0].id, contract.id))
    assert history(engine, contract.id) == before


def test_sqlite_shell_cannot_delete_a_contract_that_has_history(engine, contract):
    before = history(engine, contract.id)
    with closing(sqlite_shell(engine)) as shell:
        with pytest.raises(sqlite3.DatabaseError, match="contract with history"):
            shell.execute("DELETE FROM contract WHERE id = ?", (contract.id,))
    assert history(engine, contract.id) == before


def test_sql_cannot_delete_a_contract_that_has_history(engine, contract):
    """Whatever the foreign keys say: the trigger refuses it by name on both databases."""
    with pytest.raises(DatabaseError, match="contract with history cannot be deleted"):
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM contract WHERE id = :id"), {"id": contract.id})
    with engine.connect() as conn:
        assert conn.scalar(text("SELECT count(*) FROM contract WHERE id = :id"),
                           {"id": contract.id}) == 1


def test_the_app_still_appends_history(session, contract, now):
    before = len(history(session.get_bind(), contract.id))
    contracts.withdraw(session, session.get(User, contract.created_by_id),
                       contract.parties[0].organization_id, contract.id, now)
    session.commit()
    assert len(history(session.get_bind(), contract.id)) == before + 1


def test_the_apps_own_role_writes_rows_but_cannot_disable_or_drop_the_triggers(
        engine, contract, runner, now):
    if engine.dialect.name != "postgresql":
        pytest.skip("roles and GRANTs are PostgreSQL's; SQLite has neither")
    role = f"{engine.url.database}_app"  # roles are per cluster: one per test database
    with engine.begin() as conn:
        conn.exec_driver_sql(f'DROP OWNED BY "{role}"') if conn.scalar(text(
            "SELECT 1 FROM pg_roles WHERE rolname = :role"), {"role": role}) else None
        conn.exec_driver_sql(f'DROP ROLE IF EXISTS "{role}"')
        conn.exec_driver_sql(f'CREATE ROLE "{role}" LOGIN')
    as_app = create_engine(engine.url.set(username=role))
    try:
        result = runner.invoke(args=["db-grant-app-role", role])
        assert result.exit_code == 0, result.output
        before = len(history(engine, contract.id))
        with Session(as_app) as app_session:  # the app's own work: rows, sequences, history
            accounts.register_user(app_session, email="new@example.org", name="Nowa",
                                   password=TEST_PASSWORD, locale="pl", now=now)
            owner = app_session.get(User, contract.created_by_id)
            library_id = contract.parties[0].organization_id
            listings.create_listing(app_session, owner, library_id, {  # and its search index
                "kind": "offer", "category": "rooms", "title": "Sala na 40 osób",
                "quantity": 6, "unit": "hours"}, now)
            contracts.withdraw(app_session, owner, library_id, contract.id, now)
            app_session.commit()
        assert len(history(engine, contract.id)) == before + 1
        refused = {
            "UPDATE contract_event SET action = 'forged'": "append-only",
            "DELETE FROM contract": "contract with history",
            "ALTER TABLE contract_event DISABLE TRIGGER ALL": "must be owner",
            "ALTER TABLE contract DISABLE TRIGGER contract_keeps_history": "must be owner",
            "DROP TRIGGER contract_event_append_only ON contract_event": "must be owner",
            "DROP FUNCTION contract_event_append_only() CASCADE": "must be owner",
            "UPDATE alembic_version SET version_num = version_num": "permission denied",
        }
        for statement, error in refused.items():
            with pytest.raises(DatabaseError, match=error):
                with as_app.begin() as conn:
                    conn.exec_driver_sql(statement)
        assert len(history(engine, contract.id)) == before + 1
    finally:
        as_app.dispose()
        with engine.begin() as conn:
            conn.exec_driver_sql(f'DROP OWNED BY "{role}"')
            conn.exec_driver_sql(f'DROP ROLE "{role}"')


def test_granting_an_app_role_on_sqlite_says_there_are_no_roles(engine, runner):
    if engine.dialect.name != "sqlite":
        pytest.skip("on PostgreSQL the command grants; see the test above")
    result = runner.invoke(args=["db-grant-app-role", "gielda_app"])
    assert result.exit_code == 1 and "PostgreSQL only" in result.output
