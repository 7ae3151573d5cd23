"""End to end, in a real browser on a phone, in Polish: registering requires consent to the
privacy notice, the account page downloads one's data, and the account is deleted."""
from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from exchange.core import privacy
from tests.conftest import TEST_PASSWORD
from tests.e2e.conftest import mails_in

pytestmark = pytest.mark.e2e


def test_register_with_consent_download_the_data_and_delete_the_account(
        live_server, phone, make_user, session, now, tmp_path):
    admin = make_user("admin@example.org", is_admin=True)
    privacy.publish_notice(session, admin, text_pl=privacy.DEFAULT_TEXT_PL,
                           text_en=privacy.DEFAULT_TEXT_EN, based_on=None, now=now)
    session.commit()
    page = phone
    page.goto(live_server + "/register")
    page.get_by_label("Imię i nazwisko").fill("Ola Nowak")
    page.get_by_label("E-mail").fill("ola@example.org")
    page.get_by_label("Hasło", exact=True).fill(TEST_PASSWORD)
    page.get_by_label("Powtórz hasło").fill(TEST_PASSWORD)
    consent = page.get_by_role("checkbox", name=re.compile("polityką prywatności"))
    # The browser's own check is skipped (novalidate): the server explains, in Polish.
    page.get_by_role("button", name="Załóż konto").click()
    assert "potwierdź zapoznanie się z polityką prywatności" in page.locator(
        "#privacy-error").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_label("Hasło", exact=True).fill(TEST_PASSWORD)
    page.get_by_label("Powtórz hasło").fill(TEST_PASSWORD)
    consent.check()
    page.get_by_role("button", name="Załóż konto").click()
    page.wait_for_url(live_server + "/")

    [mail] = mails_in(tmp_path / "outbox")
    page.goto(live_server + re.search(r"/register/\S+", mail.get_content()).group(0))
    page.get_by_role("button", name="Załóż konto").click()
    page.wait_for_url(re.compile(r".*/organizations/new$"))
    assert "Polityka prywatności się zmieniła" not in page.content()  # accepted just now

    page.goto(live_server + "/account")
    expect(page.get_by_text("Wersję 1 polityki prywatności zaakceptowano")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("button", name="Pobierz moje dane").click()
    data = json.loads(open(download.value.path(), encoding="utf-8").read())
    assert data["account"]["email"] == "ola@example.org"
    assert data["privacy_consents"][0]["version"] == 1

    page.get_by_role("link", name="Usuń moje konto").click()
    expect(page.get_by_text("Podpisy na umowach zachowają imię i nazwisko")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_label("Rozumiem, że tego nie można cofnąć").check()
    page.get_by_label("Obecne hasło").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Usuń moje konto").click()
    page.wait_for_url(live_server + "/")
    expect(page.get_by_role("status").filter(has_text="Konto zostało usunięte")).to_be_visible()
    assert "Zaloguj się" in page.content()

    page.goto(live_server + "/login")
    page.get_by_label("E-mail").fill("ola@example.org")
    page.get_by_label("Hasło").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Zaloguj się").click()
    assert "Nieprawidłowy e-mail lub hasło" in page.content()
