"""Scheduled jobs: one table of them, run by `flask scheduler` in exactly one process.

Each job scans the database for due work and is idempotent, so a missed or repeated run
does no harm. A lock (a PostgreSQL advisory lock, or a file lock beside a SQLite database)
keeps a second scheduler idle until the first one stops; a scheduler that finds its lock
lost before a job run stops at once.
"""
from __future__ import annotations

import fcntl
import logging
import os
import textwrap
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Callable

from apscheduler.schedulers import SchedulerNotRunningError
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask, current_app
from flask_babel import force_locale, gettext
from sqlalchemy import create_engine, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from exchange.cli.digests import daily_digest, weekly_digest
from exchange.core.contracts import follow_up
from exchange.core.events.aftermath import still_open_notices
from exchange.core.events.reminders import event_reminders
from exchange.core.events.award import voting_notices
from exchange.core.preferences import UnknownNotificationKey, kind_of
from exchange.core.listings import expire_listings
from exchange.core.partnerships import notify_quiet_partners, remind_tasks
from exchange.core.proposals import IndexCache, send_digest
from exchange.core.saved_searches import send_alerts
from exchange.http.clock import system_now, utcnow
from exchange.http.extensions import db
from exchange.http.i18n import reader_language
from exchange.infra.mail import Mail, absolute_link, mailer_from_config, send_pending
from exchange.http.i18n import text_of
from exchange.http.preferences import router, unsubscribe_headers, unsubscribe_url
from exchange.http.unit import unit_of_work
from exchange.http.urls import external_url
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


def event_aftermath(session, now):
    """Listings an event left open, with the marketplace's proposals for them."""
    cache = current_app.extensions.setdefault("gielda.digest_index", IndexCache())
    return still_open_notices(session, cache.sync(session), now)


def render_mail(notification: Notification, user: User) -> Mail:
    """A notification as an e-mail in its reader's language (their profile's, else Polish)."""
    config = current_app.config
    language = reader_language(user)
    app_name = config.get("APP_NAME", "Giełda")
    try:
        unsubscribe = unsubscribe_url(user.id, [kind_of(notification.key)])
        headers = unsubscribe_headers(unsubscribe)
    except UnknownNotificationKey:  # made without notify(); the page lets them choose
        unsubscribe, headers = external_url("preferences.edit"), ()
    with force_locale(language):
        message = text_of(notification)
        body = "\n\n".join([
            gettext("Hello %(name)s,", name=user.name),
            message,
            gettext("Open it in %(app)s: %(link)s", app=app_name,
                    link=absolute_link(config["BASE_URL"], notification.link)),
            "-- \n" + gettext("You get this e-mail because you have an account in %(app)s. "
                              "All your notifications: %(link)s", app=app_name,
                              link=absolute_link(config["BASE_URL"], "/notifications/"))
            + "\n" + gettext("Stop e-mails of this kind: %(link)s", link=unsubscribe),
        ]) + "\n"
    subject = f"{app_name}: {textwrap.shorten(message, 120, placeholder='…')}"
    return Mail(to=user.email, subject=subject, body=body, language=language, headers=headers)


def send_mail(session, now):
    """E-mail the notifications not yet e-mailed; commit after each batch of them."""
    app = current_app._get_current_object()
    return send_pending(session, mailer_from_config(app.config, app.instance_path), render_mail,
                        now, commit=session.commit, route=router(session))


JOBS = (
    Job("expire-listings", expire_listings, 60,
        "Expire listings past their date; warn their owners a week before."),
    Job("proposal-digest", proposal_digest, 24 * 60,
        "Tell needs' owners about strong proposals they have not heard of."),
    Job("contract-follow-up", follow_up, 60,
        "Remind parties of first contact and due dates, ask how contracts are going, give "
        "them their outcome."),
    Job("event-still-open", event_aftermath, 60,
        "A day after an event, tell each organization of the listings it brought that are "
        "still open, with the marketplace's best proposals for them (once)."),
    Job("event-reminder", event_reminders, 15,
        "A day before an event's start on its hall's clock, remind its staff and the members "
        "of its admitted organizations (once)."),
    Job("event-award-voting", voting_notices, 5,
        "When the vote for an event's match of the year opens, tell its participants (once)."),
    Job("partnership-tasks", remind_tasks, 60,
        "Remind the people of each partner organization of its partnership tasks due within "
        "three days, and again once overdue (once per task and state)."),
    Job("partnership-quiet", notify_quiet_partners, 24 * 60,
        "Tell each partnership's coordinator of the partners without contact for the "
        "partnership's number of weeks (once per partner and quiet spell)."),
    Job("saved-search-alerts", send_alerts, 15,
        "Tell users of new listings matching their saved searches, one notice per search."),
    Job("send-mail", send_mail, 1,
        "E-mail new notifications their readers want at once, each once, in its reader's "
        "language; leave the rest for the digests."),
    # Hourly, though each sends once a day (a week): a missed run is caught up within the hour.
    Job("daily-digest", daily_digest, 60,
        "E-mail each user one digest a day of the notifications they chose to get daily."),
    Job("weekly-digest", weekly_digest, 60,
        "E-mail each user one digest a week (from Monday morning) of the notifications they "
        "chose to get weekly."),
)


def run_job(app: Flask, job: Job, *, now: datetime | None = None):
    """Run JOB once as one unit of work (at NOW, else the app's clock); return its summary."""
    with app.app_context():
        try:
            with unit_of_work():
                result = job.run(db.session, now or utcnow())
        except Exception:
            log.exception("job %s failed", job.id)
            raise
        log.info("job %s: %s", job.id, result)
        return result


class SchedulerLock:
    """Held by the one scheduler process; released when it exits.

    On PostgreSQL it is a session advisory lock on a connection of its own, in autocommit so
    it never sits "idle in transaction" (which holds back vacuum). That session can end
    under the scheduler (a restarted server, a cut connection, pg_terminate_backend), and
    then another scheduler may take the lock: ``is_held`` asks the server before each job
    run. On SQLite it is a file lock beside the database, held as long as the file is open.
    """

    def __init__(self, app: Flask) -> None:
        self.app = app
        self._engine = None
        self._connection = None
        self._file = None
        self._path: Path | None = None
        self._guard = threading.Lock()  # the scheduler's job threads share the connection

    def acquire(self) -> bool:
        with self.app.app_context():
            url = db.engine.url
        if url.get_backend_name() == "postgresql":
            return self._acquire_advisory(url)
        path = Path(url.database).with_suffix(".scheduler.lock") if url.database \
            else Path(self.app.instance_path) / "scheduler.lock"
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = path.open("w")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            return False
        self._file, self._path = handle, path
        return True

    def _acquire_advisory(self, url) -> bool:
        # Not from the app's pool: closing this connection must end the session (and with it
        # the lock), and keepalives notice a silently dropped connection within minutes.
        engine = create_engine(url, poolclass=NullPool, isolation_level="AUTOCOMMIT",
                               connect_args={"keepalives": 1, "keepalives_idle": 30,
                                             "keepalives_interval": 10, "keepalives_count": 3})
        connection = engine.connect()
        if connection.scalar(text("SELECT pg_try_advisory_lock(:id)"), {"id": ADVISORY_LOCK_ID}):
            self._engine, self._connection = engine, connection
            return True
        connection.close()
        engine.dispose()
        return False

    def is_held(self) -> bool:
        """Whether this process still holds the lock, asked of the database (or the file)."""
        if self._file is not None:
            # A lock file deleted (or replaced) under us would let a second scheduler lock a
            # new file of the same name.
            try:
                return os.fstat(self._file.fileno()).st_ino == os.stat(self._path).st_ino
            except OSError:
                return False
        if self._connection is None:
            return False
        with self._guard:
            try:
                return bool(self._connection.scalar(text(
                    "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' "
                    "AND pid = pg_backend_pid() AND classid = 0 AND objid = :id "
                    "AND objsubid = 1 AND granted)"), {"id": ADVISORY_LOCK_ID}))
            except SQLAlchemyError as error:
                log.warning("the scheduler lock's connection failed: %s", error)
                return False

    def release(self) -> None:
        if self._connection is not None:
            with self._guard:
                try:
                    self._connection.close()  # the session ends, and its lock with it
                except SQLAlchemyError:
                    pass
                self._engine.dispose()
                self._connection = self._engine = None
        if self._file is not None:
            self._file.close()
            self._file = self._path = None


class SchedulerLockLost(RuntimeError):
    """Another scheduler may now hold the lock: this one stopped without running more jobs."""


def run_while_locked(app: Flask, job: Job, lock: SchedulerLock, stop: Callable[[], None]):
    """Run JOB if LOCK is still held; else call STOP and run nothing."""
    if not lock.is_held():
        log.critical("scheduler lock lost: job %s not run; stopping this scheduler so that "
                     "only one runs jobs (restart it to wait for the lock)", job.id)
        stop()
        return None
    return run_job(app, job)


def run_scheduler(app: Flask, *, wait_seconds: int = 30, jobs: tuple[Job, ...] = JOBS,
                  lock: SchedulerLock | None = None) -> None:
    """Block, running JOBS on schedule once this process holds the lock.

    Raises SchedulerLockLost once the lock is found lost, so the process exits non-zero and
    its supervisor (systemd) starts a copy that waits for the lock. A LOCK given is taken as
    already acquired.
    """
    if lock is None:
        lock = SchedulerLock(app)
        while not lock.acquire():
            log.info("another scheduler holds the lock; idling")
            time.sleep(wait_seconds)
    scheduler = BlockingScheduler(timezone="UTC", job_defaults={
        "coalesce": True, "max_instances": 1, "misfire_grace_time": 3600})
    lost = threading.Event()

    def stop() -> None:  # called from a job's thread; several may find the lock lost at once
        if lost.is_set():
            return
        lost.set()
        try:
            scheduler.shutdown(wait=False)
        except SchedulerNotRunningError:
            pass

    for job in jobs:
        # APScheduler keeps wall-clock time, whatever clock the app's jobs are run at.
        scheduler.add_job(run_while_locked, "interval", minutes=job.minutes,
                          args=(app, job, lock, stop), id=job.id, next_run_time=system_now(),
                          replace_existing=True)
    log.info("scheduler started with %d job(s)", len(jobs))
    try:
        scheduler.start()
    finally:
        lock.release()
    if lost.is_set():
        raise SchedulerLockLost("the scheduler lock was lost")
