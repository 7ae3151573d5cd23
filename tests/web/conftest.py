"""Fixtures shared by the web tests."""
from __future__ import annotations

from contextlib import contextmanager

import pytest


@pytest.fixture
def recorded_sql(app):
    """`with recorded_sql() as statements:` lists the SQL statements run inside the block."""
    from sqlalchemy import event as sa_event

    from exchange.http.extensions import db

    with app.app_context():
        engine = db.engine

    @contextmanager
    def recording():
        statements: list[str] = []

        def record(conn, cursor, statement, *args):
            statements.append(statement)

        sa_event.listen(engine, "before_cursor_execute", record)
        try:
            yield statements
        finally:
            sa_event.remove(engine, "before_cursor_execute", record)

    return recording


@pytest.fixture
def pair(session, make_user, make_org, now):
    from exchange.core.listings import create_listing

    library_owner, school_owner = make_user("b@example.org"), make_user("s@example.org")
    library = make_org(library_owner, name="Biblioteka", sector="public", municipality="Tczew")
    school = make_org(school_owner, name="Szkoła Podstawowa nr 3", sector="public",
                      municipality="Tczew")
    need = create_listing(session, library_owner, library.id, {
        "kind": "need", "category": "computer_labs", "title": "Potrzebna pracownia komputerowa",
        "description": "Kurs dla seniorów, 12 osób.", "quantity": 6, "unit": "hours"}, now)
    lab = create_listing(session, school_owner, school.id, {
        "kind": "offer", "category": "computer_labs",
        "title": "Pracownia komputerowa na 20 stanowisk", "quantity": 20, "unit": "hours"}, now)
    session.commit()
    return {"library_owner": library_owner, "school_owner": school_owner, "library": library,
            "school": school, "need": need, "lab": lab}
