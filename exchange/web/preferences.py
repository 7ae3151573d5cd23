"""What reaches a user by e-mail: the settings page, and one-click unsubscribe from a mail."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user

from exchange.core import preferences
from exchange.core.errors import ValidationError
from exchange.http import access
from exchange.http.clock import utcnow
from exchange.http.extensions import csrf, db
from exchange.http.i18n import translate
from exchange.http.preferences import CHANNEL_LABELS, KIND_LABELS, read_unsubscribe_token
from exchange.http.unit import unit_of_work
from models import User
from models.base import get_by_id

bp = Blueprint("preferences", __name__)


@bp.route("/account/notifications", methods=["GET", "POST"])
@access.user
def edit():
    if request.method == "POST":
        choices = {kind: request.form[kind] for kind in preferences.KINDS if kind in request.form}
        try:
            with unit_of_work():
                preferences.set_preferences(db.session, current_user.id, choices, utcnow())
        except ValidationError as error:
            for messages in error.errors.values():
                for message in messages:
                    flash(translate(message), "error")
        else:
            flash(gettext("Your choices are saved."), "success")
            return redirect(url_for("preferences.edit"))
    return render_template("preferences/edit.html", KIND_LABELS=KIND_LABELS,
                           CHANNEL_LABELS=CHANNEL_LABELS, kinds=preferences.KINDS,
                           channels=preferences.CHANNELS, defaults=preferences.DEFAULTS,
                           chosen=preferences.preferences_of(db.session, current_user.id))


# Mail programs send the one-click POST (RFC 8058) with no session and no CSRF token: the
# signed token in the address is what authorises it.
@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@access.public
@csrf.exempt
def unsubscribe(token: str):
    named = read_unsubscribe_token(token)
    user = get_by_id(db.session, User, named[0]) if named else None
    if user is None or not user.is_active:
        abort(404)
    kinds = named[1]
    labels = [KIND_LABELS[kind] for kind in kinds]
    if request.method == "GET":  # mail scanners open links: only a button press unsubscribes
        return render_template("preferences/unsubscribe.html", labels=labels, done=False)
    with unit_of_work():
        preferences.stop_kinds(db.session, user.id, kinds, utcnow())
    return render_template("preferences/unsubscribe.html", labels=labels, done=True)
