"""E-mail to an address that may have no account (the notification job mails only accounts),
sent from a request of the web or of the API."""
from __future__ import annotations

import os
import threading
from concurrent.futures import Future, ThreadPoolExecutor, wait
from typing import Any

from flask import current_app
from flask_babel import force_locale, get_locale, gettext

from exchange.http.clock import utcnow
from exchange.http.i18n import reader_language
from exchange.infra.mail import Mail, MailError, build_message, mailer_from_config


# Mail sent beside the answers (``background=True``), one at a time and in the order asked
# for, by a thread of this process (made on first use, so each forked worker has its own).
_sender: tuple[int, ThreadPoolExecutor] | None = None
_last: Future | None = None
_sender_lock = threading.Lock()


def mail_now(to: str, subject: str, body: str, *, background: bool = False,
             attachments: tuple[tuple[str, str, bytes], ...] = ()) -> None:
    """E-mail an address in the current language, once the unit of work was committed: at
    once, or, BACKGROUND, by the mail thread while the answer goes (so the answer takes
    as long whether or not there was mail to send).

    Not from the response's close callback: a server calls it only when the client has not
    reset the connection (Werkzeug's skips it then), and a reset link that never leaves is a
    locked-out user.

    For mail to an address that may have no account (the notification job mails only
    accounts). A failure is logged and never shown: the answer must not differ with the
    address."""
    app_name = current_app.config.get("APP_NAME", "Giełda")
    mail = Mail(to=to, subject=f"{app_name}: {subject}", body=body.rstrip() + "\n",
                language=str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"]),
                attachments=attachments)
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

    if not background:
        send()
        return
    global _sender, _last
    with _sender_lock:
        if _sender is None or _sender[0] != os.getpid():
            _sender = (os.getpid(), ThreadPoolExecutor(max_workers=1, thread_name_prefix="mail"))
        _last = _sender[1].submit(send)


def wait_for_mail(timeout: float = 10.0) -> None:
    """Wait until the mail asked for so far beside answers has gone (tests use it)."""
    with _sender_lock:
        last = _last
    if last is not None:
        wait([last], timeout)


def mail_user(user: Any, subject: Any, paragraphs: list[Any], *,
              background: bool = False, to: str | None = None,
              attachments: tuple[tuple[str, str, bytes], ...] = ()) -> None:
    """E-mail USER in their own language (not the visitor's): a greeting, then PARAGRAPHS.

    SUBJECT and PARAGRAPHS are lazy strings (lazy_gettext), translated here, in that
    language; a link is a plain string. TO sends it to another address of theirs than the
    one on the account (a new address not confirmed yet, or the one just replaced)."""
    with force_locale(reader_language(user)):
        mail_now(to or user.email, str(subject), "\n\n".join(
            [gettext("Hello %(name)s,", name=user.name)] + [str(p) for p in paragraphs]),
            background=background, attachments=attachments)
