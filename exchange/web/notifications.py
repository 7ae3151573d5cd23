"""A user's notifications, in their language, grouped by day."""
from __future__ import annotations

from datetime import date, timedelta
from itertools import groupby

from flask import Blueprint, current_app, redirect, render_template, url_for
from flask_babel import format_date, gettext, to_user_timezone
from flask_login import current_user

from exchange.core import notifications as core
from exchange.http import access
from exchange.http.clock import utcnow
from exchange.http.extensions import db
from exchange.http.i18n import text_of
from exchange.http.unit import unit_of_work
from exchange.http.urls import page_number

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


def day_label(day: date, today: date) -> str:
    """"Today", "Yesterday", else the date in full, in the reader's language."""
    if day == today:
        return gettext("Today")
    if day == today - timedelta(days=1):
        return gettext("Yesterday")
    return format_date(day, "full")


def by_day(items) -> list[tuple[str, list]]:
    """ITEMS (newest first) in groups by the reader's local day, each with its heading."""
    today = to_user_timezone(utcnow()).date()
    return [(day_label(day, today), list(group)) for day, group in
            groupby(items, key=lambda n: to_user_timezone(n.created_at).date())]


@bp.route("/")
@access.user
def index():
    pagination = db.paginate(core.query_for(current_user), page=page_number(), error_out=False,
                             per_page=current_app.config.get("NOTIFICATIONS_PER_PAGE", 30))
    return render_template("notifications/index.html", pagination=pagination,
                           days=by_day(pagination.items), text_of=text_of,
                           unread=core.unread_count(db.session, current_user))


@bp.route("/read", methods=["POST"])
@access.user
def mark_read():
    with unit_of_work():
        core.mark_all_read(db.session, current_user, utcnow())
    return redirect(url_for("notifications.index"))
