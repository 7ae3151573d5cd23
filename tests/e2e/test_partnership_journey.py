"""Issue 18's journey end to end, in a real browser on a phone, in Polish: a library starts a
partnership and invites the school (which has an account) and the bank (which has none);
both join — the bank in one step, account and organization together; the school declares its
computer lab; the coordinator schedules the first meeting from its template, records who came
and a task for the bank, adds progress to an indicator of the plan and sees the dashboard
move; the year's report shows it all."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import mails_in
from tests.e2e.test_browser import log_in

pytestmark = pytest.mark.e2e


@pytest.fixture
def town(session, make_user, make_org):
    director = make_user("dyrektor@example.org", name="Olga Dyrektor", locale="pl")
    make_org(director, name="Miejska Biblioteka Publiczna", sector="public")
    headmaster = make_user("szkola@example.org", name="Szymon Szkolny", locale="pl")
    make_org(headmaster, name="Szkoła Podstawowa nr 3", sector="public")
    session.commit()


def narrow(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def status(page, text: str) -> None:
    expect(page.get_by_role("status").filter(has_text=text)).to_be_visible()


def invitation_links(tmp_path, count: int) -> dict[str, str]:
    return {mail["To"]: re.search(r"https?://\S+(/partnerships/invitations/\S+)",
                                  mail.get_content()).group(1)
            for mail in mails_in(tmp_path / "outbox", count=count)}


def test_a_library_builds_a_partnership_from_invitation_to_report(
        live_server, phone, town, server_clock, tmp_path):
    page = phone
    # the library starts the partnership and invites the school and the bank
    log_in(page, live_server, "dyrektor@example.org")
    page.goto(f"{live_server}/partnerships/")
    page.get_by_role("link", name="Załóż partnerstwo").click()
    page.get_by_label("Nazwa partnerstwa").fill("Koalicja Cyfrowa Tczewa")
    page.get_by_label("Gminy").fill("Tczew")
    page.get_by_label("Wspólny problem lub cel").fill("Seniorzy bezpiecznie w sieci.")
    page.get_by_label("Rodzaj partnerstwa").select_option("needs")
    page.get_by_role("button", name="Załóż partnerstwo").click()
    status(page, "Partnerstwo „Koalicja Cyfrowa Tczewa” zostało założone")
    partnership_url = page.url.split("/members")[0]
    for email in ("szkola@example.org", "bank@example.org"):
        page.get_by_label("Adres e-mail").fill(email)
        page.get_by_role("button", name="Wyślij zaproszenie").click()
    narrow(page)
    links = invitation_links(tmp_path, 2)

    # the school accepts with its account
    page.context.clear_cookies()
    log_in(page, live_server, "szkola@example.org")
    page.goto(live_server + links["szkola@example.org"])
    page.get_by_role("button", name="Przyjmij zaproszenie").click()
    status(page, "Witamy w partnerstwie „Koalicja Cyfrowa Tczewa”!")

    # the bank has no account: one form makes it, the bank's profile, and joins
    page.context.clear_cookies()
    page.goto(live_server + links["bank@example.org"])
    page.get_by_label("Imię i nazwisko").fill("Bożena Bankowa")
    page.get_by_label("Hasło", exact=True).fill("kawa-rower-latarnia-9")
    page.get_by_label("Powtórz hasło").fill("kawa-rower-latarnia-9")
    page.get_by_label("Nazwa organizacji").fill("Bank Spółdzielczy w Tczewie")
    page.get_by_label("Sektor").select_option("business")
    page.get_by_label("Gmina").fill("Tczew")
    narrow(page)
    page.get_by_role("button", name="Załóż konto i przyjmij zaproszenie").click()
    status(page, "Witamy w partnerstwie „Koalicja Cyfrowa Tczewa”!")
    sectors = page.locator("section.sectors").inner_text()
    assert "Bank Spółdzielczy w Tczewie" in sectors and "Szkoła Podstawowa nr 3" in sectors

    # the school declares its computer lab
    page.context.clear_cookies()
    log_in(page, live_server, "szkola@example.org")
    page.goto(partnership_url)
    page.get_by_role("link", name="Mapa zasobów i potrzeb").click()
    page.get_by_role("link", name="Zadeklaruj wkład").click()
    page.get_by_label("Organizacja partnerska").select_option(label="Szkoła Podstawowa nr 3")
    page.get_by_label("Rodzaj").select_option("offer")
    page.get_by_label("Kategoria").select_option("computer_labs")
    page.get_by_label("Tytuł").fill("Pracownia komputerowa na 16 stanowisk")
    page.get_by_label("Ilość").fill("12")
    page.get_by_label("Jednostka").select_option("hours")
    page.get_by_role("button", name="Zadeklaruj").click()
    status(page, "Dziękujemy: partnerstwo widzi już to, co zadeklarowaliście.")

    # the coordinator schedules the first meeting from its template, at the school
    page.context.clear_cookies()
    log_in(page, live_server, "dyrektor@example.org")
    page.goto(partnership_url)
    page.get_by_role("link", name="Spotkania i zadania").click()
    page.get_by_role("link", name="Zaplanuj pierwsze spotkanie").click()
    assert "Poznanie się uczestników" in page.get_by_label("Program spotkania").input_value()
    page.get_by_label("Data").fill("2026-12-03")
    page.get_by_label("Godzina").fill("17:00")
    page.get_by_label("U partnera").select_option(label="Szkoła Podstawowa nr 3")
    page.get_by_role("button", name="Zaplanuj i zaproś").click()
    status(page, "Spotkanie jest zaplanowane, a partnerzy zaproszeni.")

    # after the meeting: who came, and a task for the bank
    server_clock.start += timedelta(days=13)
    page.reload()
    for name in ("Miejska Biblioteka Publiczna", "Szkoła Podstawowa nr 3",
                 "Bank Spółdzielczy w Tczewie"):
        page.get_by_label(name, exact=True).check()
    page.get_by_role("button", name="Zapisz przebieg spotkania").click()
    status(page, "Zapis spotkania jest zachowany.")
    page.get_by_label("Zadanie", exact=True).fill("Ulotka o dyżurach cyfrowych")
    page.get_by_label("Partner odpowiedzialny").select_option(label="Bank Spółdzielczy w Tczewie")
    page.get_by_label("Termin", exact=True).fill("2026-12-20")
    page.get_by_role("button", name="Dodaj zadanie").click()
    assert "Ulotka o dyżurach cyfrowych" in page.locator("#tasks").inner_text()
    narrow(page)

    # the plan: a period, a goal, an indicator — behind schedule with nothing achieved yet;
    # a progress entry moves the dashboard
    page.goto(partnership_url)
    page.get_by_role("link", name="Plan i wskaźniki").click()
    page.get_by_role("link", name="Ustal okres planu").click()
    page.get_by_label("Początek planu").fill("2026-09-01")
    page.get_by_label("Koniec planu").fill("2029-08-31")
    page.get_by_role("button", name="Zapisz").click()
    page.get_by_role("link", name="Dodaj cel").click()
    page.get_by_label("Cel", exact=True).fill("Seniorzy bezpieczni w sieci")
    page.get_by_role("button", name="Dodaj cel").click()
    page.get_by_role("link", name="Dodaj wskaźnik").click()
    page.get_by_label("Wskaźnik", exact=True).fill("Przeszkoleni seniorzy")
    page.get_by_label("Wartość docelowa").fill("60")
    page.get_by_label("Termin", exact=True).fill("2027-08-31")
    page.get_by_role("button", name="Dodaj wskaźnik").click()
    row = page.get_by_role("row", name="Przeszkoleni seniorzy")
    assert "opóźniony" in row.inner_text()
    narrow(page)
    page.locator("article.plan-indicator h3").get_by_role("link", name="Przeszkoleni seniorzy").click()
    page.get_by_label("Wartość", exact=True).fill("20")
    page.get_by_label("Data", exact=True).fill("2026-12-04")
    page.get_by_label("Źródło", exact=True).fill("Lista obecności z kursu")
    page.get_by_role("button", name="Dodaj", exact=True).click()
    page.get_by_role("link", name="Plan i wskaźniki").click()
    row = page.get_by_role("row", name="Przeszkoleni seniorzy")
    assert "zgodnie z planem" in row.inner_text() and "20" in row.inner_text()
    narrow(page)

    # the year's report
    page.goto(partnership_url)
    page.get_by_role("link", name="Sprawozdanie roczne").click()
    figures = page.locator("ul.figures").inner_text()
    assert "3\npartnerów" in figures and "1\nodbyte spotkanie" in figures
    assert "1\nwkład" in figures and "100%" in figures.replace("\xa0", "")
    meetings = page.locator("#meetings").inner_text()
    assert "Pierwsze spotkanie partnerskie" in meetings and "Ulotka o dyżurach cyfrowych" in meetings
    page.get_by_label("Treść rekomendacji").fill("Dłuższe godziny otwarcia biblioteki.")
    page.get_by_role("button", name="Zapisz rekomendacje").click()
    status(page, "Rekomendacje zostały zapisane.")
    assert "Dłuższe godziny otwarcia biblioteki." in page.locator("#recommendations").inner_text()
    narrow(page)
