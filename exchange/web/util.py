"""Small helpers shared by the web blueprints: forms' units of work, e-mail to an address
(``mail_now`` lives in exchange/http/mailing.py, which the API uses too)."""
from __future__ import annotations

from typing import Any, Callable

from flask import abort, flash

from exchange.core.errors import Conflict, NotFound, ValidationError
from exchange.http.i18n import apply_errors, translate
from exchange.http.mailing import mail_now
from exchange.http.unit import unit_of_work

__all__ = ["act", "mail_now", "save"]


def save(form, action: Callable[[], Any]) -> tuple[bool, Any]:
    """Run ACTION (a core call) as one unit of work: commit it, or roll back and show why.

    A ValidationError's messages are attached to FORM's fields (the rest are flashed);
    returns (True, ACTION's result) when committed, (False, None) when refused.
    """
    try:
        with unit_of_work():
            result = action()
    except ValidationError as error:
        for text in apply_errors(form, error):
            flash(text, "error")
        return False, None
    except Conflict as error:
        flash(translate(error.message), "error")
        return False, None
    return True, result


def act(action: Callable[[], Any]) -> bool:
    """Run ACTION (a core call behind a button) as one unit of work; say if it was committed.

    Not found is a 404; a refusal by the rules is rolled back and flashed in the reader's
    language.
    """
    try:
        with unit_of_work():
            action()
    except NotFound:
        abort(404)
    except (ValidationError, Conflict) as error:
        flash(translate(error.message), "error")
        return False
    return True
