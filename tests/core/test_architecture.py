"""The layout the architecture promises, checked on the folders themselves.

exchange/core   the Flask-free domain: takes a session, the acting user and `now`
exchange/infra  database, mail, text search, file formats: imports neither core nor Flask
exchange/http   what the web and the API share (extensions, access rules, i18n, the clock,
                the unit of work, error pages): never the web, the API or the CLI
exchange/web    the pages; exchange/api the JSON API; exchange/cli commands, jobs, demo data
"""
from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from exchange.infra.database import include_in_autogenerate
from models import Base

ROOT = Path(__file__).resolve().parents[2]
EXCHANGE = ROOT / "exchange"
LAYERS = {"core", "infra", "http", "web", "api", "cli"}
# What each layer may import from the others (and itself).
MAY_IMPORT = {
    "core": {"core", "infra"},
    "infra": {"infra"},
    "http": {"http", "core", "infra"},
    "web": {"web", "http", "core", "infra"},
    "api": {"api", "http", "core", "infra"},
    "cli": {"cli", "http", "core", "infra"},
}
FLASK_FREE = {"core", "infra"}
# Data tables, not code: allowed to be long.
LONG_MODULES_ALLOWED = {"exchange/cli/demo.py", "exchange/core/matching/lexicon.py"}
MAX_MODULE_LINES = 500
MAX_FUNCTION_LINES = 60
# The one place an adapter commits: the unit of work.
UNIT_OF_WORK = "exchange/http/unit.py"


def modules() -> list[Path]:
    return sorted(EXCHANGE.rglob("*.py"))


def dotted(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer_of(name: str) -> str | None:
    parts = name.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "exchange" else None


@cache
def known_modules() -> frozenset[str]:
    return frozenset(dotted(p) for p in modules())


@cache
def tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"))


def imports(path: Path) -> set[str]:
    """Every module PATH imports, at the top or inside a function: `from a.b import c` counts
    as a.b.c when that is a module, else as a.b."""
    found = set()
    package = dotted(path) if path.name == "__init__.py" else dotted(path).rpartition(".")[0]
    for node in ast.walk(tree(path)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[:len(anchor) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                found.add(candidate if candidate in known_modules() else base)
    return found


def import_graph() -> dict[str, set[str]]:
    return {dotted(p): {m for m in imports(p) if m in known_modules()} for p in modules()}


def test_exchange_holds_only_the_layers():
    loose = sorted(p.name for p in EXCHANGE.iterdir()
                   if p.name not in LAYERS | {"__init__.py", "translations", "__pycache__"})
    assert loose == []
    assert {p.name for p in EXCHANGE.iterdir() if p.is_dir()} >= LAYERS


def test_each_layer_imports_only_what_it_may():
    offenders = {}
    for path in modules():
        layer = layer_of(dotted(path))
        if layer is None:
            continue
        bad = sorted(m for m in imports(path)
                     if (layer_of(m) and layer_of(m) not in MAY_IMPORT[layer])
                     or (layer in FLASK_FREE and m.split(".")[0].startswith(("flask", "werkzeug"))))
        if bad:
            offenders[str(path.relative_to(ROOT))] = bad
    assert offenders == {}


def test_the_models_never_import_flask_or_the_app():
    offenders = {str(p.relative_to(ROOT)): sorted(imports(p))
                 for p in (ROOT / "models").rglob("*.py")
                 if any(m.startswith(("flask", "werkzeug", "exchange")) for m in imports(p))}
    assert offenders == {}


def test_nothing_outside_the_web_imports_it_but_app_py():
    outside = [ROOT / "app.py", *(ROOT / "config").rglob("*.py"), *(ROOT / "bench").rglob("*.py")]
    offenders = sorted(str(p.relative_to(ROOT)) for p in outside if p.name != "app.py"
                       and any(m.startswith("exchange.web") for m in imports(p)))
    assert offenders == []


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """A cycle in GRAPH as a list of modules, or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_the_cycle_finder_finds_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_no_import_cycles_anywhere():
    assert find_cycle(import_graph()) is None


def test_nothing_imports_another_modules_underscore_names():
    offenders = []
    for path in modules():
        for node in ast.walk(tree(path)):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("exchange"):
                offenders += [f"{path.relative_to(ROOT)}: {node.module}.{a.name}"
                              for a in node.names if a.name.startswith("_")]
    assert offenders == []


def test_modules_and_functions_stay_short():
    long_modules = {str(p.relative_to(ROOT)): n for p in modules()
                    if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
                    and str(p.relative_to(ROOT)) not in LONG_MODULES_ALLOWED}
    long_functions = {f"{p.relative_to(ROOT)}:{node.name}": n
                      for p in modules() for node in ast.walk(tree(p))
                      if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
                      and (n := node.end_lineno - node.lineno + 1) > MAX_FUNCTION_LINES}
    assert (long_modules, long_functions) == ({}, {})


def test_adapters_commit_only_through_the_unit_of_work():
    offenders = []
    for path in modules():
        rel = str(path.relative_to(ROOT))
        if layer_of(dotted(path)) in {"web", "api", "cli", "http"} and rel != UNIT_OF_WORK:
            offenders += [f"{rel}:{node.lineno}" for node in ast.walk(tree(path))
                          if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                          and node.func.attr == "commit"]
    assert offenders == []


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
