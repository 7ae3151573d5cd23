"""Walk-ins at the door: a person of an admitted organization who is not on its list, or of an
organization that did not register, is added checked in, and their badge printed at once (see
exchange/core/events/door.py walk_in and walk_in_organization)."""
from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext
from flask_login import current_user

from exchange.core import events as core
from exchange.core.errors import ValidationError
from exchange.http import access
from exchange.http.clock import utcnow
from exchange.http.extensions import db
from exchange.http.i18n import translate
from exchange.http.unit import unit_of_work
from exchange.web.events.blueprint import bp
from models.event import StaffRole


@bp.route("/<int:event_id>/door/walk-in", methods=["POST"])
@access.staff(*StaffRole)
def walk_in(event_id: int):
    """Add the person, checked in, then open their badge to print."""
    try:
        with unit_of_work():
            person = core.walk_in(db.session, current_user, event_id,
                                  request.form.get("organization"), request.form.get("name"),
                                  utcnow())
    except ValidationError as error:
        for messages in error.errors.values():
            for message in messages:
                flash(translate(message), "error")
        return redirect(url_for("events.door", event_id=event_id) + "#walk-in")
    flash(gettext("%(name)s is checked in. Print the badge.", name=person.name), "success")
    return redirect(url_for("events.badges", event_id=event_id, only=person.badge_token))


@bp.route("/<int:event_id>/door/walk-in/new", methods=["POST"])
@access.staff(*StaffRole)
def walk_in_organization(event_id: int):
    """Add an organization that did not register, admitted, and its person, checked in; then
    open the badge to print."""
    try:
        with unit_of_work():
            person, existed = core.walk_in_organization(
                db.session, current_user, event_id,
                {name: request.form.get(name)
                 for name in ("name", "sector", "municipality", "person")}, utcnow())
            organization = person.participant.organization.name
    except ValidationError as error:
        for messages in error.errors.values():
            for message in messages:
                flash(translate(message), "error")
        return redirect(url_for("events.door", event_id=event_id) + "#walk-in-new")
    if existed:
        flash(gettext("“%(organization)s” is already at the event: %(name)s is added to it and "
                      "checked in. Print the badge.", organization=organization,
                      name=person.name), "success")
    else:
        flash(gettext("“%(organization)s” is added to the event and %(name)s is checked in. "
                      "Print the badge.", organization=organization, name=person.name),
              "success")
    return redirect(url_for("events.badges", event_id=event_id, only=person.badge_token))
