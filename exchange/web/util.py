"""Small helpers shared by the web blueprints: forms' units of work, e-mail to an address
(``mail_now`` lives in exchange/http/mailing.py, which the API uses too)."""
from __future__ import annotations

from typing import Any, Callable

from flask import abort, flash

from exchange.core.errors import Conflict, Forbidden, NotFound, ValidationError
from exchange.http.extensions import db
from exchange.http.i18n import apply_errors, translate
from exchange.http.mailing import mail_now
from exchange.http.unit import unit_of_work

__all__ = ["act", "mail_now", "save", "save_checked"]


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


class _DryRun(Exception):
    """Undoes what a dry run of a core call wrote."""


def save_checked(form, action: Callable[[], Any]) -> tuple[bool, Any]:
    """Validate FORM and, when it is valid, run ACTION as ``save`` does.

    When the form has errors, ACTION still runs as a dry run (in a savepoint, undone whatever
    happens) so that the core's own refusals — money in a title, a date before another, a
    name already taken — are said in the same answer as the form's, each on a field the form
    has not marked already: a person corrects everything in one go. The dry run writes nothing
    and sends nothing (the core only records notifications; mail leaves from jobs)."""
    if form.validate():
        return save(form, action)
    try:
        with db.session.begin_nested():
            action()
            raise _DryRun
    except _DryRun:
        pass
    except ValidationError as error:
        for text in apply_errors(form, error, beside_form_errors=False):
            flash(text, "error")
    except (Conflict, NotFound, Forbidden):
        pass  # said when the form is sent again without its errors
    finally:
        db.session.rollback()
    return False, None


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
