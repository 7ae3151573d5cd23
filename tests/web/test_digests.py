"""The mail jobs with preferences: at once is still at once, digests come once a period with
what is new, grouped by kind, in the reader's language, never empty; unsubscribe headers."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from exchange.cli.jobs import run_job
from exchange.core import preferences
from exchange.core.errors import Msg
from exchange.core.notifications import notify
from models import Notification, NotificationDigest
from tests.conftest import NOW
from tests.web import test_mail
from tests.web.test_mail import job, outbox

# The mail tests' fixtures: the app with a fresh Polish catalogue and an outbox of its own.
translations, mail_app = test_mail.translations, test_mail.mail_app

SIGNED = "Contract %(number)s is signed by every party and is now in force."
PROPOSALS = "Giełda found %(count)d strong proposals for “%(title)s”."
ADDED = "%(organization)s added you as a member."
DAY = timedelta(days=1)


def tell(session, user, key, message, link, at=NOW):
    notify(session, user.id, key, message, link, at)
    session.commit()


def run(app, job_id, at=NOW):
    return run_job(app, job(job_id), now=at)


def test_contracts_go_at_once_and_proposals_wait_for_the_daily_digest(mail_app, session,
                                                                      make_user):
    anna = make_user("anna@example.org", name="Anna")
    tell(session, anna, f"contract-active:1:1:{anna.id}", Msg(SIGNED, number="2026/0001"),
         "/contracts/1")
    tell(session, anna, f"proposals:5:abc:{anna.id}", Msg(PROPOSALS, count=3, title="Sala"),
         "/listings/5#proposals")
    tell(session, anna, f"proposals:6:def:{anna.id}", Msg(PROPOSALS, count=2, title="Rzutnik"),
         "/listings/6#proposals")
    summary = run(mail_app, "send-mail")
    assert (summary.sent, summary.deferred) == (1, 2)
    [contract_mail] = outbox(mail_app)
    assert contract_mail["Subject"].startswith("Giełda: Contract 2026/0001")
    assert run(mail_app, "weekly-digest").sent == 0  # proposals are not weekly by default
    summary = run(mail_app, "daily-digest")
    assert (summary.sent, summary.notifications) == (1, 2)
    digest = outbox(mail_app)[-1]
    assert digest["Subject"] == "Giełda: your daily digest"
    body = digest.get_content()
    assert "2 new notifications since the last digest:" in body
    assert "== Proposals of exchanges ==" in body
    assert "Giełda found 3 strong proposals for “Sala”." in body
    assert "https://gielda.example/listings/6#proposals" in body
    assert "Contract 2026/0001" not in body  # already mailed at once


def test_a_digest_is_sent_once_a_period_and_never_empty(mail_app, session, make_user):
    anna = make_user("anna@example.org")
    make_user("bez@example.org")  # nothing for them: no digest
    tell(session, anna, f"proposals:5:abc:{anna.id}", Msg(PROPOSALS, count=3, title="Sala"),
         "/listings/5")
    run(mail_app, "send-mail")
    assert run(mail_app, "daily-digest").sent == 1
    assert run(mail_app, "daily-digest").sent == 0  # nothing new
    later = NOW + timedelta(hours=3)
    tell(session, anna, f"proposals:6:def:{anna.id}", Msg(PROPOSALS, count=2, title="Rzutnik"),
         "/listings/6", later)
    run(mail_app, "send-mail", later)
    assert run(mail_app, "daily-digest", later).sent == 0  # today's is sent: tomorrow's next
    tomorrow = NOW + DAY
    summary = run(mail_app, "daily-digest", tomorrow)
    assert (summary.sent, summary.notifications) == (1, 1)
    mails = outbox(mail_app)
    assert [m["To"] for m in mails] == ["anna@example.org"] * 2
    assert "Rzutnik" in mails[1].get_content() and "Sala" not in mails[1].get_content()
    assert run(mail_app, "daily-digest", tomorrow + DAY).sent == 0
    session.rollback()
    assert session.scalars(select(NotificationDigest.period).order_by(NotificationDigest.id)
                           ).all() == ["2026-11-21", "2026-11-22"]


def test_what_was_read_in_the_app_is_not_digested(mail_app, session, make_user):
    from exchange.core.notifications import mark_all_read

    anna = make_user("anna@example.org")
    tell(session, anna, f"proposals:5:abc:{anna.id}", Msg(PROPOSALS, count=3, title="Sala"),
         "/listings/5")
    run(mail_app, "send-mail")
    mark_all_read(session, anna, NOW)
    session.commit()
    assert run(mail_app, "daily-digest").sent == 0
    assert outbox(mail_app) == []


def test_choices_are_respected(mail_app, session, make_user, now):
    anna, jan = make_user("anna@example.org"), make_user("jan@example.org")
    preferences.set_preferences(session, anna.id, {"proposals": "now", "contracts": "weekly",
                                                   "news": "never"}, now)
    preferences.set_preferences(session, jan.id, {"proposals": "never"}, now)
    session.commit()
    for user in (anna, jan):
        tell(session, user, f"proposals:5:abc:{user.id}", Msg(PROPOSALS, count=3, title="Sala"),
             "/listings/5")
        tell(session, user, f"contract-active:1:1:{user.id}", Msg(SIGNED, number="2026/0001"),
             "/contracts/1")
        tell(session, user, f"member-added:{user.id}", Msg(ADDED, organization="Biblioteka"),
             "/organizations/1")
    run(mail_app, "send-mail")
    at_once = {(m["To"], m["Subject"].split()[1]) for m in outbox(mail_app)}
    assert at_once == {("anna@example.org", "Giełda"), ("jan@example.org", "Contract")}
    assert run(mail_app, "daily-digest").sent == 0  # jan stopped proposals; anna has them now
    summary = run(mail_app, "weekly-digest")
    assert summary.sent == 2
    weekly = {m["To"]: m.get_content() for m in outbox(mail_app)[2:]}
    assert "Contract 2026/0001" in weekly["anna@example.org"]
    assert "Biblioteka added you" not in weekly["anna@example.org"]  # news: never
    assert "Biblioteka added you" in weekly["jan@example.org"]  # news: weekly by default
    assert "Contract" not in weekly["jan@example.org"]


def test_a_kind_stopped_after_it_was_left_for_a_digest_is_not_sent(mail_app, session,
                                                                    make_user, now):
    anna = make_user("anna@example.org")
    tell(session, anna, f"proposals:5:abc:{anna.id}", Msg(PROPOSALS, count=3, title="Sala"),
         "/listings/5")
    run(mail_app, "send-mail")
    preferences.stop_kinds(session, anna.id, ["proposals"], now)
    session.commit()
    summary = run(mail_app, "daily-digest")
    assert (summary.sent, summary.empty) == (0, 1)
    assert outbox(mail_app) == []
    session.rollback()
    assert session.scalar(select(NotificationDigest.id)) is None  # the claim was given back


def test_a_digest_is_in_its_readers_language_with_one_click_unsubscribe(mail_app, session,
                                                                       make_user):
    ewa = make_user("ewa@example.org", name="Ewa", locale="pl")
    tell(session, ewa, f"proposals:5:abc:{ewa.id}", Msg(PROPOSALS, count=3, title="Sala"),
         "/listings/5")
    tell(session, ewa, f"saved-search:9:41:{ewa.id}", Msg(PROPOSALS, count=1, title="Aula"),
         "/listings/41")
    run(mail_app, "send-mail")
    run(mail_app, "daily-digest")
    [digest] = outbox(mail_app)
    assert digest["Content-Language"] == "pl"
    assert digest["Subject"] == "Giełda: codzienne podsumowanie"
    body = digest.get_content()
    assert "Dzień dobry, Ewa!" in body and "2 nowe powiadomienia" in body
    assert body.index("Propozycje wymiany") < body.index("Aula")
    assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert digest["List-Unsubscribe"].startswith("<https://gielda.example/unsubscribe/")
    assert body.count("https://gielda.example/unsubscribe/") == 2  # one per kind


def test_an_at_once_mail_carries_the_unsubscribe_headers_for_its_kind(mail_app, session,
                                                                     make_user):
    anna = make_user("anna@example.org")
    tell(session, anna, f"contract-active:1:1:{anna.id}", Msg(SIGNED, number="2026/0001"),
         "/contracts/1")
    run(mail_app, "send-mail")
    [mail] = outbox(mail_app)
    link = mail["List-Unsubscribe"].strip("<>")
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert f"Stop e-mails of this kind: {link}" in mail.get_content()
    client = mail_app.test_client()
    assert client.post(link.removeprefix("https://gielda.example"),
                       data={"List-Unsubscribe": "One-Click"}).status_code == 200
    session.rollback()
    assert preferences.preferences_of(session, anna.id)["contracts"] == "never"


def test_the_digest_jobs_are_in_the_table():
    assert job("daily-digest").minutes == job("weekly-digest").minutes == 60


def test_a_weekly_digest_goes_once_a_week(mail_app, session, make_user):
    anna = make_user("anna@example.org")
    tell(session, anna, f"member-added:{anna.id}", Msg(ADDED, organization="Biblioteka"),
         "/organizations/1")
    run(mail_app, "send-mail")
    assert run(mail_app, "weekly-digest").sent == 1  # Saturday: this week's
    sunday = NOW + DAY
    tell(session, anna, f"member-added:{anna.id + 100}", Msg(ADDED, organization="Szkoła"),
         "/organizations/2", sunday)
    run(mail_app, "send-mail", sunday)
    assert run(mail_app, "weekly-digest", sunday).sent == 0
    monday = NOW.replace(hour=7) + 2 * DAY
    assert run(mail_app, "weekly-digest", monday).sent == 1
    session.rollback()
    assert session.scalar(select(Notification.digest_id).where(
        Notification.key == f"member-added:{anna.id + 100}")) is not None


def test_a_failed_digest_is_sent_by_the_next_run(mail_app, session, make_user, tmp_path):
    anna = make_user("anna@example.org")
    tell(session, anna, f"proposals:5:abc:{anna.id}", Msg(PROPOSALS, count=3, title="Sala"),
         "/listings/5")
    run(mail_app, "send-mail")
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the outbox directory should be")
    mail_app.config["MAIL_OUTBOX"] = str(blocked)
    summary = run(mail_app, "daily-digest")
    assert (summary.sent, summary.failed) == (0, 1)
    mail_app.config["MAIL_OUTBOX"] = str(tmp_path / "outbox")
    assert run(mail_app, "daily-digest").sent == 1
    assert len(outbox(mail_app)) == 1


def test_a_crashed_runs_claim_is_taken_over_after_the_lease(mail_app, session, make_user):
    anna = make_user("anna@example.org")
    tell(session, anna, f"proposals:5:abc:{anna.id}", Msg(PROPOSALS, count=3, title="Sala"),
         "/listings/5")
    run(mail_app, "send-mail")
    claim = NotificationDigest(user_id=anna.id, cadence="daily", period="2026-11-21",
                               claim_token="crashed", claimed_at=NOW - timedelta(minutes=5),
                               count=0)
    session.add(claim)
    session.commit()
    assert run(mail_app, "daily-digest").taken == 1  # a run may still be sending it
    assert run(mail_app, "daily-digest", NOW + timedelta(minutes=11)).sent == 1
    assert len(outbox(mail_app)) == 1
