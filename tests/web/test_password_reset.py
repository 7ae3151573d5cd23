"""A forgotten password on the web: ask by e-mail (the same answer for every address), open the
link (which spends nothing), set a new password (which ends every other session and logs in
here), within the shared limits of e-mailed links; a locked-out owner gets back in this way."""
from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from exchange.core import accounts
from models import LoginLink, User
from tests.conftest import TEST_PASSWORD
from tests.live import Request, all_at_once, served

NEW = "a new long passphrase"


def ask(client, email: str):
    response = client.post("/password/reset", data={"email": email}, buffered=True)
    response.close()
    return response


def reset_path(mail) -> str:
    return urlsplit(re.search(r"https?://\S+/password/reset/\S+", mail.get_content())
                    .group(0)).path


def english(client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def new_password(client, path: str, password: str = NEW, confirm: str | None = None):
    return client.post(path, data={"new_password": password,
                                   "confirm": password if confirm is None else confirm})


def test_the_login_page_leads_to_the_form(client):
    page = client.get("/login").get_data(as_text=True)
    assert '<a href="/password/reset">Forgot your password?</a>' in page
    form = client.get("/password/reset")
    assert form.status_code == 200 and 'name="email"' in form.get_data(as_text=True)


def test_the_answer_is_the_same_for_an_account_no_account_and_a_deactivated_one(
        app, session, make_user, outbox):
    make_user("anna@example.org")
    make_user("jan@example.org").is_active = False
    session.commit()
    answers = []
    for email in ("anna@example.org", "nobody@example.org", "jan@example.org"):
        client = english(app.test_client())
        response = ask(client, email)
        page = client.get("/login").get_data(as_text=True)
        answers.append((response.status_code, response.headers["Location"],
                        re.sub(r'name="csrf_token" value="[^"]*"', "", page)))
    assert answers[0] == answers[1] == answers[2]
    assert answers[0][:2] == (302, "/login")
    assert "we have sent it a link to set a new password" in answers[0][2]
    assert [mail["To"] for mail in outbox()] == ["anna@example.org"]
    session.rollback()
    assert len(session.scalars(select(LoginLink)).all()) == 1


def test_a_new_password_set_with_the_link(app, session, make_user, outbox):
    make_user("anna@example.org")
    client, phone = english(app.test_client()), english(app.test_client())
    phone.post("/login", data={"email": "anna@example.org", "password": TEST_PASSWORD})
    ask(client, "Anna@Example.org ")
    [mail] = outbox()
    assert mail["To"] == "anna@example.org" and "set a new password" in mail["Subject"]
    assert "It works once, within an hour" in mail.get_content()
    path = reset_path(mail)

    opened = client.get(path)  # a mail scanner opening it spends nothing
    page = opened.get_data(as_text=True)
    assert opened.status_code == 200 and opened.headers["Referrer-Policy"] == "no-referrer"
    assert "For the account anna@example.org" in page and 'name="new_password"' in page
    session.rollback()
    assert session.scalars(select(LoginLink.used_at)).one() is None

    done = new_password(client, path)
    assert done.status_code == 302 and done.headers["Location"] == "/"
    assert done.headers["Referrer-Policy"] == "no-referrer"
    assert "you are logged in" in client.get("/").get_data(as_text=True)
    assert client.get("/account").status_code == 200
    assert phone.get("/account").status_code == 302  # logged out everywhere else
    for password, status in ((TEST_PASSWORD, 401), (NEW, 302)):
        assert english(app.test_client()).post("/login", data={
            "email": "anna@example.org", "password": password}).status_code == status

    again = english(app.test_client())
    for used in (again.get(path), new_password(again, path, "yet another passphrase")):
        text = used.get_data(as_text=True)
        assert used.status_code == 410 and "already been used" in text
        assert 'href="/password/reset"' in text and "Ask for a new link" in text
        assert used.headers["Referrer-Policy"] == "no-referrer"
    assert again.get("/account").status_code == 302


@pytest.mark.parametrize("password, confirm, field, message", [
    ("short", "short", "new_password", "Use at least 10 characters."),
    ("password123", "password123", "new_password", "too easy to guess"),
    (NEW, "something else entirely", "confirm", "The passwords do not match."),
    ("", "", "new_password", "This field is required."),
])
def test_errors_are_shown_next_to_the_fields_and_the_link_still_works(
        client, session, make_user, outbox, password, confirm, field, message):
    make_user("anna@example.org")
    ask(client, "anna@example.org")
    path = reset_path(outbox()[0])
    refused = new_password(client, path, password, confirm)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and message in page
    assert f'id="{field}-error"' in page and 'aria-invalid="true"' in page
    assert client.get("/account").status_code == 302
    assert new_password(client, path).status_code == 302


def test_a_short_password_and_a_wrong_repeat_are_both_told_at_once(client, make_user, outbox):
    make_user("anna@example.org")
    ask(client, "anna@example.org")
    refused = new_password(client, reset_path(outbox()[0]), "short", "shorter")
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert re.search(r'id="new_password-error">Use at least 10 characters\.<', page)
    assert re.search(r'id="confirm-error">The passwords do not match\.<', page)


def test_an_expired_or_unknown_link_says_why_and_offers_a_new_one(client, clock, make_user,
                                                                  outbox):
    make_user("anna@example.org")
    ask(client, "anna@example.org")
    path = reset_path(outbox()[0])
    clock.advance(timedelta(minutes=61))
    expired = new_password(client, path)
    text = expired.get_data(as_text=True)
    assert expired.status_code == 410 and "has expired" in text and 'href="/password/reset"' in text
    unknown = client.get("/password/reset/not-a-real-secret")
    assert unknown.status_code == 404 and "is not valid" in unknown.get_data(as_text=True)
    assert unknown.headers["Referrer-Policy"] == "no-referrer"
    assert client.get("/account").status_code == 302


def test_a_login_link_is_no_reset_link_nor_the_reverse(client, make_user, outbox):
    make_user("anna@example.org")
    client.post("/login/link", data={"email": "anna@example.org"}, buffered=True).close()
    ask(client, "anna@example.org")
    login_mail, reset_mail = outbox()
    login_secret = re.search(r"/login/link/(\S+)", login_mail.get_content()).group(1)
    reset_secret = reset_path(reset_mail).rsplit("/", 1)[1]
    assert new_password(client, f"/password/reset/{login_secret}").status_code == 404
    assert client.post(f"/login/link/{reset_secret}").status_code == 404
    assert client.get("/account").status_code == 302
    assert new_password(client, f"/password/reset/{reset_secret}").status_code == 302


def test_reset_links_are_limited_with_login_links_per_address_and_per_client(app, make_user,
                                                                            outbox):
    make_user("anna@example.org")
    client = english(app.test_client())
    client.post("/login/link", data={"email": "anna@example.org"}, buffered=True).close()
    for _ in range(2):
        assert ask(client, "anna@example.org").status_code == 302
    limited = ask(client, "anna@example.org")  # the fourth link to one address in an hour
    text = limited.get_data(as_text=True)
    assert limited.status_code == 429 and 0 < int(limited.headers["Retry-After"]) <= 3600
    assert "Too many links were asked for. Try again in 60 minutes" in text
    assert 'id="email-error"' in text
    assert len(outbox()) == 3
    # An unknown address counts the same, and so does the client's address.
    statuses = [ask(client, f"someone{n}@example.org").status_code for n in range(30)]
    assert statuses.count(302) == 30 - 4 and set(statuses[26:]) == {429}


def test_a_locked_out_owner_sets_a_new_password_and_logs_in(app, session, make_user, outbox):
    make_user("anna@example.org")
    attacker, owner = english(app.test_client()), english(app.test_client())
    for _ in range(5):
        attacker.post("/login", data={"email": "anna@example.org", "password": "guess"})
    assert owner.post("/login", data={"email": "anna@example.org",
                                      "password": TEST_PASSWORD}).status_code == 429
    assert ask(owner, "anna@example.org").status_code == 302  # not held back by the lock
    assert new_password(owner, reset_path(outbox()[0])).status_code == 302
    assert owner.get("/account").status_code == 200
    owner.post("/logout")
    # The failed logins counted against the address are forgotten with the old password.
    assert owner.post("/login", data={"email": "anna@example.org",
                                      "password": NEW}).status_code == 302


def test_polish_mail_and_page(app, make_user, outbox):
    make_user("anna@example.org", locale="pl")
    client = english(app.test_client())  # asked in English; the account reads Polish
    ask(client, "anna@example.org")
    [mail] = outbox()
    assert "link do ustawienia nowego hasła" in mail["Subject"]
    assert "Jeśli to nie Ty, zignoruj tę wiadomość" in mail.get_content()
    polish = app.test_client()
    assert "Nie pamiętasz hasła?" in polish.get("/login").get_data(as_text=True)
    page = polish.get(reset_path(mail)).get_data(as_text=True)
    assert "Ustaw nowe hasło" in page and "Powtórz nowe hasło" in page


def test_one_link_used_twice_at_once_sets_one_password(app, session, make_user, outbox):
    user = make_user("anna@example.org")
    ask(english(app.test_client()), "anna@example.org")
    path = reset_path(outbox()[0])
    tries = 6
    with served(app) as base:
        answers = all_at_once(base, [Request(
            "POST", path, f"new_password=passphrase+number+{n}&confirm=passphrase+number+{n}"
            .encode(), {"Content-Type": "application/x-www-form-urlencoded",
                        "Accept-Language": "en"}) for n in range(tries)], timeout=60)
    statuses = sorted(answer.status for answer in answers)
    assert statuses == [302] + [410] * (tries - 1)
    session.rollback()
    user = session.get(User, user.id)
    assert sum(accounts.verify_password(user, f"passphrase number {n}") for n in range(tries)) == 1


def test_the_link_leaves_even_when_the_server_never_closes_the_answer(app, make_user, outbox):
    """A client that resets the connection makes Werkzeug's server skip the response's close
    callbacks: the link must not wait for one (it once did, and the mail never left)."""
    from werkzeug.test import EnvironBuilder

    make_user("anna@example.org")
    environ = EnvironBuilder(path="/password/reset", method="POST",
                             data={"email": "anna@example.org"}).get_environ()
    statuses = []
    body = app.wsgi_app(environ, lambda status, headers, exc_info=None: statuses.append(status))
    b"".join(body)  # read, and never closed
    assert statuses == ["302 FOUND"]
    [mail] = outbox()
    assert "/password/reset/" in mail.get_content()
