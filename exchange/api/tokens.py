"""The API's tokens: issue one with email and password, list and revoke your own."""
from __future__ import annotations

from flask import g
from flask_babel import gettext

from exchange.api.base import bp, json_body
from exchange.core import accounts, tokens
from exchange.core.errors import Msg, ValidationError
from exchange.http import access
from exchange.http.clock import utcnow
from exchange.http.extensions import db
from exchange.http.passwords import login_attempt
from exchange.http.unit import unit_of_work


def token_json(token) -> dict:
    return {"id": token.id, "name": token.name, "prefix": token.prefix,
            "created_at": token.created_at.isoformat(),
            "last_used_at": token.last_used_at.isoformat() if token.last_used_at else None,
            "revoked": token.revoked_at is not None}


@bp.route("/tokens", methods=["POST"])
@access.public
def issue():
    body = json_body()
    email, password = body.get("email"), body.get("password")
    if not isinstance(email, str) or not isinstance(password, str):
        raise ValidationError.single(None, Msg("Send your email and password."))
    attempt = login_attempt(email)  # counted with the web's logins of the same address
    with unit_of_work():  # a failed login writes nothing
        user = accounts.authenticate(db.session, email=email, password=password, now=utcnow())
        if user is not None:
            token, plain = tokens.issue_token(db.session, user, body.get("name") or "API",
                                              utcnow())
    if user is None:
        return {"error": "unauthorized",
                "message": gettext("Wrong email or password, or the account is deactivated.")}, 401
    attempt.give_back()
    return {**token_json(token), "token": plain}, 201


@bp.route("/tokens")
@access.token
def mine():
    return {"items": [token_json(t) for t in tokens.tokens_of(db.session, g.api_user)]}


@bp.route("/tokens/<int:token_id>", methods=["DELETE"])
@access.token
def revoke(token_id: int):
    with unit_of_work():
        tokens.revoke_token(db.session, g.api_user, token_id, utcnow())
    return "", 204
