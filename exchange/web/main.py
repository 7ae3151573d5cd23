"""The home page, the language switch and the health check."""
from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    session,
)
from flask_login import current_user
from sqlalchemy import func, select, text

from exchange.core.organizations import memberships_of
from exchange.core.todo import todo
from exchange.http import access
from exchange.http.clock import utcnow
from exchange.http.extensions import db
from exchange.http.matching import current_index
from exchange.http.urls import safe_next
from exchange.http.unit import unit_of_work
from models import Organization

bp = Blueprint("main", __name__)


@bp.route("/")
@access.public
def index():
    memberships = memberships_of(db.session, current_user) if current_user.is_authenticated else []
    organizations = db.session.scalar(select(func.count()).select_from(Organization))
    things = (todo(db.session, current_index(), current_user, utcnow().date())
              if current_user.is_authenticated else None)
    return render_template("main/index.html", memberships=memberships,
                           organization_count=organizations, todo=things)


@bp.route("/language", methods=["POST"])
@access.public
def set_language():
    locale = request.form.get("locale")
    if locale not in current_app.config["LANGUAGES"]:
        abort(400)
    session["locale"] = locale
    if current_user.is_authenticated:
        with unit_of_work():
            current_user.locale = locale
    return redirect(safe_next())


@bp.route("/healthz")
@access.public
def health():
    db.session.execute(text("SELECT 1"))
    return jsonify(status="ok")
