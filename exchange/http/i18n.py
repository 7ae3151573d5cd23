"""The reader's language: choosing it, switching it, and translating core messages."""
from __future__ import annotations

from datetime import date

from flask import current_app, request, session
from flask_babel import format_date, gettext, ngettext, npgettext, pgettext
from flask_login import current_user

from exchange.core.errors import Msg, ValidationError
from exchange.http.labels import CATEGORY_LABELS
from models import Category, Notification


def select_locale() -> str:
    """The language the user chose, else their profile's, else the browser's, else Polish."""
    languages = current_app.config["LANGUAGES"]
    chosen = session.get("locale")
    if chosen in languages:
        return chosen
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]


def reader_language(user) -> str:
    """The language to write to USER in away from a request (e-mails): their profile's, else
    the site's default."""
    config = current_app.config
    return user.locale if user.locale in config["LANGUAGES"] else config["BABEL_DEFAULT_LOCALE"]


def select_timezone() -> str:
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


def translate(message: Msg | str) -> str:
    """Translate a core message into the reader's language (category codes become labels)."""
    if isinstance(message, Msg):
        params = dict(message.params)
        if "category" in params:
            try:
                params["category"] = CATEGORY_LABELS[Category(params["category"])]
            except ValueError:
                pass
        return _gettext(message.text, params)
    return gettext(message)


def _gettext(text: str, params: dict) -> str:
    """TEXT in the reader's language; a message with a ``plural`` msgid takes the plural form
    its ``num`` needs (Polish has three: 1 ogłoszenie, 2 ogłoszenia, 5 ogłoszeń); one with a
    ``context`` is looked up under that msgctxt (pgettext)."""
    plural = params.pop("plural", None)
    context = params.pop("context", None)
    if plural is not None and isinstance(params.get("num"), int):
        if context:
            return npgettext(context, text, plural, params.pop("num"), **params)
        return ngettext(text, plural, params.pop("num"), **params)
    if context:
        return pgettext(context, text, **params)
    return gettext(text, **params)


def _field(form, name: str):
    """FORM's field NAME, also inside lists of sub-forms ("commitments-0-what")."""
    target = getattr(form, name, None)
    if target is not None or "-" not in name:
        return target
    head, index, rest = name.split("-", 2)
    entries = getattr(getattr(form, head, None), "entries", None)
    if entries is None or not index.isdigit() or int(index) >= len(entries):
        return None
    return _field(entries[int(index)].form, rest)


def apply_errors(form, error: ValidationError, *, beside_form_errors: bool = True) -> list[str]:
    """Attach a core ValidationError to FORM's fields; return messages with no field.

    Without BESIDE_FORM_ERRORS a field the form itself refused keeps only the form's words (the
    core, asked about the same bad input, would say it a second time)."""
    unplaced = []
    for field, messages in error.errors.items():
        texts = [translate(m) for m in messages]
        target = _field(form, field) if field else None
        if target is not None and hasattr(target, "errors"):
            if target.errors and not beside_form_errors:
                continue
            target.errors = list(target.errors) + texts
        else:
            unplaced.extend(texts)
    return unplaced


def text_of(notification: Notification) -> str:
    """Translate a stored notification, formatting its dates for the reader."""
    params = dict(notification.params or {})
    for name in ("date", "due"):   # ISO dates in the core's messages
        if isinstance(params.get(name), str):
            params[name] = format_date(date.fromisoformat(params[name]), "long")
    return _gettext(notification.message, params)
