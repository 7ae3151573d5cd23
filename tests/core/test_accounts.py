"""Accounts in the core: registration rules, password hashing and changes, deactivation."""
from __future__ import annotations

import pytest
from argon2 import PasswordHasher
from sqlalchemy import func, select

from exchange.core import accounts
from exchange.core.errors import Forbidden, ValidationError
from models import User
from tests.conftest import TEST_PASSWORD


def register(session, now, **kw):
    data = {"email": "anna@example.org", "name": "Anna Nowak", "password": TEST_PASSWORD,
            "locale": "pl", "now": now, **kw}
    return accounts.register_user(session, **data)


def users(session) -> int:
    return session.scalar(select(func.count()).select_from(User))


def test_register_normalises_email_and_hashes_with_argon2id_at_owasp_minimum(session, now):
    user = register(session, now, email="  Anna@Example.ORG ")
    assert user.email == "anna@example.org"
    assert user.password_hash.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert TEST_PASSWORD not in user.password_hash
    PasswordHasher().verify(user.password_hash, TEST_PASSWORD)


@pytest.mark.parametrize("password, reason", [
    ("short", "at least 10"),
    ("password123", "too easy"),
    ("haslo12345", "too easy"),
    ("nowak12345", "too easy"),  # the user's own name and a sequence
    ("x" * 300, "at most 256"),
])
def test_register_refuses_weak_passwords(session, now, password, reason):
    with pytest.raises(ValidationError) as caught:
        register(session, now, name="Anna Nowak", email="anna.nowak@example.org",
                 password=password)
    assert reason in str(caught.value.errors["password"][0])
    assert users(session) == 0


@pytest.mark.parametrize("field, value", [
    ("email", ""), ("email", "not-an-email"), ("email", "a@" + "b" * 260 + ".pl"),
    ("name", ""), ("name", "   "), ("name", "N" * 121), ("email", 42),
])
def test_register_refuses_bad_input_and_saves_nothing(session, now, field, value):
    with pytest.raises(ValidationError) as caught:
        register(session, now, **{field: value})
    assert field in caught.value.errors
    assert users(session) == 0


def test_register_refuses_a_taken_email_whatever_its_case(session, now):
    register(session, now)
    with pytest.raises(ValidationError) as caught:
        register(session, now, email="ANNA@example.org", name="Other")
    assert "already exists" in str(caught.value.errors["email"][0])
    assert users(session) == 1


def test_authenticate_accepts_only_the_right_password_of_an_active_user(session, now):
    user = register(session, now)
    assert accounts.authenticate(session, email="ANNA@example.org", password=TEST_PASSWORD, now=now) is user
    assert user.last_login_at == now
    assert accounts.authenticate(session, email="anna@example.org", password="wrong", now=now) is None
    assert accounts.authenticate(session, email="nobody@example.org", password=TEST_PASSWORD, now=now) is None
    user.is_active = False
    assert accounts.authenticate(session, email="anna@example.org", password=TEST_PASSWORD, now=now) is None


def test_change_password_needs_the_current_one_and_rotates_the_session_token(session, now):
    user = register(session, now)
    token = user.session_token
    with pytest.raises(ValidationError) as caught:
        accounts.change_password(session, user, current="wrong", new="a brand new passphrase", now=now)
    assert "current_password" in caught.value.errors
    assert user.session_token == token

    accounts.change_password(session, user, current=TEST_PASSWORD, new="a brand new passphrase", now=now)
    assert user.session_token != token
    assert accounts.verify_password(user, "a brand new passphrase")
    assert not accounts.verify_password(user, TEST_PASSWORD)


def test_change_password_refuses_the_same_password(session, now):
    user = register(session, now)
    with pytest.raises(ValidationError) as caught:
        accounts.change_password(session, user, current=TEST_PASSWORD, new=TEST_PASSWORD, now=now)
    assert "must differ" in str(caught.value.errors["new_password"][0])


def test_only_admins_deactivate_and_deactivation_ends_sessions(session, now):
    admin = register(session, now, email="admin@example.org")
    admin.is_admin = True
    user = register(session, now, email="user@example.org")
    token = user.session_token
    with pytest.raises(Forbidden):
        accounts.set_active(session, user, admin, active=False, now=now)
    with pytest.raises(ValidationError):
        accounts.set_active(session, admin, admin, active=False, now=now)

    accounts.set_active(session, admin, user, active=False, now=now)
    assert not user.is_active and user.deactivated_at == now
    assert user.session_token != token
    accounts.set_active(session, admin, user, active=True, now=now)
    assert user.is_active and user.deactivated_at is None


def test_create_admin_creates_or_promotes(session, now):
    admin, created = accounts.create_admin(session, email="root@example.org", name="Root",
                                           password=TEST_PASSWORD, now=now)
    assert created and admin.is_admin
    plain = register(session, now)
    promoted, created = accounts.create_admin(session, email=plain.email, name="x", password="", now=now)
    assert promoted is plain and promoted.is_admin and not created
