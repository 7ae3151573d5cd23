"""A change of e-mail address in the core: nothing changes until the link sent to the new
address is followed; the link is stored only as a hash, works once and for 24 hours, a newer
request replaces it, and an address taken meanwhile is not given away twice."""
from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from exchange.core import email_change, logins
from exchange.core.errors import Conflict, NotFound, ValidationError
from models import EmailChange, User, UserSession
from tests.conftest import TEST_PASSWORD

NEW = "nowy.adres@example.org"


@pytest.fixture
def anna(make_user):
    return make_user("anna@example.org")


def ask(session, user, now, new_email=NEW, password=TEST_PASSWORD, **extra):
    result = email_change.request_email_change(session, user, new_email=new_email,
                                               password=password, now=now, **extra)
    session.commit()
    return result


def fields_of(error: ValidationError) -> set:
    return set(error.value.errors)


def test_nothing_changes_until_the_link_and_only_its_hash_is_stored(session, anna, now):
    email, existing, secret = ask(session, anna, now, new_email="  Nowy.Adres@Example.ORG ")
    assert (email, existing) == (NEW, None) and secret
    change = session.scalar(select(EmailChange))
    assert change.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in {change.token_hash, change.new_email}
    assert (change.new_email, change.expires_at, change.used_at) == (
        NEW, now + timedelta(hours=24), None)
    assert session.get(User, anna.id).email == "anna@example.org"


def test_the_link_changes_the_address_and_keeps_the_sessions(session, anna, now):
    login_id = logins.start_session(session, anna, now)
    session.commit()
    _email, _existing, secret = ask(session, anna, now)
    user, old = email_change.confirm_email_change(session, secret, now + timedelta(hours=1))
    session.commit()
    assert (user.id, user.email, old) == (anna.id, NEW, "anna@example.org")
    assert logins.user_for_session(session, login_id, now).id == anna.id
    assert session.scalar(select(UserSession)).revoked_at is None


def test_a_wrong_password_or_a_bad_address_is_refused_at_its_field(session, anna, now):
    with pytest.raises(ValidationError) as wrong:
        ask(session, anna, now, password="not the password")
    assert fields_of(wrong) == {"current_password"}
    for bad in ("not an address", "аnna@example.org", "ANNA@example.org", ""):
        with pytest.raises(ValidationError) as refused:
            ask(session, anna, now, new_email=bad)
        assert fields_of(refused) == {"new_email"}, bad
    session.rollback()
    assert session.scalar(select(EmailChange)) is None


def test_a_login_by_link_stands_in_for_the_password(session, anna, now):
    _email, _existing, secret = ask(session, anna, now, password=None, logged_in_by_link=True)
    assert secret


def test_an_address_with_an_account_names_that_account_and_hands_out_no_link(
        session, anna, make_user, now):
    other = make_user(NEW)
    email, existing, secret = ask(session, anna, now)
    assert (email, existing.id, secret) == (NEW, other.id, None)
    # The request waits like any other (the account page must not tell the two apart), but
    # no secret of it ever leaves the server, so the address is never given away.
    waiting = email_change.waiting_change(session, anna, now)
    assert waiting is not None and waiting.new_email == NEW
    assert session.get(User, anna.id).email == "anna@example.org"


def test_the_waiting_request_is_shown_until_followed_expired_or_cancelled(session, anna, now):
    assert email_change.waiting_change(session, anna, now) is None
    _email, _existing, secret = ask(session, anna, now)
    assert email_change.waiting_change(session, anna, now).new_email == NEW
    assert email_change.waiting_change(session, anna, now + timedelta(hours=24)) is None

    assert email_change.cancel_change(session, anna, now) is True
    session.commit()
    assert email_change.waiting_change(session, anna, now) is None
    with pytest.raises(NotFound):  # a cancelled request's link is dead
        email_change.confirm_email_change(session, secret, now)
    assert email_change.cancel_change(session, anna, now) is False

    _email, _existing, secret = ask(session, anna, now)
    email_change.confirm_email_change(session, secret, now + timedelta(minutes=1))
    session.commit()
    assert email_change.waiting_change(session, anna, now + timedelta(minutes=1)) is None


def test_the_link_works_once(session, anna, now):
    _email, _existing, secret = ask(session, anna, now)
    email_change.confirm_email_change(session, secret, now)
    session.commit()
    with pytest.raises(ValidationError, match="already been used"):
        email_change.check_email_change(session, secret, now)
    with pytest.raises(ValidationError, match="already been used"):
        email_change.confirm_email_change(session, secret, now)


def test_the_link_expires_after_24_hours(session, anna, now):
    _email, _existing, secret = ask(session, anna, now)
    email_change.check_email_change(session, secret, now + timedelta(hours=23, minutes=59))
    with pytest.raises(ValidationError, match="expired"):
        email_change.confirm_email_change(session, secret, now + timedelta(hours=24))
    session.rollback()
    assert session.get(User, anna.id).email == "anna@example.org"


@pytest.mark.parametrize("secret", ["unknown", "x" * 5000, None])
def test_an_unknown_link_is_not_found(session, anna, now, secret):
    with pytest.raises(NotFound):
        email_change.check_email_change(session, secret, now)


def test_a_newer_request_replaces_the_older_one(session, anna, now):
    _email, _existing, first = ask(session, anna, now)
    _email, _existing, second = ask(session, anna, now + timedelta(minutes=5),
                                    new_email="inny@example.org")
    with pytest.raises(NotFound):
        email_change.confirm_email_change(session, first, now + timedelta(minutes=6))
    user, _old = email_change.confirm_email_change(session, second, now + timedelta(minutes=6))
    assert user.email == "inny@example.org"
    assert session.scalar(select(EmailChange.new_email)) == "inny@example.org"


def test_a_request_for_a_taken_address_also_drops_the_older_link(session, anna, make_user, now):
    """Else the older link would still work only when the address asked for is taken."""
    make_user("zajety@example.org")
    _email, _existing, first = ask(session, anna, now)
    ask(session, anna, now, new_email="zajety@example.org")
    with pytest.raises(NotFound):
        email_change.check_email_change(session, first, now)


def test_an_address_taken_meanwhile_is_refused_and_the_link_left_unspent(session, anna,
                                                                          make_user, now):
    _email, _existing, secret = ask(session, anna, now)
    make_user(NEW)
    with pytest.raises(Conflict, match="Another account now uses"):
        email_change.confirm_email_change(session, secret, now)
    session.rollback()
    assert session.get(User, anna.id).email == "anna@example.org"
    assert session.scalar(select(EmailChange.used_at)) is None


def test_an_address_taken_a_moment_before_the_update_is_refused(session, engine, anna,
                                                                  make_user, now, monkeypatch):
    """Checked free, then taken before the update: the unique address refuses it."""
    _email, _existing, secret = ask(session, anna, now)
    seen = email_change.check_email_change(session, secret, now)
    make_user(NEW)
    monkeypatch.setattr(email_change, "check_email_change", lambda *args: seen)
    with pytest.raises(Conflict, match="Another account now uses"):
        email_change.confirm_email_change(session, secret, now)
    session.rollback()
    assert session.get(User, anna.id).email == "anna@example.org"


def test_a_deactivated_account_changes_nothing_with_an_old_link(session, anna, now):
    _email, _existing, secret = ask(session, anna, now)
    session.get(User, anna.id).is_active = False
    session.commit()
    with pytest.raises(ValidationError, match="deactivated"):
        email_change.confirm_email_change(session, secret, now)


def test_two_uses_racing_with_one_link_change_the_address_once(session, engine, anna, now,
                                                               monkeypatch):
    """Both read the link as unused; the conditional update lets only the first one through."""
    _email, _existing, secret = ask(session, anna, now)
    with Session(engine) as late:
        as_late_read_it = email_change.check_email_change(late, secret, now)
        late.commit()
        email_change.confirm_email_change(session, secret, now)
        session.commit()
        monkeypatch.setattr(email_change, "check_email_change", lambda *args: as_late_read_it)
        with pytest.raises(ValidationError, match="already been used"):
            email_change.confirm_email_change(late, secret, now)
        late.rollback()
    session.expire_all()
    assert session.get(User, anna.id).email == NEW


def test_the_new_address_is_masked_for_the_old_one():
    assert email_change.mask_email("nowy.adres@example.org") == "n***@example.org"
