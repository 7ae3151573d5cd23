"""The API's notification preferences: read and change what is e-mailed to you."""
from __future__ import annotations

from flask import g

from exchange.api.base import bp, json_body, refuse_unknown_fields
from exchange.core import preferences
from exchange.core.errors import Msg, ValidationError
from exchange.http import access
from exchange.http.clock import utcnow
from exchange.http.extensions import db
from exchange.http.unit import unit_of_work


def preferences_json(chosen: dict[str, str]) -> dict:
    return {"preferences": chosen, "defaults": dict(preferences.DEFAULTS)}


@bp.route("/me/preferences")
@access.token
def my_preferences():
    return preferences_json(preferences.preferences_of(db.session, g.api_user.id))


@bp.route("/me/preferences", methods=["PUT"])
@access.token
def set_my_preferences():
    body = json_body()
    refuse_unknown_fields(body, {"preferences"})
    choices = body.get("preferences")
    if not isinstance(choices, dict):
        raise ValidationError.single("preferences", Msg(
            "Send an object of kinds and their channels, e.g. {\"proposals\": \"weekly\"}."))
    try:
        with unit_of_work():
            chosen = preferences.set_preferences(db.session, g.api_user.id, choices, utcnow())
    except ValidationError as error:
        raise ValidationError({f"preferences.{field}": messages
                               for field, messages in error.errors.items()}) from None
    return preferences_json(chosen)
