"""End to end, in a real browser on a phone, in Polish: the coordinator schedules the first
partnership meeting from its template at the school, the partners get an e-mail with the
.ics; after the meeting the coordinator records who came and a task for the school."""
from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import mails_in
from tests.e2e.test_browser import log_in

pytestmark = pytest.mark.e2e


@pytest.fixture
def coalition(session, make_user, make_org, now):
    from exchange.core import partnerships

    director = make_user("dyrektor@example.org", name="Olga Dyrektor", locale="pl")
    library = make_org(director, name="Miejska Biblioteka Publiczna", sector="public")
    headmaster = make_user("szkola@example.org", name="Szymon Szkolny", locale="pl")
    school = make_org(headmaster, name="Szkoła Społeczna „Promyk”", sector="ngo")
    partnership = partnerships.create_partnership(session, director, {
        "name": "Koalicja dla Tczewa", "municipalities": "Tczew", "goal": "Seniorzy",
        "kind": "needs", "lead_id": library.id}, now)
    _, secret = partnerships.invite(session, director, partnership.id,
                                    email=headmaster.email, now=now)
    partnerships.accept_invitation(session, secret, headmaster, now, org_id=school.id)
    session.commit()
    return partnership


def test_the_coordinator_schedules_the_first_meeting_and_records_it(
        live_server, phone, coalition, server_clock, tmp_path):
    page = phone
    log_in(page, live_server, "dyrektor@example.org")
    page.goto(f"{live_server}/partnerships/{coalition.id}")
    page.get_by_role("link", name="Spotkania i zadania").click()
    page.get_by_role("link", name="Zaplanuj pierwsze spotkanie").click()
    assert page.get_by_label("Tytuł").input_value() == "Pierwsze spotkanie partnerskie"
    assert "Poznanie się uczestników" in page.get_by_label("Program spotkania").input_value()
    page.get_by_label("Data").fill("2026-12-03")
    page.get_by_label("Godzina").fill("17:00")
    page.get_by_label("U partnera").select_option(label="Szkoła Społeczna „Promyk”")
    page.get_by_role("button", name="Zaplanuj i zaproś").click()
    expect(page.get_by_role("status").filter(
        has_text="Spotkanie jest zaplanowane, a partnerzy zaproszeni.")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    mails = mails_in(tmp_path / "outbox", count=2)
    assert sorted(m["To"] for m in mails) == ["dyrektor@example.org", "szkola@example.org"]
    assert "Spotkanie partnerstwa „Koalicja dla Tczewa”" in mails[0]["Subject"]
    assert any(p.get_content_type() == "text/calendar" for p in mails[0].iter_attachments())

    server_clock.start += timedelta(days=13)  # the meeting is over
    page.reload()
    page.get_by_label("Miejska Biblioteka Publiczna", exact=True).check()
    page.get_by_label("Szkoła Społeczna „Promyk”", exact=True).check()
    page.get_by_label("Kto przyszedł z organizacji „Szkoła Społeczna „Promyk””").fill(
        "Szymon Szkolny")
    page.get_by_label("Notatka ze spotkania").fill("Poznaliśmy się.")
    page.get_by_role("button", name="Zapisz przebieg spotkania").click()
    expect(page.get_by_role("status").filter(has_text="Zapis spotkania jest zachowany.") \
        ).to_be_visible()
    page.get_by_label("Zadanie", exact=True).fill("Ankieta potrzeb seniorów")
    page.get_by_label("Partner odpowiedzialny").select_option(label="Szkoła Społeczna „Promyk”")
    page.get_by_label("Termin", exact=True).fill("2026-12-31")
    page.get_by_role("button", name="Dodaj zadanie").click()
    tasks = page.locator("#tasks").inner_text()
    assert "Ankieta potrzeb seniorów" in tasks and "Szkoła Społeczna „Promyk”" in tasks
    assert "Szymon Szkolny" in page.locator("article").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
