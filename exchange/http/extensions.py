"""Flask extensions, created unbound here and bound to the app in register_extensions."""
from __future__ import annotations

from flask import Flask, current_app
from flask_babel import Babel
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

from exchange.http.ratelimit import Attempts
from exchange.infra.database import (
    include_in_autogenerate,  # also: SQLite pragmas on every connection
)
from models import Base

db = SQLAlchemy(metadata=Base.metadata)
migrate = Migrate(render_as_batch=True, compare_type=True, include_object=include_in_autogenerate)
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()


def attempts() -> Attempts:
    """The app's counters of failed passwords and e-mailed links (exchange/http/ratelimit.py).

    Each app has its own, built from RATELIMIT_STORAGE_URI: with memory:// every worker
    counts alone, so production shares one Redis among all of them.
    """
    return current_app.extensions["gielda.attempts"]


def register_extensions(app: Flask) -> None:
    from exchange.http.access import load_user
    from exchange.http.i18n import select_locale, select_timezone

    db.init_app(app)
    migrate.init_app(app, db, directory=app.config["MIGRATIONS_DIR"])
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    app.extensions["gielda.attempts"] = Attempts(app.config["RATELIMIT_STORAGE_URI"])
    if app.config.get("TRUSTED_PROXIES"):
        proxies = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)
    login_manager.init_app(app)
    login_manager.user_loader(load_user)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "basic"
