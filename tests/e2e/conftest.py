"""A live server and Debian's Chromium, driven by Playwright."""
from __future__ import annotations

import os
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from werkzeug.serving import make_server

CHROMIUM = "/usr/bin/chromium"
# Chromium as root in a container, with nothing reaching out to the (closed) network.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


class RunningClock:
    """A clock that reads START when made and then moves on in real time: a live server's
    pages tick (countdowns, the board) while the app and the test data agree on the date,
    whatever today's is."""

    def __init__(self, start: datetime) -> None:
        self.start, self.started = start, time.monotonic()

    def __call__(self) -> datetime:
        return self.start + timedelta(seconds=time.monotonic() - self.started)


@pytest.fixture
def server_clock():
    """The live server's clock, running from the test data's NOW."""
    from tests.conftest import NOW

    return RunningClock(NOW)


@pytest.fixture
def live_server(database_url, session, tmp_path, server_clock):
    """The app served over HTTP on a free loopback port, with CSRF protection on, its clock
    running from NOW (``server_clock``); its mail goes to the test's ``tmp_path / "outbox"``."""
    from app import create_app
    from exchange.http.extensions import db

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=database_url, WTF_CSRF_ENABLED=True,
                     MAIL_OUTBOX=str(tmp_path / "outbox"), CLOCK=server_clock)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        message = f"{CHROMIUM} is missing: `make test` installs Debian's chromium package"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def phone(browser):
    """A page the size of a phone, preferring Polish, as most users will have."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="pl-PL",
                                  is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def mails_in(outbox: Path, count: int = 1, timeout: float = 10.0) -> list:
    """The COUNT e-mails in the OUTBOX folder, waiting for them: mail that must not slow the
    answer down (e.g. a reset link) is written once the response has gone, so it can land
    a moment after the browser has shown the next page."""
    import time
    from email import message_from_bytes, policy

    from exchange.infra.mail import read_outbox

    deadline = time.monotonic() + timeout
    while True:
        paths = list(read_outbox(outbox))
        if len(paths) >= count or time.monotonic() > deadline:
            return [message_from_bytes(p.read_bytes(), policy=policy.default) for p in paths]
        time.sleep(0.05)


@pytest.fixture
def laptop(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def small_event(session, make_user, make_org, server_clock):
    """Today's event (by the live server's clock), published, registration open; the school
    is admitted already."""
    from exchange.core import events
    from exchange.core.listings import create_listing

    now = server_clock()
    organiser = make_user("organiser@example.org", name="Olga Organizatorka")
    host = make_org(organiser, name="Centrum Kultury", sector="public", municipality="Tczew")
    librarian = make_user("lib@example.org", name="Ewa Bibliotekarka", locale="pl")
    library = make_org(librarian, name="Biblioteka Miejska", sector="public", municipality="Tczew")
    teacher = make_user("school@example.org", name="Szymon Informatyk")
    school = make_org(teacher, name="Fundacja Szkoła Kodu", sector="ngo", municipality="Tczew")
    need = create_listing(session, librarian, library.id, {
        "kind": "need", "category": "computer_labs", "title": "Potrzebna pracownia komputerowa",
        "quantity": 6, "unit": "hours"}, now)
    room = create_listing(session, librarian, library.id, {
        "kind": "offer", "category": "rooms", "title": "Sala konferencyjna na 40 osób",
        "quantity": 10, "unit": "hours"}, now)
    lab = create_listing(session, teacher, school.id, {
        "kind": "offer", "category": "computer_labs",
        "title": "Pracownia komputerowa na 20 stanowisk", "quantity": 20, "unit": "hours"}, now)
    event = events.create_event(session, organiser, host.id, {
        "name": "Giełda Zasobów Tczew", "venue": "Centrum Kultury",
        "held_on": now.date().isoformat(), "registration_opens_on": now.date().isoformat(),
        "registration_closes_on": now.date().isoformat(), "session_minutes": "60"}, now)
    events.publish_event(session, organiser, event.id, now)
    application = events.apply(session, teacher, event.id, school.id, {
        "attendees": ["Szymon Informatyk"], "listing_ids": [lab.id]}, now)
    events.decide(session, organiser, event.id, application.id, True, "", now)
    session.commit()
    return {"event": event, "clock": server_clock, "organiser": organiser, "library": library,
            "school": school, "need": need, "room": room, "lab": lab}
