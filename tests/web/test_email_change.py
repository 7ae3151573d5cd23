"""Changing the e-mail address through the browser's eyes: the account page's form, the link
sent to the new address, the notices to the old one, and the same answer when another
account already uses the new address."""
from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from models import EmailChange, User
from tests.conftest import TEST_PASSWORD

NEW = "nowy.adres@example.org"


@pytest.fixture
def anna(make_user):
    return make_user("anna@example.org")


@pytest.fixture
def logged_in(client, auth, anna):
    assert auth.login("anna@example.org").status_code == 302
    return client


def post(client, path, data=None):
    response = client.post(path, data=data, buffered=True)
    response.close()
    return response


def ask(client, new_email=NEW, password=TEST_PASSWORD):
    return post(client, "/account/email", {"email-new_email": new_email,
                                           "email-current_password": password})


def path_in(mail) -> str:
    link = re.search(r"https?://\S+/account/email/\S+", mail.get_content()).group(0)
    return link[link.index("/account/email/"):]


def email_of(session, user) -> str:
    session.rollback()
    return session.get(User, user.id).email


def test_the_account_page_offers_the_form(logged_in):
    page = logged_in.get("/account").get_data(as_text=True)
    assert 'action="/account/email"' in page and "Change the e-mail address" in page
    assert 'name="email-new_email"' in page and 'name="email-current_password"' in page


def test_a_link_goes_to_the_new_address_and_a_notice_to_the_old_one(logged_in, session, anna,
                                                                     outbox):
    response = ask(logged_in, "  Nowy.Adres@Example.org")
    assert response.status_code == 302 and response.headers["Location"] == "/account"
    page = logged_in.get("/account").get_data(as_text=True)
    assert f"We have sent a link to {NEW}" in page
    assert email_of(session, anna) == "anna@example.org"  # nothing changes yet
    link_mail, notice = outbox()
    assert (link_mail["To"], notice["To"]) == (NEW, "anna@example.org")
    assert "open this link within 24 hours" in link_mail.get_content()
    assert "n***@example.org" in notice.get_content()
    assert NEW not in notice.get_content() and "/account/email/" not in notice.get_content()
    assert "change your password now" in notice.get_content()

    path = path_in(link_mail)
    confirm_page = logged_in.get(path)  # opening the link changes nothing
    assert confirm_page.status_code == 200
    assert confirm_page.headers["Referrer-Policy"] == "no-referrer"
    assert NEW in confirm_page.get_data(as_text=True)
    assert email_of(session, anna) == "anna@example.org"

    changed = post(logged_in, path)
    assert changed.status_code == 302 and changed.headers["Location"] == "/account"
    assert email_of(session, anna) == NEW
    account = logged_in.get("/account")  # this session stays
    assert account.status_code == 200 and f"Your e-mail address is now {NEW}" in account.get_data(
        as_text=True)
    told = outbox()[-1]
    assert told["To"] == "anna@example.org" and "was changed to n***@example.org" in told.get_content()
    # The link is spent: it says so, and leads to the account page.
    again = logged_in.get(path)
    assert again.status_code == 410 and "already been used" in again.get_data(as_text=True)
    assert 'href="/account"' in again.get_data(as_text=True)


def test_other_sessions_stay_and_the_new_address_logs_in(app, logged_in, session, anna, outbox):
    phone = app.test_client()
    assert phone.post("/login", data={"email": "anna@example.org",
                                      "password": TEST_PASSWORD}).status_code == 302
    ask(logged_in)
    stranger = app.test_client()  # the link works without being logged in
    assert post(stranger, path_in(outbox()[0])).status_code == 302
    assert phone.get("/account").status_code == 200
    fresh = app.test_client()
    assert fresh.post("/login", data={"email": NEW, "password": TEST_PASSWORD}).status_code == 302
    old_address = {"email": "anna@example.org", "password": TEST_PASSWORD}
    assert app.test_client().post("/login", data=old_address).status_code == 401
    assert email_of(session, anna) == NEW


def test_the_mails_are_in_the_users_language(app, make_user, outbox):
    make_user("ola@example.org", locale="pl")
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.post("/login", data={"email": "ola@example.org", "password": TEST_PASSWORD})
    assert ask(client).status_code == 302
    link_mail, notice = outbox()
    assert link_mail["Content-Language"] == notice["Content-Language"] == "pl"
    assert link_mail["To"] == NEW


def test_a_wrong_password_is_refused_and_sends_nothing(logged_in, session, outbox):
    response = ask(logged_in, password="not my password")
    assert response.status_code == 422
    assert "The current password is not correct." in response.get_data(as_text=True)
    assert outbox() == []
    session.rollback()
    assert session.scalar(select(func.count()).select_from(EmailChange)) == 0


def test_wrong_passwords_are_counted(logged_in):
    for _ in range(5):
        assert ask(logged_in, password="not my password").status_code == 422
    blocked = ask(logged_in)
    assert blocked.status_code == 429 and "Too many wrong passwords" in blocked.get_data(
        as_text=True)
    assert int(blocked.headers["Retry-After"]) > 0


@pytest.mark.parametrize("address, problem", [
    ("anna@example.org", "This is already your e-mail address."),
    ("ANNA@example.org", "This is already your e-mail address."),
    ("not an address", "Enter a valid email address"),
    ("аnna@example.org", "imitate others"),
])
def test_a_bad_or_unchanged_address_is_refused(logged_in, outbox, address, problem):
    response = ask(logged_in, address)
    assert response.status_code == 422 and problem in response.get_data(as_text=True)
    assert outbox() == []


def test_the_same_answer_when_another_account_uses_the_address(logged_in, session, anna,
                                                               make_user, outbox):
    make_user(NEW, name="Jan Kowalski")
    response = ask(logged_in)
    assert response.status_code == 302 and response.headers["Location"] == "/account"
    assert f"We have sent a link to {NEW}" in logged_in.get("/account").get_data(as_text=True)
    note, notice = outbox()
    # The owner of the address hears of it, with no link to spend; the old address as ever.
    assert note["To"] == NEW and "Jan Kowalski" in note.get_content()
    assert "/account/email/" not in note.get_content()
    assert "already uses" in note.get_content()
    assert notice["To"] == "anna@example.org" and "n***@example.org" in notice.get_content()
    assert email_of(session, anna) == "anna@example.org"


def test_an_address_taken_meanwhile_is_refused_clearly(logged_in, session, anna, make_user,
                                                       outbox):
    ask(logged_in)
    path = path_in(outbox()[0])
    make_user(NEW)
    for response in (logged_in.get(path), logged_in.post(path)):
        assert response.status_code == 409
        assert "Another account now uses this e-mail address" in response.get_data(as_text=True)
    assert email_of(session, anna) == "anna@example.org"


def test_an_expired_link_says_so_and_changes_nothing(logged_in, session, anna, clock, outbox):
    ask(logged_in)
    path = path_in(outbox()[0])
    clock.advance(timedelta(hours=24, minutes=1))
    for response in (logged_in.get(path), logged_in.post(path)):
        assert response.status_code == 410
        page = response.get_data(as_text=True)
        assert "has expired" in page and 'href="/account"' in page
    assert email_of(session, anna) == "anna@example.org"


def test_a_newer_request_replaces_the_older_link(logged_in, session, anna, outbox):
    ask(logged_in)
    ask(logged_in, "inny@example.org")
    first, second = path_in(outbox()[0]), path_in(outbox()[2])
    assert logged_in.get(first).status_code == 404
    assert logged_in.post(second).status_code == 302
    assert email_of(session, anna) == "inny@example.org"


def test_after_a_login_by_link_the_password_is_not_asked(logged_in, app, anna, session, outbox):
    visitor = app.test_client()
    visitor.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    post(visitor, "/login/link", {"email": "anna@example.org"})
    link = re.search(r"https?://\S+/login/link/\S+", outbox()[0].get_content()).group(0)
    assert visitor.post(link[link.index("/login/link/"):]).status_code == 302
    page = visitor.get("/account").get_data(as_text=True)
    assert "the current password is not asked" in page
    assert post(visitor, "/account/email", {"email-new_email": NEW}).status_code == 302
    assert outbox()[1]["To"] == NEW
    # Elsewhere, without a link, it is asked.
    assert logged_in.post("/account/email", data={"email-new_email": NEW}).status_code == 422


def test_the_pages_in_polish(app, make_user, outbox):
    make_user("ola@example.org", locale="pl")
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "pl"
    client.post("/login", data={"email": "ola@example.org", "password": TEST_PASSWORD})
    assert "Zmień adres e-mail" in client.get("/account").get_data(as_text=True)
    ask(client)
    page = client.get(path_in(outbox()[0])).get_data(as_text=True)
    assert "Potwierdź nowy adres" in page


def test_links_to_one_address_are_limited_and_wrong_passwords_do_not_count(logged_in, session,
                                                                           outbox):
    ask(logged_in, password="not my password")  # refused before any link is counted
    for _ in range(3):
        assert ask(logged_in).status_code == 302
    blocked = ask(logged_in)
    assert blocked.status_code == 429 and int(blocked.headers["Retry-After"]) > 0
    assert "Too many links were sent to this address" in blocked.get_data(as_text=True)
    assert [mail["To"] for mail in outbox()].count(NEW) == 3
    # The last link sent still works: the refused request changed nothing.
    assert logged_in.get(path_in(outbox()[-2])).status_code == 200
    assert ask(logged_in, "inny@example.org").status_code == 302  # another address is not held


def test_one_link_confirmed_six_times_at_once_changes_the_address_once(app, logged_in, session,
                                                                        anna, outbox):
    from tests.live import Request, all_at_once, served

    ask(logged_in)
    path = path_in(next(m for m in outbox() if m["To"] == NEW))
    tries = 6
    with served(app) as base:
        answers = all_at_once(base, [Request("POST", path, b"", {
            "Content-Type": "application/x-www-form-urlencoded", "Accept-Language": "en"})
            for _ in range(tries)], timeout=60)
    statuses = sorted(answer.status for answer in answers)
    assert statuses[0] in (200, 302) and statuses[1:] == [410] * (tries - 1)
    assert email_of(session, anna) == NEW
    session.rollback()
    assert session.scalar(select(func.count()).select_from(EmailChange)
                          .where(EmailChange.used_at.is_not(None))) == 1
    # The old address hears of the change once, besides the request's notice (that mail is
    # written once the answer has gone: wait a moment for it).
    deadline = time.monotonic() + 5
    while len(to_old := [m for m in outbox() if m["To"] == "anna@example.org"]) < 2 \
            and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(to_old) == 2


def waiting_note(client) -> str:
    page = client.get("/account").get_data(as_text=True)
    match = re.search(r"Waiting for you to follow the link sent to [^<]*", page)
    return match.group(0) if match else ""


@pytest.mark.parametrize("taken", [False, True])
def test_the_account_page_shows_the_waiting_change_alike_whether_or_not_taken(
        logged_in, make_user, outbox, taken):
    if taken:
        make_user(NEW, name="Jan Kowalski")
    assert waiting_note(logged_in) == ""
    ask(logged_in)
    assert waiting_note(logged_in) == (
        f"Waiting for you to follow the link sent to {NEW} (until 11/22/26, 1:00\u202fPM). "
        "Until then your address stays anna@example.org.")


def test_a_waiting_change_can_be_cancelled_and_its_link_dies(logged_in, session, anna, outbox):
    ask(logged_in)
    link = path_in(outbox()[0])
    response = post(logged_in, "/account/email/cancel")
    assert response.status_code == 302 and response.headers["Location"] == "/account"
    page = logged_in.get("/account").get_data(as_text=True)
    assert "The change of your e-mail address is cancelled" in page
    assert waiting_note(logged_in) == ""
    assert logged_in.get(link).status_code == 404
    assert post(logged_in, link).status_code == 404
    assert email_of(session, anna) == "anna@example.org"
    # Nothing waiting: cancelling again changes nothing and says nothing.
    post(logged_in, "/account/email/cancel")
    assert "is cancelled" not in logged_in.get("/account").get_data(as_text=True)
