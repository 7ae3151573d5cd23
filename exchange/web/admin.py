"""Site administration: verifying organizations and deactivating users."""
from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from sqlalchemy import or_, select

from exchange.core import accounts
from exchange.core import organizations as orgs
from exchange.core.errors import NotFound
from exchange.core.transfer import FILE_ENCODINGS, MEDIA_TYPES, ImportRefused, export, import_file
from exchange.http import access
from exchange.http.clock import utcnow
from exchange.http.extensions import db
from exchange.http.i18n import translate
from exchange.http.bodies import takes_upload
from exchange.web.organizations import EmptyForm
from exchange.web.util import act
from exchange.http.urls import page_number
from exchange.http.unit import unit_of_work
from models import Organization, User

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/")
@access.admin
def index():
    return redirect(url_for("admin.organizations"))


@bp.route("/organizations")
@access.admin
def organizations():
    unverified_first = select(Organization).order_by(Organization.is_verified,
                                                     Organization.created_at.desc())
    pagination = db.paginate(unverified_first, page=page_number(), error_out=False,
                             per_page=current_app.config["ORGANIZATIONS_PER_PAGE"])
    return render_template("admin/organizations.html", pagination=pagination, form=EmptyForm())


@bp.route("/organizations/<int:org_id>/verify", methods=["POST"])
@access.admin
def verify(org_id: int):
    verified = request.form.get("verified") == "1"
    try:
        with unit_of_work():
            org = orgs.set_verified(db.session, current_user, org_id, verified=verified,
                                    now=utcnow())
    except NotFound:
        abort(404)
    flash(gettext("%(name)s is verified.", name=org.name) if verified
          else gettext("%(name)s is no longer verified.", name=org.name), "success")
    return redirect(url_for("admin.organizations"))


@bp.route("/users")
@access.admin
def users():
    query = select(User).order_by(User.created_at.desc())
    q = (request.args.get("q") or "").strip()
    if q:
        pattern = f"%{q.lower()}%"
        query = query.where(or_(User.email.like(pattern), User.name.ilike(pattern)))
    pagination = db.paginate(query, page=page_number(), error_out=False, per_page=50)
    return render_template("admin/users.html", pagination=pagination, q=q, form=EmptyForm())


@bp.route("/users/<int:user_id>/active", methods=["POST"])
@access.admin
def set_active(user_id: int):
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    active = request.form.get("active") == "1"
    if act(lambda: accounts.set_active(db.session, current_user, user, active=active,
                                       now=utcnow())):
        flash(gettext("%(email)s can log in again.", email=user.email) if active
              else gettext("%(email)s is deactivated and logged out everywhere.", email=user.email),
              "success")
    return redirect(url_for("admin.users"))


class ImportForm(FlaskForm):
    file = FileField(_l("CSV or JSON file"), validators=[FileRequired()],
                     description=_l("Organizations and listings, each with your own ref."))


@bp.route("/transfer", methods=["GET", "POST"])
@access.admin
@takes_upload
def transfer():
    form = ImportForm()
    problems, warnings, summary, status = [], [], None, 200
    if form.validate_on_submit():
        upload = form.file.data
        try:
            with unit_of_work():
                summary = import_file(db.session, upload.filename or "", upload.read(),
                                      utcnow(), actor_id=current_user.id)
            warnings = summary.warnings
        except ImportRefused as refused:
            problems, warnings, status = refused.problems, refused.warnings, 422
            flash(translate(refused.message), "error")
        else:
            flash(gettext("The file is imported."), "success")
    elif form.errors:
        status = 422
    return render_template("admin/transfer.html", form=form, problems=problems, summary=summary,
                           warnings=warnings, translate=translate), status


@bp.route("/export.<any(csv, json):fmt>")
@access.admin
def export_file(fmt: str):
    body = export(db.session, fmt).encode(FILE_ENCODINGS[fmt])
    name = f"gielda-{utcnow():%Y-%m-%d}.{fmt}"
    return Response(body, mimetype=MEDIA_TYPES[fmt],
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
