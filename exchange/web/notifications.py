"""A user's notifications, in their language."""
from __future__ import annotations


from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user

from exchange.core import notifications as core
from exchange.http import access
from exchange.http.clock import utcnow
from exchange.http.extensions import db
from exchange.http.i18n import text_of
from exchange.http.unit import unit_of_work

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


@bp.route("/")
@access.user
def index():
    items = core.recent_for(db.session, current_user)
    return render_template("notifications/index.html", items=items, text_of=text_of)


@bp.route("/read", methods=["POST"])
@access.user
def mark_read():
    with unit_of_work():
        core.mark_all_read(db.session, current_user, utcnow())
    return redirect(url_for("notifications.index"))
