"""A forgotten password through the API: the link to set a new one is e-mailed, as on the
web (the web page it opens sets the password)."""
from __future__ import annotations

from flask import make_response
from flask_babel import gettext

from exchange.api.base import bp, json_body, refuse_unknown_fields
from exchange.core import accounts
from exchange.core.errors import Msg, ValidationError
from exchange.http import access
from exchange.http.errors import error_response
from exchange.http.password_reset import ask_for_reset_link
from exchange.http.passwords import rate_limited_message
from exchange.http.ratelimit import RateLimited


@bp.route("/password-reset", methods=["POST"])
@access.public
def password_reset():
    body = json_body()
    refuse_unknown_fields(body, {"email"})
    email = body.get("email")
    if not isinstance(email, str) or not email.strip():
        raise ValidationError.single("email", Msg("Send the e-mail address of the account."))
    if len(email) > accounts.EMAIL_MAX_LENGTH:
        raise ValidationError.single("email", Msg("Use at most %(max)d characters.",
                                                  max=accounts.EMAIL_MAX_LENGTH))
    # The same answer whether or not the address has an account.
    response = make_response({"message": gettext(
        "If an account uses this address, we have sent it a link to set a new password. The "
        "link works once, within an hour.")}, 202)
    try:
        ask_for_reset_link(email)
    except RateLimited as limited:
        refused = make_response(*error_response(
            429, rate_limited_message(limited, reset=True), "rate_limited"))
        refused.headers["Retry-After"] = str(limited.retry_after)
        return refused
    return response
