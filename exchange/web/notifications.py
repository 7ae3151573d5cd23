"""A user's notifications, in their language."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, redirect, render_template, url_for
from flask_babel import format_date, gettext
from flask_login import current_user

from exchange.core import notifications as core
from exchange.http import access
from exchange.http.clock import utcnow
from exchange.http.extensions import db
from models import Notification

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


def text_of(notification: Notification) -> str:
    """Translate a stored notification, formatting its dates for the reader."""
    params = dict(notification.params or {})
    for name in ("date", "due"):   # ISO dates in the core's messages
        if isinstance(params.get(name), str):
            params[name] = format_date(date.fromisoformat(params[name]), "long")
    return gettext(notification.message, **params)


@bp.route("/")
@access.user
def index():
    items = core.recent_for(db.session, current_user)
    return render_template("notifications/index.html", items=items, text_of=text_of)


@bp.route("/read", methods=["POST"])
@access.user
def mark_read():
    core.mark_all_read(db.session, current_user, utcnow())
    db.session.commit()
    return redirect(url_for("notifications.index"))
