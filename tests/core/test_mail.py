"""E-mail in the core: each notification mailed once, oldest first, a failed send retried."""
from __future__ import annotations

import smtplib
from datetime import timedelta
from email import message_from_bytes
from email.policy import default as default_policy

import pytest
from sqlalchemy import select

from exchange.infra import mail
from exchange.core.errors import Msg
from exchange.core.notifications import notify
from models import Notification


class FakeMailer:
    sender = "Giełda <no-reply@gielda.example>"

    def __init__(self, fail_for=(), stop_for=()):
        self.sent, self.fail_for, self.stop_for, self.closed = [], set(fail_for), set(stop_for), 0

    def send(self, message):
        if message["To"] in self.fail_for:
            raise mail.MailError("refused")
        if message["To"] in self.stop_for:
            raise mail.MailError("server down", stop=True)
        self.sent.append(message)

    def close(self):
        self.closed += 1


def render(notification, user):
    return mail.Mail(to=user.email, subject=str(Msg(notification.message, **notification.params)),
                     body=f"{notification.message}\n{notification.link}", language="en")


@pytest.fixture
def inbox(session, make_user, now):
    def add(user, n, *, when=None):
        notify(session, user.id, f"due:{user.id}:{n}", Msg("Message %(n)d", n=n), f"/x/{n}",
               when or now)
        session.commit()
    return add


def emailed(session):
    session.expire_all()
    return {n.key: n.emailed_at for n in session.scalars(select(Notification))}


def test_each_notification_is_mailed_once_oldest_first(session, make_user, inbox, now):
    anna, jan = make_user("anna@example.org"), make_user("jan@example.org")
    for n in range(3):
        inbox(anna, n)
        inbox(jan, n)
    mailer = FakeMailer()
    summary = mail.send_pending(session, mailer, render, now, batch_size=4)
    session.commit()
    assert (summary.sent, summary.failed, summary.skipped) == (6, 0, 0)
    assert [m["Subject"] for m in mailer.sent] == ["Message 0", "Message 0", "Message 1",
                                                   "Message 1", "Message 2", "Message 2"]
    assert mailer.sent[0]["To"] == "anna@example.org" and mailer.closed == 1
    assert set(emailed(session).values()) == {now}
    again = FakeMailer()
    assert mail.send_pending(session, again, render, now + timedelta(minutes=1)).sent == 0
    assert again.sent == []


def test_a_failed_send_is_left_for_the_next_run(session, make_user, inbox, now):
    anna, jan = make_user("anna@example.org"), make_user("jan@example.org")
    inbox(anna, 1)
    inbox(jan, 1)
    inbox(anna, 2)
    summary = mail.send_pending(session, FakeMailer(fail_for={"jan@example.org"}), render, now,
                                batch_size=1)
    session.commit()
    assert (summary.sent, summary.failed) == (2, 1)  # jan's failure did not stop anna's mail
    state = emailed(session)
    assert state[f"due:{jan.id}:1"] is None and state[f"due:{anna.id}:2"] == now
    later = now + timedelta(minutes=1)
    retry = FakeMailer()
    assert mail.send_pending(session, retry, render, later).sent == 1
    session.commit()
    assert [m["To"] for m in retry.sent] == ["jan@example.org"]
    assert emailed(session)[f"due:{jan.id}:1"] == later


def test_an_unreachable_server_ends_the_run_and_nothing_is_lost(session, make_user, inbox, now):
    anna, jan = make_user("anna@example.org"), make_user("jan@example.org")
    inbox(anna, 1)
    inbox(jan, 1)
    inbox(anna, 2)
    mailer = FakeMailer(stop_for={"jan@example.org"})
    summary = mail.send_pending(session, mailer, render, now, batch_size=10)
    session.commit()
    assert (summary.sent, summary.failed, summary.stopped) == (1, 1, True)
    assert sum(1 for value in emailed(session).values() if value is None) == 2


def test_a_mail_not_committed_is_sent_again_rather_than_lost(session, make_user, inbox, now):
    inbox(make_user("anna@example.org"), 1)
    mail.send_pending(session, FakeMailer(), render, now)
    session.rollback()  # the job failed before its commit
    retry = FakeMailer()
    assert mail.send_pending(session, retry, render, now).sent == 1


def test_a_run_that_crashed_after_sending_is_sent_again_only_once_its_claim_lapses(
        session, make_user, inbox, now):
    inbox(make_user("anna@example.org"), 1)
    commits = []

    def commit_then_crash():
        commits.append(1)
        if len(commits) > 1:  # the claim went through; the run dies before marking it sent
            raise RuntimeError("killed")
        session.commit()

    crashed = FakeMailer()
    with pytest.raises(RuntimeError):
        mail.send_pending(session, crashed, render, now, commit=commit_then_crash)
    session.rollback()
    assert len(crashed.sent) == 1
    soon = FakeMailer()
    assert mail.send_pending(session, soon, render, now + timedelta(minutes=1),
                             commit=session.commit).sent == 0
    later = FakeMailer()
    assert mail.send_pending(session, later, render, now + mail.CLAIM_LEASE + timedelta(minutes=1),
                             commit=session.commit).sent == 1
    assert [m["To"] for m in later.sent] == ["anna@example.org"]


def test_read_old_and_deactivated_notifications_are_not_mailed(session, make_user, inbox, now):
    anna, gone, old = make_user(), make_user(), make_user()
    inbox(anna, 1)
    session.scalar(select(Notification)).read_at = now
    inbox(gone, 1)
    gone.is_active = False
    inbox(old, 1, when=now - timedelta(days=3))
    session.commit()
    mailer = FakeMailer()
    summary = mail.send_pending(session, mailer, render, now)
    session.commit()
    assert (summary.sent, summary.skipped) == (0, 3) and mailer.sent == []
    assert set(emailed(session).values()) == {now}  # and never looked at again


def test_a_mail_is_well_formed_utf8_text(now):
    message = mail.build_message(mail.Mail(to="anna@example.org", subject="Zażółć gęślą jaźń",
                                           body="Treść ąę\nhttp://x/1\n", language="pl"),
                                 "Giełda <no-reply@gielda.example>", now, key="k:1")
    parsed = message_from_bytes(message.as_bytes(), policy=default_policy)
    assert parsed["Subject"] == "Zażółć gęślą jaźń" and parsed["Content-Language"] == "pl"
    assert parsed["Auto-Submitted"] == "auto-generated"
    assert parsed["Message-ID"].endswith("@gielda.example>")
    assert parsed.get_content() == "Treść ąę\nhttp://x/1\n"


def test_links_are_absolute():
    assert mail.absolute_link("https://gielda.example/", "/contracts/3") == \
        "https://gielda.example/contracts/3"
    assert mail.absolute_link("https://gielda.example", "") == \
        "https://gielda.example/notifications/"
    assert mail.absolute_link("https://a.example", "https://b.example/x") == "https://b.example/x"


def test_the_outbox_writes_one_eml_file_per_mail(tmp_path, now):
    outbox = mail.OutboxMailer(tmp_path / "outbox", sender="Giełda <a@b.example>")
    for n in range(2):
        outbox.send(mail.build_message(mail.Mail("anna@example.org", f"S{n}", "B"),
                                       outbox.sender, now))
    files = mail.read_outbox(tmp_path / "outbox")
    assert len(files) == 2 and all(p.suffix == ".eml" for p in files)
    assert message_from_bytes(files[0].read_bytes())["To"] == "anna@example.org"
    assert not list((tmp_path / "outbox").glob(".*"))  # no half-written files left


def test_the_configuration_chooses_smtp_or_the_outbox(tmp_path):
    smtp = mail.mailer_from_config({"MAIL_SERVER": "smtp.example.org", "MAIL_PORT": "465",
                                    "MAIL_USE_SSL": True, "MAIL_FROM": "x@example.org"}, tmp_path)
    assert isinstance(smtp, mail.SmtpMailer) and (smtp.port, smtp.use_ssl) == (465, True)
    assert isinstance(mail.mailer_from_config({}, tmp_path), mail.OutboxMailer)
    forced = mail.mailer_from_config({"MAIL_SERVER": "smtp.example.org",
                                      "MAIL_USE_OUTBOX": True}, tmp_path)
    assert isinstance(forced, mail.OutboxMailer) and forced.directory == tmp_path / "outbox"


class FakeSMTP:
    instances: list = []

    def __init__(self, host, port, timeout=None):
        self.calls = [("connect", host, port)]
        FakeSMTP.instances.append(self)

    def starttls(self, context=None):
        self.calls.append(("starttls",))

    def login(self, user, password):
        self.calls.append(("login", user, password))

    def send_message(self, message):
        if message["To"] == "refused@example.org":
            raise smtplib.SMTPRecipientsRefused({message["To"]: (550, b"no such user")})
        self.calls.append(("send", message["To"]))

    def quit(self):
        self.calls.append(("quit",))

    def close(self):
        pass


def test_smtp_sends_over_one_authenticated_tls_connection(monkeypatch, now):
    FakeSMTP.instances = []
    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    smtp = mail.SmtpMailer("smtp.example.org", 587, username="u", password="p",
                           sender="x@example.org")
    for to in ("a@example.org", "refused@example.org", "b@example.org"):
        message = mail.build_message(mail.Mail(to, "S", "B"), smtp.sender, now)
        if to.startswith("refused"):
            with pytest.raises(mail.MailError) as caught:
                smtp.send(message)
            assert not caught.value.stop  # one refused address does not stop the others
        else:
            smtp.send(message)
    smtp.close()
    [connection] = FakeSMTP.instances
    assert connection.calls == [("connect", "smtp.example.org", 587), ("starttls",),
                                ("login", "u", "p"), ("send", "a@example.org"),
                                ("send", "b@example.org"), ("quit",)]


def test_an_unreachable_smtp_server_stops_the_run(monkeypatch, now):
    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("connection refused")
    monkeypatch.setattr(smtplib, "SMTP", refuse)
    smtp = mail.SmtpMailer("smtp.example.org", sender="x@example.org")
    with pytest.raises(mail.MailError) as caught:
        smtp.send(mail.build_message(mail.Mail("a@example.org", "S", "B"), smtp.sender, now))
    assert caught.value.stop
