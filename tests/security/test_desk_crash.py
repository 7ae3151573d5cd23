"""A desk server killed with `kill -9` mid-ratification loses no acknowledged deal and leaves
no half of one (gunicorn, SQLite and PostgreSQL)."""
from __future__ import annotations

import http.cookiejar
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path

from sqlalchemy import func, select

from models import Contract, ContractEvent, ContractVersion, Signature
from tests.conftest import TEST_PASSWORD
from tests.web.test_events_floor import deal_form

ROOT = Path(__file__).resolve().parents[2]
DEALS = 30
# Where each kill lands: only the workers (the master forks new ones), or the whole server
# (restarted, as systemd would).
KILLS = ("workers", "server", "workers")
# Each ratification waits this long between its contract and its history, so that a kill
# sent mid-request lands in that window; the fix must hold there.
PAUSE = 0.25
DEADLINE = 120  # seconds for the whole loop; a normal run takes a fraction of it


def _sleep(seconds: float) -> None:
    # Not time.sleep: under faketime (the suite's leg 400 days ahead) it fails with EINVAL.
    threading.Event().wait(seconds)


def crashable_app():
    """The app as gunicorn serves it here, slowed between a contract and its history."""
    from app import create_app
    from exchange.core.events import desk

    real = desk.record_event

    def record_event(*args, **kwargs):
        _sleep(PAUSE)
        return real(*args, **kwargs)

    desk.record_event = record_event
    return create_app()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _gone(pid: int) -> bool:
    try:
        return (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0] \
            in ("Z", "X")
    except OSError:
        return True


class Server:
    """gunicorn with 2 workers of 2 threads on a free loopback port, the app preloaded in the
    master so that a killed worker is replaced at once."""

    def __init__(self, database_url: str, outbox: Path) -> None:
        # The server runs on the machine's clock, even in the suite's leg 400 days ahead:
        # gunicorn's sleeps and timed waits fail under faketime. The test asks the server
        # for the time (its Date header) and logs in there, so the two never disagree.
        self.env = {name: value for name, value in os.environ.items()
                    if not name.startswith("FAKETIME")
                    and not (name == "LD_PRELOAD" and "faketime" in value)}
        self.env.update(APP_ENV="testing", DATABASE_URL=database_url, MAIL_OUTBOX=str(outbox),
                        PYTHONPATH=str(ROOT))
        self.process: subprocess.Popen | None = None
        self.workers: list[int] = []
        self.base = ""

    def start(self) -> None:
        port = _free_port()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--workers", "2", "--threads", "2", "--preload",
             "--bind", f"127.0.0.1:{port}", "--log-level", "warning",
             "tests.security.test_desk_crash:crashable_app()"],
            cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL)
        self.base = f"http://127.0.0.1:{port}"
        limit = time.monotonic() + 60
        while time.monotonic() < limit:
            assert self.process.poll() is None, "gunicorn did not start"
            try:
                with urllib.request.urlopen(self.base + "/healthz", timeout=5):
                    break
            except (OSError, urllib.error.URLError):
                _sleep(0.2)
        else:
            raise AssertionError("gunicorn did not answer within 60 s")
        while len(_children(self.process.pid)) < 2 and time.monotonic() < limit:
            _sleep(0.1)

    def now(self) -> datetime:
        with urllib.request.urlopen(self.base + "/healthz", timeout=30) as response:
            return parsedate_to_datetime(response.headers["Date"])

    def login(self, email: str) -> str:
        """The Cookie header of EMAIL signed in on this server."""
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        form = urllib.parse.urlencode({"email": email, "password": TEST_PASSWORD}).encode()
        opener.open(self.base + "/login", data=form, timeout=30).close()
        [session] = [c for c in jar if c.name == "session"]
        return f"session={session.value}"

    def kill_workers(self) -> None:
        workers = _children(self.process.pid)
        for pid in workers:
            os.kill(pid, signal.SIGKILL)
        self.workers += workers

    def kill(self) -> None:
        """kill -9 of the master and its workers, as a power cut would."""
        workers = _children(self.process.pid)
        self.process.kill()
        while self.process.poll() is None:  # not wait(timeout): it sleeps with time.sleep
            _sleep(0.05)
        for pid in workers:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.workers += workers

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.kill()
        limit = time.monotonic() + 30
        while not all(_gone(pid) for pid in self.workers) and time.monotonic() < limit:
            _sleep(0.1)


def _post(url: str, cookie: str, form: dict) -> tuple[int, dict] | None:
    """The desk's fetch: (status, answer), or None when the connection broke."""
    request = urllib.request.Request(
        url, data=urllib.parse.urlencode(form, doseq=True).encode(), method="POST",
        headers={"Cookie": cookie, "Accept": "application/json", "Accept-Language": "en",
                 "Content-Type": "application/x-www-form-urlencoded"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, {"message": error.read().decode()[:300]}
    except (OSError, urllib.error.URLError, ValueError):
        return None


def test_deals_acknowledged_before_kill_9_are_whole_and_none_is_half_saved(
        session, hall, database_url, tmp_path):
    server = Server(database_url, tmp_path / "outbox")
    path = f"/events/{hall['event'].id}/desk"

    def form(key: str) -> dict:
        return deal_form(hall, client_key=key, **{
            "commitments-0-pick": "", "commitments-0-need_id": "",
            "commitments-0-what": "Sala na warsztaty", "commitments-0-quantity": "2",
            "commitments-0-unit": "hours", "commitments-0-category": "rooms",
            "commitments-0-due_on": due})

    acknowledged: dict[str, dict] = {}
    failures: list[tuple[str, int, dict]] = []
    in_flight = threading.Event()
    finished = threading.Event()
    limit = time.monotonic() + DEADLINE

    def desk() -> None:
        """One notary's desk: each deal sent until it is acknowledged, as the outbox does."""
        try:
            for number in range(DEALS):
                key = f"crash-{number}"
                while key not in acknowledged and time.monotonic() < limit:
                    in_flight.set()
                    answer = _post(server.base + path, cookie, form(key))
                    in_flight.clear()
                    if answer is None:
                        _sleep(0.1)  # the server is down: the outbox waits
                    elif 200 <= answer[0] < 300:
                        acknowledged[key] = answer[1]
                    else:
                        failures.append((key, *answer))
                        _sleep(0.1)
        finally:
            finished.set()

    sender = threading.Thread(target=desk, daemon=True)
    kills = 0
    try:
        server.start()
        # The server reads its own clock: the session must be open by it.
        server_now = server.now()
        hall["start"](server_now)
        due = (server_now.date() + timedelta(days=30)).isoformat()
        cookie = server.login(hall["notary"].email)
        sender.start()
        for kill in KILLS:
            # Spread the kills over the loop, each in the middle of a ratification.
            while (len(acknowledged) < DEALS * (kills + 1) // (len(KILLS) + 1)
                   and not finished.is_set()):
                _sleep(0.05)
            if finished.is_set() or not in_flight.wait(timeout=30):
                break
            _sleep(PAUSE / 2)
            if kill == "workers":
                server.kill_workers()
            else:
                server.kill()
                server.start()
            kills += 1
        sender.join(timeout=DEADLINE)
    finally:
        server.stop()
    assert not sender.is_alive()

    assert kills == len(KILLS)
    assert not [f for f in failures if f[1] >= 500], failures
    assert len(acknowledged) == DEALS, f"{DEALS - len(acknowledged)} deals never acknowledged"
    session.rollback()
    contracts = {c.client_key: c for c in session.scalars(
        select(Contract).where(Contract.event_id == hall["event"].id))}
    # Nothing lost: every acknowledged deal is a contract, with its number.
    for key, answer in acknowledged.items():
        assert key in contracts and contracts[key].number == answer["number"], key
    # Nothing half-saved: each contract has both signatures and its history row.
    signatures = dict(session.execute(
        select(ContractVersion.contract_id, func.count(Signature.id))
        .join(Signature, Signature.version_id == ContractVersion.id)
        .group_by(ContractVersion.contract_id)).all())
    history = dict(session.execute(
        select(ContractEvent.contract_id, func.count(ContractEvent.id))
        .where(ContractEvent.action == "ratify").group_by(ContractEvent.contract_id)).all())
    half = {c.number: (signatures.get(c.id, 0), history.get(c.id, 0))
            for c in contracts.values() if (signatures.get(c.id), history.get(c.id)) != (2, 1)}
    assert not half, f"contracts without their signatures or history: {half}"
    # Nothing doubled, no number lost: one contract per deal, numbered 001 to 030.
    assert len(contracts) == DEALS
    assert sorted(c.number for c in contracts.values()) == [
        f"GZ-{hall['event'].held_on.year}/{n:03d}" for n in range(1, DEALS + 1)]
