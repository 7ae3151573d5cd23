"""End to end, in a real browser on a phone, in Polish: a library starts a local partnership,
invites the school (which has an account) by e-mail, the school accepts for its organization,
and the partnership's page shows two sectors and asks for the missing business partner."""
from __future__ import annotations

import re

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
    make_org(headmaster, name="Szkoła Społeczna „Promyk”", sector="ngo")
    session.commit()


def test_a_library_starts_a_partnership_and_the_school_joins(live_server, phone, town,
                                                              tmp_path):
    page = phone
    log_in(page, live_server, "dyrektor@example.org")
    page.goto(f"{live_server}/partnerships/")
    page.get_by_role("link", name="Załóż partnerstwo").click()
    page.get_by_label("Nazwa partnerstwa").fill("Koalicja dla Tczewa")
    page.get_by_label("Gminy").fill("Tczew, Subkowy")
    page.get_by_label("Wspólny problem lub cel").fill("Seniorzy bezpiecznie korzystają z "
                                                      "usług cyfrowych.")
    page.get_by_label("Rodzaj partnerstwa").select_option("needs")
    page.get_by_role("button", name="Załóż partnerstwo").click()
    expect(page.get_by_role("status").filter(
        has_text="Partnerstwo „Koalicja dla Tczewa” zostało założone")).to_be_visible()
    page.get_by_label("Adres e-mail").fill("szkola@example.org")
    page.get_by_role("button", name="Wyślij zaproszenie").click()
    assert "szkola@example.org" in page.locator(
        "section[aria-labelledby=invitations-heading]").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    [mail] = mails_in(tmp_path / "outbox")
    assert mail["To"] == "szkola@example.org"
    assert "Zaproszenie do partnerstwa „Koalicja dla Tczewa”" in mail["Subject"]
    link = re.search(r"https?://\S+(/partnerships/invitations/\S+)",
                     mail.get_content()).group(1)

    page.context.clear_cookies()
    log_in(page, live_server, "szkola@example.org")
    page.goto(live_server + link)
    assert page.get_by_label("Dołącz jako").input_value() != ""
    page.get_by_role("button", name="Przyjmij zaproszenie").click()
    expect(page.get_by_role("status").filter(
        has_text="Witamy w partnerstwie „Koalicja dla Tczewa”!")).to_be_visible()
    sectors = page.locator("section.sectors").inner_text()
    assert "Miejska Biblioteka Publiczna" in sectors and "Szkoła Społeczna „Promyk”" in sectors
    assert "2 partnerów" in page.locator("dl.facts").inner_text()
    assert "Brakuje partnera biznesowego" in sectors
    assert "Brakuje partnera społecznego" not in sectors
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
