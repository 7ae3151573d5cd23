"""Scheduled jobs: one table of them, run by `flask scheduler` in exactly one process.

Each job scans the database for due work and is idempotent, so a missed or repeated run
does no harm. A lock (a PostgreSQL advisory lock, or a file lock beside a SQLite database)
keeps a second scheduler idle until the first one stops.
"""
from __future__ import annotations

import fcntl
import logging
import textwrap
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Callable

from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask, current_app
from flask_babel import force_locale, gettext
from sqlalchemy import text

from exchange.clock import utcnow
from exchange.contracts import follow_up
from exchange.extensions import db
from exchange.listings import expire_listings
from exchange.mail import Mail, absolute_link, mailer_from_config, send_pending
from exchange.proposals import IndexCache, send_digest
from exchange.web.notifications import text_of
from models import Notification, User

log = logging.getLogger(__name__)
ADVISORY_LOCK_ID = 0x6769656C  # "giel"


@dataclass(frozen=True)
class Job:
    id: str
    run: Callable  # (session, now) -> a summary worth logging
    minutes: int
    description: str


def proposal_digest(session, now):
    """The digest, with this app's matching index in the scheduler process."""
    cache = current_app.extensions.setdefault("gielda.digest_index", IndexCache())
    return send_digest(session, cache.sync(session), now)


def render_mail(notification: Notification, user: User) -> Mail:
    """A notification as an e-mail in its reader's language (their profile's, else Polish)."""
    config = current_app.config
    language = user.locale if user.locale in config["LANGUAGES"] \
        else config["BABEL_DEFAULT_LOCALE"]
    app_name = config.get("APP_NAME", "Giełda")
    with force_locale(language):
        message = text_of(notification)
        body = "\n\n".join([
            gettext("Hello %(name)s,", name=user.name),
            message,
            gettext("Open it in %(app)s: %(link)s", app=app_name,
                    link=absolute_link(config["BASE_URL"], notification.link)),
            "-- \n" + gettext("You get this e-mail because you have an account in %(app)s. "
                              "All your notifications: %(link)s", app=app_name,
                              link=absolute_link(config["BASE_URL"], "/notifications/")),
        ]) + "\n"
    subject = f"{app_name}: {textwrap.shorten(message, 120, placeholder='…')}"
    return Mail(to=user.email, subject=subject, body=body, language=language)


def send_mail(session, now):
    """E-mail the notifications not yet e-mailed; commit after each batch of them."""
    app = current_app._get_current_object()
    return send_pending(session, mailer_from_config(app.config, app.instance_path), render_mail,
                        now, commit=session.commit)


JOBS = (
    Job("expire-listings", expire_listings, 60,
        "Expire listings past their date; warn their owners a week before."),
    Job("proposal-digest", proposal_digest, 24 * 60,
        "Tell needs' owners about strong proposals they have not heard of."),
    Job("contract-follow-up", follow_up, 60,
        "Remind parties of first contact and due dates, ask how contracts are going, give "
        "them their outcome."),
    Job("send-mail", send_mail, 1,
        "E-mail new notifications, each once, in its reader's language."),
)


def run_job(app: Flask, job: Job, *, now: datetime | None = None):
    """Run JOB once as one unit of work (at NOW, else the app's clock); return its summary."""
    with app.app_context():
        try:
            result = job.run(db.session, now or utcnow())
            db.session.commit()
        except Exception:
            db.session.rollback()
            log.exception("job %s failed", job.id)
            raise
        log.info("job %s: %s", job.id, result)
        return result


class SchedulerLock:
    """Held by the one scheduler process; released when it exits."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self._connection = None
        self._file = None

    def acquire(self) -> bool:
        with self.app.app_context():
            engine = db.engine
            if engine.dialect.name == "postgresql":
                connection = engine.connect()
                if connection.scalar(text("SELECT pg_try_advisory_lock(:id)"),
                                     {"id": ADVISORY_LOCK_ID}):
                    self._connection = connection
                    return True
                connection.close()
                return False
            path = Path(engine.url.database or "").with_suffix(".scheduler.lock") \
                if engine.url.database else Path(self.app.instance_path) / "scheduler.lock"
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = path.open("w")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            return False
        self._file = handle
        return True

    def release(self) -> None:
        if self._connection is not None:
            # Closing only returns the connection to the pool, where the session (and
            # so the lock) would live on.
            self._connection.execute(text("SELECT pg_advisory_unlock(:id)"),
                                     {"id": ADVISORY_LOCK_ID})
            self._connection.close()
            self._connection = None
        if self._file is not None:
            self._file.close()
            self._file = None


def run_scheduler(app: Flask, *, wait_seconds: int = 30) -> None:
    """Block forever, running JOBS on schedule once this process holds the lock."""
    lock = SchedulerLock(app)
    while not lock.acquire():
        log.info("another scheduler holds the lock; idling")
        time.sleep(wait_seconds)
    scheduler = BlockingScheduler(timezone="UTC", job_defaults={
        "coalesce": True, "max_instances": 1, "misfire_grace_time": 3600})
    for job in JOBS:
        scheduler.add_job(run_job, "interval", minutes=job.minutes, args=(app, job), id=job.id,
                          next_run_time=utcnow(), replace_existing=True)
    log.info("scheduler started with %d job(s)", len(JOBS))
    try:
        scheduler.start()
    finally:
        lock.release()
