"""What every request goes through, pages and API alike: the extensions bound to the app, ids
in URLs, body limits, access rules, and the security headers of every answer."""
from __future__ import annotations

from flask import Flask, Response, current_app, request
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from exchange.http.access import load_user, register_access_control, rule_of
from exchange.http.bodies import Request, refuse_unreadable_body
from exchange.http.extensions import babel, csrf, db, login_manager, migrate
from exchange.http.i18n import select_locale, select_timezone
from exchange.http.ratelimit import Attempts
from models.base import MAX_ID

# Every asset is served from /static: nothing is fetched from another origin.
CONTENT_SECURITY_POLICY = ("default-src 'self'; img-src 'self' data:; style-src 'self'; "
                           "script-src 'self'; frame-ancestors 'none'; form-action 'self'; "
                           "base-uri 'self'; object-src 'none'")

# Only the event's Door page uses a device feature (the camera, to scan badges), and fullscreen
# is the board's; everything else is off, for this site and anything it might embed.
PERMISSIONS_POLICY = ("camera=(self), fullscreen=(self), accelerometer=(), display-capture=(), "
                      "geolocation=(), gyroscope=(), magnetometer=(), microphone=(), midi=(), "
                      "payment=(), usb=()")


class IdConverter(IntegerConverter):
    """<int:…> in URLs: a number too large for an INTEGER column becomes 0, which no row has.

    (Refusing the match instead makes Werkzeug answer 405 for some methods.)
    """

    def to_python(self, value: str) -> int:
        number = super().to_python(value)
        return number if number <= MAX_ID else 0


def register_http(app: Flask) -> None:
    """Bind the extensions to APP and put every request through the shared rules."""
    _register_extensions(app)
    # Before any route is added: an id too large for the database is a 404, not a crash.
    app.url_map.converters["int"] = IdConverter
    app.request_class = Request
    # Before the access rules: a body too large is refused on its Content-Length alone.
    app.before_request(refuse_unreadable_body)
    register_access_control(app)
    app.after_request(_security_headers)


def _register_extensions(app: Flask) -> None:
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


def _security_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
    if current_app.config.get("STRICT_TRANSPORT_SECURITY"):
        response.headers.setdefault("Strict-Transport-Security",
                                    current_app.config["STRICT_TRANSPORT_SECURITY"])
    _cache_control(response)
    return response


def _cache_control(response: Response) -> None:
    """No copy kept of someone's own page: what a login guards, or what a signed-in user or an
    API token was answered (a borrowed computer's cache or a proxy must not keep a contract
    or a member list). Public pages keep their own caching: the board's, the calendar's."""
    if request.endpoint == "static":
        return
    if request.endpoint is not None and rule_of(current_app, request.endpoint) != "public":
        response.headers["Cache-Control"] = "no-store"
    elif request.headers.get("Authorization") or current_user.is_authenticated:
        response.headers.setdefault("Cache-Control", "no-store")
