"""The application factory: `flask --app app run` finds create_app here."""
from __future__ import annotations

from flask import Flask

from config import ROOT, Config, load_config


def create_app(config: str | Config | None = None, **overrides) -> Flask:
    """Build the app for CONFIG (a name, a Config object, or $APP_ENV), with OVERRIDES."""
    from exchange.api import bp as api
    from exchange.cli.commands import register_commands
    from exchange.http.errors import register_error_handlers
    from exchange.http.setup import register_http
    from exchange.web import register_blueprints

    app = Flask(__name__, instance_path=str(ROOT / "instance"))
    app.config.from_object(config if isinstance(config, Config) else load_config(config))
    app.config.update(overrides)

    register_http(app)          # extensions, access rules, limits and headers of every request
    register_blueprints(app)    # the pages
    app.register_blueprint(api)  # the JSON API under /api/v1
    register_error_handlers(app)
    register_commands(app)
    return app
