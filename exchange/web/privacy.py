"""Privacy (RODO/GDPR) on the web: the notice and its versions, consent to a newer one,
downloading one's data and deleting one's account."""
from __future__ import annotations

import json
import math

from flask import Blueprint, Response, abort, current_app, flash, make_response, redirect, \
    render_template, request, url_for
from flask_babel import get_locale, gettext, ngettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user, logout_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, IntegerField, PasswordField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from exchange.core import personal_data, privacy
from exchange.core.errors import Conflict, NotFound, ValidationError
from exchange.http import access, ratelimit
from exchange.http.clock import utcnow
from exchange.http.extensions import attempts, db
from exchange.http.i18n import apply_errors, translate
from exchange.http.passwords import password_check, rate_limited_message
from exchange.http.ratelimit import RateLimited
from exchange.http.unit import unit_of_work
from exchange.http.urls import safe_next
from exchange.web.sessions import clear_session
from exchange.web.util import act, save

bp = Blueprint("privacy", __name__)


class NoticeForm(FlaskForm):
    text_pl = TextAreaField(_l("Text in Polish"), validators=[
        DataRequired(), Length(max=privacy.TEXT_MAX_LENGTH)], render_kw={"rows": 18})
    text_en = TextAreaField(_l("Text in English"), validators=[
        Optional(), Length(max=privacy.TEXT_MAX_LENGTH)], render_kw={"rows": 18},
        description=_l("Shown to readers who use the site in English; empty: the Polish "
                       "text is shown."))
    # The version the admin was editing: publishing over a newer one is refused.
    based_on = IntegerField(widget=HiddenField.widget, validators=[Optional()])


class AcceptForm(FlaskForm):
    version = IntegerField(widget=HiddenField.widget, validators=[DataRequired()])
    next = HiddenField()


class DeleteForm(FlaskForm):
    understood = BooleanField(_l("I understand that this cannot be undone"),
                              validators=[DataRequired()])
    password = PasswordField(_l("Current password"), validators=[DataRequired()],
                             render_kw={"autocomplete": "current-password"})


@bp.app_context_processor
def _banner_helper() -> dict:
    def privacy_notice_to_accept():
        """The newer notice the signed-in reader has not accepted yet, for the banner."""
        if not current_user.is_authenticated or request.endpoint in ("privacy.notice",
                                                                     "privacy.accept"):
            return None
        return privacy.notice_to_accept(db.session, current_user)
    return {"privacy_notice_to_accept": privacy_notice_to_accept}


@bp.route("/privacy")
@access.public
def notice():
    return render_template("privacy/notice.html", notice=privacy.current_notice(db.session),
                           latest=True, locale=str(get_locale()),
                           to_accept=current_user.is_authenticated and
                           privacy.notice_to_accept(db.session, current_user))


@bp.route("/privacy/<int:version>")
@access.public
def version(version: int):
    try:
        shown = privacy.get_notice(db.session, version)
    except NotFound:
        abort(404)
    latest = privacy.current_notice(db.session)
    return render_template("privacy/notice.html", notice=shown, locale=str(get_locale()),
                           latest=latest.version == shown.version, to_accept=None)


@bp.route("/privacy/accept", methods=["POST"])
@access.user
def accept():
    form = AcceptForm()
    if form.validate_on_submit() and act(lambda: privacy.accept_notice(
            db.session, current_user, form.version.data, utcnow())):
        flash(gettext("Thank you. Your acceptance of version %(version)s of the privacy notice "
                      "is recorded.", version=form.version.data), "success")
    return redirect(safe_next("auth.account"))


@bp.route("/admin/privacy", methods=["GET", "POST"])
@access.admin
def edit():
    current = privacy.current_notice(db.session)
    form = NoticeForm()
    if request.method == "GET":
        form.text_pl.data = current.text_pl if current else privacy.DEFAULT_TEXT_PL
        form.text_en.data = current.text_en if current else privacy.DEFAULT_TEXT_EN
        form.based_on.data = current.version if current else None
    status = 200
    if request.method == "POST":
        status = _publish(form)
        if status == 302:
            return redirect(url_for("privacy.edit"))
        current = privacy.current_notice(db.session)
    return render_template("privacy/edit.html", form=form, current=current,
                           versions=privacy.notice_versions(db.session)), status


def _publish(form: NoticeForm) -> int:
    """Publish the form's text; the status to answer (302 when published, 409 when another
    version was published meanwhile or at the same moment)."""
    if not form.validate_on_submit():
        return 422
    try:
        with unit_of_work():
            published = privacy.publish_notice(
                db.session, current_user, text_pl=form.text_pl.data, text_en=form.text_en.data,
                based_on=form.based_on.data, now=utcnow())
    except ValidationError as error:
        for text in apply_errors(form, error):
            flash(text, "error")
        return 422
    except Conflict as error:
        flash(translate(error.message), "error")
        return 409
    flash(gettext("Version %(version)s of the privacy notice is published. Users who accepted "
                  "an earlier one are asked to read it.", version=published.version), "success")
    return 302


@bp.route("/account/data", methods=["POST"])
@access.user
def download():
    form = FlaskForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        attempts().take(current_app.config["PERSONAL_DATA_LIMIT"], ratelimit.DATA_EXPORT,
                        current_user.id)
    except RateLimited as limited:
        minutes = max(1, math.ceil(limited.retry_after / 60))
        flash(ngettext("You have downloaded your data several times in the last hour. Try "
                       "again in %(num)d minute.",
                       "You have downloaded your data several times in the last hour. Try "
                       "again in %(num)d minutes.", minutes), "error")
        response = redirect(url_for("auth.account"))
        response.headers["Retry-After"] = str(limited.retry_after)
        return response
    now = utcnow()
    data = personal_data.personal_data(db.session, current_user, now)
    name = f"gielda-my-data-{now:%Y-%m-%d}.json"
    return Response(json.dumps(data, ensure_ascii=False, indent=2),
                    mimetype="application/json",
                    headers={"Content-Disposition": f'attachment; filename="{name}"',
                             "Cache-Control": "no-store"})


@bp.route("/account/delete", methods=["GET", "POST"])
@access.user
def delete():
    form = DeleteForm()
    user = current_user._get_current_object()
    status = 200
    if form.validate_on_submit():
        def erase():
            with password_check(user, "password"):
                personal_data.delete_account(db.session, user, password=form.password.data,
                                             now=utcnow())
        try:
            deleted = save(form, erase)[0]
        except RateLimited as limited:
            form.password.errors = [rate_limited_message(limited)]
            response = make_response(_delete_page(form), 429)
            response.headers["Retry-After"] = str(limited.retry_after)
            return response
        if deleted:
            clear_session()
            logout_user()
            flash(gettext("Your account is deleted. Thank you for exchanging with us."),
                  "success")
            return redirect(url_for("main.index"))
        status = 422
    elif form.errors:
        status = 422
    return _delete_page(form), status


def _delete_page(form: DeleteForm) -> str:
    blockers = [translate(m) for m in personal_data.deletion_blockers(db.session, current_user)]
    return render_template("privacy/delete.html", form=form, blockers=blockers)
