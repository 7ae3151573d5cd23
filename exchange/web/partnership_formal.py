"""A partnership's formalisation and membership changes on the web (issue 18): the declaration
(prepared and amended here by managers, signed on the contract's own pages), a listing tagged
for a partnership after it was posted, a meeting changed or cancelled, a member organization
removed and the leading organization changed.

Every route is ``access.user``; who may do what is the core's rule (NotFound is a 404,
Forbidden a 403). The partnership's page shows the declaration through
``partnership_declaration`` (a template helper)."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, flash, redirect, url_for
from flask_babel import gettext
from flask_login import current_user

from exchange.core import partnerships as core
from exchange.core.errors import Forbidden, NotFound
from exchange.http import access
from exchange.http.clock import utcnow
from exchange.http.extensions import db
from exchange.web.partnership_forms import ButtonForm
from exchange.web.util import act
from models import Membership, Partnership

bp = Blueprint("partnership_formal", __name__, url_prefix="/partnerships")


def _load(partnership_id: int, *, manage: bool = False) -> Partnership:
    try:
        return core.get_partnership(db.session, current_user, partnership_id, manage=manage)
    except NotFound:
        abort(404)
    except Forbidden:
        abort(403)


def _button(partnership_id: int, action: Callable[[], Any], message: str, *,
            manage: bool = True, to: str = "partnerships.detail", anchor: str | None = None):
    _load(partnership_id, manage=manage)
    if not ButtonForm().validate():
        abort(400)
    if act(action):
        flash(message, "success")
    return redirect(url_for(to, partnership_id=partnership_id, _anchor=anchor))


@bp.app_context_processor
def _helpers() -> dict:
    return {"partnership_declaration": _declaration}


def _declaration(partnership: Partnership) -> dict:
    """The declaration's state for the partnership's page, and whether the reader may open the
    contract (a member of one of its parties)."""
    state = core.declaration_state(db.session, partnership, utcnow().date())
    mine = set(db.session.scalars(db.select(Membership.organization_id).where(
        Membership.user_id == current_user.id))) if current_user.is_authenticated else set()
    return {"state": state, "opens": bool(state and mine & set(state.contract.organization_ids))}


# --- the declaration -----------------------------------------------------------------------

@bp.route("/<int:partnership_id>/declaration", methods=["POST"])
@access.user
def prepare_declaration(partnership_id: int):
    return _button(partnership_id, lambda: core.prepare_declaration(
        db.session, current_user, partnership_id, utcnow()),
        gettext("The declaration is ready: each partner's signatory signs it on its page."),
        anchor="declaration-heading")


@bp.route("/<int:partnership_id>/declaration/amend", methods=["POST"])
@access.user
def amend_declaration(partnership_id: int):
    return _button(partnership_id, lambda: core.amend_declaration(
        db.session, current_user, partnership_id, utcnow()),
        gettext("The amendment is ready: every partner signs the declaration again."),
        anchor="declaration-heading")
