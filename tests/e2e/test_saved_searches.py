"""End to end, on a phone, in Polish: a marketplace search saved with one button, found on the
account page, opened again and removed."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_a_search_is_saved_from_the_marketplace_and_removed_on_the_account_page(
        live_server, phone, make_user, tmp_path):
    make_user("anna@example.org", name="Anna Nowak", locale="pl")
    page = phone
    page.goto(live_server + "/listings/?category=rooms")
    page.get_by_role("link", name="Zaloguj się, aby otrzymywać powiadomienia").click()
    page.get_by_label("E-mail").fill("anna@example.org")
    page.get_by_label("Hasło").fill("correct horse battery staple")
    page.get_by_role("button", name="Zaloguj się").click()
    page.wait_for_url(live_server + "/listings/?category=rooms")

    page.get_by_role("button", name="Powiadamiaj mnie o nowych").click()
    expect(page.get_by_role("status").filter(
        has_text="Zapisano: o nowych ogłoszeniach pasujących do „Sale i lokale”")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(tmp_path / "marketplace.png"), full_page=True)

    page.goto(live_server + "/account")
    section = page.locator("#saved-searches")
    expect(section.get_by_role("heading", name="Zapisane wyszukiwania")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    section.scroll_into_view_if_needed()
    page.screenshot(path=str(tmp_path / "account.png"), full_page=True)
    section.get_by_role("link", name="Sale i lokale").click()
    page.wait_for_url(live_server + "/listings/?category=rooms")

    page.goto(live_server + "/account")
    page.locator("#saved-searches").get_by_role("button", name="Usuń").click()
    expect(page.get_by_role("status").filter(
        has_text="Usunięto zapisane wyszukiwanie")).to_be_visible()
    assert "Nie ma jeszcze zapisanych wyszukiwań." in page.locator("#saved-searches").inner_text()
