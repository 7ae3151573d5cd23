"""End to end, in a real browser on a phone, in Polish: an owner invites a new person by
e-mail; the person opens the invitation from the outbox, registers through it, and signs a
contract for the organization."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from models import Membership, Signature, User
from tests.e2e.conftest import mails_in
from tests.e2e.test_browser import log_in

pytestmark = pytest.mark.e2e

PHONE = {"viewport": {"width": 390, "height": 844}, "locale": "pl-PL", "is_mobile": True,
         "has_touch": True}


@pytest.fixture
def awaiting_contract(session, make_user, make_org, now):
    """A library, and a contract the school has signed that waits for the library's signature."""
    from exchange.core.contracts import create_contract, sign

    owner = make_user("dyrektor@example.org", name="Olga Dyrektor", locale="pl")
    library = make_org(owner, name="Miejska Biblioteka Publiczna", sector="public")
    school_owner = make_user("szkola@example.org", locale="pl")
    school = make_org(school_owner, name="Szkoła Podstawowa nr 3", sector="public")
    contract = create_contract(session, school_owner, school.id, {
        "parties": [school.id, library.id],
        "commitments": [{"giver_id": school.id, "receiver_id": library.id,
                         "what": "Pracownia komputerowa na kurs dla seniorów", "quantity": 6,
                         "unit": "hours", "due_on": (now + timedelta(days=30)).date().isoformat()}],
    }, now)
    sign(session, school_owner, school.id, contract.id, now, recent_login=True)
    session.commit()
    return library, contract


def test_a_new_person_invited_by_email_registers_and_signs_for_the_organization(
        live_server, phone, session, awaiting_contract, tmp_path):
    library, contract = awaiting_contract
    page = phone
    log_in(page, live_server, "dyrektor@example.org")
    page.goto(f"{live_server}/organizations/{library.id}/members")
    page.get_by_label("E-mail osoby, którą zapraszasz").fill("nina.nowak@example.org")
    page.get_by_label("Może podpisywać umowy w imieniu organizacji").check()
    page.get_by_role("button", name="Wyślij zaproszenie").click()
    expect(page.get_by_role("status").filter(
        has_text="Wysłaliśmy zaproszenie na adres nina.nowak@example.org")).to_be_visible()
    pending = page.locator("section[aria-labelledby=invitations-heading]")
    assert "nina.nowak@example.org" in pending.inner_text() and "ważne do" in pending.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    [mail] = mails_in(tmp_path / "outbox")
    assert mail["To"] == "nina.nowak@example.org"
    assert "Zaproszenie od organizacji „Miejska Biblioteka Publiczna”" in mail["Subject"]
    body = mail.get_content()
    assert "Olga Dyrektor chce dodać Cię do organizacji „Miejska Biblioteka Publiczna”" in body
    link = re.search(r"/invitations/\S+", body).group(0)

    newcomer = page.context.browser.new_context(**PHONE).new_page()
    newcomer.set_default_timeout(10_000)
    newcomer.goto(live_server + link)
    expect(newcomer.get_by_role("heading", name="Zaproszenie", exact=True)).to_be_visible()
    facts = newcomer.locator("dl.facts").inner_text()
    assert "Olga Dyrektor" in facts and "nina.nowak@example.org" in facts
    assert "może podpisywać umowy w imieniu organizacji" in facts
    assert newcomer.evaluate("document.documentElement.scrollWidth") <= 390
    newcomer.get_by_label("Imię i nazwisko").fill("Nina Nowak")
    newcomer.get_by_label("Hasło", exact=True).fill("czytelnia pełna słońca 77")
    newcomer.get_by_label("Powtórz hasło").fill("czytelnia pełna słońca 77")
    newcomer.get_by_role("button", name="Załóż konto i przyjmij zaproszenie").click()
    newcomer.wait_for_url(f"{live_server}/organizations/{library.id}")
    expect(newcomer.get_by_role("status").filter(
        has_text="Witamy! Należysz teraz do: Miejska Biblioteka Publiczna")).to_be_visible()

    # The new member signs the contract the school has signed: it comes into force.
    newcomer.goto(f"{live_server}/organizations/{library.id}/contracts")
    awaiting = newcomer.locator("#awaiting")
    assert "Pracownia komputerowa na kurs dla seniorów" in awaiting.inner_text()
    awaiting.get_by_role("link", name=re.compile("^Kontrakt ")).click()
    newcomer.locator("#sign-confirm summary").click()  # signing shows the terms first
    newcomer.get_by_role("button", name="Tak, podpisuję za: Miejska Biblioteka Publiczna").click()
    assert "obowiązuje" in newcomer.locator("h1").inner_text()
    newcomer.context.close()

    # The owner sees who joined, in the history, and nothing pending.
    page.goto(f"{live_server}/organizations/{library.id}/members")
    history = page.locator("#history").inner_text()
    assert "dołączenie" in history and "wysłanie zaproszenia" in history
    assert "Brak oczekujących zaproszeń." in page.content()

    session.rollback()
    nina = session.scalar(select(User).where(User.email == "nina.nowak@example.org"))
    assert session.scalar(select(Membership).where(Membership.user_id == nina.id)).can_sign
    assert session.scalar(select(Signature).where(Signature.user_id == nina.id,
                                                  Signature.organization_id == library.id))
