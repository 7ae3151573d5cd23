"""The application factory: `flask --app app run` finds create_app here."""
from __future__ import annotations

from flask import Flask

from config import ROOT, Config, load_config


def create_app(config: str | Config | None = None, **overrides) -> Flask:
    """Build the app for CONFIG (a name, a Config object, or $APP_ENV), with OVERRIDES."""
    from exchange.cli.commands import register_commands
    from exchange.http.errors import register_error_handlers
    from exchange.http.extensions import register_extensions
    from exchange.web import register_blueprints

    app = Flask(__name__, instance_path=str(ROOT / "instance"))
    app.config.from_object(config if isinstance(config, Config) else load_config(config))
    app.config.update(overrides)

    register_extensions(app)
    register_blueprints(app)
    register_error_handlers(app)
    register_commands(app)
    return app
