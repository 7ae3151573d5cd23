"""Flask extensions, created unbound here and bound to the app in register_extensions."""
from __future__ import annotations

from flask import current_app
from flask_babel import Babel
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

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
