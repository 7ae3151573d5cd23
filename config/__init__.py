"""Configuration classes, one per environment, chosen by name or by APP_ENV."""
from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = ROOT / "instance"


class ConfigError(RuntimeError):
    """A configuration that must not be run (e.g. production without a secret key)."""


def normalise_database_url(url: str) -> str:
    """Return a SQLAlchemy URL, choosing psycopg 3 for bare PostgreSQL URLs."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


DEVELOPMENT_SECRET_KEY = "dev-only-not-secret"


def _flag(value: str) -> bool:
    return value.strip().lower() in ("1", "true", "yes", "on")


class Config:
    """Defaults for every environment; the environment variables are read when instantiated."""

    APP_NAME = "Giełda"
    SECRET_KEY = DEVELOPMENT_SECRET_KEY
    SQLALCHEMY_DATABASE_URI = f"sqlite:///{INSTANCE / 'gielda.sqlite3'}"
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}

    LANGUAGES = ("pl", "en")
    BABEL_DEFAULT_LOCALE = "pl"
    BABEL_DEFAULT_TIMEZONE = "Europe/Warsaw"
    BABEL_TRANSLATION_DIRECTORIES = str(ROOT / "exchange" / "translations")

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = False
    REMEMBER_COOKIE_DURATION = timedelta(days=30)

    WTF_CSRF_TIME_LIMIT = None  # a form left open on a phone during a long event stays valid

    # A login lasts at most this long on the server, remembered or not.
    SESSION_LIFETIME = timedelta(days=30)
    # Failed logins per account, web and API together (not per IP: a whole venue shares one
    # address). The window is short: past it the owner waits minutes, or uses a login link.
    LOGIN_FAILURE_LIMIT = "5 per 5 minutes"
    # Wrong passwords typed again (to sign, to change the password), per user.
    PASSWORD_FAILURE_LIMIT = "5 per 5 minutes"
    # One-time login links: asked for per e-mail address and per client address.
    LOGIN_LINK_LIMIT_PER_EMAIL = "3 per hour"
    LOGIN_LINK_LIMIT_PER_IP = "30 per hour"
    LOGIN_LINK_LIFETIME = timedelta(hours=1)
    # Downloads of one's own data (a JSON of everything about the user), per user.
    PERSONAL_DATA_LIMIT = "5 per hour"
    # Where the counters live. memory:// counts in each worker alone; production needs a
    # store all workers share (redis://host:6379/0).
    RATELIMIT_STORAGE_URI = "memory://"
    # How many proxies in front of the app set X-Forwarded-For (e.g. 1 behind nginx): limits
    # per client address must see the client's, not the proxy's. 0 trusts no such header.
    TRUSTED_PROXIES = 0

    ORGANIZATIONS_PER_PAGE = 20
    LISTINGS_PER_PAGE = 20
    # A request body: forms and the API's JSON need far less; a view marked takes_upload
    # (the imports) takes a file up to MAX_UPLOAD_LENGTH.
    MAX_CONTENT_LENGTH = 1024 * 1024
    MAX_UPLOAD_LENGTH = 10 * 1024 * 1024
    MIGRATIONS_DIR = str(ROOT / "migrations")

    # The address people open the site at: every absolute link (e-mails, QR codes on
    # printouts, the calendar's address, the API's "url" fields) starts with it, never with
    # the Host header a request came with.
    BASE_URL = "http://127.0.0.1:5000"
    # Host names this site answers (others get 400); None: any. Production: TRUSTED_HOSTS
    # from the environment (comma-separated), by default the host of BASE_URL.
    TRUSTED_HOSTS: list[str] | None = None
    STRICT_TRANSPORT_SECURITY = ""   # production: browsers keep to https for two years
    # Map tiles for the partnership's map of resources and needs, e.g.
    # "https://tile.example.org/{z}/{x}/{y}.png"; empty: no tiles (the grid and the list of
    # places still show). Its origin is added to the page's img-src only when set.
    MAP_TILE_URL = ""
    MAP_TILE_ATTRIBUTION = ""
    # E-mail: SMTP when MAIL_SERVER is set, else (and always in development and tests, unless
    # MAIL_USE_OUTBOX=0) one .eml file per mail in MAIL_OUTBOX (default instance/outbox/).
    MAIL_SERVER = ""
    MAIL_PORT = 587
    MAIL_USERNAME = ""
    MAIL_PASSWORD = ""
    MAIL_USE_TLS = True    # STARTTLS on MAIL_PORT
    MAIL_USE_SSL = False   # TLS from the first byte (port 465)
    MAIL_FROM = "Giełda <no-reply@localhost>"
    MAIL_OUTBOX = str(INSTANCE / "outbox")
    MAIL_USE_OUTBOX = False
    # Each worker reuses the live board's version row this long, so hundreds of polling
    # phones cost almost no queries; a deal still shows within the 2 s poll + this.
    EVENT_BOARD_CLOCK_SECONDS = 0.5

    def __init__(self) -> None:
        for name in ("MAP_TILE_URL", "MAP_TILE_ATTRIBUTION"):
            if os.environ.get(name):
                setattr(self, name, os.environ[name])
        if os.environ.get("SECRET_KEY"):
            self.SECRET_KEY = os.environ["SECRET_KEY"]
        if os.environ.get("DATABASE_URL"):
            self.SQLALCHEMY_DATABASE_URI = normalise_database_url(os.environ["DATABASE_URL"])
        if os.environ.get("RATELIMIT_STORAGE_URI"):
            self.RATELIMIT_STORAGE_URI = os.environ["RATELIMIT_STORAGE_URI"]
        for name in ("BASE_URL", "MAIL_SERVER", "MAIL_USERNAME", "MAIL_PASSWORD", "MAIL_FROM",
                     "MAIL_OUTBOX"):
            if os.environ.get(name):
                setattr(self, name, os.environ[name])
        if os.environ.get("TRUSTED_PROXIES"):
            self.TRUSTED_PROXIES = int(os.environ["TRUSTED_PROXIES"])
        if os.environ.get("MAIL_PORT"):
            self.MAIL_PORT = int(os.environ["MAIL_PORT"])
        for name in ("MAIL_USE_TLS", "MAIL_USE_SSL", "MAIL_USE_OUTBOX"):
            if os.environ.get(name):
                setattr(self, name, _flag(os.environ[name]))


class DevelopmentConfig(Config):
    DEBUG = True
    MAIL_USE_OUTBOX = True


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "testing"
    WTF_CSRF_ENABLED = False
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    MAIL_USE_OUTBOX = True
    EVENT_BOARD_CLOCK_SECONDS = 0   # tests see every change at once


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"
    STRICT_TRANSPORT_SECURITY = "max-age=63072000; includeSubDomains"

    def __init__(self) -> None:
        super().__init__()
        secret = os.environ.get("SECRET_KEY", "")
        if secret == DEVELOPMENT_SECRET_KEY or len(secret) < 32:
            raise ConfigError(
                "Production needs SECRET_KEY: a random string of at least 32 characters "
                "(python -c 'import secrets; print(secrets.token_urlsafe(48))')."
            )
        if not os.environ.get("DATABASE_URL"):
            raise ConfigError("Production needs DATABASE_URL (e.g. postgresql://user@host/gielda).")
        base = urlsplit(os.environ.get("BASE_URL", ""))
        if base.scheme not in ("http", "https") or not base.hostname:
            raise ConfigError(
                "Production needs BASE_URL: the address people open the site at "
                "(e.g. https://gielda.example.org). Links in e-mails, QR codes and the "
                "calendar start with it.")
        hosts = [h.strip() for h in os.environ.get("TRUSTED_HOSTS", "").split(",") if h.strip()]
        self.TRUSTED_HOSTS = hosts or [base.hostname]
        if not os.environ.get("RATELIMIT_STORAGE_URI", "").startswith(("redis://", "rediss://",
                                                                         "redis+")):
            raise ConfigError(
                "Production needs RATELIMIT_STORAGE_URI: a Redis all workers share "
                "(e.g. redis://127.0.0.1:6379/0), so that failed logins are counted across "
                "every worker.")


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def load_config(name: str | None = None) -> Config:
    """Return the configuration object for NAME (default: $APP_ENV, else development)."""
    name = name or os.environ.get("APP_ENV", "development")
    try:
        return CONFIGS[name]()
    except KeyError:
        raise ConfigError(f"Unknown configuration {name!r}; choose one of {', '.join(CONFIGS)}.") from None
