"""Logins held on the server: logging out ends both cookies of that device only, and the
one-time login link sent by e-mail works once, for an hour, for its owner alone."""
from __future__ import annotations

import re
from datetime import timedelta
from email import message_from_bytes, policy
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from exchange.http.mailing import wait_for_mail
from exchange.infra.mail import read_outbox
from models import LoginLink
from tests.conftest import TEST_PASSWORD
from tests.live import Request, all_at_once, served

BASE_URL = "https://gielda.example.org"


def english(client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def cookies(client) -> dict[str, str]:
    return {name: client.get_cookie(name).value for name in ("session", "remember_token")
            if client.get_cookie(name) is not None}


def replay(app, name: str, value: str):
    """A fresh browser carrying only the cookie NAME=VALUE asks for the account page."""
    stranger = english(app.test_client())
    stranger.set_cookie(name, value)
    return stranger.get("/account")


def test_logging_out_ends_the_session_and_the_remember_me_cookie_but_not_other_devices(
        app, make_user):
    make_user("anna@example.org")
    laptop, phone = english(app.test_client()), english(app.test_client())
    for device in (laptop, phone):
        assert device.post("/login", data={"email": "anna@example.org", "password": TEST_PASSWORD,
                                           "remember": "y"}).status_code == 302
    stolen = cookies(laptop)
    assert set(stolen) == {"session", "remember_token"}
    for name, value in stolen.items():  # each cookie alone opens the account before logout
        assert replay(app, name, value).status_code == 200

    assert laptop.post("/logout").status_code == 302

    for name, value in stolen.items():
        refused = replay(app, name, value)
        assert refused.status_code == 302, name
        assert refused.headers["Location"].startswith("/login")
    assert laptop.get("/account").status_code == 302
    assert phone.get("/account").status_code == 200  # the other device stays logged in


def test_a_new_password_ends_every_session_even_remembered_ones(app, make_user):
    make_user("anna@example.org")
    phone, laptop = english(app.test_client()), english(app.test_client())
    for device in (phone, laptop):
        device.post("/login", data={"email": "anna@example.org", "password": TEST_PASSWORD,
                                    "remember": "y"})
    remembered = cookies(phone)["remember_token"]
    assert laptop.post("/account", data={
        "password-current_password": TEST_PASSWORD,
        "password-new_password": "a new long passphrase",
        "password-confirm": "a new long passphrase"}).status_code == 302
    assert replay(app, "remember_token", remembered).status_code == 302
    assert laptop.get("/account").status_code == 200


def test_a_session_ends_on_the_server_after_its_lifetime(app, clock, make_user):
    make_user("anna@example.org")
    client = english(app.test_client())
    client.post("/login", data={"email": "anna@example.org", "password": TEST_PASSWORD,
                                "remember": "y"})
    clock.advance(app.config["SESSION_LIFETIME"] - timedelta(minutes=1))
    assert client.get("/account").status_code == 200
    clock.advance(timedelta(minutes=2))
    assert client.get("/account").status_code == 302


# ---------------------------------------------------------------------------- login links

@pytest.fixture
def mail_app(app, tmp_path):
    app.config.update(MAIL_OUTBOX=str(tmp_path / "outbox"), BASE_URL=BASE_URL)
    return app


def outbox(app) -> list:
    wait_for_mail()  # mail sent beside an answer goes from a thread of its own
    return [message_from_bytes(path.read_bytes(), policy=policy.default)
            for path in read_outbox(app.config["MAIL_OUTBOX"])]


def ask_for_link(client, email: str, **options):
    response = client.post("/login/link", data={"email": email}, buffered=True, **options)
    response.close()
    return response


def link_in(mail) -> str:
    return re.search(r"https://\S+", mail.get_content()).group(0)


def test_a_login_link_is_emailed_works_once_and_is_stored_only_as_a_hash(
        mail_app, session, make_user):
    make_user("anna@example.org", name="Anna Nowak")
    client = english(mail_app.test_client())
    asked = ask_for_link(client, "Anna@Example.org ", headers={"Host": "evil.example.com"})
    assert asked.status_code == 302 and asked.headers["Location"] == "/login"
    assert "a login link is on its way" in client.get(
        "/login", headers={"Host": "evil.example.com"}).get_data(as_text=True)
    [mail] = outbox(mail_app)
    assert mail["To"] == "anna@example.org"
    link = link_in(mail)
    # The address people open the site at, never the host the request came to.
    assert link.startswith(BASE_URL + "/login/link/")
    secret = link.rsplit("/", 1)[1]
    session.rollback()
    stored = session.scalars(select(LoginLink)).one()
    assert secret not in (stored.token_hash, str(stored.id))
    assert stored.expires_at - stored.created_at == timedelta(hours=1)

    path = urlsplit(link).path
    confirm = client.get(path)  # a mail scanner opening it spends nothing
    assert confirm.status_code == 200 and "Press the button to log in" in confirm.get_data(
        as_text=True)
    assert confirm.headers["Referrer-Policy"] == "no-referrer"
    used = client.post(path)
    assert used.status_code == 302 and used.headers["Location"] == "/account"
    assert client.get("/account").status_code == 200

    again = english(mail_app.test_client())
    second = again.post(path)
    assert second.status_code == 410
    assert "already been used" in second.get_data(as_text=True)
    assert again.get("/account").status_code == 302
    assert "already been used" in again.get(path).get_data(as_text=True)


def test_after_a_login_by_link_a_forgotten_password_is_replaced_without_the_old_one(
        mail_app, clock, make_user):
    make_user("anna@example.org")
    client, other_device = english(mail_app.test_client()), english(mail_app.test_client())
    other_device.post("/login", data={"email": "anna@example.org", "password": TEST_PASSWORD})
    ask_for_link(client, "anna@example.org")
    client.post(urlsplit(link_in(outbox(mail_app)[0])).path)
    page = client.get("/account").get_data(as_text=True)
    assert "set a new password without the current one" in page
    assert 'name="password-current_password"' not in page
    changed = client.post("/account", data={"password-new_password": "a new long passphrase",
                                            "password-confirm": "a new long passphrase"})
    assert changed.status_code == 302
    assert other_device.get("/account").status_code == 302  # logged out everywhere else
    assert english(mail_app.test_client()).post("/login", data={
        "email": "anna@example.org", "password": "a new long passphrase"}).status_code == 302
    # Once, and only for a quarter of an hour after the link: then the password is asked again.
    clock.advance(timedelta(minutes=16))
    again = client.post("/account", data={"password-new_password": "another long passphrase",
                                          "password-confirm": "another long passphrase"})
    assert again.status_code == 422


def test_an_expired_or_unknown_link_says_so_and_logs_nobody_in(mail_app, clock, make_user):
    make_user("anna@example.org")
    client = english(mail_app.test_client())
    ask_for_link(client, "anna@example.org")
    path = urlsplit(link_in(outbox(mail_app)[0])).path
    clock.advance(timedelta(minutes=61))
    expired = client.post(path)
    assert expired.status_code == 410 and "has expired" in expired.get_data(as_text=True)
    unknown = client.post("/login/link/not-a-real-secret")
    assert unknown.status_code == 404 and "is not valid" in unknown.get_data(as_text=True)
    assert client.get("/account").status_code == 302


def test_asking_for_a_link_answers_the_same_whether_or_not_the_account_exists(
        mail_app, make_user):
    make_user("anna@example.org")
    answers = []
    for email in ("anna@example.org", "nobody@example.org"):
        client = english(mail_app.test_client())
        response = ask_for_link(client, email)
        page = client.get("/login").get_data(as_text=True)
        answers.append((response.status_code, response.headers["Location"],
                        re.sub(r'name="csrf_token" value="[^"]*"', "", page)))
    assert answers[0] == answers[1]
    assert [m["To"] for m in outbox(mail_app)] == ["anna@example.org"]


def test_login_links_are_limited_per_address_and_per_client(mail_app, make_user):
    make_user("anna@example.org")
    client = english(mail_app.test_client())
    for _ in range(3):
        assert ask_for_link(client, "anna@example.org").status_code == 302
    limited = ask_for_link(client, "anna@example.org")
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) > 0
    assert "Too many login links" in limited.get_data(as_text=True)
    assert len(outbox(mail_app)) == 3  # and the three sent still work for an hour

    statuses = [ask_for_link(client, f"someone{n}@example.org").status_code
                for n in range(40)]
    assert statuses.count(302) == 30 - 4 and set(statuses[26:]) == {429}


def test_polish_login_link_mail(mail_app, make_user):
    make_user("anna@example.org", locale="pl")
    ask_for_link(mail_app.test_client(), "anna@example.org")
    [mail] = outbox(mail_app)
    assert "link do logowania" in mail["Subject"]
    assert "Jeśli to nie Ty" in mail.get_content()


def test_one_link_opened_twice_at_once_logs_in_once(mail_app, make_user):
    make_user("anna@example.org")
    ask_for_link(english(mail_app.test_client()), "anna@example.org")
    path = urlsplit(link_in(outbox(mail_app)[0])).path
    tries = 6
    with served(mail_app) as base:
        answers = [(answer.status, answer.location) for answer in all_at_once(
            base, [Request("POST", path, headers={"Accept-Language": "en"})] * tries,
            timeout=60)]
    assert sorted(status for status, _ in answers) == [302] + [410] * (tries - 1)
    assert [location for status, location in answers if status == 302] == ["/account"]
