"""Digest claims: digest runs at the same time (two machines, a manual run beside the
scheduler) send each user's digest for a period exactly once."""
from __future__ import annotations

import threading
from collections import Counter
from email import message_from_bytes
from email.policy import default as default_policy

from sqlalchemy import func, select

from exchange.cli.jobs import JOBS, run_job
from exchange.infra.mail import read_outbox
from models import Notification, NotificationDigest
from tests.security import test_mail_claims

mail_app = test_mail_claims.mail_app  # the app on the test database, with its own outbox

RUNS = 8
USERS = 25
EACH = 4


def test_digest_runs_at_once_send_each_users_digest_once(mail_app, session, make_user, now):
    users = [make_user(f"reader{n}@example.org") for n in range(USERS)]
    session.add_all(Notification(user_id=user.id, key=f"proposals:{n}:x:{user.id}",
                                 message="Message %(n)d", params={"n": n}, link=f"/x/{n}",
                                 created_at=now, emailed_at=now, digest="daily")
                    for user in users for n in range(EACH))
    session.commit()
    daily = next(job for job in JOBS if job.id == "daily-digest")
    barrier = threading.Barrier(RUNS)
    errors: list[BaseException] = []
    summaries: list = []

    def run() -> None:
        barrier.wait()
        try:
            summaries.append(run_job(mail_app, daily, now=now))  # its own app context and session
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(RUNS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not any(thread.is_alive() for thread in threads), "a digest run hung"
    assert errors == []
    assert sum(summary.sent for summary in summaries) == USERS
    sent = Counter(message_from_bytes(path.read_bytes(), policy=default_policy)["To"]
                   for path in read_outbox(mail_app.config["MAIL_OUTBOX"]))
    assert sent == Counter({user.email: 1 for user in users})
    session.rollback()
    assert session.scalar(select(func.count()).select_from(NotificationDigest)) == USERS
    assert session.scalar(select(func.count()).select_from(Notification).where(
        Notification.digest_id.is_(None))) == 0
