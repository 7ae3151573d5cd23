"""Accounts through the browser's eyes: register, log in and out, sessions, rate limits."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from models import User
from tests.conftest import TEST_PASSWORD

GOOD = {"name": "Anna Nowak", "email": "anna@example.org", "password": TEST_PASSWORD,
        "confirm": TEST_PASSWORD}


@pytest.fixture
def user_count(session):
    def user_count() -> int:
        session.rollback()
        return session.scalar(select(func.count()).select_from(User))
    return user_count


def link_in(mail) -> str:
    return re.search(r"https?://\S+/register/\S+", mail.get_content()).group(0)


def test_register_mails_a_link_that_makes_the_account_and_leads_to_an_organization(
        client, user_count, outbox):
    response = client.post("/register", data=GOOD)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "We have sent an e-mail to anna@example.org" in client.get(
        "/").get_data(as_text=True)
    # No account before the address's owner follows the link.
    assert user_count() == 0
    [mail] = outbox()
    assert mail["To"] == "anna@example.org"
    link = link_in(mail)
    path = link[link.index("/register/"):]
    assert "Create account" in client.get(path).get_data(as_text=True)
    assert user_count() == 0  # a mail scanner opening the link makes nothing
    response = client.post(path)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/organizations/new")
    page = client.get("/").get_data(as_text=True)
    assert "Log out" in page and "Your organizations" in page
    assert user_count() == 1
    # The link works once.
    assert client.get(path).status_code == 404 and client.post(path).status_code == 404


@pytest.mark.parametrize("field, value, message", [
    ("email", "", "This field is required."),
    ("email", "anna", "Invalid email address."),
    ("name", "", "This field is required."),
    ("name", "x" * 121, "120"),
    ("password", "short", "Use at least 10 characters."),
    ("password", "password123", "too easy to guess"),
    ("confirm", "something else entirely", "The passwords do not match."),
])
def test_register_shows_errors_next_to_the_field_and_saves_nothing(client, user_count, field, value,
                                                                  message):
    data = {**GOOD, field: value}
    if field == "password":
        data["confirm"] = value
    response = client.post("/register", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in page
    assert f'id="{field}-error"' in page and 'aria-invalid="true"' in page
    assert user_count() == 0


def test_register_says_every_problem_at_once(client, user_count):
    """A short password that the repeat does not match, a bad address and no name: all four
    are said on the first answer, each beside its field, none hiding another."""
    response = client.post("/register", data={**GOOD, "name": "", "email": "anna",
                                               "password": "short", "confirm": "shorter"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    for field, message in (("name", "This field is required."),
                           ("email", "Invalid email address."),
                           ("password", "Use at least 10 characters."),
                           ("confirm", "The passwords do not match.")):
        error = re.search(rf'id="{field}-error">([^<]*)<', page)
        assert error and message in error.group(1), field
        assert f'href="#{field}"' in page  # the summary at the top links to it
    assert user_count() == 0


def test_a_new_password_is_checked_with_its_repeat_at_once(client, auth, make_user):
    make_user("anna@example.org")
    auth.login("anna@example.org")
    response = client.post("/account", data={
        "password-current_password": "correct horse battery staple",
        "password-new_password": "anna@example.org", "password-confirm": "different"})
    page = response.get_data(as_text=True)
    assert "The passwords do not match." in page and "too easy to guess" in page


def test_registering_a_taken_email_tells_its_owner_and_makes_nothing(client, make_user,
                                                                     user_count, outbox):
    make_user("anna@example.org")
    response = client.post("/register", data={**GOOD, "email": "Anna@Example.org"})
    # The answer of a new address (tests/security/test_tenancy.py compares the two).
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert user_count() == 1
    [mail] = outbox()
    assert mail["To"] == "anna@example.org"
    assert "you already have one" in mail.get_content()
    assert "/register/" not in mail.get_content()


def test_login_and_logout(client, auth, make_user):
    make_user("anna@example.org")
    response = auth.login("anna@example.org")
    assert response.status_code == 302
    assert client.get("/account").status_code == 200
    auth.logout()
    assert client.get("/account").status_code == 302


def test_wrong_password_is_refused_with_a_clear_message(client, auth, make_user):
    make_user("anna@example.org")
    response = auth.login("anna@example.org", "not the password")
    assert response.status_code == 401
    assert "Wrong email or password" in response.get_data(as_text=True)
    assert client.get("/account").status_code == 302


@pytest.mark.parametrize("target, expected", [
    ("/organizations/", "/organizations/"),
    ("/account?tab=1", "/account?tab=1"),
    ("https://evil.example.com/", "/"),
    ("//evil.example.com/", "/"),
    ("/\\evil.example.com", "/"),
    ("javascript:alert(1)", "/"),
    ("http:/evil.example.com", "/"),
])
def test_next_after_login_only_redirects_within_the_site(client, auth, make_user, target, expected):
    make_user("anna@example.org")
    response = auth.login("anna@example.org", next=target)
    assert response.status_code == 302
    assert response.headers["Location"] == expected


def test_protected_page_sends_to_login_and_back(client, auth, make_user):
    make_user("anna@example.org")
    response = client.get("/account")
    assert response.headers["Location"] == "/login?next=/account"
    form = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'name="next" type="hidden" value="/account"' in form
    assert auth.login("anna@example.org", next="/account").headers["Location"] == "/account"


def test_session_cookie_is_httponly_and_samesite_lax(client, auth, make_user):
    make_user("anna@example.org")
    response = auth.login("anna@example.org")
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_logging_in_starts_a_fresh_session(client, auth, make_user):
    make_user("anna@example.org")
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
        session["locale"] = "en"
    auth.login("anna@example.org")
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["locale"] == "en"  # the chosen language survives
        assert "login_at" in session


def test_password_change_ends_other_sessions_but_keeps_this_one(app, make_user):
    make_user("anna@example.org")
    phone, laptop = app.test_client(), app.test_client()
    for c in (phone, laptop):
        c.post("/login", data={"email": "anna@example.org", "password": TEST_PASSWORD})
    response = laptop.post("/account", data={
        "password-current_password": TEST_PASSWORD, "password-new_password": "a new long passphrase",
        "password-confirm": "a new long passphrase"})
    assert response.status_code == 302
    assert laptop.get("/account").status_code == 200
    assert phone.get("/account").status_code == 302
    assert phone.post("/login", data={"email": "anna@example.org",
                                      "password": "a new long passphrase"}).status_code == 302


def test_password_change_with_wrong_current_password_changes_nothing(client, auth, make_user,
                                                                     session):
    user = make_user("anna@example.org")
    old_hash = user.password_hash
    auth.login("anna@example.org")
    response = client.post("/account", data={
        "password-current_password": "wrong", "password-new_password": "a new long passphrase",
        "password-confirm": "a new long passphrase"})
    assert response.status_code == 422
    assert "The current password is not correct." in response.get_data(as_text=True)
    session.rollback()
    session.refresh(user)
    assert user.password_hash == old_hash


def test_profile_saves_name_and_language(client, auth, make_user, session):
    user = make_user("anna@example.org")
    auth.login("anna@example.org")
    response = client.post("/account", data={"profile-name": "Anna Maria Nowak", "profile-locale": "pl"})
    assert response.status_code == 302
    session.rollback()
    session.refresh(user)
    assert (user.name, user.locale) == ("Anna Maria Nowak", "pl")
    assert "Moje konto" in client.get("/account").get_data(as_text=True)
    response = client.post("/account", data={"profile-name": "", "profile-locale": "pl"})
    assert response.status_code == 422
    session.rollback()
    session.refresh(user)
    assert user.name == "Anna Maria Nowak"


def test_deactivated_user_is_logged_out_everywhere_and_cannot_log_in(app, make_user):
    make_user("admin@example.org", is_admin=True)
    user = make_user("anna@example.org")
    anna, admin = app.test_client(), app.test_client()
    anna.post("/login", data={"email": "anna@example.org", "password": TEST_PASSWORD})
    admin.post("/login", data={"email": "admin@example.org", "password": TEST_PASSWORD})
    assert admin.post(f"/admin/users/{user.id}/active", data={"active": "0"}).status_code == 302
    assert anna.get("/account").status_code == 302
    response = anna.post("/login", data={"email": "anna@example.org", "password": TEST_PASSWORD})
    assert response.status_code == 401


def test_failed_logins_are_limited_per_account_not_per_ip(app, client, auth, make_user):
    make_user("anna@example.org")
    make_user("jan@example.org")
    for _ in range(5):
        assert auth.login("anna@example.org", "wrong password").status_code == 401
    blocked = auth.login("anna@example.org")  # even the right password waits now
    assert blocked.status_code == 429
    page = blocked.get_data(as_text=True)
    assert "Too many failed logins for this account" in page
    # A short pause, said in words and in Retry-After, and a way in meanwhile.
    assert "try again in 5 minutes" in page
    assert 0 < int(blocked.headers["Retry-After"]) <= 300
    assert 'action="/login/link"' in page and "E-mail me a login link" in page
    # ... or a new password: a lock is no reason to wait when the password is forgotten.
    assert "or set a new password (Forgot your password?)" in page
    assert 'href="/password/reset"' in page
    # Another person at the same venue (same IP) logs in normally.
    other = app.test_client()
    assert other.post("/login", data={"email": "jan@example.org",
                                      "password": TEST_PASSWORD}).status_code == 302


def test_successful_logins_do_not_count_towards_the_limit(app, make_user):
    make_user("anna@example.org")
    for _ in range(8):
        c = app.test_client()
        assert c.post("/login", data={"email": "anna@example.org",
                                      "password": TEST_PASSWORD}).status_code == 302


def test_forms_are_protected_against_csrf(database_url, make_user, clock):
    from app import create_app

    make_user("anna@example.org")
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=database_url, WTF_CSRF_ENABLED=True,
                     CLOCK=clock)
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    response = client.post("/login", data={"email": "anna@example.org", "password": TEST_PASSWORD})
    assert response.status_code == 400
    assert "The form expired" in response.get_data(as_text=True)
    response = client.post("/register", data={**GOOD, "email": "new@example.org"})
    assert response.status_code == 400
