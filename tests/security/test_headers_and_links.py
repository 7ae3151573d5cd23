"""Links the site hands out start with BASE_URL whatever Host a request names; production
answers only its own host names; security headers, and private pages kept out of caches."""
from __future__ import annotations

from email import message_from_bytes
from email.policy import default as default_policy

import pytest
import segno
from sqlalchemy import select

from config import ConfigError, load_config
from exchange.http.mailing import wait_for_mail
from exchange.infra.mail import read_outbox
from models import Contract, Membership
from tests.conftest import NOW, TEST_PASSWORD, login_id

BASE = "https://gielda.example.org"
EVIL = {"Host": "evil.example"}


def login_as(client, user):
    """Sign USER in, on localhost and on evil.example alike (cookies are kept per host)."""
    with client.session_transaction() as s:
        s["_user_id"] = login_id(user)
        s["login_at"] = NOW.isoformat()  # fresh enough to sign
    cookie = client.get_cookie(client.application.config["SESSION_COOKIE_NAME"])
    client.set_cookie(cookie.key, cookie.value, domain="evil.example")


def production_app(monkeypatch, database_url, clock, **env):
    from app import create_app

    monkeypatch.setenv("SECRET_KEY", "x" * 48)
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("BASE_URL", BASE)
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/3")
    monkeypatch.delenv("TRUSTED_HOSTS", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return create_app("production", CLOCK=clock)


def signed_contract(app, client, session, make_user, make_org, now):
    """A library and a school with a contract in force for a computer lab (both signed)."""
    from exchange.core.listings import create_listing

    library_owner, school_owner = make_user("b@example.org"), make_user("s@example.org")
    library = make_org(library_owner, name="Biblioteka", sector="public", municipality="Tczew")
    school = make_org(school_owner, name="Szkoła", sector="public", municipality="Tczew")
    need = create_listing(session, library_owner, library.id, {
        "kind": "need", "category": "computer_labs", "title": "Potrzebna pracownia komputerowa",
        "quantity": 6, "unit": "hours"}, now)
    lab = create_listing(session, school_owner, school.id, {
        "kind": "offer", "category": "computer_labs", "title": "Pracownia komputerowa",
        "quantity": 20, "unit": "hours"}, now)
    session.commit()
    login_as(client, library_owner)
    client.post(f"/organizations/{library.id}/listings/{need.id}/proposals/{lab.id}",
                data={"action": "accept"})
    session.rollback()
    contract = session.scalar(select(Contract))
    client.post(f"/organizations/{library.id}/contracts/{contract.id}/sign")
    other = app.test_client()
    login_as(other, school_owner)
    other.post(f"/organizations/{school.id}/contracts/{contract.id}/sign")
    session.rollback()
    return library, contract


# ------------------------------------------------------------------------- links

def test_api_url_fields_start_with_base_url_whatever_the_host(app, client, make_user, make_org,
                                                               session, now):
    from exchange.core.listings import create_listing

    app.config["BASE_URL"] = BASE
    owner = make_user()
    org = make_org(owner)
    listing = create_listing(session, owner, org.id, {
        "kind": "offer", "category": "rooms", "title": "Sala", "quantity": 1, "unit": "hours"}, now)
    session.commit()
    assert client.get(f"/api/v1/listings/{listing.id}", headers=EVIL).json["url"] == \
        f"{BASE}/listings/{listing.id}"
    assert client.get(f"/api/v1/organizations/{org.id}", headers=EVIL).json["url"] == \
        f"{BASE}/organizations/{org.id}"
    page = client.get("/api/v1/listings", headers=EVIL).json
    assert [x["url"] for x in page["items"]] == [f"{BASE}/listings/{listing.id}"]


def test_printouts_and_the_calendar_link_to_base_url_whatever_the_host(
        app, client, session, make_user, make_org, now):
    app.config["BASE_URL"] = BASE
    library, contract = signed_contract(app, client, session, make_user, make_org, now)

    printed = client.get(f"/organizations/{library.id}/contracts/{contract.id}/print",
                         headers=EVIL).get_data(as_text=True)
    link = f"{BASE}/contracts/{contract.id}"
    qr = segno.make(link, error="m").svg_inline(scale=3, title=contract.number)
    assert qr in printed and link in printed and "evil.example" not in printed

    calendar = client.get(f"/organizations/{library.id}/calendar", headers=EVIL)
    session.rollback()
    # The calendar address is the member's own (tests/security/test_tenancy.py).
    token = session.scalar(select(Membership.calendar_token).where(
        Membership.organization_id == library.id, Membership.calendar_token.is_not(None)))
    page = calendar.get_data(as_text=True)
    assert f"{BASE}/calendar/{token}.ics" in page and "evil.example" not in page
    feed = app.test_client().get(f"/calendar/{token}.ics", headers=EVIL)
    body = feed.get_data(as_text=True).replace("\r\n ", "")  # unfold iCalendar lines
    assert f"URL:{link}" in body and "evil.example" not in body


def test_badges_qr_codes_hold_base_url_whatever_the_host(app, client, hall):
    app.config["BASE_URL"] = BASE
    login_as(client, hall["organiser"])
    event = hall["event"]
    page = client.get(f"/events/{event.id}/badges", headers=EVIL).get_data(as_text=True)
    people = [p for a in hall["applications"].values() for p in a.attendees]
    assert people
    for person in people:
        link = f"{BASE}/events/{event.id}/door/{person.badge_token}"
        assert segno.make(link, error="m").svg_inline(omitsize=True) in page
    application = hall["applications"][hall["library"].id]
    login_as(client, hall["library_owner"])
    confirmation = client.get(f"/events/{event.id}/application/{hall['library'].id}/print",
                              headers=EVIL).get_data(as_text=True)
    for person in application.attendees:
        link = f"{BASE}/events/{event.id}/door/{person.badge_token}"
        assert segno.make(link, error="m").svg_data_uri(scale=4) in confirmation
    assert "evil.example" not in page + confirmation


def test_mail_about_a_change_made_through_another_host_links_to_base_url(
        app, client, runner, hall, make_user, tmp_path):
    app.config.update(BASE_URL=BASE, MAIL_OUTBOX=str(tmp_path / "outbox"))
    valuer = make_user("valuer@example.org", name="Wiktor Wyceniający")
    login_as(client, hall["organiser"])
    response = client.post(f"/events/{hall['event'].id}/staff/add", headers=EVIL,
                           data={"email": valuer.email, "role": "valuer"})
    assert response.status_code == 302
    wait_for_mail()  # the invitation goes beside the answer
    mails = [message_from_bytes(p.read_bytes(), policy=default_policy)
             for p in read_outbox(app.config["MAIL_OUTBOX"])]
    [mail] = [m for m in mails if m["To"] == valuer.email]
    body = mail.get_content()
    assert f"{BASE}/invitations/" in body and "evil.example" not in body


def test_production_answers_only_the_host_of_base_url(monkeypatch, database_url, session, clock):
    app = production_app(monkeypatch, database_url, clock)
    assert app.config["TRUSTED_HOSTS"] == ["gielda.example.org"]
    client = app.test_client()
    refused = client.get("/healthz", headers=EVIL)
    assert refused.status_code == 400
    assert refused.get_data(as_text=True) == "Ta witryna nie działa pod tym adresem."
    assert client.get("/listings/", headers={**EVIL, "Accept-Language": "en"}
                      ).get_data(as_text=True) == "This site does not answer at this address."
    assert client.post("/api/v1/tokens", headers=EVIL, json={"email": "a@example.org",
                                                             "password": TEST_PASSWORD}
                       ).status_code == 400
    assert client.get("/healthz", headers={"Host": "gielda.example.org"}).json == {"status": "ok"}


def test_production_trusts_the_hosts_listed_in_trusted_hosts(monkeypatch, database_url, session,
                                                              clock):
    app = production_app(monkeypatch, database_url, clock,
                         TRUSTED_HOSTS="gielda.example.org, .gielda.example.org,127.0.0.1")
    client = app.test_client()
    for host in ("gielda.example.org", "www.gielda.example.org", "127.0.0.1:8000"):
        assert client.get("/healthz", headers={"Host": host}).status_code == 200, host
    assert client.get("/healthz", headers=EVIL).status_code == 400


def test_production_refuses_to_start_without_base_url(monkeypatch):
    monkeypatch.delenv("BASE_URL", raising=False)
    monkeypatch.setenv("SECRET_KEY", "x" * 48)
    monkeypatch.setenv("DATABASE_URL", "postgresql://db/gielda")
    with pytest.raises(ConfigError, match="BASE_URL"):
        load_config("production")


# ------------------------------------------------------------------------- headers

def test_every_answer_carries_a_permissions_policy_that_leaves_only_the_camera(client):
    for path in ("/", "/listings/", "/healthz", "/api/v1/listings", "/static/css/app.css",
                 "/no-such-page"):
        policy = client.get(path).headers["Permissions-Policy"]
        features = dict(item.strip().split("=") for item in policy.split(","))
        # The Door page scans badges with the phone's camera (static/js/door.js).
        assert features["camera"] == "(self)"
        for feature in ("microphone", "geolocation", "payment", "usb"):
            assert features[feature] == "()", (path, feature)


def test_hsts_is_sent_in_production_only(monkeypatch, database_url, session, clock, client):
    assert "Strict-Transport-Security" not in client.get("/healthz").headers
    app = production_app(monkeypatch, database_url, clock)
    response = app.test_client().get("/healthz", base_url=BASE)
    assert response.headers["Strict-Transport-Security"] == "max-age=63072000; includeSubDomains"


def test_private_pages_are_never_stored_by_a_cache(app, client, session, make_user, make_org,
                                                   now):
    library, contract = signed_contract(app, client, session, make_user, make_org, now)
    for path in (f"/organizations/{library.id}/contracts/{contract.id}",
                 f"/organizations/{library.id}/contracts",
                 f"/organizations/{library.id}/members", "/account",
                 f"/organizations/{library.id}/calendar",
                 "/listings/"):  # a public page, as a signed-in user sees it
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "no-store", path
    # Signed out: the private page's redirect to the login is not stored either.
    anonymous = app.test_client()
    assert anonymous.get("/account").headers["Cache-Control"] == "no-store"


def test_api_answers_to_a_token_are_never_stored(client, make_user, make_org):
    make_org(make_user("anna@example.org"))
    token = client.post("/api/v1/tokens", json={"email": "anna@example.org",
                                                "password": TEST_PASSWORD}).json["token"]
    bearer = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/tokens", headers=bearer).headers["Cache-Control"] == "no-store"
    assert client.get("/api/v1/listings", headers=bearer).headers["Cache-Control"] == "no-store"
    assert "no-store" not in client.get("/api/v1/listings").headers.get("Cache-Control", "")


def test_public_pages_the_board_and_static_files_keep_their_caching(client, hall):
    event = hall["event"]
    assert "Cache-Control" not in client.get("/listings/").headers
    assert client.get(f"/events/{event.id}/board").headers.get("Cache-Control") != "no-store"
    login_as(client, hall["organiser"])
    assert client.get("/static/css/app.css").headers["Cache-Control"] != "no-store"
    board = client.get(f"/events/{event.id}/board.json")
    assert board.status_code == 200 and board.headers["Cache-Control"] == "no-cache"
