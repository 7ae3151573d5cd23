"""End to end, in a real browser on a phone-sized screen: register, create an organization,
invite a member who has an account."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from models import MemberRole, Membership, Organization

pytestmark = pytest.mark.e2e


def log_in(page, live_server: str, email: str) -> None:
    page.goto(live_server + "/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Hasło").fill("correct horse battery staple")
    page.get_by_role("button", name="Zaloguj się").click()
    page.wait_for_url(live_server + "/")


def test_register_create_an_organization_and_add_a_member(live_server, phone, session, make_user,
                                                          tmp_path):
    from email import message_from_bytes, policy

    from exchange.infra.mail import read_outbox

    make_user("jan.kowalski@example.org", name="Jan Kowalski")
    page = phone
    page.goto(live_server + "/")
    page.get_by_role("button", name="Menu").click()  # a phone's header is one line
    page.get_by_role("link", name="Zarejestruj się").first.click()

    page.get_by_label("Imię i nazwisko").fill("Magdalena Zielińska")
    page.get_by_label("E-mail").fill("magdalena@example.org")
    page.get_by_label("Hasło", exact=True).fill("biblioteka nad wisłą 1954")
    page.get_by_label("Powtórz hasło").fill("biblioteka nad wisłą 1954")
    page.get_by_role("button", name="Załóż konto").click()

    # The account is made from the link in the e-mail.
    page.wait_for_url(live_server + "/")
    assert "Wysłaliśmy e-mail na adres magdalena@example.org" in page.content()
    [mail] = [message_from_bytes(p.read_bytes(), policy=policy.default)
              for p in read_outbox(tmp_path / "outbox")]
    page.goto(live_server + re.search(r"/register/\S+", mail.get_content()).group(0))
    page.get_by_role("button", name="Załóż konto").click()

    # Straight on to registering the organization, with a welcome in Polish.
    page.wait_for_url(re.compile(r"/organizations/new$"))
    assert "Witaj, Magdalena Zielińska!" in page.content()
    page.get_by_label("Nazwa organizacji").fill("Miejska Biblioteka Publiczna w Tczewie")
    page.get_by_label("Sektor").select_option("public")
    page.get_by_label("Gmina").fill("Tczew")
    page.get_by_label("E-mail kontaktowy").fill("sekretariat@example.org")
    page.get_by_role("button", name="Zarejestruj organizację").click()

    page.wait_for_url(re.compile(r"/organizations/\d+$"))
    expect(page.get_by_role("heading", name="Miejska Biblioteka Publiczna w Tczewie")).to_be_visible()
    page.get_by_role("link", name="Członkowie").click()

    page.get_by_label("E-mail osoby, którą zapraszasz").fill("jan.kowalski@example.org")
    page.get_by_label("Może podpisywać umowy w imieniu organizacji").check()
    page.get_by_role("button", name="Wyślij zaproszenie").click()
    expect(page.get_by_role("status").filter(has_text="jan.kowalski@example.org")).to_be_visible()

    # Jan has an account: he accepts the e-mailed invitation in one click.
    [invitation] = [m for m in (message_from_bytes(p.read_bytes(), policy=policy.default)
                                for p in read_outbox(tmp_path / "outbox"))
                    if "/invitations/" in m.get_content()]
    jan = page.context.browser.new_context(viewport={"width": 390, "height": 844},
                                           locale="pl-PL", is_mobile=True).new_page()
    log_in(jan, live_server, "jan.kowalski@example.org")
    jan.goto(live_server + re.search(r"/invitations/\S+", invitation.get_content()).group(0))
    jan.locator("form[action$='/accept'] button").click()  # Jan reads English
    jan.wait_for_url(re.compile(r"/organizations/\d+$"))
    jan.context.close()
    page.reload()
    expect(page.get_by_role("cell", name="jan.kowalski@example.org").first).to_be_visible()

    session.rollback()
    org = session.scalar(select(Organization))
    assert org.name == "Miejska Biblioteka Publiczna w Tczewie" and org.municipality == "Tczew"
    roles = {(m.user.email, m.role, m.can_sign) for m in session.scalars(select(Membership))}
    assert roles == {("magdalena@example.org", MemberRole.OWNER, True),
                     ("jan.kowalski@example.org", MemberRole.MEMBER, True)}


def test_a_wrong_password_is_explained_next_to_the_field(live_server, phone, make_user):
    make_user("anna@example.org")
    page = phone
    page.goto(live_server + "/login")
    page.get_by_label("E-mail").fill("anna@example.org")
    page.get_by_label("Hasło").fill("nie to hasło")
    page.keyboard.press("Enter")
    error = page.locator("#password-error")
    assert "Nieprawidłowy e-mail lub hasło" in error.inner_text()
    assert page.get_by_label("Hasło").get_attribute("aria-describedby") == "password-error"


def test_a_member_posts_an_offer_and_finds_it_with_an_inflected_plain_query(
        live_server, phone, session, make_user, make_org):
    owner = make_user("biblioteka@example.org", locale="pl")
    org = make_org(owner, name="Miejska Biblioteka Publiczna", sector="public")
    page = phone
    log_in(page, live_server, "biblioteka@example.org")

    page.goto(f"{live_server}/organizations/{org.id}/listings")
    page.get_by_role("link", name="Dodaj ofertę").click()
    page.get_by_label("Kategoria").select_option("rooms")
    page.get_by_label("Tytuł").fill("Świetlica z salą konferencyjną")
    page.get_by_label("Opis").fill("Udostępnimy salę na 40 osób z rzutnikiem, w soboty.")
    page.get_by_label("Ilość").fill("8")
    page.get_by_label("Jednostka").select_option("hours")
    page.get_by_role("button", name="Opublikuj").click()
    page.wait_for_url(re.compile(r"/listings/\d+$"))
    expect(page.get_by_role("heading", name="Świetlica z salą konferencyjną")).to_be_visible()

    # Anyone searching the way people type on a phone: inflected, no Polish letters.
    page.goto(live_server + "/listings/")
    page.get_by_label("Szukaj", exact=True).fill("swietlicy sali")
    page.get_by_text("Filtry").click()  # on a phone the filters fold behind one button
    page.get_by_label("Rodzaj").select_option("offer")
    page.get_by_role("button", name="Szukaj").click()
    expect(page.get_by_role("link", name="Świetlica z salą konferencyjną")).to_be_visible()
    assert "1 ogłoszenie" in page.content()


def test_a_library_needs_a_computer_lab_and_accepts_the_schools_offer(
        live_server, phone, session, make_user, make_org, now):
    from exchange.core.listings import create_listing

    school_owner = make_user("szkola@example.org", locale="pl")
    school = make_org(school_owner, name="Szkoła Podstawowa nr 3", sector="public")
    create_listing(session, school_owner, school.id, {
        "kind": "offer", "category": "computer_labs", "title": "Pracownia komputerowa na 20 stanowisk",
        "description": "Udostępnimy pracownię w soboty.", "quantity": 12, "unit": "hours"}, now)
    create_listing(session, school_owner, school.id, {
        "kind": "offer", "category": "rooms", "title": "Sala gimnastyczna", "quantity": 10,
        "unit": "hours"}, now)
    session.commit()
    library_owner = make_user("biblioteka@example.org", locale="pl")
    library = make_org(library_owner, name="Miejska Biblioteka Publiczna", sector="public")

    page = phone
    log_in(page, live_server, "biblioteka@example.org")
    page.goto(f"{live_server}/organizations/{library.id}/listings")
    page.get_by_role("link", name="Dodaj potrzebę").click()
    page.get_by_label("Rodzaj").select_option("need")
    page.get_by_label("Kategoria").select_option("computer_labs")
    page.get_by_label("Tytuł").fill("Potrzebna pracownia komputerowa na kurs dla seniorów")
    page.get_by_label("Ilość").fill("6")
    page.get_by_role("button", name="Opublikuj").click()
    page.wait_for_url(re.compile(r"/listings/\d+$"))

    proposals = page.locator("#proposals li.card")
    first = proposals.first
    assert "Pracownia komputerowa na 20 stanowisk" in first.inner_text()
    assert "ta sama kategoria: Pracownie komputerowe i sprzęt IT" in first.inner_text()
    first.get_by_role("button", name=re.compile("^Przyjmij")).click()
    page.wait_for_url(re.compile(r"/contracts/\d+$"))
    assert "Przyjęto. Oto projekt kontraktu" in page.content()

    # The library signs the draft; the school signs, delivers; the library confirms.
    # Signing asks once more, showing what is being signed.
    page.locator("#sign-confirm summary").click()
    assert "Pracownia komputerowa na 20 stanowisk" in page.locator(".signing-terms").inner_text()
    page.get_by_role("button", name="Tak, podpisuję za: Miejska Biblioteka Publiczna").click()
    assert "Podpisano." in page.content()
    contract_path = re.sub(r"^https?://[^/]+", "", page.url)

    school_page = page.context.browser.new_context(
        viewport={"width": 390, "height": 844}, locale="pl-PL", is_mobile=True).new_page()
    log_in(school_page, live_server, "szkola@example.org")
    school_page.goto(f"{live_server}/organizations/{school.id}/contracts")
    awaiting = school_page.locator("#awaiting")
    assert "Pracownia komputerowa na 20 stanowisk" in awaiting.inner_text()
    awaiting.get_by_role("link", name=re.compile("^Kontrakt ")).click()
    school_page.get_by_text("Podpisz za: Szkoła Podstawowa nr 3…").click()
    school_page.get_by_role("button", name="Tak, podpisuję za: Szkoła Podstawowa nr 3").click()
    assert "obowiązuje" in school_page.locator("h1").inner_text()
    school_page.get_by_role("button", name="Oznacz jako wykonane").click()
    assert "wykonane, czeka na potwierdzenie" in school_page.locator("#commitments").inner_text()
    school_page.context.close()

    page.goto(live_server + contract_path)
    page.get_by_role("button", name="Potwierdź otrzymanie").click()
    assert "wykonany" in page.locator("h1").inner_text()
    assert "potwierdzone" in page.locator("#commitments").inner_text()


def test_a_contract_from_scratch_finds_its_parties_as_typed_without_a_round_trip(
        live_server, phone, session, make_user, make_org, now):
    """On a phone, in Polish: the other party is found by a few letters; its representative
    field, its name in "who gives" and its offers appear at once; the draft saves both."""
    from exchange.core.listings import create_listing
    from models import Contract

    school_owner = make_user("szkola@example.org", locale="pl")
    school = make_org(school_owner, name="Szkoła Podstawowa nr 3", sector="public")
    make_org(make_user("dom@example.org"), name="Dom Kultury w Pelplinie", sector="public")
    lab = create_listing(session, school_owner, school.id, {
        "kind": "offer", "category": "computer_labs", "title": "Pracownia komputerowa",
        "quantity": 12, "unit": "hours"}, now)
    library_owner = make_user("biblioteka@example.org", locale="pl")
    library = make_org(library_owner, name="Miejska Biblioteka Publiczna", sector="public")
    session.commit()

    page = phone
    log_in(page, live_server, "biblioteka@example.org")
    page.goto(f"{live_server}/organizations/{library.id}/contracts/new")
    assert page.locator("button[value=parties]").is_hidden()  # no round trip to update them
    # A party picked by mistake is taken away with everything it added.
    page.get_by_label("Dodaj stronę").fill("dom pelplin")
    page.keyboard.press("Enter")
    assert page.locator("#commitments-0-giver_id option", has_text="Dom Kultury").count() == 1
    page.get_by_role("button", name="Usuń: Dom Kultury w Pelplinie").click()
    assert page.locator("#commitments-0-giver_id option", has_text="Dom Kultury").count() == 0
    assert page.get_by_text("Osoba reprezentująca organizację „Dom Kultury”").count() == 0
    page.get_by_label("Dodaj stronę").fill("szkoła 3")
    page.keyboard.press("Enter")
    chips = page.locator("#party-chips li")
    assert chips.count() == 2 and "Szkoła Podstawowa nr 3" in chips.nth(1).inner_text()
    representative = page.get_by_label("Osoba reprezentująca organizację „Szkoła Podstawowa nr 3”")
    representative.fill("Jan Kowalski")
    page.locator("#commitments-0-giver_id").select_option(str(school.id))
    page.locator("#commitments-0-receiver_id").select_option(str(library.id))
    page.locator("#commitments-0-listing_id").select_option(str(lab.id))  # fetched for the party
    page.locator("#commitments-0-what").fill("Pracownia na kurs dla seniorów")
    page.locator("#commitments-0-quantity").fill("6")
    page.locator("#commitments-0-due_on").fill((now.date() + timedelta(days=30)).isoformat())
    page.get_by_role("button", name="Zapisz projekt").click()
    page.wait_for_url(re.compile(r"/contracts/\d+$"))

    session.rollback()
    contract = session.scalar(select(Contract))
    assert {p.organization_id: p.representative for p in contract.parties} == {
        library.id: "", school.id: "Jan Kowalski"}
    [row] = contract.current.commitments
    assert (row.giver_id, row.receiver_id, row.listing_id, row.quantity) == (
        school.id, library.id, lab.id, 6)
