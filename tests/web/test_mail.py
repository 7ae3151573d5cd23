"""The mail and follow-up jobs: run twice, send once; each mail in its reader's language."""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from email import message_from_bytes
from email.policy import default as default_policy

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from sqlalchemy import select

from exchange.core import contracts
from exchange.core.errors import Msg
from exchange.cli.jobs import JOBS, run_job
from exchange.infra.mail import read_outbox
from exchange.core.notifications import notify
from models import Notification
from tests.conftest import NOW

CATALOGUE = "exchange/translations/pl/LC_MESSAGES/messages.po"
EXPIRING = "“%(title)s” expires on %(date)s. Edit it to keep it in the marketplace."


def job(job_id):
    return next(j for j in JOBS if j.id == job_id)


@pytest.fixture
def translations(tmp_path_factory):
    """The Polish catalogue compiled afresh, so the test does not depend on `make install`."""
    root = Path(__file__).resolve().parents[2]
    directory = tmp_path_factory.mktemp("translations")
    target = directory / "pl" / "LC_MESSAGES"
    target.mkdir(parents=True)
    with open(root / CATALOGUE, "rb") as source:
        catalog = read_po(source)
    with open(target / "messages.mo", "wb") as compiled:
        write_mo(compiled, catalog)
    return str(directory)


@pytest.fixture
def mail_app(database_url, session, tmp_path, translations, clock):
    from app import create_app
    from exchange.http.extensions import babel, db

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=database_url,
                     MAIL_OUTBOX=str(tmp_path / "outbox"), BASE_URL="https://gielda.example",
                     BABEL_TRANSLATION_DIRECTORIES=translations, CLOCK=clock)
    # Flask-Babel caches catalogues process-wide: start and end with an empty cache.
    with app.app_context():
        babel.domain_instance.cache.clear()
    yield app
    with app.app_context():
        babel.domain_instance.cache.clear()
        db.engine.dispose()


def outbox(app):
    return [message_from_bytes(p.read_bytes(), policy=default_policy)
            for p in read_outbox(app.config["MAIL_OUTBOX"])]


def test_the_jobs_are_in_the_table():
    assert job("contract-follow-up").run is contracts.follow_up
    assert job("contract-follow-up").minutes == 60 and job("send-mail").minutes == 1


def test_running_the_mail_job_twice_sends_each_mail_once(mail_app, session, make_user):
    anna = make_user("anna@example.org", name="Anna", locale="en")
    notify(session, anna.id, "contract-active:1:1", Msg("Contract %(number)s is signed by every party and is "
                                        "now in force.", number="2026/0001"),
           "/contracts/1", NOW)
    session.commit()
    first = run_job(mail_app, job("send-mail"))
    second = run_job(mail_app, job("send-mail"))
    assert (first.sent, second.sent) == (1, 0)
    [mail] = outbox(mail_app)
    assert mail["To"] == "anna@example.org"
    assert mail["Subject"] == "Giełda: Contract 2026/0001 is signed by every party and is now " \
                              "in force."
    body = mail.get_content()
    assert "Hello Anna," in body and "https://gielda.example/contracts/1" in body
    session.rollback()
    assert session.scalar(select(Notification.emailed_at)) is not None


def test_each_mail_is_in_its_readers_language(mail_app, session, make_user, make_org, now):
    polish, english = make_user("pl@example.org", locale="pl"), make_user("en@example.org")
    unset = make_user("none@example.org", locale=None)
    for user in (polish, english, unset):
        notify(session, user.id, f"listing-expiring:1:{user.id}",
               Msg(EXPIRING, title="Sala", date="2026-12-01"), "/listings/1", NOW)
    session.commit()
    run_job(mail_app, job("send-mail"))
    mails = {m["To"]: m for m in outbox(mail_app)}
    assert mails["pl@example.org"]["Content-Language"] == "pl"
    assert "Ogłoszenie „Sala” wygasa 1 grudnia 2026" in mails["pl@example.org"]["Subject"]
    assert "Ogłoszenie „Sala” wygasa" in mails["pl@example.org"].get_content()
    assert "wygasa" in mails["none@example.org"]["Subject"]  # Polish is the default
    assert mails["en@example.org"]["Subject"] == \
        "Giełda: “Sala” expires on December 1, 2026. Edit it to keep it in the marketplace."


def test_a_failed_send_waits_for_the_next_run(mail_app, session, make_user, tmp_path):
    notify(session, make_user().id, "contract-active:1:1", Msg("Hello"), "", NOW)
    session.commit()
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the outbox directory should be")
    mail_app.config["MAIL_OUTBOX"] = str(blocked)
    assert run_job(mail_app, job("send-mail")).failed == 1
    session.rollback()
    assert session.scalar(select(Notification.emailed_at)) is None
    mail_app.config["MAIL_OUTBOX"] = str(tmp_path / "outbox")
    assert run_job(mail_app, job("send-mail")).sent == 1
    assert len(outbox(mail_app)) == 1


def test_the_follow_up_job_reminds_once(mail_app, session, make_user, make_org, add_member):
    started = NOW - timedelta(days=20)
    owner, partner = make_user(), make_user()
    library, school = make_org(owner), make_org(partner)
    due = (started + timedelta(days=60)).date()
    data = {"parties": [library.id, school.id], "commitments": [
        {"giver_id": library.id, "receiver_id": school.id, "what": "Sala", "quantity": 2,
         "unit": "hours", "due_on": due.isoformat()}]}
    contract = contracts.create_contract(session, owner, library.id, data, started)
    contracts.sign(session, owner, library.id, contract.id, started, recent_login=True)
    contracts.sign(session, partner, school.id, contract.id, started, recent_login=True)
    session.commit()
    assert run_job(mail_app, job("contract-follow-up")) == 2  # first contact, to each party
    assert run_job(mail_app, job("contract-follow-up")) == 0
    session.rollback()
    keys = session.scalars(select(Notification.key).where(
        Notification.key.like("first-contact:%"))).all()
    assert len(keys) == 2


def test_the_outbox_command_lists_and_prints_mails(mail_app, session, make_user):
    notify(session, make_user("anna@example.org", name="Anna").id, "contract-active:1:1", Msg("Hello"),
           "/x", NOW)
    session.commit()
    run_job(mail_app, job("send-mail"))
    runner = mail_app.test_cli_runner()
    result = runner.invoke(args=["mail", "outbox", "--full"])
    assert result.exit_code == 0, result.output
    assert "1 mail(s)" in result.output and "To: anna@example.org" in result.output
    assert "Hello Anna," in result.output
    result = runner.invoke(args=["mail", "outbox", "--clear"])
    assert "Deleted 1 mail(s)." in result.output and outbox(mail_app) == []


def test_due_dates_in_mails_are_written_out_in_the_readers_language(mail_app, session,
                                                                     make_user):
    polish, english = make_user("pl@example.org", locale="pl"), make_user("en@example.org")
    text = "“%(what)s” (contract %(number)s) is due on %(due)s."
    for user in (polish, english):
        notify(session, user.id, f"due:{user.id}", Msg(text, what="Sala", number="2026/0001",
                                                       due="2027-03-05"), "/contracts/1",
               NOW)
    session.commit()
    run_job(mail_app, job("send-mail"))
    mails = {m["To"]: m for m in outbox(mail_app)}
    assert "5 marca 2027" in mails["pl@example.org"].get_content()
    assert "March 5, 2027" in mails["en@example.org"].get_content()
    assert "2027-03-05" not in mails["en@example.org"].get_content()
