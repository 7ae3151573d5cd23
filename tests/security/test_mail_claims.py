"""Mail claims: send-mail runs at the same time never e-mail one notification twice."""
from __future__ import annotations

import threading
from collections import Counter
from email import message_from_bytes
from email.policy import default as default_policy

import pytest
from sqlalchemy import select

from exchange.cli.jobs import JOBS, run_job
from exchange.infra.mail import read_outbox
from models import Notification

RUNS = 10
NOTIFICATIONS = 300


@pytest.fixture
def mail_app(database_url, session, tmp_path, clock):
    from app import create_app
    from exchange.http.extensions import db

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=database_url,
                     MAIL_OUTBOX=str(tmp_path / "outbox"), CLOCK=clock)
    yield app
    with app.app_context():
        db.engine.dispose()


def keys_in_outbox(app) -> Counter:
    return Counter(message_from_bytes(path.read_bytes(), policy=default_policy)
                   ["X-Gielda-Notification"] for path in read_outbox(app.config["MAIL_OUTBOX"]))


def test_ten_send_mail_runs_at_once_email_each_notification_exactly_once(
        mail_app, session, make_user, now):
    users = [make_user(f"reader{n}@example.org") for n in range(6)]
    keys = [f"due:claims:{n}" for n in range(NOTIFICATIONS)]
    session.add_all(Notification(user_id=users[n % len(users)].id, key=key,
                                 message="Message %(n)d", params={"n": n}, link=f"/x/{n}",
                                 created_at=now) for n, key in enumerate(keys))
    session.commit()
    send_mail = next(job for job in JOBS if job.id == "send-mail")
    barrier = threading.Barrier(RUNS)
    errors: list[BaseException] = []

    def run() -> None:
        barrier.wait()
        try:
            run_job(mail_app, send_mail)  # its own app context, session and connection
        except BaseException as error:  # reported below, with the thread's traceback lost
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(RUNS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not any(thread.is_alive() for thread in threads), "a send-mail run hung"
    assert errors == []
    sent = keys_in_outbox(mail_app)
    doubled = {key: count for key, count in sent.items() if count > 1}
    assert doubled == {}, f"{len(doubled)} notifications e-mailed more than once"
    assert set(sent) == set(keys)
    session.rollback()
    assert session.scalar(select(Notification.id).where(Notification.emailed_at.is_(None))) \
        is None
