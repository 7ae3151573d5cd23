"""Small helpers shared by the web blueprints: safe redirects, pagination, units of work."""
from __future__ import annotations

from typing import Any, Callable
from urllib.parse import urlsplit

from flask import Response, abort, current_app, flash, request, url_for
from sqlalchemy.orm.exc import StaleDataError

from exchange.core.errors import CONCURRENT_CHANGE, Conflict, NotFound, ValidationError
from exchange.http.extensions import db
from exchange.http.i18n import apply_errors, translate


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


def save(form, action: Callable[[], Any]) -> tuple[bool, Any]:
    """Run ACTION (a core call) as one unit of work: commit it, or roll back and show why.

    A ValidationError's messages are attached to FORM's fields (the rest are flashed);
    returns (True, ACTION's result) when committed, (False, None) when refused.
    """
    try:
        result = action()
        db.session.commit()
    except ValidationError as error:
        db.session.rollback()
        for text in apply_errors(form, error):
            flash(text, "error")
        return False, None
    except (Conflict, StaleDataError) as error:
        db.session.rollback()
        flash(translate(getattr(error, "message", CONCURRENT_CHANGE)), "error")
        return False, None
    return True, result


def act(action: Callable[[], Any]) -> bool:
    """Run ACTION (a core call behind a button) as one unit of work; say if it was committed.

    Not found is a 404; a refusal by the rules is rolled back and flashed in the reader's
    language.
    """
    try:
        action()
        db.session.commit()
    except NotFound:
        db.session.rollback()
        abort(404)
    except (ValidationError, Conflict, StaleDataError) as error:
        db.session.rollback()
        flash(translate(getattr(error, "message", CONCURRENT_CHANGE)), "error")
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
