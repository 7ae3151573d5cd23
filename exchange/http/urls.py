"""Addresses: where a form may send the reader next, links under BASE_URL, page numbers."""
from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import current_app, request, url_for


def is_safe_next(target: str | None) -> bool:
    """Tell whether TARGET is a path on this site (never another host, scheme or '//')."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return False
    if "\\" in target or any(ord(c) < 32 for c in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def safe_next(default_endpoint: str = "main.index") -> str:
    """The ``next`` form or query value if it stays on this site, else DEFAULT_ENDPOINT."""
    target = request.form.get("next") or request.args.get("next")
    return target if is_safe_next(target) else url_for(default_endpoint)


def external_url(endpoint: str, **values: Any) -> str:
    """ENDPOINT's full address under BASE_URL, for links read away from the page (printouts'
    QR codes, calendars, API answers). Never from the request's Host header: a request sent
    with a forged one must not make the site print or hand out links to another host."""
    base = urlsplit(current_app.config["BASE_URL"])
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/",
                                       url_scheme=base.scheme)
    return adapter.build(endpoint, values, force_external=True)


MAX_PAGE = 100_000


def page_number() -> int:
    """The ``page`` query value, kept within what a database can offset."""
    try:
        return min(MAX_PAGE, max(1, int(request.args.get("page", 1))))
    except ValueError:
        return 1
