"""The layout the architecture promises: a Flask-free core, and migrations that match the models."""
from __future__ import annotations

import ast
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from exchange.infra.database import include_in_autogenerate
from models import Base

ROOT = Path(__file__).resolve().parents[2]
ADAPTERS = {"web", "api", "http", "cli"}


def core_modules() -> list[Path]:
    return [p for p in (ROOT / "exchange").rglob("*.py")
            if p.relative_to(ROOT / "exchange").parts[0] not in ADAPTERS]


def imported_roots(path: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def test_the_core_and_the_models_never_import_flask():
    modules = core_modules() + list((ROOT / "models").rglob("*.py"))
    assert any(p.name == "organizations.py" for p in modules)
    offenders = {str(p.relative_to(ROOT)): sorted(r for r in imported_roots(p) if r.startswith("flask"))
                 for p in modules}
    assert {p: r for p, r in offenders.items() if r} == {}


def test_migrations_match_the_models(engine):
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={
            "compare_type": True, "include_object": include_in_autogenerate})
        assert compare_metadata(context, Base.metadata) == []


def test_migrations_downgrade_and_upgrade_cleanly(tmp_path):
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import inspect, text

    from app import create_app
    from exchange.http.extensions import db

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'm.sqlite3'}")
    with app.app_context():
        upgrade()
        assert {"user", "organization", "membership", "listing", "listing_fts"} <= set(
            inspect(db.engine).get_table_names())
        if db.engine.dialect.name == "sqlite":  # a batch migration must not lose them
            triggers = {row[0] for row in db.session.execute(
                text("SELECT name FROM sqlite_master WHERE type = 'trigger'"))}
            assert {"listing_fts_insert", "listing_fts_update", "listing_fts_delete"} <= triggers
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) == {"alembic_version"}
        upgrade()
        db.engine.dispose()
