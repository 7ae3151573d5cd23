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
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField
from wtforms.fields.choices import SelectChoice

from exchange.core import partnerships as core
from exchange.core.errors import Forbidden, NotFound
from exchange.http import access
from exchange.http.clock import utcnow
from exchange.http.extensions import db
from exchange.web.partnership_forms import ButtonForm
from exchange.web.util import act
from exchange.web.util import save_checked
from models import Listing, Membership, Partnership

bp = Blueprint("partnership_formal", __name__)


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
    return {"partnership_declaration": _declaration, "listing_partnership": _badge,
            "partnership_tag_form": _tag_form}


def _declaration(partnership: Partnership) -> dict:
    """The declaration's state for the partnership's page, and whether the reader may open the
    contract (a member of one of its parties)."""
    state = core.declaration_state(db.session, partnership, utcnow().date())
    mine = set(db.session.scalars(db.select(Membership.organization_id).where(
        Membership.user_id == current_user.id))) if current_user.is_authenticated else set()
    return {"state": state, "opens": bool(state and mine & set(state.contract.organization_ids))}


# --- the declaration -----------------------------------------------------------------------

@bp.route("/partnerships/<int:partnership_id>/declaration", methods=["POST"])
@access.user
def prepare_declaration(partnership_id: int):
    return _button(partnership_id, lambda: core.prepare_declaration(
        db.session, current_user, partnership_id, utcnow()),
        gettext("The declaration is ready: each partner's signatory signs it on its page."),
        anchor="declaration-heading")


@bp.route("/partnerships/<int:partnership_id>/declaration/amend", methods=["POST"])
@access.user
def amend_declaration(partnership_id: int):
    return _button(partnership_id, lambda: core.amend_declaration(
        db.session, current_user, partnership_id, utcnow()),
        gettext("The amendment is ready: every partner signs the declaration again."),
        anchor="declaration-heading")


# --- a listing tagged for a partnership after it was posted ---------------------------------

class PartnershipTagForm(FlaskForm):
    partnership_id = SelectField(_l("Contribution to a partnership"), choices=[],
                                 validate_choice=False)
    partnership_only = BooleanField(
        _l("Visible to the partnership only"),
        description=_l("Not shown in the marketplace, search, events or proposals to other "
                       "organizations."))


def _tag_form(listing: Listing) -> PartnershipTagForm | None:
    """The edit page's form to tag LISTING, if its organization is in a partnership (or the
    listing is tagged already)."""
    partnerships = core.partnerships_of_organization(db.session, listing.organization_id)
    if not partnerships and listing.partnership_id is None:
        return None
    form = PartnershipTagForm(data={"partnership_id": str(listing.partnership_id or ""),
                                    "partnership_only": listing.partnership_only})
    form.partnership_id.choices = [SelectChoice("", gettext("No partnership"))] + [
        SelectChoice(str(p.id), p.name) for p in partnerships]
    return form


def _badge(listing: Listing) -> Partnership | None:
    return core.partnership_badge(db.session, current_user if current_user.is_authenticated
                                  else None, listing)


@bp.route("/organizations/<int:org_id>/listings/<int:listing_id>/partnership",
          methods=["POST"])
@access.member
def tag_listing(org_id: int, listing_id: int):
    form = PartnershipTagForm()
    saved, listing = save_checked(form, lambda: core.tag_listing(
        db.session, current_user, org_id, listing_id, form.partnership_id.data,
        form.partnership_only.data, utcnow()))
    if saved:
        flash(gettext("Kept for the partnership only.") if listing.partnership_only
              else gettext("The listing is a contribution to the partnership.")
              if listing.partnership_id else gettext("The listing is for no partnership."),
              "success")
        return redirect(url_for("listings.detail", listing_id=listing_id))
    for messages in form.errors.values():
        for message in messages:
            flash(message, "error")
    return redirect(url_for("listings.edit", org_id=org_id, listing_id=listing_id,
                            _anchor="partnership"))
