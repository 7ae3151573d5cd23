"""The web adapters: the pages' blueprints and the helpers every template may use."""
from __future__ import annotations

from flask import Flask, request
from flask_babel import format_date, format_datetime, format_number, format_percent, get_locale
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from exchange.core.listings import TRANSITIONS
from exchange.core.notifications import unread_count
from exchange.http.event_time import event_start_time, event_time, event_when
from exchange.http.extensions import db
from exchange.http.i18n import translate
from exchange.http.labels import (
    CATEGORY_LABELS,
    KIND_LABELS,
    ROLE_LABELS,
    SECTOR_LABELS,
    STATUS_LABELS,
    UNIT_LABELS,
    format_quantity,
)


def register_blueprints(app: Flask) -> None:
    from exchange.web import (
        admin,
        auth,
        contracts,
        email_change,
        events,
        invitations,
        listings,
        main,
        notifications,
        organizations,
        partnership_engage,
        partnership_meetings,
        partnership_map,
        partnership_plan,
        partnership_report,
        partnership_formal,
        partnerships,
        password_reset,
        preferences,
        privacy,
        proposals,
        searches,
    )

    for module in (main, auth, email_change, password_reset, organizations, listings, proposals, contracts,
                   events, invitations, notifications, preferences, admin, privacy,
                   searches, partnerships, partnership_meetings,
                   partnership_map, partnership_report, partnership_engage,
                   partnership_plan, partnership_formal):
        app.register_blueprint(module.bp)
    app.context_processor(_template_helpers)


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
        "format_quantity": format_quantity,
        "STATUS_LABELS": STATUS_LABELS,
        "TRANSITIONS": TRANSITIONS,
        "current_locale": str(get_locale()),
        "format_date": format_date,
        "format_datetime": format_datetime,
        "format_number": format_number,
        "format_percent": format_percent,
        "event_when": event_when,
        "event_time": event_time,
        "event_start_time": event_start_time,
        "translate": translate,
        "csrf_token": generate_csrf,
        "request_path": request.full_path.rstrip("?") if request else "/",
    }


