"""What each partner brings, on the web: a partner declares a contribution (or a need of the
partnership), and the map of resources and needs shows the sector × category grid, the places
on a map of the municipality (Leaflet from static/, tiles only if MAP_TILE_URL is set) and the
proposals between partners, which the coordinator brokers.

Every route is ``access.user``; who may read or broker is the core's rule (NotFound is a 404,
Forbidden a 403)."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import BooleanField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired

from exchange.core import partnerships as core
from exchange.core.partnerships import contributions
from exchange.http import access
from exchange.http.clock import utcnow
from exchange.http.extensions import db
from exchange.http.matching import current_index
from exchange.http.setup import CONTENT_SECURITY_POLICY
from exchange.core.listings import FIELDS
from exchange.web.listings import ListingForm
from exchange.web.partnership_forms import load_partnership, ButtonForm
from exchange.web.util import act, save_checked
from models import Category, ListingKind

bp = Blueprint("partnership_map", __name__, url_prefix="/partnerships")


class ContributionForm(ListingForm):
    organization_id = SelectField(_l("Partner"), validators=[DataRequired()])
    partnership_only = BooleanField(
        _l("Visible to the partnership only"),
        description=_l("Not shown in the marketplace, search or proposals to other "
                       "organizations."))


def _data(form: ContributionForm) -> dict:
    return {**{name: getattr(form, name).data for name in FIELDS},
            "not_a_payment": form.not_a_payment.data}



@bp.route("/<int:partnership_id>/contributions/new", methods=["GET", "POST"])
@access.user
def declare(partnership_id: int):
    partnership = load_partnership(partnership_id)
    mine = core.user_org_ids(db.session, current_user)
    orgs = [m.organization for m in partnership.current_members if m.organization_id in mine]
    if not orgs:
        abort(403)
    form = ContributionForm(kind=request.args.get("kind", ListingKind.OFFER.value))
    form.organization_id.choices = [SelectChoice(str(o.id), o.name) for o in orgs]
    if form.is_submitted():
        org_id = int(form.organization_id.data) if str(form.organization_id.data).isdigit() else 0
        saved, _listing = save_checked(form, lambda: contributions.declare(
            db.session, current_user, partnership.id, org_id, _data(form), utcnow(),
            partnership_only=form.partnership_only.data))
        if saved:
            flash(gettext("Thank you: the partnership sees what you declared."), "success")
            return redirect(url_for("partnership_map.resources", partnership_id=partnership.id))
    return render_template("partnerships/contribution_form.html", form=form,
                           partnership=partnership), 422 if form.errors else 200


@bp.route("/<int:partnership_id>/map")
@access.user
def resources(partnership_id: int):
    partnership = load_partnership(partnership_id)
    listings = contributions.contributions_of(db.session, partnership)
    grid = contributions.resource_map(listings)
    manager = core.is_manager(db.session, partnership, current_user)
    proposals = contributions.partner_proposals(db.session, current_index(), partnership)
    tiles = current_app.config.get("MAP_TILE_URL") or ""
    response = make_response(render_template(
        "partnerships/map.html", partnership=partnership, grid=grid, listings=listings,
        proposals=proposals, manager=manager, button=ButtonForm(), tiles=tiles,
        attribution=current_app.config.get("MAP_TILE_ATTRIBUTION") or "",
        can_declare=bool(core.member_org_ids(partnership)
                         & core.user_org_ids(db.session, current_user)),
        COMPUTER_LABS=Category.COMPUTER_LABS))
    origin = urlsplit(tiles)
    if origin.scheme in ("http", "https") and origin.netloc:
        # Tiles are images from the configured host: only this page lets them in.
        host = origin.netloc.replace("{s}.", "*.", 1)
        response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY.replace(
            "img-src 'self' data:", f"img-src 'self' data: {origin.scheme}://{host}")
    return response


@bp.route("/<int:partnership_id>/map/broker", methods=["POST"])
@access.user
def broker(partnership_id: int):
    load_partnership(partnership_id, manage=True)
    form = ButtonForm()
    if not form.validate():
        abort(400)
    need_id = request.form.get("need_id", 0, type=int)
    offer_id = request.form.get("offer_id", 0, type=int)
    if act(lambda: contributions.broker(db.session, current_index(), current_user,
                                        partnership_id, need_id, offer_id, utcnow())):
        flash(gettext("Both partners are told about the proposed exchange."), "success")
    return redirect(url_for("partnership_map.resources", partnership_id=partnership_id))
