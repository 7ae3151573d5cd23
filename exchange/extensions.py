"""Flask extensions, created unbound here and bound to the app in register_extensions."""
from __future__ import annotations

from flask import Flask
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from exchange.database import include_in_autogenerate  # also: SQLite pragmas on every connection
from models import Base

db = SQLAlchemy(metadata=Base.metadata)
migrate = Migrate(render_as_batch=True, compare_type=True, include_object=include_in_autogenerate)
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
# No default limits: login failures are limited per account (see exchange/web/auth.py),
# because hundreds of phones at one event share a single venue IP.
limiter = Limiter(key_func=get_remote_address)


def register_extensions(app: Flask) -> None:
    from exchange.web.i18n import select_locale, select_timezone
    from exchange.web.access import load_user

    db.init_app(app)
    migrate.init_app(app, db, directory=app.config["MIGRATIONS_DIR"])
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.user_loader(load_user)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "basic"
