"""End to end, in a real browser on a phone, in Polish: a forgotten password set anew with the
link from the e-mail, then used to log in."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import mails_in

pytestmark = pytest.mark.e2e


def test_a_forgotten_password_is_set_anew_from_the_emailed_link(live_server, phone, make_user,
                                                                 tmp_path):
    make_user("anna@example.org", name="Anna Nowak", locale="pl")
    page = phone
    page.goto(live_server + "/login")
    page.get_by_role("link", name="Nie pamiętasz hasła?").click()
    page.wait_for_url(live_server + "/password/reset")
    page.get_by_label("E-mail").fill("anna@example.org")
    page.get_by_role("button", name="Wyślij mi link").click()
    page.wait_for_url(live_server + "/login")
    expect(page.get_by_role("status").filter(
        has_text="wysłaliśmy na niego link do ustawienia nowego hasła")).to_be_visible()

    [mail] = mails_in(tmp_path / "outbox")
    assert "link do ustawienia nowego hasła" in mail["Subject"]
    page.goto(live_server + re.search(r"/password/reset/\S+", mail.get_content()).group(0))
    expect(page.get_by_role("heading", name="Ustaw nowe hasło")).to_be_visible()
    # The account's address, there for password managers, neither shows nor widens the page.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    # A repeat that does not match is explained next to its field; nothing is spent.
    page.get_by_label("Nowe hasło", exact=True).fill("wiosna nad jeziorem 2026")
    page.get_by_label("Powtórz nowe hasło").fill("wiosna nad jeziorem")
    page.get_by_role("button", name="Zapisz nowe hasło").click()
    assert "Hasła nie są zgodne" in page.locator("#confirm-error").inner_text()

    page.get_by_label("Nowe hasło", exact=True).fill("wiosna nad jeziorem 2026")
    page.get_by_label("Powtórz nowe hasło").fill("wiosna nad jeziorem 2026")
    page.get_by_role("button", name="Zapisz nowe hasło").click()
    page.wait_for_url(live_server + "/")
    expect(page.get_by_role("status").filter(has_text="Nowe hasło zostało ustawione")).to_be_visible()

    assert "Moje konto" in page.content()  # logged in here

    # Another phone logs in with the new password.
    other = page.context.browser.new_context(viewport={"width": 390, "height": 844},
                                             locale="pl-PL", is_mobile=True).new_page()
    other.goto(live_server + "/login")
    other.get_by_label("E-mail").fill("anna@example.org")
    other.get_by_label("Hasło").fill("wiosna nad jeziorem 2026")
    other.get_by_role("button", name="Zaloguj się").click()
    other.wait_for_url(live_server + "/")
    assert "Moje konto" in other.content()
    other.context.close()
