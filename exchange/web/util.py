"""Small helpers shared by the web blueprints: forms' units of work, e-mail to an address."""
from __future__ import annotations

from typing import Any, Callable

from flask import Response, abort, current_app, flash

from exchange.core.errors import Conflict, NotFound, ValidationError
from exchange.http.i18n import apply_errors, translate
from exchange.http.unit import unit_of_work
from exchange.http.urls import external_url


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


def mail_now(to: str, subject: str, body: str, *, after: Response | None = None) -> None:
    """E-mail an address in the current language, once the unit of work was committed: at
    once, or once the response AFTER has gone (so the answer takes as long either way).

    For mail to an address that may have no account (the notification job mails only
    accounts). A failure is logged and never shown: the answer must not differ with the
    address."""
    from flask_babel import get_locale

    from exchange.http.clock import utcnow
    from exchange.infra.mail import Mail, MailError, build_message, mailer_from_config

    app_name = current_app.config.get("APP_NAME", "Giełda")
    mail = Mail(to=to, subject=f"{app_name}: {subject}", body=body.rstrip() + "\n",
                language=str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"]))
    mailer = mailer_from_config(current_app.config, current_app.instance_path)
    message = build_message(mail, mailer.sender, utcnow())
    log = current_app.logger

    def send() -> None:
        try:
            mailer.send(message)
        except MailError:
            log.exception("mail to a visitor's address not sent")
        finally:
            mailer.close()

    if after is None:
        send()
    else:
        after.call_on_close(send)


def invitation_to_register() -> str:
    """The paragraph of an invitation that says how to take it up."""
    from flask_babel import gettext

    return gettext("To accept, create an account with this e-mail address: %(link)s — then "
                   "ask them to add you again.", link=external_url("auth.register"))
