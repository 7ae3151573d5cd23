"""Load test of the live board: 500 phones polling it while a notary ratifies deals (issue 6).

The requirement: *500 phones refreshing the board every 3 seconds while notaries ratify a deal
every 20 seconds, served by gunicorn on this 2-core machine with p95 under 250 ms and no
errors.* This prints figures; no figure makes it fail (see bench/README.md).

    .venv/bin/python bench/event_board.py                 # 500 phones, 60 s
    .venv/bin/python bench/event_board.py --phones 100 --duration 20

Run with the app's virtualenv, it is the driver: it builds a realistic event in PostgreSQL
(a database whose name starts with ``bench``), serves the app with gunicorn, ratifies a deal
every 20 s through the core in a side thread, and runs locust (from its own virtualenv,
bench/.venv, created on first use) with this same file as the locustfile: imported by locust,
it defines the simulated phone, which polls the board's JSON with If-None-Match as board.js
does.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import random
import secrets
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from datetime import datetime, timedelta, timezone
from pathlib import Path

try:  # imported by locust (bench/.venv): the simulated phone
    from locust import FastHttpUser, constant_pacing, events as locust_events, task
except ImportError:  # run by the app's virtualenv: the driver below
    FastHttpUser = None

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
BENCH_VENV = ROOT / "bench" / ".venv"
DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/bench_events"
LOCUST_VERSION = "2.47.0"
if str(ROOT) not in sys.path:  # run as a script: the app's packages live at the root
    sys.path.insert(0, str(ROOT))


# ---------------------------------------------------------------------------- the phone

if FastHttpUser is not None:
    _outcomes = {"200": 0, "304": 0, "other": 0}

    class Phone(FastHttpUser):
        """A participant's phone: opens the board once, then polls its JSON every 3 seconds."""

        wait_time = constant_pacing(float(os.environ.get("BOARD_INTERVAL", "3")))

        def on_start(self):
            event_id = os.environ["BOARD_EVENT_ID"]
            self.json_url = f"/events/{event_id}/board.json"
            self.etag = None
            self.client.get(f"/events/{event_id}/board", name="board page")
            # Phones do not poll in step.
            time.sleep(random.uniform(0, float(os.environ.get("BOARD_INTERVAL", "3"))))

        @task
        def poll(self):
            headers = {"Accept": "application/json"}
            if self.etag:
                headers["If-None-Match"] = self.etag
            with self.client.get(self.json_url, headers=headers, name="board.json",
                                 catch_response=True) as response:
                if response.status_code == 304:
                    _outcomes["304"] += 1
                    response.success()
                elif response.status_code == 200:
                    _outcomes["200"] += 1
                    self.etag = response.headers.get("ETag")
                    response.success()
                else:
                    _outcomes["other"] += 1
                    response.failure(f"HTTP {response.status_code}")

    @locust_events.quitting.add_listener
    def _write_outcomes(environment, **kwargs):
        path = os.environ.get("BOARD_OUTCOMES")
        if path:
            Path(path).write_text(json.dumps(_outcomes))


# ---------------------------------------------------------------------------- the data

SECTORS = ["ngo"] * 40 + ["public"] * 22 + ["business"] * 12 + ["informal"] * 4 + ["individual"] * 2
NAMES = {
    "ngo": ["Stowarzyszenie „Razem”", "Fundacja Kociewie", "Klub Seniora „Wrzos”",
            "Ochotnicza Straż Pożarna", "Koło Gospodyń Wiejskich", "Stowarzyszenie Sportowe"],
    "public": ["Biblioteka Publiczna", "Szkoła Podstawowa nr", "Ośrodek Pomocy Społecznej",
               "Gminny Ośrodek Kultury", "Urząd Gminy"],
    "business": ["Piekarnia Kłos", "Drukarnia Offset", "Bank Spółdzielczy", "Firma Transportowa"],
    "informal": ["Grupa nieformalna „Sąsiedzi”"],
    "individual": ["Jan Kowalski, grafik"],
}
TOWNS = ["Tczew", "Pelplin", "Gniew", "Subkowy", "Morzeszczyn"]
OFFERS = [("rooms", "Sala na 40 osób z rzutnikiem", "hours"),
          ("computer_labs", "Pracownia komputerowa na 15 stanowisk", "hours"),
          ("promotion", "Plakaty w 4 filiach i post w mediach", "sessions"),
          ("volunteers", "Dwóch wolontariuszy na festyn", "people"),
          ("expertise", "Porada prawna dla stowarzyszenia", "hours"),
          ("training", "Warsztaty pierwszej pomocy", "sessions"),
          ("catering", "Ciasto na 50 osób", "pieces"),
          ("transport", "Bus na wycieczkę", "days"),
          ("it_services", "Przegląd komputerów", "hours"),
          ("culture", "Zajęcia plastyczne dla dzieci", "sessions")]
FIRST = ["Anna", "Piotr", "Ewa", "Tomasz", "Magda", "Krzysztof", "Zofia", "Marek", "Ola", "Jan"]
LAST = ["Nowak", "Kowalska", "Wiśniewski", "Zielińska", "Lewandowski", "Kamińska", "Wójcik"]


def create_app_for(url: str):
    from app import create_app

    return create_app("development", SQLALCHEMY_DATABASE_URI=url, DEBUG=False,
                      MAIL_USE_OUTBOX=False)


def prepare_database(url: str) -> None:
    """Create the bench database if missing and give it a fresh schema from the migrations."""
    import psycopg
    from flask_migrate import upgrade
    from sqlalchemy import create_engine, text

    from config import normalise_database_url

    name = url.rsplit("/", 1)[-1]
    if not name.startswith("bench"):
        sys.exit(f"Refusing {name!r}: the benchmark only uses databases whose name starts with "
                 "'bench'.")
    server = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(server, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is None:
            conn.execute(f'CREATE DATABASE "{name}"')
    engine = create_engine(normalise_database_url(url))
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    app = create_app_for(normalise_database_url(url))
    with app.app_context():
        upgrade()


def build_event(url: str, *, organizations: int, people: int, checked_in: int, deals: int,
                seed: int) -> dict:
    """A published event with its session started now: the hall half an hour before the end."""
    from exchange.core import accounts, events
    from exchange.core import organizations as orgs
    from exchange.http.extensions import db
    from exchange.core.listings import create_listing

    rng = random.Random(seed)
    app = create_app_for(url)
    now = datetime.now(timezone.utc)
    with app.app_context():
        session = db.session
        password = "bench-" + secrets.token_urlsafe(12)
        organiser = accounts.register_user(session, email="organiser@bench.example.org",
                                           name="Olga Organizatorka", password=password,
                                           locale="pl", now=now)
        notary = accounts.register_user(session, email="notary@bench.example.org",
                                        name="Norbert Notariusz", password=password,
                                        locale="pl", now=now)
        # Ten people own the organizations (registering each owner would only time argon2).
        owners = [accounts.register_user(session, email=f"owner{i}@bench.example.org",
                                         name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                                         password=password, locale="pl", now=now)
                  for i in range(10)]
        host = orgs.create_organization(session, organiser, {
            "name": "Centrum Kultury i Sztuki", "sector": "public", "municipality": "Tczew"}, now)
        event = events.create_event(session, organiser, host.id, {
            "name": "Giełda Zasobów Powiatu Tczewskiego 2026", "venue": "Centrum Kultury, Tczew",
            "held_on": now.date().isoformat(), "registration_opens_on": now.date().isoformat(),
            "registration_closes_on": now.date().isoformat(), "session_minutes": 120}, now)
        events.publish_event(session, organiser, event.id, now)
        events.add_staff(session, organiser, event.id, "notary@bench.example.org", "notary", now)
        # People per organization: 1 or 2 (a few send 3), PEOPLE in all.
        counts = [1] * organizations
        for _ in range(people - organizations):
            counts[rng.randrange(organizations)] += 1
        members, offers, tokens = [], {}, []
        for index in range(organizations):
            sector = SECTORS[index % len(SECTORS)]
            owner = owners[index % len(owners)]
            org = orgs.create_organization(session, owner, {
                "name": f"{rng.choice(NAMES[sector])} {index + 1}", "sector": sector,
                "municipality": rng.choice(TOWNS)}, now)
            category, title, unit = rng.choice(OFFERS)
            offer = create_listing(session, owner, org.id, {
                "kind": "offer", "category": category, "title": title, "quantity": 50,
                "unit": unit}, now)
            need_category, need_title, need_unit = rng.choice(OFFERS)
            need = create_listing(session, owner, org.id, {
                "kind": "need", "category": need_category, "title": "Potrzebna: " + need_title,
                "quantity": 5, "unit": need_unit}, now)
            application = events.apply(session, owner, event.id, org.id, {
                "attendees": [f"{rng.choice(FIRST)} {rng.choice(LAST)}"
                              for _ in range(counts[index])],
                "listing_ids": [offer.id, need.id]}, now)
            events.decide(session, organiser, event.id, application.id, True, "", now)
            tokens += [a.badge_token for a in application.attendees]
            members.append(org.id)
            offers[org.id] = (category, title, unit)
        session.commit()
        for token in rng.sample(tokens, checked_in):
            events.check_in(session, organiser, event.id, token, now)
        events.start_session(session, organiser, event.id, now - timedelta(minutes=60))
        session.commit()
        event_id, notary_id = event.id, notary.id
        for number in range(deals):
            ratify_one(session, notary, event_id, members, offers, rng,
                       now - timedelta(minutes=60) + timedelta(seconds=40 * number))
        session.commit()
        # Autovacuum is off on this machine's server: give the planner its statistics.
        db.engine.dispose()
    import psycopg
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"),
                         autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    return {"event_id": event_id, "notary_id": notary_id, "members": members, "offers": offers}


def ratify_one(session, notary, event_id, members, offers, rng, now):
    """A 2-party deal at the desk, as a notary types it."""
    from exchange.core import events

    giver, receiver = rng.sample(members, 2)
    category, title, unit = offers[giver]
    return events.ratify(session, notary, event_id, {
        "parties": [giver, receiver],
        "representatives": {giver: rng.choice(FIRST), receiver: rng.choice(FIRST)},
        "commitments": [{"giver_id": giver, "receiver_id": receiver, "what": title,
                         "quantity": rng.randint(1, 5), "unit": unit, "category": category,
                         "due_on": (now + timedelta(days=180)).date().isoformat(),
                         "estimated_value": rng.choice([200, 300, 500, 800, 1200, 2000])}],
        "no_money": "1"}, now, client_key=secrets.token_hex(16))


# ---------------------------------------------------------------------------- the notary

class Notary(threading.Thread):
    """Ratifies a deal every EVERY seconds through the core, and checks the board shows it."""

    def __init__(self, url: str, base: str, world: dict, every: float, seed: int):
        super().__init__(daemon=True)
        self.url, self.base, self.world, self.every = url, base, world, every
        self.rng = random.Random(seed)
        self.stop = threading.Event()
        self.ratified: list[float] = []   # seconds the core took to ratify and commit
        self.shown_after: list[float] = []  # seconds until the board's JSON showed the deal
        self.errors: list[str] = []

    def run(self):
        from exchange.http.extensions import db
        from models import User

        app = create_app_for(self.url)
        json_url = f"{self.base}/events/{self.world['event_id']}/board.json"
        while not self.stop.wait(self.every):
            try:
                before = json.loads(urllib.request.urlopen(json_url, timeout=10).read())
                with app.app_context():
                    notary = db.session.get(User, self.world["notary_id"])
                    started = time.perf_counter()
                    ratify_one(db.session, notary, self.world["event_id"],
                               self.world["members"], self.world["offers"], self.rng,
                               datetime.now(timezone.utc))
                    db.session.commit()
                    self.ratified.append(time.perf_counter() - started)
                committed = time.perf_counter()
                while time.perf_counter() - committed < 5:
                    after = json.loads(urllib.request.urlopen(json_url, timeout=10).read())
                    if after["deals"] > before["deals"]:
                        self.shown_after.append(time.perf_counter() - committed)
                        break
                    time.sleep(0.05)
            except Exception as error:  # noqa: BLE001  (reported, the run goes on)
                self.errors.append(repr(error))


# ---------------------------------------------------------------------------- the driver

def ensure_locust() -> Path:
    """Locust in bench/.venv: it brings gevent, pyzmq and pytest, which the app does not need."""
    locust = BENCH_VENV / "bin" / "locust"
    if not locust.exists():
        print(f"==> Installing locust {LOCUST_VERSION} into {BENCH_VENV}")
        subprocess.run([sys.executable, "-m", "venv", str(BENCH_VENV)], check=True)
        subprocess.run([str(BENCH_VENV / "bin" / "pip"), "install", "--quiet",
                        f"locust=={LOCUST_VERSION}"], check=True)
    return locust


def wait_until_up(base: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if urllib.request.urlopen(f"{base}/healthz", timeout=10).status == 200:
                return
        except (urllib.error.URLError, OSError):  # still booting
            time.sleep(0.2)
    sys.exit("gunicorn did not answer within 30 s")


TICK = os.sysconf("SC_CLK_TCK")


def machine_busy() -> float:
    """CPU seconds the whole machine has spent busy (every process, every core)."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(fields[:8]) - fields[3] - fields[4]) / TICK


def process_tree_cpu(pid: int) -> float:
    """CPU seconds used by PID and its children (gunicorn's master and workers)."""
    total, pending = 0.0, [pid]
    while pending:
        current = pending.pop()
        try:
            stat = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(stat[11]) + int(stat[12])) / TICK
            pending += [int(c) for c in Path(f"/proc/{current}/task/{current}/children")
                        .read_text().split()]
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total


def read_stats(prefix: Path) -> dict:
    with open(f"{prefix}_stats.csv", newline="") as handle:
        return {row["Name"]: row for row in csv.DictReader(handle)}


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default=os.environ.get("BENCH_EVENTS_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--phones", type=int, default=500)
    parser.add_argument("--interval", type=float, default=3.0, help="seconds between polls")
    parser.add_argument("--ratify-every", type=float, default=20.0)
    parser.add_argument("--duration", type=int, default=60, help="seconds measured")
    parser.add_argument("--spawn-rate", type=float, default=50.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--worker-class", default="gthread", choices=("gthread", "sync"))
    parser.add_argument("--keep-alive", type=int, default=10,
                        help="gunicorn's, in seconds: longer than a phone's poll interval")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--organizations", type=int, default=80)
    parser.add_argument("--people", type=int, default=150)
    parser.add_argument("--checked-in", type=int, default=130)
    parser.add_argument("--deals", type=int, default=60, help="deals ratified before the run")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)

    from config import normalise_database_url

    url = normalise_database_url(args.url)
    OUT.mkdir(parents=True, exist_ok=True)
    locust = ensure_locust()
    print(f"==> A fresh event in {url.rsplit('/', 1)[-1]}: {args.organizations} organizations, "
          f"{args.people} people ({args.checked_in} in), {args.deals} deals so far")
    started = time.perf_counter()
    prepare_database(args.url)
    world = build_event(url, organizations=args.organizations, people=args.people,
                        checked_in=args.checked_in, deals=args.deals, seed=args.seed)
    print(f"    built in {time.perf_counter() - started:.0f} s; event {world['event_id']}")

    base = f"http://127.0.0.1:{args.port}"
    env = {**os.environ, "APP_ENV": "production", "DATABASE_URL": args.url,
           "SECRET_KEY": secrets.token_urlsafe(48), "BASE_URL": base}
    gunicorn = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "--workers", str(args.workers),
         "--worker-class", args.worker_class, "--threads", str(args.threads), "--bind",
         f"127.0.0.1:{args.port}", "--log-level", "warning", "--backlog", "2048",
         "--keep-alive", str(args.keep_alive),
         "app:create_app()"], cwd=ROOT, env=env)
    notary = None
    try:
        wait_until_up(base)
        print(f"==> gunicorn: {args.workers} workers × {args.threads} threads ({args.worker_class}) on "
              f"{os.cpu_count()} cores; locust: {args.phones} phones polling every "
              f"{args.interval:g} s; a deal every {args.ratify_every:g} s; {args.duration} s")
        notary = Notary(url, base, world, args.ratify_every, args.seed + 1)
        notary.start()
        prefix = OUT / "event_board"
        outcomes_path = OUT / "event_board_outcomes.json"
        ramp = int(args.phones / args.spawn_rate) + 1
        import resource
        cpu_before = (process_tree_cpu(gunicorn.pid), machine_busy(), time.monotonic(),
                      resource.getrusage(resource.RUSAGE_CHILDREN))
        subprocess.run([str(locust), "-f", __file__, "--headless", "--host", base,
                        "--users", str(args.phones), "--spawn-rate", str(args.spawn_rate),
                        "--run-time", f"{args.duration + ramp}s", "--reset-stats",
                        "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING",
                        "--stop-timeout", "5"],
                       cwd=ROOT, check=False,
                       env={**os.environ, "BOARD_EVENT_ID": str(world["event_id"]),
                            "BOARD_INTERVAL": str(args.interval),
                            "BOARD_OUTCOMES": str(outcomes_path)})
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        elapsed = time.monotonic() - cpu_before[2]
        cpu = {"server": process_tree_cpu(gunicorn.pid) - cpu_before[0],
               "locust": (children.ru_utime + children.ru_stime
                          - cpu_before[3].ru_utime - cpu_before[3].ru_stime),
               "machine": machine_busy() - cpu_before[1], "elapsed": elapsed}
    finally:
        if notary is not None:
            notary.stop.set()
            notary.join(timeout=30)
        gunicorn.terminate()
        gunicorn.wait(timeout=30)

    stats = read_stats(prefix)
    polls = stats.get("board.json", {})
    outcomes = json.loads(outcomes_path.read_text()) if outcomes_path.exists() else {}
    result = {
        "phones": args.phones, "interval_s": args.interval, "ratify_every_s": args.ratify_every,
        "duration_s": args.duration, "workers": args.workers, "threads": args.threads,
        "requests": int(polls.get("Request Count", 0)),
        "failures": int(polls.get("Failure Count", 0)),
        "rps": float(polls.get("Requests/s", 0)),
        "p50_ms": float(polls.get("50%", 0) or 0), "p95_ms": float(polls.get("95%", 0) or 0),
        "p99_ms": float(polls.get("99%", 0) or 0), "max_ms": float(polls.get("Max Response Time", 0)),
        "outcomes": outcomes,
        "deals_ratified": len(notary.ratified) if notary else 0,
        "ratify_ms_median": (sorted(notary.ratified)[len(notary.ratified) // 2] * 1000
                             if notary and notary.ratified else None),
        "shown_after_s_max": max(notary.shown_after) if notary and notary.shown_after else None,
        "notary_errors": notary.errors if notary else [],
        # Cores busy on average over the run (spawning included), and what one poll costs.
        "cores_gunicorn": cpu["server"] / cpu["elapsed"],
        "cores_locust": cpu["locust"] / cpu["elapsed"],
        "cores_machine": cpu["machine"] / cpu["elapsed"],
        "cpu_ms_per_request": 1000 * cpu["server"] / max(1, int(polls.get("Request Count", 0))),
        "loadavg_after": os.getloadavg()[0],
    }
    (OUT / "event_board.json").write_text(json.dumps(result, indent=2))
    print()
    print("| phones | requests | rps | p50 | p95 | p99 | max | errors | 200 / 304 |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    print(f"| {args.phones} | {result['requests']} | {result['rps']:.1f} | "
          f"{result['p50_ms']:.0f} ms | {result['p95_ms']:.0f} ms | {result['p99_ms']:.0f} ms | "
          f"{result['max_ms']:.0f} ms | {result['failures']} | "
          f"{outcomes.get('200', '?')} / {outcomes.get('304', '?')} |")
    print(f"deals ratified during the run: {result['deals_ratified']} (median "
          f"{result['ratify_ms_median'] or 0:.0f} ms each); the JSON showed each within "
          f"{result['shown_after_s_max'] or 0:.2f} s (a phone sees it at its next poll); "
          f"notary errors: {len(result['notary_errors'])}")
    other = result["cores_machine"] - result["cores_gunicorn"] - result["cores_locust"]
    print(f"CPU over the run (cores of {os.cpu_count()}): gunicorn {result['cores_gunicorn']:.2f}"
          f" ({result['cpu_ms_per_request']:.2f} ms per request), locust "
          f"{result['cores_locust']:.2f}, the whole machine {result['cores_machine']:.2f} "
          f"(PostgreSQL and anything else: {other:.2f})")
    verdict = ("MEETS" if result["p95_ms"] < 250 and result["failures"] == 0
               and not result["notary_errors"] else "MISSES")
    print(f"{verdict} the requirement (p95 under 250 ms, no errors)")
    return result


if __name__ == "__main__" and FastHttpUser is None:
    main()
