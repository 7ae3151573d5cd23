"""The web adapters: blueprints, access control, templates' helpers and security headers."""
from __future__ import annotations

from flask import Flask, Response, current_app, request
from flask_babel import format_date, format_datetime, format_number, format_percent, get_locale
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from werkzeug.routing import IntegerConverter

from exchange.core.listings import TRANSITIONS
from exchange.core.notifications import unread_count
from exchange.http.access import rule_of
from exchange.http.extensions import db
from exchange.http.i18n import translate
from exchange.http.labels import (
    CATEGORY_LABELS,
    KIND_LABELS,
    ROLE_LABELS,
    SECTOR_LABELS,
    STATUS_LABELS,
    UNIT_LABELS,
)
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


def register_blueprints(app: Flask) -> None:
    from exchange.api import bp as api_bp
    from exchange.http.access import register_access_control
    from exchange.web import (
        admin,
        auth,
        contracts,
        events,
        listings,
        main,
        notifications,
        organizations,
        proposals,
    )
    from exchange.web.bodies import Request, refuse_unreadable_body

    # Before any route is added: an id too large for the database is a 404, not a crash.
    app.url_map.converters["int"] = IdConverter
    app.request_class = Request
    # Before the access rules: a body too large is refused on its Content-Length alone.
    app.before_request(refuse_unreadable_body)
    register_access_control(app)
    for module in (main, auth, organizations, listings, proposals, contracts, events,
                   notifications, admin):
        app.register_blueprint(module.bp)
    app.register_blueprint(api_bp)
    app.context_processor(_template_helpers)
    app.after_request(_security_headers)


def _unread_notifications() -> int:
    return unread_count(db.session, current_user) if current_user.is_authenticated else 0


def _template_helpers() -> dict:
    return {
        "unread_notifications": _unread_notifications,
        "SECTOR_LABELS": SECTOR_LABELS,
        "ROLE_LABELS": ROLE_LABELS,
        "CATEGORY_LABELS": CATEGORY_LABELS,
        "KIND_LABELS": KIND_LABELS,
        "UNIT_LABELS": UNIT_LABELS,
        "STATUS_LABELS": STATUS_LABELS,
        "TRANSITIONS": TRANSITIONS,
        "current_locale": str(get_locale()),
        "format_date": format_date,
        "format_datetime": format_datetime,
        "format_number": format_number,
        "format_percent": format_percent,
        "translate": translate,
        "csrf_token": generate_csrf,
        "request_path": request.full_path.rstrip("?") if request else "/",
    }


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
