"""The app as a whole: configuration, the database connection, headers, assets, error pages."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import text

from config import ConfigError, load_config
from tests.conftest import login_id

ROOT = Path(__file__).resolve().parents[2]


def test_production_refuses_to_start_without_a_secret_key_or_a_database(monkeypatch):
    monkeypatch.setenv("BASE_URL", "https://gielda.example.org")
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/0")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("DATABASE_URL", "postgresql://db/gielda")
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        load_config("production")
    monkeypatch.setenv("SECRET_KEY", "short")
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        load_config("production")
    monkeypatch.setenv("SECRET_KEY", "x" * 48)
    monkeypatch.delenv("DATABASE_URL")
    with pytest.raises(ConfigError, match="DATABASE_URL"):
        load_config("production")
    monkeypatch.setenv("DATABASE_URL", "postgresql://db/gielda")
    config = load_config("production")
    assert config.SQLALCHEMY_DATABASE_URI == "postgresql+psycopg://db/gielda"
    assert config.SESSION_COOKIE_SECURE and config.REMEMBER_COOKIE_SECURE


@pytest.mark.parametrize("name", ["development", "testing", "production"])
def test_database_url_chooses_the_database_in_every_configuration(monkeypatch, name):
    monkeypatch.setenv("SECRET_KEY", "x" * 48)
    monkeypatch.setenv("BASE_URL", "https://gielda.example.org")
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/0")
    monkeypatch.setenv("DATABASE_URL", "sqlite:////tmp/chosen.db")
    assert load_config(name).SQLALCHEMY_DATABASE_URI == "sqlite:////tmp/chosen.db"


def test_the_default_database_is_a_sqlite_file_under_instance(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert load_config("development").SQLALCHEMY_DATABASE_URI == \
        f"sqlite:///{ROOT / 'instance' / 'gielda.sqlite3'}"


def test_unknown_configuration_is_refused():
    with pytest.raises(ConfigError, match="Unknown configuration"):
        load_config("staging")


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path):
    from app import create_app
    from exchange.http.extensions import db

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'x.sqlite3'}")
    with app.app_context():
        assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1
        db.engine.dispose()


def test_security_headers(client):
    response = client.get("/")
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_every_stylesheet_and_script_is_self_hosted(client):
    for template in (ROOT / "templates").rglob("*.html"):
        source = template.read_text(encoding="utf-8")
        assert not re.search(r'<(link|script)[^>]+(href|src)="(https?:)?//', source), template
    page = client.get("/").get_data(as_text=True)
    for asset in re.findall(r'(?:href|src)="(/static/[^"]+)"', page):
        assert client.get(asset).status_code == 200, asset


def test_pages_work_on_a_phone(client):
    page = client.get("/").get_data(as_text=True)
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    assert 'class="skip-link"' in page


@pytest.mark.parametrize("url, status, title", [
    ("/no-such-page", 404, "Page not found"),
    ("/organizations/?sector=church", 400, "Unknown sector. Choose one of: public, ngo"),
])
def test_error_pages_are_html_in_the_users_language(client, app, url, status, title):
    response = client.get(url)
    assert response.status_code == status
    assert response.mimetype == "text/html" and title in response.get_data(as_text=True)
    polish = app.test_client().get("/no-such-page").get_data(as_text=True)
    assert "Nie znaleziono strony" in polish


def test_forbidden_page(client, make_user):
    user = make_user()
    with client.session_transaction() as s:
        s["_user_id"] = login_id(user)
    response = client.get("/admin/users")
    assert response.status_code == 403 and "Access denied" in response.get_data(as_text=True)


def test_server_error_page_says_nothing_was_lost(app):
    from flask.testing import FlaskClient

    app.test_client_class = FlaskClient  # /api/v1/explode is not in the OpenAPI document
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"

    def explode():
        raise RuntimeError("boom")
    explode.access_rule = "public"
    app.add_url_rule("/explode", "explode", explode)
    app.add_url_rule("/api/v1/explode", "api_explode", explode)
    app.testing = False  # let the error handler answer instead of re-raising
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = client.get("/explode")
    assert response.status_code == 500
    assert "Nothing you saved was lost" in response.get_data(as_text=True)
    response = client.get("/api/v1/explode")
    assert response.status_code == 500 and response.json["error"] == "server_error"


def test_api_errors_are_json(client):
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.json == {"error": "not_found",
                             "message": "There is no such page, or it is not visible to you."}
    response = client.get("/api/v1/organizations?sector=church")
    assert response.status_code == 400 and response.json["error"] == "bad_request"
    assert response.json["message"].startswith("Unknown sector. Choose one of: public, ngo,")
    response = client.post("/api/v1/organizations")
    assert response.status_code == 405 and response.json["error"] == "method_not_allowed"


def test_health_check(client):
    assert client.get("/healthz").json == {"status": "ok"}


def test_absurd_ids_and_pages_are_not_found_rather_than_crashing(client):
    assert client.get("/organizations/99999999999999999999").status_code == 404
    assert client.get("/listings/99999999999").status_code == 404
    assert client.get("/api/v1/listings/99999999999").status_code == 404
    assert client.get("/listings/?page=100000000000000000000").status_code == 200


def test_a_nul_character_anywhere_is_refused_with_a_message(app, client, make_user, auth,
                                                             session):
    from models import ApiToken, User

    make_user("nul@example.org")
    response = client.post("/api/v1/tokens", json={"email": "\x00", "password": "x"})
    assert response.status_code == 400 and response.json["error"] == "nul_character"
    response = client.post("/api/v1/tokens", json={"email": "nul@example.org",
                                                   "password": "x", "name": ["a\x00"]})
    assert response.status_code == 400
    assert client.get("/api/v1/listings?q=sala%00").status_code == 400
    assert client.get("/organizations/?municipality=%00").status_code == 400
    response = auth.login("nul@example.org\x00")
    assert response.status_code == 400
    assert "NUL character" in response.get_data(as_text=True)
    polish = app.test_client()
    polish.environ_base["HTTP_ACCEPT_LANGUAGE"] = "pl"
    page = polish.post("/register", data={"name": "A\x00"}).get_data(as_text=True)
    assert "znaku NUL" in page
    assert session.query(ApiToken).count() == 0 and session.query(User).count() == 1
