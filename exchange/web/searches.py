"""Saved searches on the web: save the marketplace's filters, list and remove them on the
account page."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext
from flask_login import current_user

from exchange.core import saved_searches as core
from exchange.http import access
from exchange.http.clock import utcnow
from exchange.http.extensions import db
from exchange.http.searches import label_of
from exchange.web.util import act, save

bp = Blueprint("searches", __name__)


@bp.app_template_global()
def my_saved_searches() -> list:
    """The signed-in user's saved searches, for the account page's section."""
    if not current_user.is_authenticated:
        return []
    return core.searches_of(db.session, current_user)


@bp.app_template_global()
def saved_search_link(search) -> str:
    return core.link_of(search.filters)


def _marketplace(filters: dict) -> str:
    return url_for("listings.marketplace", **{k: v for k, v in filters.items() if v})


@bp.route("/listings/saved-searches", methods=["POST"])
@access.user
def create():
    raw = {name: request.form.get(name) for name in core.FILTERS}
    saved, result = save(None, lambda: core.save_search(db.session, current_user, raw,
                                                        label_of(raw), utcnow()))
    if saved:
        search, is_new = result
        flash(gettext("Saved: new listings matching “%(label)s” will reach you as notifications.",
                      label=search.label) if is_new else
              gettext("You are already notified of new listings matching these filters."),
              "success")
    return redirect(_marketplace(raw))


@bp.route("/account/saved-searches/<int:search_id>/remove", methods=["POST"])
@access.user
def remove(search_id: int):
    if act(lambda: core.remove_search(db.session, current_user, search_id)):
        flash(gettext("The saved search is removed; you will not be notified of it any more."),
              "success")
    return redirect(url_for("auth.account") + "#saved-searches")
