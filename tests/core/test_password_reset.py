"""A new password set with an e-mailed link, in the core: the link is stored only as a hash,
works once and for an hour, only to set a password, and the new password ends every session."""
from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from exchange.core import accounts, logins, password_reset
from exchange.core.errors import NotFound, ValidationError
from models import LoginLink, User, UserSession
from tests.conftest import TEST_PASSWORD

NEW = "a new long passphrase"


@pytest.fixture
def anna(make_user):
    return make_user("anna@example.org")


def issue(session, user, now) -> str:
    secret = password_reset.issue_reset_link(session, user, now)
    session.commit()
    return secret


def test_the_link_is_stored_only_as_a_hash_for_an_hour(session, anna, now):
    secret = issue(session, anna, now)
    link = session.scalars(select(LoginLink)).one()
    assert link.purpose == "reset"
    assert link.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in (link.token_hash, str(link.id))
    assert link.expires_at - link.created_at == timedelta(hours=1)


def test_no_link_for_no_account_or_a_deactivated_one(session, anna, now):
    assert password_reset.issue_reset_link(session, None, now) is None
    anna.is_active = False
    assert password_reset.issue_reset_link(session, anna, now) is None
    assert session.scalars(select(LoginLink)).all() == []


def test_the_new_password_works_and_the_old_one_no_longer(session, anna, now):
    secret = issue(session, anna, now)
    assert password_reset.check_reset_link(session, secret, now) == anna
    user = password_reset.reset_password(session, secret, new=NEW, now=now)
    session.commit()
    assert user == anna and anna.password_changed_at == now
    assert accounts.authenticate(session, email="anna@example.org", password=NEW, now=now)
    assert not accounts.authenticate(session, email="anna@example.org", password=TEST_PASSWORD,
                                     now=now)


def test_the_link_works_once(session, anna, now):
    secret = issue(session, anna, now)
    password_reset.reset_password(session, secret, new=NEW, now=now)
    session.commit()
    for attempt in (lambda: password_reset.check_reset_link(session, secret, now),
                    lambda: password_reset.reset_password(session, secret,
                                                          new="another long passphrase", now=now)):
        with pytest.raises(ValidationError, match="already been used"):
            attempt()
    session.rollback()
    assert accounts.verify_password(anna, NEW)


def test_the_link_expires_after_an_hour(session, anna, now):
    secret = issue(session, anna, now)
    later = now + timedelta(hours=1)
    with pytest.raises(ValidationError, match="has expired"):
        password_reset.check_reset_link(session, secret, later)
    with pytest.raises(ValidationError, match="has expired"):
        password_reset.reset_password(session, secret, new=NEW, now=later)
    session.rollback()
    assert accounts.verify_password(anna, TEST_PASSWORD)
    # A minute before, it still works.
    password_reset.reset_password(session, secret, new=NEW, now=later - timedelta(minutes=1))


@pytest.mark.parametrize("secret", ["", "not-a-real-secret", "x" * 5000])
def test_an_unknown_link_is_not_found(session, anna, now, secret):
    with pytest.raises(NotFound, match="is not valid"):
        password_reset.reset_password(session, secret, new=NEW, now=now)


def test_a_weak_password_is_refused_at_its_field_and_leaves_the_link_unspent(session, anna, now):
    secret = issue(session, anna, now)
    for weak, reason in (("short", "at least 10"), ("anna nowak 2026", "too easy")):
        with pytest.raises(ValidationError) as caught:
            password_reset.reset_password(session, secret, new=weak, now=now)
        assert list(caught.value.errors) == ["new_password"]
        assert reason in str(caught.value.errors["new_password"][0])
        session.rollback()
    assert session.scalars(select(LoginLink)).one().used_at is None
    password_reset.reset_password(session, secret, new=NEW, now=now)


def test_a_login_link_sets_no_password_and_a_reset_link_logs_nobody_in(session, anna, now):
    login_secret = logins.issue_login_link(session, anna, now)
    reset_secret = issue(session, anna, now)
    with pytest.raises(NotFound):
        password_reset.check_reset_link(session, login_secret, now)
    with pytest.raises(NotFound):
        password_reset.reset_password(session, login_secret, new=NEW, now=now)
    with pytest.raises(NotFound):
        logins.check_login_link(session, reset_secret, now)
    with pytest.raises(NotFound):
        logins.use_login_link(session, reset_secret, now)
    session.rollback()
    assert session.scalars(select(LoginLink.used_at)).all() == [None, None]
    assert accounts.verify_password(anna, TEST_PASSWORD)


def test_the_new_password_ends_every_session(session, anna, now):
    phone = logins.start_session(session, anna, now)
    laptop = logins.start_session(session, anna, now)
    old_token = anna.session_token
    secret = issue(session, anna, now)
    password_reset.reset_password(session, secret, new=NEW, now=now)
    session.commit()
    assert anna.session_token != old_token
    assert logins.user_for_session(session, phone, now) is None
    assert logins.user_for_session(session, laptop, now) is None
    assert all(s.revoked_at == now for s in session.scalars(select(UserSession)))


def test_a_deactivated_account_sets_no_password_with_an_old_link(session, anna, now):
    secret = issue(session, anna, now)
    anna.is_active = False
    session.commit()
    with pytest.raises(ValidationError, match="deactivated"):
        password_reset.reset_password(session, secret, new=NEW, now=now)


def test_two_uses_racing_with_one_link_set_one_password(session, engine, anna, now, monkeypatch):
    """Both read the link as unused; the conditional update lets only the first one through."""
    secret = issue(session, anna, now)
    with Session(engine) as late:
        user_as_late_read_it = password_reset.check_reset_link(late, secret, now)
        late.commit()
        password_reset.reset_password(session, secret, new=NEW, now=now)
        session.commit()
        monkeypatch.setattr(password_reset, "check_reset_link", lambda *args: user_as_late_read_it)
        with pytest.raises(ValidationError, match="already been used"):
            password_reset.reset_password(late, secret, new="the loser's passphrase", now=now)
        late.rollback()
    session.expire_all()
    assert accounts.verify_password(session.get(User, anna.id), NEW)
