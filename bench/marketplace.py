"""Benchmark of the marketplace (/listings/) with many listings, on SQLite and PostgreSQL.

    .venv/bin/python bench/marketplace.py [--listings 100000] [--runs 50] [--only sqlite]
        [--variant as-is|before|likely-only|selectin-only|likely-noq] [--sqlite-stats none|analyze]
        [--profile] [--regenerate]

For each database: generate the data with bench/generate.py (or reuse it when its marker
matches the same size, seed, generator, text search and migrations), then time

  core  db.paginate(marketplace_query(db.session, …), page=1, per_page=20): the page's
        rows and the count, in an app context of its own (as a request has);
  page  GET /listings/?… through Flask's test client, the whole request: routing, the query,
        the count, the municipalities for the filter, lazy loads, and the template.

It prints median, p95 and max in milliseconds per scenario and database, with the number of
matching listings, the SQL time and statement count of one page, and the query plan of the
main scenario. This is a benchmark that prints figures, not a test: nothing fails on a slow
figure (a non-200 response does stop it). Results also go to bench/out/results-<db>.json.
"""
from __future__ import annotations

import argparse
import cProfile
import io
import json
import math
import os
import platform
import pstats
import statistics
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlencode

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
for path in (str(ROOT), str(BENCH)):
    if path not in sys.path:
        sys.path.insert(0, path)

import generate  # noqa: E402  (bench/generate.py)
import variants  # noqa: E402  (bench/variants.py)

OUT = BENCH / "out"
DEFAULT_SQLITE = OUT / "bench.sqlite3"
DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/bench"
TARGET_MS = 100.0

# (name, query-string filters). The first is the requirement's "text query and a filter".
SCENARIOS: list[tuple[str, dict[str, str]]] = [
    ("q + category (main)", {"q": "sala konferencyjna", "category": "rooms"}),
    ("kind=need + q", {"kind": "need", "q": "wolontariuszy"}),
    ("sector + municipality + q", {"sector": "ngo", "municipality": "Gdańsk", "q": "szkolenie"}),
    ("inflected, no diacritics", {"q": "swietlicy"}),
    ("inflected + kind", {"q": "sali", "kind": "offer"}),
    ("rare word + category", {"q": "kajaki", "category": "equipment"}),
    ("common word, no filter", {"q": "pomoc"}),
    ("no q, category", {"category": "equipment"}),
    ("no q, municipality, expiring", {"municipality": "Tczew", "sort": "expiring"}),
    ("no q, no filter", {}),
]
MAIN = 0


def log(message: str = "") -> None:
    print(message, flush=True)


def banner(message: str) -> None:
    line = "!" * 78
    log(f"\n{line}\n!!! {message}\n{line}")


def stats(times: list[float]) -> dict[str, float]:
    ordered = sorted(times)
    return {"median": statistics.median(ordered),
            "p95": ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)],
            "max": ordered[-1], "min": ordered[0], "runs": len(ordered)}


class SqlTimer:
    """Sums the time spent in cursor.execute and counts the statements, while enabled."""

    def __init__(self, engine) -> None:
        from sqlalchemy import event
        self.enabled = False
        self.seconds = 0.0
        self.statements = 0
        self._started: list[float] = []
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)

    def _before(self, *_args) -> None:
        self._started.append(time.perf_counter())

    def _after(self, *_args) -> None:
        started = self._started.pop()
        if self.enabled:
            self.seconds += time.perf_counter() - started
            self.statements += 1

    def reset(self) -> None:
        self.seconds, self.statements = 0.0, 0


def _reachable(url: str) -> tuple[bool, str]:
    """Can we connect to URL? A missing 'bench…' database is created on the way."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import OperationalError
    engine = create_engine(url, connect_args={"connect_timeout": 3})
    try:
        with engine.connect():
            return True, ""
    except OperationalError as error:
        reason = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
        name = make_url(url).database or ""
        if "does not exist" not in reason or not name.startswith("bench"):
            return False, reason
    finally:
        engine.dispose()
    admin = create_engine(make_url(url).set(database="postgres"),
                          connect_args={"connect_timeout": 3}, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        log(f"  created database {name}")
        return True, ""
    except OperationalError as error:
        return False, str(error.orig or error).strip().splitlines()[0]
    finally:
        admin.dispose()


def loadavg() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "?"


def set_sqlite_stats(url: str, mode: str) -> None:
    """Put the planner statistics in a known state: none (as migrations leave it) or ANALYZE."""
    from sqlalchemy import create_engine, text
    engine = create_engine(url)
    with engine.begin() as conn:
        # (SQLAlchemy's inspector hides sqlite_* tables: ask sqlite_master.)
        stats = conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'table' "
                                  "AND name LIKE 'sqlite_stat%'")).scalars().all()
        for table in stats:
            conn.execute(text(f"DELETE FROM {table}"))
        if mode == "analyze":
            conn.execute(text("ANALYZE"))
        left = conn.execute(text("SELECT count(*) FROM sqlite_stat1")).scalar() if (
            stats or mode == "analyze") else 0
    engine.dispose()
    if (mode == "none") != (left == 0):
        raise SystemExit(f"could not put the SQLite statistics in state {mode!r}")


def plan_summary(db, filters: dict[str, str]) -> str:
    """A one-line summary of how the page query of FILTERS is run."""
    import re
    import exchange.core.listings as core
    stmt = core.marketplace_query(db.session, **filters).limit(20)
    sql = str(stmt.compile(dialect=db.engine.dialect, compile_kwargs={"literal_binds": True}))
    with db.engine.connect() as conn:
        if db.engine.dialect.name == "sqlite":
            rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql).all()
            return "; ".join(r[3] for r in rows)
        lines = [line for (line,) in conn.exec_driver_sql("EXPLAIN " + sql)]
    nodes = []
    for line in lines:
        match = re.search(r"((?:Bitmap |Parallel )?(?:Index Only Scan|Index Scan|Seq Scan|"
                          r"Bitmap Index Scan|Bitmap Heap Scan)(?: Backward)?)"
                          r"(?: using (\w+))?(?: on (\w+))?", line)
        if match:
            nodes.append(" ".join(x for x in (match.group(1), match.group(2) or match.group(3))
                                  if x))
    return "; ".join(nodes)


def row_counts(db) -> dict[str, object]:
    from sqlalchemy import text
    session = db.session
    counts: dict[str, object] = {
        "organizations": session.execute(text("SELECT count(*) FROM organization")).scalar(),
        "listings": session.execute(text("SELECT count(*) FROM listing")).scalar(),
        "open listings": session.execute(
            text("SELECT count(*) FROM listing WHERE status = 'open'")).scalar(),
    }
    if db.engine.dialect.name == "sqlite":
        counts["listing_fts documents"] = session.execute(
            text("SELECT count(*) FROM listing_fts_docsize")).scalar()
        path = Path(db.engine.url.database)
        counts["database file"] = f"{path.stat().st_size / 2**20:.0f} MiB"
        counts["sqlite"] = session.execute(text("SELECT sqlite_version()")).scalar()
    else:
        counts["listing table + indexes"] = session.execute(
            text("SELECT pg_size_pretty(pg_total_relation_size('listing'))")).scalar()
        counts["ix_listing_search"] = session.execute(
            text("SELECT pg_size_pretty(pg_relation_size('ix_listing_search'))")).scalar()
        counts["server"] = session.execute(text("SHOW server_version")).scalar()
    return counts


def explain(db, filters: dict[str, str]) -> tuple[list[str], bool, str]:
    """The plan of the main scenario's page query and count: (lines, index used?, what)."""
    from sqlalchemy import func, select
    import exchange.core.listings as core

    stmt = core.marketplace_query(db.session, **filters)
    page = stmt.limit(20).offset(0)
    count = select(func.count()).select_from(stmt.order_by(None).subquery())
    dialect = db.engine.dialect
    lines: list[str] = []
    with db.engine.connect() as conn:
        for label, query in (("page", page), ("count", count)):
            sql = str(query.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
            lines.append(f"-- {label}: {' '.join(sql.split())}")
            if dialect.name == "sqlite":
                for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql):
                    lines.append(f"   {'  ' * (0 if row[1] == 0 else 1)}{row[3]}")
            else:
                for (line,) in conn.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + sql):
                    lines.append("   " + line)
    plan = "\n".join(lines)
    if dialect.name == "sqlite":
        used = "VIRTUAL TABLE INDEX" in plan and "listing_fts" in plan
        what = "FTS5 table listing_fts (VIRTUAL TABLE INDEX … MATCH)"
    else:
        used = "ix_listing_search" in plan
        what = "GIN index ix_listing_search"
    return lines, used, what


def bench_database(label: str, url: str, args) -> dict | None:
    from app import create_app
    from exchange.infra import textsearch
    from exchange.http.extensions import db
    import exchange.core.listings as core

    is_sqlite = url.startswith("sqlite")
    setup = f"variant {args.variant}" + (f", SQLite statistics: {args.sqlite_stats}"
                                         if is_sqlite else "")
    log(f"\n=== {label}: {url} ({setup}); load average {loadavg()}")
    started = time.perf_counter()
    marker, generated = generate.ensure(url, listings=args.listings,
                                        organizations=args.organizations, seed=args.seed,
                                        force=args.regenerate, log=log)
    if generated:
        log(f"  generated in {marker['generated_seconds']:.1f} s")
    else:
        log(f"  reusing data generated on {marker['generated_at']} in "
            f"{marker['generated_seconds']:.1f} s (marker matches)")

    if is_sqlite:
        set_sqlite_stats(url, args.sqlite_stats)
    load_before = loadavg()
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "pl"
    # The very first request compiles the templates and, unless the generator ran in this
    # process, loads simplemma's Polish data: what the first visitor after a restart waits.
    cold_loaded = textsearch.lemma.cache_info().currsize > 0
    t0 = time.perf_counter()
    first = client.get("/listings/?" + urlencode(SCENARIOS[MAIN][1]))
    cold_ms = (time.perf_counter() - t0) * 1000
    if first.status_code != 200:
        raise SystemExit(f"the first request answered {first.status_code}")
    with app.app_context():
        timer = SqlTimer(db.engine)
        counts = row_counts(db)
        plan, index_used, index_what = explain(db, SCENARIOS[MAIN][1])
        plans = {name: plan_summary(db, filters) for name, filters in SCENARIOS}
    for key, value in counts.items():
        log(f"  {key}: {value:,}" if isinstance(value, int) else f"  {key}: {value}")
    if is_sqlite and counts["listing_fts documents"] != counts["listings"]:
        # A batch migration that recreated `listing` would drop the FTS triggers with it.
        raise SystemExit("listing_fts does not hold one document per listing: the FTS5 "
                         "triggers did not run (see migrations/versions/0002_listings.py)")

    log(f"  first request after start (cold): {cold_ms:,.0f} ms"
        + (" (simplemma was already loaded in this process)" if cold_loaded else
           " (includes loading simplemma's data)"))

    def core_once(filters: dict[str, str]) -> tuple[float, int]:
        with app.app_context():
            t0 = time.perf_counter()
            pagination = db.paginate(core.marketplace_query(db.session, **filters),
                                     page=1, per_page=20, error_out=False)
            pagination.items  # noqa: B018  (loaded already; the point is the two queries)
            total = pagination.total
            return (time.perf_counter() - t0) * 1000, total

    def page_once(filters: dict[str, str]) -> float:
        url_ = "/listings/" + (("?" + urlencode(filters)) if filters else "")
        t0 = time.perf_counter()
        response = client.get(url_)
        elapsed = (time.perf_counter() - t0) * 1000
        if response.status_code != 200:
            raise SystemExit(f"GET {url_} answered {response.status_code}")
        return elapsed

    results = []
    for name, filters in SCENARIOS:
        for _ in range(args.warmup):
            core_once(filters)
            page_once(filters)
        core_times, totals = [], set()
        for _ in range(args.runs):
            ms, total = core_once(filters)
            core_times.append(ms)
            totals.add(total)
        page_times, sql_ms, statements = [], [], []
        for _ in range(args.runs):
            timer.reset()
            timer.enabled = True
            page_times.append(page_once(filters))
            timer.enabled = False
            sql_ms.append(timer.seconds * 1000)
            statements.append(timer.statements)
        row = {"scenario": name, "filters": filters, "matches": totals.pop(),
               "core": stats(core_times), "page": stats(page_times),
               "page_sql_median": statistics.median(sql_ms),
               "page_statements": statistics.median(statements)}
        results.append(row)
        log(f"  {name:<32} {row['matches']:>7,} matches   core {row['core']['median']:7.1f} ms"
            f"   page {row['page']['median']:7.1f} ms")

    profile_text = None
    if args.profile:
        profiler = cProfile.Profile()
        filters = SCENARIOS[MAIN][1]
        profiler.enable()
        for _ in range(args.runs):
            page_once(filters)
        profiler.disable()
        buffer = io.StringIO()
        pstats.Stats(profiler, stream=buffer).sort_stats("cumulative").print_stats(30)
        profile_text = buffer.getvalue()

    with app.app_context():
        db.engine.dispose()
    load_after = loadavg()

    listings = counts["listings"]
    log(f"\n--- {label} ({setup}): {listings:,} listings, {counts['organizations']:,} "
        f"organizations; {args.runs} runs per scenario after {args.warmup} warm-up; times in ms; "
        f"load average before {load_before}, after {load_after}")
    log(table(results))
    log("\nHow each page query runs:")
    for name, summary in plans.items():
        log(f"  {name:<32} {summary}")
    log(f"\nQuery plan of the main scenario ({SCENARIOS[MAIN][1]}):")
    for line in plan:
        log("  " + line)
    log(f"  => {index_what}: {'USED' if index_used else 'NOT USED'}")
    if profile_text:
        log(f"\ncProfile of {args.runs} page requests of the main scenario (cumulative):")
        log(profile_text)

    report = {"database": label, "url": url, "variant": args.variant,
              "sqlite_stats": args.sqlite_stats if is_sqlite else None,
              "load_average": [load_before, load_after],
              "marker": marker, "generated_now": generated, "cold_first_request_ms": cold_ms,
              "counts": counts, "runs": args.runs, "warmup": args.warmup,
              "index_used": index_used, "plan": plan, "plans": plans, "results": results,
              "total_seconds": round(time.perf_counter() - started, 1)}
    OUT.mkdir(exist_ok=True)
    suffix = f"{label.lower()}-{args.variant}" + (f"-{args.sqlite_stats}" if is_sqlite else "")
    (OUT / f"results-{suffix}.json").write_text(
        json.dumps(report, indent=2, ensure_ascii=False, default=str), encoding="utf-8")
    return report


def table(results: list[dict]) -> str:
    head = ("| scenario | matches | core median | core p95 | core max | page median | page p95 "
            "| page max | SQL in page | statements |")
    lines = [head, "|" + "---|" * 10]
    for r in results:
        c, p = r["core"], r["page"]
        lines.append(f"| {r['scenario']} | {r['matches']:,} | {c['median']:.1f} | {c['p95']:.1f} "
                     f"| {c['max']:.1f} | {p['median']:.1f} | {p['p95']:.1f} | {p['max']:.1f} "
                     f"| {r['page_sql_median']:.1f} | {r['page_statements']:.0f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    from config import normalise_database_url

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--listings", type=int, default=generate.DEFAULT_LISTINGS)
    parser.add_argument("--organizations", type=int, default=generate.DEFAULT_ORGANIZATIONS)
    parser.add_argument("--seed", type=int, default=generate.DEFAULT_SEED)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--sqlite", default=str(DEFAULT_SQLITE), help="the SQLite file to use")
    parser.add_argument("--postgres", default=os.environ.get("BENCH_DATABASE_URL",
                                                             DEFAULT_POSTGRES),
                        help="a PostgreSQL database whose name starts with 'bench' "
                             "(its public schema is dropped when data is generated)")
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    parser.add_argument("--regenerate", action="store_true", help="ignore the markers")
    parser.add_argument("--profile", action="store_true",
                        help="also cProfile the main scenario's page")
    parser.add_argument("--variant", choices=variants.VARIANTS, default="as-is",
                        help="measure a variant of marketplace_query (bench/variants.py)")
    parser.add_argument("--sqlite-stats", choices=("none", "analyze"), default="none",
                        help="SQLite planner statistics: none, as the migrations leave a "
                             "database (default), or ANALYZE first")
    args = parser.parse_args(argv)
    variants.apply(args.variant, log=log)

    log(f"Giełda marketplace benchmark, {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC; "
        f"Python {platform.python_version()}, {os.cpu_count()} CPUs, {platform.machine()}; "
        f"load average {loadavg()}")
    reports = []
    if args.only in (None, "sqlite"):
        path = Path(args.sqlite).resolve()
        reports.append(bench_database("SQLite", f"sqlite:///{path}", args))
    if args.only in (None, "postgresql"):
        url = normalise_database_url(args.postgres)
        generate.check_target(url)
        ok, reason = _reachable(url)
        if ok:
            reports.append(bench_database("PostgreSQL", url, args))
        else:
            banner(f"SKIPPED: PostgreSQL ({args.postgres}) is not reachable: {reason}")
            reports.append(None)

    log("\n=== Summary: median of the main scenario (a text query and a filter)")
    for report in reports:
        if report is None:
            log("  PostgreSQL: SKIPPED (not reachable)")
            continue
        main_row = report["results"][MAIN]
        median = main_row["page"]["median"]
        verdict = "under" if median < TARGET_MS else "OVER"
        log(f"  {report['database']}: page {median:.1f} ms ({verdict} {TARGET_MS:.0f} ms), "
            f"core {main_row['core']['median']:.1f} ms, {report['counts']['listings']:,} listings")
        slow = [r["scenario"] for r in report["results"] if r["page"]["median"] >= TARGET_MS]
        if slow:
            log(f"    scenarios with a page median of {TARGET_MS:.0f} ms or more: "
                + "; ".join(slow))


if __name__ == "__main__":
    main()
