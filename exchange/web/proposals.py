"""Proposals on the web: on a listing's page for its organization's members; accept, decline."""
from __future__ import annotations


from flask import (
    Blueprint,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext
from flask_login import current_user

from exchange.core import proposals as core
from exchange.http import access
from exchange.http.clock import utcnow
from exchange.http.extensions import db
from exchange.http.matching import current_index
from exchange.web.organizations import EmptyForm
from exchange.web.util import act
from models import Contract

bp = Blueprint("proposals", __name__)


def proposals_for(org_id: int, listing_id: int):
    """The proposals shown on a listing's page to a member of its organization."""
    return core.proposals_for(db.session, current_index(), current_user, org_id, listing_id)


@bp.route("/organizations/<int:org_id>/proposals")
@access.member
def for_us(org_id: int):
    sections = core.proposals_for_us(db.session, current_index(), current_user, org_id)
    return render_template("listings/proposals.html", org=g.membership.organization,
                           sections=sections, button_form=EmptyForm())


@bp.route("/organizations/<int:org_id>/listings/<int:listing_id>/proposals/<int:other_id>",
          methods=["POST"])
@access.member
def decide(org_id: int, listing_id: int, other_id: int):
    accept = request.form.get("action") == "accept"
    decided = []
    if act(lambda: decided.append(core.decide(
            db.session, current_index(), current_user, org_id, listing_id, other_id,
            accept=accept, reason=request.form.get("reason", ""), now=utcnow()))):
        if accept:
            flash(gettext("Accepted. Here is the draft contract: check it, then sign. The other "
                          "organization is told."), "success")
            contract = contract_of(decided[0])
            return redirect(url_for("contracts.detail", org_id=org_id, contract_id=contract.id))
        flash(gettext("Declined. This pair will not be proposed again."), "success")
    back = request.form.get("next")
    if back == "for_us":
        return redirect(url_for("proposals.for_us", org_id=org_id))
    return redirect(url_for("listings.detail", listing_id=listing_id) + "#proposals")


def contract_of(proposal) -> Contract:
    """The contract an accepted proposal started (the newest, if it was drafted again)."""
    return db.session.scalars(db.select(Contract).where(Contract.proposal_id == proposal.id)
                              .order_by(Contract.id.desc())).first()
