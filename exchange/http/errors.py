"""Error pages in the reader's language, and JSON errors under /api/."""
from __future__ import annotations

from flask import Flask, Response, jsonify, make_response, render_template, request
from flask_babel import gettext
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError, SecurityError

from exchange.core.errors import DomainError, ValidationError
from exchange.http.i18n import translate
from exchange.http.ratelimit import RateLimited


def _messages() -> dict[int, tuple[str, str]]:
    return {
        400: (gettext("Bad request"), gettext("The request could not be understood. "
                                              "Check what you entered and try again.")),
        401: (gettext("Log in required"), gettext("Log in to continue. The API needs a personal "
                                                  "token: Authorization: Bearer <token>.")),
        403: (gettext("Access denied"), gettext("You do not have permission to do this.")),
        404: (gettext("Page not found"), gettext("There is no such page, or it is not "
                                                 "visible to you.")),
        405: (gettext("Not allowed"), gettext("This address does not accept that method.")),
        409: (gettext("Conflict"), gettext("Someone else changed this in the meantime. "
                                           "Reload and try again.")),
        413: (gettext("Too large"), gettext("What you sent is too large.")),
        422: (gettext("Invalid data"), gettext("Check what you entered and try again.")),
        429: (gettext("Too many attempts"), gettext("Too many attempts. Wait a while and "
                                                    "try again.")),
        500: (gettext("Something went wrong"), gettext("An error on our side. Nothing you "
                                                       "saved was lost; try again in a moment.")),
    }


_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
          405: "method_not_allowed", 409: "conflict", 413: "too_large", 422: "invalid",
          429: "rate_limited", 500: "server_error"}


def error_response(status: int, detail: str | None = None, code: str | None = None,
                   fields: dict | None = None, details: dict | None = None):
    title, message = _messages().get(status, _messages()[500 if status >= 500 else 400])
    if detail:
        message = detail
    if request.path.startswith("/api/"):
        body = {"error": code or _CODES.get(status, "error"), "message": message}
        if fields:
            body["fields"] = fields
        body.update(details or {})
        response = jsonify(body)
        if status == 401:
            response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
        return response, status
    return render_template("errors/error.html", status=status, title=title,
                           message=message), status


def _werkzeug_default(error: HTTPException) -> bool:
    return error.description == type(error).description


def handle_http_error(error: HTTPException):
    status = error.code or 500
    detail = None if _werkzeug_default(error) else error.description
    return error_response(status, detail)


def handle_untrusted_host(error: SecurityError):
    """A Host not in TRUSTED_HOSTS: no page can be drawn, since its links would be built for
    that host, so the answer is a short text."""
    return Response(gettext("This site does not answer at this address."), 400,
                    mimetype="text/plain")


def handle_csrf_error(error: CSRFError):
    return error_response(400, gettext("The form expired or was not sent from this site. "
                                 "Go back, reload the page and send it again."), "csrf")


def handle_domain_error(error: DomainError):
    fields = details = None
    if isinstance(error, ValidationError):
        fields = {name or "_": [translate(m) for m in messages]
                  for name, messages in error.errors.items()}
        details = error.details
    return error_response(error.status, translate(error.message), error.code, fields, details)


def handle_rate_limited(error: RateLimited):
    """Too many failed passwords: say how long to wait, in words and in Retry-After."""
    from exchange.http.passwords import rate_limited_message

    response, status = error_response(429, rate_limited_message(error), "rate_limited")
    response = make_response(response, status)
    response.headers["Retry-After"] = str(error.retry_after)
    return response


def handle_server_error(error: Exception):
    return error_response(500)


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return any(_has_nul(v) for v in value)
    return False


def refuse_nul_characters():
    """No database stores a NUL character in text (PostgreSQL refuses it outright): a request
    that carries one anywhere is refused before any view sees it, with a message, not a 500."""
    body = request.get_json(silent=True) if request.is_json else None
    if _has_nul((request.path, list(request.args.items(multi=True)),
                 list(request.form.items(multi=True)), body,
                 request.headers.get("Authorization", ""))):
        return error_response(400, gettext("Text may not contain the NUL character (\\0). "
                                     "Remove it and send again."), "nul_character")
    return None


def register_error_handlers(app: Flask) -> None:
    app.before_request(refuse_nul_characters)
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(SecurityError, handle_untrusted_host)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(RateLimited, handle_rate_limited)
    app.register_error_handler(InternalServerError, handle_server_error)
