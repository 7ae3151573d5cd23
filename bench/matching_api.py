"""Proposals through the API with 100,000 listings, on SQLite and PostgreSQL.

    .venv/bin/python bench/matching_api.py [--listings 100000] [--queries 200] [--only sqlite]

For each database: generate the data with bench/generate.py (or reuse it when its marker
matches), make a bench user who is a member of the organizations with most open needs and
give it a real API token, then

  warm   the first GET /api/v1/listings/{id}/proposals, which loads every open listing
         into this process's matching index (what the first request after a restart waits);
  query  GET /api/v1/listings/{id}/proposals (top 10) for QUERIES open needs of those
         organizations, through Flask's test client with the token: median, p95, max;
  fresh  POST /api/v1/listings an offer made for one of those needs, by another of the bench
         user's organizations, then GET the need's proposals until the offer is among them:
         the time from posting to being proposed (the requirement: within a second);
  rebuild  `flask matching rebuild`: load every open listing into a new index and compute
         every open need's top-5 proposals (the requirement: under 60 s).

The fresh offers are deleted afterwards, so the data stays as generated. PostgreSQL runs
on a database whose name starts with "bench" (default bench_matching); when it is not
reachable a loud SKIPPED banner says so. This prints figures; nothing fails on a slow one.
"""
from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
for path in (str(ROOT), str(BENCH)):
    if path not in sys.path:
        sys.path.insert(0, path)

import generate
from marketplace import _reachable, banner, loadavg, log, stats

OUT = BENCH / "out"
DEFAULT_SQLITE = OUT / "matching.sqlite3"
DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/bench_matching"
EMAIL = "bench-matching@example.org"
PASSWORD = "bench matching horse staple"
MEMBER_OF = 40          # organizations, those with most open needs
FRESH_TRIES = 5


def bench_user(app, now: datetime) -> tuple[str, list[int]]:
    """The bench user (made once), a member of MEMBER_OF organizations; a new token for it."""
    from sqlalchemy import func, select

    from exchange.core.accounts import find_user_by_email, register_user
    from exchange.http.extensions import db
    from exchange.core.tokens import issue_token
    from models import Listing, ListingKind, ListingStatus, MemberRole, Membership

    with app.app_context():
        session = db.session
        user = find_user_by_email(session, EMAIL) or register_user(
            session, email=EMAIL, name="Bench Matching", password=PASSWORD, locale="en", now=now)
        busiest = session.execute(
            select(Listing.organization_id).where(Listing.kind == ListingKind.NEED,
                                                  Listing.status == ListingStatus.OPEN)
            .group_by(Listing.organization_id).order_by(func.count().desc(),
                                                        Listing.organization_id)
            .limit(MEMBER_OF)).scalars().all()
        already = set(session.scalars(select(Membership.organization_id)
                                      .where(Membership.user_id == user.id)))
        for org_id in busiest:
            if org_id not in already:
                session.add(Membership(organization_id=org_id, user_id=user.id,
                                       role=MemberRole.OWNER, can_sign=True, created_at=now))
        _, plain = issue_token(session, user, "bench", now)
        session.commit()
        return plain, list(busiest)


def open_needs(app, organizations: list[int], count: int) -> list[int]:
    from sqlalchemy import select

    from exchange.http.extensions import db
    from models import Listing, ListingKind, ListingStatus

    with app.app_context():
        return list(db.session.scalars(
            select(Listing.id).where(Listing.organization_id.in_(organizations),
                                     Listing.kind == ListingKind.NEED,
                                     Listing.status == ListingStatus.OPEN,
                                     Listing.remaining > 0)
            .order_by(Listing.id).limit(count)))


def time_fresh_offer(client, headers: dict, need: dict, giver: int) -> tuple[float, float, int]:
    """Post an offer for NEED as GIVER; (ms until it is proposed, ms of the POST, its id)."""
    body = {"organization_id": giver, "kind": "offer", "category": need["category"],
            "title": need["title"], "description": need["description"],
            "quantity": max(1, need["quantity"]), "unit": need["unit"],
            "municipality": need["municipality"]}
    if need["latitude"] is not None:
        body.update(latitude=need["latitude"], longitude=need["longitude"])
    started = time.perf_counter()
    response = client.post("/api/v1/listings", json=body, headers=headers)
    posted = time.perf_counter()
    if response.status_code != 201:
        raise SystemExit(f"POST /api/v1/listings answered {response.status_code}: {response.json}")
    offer_id = response.json["id"]
    while time.perf_counter() - started < 10:
        answer = client.get(f"/api/v1/listings/{need['id']}/proposals?limit=50", headers=headers)
        if any(item["listing"]["id"] == offer_id for item in answer.json["items"]):
            return (time.perf_counter() - started) * 1000, (posted - started) * 1000, offer_id
    return float("inf"), (posted - started) * 1000, offer_id


def delete_listings(app, ids: list[int]) -> None:
    from sqlalchemy import delete

    from exchange.http.extensions import db
    from models import Listing

    with app.app_context():
        db.session.execute(delete(Listing).where(Listing.id.in_(ids)))
        db.session.commit()


def bench_database(label: str, url: str, args) -> None:
    from app import create_app

    log(f"\n=== {label}: {url}; load average {loadavg()}")
    marker, generated = generate.ensure(url, listings=args.listings,
                                        organizations=args.organizations, seed=args.seed, log=log)
    log(f"  data {'generated' if generated else 'reused'} ({marker['listings']:,} listings, "
        f"{marker['organizations']:,} organizations)")
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    client = app.test_client()
    token, organizations = bench_user(app, datetime.now(UTC))
    headers = {"Authorization": f"Bearer {token}"}
    needs = open_needs(app, organizations, args.queries + FRESH_TRIES)
    queries, fresh = needs[:args.queries], needs[args.queries:]

    started = time.perf_counter()
    first = client.get(f"/api/v1/listings/{queries[0]}/proposals", headers=headers)
    if first.status_code != 200:
        raise SystemExit(f"the first request answered {first.status_code}: {first.json}")
    index = app.extensions["gielda.matching"][0].index
    log(f"  warm: first request {time.perf_counter() - started:.1f} s, loading "
        f"{len(index):,} open listings into the index")

    load_before = loadavg()
    timings, empty = [], 0
    for need_id in queries:
        t = time.perf_counter()
        response = client.get(f"/api/v1/listings/{need_id}/proposals", headers=headers)
        timings.append((time.perf_counter() - t) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"proposals for {need_id} answered {response.status_code}")
        empty += not response.json["items"]
    s = stats(timings)
    log(f"  top-10 proposals through the API ({len(timings)} needs; {empty} with none): "
        f"median {s['median']:.1f} ms, p95 {s['p95']:.1f} ms, max {s['max']:.1f} ms "
        f"(target: median < 50 ms); load average {load_before} → {loadavg()}")

    made, waits, posts = [], [], []
    try:
        for need_id in fresh:
            need = client.get(f"/api/v1/listings/{need_id}", headers=headers).json
            giver = next(o for o in organizations if o != need["organization"]["id"])
            wait, post, offer_id = time_fresh_offer(client, headers, need, giver)
            made.append(offer_id)
            waits.append(wait)
            posts.append(post)
    finally:
        delete_listings(app, made)
    log(f"  a new offer proposed for its need ({len(waits)} tries): posted in "
        f"{statistics.median(posts):.0f} ms, proposed after median "
        f"{statistics.median(waits):.0f} ms, max {max(waits):.0f} ms from posting "
        f"(target: within 1 s)")

    started = time.perf_counter()
    outcome = app.test_cli_runner().invoke(args=["matching", "rebuild"])
    log(f"  flask matching rebuild: {time.perf_counter() - started:.1f} s, "
        f"{outcome.output.strip()} (target: < 60 s); load average {loadavg()}")


def main(argv: list[str] | None = None) -> None:
    from config import normalise_database_url

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--listings", type=int, default=generate.DEFAULT_LISTINGS)
    parser.add_argument("--organizations", type=int, default=generate.DEFAULT_ORGANIZATIONS)
    parser.add_argument("--seed", type=int, default=generate.DEFAULT_SEED)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--sqlite", default=str(DEFAULT_SQLITE), help="the SQLite file to use")
    parser.add_argument("--postgres", default=os.environ.get("BENCH_MATCHING_DATABASE_URL",
                                                             DEFAULT_POSTGRES),
                        help="a PostgreSQL database whose name starts with 'bench'")
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    args = parser.parse_args(argv)
    log(f"Giełda proposals API benchmark, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; "
        f"Python {platform.python_version()}, {os.cpu_count()} CPUs; load average {loadavg()}")
    if args.only in (None, "sqlite"):
        bench_database("SQLite", f"sqlite:///{Path(args.sqlite).resolve()}", args)
    if args.only in (None, "postgresql"):
        url = normalise_database_url(args.postgres)
        generate.check_target(url)
        ok, reason = _reachable(url)
        if ok:
            bench_database("PostgreSQL", url, args)
        else:
            banner(f"SKIPPED: PostgreSQL ({args.postgres}) is not reachable: {reason}")


if __name__ == "__main__":
    main()
