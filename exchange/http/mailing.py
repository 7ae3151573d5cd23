"""E-mail to an address that may have no account (the notification job mails only accounts),
sent from a request of the web or of the API."""
from __future__ import annotations

from typing import Any

from flask import Response, current_app
from flask_babel import force_locale, get_locale, gettext

from exchange.http.clock import utcnow
from exchange.http.i18n import reader_language
from exchange.infra.mail import Mail, MailError, build_message, mailer_from_config


def mail_now(to: str, subject: str, body: str, *, after: Response | None = None) -> None:
    """E-mail an address in the current language, once the unit of work was committed: at
    once, or once the response AFTER has gone (so the answer takes as long either way).

    For mail to an address that may have no account (the notification job mails only
    accounts). A failure is logged and never shown: the answer must not differ with the
    address."""
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


def mail_user(user: Any, subject: Any, paragraphs: list[Any], *,
              after: Response | None = None, to: str | None = None) -> None:
    """E-mail USER in their own language (not the visitor's): a greeting, then PARAGRAPHS.

    SUBJECT and PARAGRAPHS are lazy strings (lazy_gettext), translated here, in that
    language; a link is a plain string. TO sends it to another address of theirs than the
    one on the account (a new address not confirmed yet, or the one just replaced)."""
    with force_locale(reader_language(user)):
        mail_now(to or user.email, str(subject), "\n\n".join(
            [gettext("Hello %(name)s,", name=user.name)] + [str(p) for p in paragraphs]),
            after=after)
