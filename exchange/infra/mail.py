"""E-mail copies of notifications: each sent once, in its reader's language, through SMTP or
to a local outbox of .eml files.

The job claims notifications not yet e-mailed, oldest first, a batch at a time, and commits
the claim before it sends, so two runs at once (a manual run-job beside the scheduler) never
mail the same one. It marks a notification as e-mailed (``emailed_at``) only after the mailer
accepted it, and gives back the claims it could not send, so a failed send is tried again on
the next run. A notification its reader has already seen in the app, one older than
``max_age``, or one for a deactivated account is marked without sending: the in-app inbox
stays the record, and the first run after an outage does not flood anyone.

Which notifications go at once is the reader's choice, asked of a ``route`` the job passes
in: one left for a digest is marked with it (``digest``) and e-mailed by the digest job
(exchange/infra/digests.py); one the reader wants no e-mail of is marked without sending.
"""
from __future__ import annotations

import logging
import os
import smtplib
import ssl
import tempfile
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.policy import default as default_policy
from email.utils import format_datetime, make_msgid, parseaddr
from pathlib import Path
from typing import Callable, Iterator, Mapping, Protocol
from urllib.parse import urlsplit

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from models import Notification, User

log = logging.getLogger(__name__)

BATCH_SIZE = 50
MAX_BATCHES = 20              # per run; the rest waits a minute for the next run
MAX_AGE = timedelta(days=2)   # older notifications are not worth an e-mail any more
# How long a run's claim on a batch keeps other runs off it: far longer than sending a batch
# takes, after which the claim is taken to be a crashed run's and its batch is sent again.
CLAIM_LEASE = timedelta(minutes=15)


@dataclass(frozen=True)
class Mail:
    """One rendered e-mail, before it gets its headers."""

    to: str
    subject: str
    body: str
    language: str = "pl"
    headers: tuple[tuple[str, str], ...] = ()  # e.g. List-Unsubscribe
    # Files sent with it: (file name, MIME type "main/sub", content), e.g. a meeting's .ics.
    attachments: tuple[tuple[str, str, bytes], ...] = ()


class MailError(Exception):
    """The mailer could not send; the notification waits for the next run.

    ``stop`` says the mailer cannot send anything now (the server is unreachable), so the
    run ends instead of waiting for a timeout on every remaining mail.
    """

    def __init__(self, message: str, *, stop: bool = False) -> None:
        super().__init__(message)
        self.stop = stop


class Mailer(Protocol):
    sender: str

    def send(self, message: EmailMessage) -> None: ...

    def close(self) -> None: ...


def build_message(mail: Mail, sender: str, now: datetime, *, key: str = "") -> EmailMessage:
    """The e-mail as it goes on the wire: plain UTF-8 text, marked as sent by a machine."""
    message = EmailMessage(policy=default_policy)
    message["From"] = sender
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message["Date"] = format_datetime(now)
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    message["Message-ID"] = make_msgid(domain=domain)
    message["Auto-Submitted"] = "auto-generated"  # no out-of-office replies, please
    if key:
        message["X-Gielda-Notification"] = key
    for name, value in mail.headers:
        message[name] = value
    message.set_content(mail.body)
    message["Content-Language"] = mail.language  # after set_content, which resets Content-*
    for filename, mimetype, content in mail.attachments:
        maintype, _, subtype = mimetype.partition("/")
        if maintype == "text":  # as UTF-8 text, so that mail programs read it as such
            message.add_attachment(content.decode("utf-8"), subtype=subtype, filename=filename)
        else:
            message.add_attachment(content, maintype=maintype, subtype=subtype,
                                   filename=filename)
    return message


class SmtpMailer:
    """Send through an SMTP server, one connection per run (opened at the first mail)."""

    def __init__(self, host: str, port: int = 587, *, username: str = "", password: str = "",
                 use_tls: bool = True, use_ssl: bool = False, sender: str,
                 timeout: float = 30) -> None:
        self.host, self.port = host, port
        self.username, self.password = username, password
        self.use_tls, self.use_ssl = use_tls, use_ssl
        self.sender = sender
        self.timeout = timeout
        self._smtp: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        context = ssl.create_default_context()
        if self.use_ssl:
            smtp = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=context)
        else:
            smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            if self.use_tls:
                smtp.starttls(context=context)
        if self.username:
            smtp.login(self.username, self.password)
        return smtp

    def send(self, message: EmailMessage) -> None:
        try:
            if self._smtp is None:
                self._smtp = self._connect()
            self._smtp.send_message(message)
        except (smtplib.SMTPRecipientsRefused, smtplib.SMTPResponseException) as error:
            # The server answered and refused this one mail; the next may well go.
            raise MailError(f"{message['To']}: {error}") from error
        except OSError as error:  # also SMTPServerDisconnected, SMTPNotSupportedError
            self._drop()
            raise MailError(f"{self.host}:{self.port}: {error}", stop=True) from error

    def _drop(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            try:
                smtp.close()
            except OSError:
                pass

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (smtplib.SMTPException, OSError):
                pass
            self._drop()


class OutboxMailer:
    """Write each mail as an .eml file into a directory (development, tests, no SMTP server)."""

    def __init__(self, directory: str | Path, *, sender: str) -> None:
        self.directory = Path(directory)
        self.sender = sender

    def send(self, message: EmailMessage) -> None:
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            name = f"{datetime.now().strftime('%Y%m%d-%H%M%S-%f')}-{uuid.uuid4().hex[:8]}.eml"
            # Written under a temporary name and renamed, so a reader never sees half a mail.
            handle, temporary = tempfile.mkstemp(dir=self.directory, prefix=".", suffix=".tmp")
            with os.fdopen(handle, "wb") as file:
                file.write(message.as_bytes())
            os.replace(temporary, self.directory / name)
        except OSError as error:
            raise MailError(f"{self.directory}: {error}", stop=True) from error

    def close(self) -> None:
        pass


def mailer_from_config(config: Mapping, instance_path: str | Path) -> Mailer:
    """SMTP when MAIL_SERVER is set (and the outbox is not asked for), else the outbox."""
    sender = config.get("MAIL_FROM") or "Giełda <no-reply@localhost>"
    outbox = config.get("MAIL_OUTBOX") or Path(instance_path) / "outbox"
    if config.get("MAIL_SERVER") and not config.get("MAIL_USE_OUTBOX"):
        return SmtpMailer(config["MAIL_SERVER"], int(config.get("MAIL_PORT") or 587),
                          username=config.get("MAIL_USERNAME") or "",
                          password=config.get("MAIL_PASSWORD") or "",
                          use_tls=bool(config.get("MAIL_USE_TLS", True)),
                          use_ssl=bool(config.get("MAIL_USE_SSL", False)), sender=sender)
    return OutboxMailer(outbox, sender=sender)


def absolute_link(base_url: str, link: str) -> str:
    """LINK ("/contracts/3") as a full address under BASE_URL; full addresses stay."""
    if not link:
        link = "/notifications/"
    if urlsplit(link).scheme:
        return link
    return base_url.rstrip("/") + "/" + link.lstrip("/")


@dataclass
class MailSummary:
    sent: int = 0
    skipped: int = 0
    failed: int = 0
    deferred: int = 0  # left for the reader's digest
    failed_ids: list[int] = field(default_factory=list)
    stopped: bool = False  # the mailer gave up; the rest waits for the next run

    def __str__(self) -> str:
        return (f"{self.sent} sent, {self.deferred} left for digests, {self.skipped} skipped, "
                f"{self.failed} failed")


Renderer = Callable[[Notification, User], Mail]
# How the reader wants a notification e-mailed: "now", "daily" or "weekly" (left for that
# digest), or "never".
Router = Callable[[Notification, User], str]
DIGEST_CHANNELS = ("daily", "weekly")


def _at_once(notification: Notification, user: User) -> str:
    return "now"


def _claim(session: Session, token: str, after_id: int, limit: int, now: datetime,
           lease: timedelta) -> int:
    """Mark up to LIMIT unsent notifications after AFTER_ID as this run's; how many it got."""
    free = and_(Notification.emailed_at.is_(None),
                or_(Notification.claimed_at.is_(None), Notification.claimed_at < now - lease))
    # The conditional UPDATE is what makes the claim safe on both databases: SQLite runs one
    # writer at a time, and PostgreSQL re-checks `free` on a row another run has just claimed.
    # SKIP LOCKED only spares PostgreSQL the wait for rows a concurrent claim holds.
    candidates = (select(Notification.id).where(free, Notification.id > after_id)
                  .order_by(Notification.id).limit(limit).with_for_update(skip_locked=True))
    result = session.execute(update(Notification)
                             .where(Notification.id.in_(candidates), free)
                             .values(claim_token=token, claimed_at=now)
                             .execution_options(synchronize_session=False))
    return result.rowcount


def _claimed_batches(session: Session, limit: int, now: datetime, lease: timedelta,
                     commit: Callable[[], None] | None
                     ) -> Iterator[tuple[str, list[tuple[Notification, User]]]]:
    token = uuid.uuid4().hex
    last_id = 0
    while _claim(session, token, last_id, limit, now, lease):
        if commit is not None:
            commit()  # every other run sees the claim before this one sends anything
        rows = list(session.execute(
            select(Notification, User).join(User, User.id == Notification.user_id)
            .where(Notification.claim_token == token, Notification.emailed_at.is_(None))
            .order_by(Notification.id).execution_options(populate_existing=True)))
        if not rows:
            return
        yield token, rows
        # Oldest first by id; a row that failed is left behind by the keyset, not re-read.
        last_id = rows[-1][0].id


def _release(session: Session, token: str) -> None:
    """Give back this run's claims on rows it did not send, for the next run to retry."""
    session.execute(update(Notification)
                    .where(Notification.claim_token == token, Notification.emailed_at.is_(None))
                    .values(claim_token=None, claimed_at=None)
                    .execution_options(synchronize_session=False))


def send_batch(session: Session, rows: list[tuple[Notification, User]], mailer: Mailer,
               render: Renderer, now: datetime, *, max_age: timedelta = MAX_AGE,
               summary: MailSummary | None = None, route: Router = _at_once) -> MailSummary:
    """E-mail ROWS that ROUTE says go at once; mark each one sent (or skipped, or left for
    a digest) once the mailer took it."""
    summary = summary or MailSummary()
    with session.no_autoflush:  # no write lock held while the SMTP server answers
        for notification, user in rows:
            if summary.stopped:
                break
            if notification.read_at is not None or not user.is_active or not user.email:
                notification.emailed_at = now
                summary.skipped += 1
                continue
            channel = route(notification, user)
            if channel in DIGEST_CHANNELS:
                notification.emailed_at = now  # as far as this job goes: a digest takes it
                notification.digest = channel
                summary.deferred += 1
                continue
            if channel != "now" or now - notification.created_at > max_age:
                notification.emailed_at = now
                summary.skipped += 1
                continue
            try:
                mail = render(notification, user)
            except Exception:  # a broken message must not hold up everyone else's mail
                log.exception("notification %s could not be rendered", notification.id)
                summary.failed += 1
                summary.failed_ids.append(notification.id)
                continue
            try:
                mailer.send(build_message(mail, mailer.sender, now, key=notification.key))
            except MailError as error:
                log.warning("notification %s not e-mailed: %s", notification.id, error)
                summary.failed += 1
                summary.failed_ids.append(notification.id)
                summary.stopped = error.stop
                continue
            notification.emailed_at = now
            summary.sent += 1
    session.flush()
    return summary


def send_pending(session: Session, mailer: Mailer, render: Renderer, now: datetime, *,
                 batch_size: int = BATCH_SIZE, max_batches: int = MAX_BATCHES,
                 max_age: timedelta = MAX_AGE, lease: timedelta = CLAIM_LEASE,
                 commit: Callable[[], None] | None = None,
                 route: Router = _at_once) -> MailSummary:
    """E-mail the notifications not yet e-mailed, oldest first, BATCH_SIZE at a time.

    COMMIT (the job's) is called once a batch is claimed and again once it is sent: runs at
    the same time then never send one notification twice, and a crash re-sends at most one
    batch, once its claim has lapsed (after LEASE). Without COMMIT the whole run is one
    transaction of the caller's, safe only where no other run goes at the same time.
    """
    summary = MailSummary()
    try:
        for number, (token, rows) in enumerate(
                _claimed_batches(session, batch_size, now, lease, commit)):
            send_batch(session, rows, mailer, render, now, max_age=max_age, summary=summary,
                       route=route)
            _release(session, token)
            if commit is not None:
                commit()
            if summary.stopped or number + 1 >= max_batches:
                break
    finally:
        mailer.close()
    return summary


def read_outbox(directory: str | Path) -> list[Path]:
    """The .eml files in the outbox, oldest first."""
    directory = Path(directory)
    return sorted(directory.glob("*.eml")) if directory.is_dir() else []
