"""End to end, in a real browser on a phone, in Polish (issue 18, part 2): the school declares
its computer lab as a contribution kept for the partnership; the map of resources and needs
shows it in the public-sector × computer-labs cell; the coordinator sees the proposal between
partners (the school's lab for the library's need) and proposes the exchange."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.test_browser import log_in

pytestmark = pytest.mark.e2e


@pytest.fixture
def town(session, make_user, make_org, now):
    from exchange.core import partnerships
    from exchange.core.partnerships import contributions

    director = make_user("dyrektor@example.org", name="Olga Dyrektor", locale="pl")
    library = make_org(director, name="Miejska Biblioteka Publiczna", sector="public")
    headmaster = make_user("szkola@example.org", name="Szymon Szkolny", locale="pl")
    school = make_org(headmaster, name="Szkoła Podstawowa nr 3", sector="public")
    partnership = partnerships.create_partnership(session, director, {
        "name": "Koalicja dla Tczewa", "municipalities": "Tczew", "goal": "Seniorzy w sieci",
        "kind": "needs"}, now)
    _invitation, secret = partnerships.invite(session, director, partnership.id,
                                              email=headmaster.email, now=now)
    partnerships.accept_invitation(session, secret, headmaster, now, org_id=school.id)
    contributions.declare(session, director, partnership.id, library.id, {
        "kind": "need", "category": "computer_labs",
        "title": "Pracownia komputerowa na kurs e-usług dla seniorów",
        "description": "Potrzebujemy pracowni z komputerami na kurs dla seniorów.",
        "quantity": 8, "unit": "hours"}, now)
    session.commit()
    return partnership.id


def test_the_school_declares_its_lab_and_the_coordinator_sees_the_proposal(
        live_server, phone, town):
    page = phone
    log_in(page, live_server, "szkola@example.org")
    page.goto(f"{live_server}/partnerships/{town}")
    page.get_by_role("link", name="Mapa zasobów i potrzeb").click()
    page.get_by_role("link", name="Zadeklaruj wkład").click()
    page.get_by_label("Organizacja partnerska").select_option(label="Szkoła Podstawowa nr 3")
    page.get_by_label("Rodzaj").select_option("offer")
    page.get_by_label("Kategoria").select_option("computer_labs")
    page.get_by_label("Tytuł").fill("Pracownia komputerowa na 16 stanowisk dla seniorów")
    page.get_by_label("Ilość").fill("12")
    page.get_by_label("Jednostka").select_option("hours")
    page.get_by_label("Widoczne tylko dla partnerstwa").check()
    page.get_by_role("button", name="Zadeklaruj").click()
    expect(page.get_by_role("status").filter(
        has_text="Dziękujemy: partnerstwo widzi już to, co zadeklarowaliście.")).to_be_visible()
    cell = page.locator('td[data-sector="public"][data-category="computer_labs"]')
    assert "Pracownia komputerowa na 16 stanowisk dla seniorów" in cell.inner_text()
    assert "1 wkład" in cell.inner_text() and "1 niezaspokojona" in cell.inner_text()
    assert "tylko dla partnerstwa" in cell.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.context.clear_cookies()
    log_in(page, live_server, "dyrektor@example.org")
    page.goto(f"{live_server}/partnerships/{town}/map")
    proposals = page.locator("section[aria-labelledby=proposals-heading]")
    assert "Szkoła Podstawowa nr 3 → Miejska Biblioteka Publiczna" in proposals.inner_text()
    proposals.get_by_role("button", name="Zaproponuj wymianę").click()
    expect(page.get_by_role("status").filter(
        has_text="Obie organizacje partnerskie dostały powiadomienie")).to_be_visible()
