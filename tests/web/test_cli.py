"""Command-line commands: creating an administrator and loading the demo data."""
from __future__ import annotations

from sqlalchemy import func, select

from exchange.cli.demo import DEMO_ADMIN_EMAIL
from models import Organization, User


def test_create_admin_creates_an_account_that_can_log_in(runner, client, session):
    result = runner.invoke(args=["create-admin", "--email", "Root@Example.org", "--name", "Root",
                                 "--password", "correct horse battery staple"])
    assert result.exit_code == 0, result.output
    assert "Created administrator root@example.org" in result.output
    client.post("/login", data={"email": "root@example.org",
                                "password": "correct horse battery staple"})
    assert client.get("/admin/users").status_code == 200


def test_create_admin_promotes_an_existing_user(runner, session, make_user):
    user = make_user("jan@example.org")
    result = runner.invoke(args=["create-admin", "--email", "jan@example.org"])
    assert result.exit_code == 0, result.output
    assert "Promoted" in result.output
    session.rollback()
    session.refresh(user)
    assert user.is_admin


def test_create_admin_refuses_a_weak_password_and_creates_nothing(runner, session):
    result = runner.invoke(args=["create-admin", "--email", "root@example.org",
                                 "--password", "admin"])
    assert result.exit_code == 1
    assert "at least 10 characters" in result.output
    session.rollback()
    assert session.scalar(select(func.count()).select_from(User)) == 0


def test_load_demo_data_runs_once(runner, session):
    first = runner.invoke(args=["load-demo-data"])
    assert first.exit_code == 0 and "Demo data loaded." in first.output
    session.rollback()
    counts = (session.scalar(select(func.count()).select_from(User)),
              session.scalar(select(func.count()).select_from(Organization)))
    second = runner.invoke(args=["load-demo-data"])
    assert second.exit_code == 0 and "nothing changed" in second.output
    session.rollback()
    assert (session.scalar(select(func.count()).select_from(User)),
            session.scalar(select(func.count()).select_from(Organization))) == counts
    assert session.scalar(select(User.is_admin).where(User.email == DEMO_ADMIN_EMAIL))
