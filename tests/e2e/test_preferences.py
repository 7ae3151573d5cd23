"""End to end, in a real browser on a phone, in Polish: a user chooses what is e-mailed to
them, then stops a kind with the link from an e-mail, without logging in."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from exchange.core.errors import Msg
from exchange.core.notifications import notify
from tests.conftest import NOW, TEST_PASSWORD
from tests.e2e.conftest import mails_in

pytestmark = pytest.mark.e2e


def send_mail_job(database_url, outbox, base_url):
    """Run send-mail as the scheduler would, with links under the live server's address."""
    from app import create_app
    from exchange.cli.jobs import JOBS, run_job
    from exchange.http.extensions import db

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=database_url, MAIL_OUTBOX=str(outbox),
                     BASE_URL=base_url)
    run_job(app, next(job for job in JOBS if job.id == "send-mail"), now=NOW)
    with app.app_context():
        db.engine.dispose()


def test_choosing_and_one_click_unsubscribe(live_server, phone, browser, make_user, session,
                                            database_url, tmp_path):
    anna = make_user("anna@example.org", name="Anna Nowak", locale="pl")
    page = phone
    page.goto(live_server + "/login")
    page.get_by_label("E-mail").fill("anna@example.org")
    page.get_by_label("Hasło").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Zaloguj się").click()
    page.wait_for_url(live_server + "/")
    page.goto(live_server + "/account")
    page.get_by_role("link", name="Wybór powiadomień wysyłanych e-mailem").click()
    page.wait_for_url(live_server + "/account/notifications")
    expect(page.get_by_role("heading", name="Powiadomienia e-mailem")).to_be_visible()
    proposals = page.get_by_role("group", name="Propozycje wymiany")
    assert proposals.get_by_label("Codzienne podsumowanie").is_checked()  # the default
    proposals.get_by_label("Cotygodniowe podsumowanie").check()
    page.get_by_role("button", name="Zapisz ustawienia").click()
    expect(page.get_by_role("status").filter(has_text="Ustawienia zostały zapisane")
           ).to_be_visible()
    assert page.get_by_role("group", name="Propozycje wymiany").get_by_label(
        "Cotygodniowe podsumowanie").is_checked()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    notify(session, anna.id, f"contract-active:1:1:{anna.id}", Msg(
        "Contract %(number)s is signed by every party and is now in force.",
        number="2026/0001"), "/contracts/1", NOW)
    session.commit()
    send_mail_job(database_url, tmp_path / "outbox", live_server)
    [mail] = mails_in(tmp_path / "outbox")
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = re.search(r"Rezygnacja z e-maili tego rodzaju: (\S+)", mail.get_content()).group(1)

    # Opened on another device, not logged in: a button, then the way back.
    stranger = browser.new_context(viewport={"width": 390, "height": 844}, locale="pl-PL",
                                   is_mobile=True).new_page()
    stranger.goto(link)
    expect(stranger.get_by_text("Kontrakty, podpisy i terminy")).to_be_visible()
    stranger.get_by_role("button", name="Zrezygnuj z tych e-maili").click()
    expect(stranger.get_by_role("status").filter(
        has_text="E-maile w tych sprawach nie będą już wysyłane")).to_be_visible()
    assert "Powiadomienia e-mailem" in stranger.content()
    stranger.context.close()

    page.reload()
    expect(page.get_by_role("group", name="Kontrakty, podpisy i terminy").get_by_label(
        "Bez e-maili (tylko w aplikacji)")).to_be_checked()
