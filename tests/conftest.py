"""Fixtures: a test database (SQLite, or PostgreSQL from TEST_DATABASE_URL), the app, the
client, a login helper and factories. Every test starts with an empty database."""
from __future__ import annotations

import os
import threading
import time
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from config import normalise_database_url
from models import Base, MemberRole

if "faketime" in os.environ.get("LD_PRELOAD", ""):
    # `make test-future` runs under libfaketime with the monotonic clock left real, where
    # time.sleep (an absolute clock_nanosleep on that clock) fails with EINVAL; a timed wait
    # on a condition works there, and sleeps as long.
    def _sleep(seconds: float) -> None:
        threading.Event().wait(seconds)

    time.sleep = _sleep

TEST_PASSWORD = "correct horse battery staple"
NOW = datetime(2026, 11, 21, 12, 0, tzinfo=timezone.utc)


def _database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return normalise_database_url(url)
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


def _reset_schema(url: str) -> None:
    """Drop everything in the test database so migrations start from nothing."""
    engine = create_engine(url)
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = _database_url(tmp_path_factory)
    _reset_schema(url)
    from app import create_app
    from flask_migrate import upgrade

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        upgrade()
        from exchange.http.extensions import db
        db.engine.dispose()
    return url


@pytest.fixture(scope="session")
def engine(database_url):
    engine = create_engine(database_url)
    import exchange.infra.database  # noqa: F401  (the same SQLite pragmas as the app)
    yield engine
    engine.dispose()


def _empty_all_tables(engine) -> None:
    """Delete every row, lifting the history's triggers for that transaction only."""
    from exchange.infra.database import (APPEND_ONLY, append_only_triggers, drop_append_only_triggers,
                                   drop_history_guard_triggers, history_guard_triggers)

    dialect = engine.dialect.name
    with engine.begin() as conn:
        for table in APPEND_ONLY:
            for statement in drop_append_only_triggers(dialect, table):
                conn.exec_driver_sql(statement)
        for statement in drop_history_guard_triggers(dialect):
            conn.exec_driver_sql(statement)
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(table.delete())
        for table in APPEND_ONLY:
            for statement in append_only_triggers(dialect, table):
                conn.exec_driver_sql(statement)
        for statement in history_guard_triggers(dialect):
            conn.exec_driver_sql(statement)


@pytest.fixture
def session(engine):
    """A plain SQLAlchemy session on the test database (no Flask), emptied afterwards.

    Web tests read what requests committed through it: ``session.rollback()`` first ends
    its snapshot, so what it reads next is what another connection would see.
    """
    with Session(engine) as session:
        yield session
        session.rollback()
    _empty_all_tables(engine)


@pytest.fixture
def now() -> datetime:
    return NOW


@pytest.fixture
def clock():
    """The app's clock, frozen at NOW: whatever the date, the app and the data agree.

    ``clock.advance(timedelta(days=3))`` moves every request, job and command the app
    serves; ``now`` stays the moment the data was made at.
    """
    from exchange.http.clock import FrozenClock

    return FrozenClock(NOW)


@pytest.fixture
def app(database_url, session, clock, tmp_path):
    """The app on the test database, its clock frozen at NOW, its mail in an outbox of its
    own. No app context stays pushed, so each request gets its own (its own ``g``, its own
    database session), as in production."""
    from app import create_app
    from exchange.http.extensions import db

    from tests.openapi_check import CheckingClient

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=database_url, CLOCK=clock,
                     MAIL_OUTBOX=str(tmp_path / "outbox"))
    app.test_client_class = CheckingClient
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def outbox(app):
    """The mails the app has sent so far, oldest first, as parsed messages."""
    from email import message_from_bytes, policy

    from exchange.http.mailing import wait_for_mail
    from exchange.infra.mail import read_outbox

    def outbox() -> list:
        wait_for_mail()  # mail sent beside an answer goes from a thread of its own
        return [message_from_bytes(p.read_bytes(), policy=policy.default)
                for p in read_outbox(app.config["MAIL_OUTBOX"])]

    return outbox


@pytest.fixture
def client(app):
    """A browser that prefers English, so assertions read in the source language."""
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make_user(session):
    from exchange.core import accounts

    counter = iter(range(1, 10_000))

    def make_user(email: str | None = None, *, name: str = "Anna Nowak",
                  password: str = TEST_PASSWORD, is_admin: bool = False, locale: str | None = "en"):
        user = accounts.register_user(session, email=email or f"user{next(counter)}@example.org",
                                      name=name, password=password, locale=locale, now=NOW)
        user.is_admin = is_admin
        session.commit()
        return user

    return make_user


@pytest.fixture
def make_org(session, make_user):
    from exchange.core import organizations

    counter = iter(range(1, 10_000))

    def make_org(owner=None, **fields):
        data = {"name": f"Organizacja {next(counter)}", "sector": "ngo", "municipality": "Tczew",
                **fields}
        org = organizations.create_organization(session, owner or make_user(), data, NOW)
        session.commit()
        return org

    return make_org


@pytest.fixture
def add_member(session):
    from models import Membership

    def add_member(org, user, *, role: MemberRole = MemberRole.MEMBER, can_sign: bool = False):
        membership = Membership(organization_id=org.id, user_id=user.id, role=role,
                                can_sign=can_sign, created_at=NOW)
        session.add(membership)
        session.commit()
        return membership

    return add_member


def login_id(user) -> str:
    """A new login session of USER, as Flask-Login keeps it in the cookie: tests that sign in
    without the login form set ``session["_user_id"] = login_id(user)``.

    It lasts ten years, so a test that moves the app's clock far ahead stays logged in.
    """
    from sqlalchemy.orm import object_session

    from exchange.core.logins import start_session

    db = object_session(user)
    value = start_session(db, user, NOW, lifetime=timedelta(days=3650))
    db.commit()
    return value


def bearer(token: str) -> dict:
    """The API's Authorization header for a personal TOKEN."""
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def token_for(session, now):
    """``token_for(user)``: a new personal API token of USER, in plain text."""
    from exchange.core.tokens import issue_token

    def token_for(user) -> str:
        _token, plain = issue_token(session, user, "test", now)
        session.commit()
        return plain

    return token_for


class Auth:
    def __init__(self, client):
        self.client = client

    def login(self, email: str, password: str = TEST_PASSWORD, **extra):
        return self.client.post("/login", data={"email": email, "password": password, **extra})

    def logout(self):
        return self.client.post("/logout")


@pytest.fixture
def auth(client) -> Auth:
    return Auth(client)


@pytest.fixture
def hall(session, make_user, make_org, add_member, now):
    """A published exchange event hosted by a culture centre, with its staff and two admitted
    participants (a library needing a computer lab, a school offering one), each bringing a
    listing. The session has not started; ``hall["start"](at)`` starts it."""
    from exchange.core import events
    from exchange.core.listings import create_listing

    organiser = make_user("organiser@example.org", name="Olga Organizatorka")
    notary = make_user("notary@example.org", name="Norbert Notariusz")
    broker = make_user("broker@example.org", name="Bogna Broker")
    host = make_org(organiser, name="Centrum Kultury", sector="public", municipality="Tczew")
    library_owner, school_owner = make_user("lib@example.org"), make_user("school@example.org")
    library = make_org(library_owner, name="Biblioteka Miejska", sector="public",
                       municipality="Tczew")
    school = make_org(school_owner, name="Fundacja Szkoła Kodu", sector="ngo",
                      municipality="Tczew")
    need = create_listing(session, library_owner, library.id, {
        "kind": "need", "category": "computer_labs", "title": "Potrzebna pracownia komputerowa",
        "quantity": 6, "unit": "hours"}, now)
    lab = create_listing(session, school_owner, school.id, {
        "kind": "offer", "category": "computer_labs",
        "title": "Pracownia komputerowa na 20 stanowisk", "quantity": 20, "unit": "hours"}, now)
    event = events.create_event(session, organiser, host.id, {
        "name": "Giełda Zasobów Tczew 2026", "venue": "Centrum Kultury, ul. Kulturalna 1",
        "held_on": now.date().isoformat(), "registration_opens_on": now.date().isoformat(),
        "registration_closes_on": now.date().isoformat()}, now)
    events.publish_event(session, organiser, event.id, now)
    events.add_staff(session, organiser, event.id, "notary@example.org", "notary", now)
    events.add_staff(session, organiser, event.id, "broker@example.org", "broker", now)
    applications = {}
    for owner, org, listing, person in ((library_owner, library, need, "Ewa Bibliotekarka"),
                                        (school_owner, school, lab, "Szymon Informatyk")):
        applications[org.id] = events.apply(session, owner, event.id, org.id, {
            "attendees": [person], "listing_ids": [listing.id]}, now)
        events.decide(session, organiser, event.id, applications[org.id].id, True, "", now)
    session.commit()

    def start(at=now):
        events.start_session(session, organiser, event.id, at)
        session.commit()

    return {"event": event, "organiser": organiser, "notary": notary, "broker": broker,
            "host": host, "library": library, "school": school, "library_owner": library_owner,
            "school_owner": school_owner, "need": need, "lab": lab, "start": start,
            "applications": applications}


def desk_deal(hall, **changes) -> dict:
    """The desk form's fields for the school lending its lab to the library."""
    data = {"parties": [hall["school"].id, hall["library"].id],
            "representatives": {hall["school"].id: "Szymon Informatyk",
                                hall["library"].id: "Ewa Bibliotekarka"},
            "commitments": [{"giver_id": hall["school"].id, "receiver_id": hall["library"].id,
                             "what": "Pracownia komputerowa, 3 × 2 h", "quantity": 6,
                             "unit": "hours", "due_on": "2027-03-31",
                             "listing_id": hall["lab"].id, "need_id": hall["need"].id}],
            "no_money": "1"}
    data.update(changes)
    return data


@pytest.fixture
def award_hall(session, hall, make_user, make_org, add_member, now):
    """The hall after its session, for the match of the year: a third admitted participant
    (a rural women's circle with two members), three deals ratified (GZ-2026/001 school →
    library, /002 library → circle, /003 circle → school), the session closed at ``closed``.
    ``award_hall["open"](at, starts, ends)`` opens nominations with that voting window."""
    from exchange.core import events

    circle_owner = make_user("circle@example.org", name="Krystyna Gospodyni")
    circle = make_org(circle_owner, name="Koło Gospodyń Wiejskich w Rudnie", sector="informal",
                      municipality="Tczew")
    circle_member = make_user("circle2@example.org", name="Halina Kucharka")
    add_member(circle, circle_member)
    event = hall["event"]
    application = events.apply(session, circle_owner, event.id, circle.id, {
        "attendees": ["Krystyna Gospodyni"]}, now)
    events.decide(session, hall["organiser"], event.id, application.id, True, "", now)
    session.commit()
    hall["start"]()
    library, school = hall["library"].id, hall["school"].id
    deals = [events.ratify(session, hall["notary"], event.id, desk_deal(hall), now,
                           client_key="award-1")]
    for number, (giver, receiver, what) in enumerate(
            ((library, circle.id, "Sala na spotkania koła, 4 × 2 h"),
             (circle.id, school, "Poczęstunek na warsztaty dla 30 osób")), start=2):
        deals.append(events.ratify(session, hall["notary"], event.id, {
            "parties": [giver, receiver],
            "representatives": {giver: "Anna", receiver: "Jan"},
            "commitments": [{"giver_id": giver, "receiver_id": receiver, "what": what,
                             "quantity": 1, "unit": "sessions", "due_on": "2027-03-31"}],
            "no_money": "1"}, now + timedelta(minutes=number), client_key=f"award-{number}"))
    closed = now + timedelta(minutes=90)
    events.close_session(session, hall["organiser"], event.id, closed)
    session.commit()

    def open_award(at=None, starts=None, ends=None):
        at = at or closed + timedelta(hours=1)
        award = events.open_award(session, hall["organiser"], event.id,
                                  starts or at + timedelta(days=1),
                                  ends or at + timedelta(days=3), at)
        session.commit()
        return award

    return {**hall, "circle": circle, "circle_owner": circle_owner,
            "circle_member": circle_member, "deals": deals, "closed": closed,
            "open": open_award}
