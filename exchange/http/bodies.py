"""What a request body may be: as large as its view needs, and JSON no deeper than data needs."""
from __future__ import annotations

from typing import Callable

import flask
from flask import current_app, request
from flask_babel import format_decimal, gettext

from exchange.http.errors import error_response
from exchange.infra.jsondepth import MAX_DEPTH, too_deep


def takes_upload(view: Callable) -> Callable:
    """Mark VIEW as taking a file: its body may be MAX_UPLOAD_LENGTH, not MAX_CONTENT_LENGTH."""
    view.takes_upload = True
    return view


class Request(flask.Request):
    """Flask's request, whose size limit is chosen by the view it is for (known once routed)."""

    @property
    def max_content_length(self) -> int | None:
        if self._max_content_length is None and current_app and not self.is_json \
                and self.url_rule is not None:
            view = current_app.view_functions.get(self.url_rule.endpoint)
            if getattr(view, "takes_upload", False):
                return current_app.config["MAX_UPLOAD_LENGTH"]
        return flask.Request.max_content_length.fget(self)

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        self._max_content_length = value


def _megabytes(size: int) -> str:
    return format_decimal(size / (1024 * 1024), format="#,##0.#")


def refuse_unreadable_body():
    """Refuse, before anything reads it, a body larger than its view takes (413) or JSON
    nested deeper than MAX_DEPTH (400): parsing that would exhaust Python's recursion (a 500)
    on any route, since every request's JSON is read for the NUL check."""
    limit = request.max_content_length
    if limit is not None and (request.content_length or 0) > limit:
        return error_response(413, gettext("What you sent is too large: at most %(size)s MB here.",
                                     size=_megabytes(limit)))
    if request.is_json and too_deep(request.get_data(cache=True)):
        return error_response(400, gettext("The JSON is nested too deeply: at most %(depth)d levels.",
                                     depth=MAX_DEPTH), "json_too_deep")
    return None
