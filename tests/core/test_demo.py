"""The demo county: built through the core services, loaded once, usable for logging in."""
from __future__ import annotations

import ast
from pathlib import Path

from sqlalchemy import func, select

from exchange import accounts, demo
from exchange.demo import DEMO_ADMIN_EMAIL, DEMO_LOGINS, DEMO_PASSWORD, load_demo_data
from models import MemberRole, Membership, Organization, Sector, User

COUNTY = {"Tczew", "Pelplin", "Gniew", "Subkowy", "Morzeszczyn"}


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def _load(session, now) -> None:
    assert load_demo_data(session, now) is True
    session.commit()


def test_loads_a_county_covering_every_sector(session, now):
    _load(session, now)

    orgs = session.scalars(select(Organization)).all()
    assert len(orgs) >= 12
    assert {org.sector for org in orgs} == set(Sector)
    assert {org.municipality for org in orgs} == COUNTY
    for org in orgs:
        assert any(m.role is MemberRole.OWNER and m.can_sign for m in org.memberships), org.name
    names = [org.name for org in orgs]
    for expected in ("Miejska Biblioteka Publiczna", "Centrum Kultury", "Szkoła Podstawowa",
                     "Urząd Gminy", "Ośrodek Pomocy Społecznej", "Ochotnicza Straż Pożarna",
                     "Klub Seniora", "Bank Spółdzielczy"):
        assert any(expected in name for name in names), expected


def test_demo_data_mixes_verification_contacts_and_signing_rights(session, now):
    _load(session, now)

    orgs = session.scalars(select(Organization)).all()
    verified = [org for org in orgs if org.is_verified]
    assert 0 < len(verified) < len(orgs)
    assert all(org.verified_at == now for org in verified)
    assert {org.is_contact_public for org in orgs} == {True, False}
    members = session.scalars(select(Membership).where(Membership.role == MemberRole.MEMBER)).all()
    assert {m.can_sign for m in members} == {True, False}


def test_admin_and_every_demo_login_work_with_the_shared_password(session, now):
    _load(session, now)

    admin = accounts.find_user_by_email(session, DEMO_ADMIN_EMAIL)
    assert admin.is_admin and admin.name == "Administrator Giełdy"
    assert session.scalars(select(User).where(User.is_admin)).all() == [admin]
    assert {user.locale for user in session.scalars(select(User))} == {"pl"}
    assert DEMO_ADMIN_EMAIL in dict(DEMO_LOGINS)
    for email, description in DEMO_LOGINS:
        assert description
        user = accounts.authenticate(session, email=email, password=DEMO_PASSWORD, now=now)
        assert user is not None and user.email == email
        assert user.is_admin or user.memberships, email


def test_the_plain_member_login_cannot_sign(session, now):
    _load(session, now)

    member = accounts.find_user_by_email(session, "piotr.lewandowski@example.org")
    assert "piotr.lewandowski@example.org" in dict(DEMO_LOGINS)
    assert [(m.role, m.can_sign) for m in member.memberships] == [(MemberRole.MEMBER, False)]


def test_a_second_run_changes_nothing(session, now):
    _load(session, now)
    counts = [_count(session, model) for model in (User, Organization, Membership)]

    assert load_demo_data(session, now) is False
    session.commit()

    assert [_count(session, model) for model in (User, Organization, Membership)] == counts


def test_the_module_does_not_import_flask():
    tree = ast.parse(Path(demo.__file__).read_text(encoding="utf-8"))
    imported = [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names]
    imported += [node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
    assert not [name for name in imported if name.split(".")[0].startswith("flask")]
