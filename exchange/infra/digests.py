"""Digest e-mails: one per user and period, with the notifications left for it.

The mail job leaves a notification for a digest by setting its ``digest`` ("daily",
"weekly"). A digest run claims each user's digest for the period by inserting its row
(unique per user, cadence and period: of any number of runs at once, on any number of
machines, one inserts it and the others find it there) and commits the claim before it
sends. It marks the notifications it carried with the digest's id and the digest as sent only
once the mailer took it; a failed send gives the claim back for the next run, and a claim
left by a crashed run is taken again after the lease. A user with nothing left gets nothing.
"""
from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable

from sqlalchemy import delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from exchange.infra.mail import CLAIM_LEASE, Mail, MailError, Mailer, Router, build_message
from models import Notification, NotificationDigest, User

log = logging.getLogger(__name__)

DigestRenderer = Callable[[User, list[Notification]], Mail]


@dataclass
class DigestSummary:
    sent: int = 0
    notifications: int = 0
    taken: int = 0    # another run has this period's digest (sent, or sending it now)
    empty: int = 0    # nothing left once the reader's current choices were applied
    failed: int = 0
    stopped: bool = False

    def __str__(self) -> str:
        return (f"{self.sent} digests sent ({self.notifications} notifications), "
                f"{self.taken} already taken, {self.empty} empty, {self.failed} failed")


def _waiting(cadence: str):
    return (Notification.digest == cadence, Notification.digest_id.is_(None),
            Notification.read_at.is_(None))


def _claim(session: Session, user_id: int, cadence: str, period: str, token: str,
           now: datetime, lease: timedelta) -> NotificationDigest | None:
    """This run's claim on the user's digest for PERIOD, or None if another run has it."""
    insert = (postgresql.insert if session.get_bind().dialect.name == "postgresql"
              else sqlite.insert)
    values = {"user_id": user_id, "cadence": cadence, "period": period, "claim_token": token,
              "claimed_at": now, "count": 0}
    # INSERT … ON CONFLICT DO NOTHING: PostgreSQL makes a second insert of the key wait for
    # the first one's transaction and then do nothing; SQLite has one writer at a time.
    # RETURNING says whether this run inserted it (a rowcount is not reliable here).
    digest_id = session.scalar(insert(NotificationDigest).values(**values)
                               .on_conflict_do_nothing(
                                   index_elements=["user_id", "cadence", "period"])
                               .returning(NotificationDigest.id))
    if digest_id is None:
        digest_id = session.scalar(
            update(NotificationDigest)
            .where(NotificationDigest.user_id == user_id, NotificationDigest.cadence == cadence,
                   NotificationDigest.period == period, NotificationDigest.sent_at.is_(None),
                   NotificationDigest.claimed_at < now - lease)
            .values(claim_token=token, claimed_at=now)
            .returning(NotificationDigest.id)
            .execution_options(synchronize_session=False))
    if digest_id is None:
        return None
    return session.scalar(select(NotificationDigest).where(NotificationDigest.id == digest_id)
                          .execution_options(populate_existing=True))


def _release(session: Session, digest: NotificationDigest) -> None:
    session.execute(delete(NotificationDigest).where(NotificationDigest.id == digest.id,
                                                     NotificationDigest.sent_at.is_(None)))


def _contents(session: Session, user: User, cadence: str,
              route: Router) -> list[Notification]:
    """What the user's digest carries: what waits for it, less kinds they have since stopped
    (those still show in the app). A kind moved to another channel meanwhile still comes: it
    was wanted by e-mail, and this is its first chance."""
    rows = list(session.scalars(select(Notification).where(
        Notification.user_id == user.id, *_waiting(cadence))
        .order_by(Notification.created_at, Notification.id)))
    kept = []
    for notification in rows:
        if user.is_active and user.email and route(notification, user) != "never":
            kept.append(notification)
        else:
            notification.digest = None
    return kept


def _send_one(session: Session, user: User, cadence: str, period: str, mailer: Mailer,
              render: DigestRenderer, route: Router, now: datetime, lease: timedelta,
              commit: Callable[[], None], summary: DigestSummary) -> None:
    digest = _claim(session, user.id, cadence, period, uuid.uuid4().hex, now, lease)
    if digest is None:
        summary.taken += 1
        return
    commit()  # every other run sees the claim before this one sends anything
    rows = _contents(session, user, cadence, route)
    if not rows:
        _release(session, digest)
        summary.empty += 1
        commit()
        return
    try:
        with session.no_autoflush:  # no write lock held while the SMTP server answers
            message = build_message(render(user, rows), mailer.sender, now,
                                    key=f"digest:{cadence}:{period}:{user.id}")
            mailer.send(message)
    except Exception as error:  # a broken digest must not hold up everyone else's
        if isinstance(error, MailError):
            log.warning("%s digest of user %s not sent: %s", cadence, user.id, error)
            summary.stopped = error.stop
        else:
            log.exception("%s digest of user %s could not be rendered", cadence, user.id)
        summary.failed += 1
        _release(session, digest)
        commit()
        return
    digest.sent_at, digest.count = now, len(rows)
    session.execute(update(Notification).where(Notification.id.in_([n.id for n in rows]))
                    .values(digest_id=digest.id).execution_options(synchronize_session=False))
    summary.sent += 1
    summary.notifications += len(rows)
    commit()


def send_digests(session: Session, cadence: str, period: str, mailer: Mailer,
                 render: DigestRenderer, route: Router, now: datetime, *,
                 commit: Callable[[], None], lease: timedelta = CLAIM_LEASE) -> DigestSummary:
    """Send each user with notifications left for the CADENCE digest their digest for
    PERIOD, unless one was sent (or is being sent) already; COMMIT is the job's."""
    summary = DigestSummary()
    sent = select(NotificationDigest.id).where(
        NotificationDigest.user_id == Notification.user_id, NotificationDigest.cadence == cadence,
        NotificationDigest.period == period, NotificationDigest.sent_at.is_not(None))
    user_ids = list(session.scalars(select(Notification.user_id)
                                    .where(*_waiting(cadence), ~sent.exists())
                                    .distinct().order_by(Notification.user_id)))
    try:
        for user_id in user_ids:
            user = session.get(User, user_id)
            if user is None:
                continue
            _send_one(session, user, cadence, period, mailer, render, route, now, lease,
                      commit, summary)
            if summary.stopped:
                break
    finally:
        mailer.close()
    return summary
