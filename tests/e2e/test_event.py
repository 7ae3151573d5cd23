"""End to end, in a real browser: a small exchange event from registration to the report.

The organiser works on a laptop in English; the library registers on a phone in Polish.
Every step a person takes goes through the pages; only the setting (the organizations,
their listings, the published event, a second admitted participant) is made in the core.
Shorter tests then check what the on-the-day pages' scripts do: the desk's clock and outbox,
and each page's script running under the Content-Security-Policy.
"""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from models import Contract, User
from models.event import EventAttendee

pytestmark = pytest.mark.e2e
PASSWORD = "correct horse battery staple"


def log_in(page, live_server: str, email: str, *, polish: bool = False) -> None:
    page.goto(live_server + "/login")
    page.get_by_label("E-mail" if polish else "Email").fill(email)
    page.get_by_label("Hasło" if polish else "Password").fill(PASSWORD)
    page.get_by_role("button", name="Zaloguj się" if polish else "Log in").click()
    page.wait_for_url(live_server + "/")


class Keys:
    """The keyboard at the desk, counting the keys pressed apart from the free text typed."""

    def __init__(self, page) -> None:
        self.page, self.pressed = page, []

    def press(self, key: str) -> None:
        self.page.keyboard.press(key)
        self.pressed.append(key)

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)


def register_deal(page, first: str, first_person: str, second: str, second_person: str,
                  pick: str, quantity: str = "4", *, back: tuple[str, str] | None = None
                  ) -> list[str]:
    """At the desk, by keyboard only, as a notary types: a few letters of each party and Enter
    (the highlighted organization), its representative (typed, or Enter for the one offered),
    words of a listing and Enter, the quantity and Enter; BACK, a second commitment the other
    way; the no-money check with Space; Ctrl+Enter ratifies. Returns the keys pressed."""
    keys = Keys(page)
    for party, person in ((first, first_person), (second, second_person)):
        keys.type(party)
        keys.press("Enter")
        if person:
            keys.type(person)
        keys.press("Enter")
    for words, amount in ((pick, quantity), back or ("", "")):
        keys.type(words)
        keys.press("Enter")          # the highlighted listing; on to its quantity
        if words:
            keys.type(amount)
            keys.press("Enter")      # on to the next commitment (or the no-money check)
    keys.press("Space")
    keys.press("Control+Enter")
    return keys.pressed


def test_a_small_event_from_registration_to_the_report(live_server, phone, laptop, session,
                                                        small_event):
    event = small_event["event"]
    base = f"{live_server}/events/{event.id}"

    # Registration: the library applies on a phone, in Polish, bringing its two listings.
    log_in(phone, live_server, "lib@example.org", polish=True)
    phone.goto(base)
    phone.get_by_role("link", name=re.compile("Biblioteka Miejska")).click()
    phone.locator("textarea[name=attendees]").fill("Ewa Bibliotekarka")
    for listing in (small_event["need"], small_event["room"]):
        phone.locator(f"input[name=listing_ids][value='{listing.id}']").check()
    phone.locator("form button[type=submit]").last.click()
    phone.wait_for_url(re.compile(r"/application/\d+$"))

    # The organiser admits it, checks Ewa in at the door and starts the session.
    log_in(laptop, live_server, "organiser@example.org")
    laptop.goto(base + "/participants")
    laptop.get_by_role("button", name="Admit Biblioteka Miejska").click()
    expect(laptop.get_by_role("status").first).to_be_visible()
    laptop.goto(base + "/door")
    laptop.locator("#door-q").fill("ewa")
    laptop.keyboard.press("Enter")
    laptop.get_by_role("button", name="Check in").first.click()
    assert laptop.locator("#presence-count").inner_text() == "1"
    laptop.goto(base + "/session")
    laptop.locator("#start-session").click()

    # The projector shows the live board from the start.
    projector = laptop.context.new_page()
    projector.goto(base + "/board")
    expect(projector.locator("#board-deals")).to_have_text("0")

    # Two deals at the desk, by keyboard.
    laptop.goto(base + "/desk")
    register_deal(laptop, "szkoła kodu", "Szymon Informatyk", "bibliot", "",
                  f"#{small_event['lab'].id}")
    laptop.wait_for_url(re.compile(r"/contracts/\d+/print"))
    assert "GZ-" in laptop.content()
    laptop.goto(base + "/desk")
    register_deal(laptop, "bibliot", "", "szkoła kodu", "Szymon Informatyk",
                  "sala konferencyjna")
    laptop.wait_for_url(re.compile(r"/contracts/\d+/print"))
    session.rollback()
    numbers = sorted(session.scalars(select(Contract.number)))
    assert [n.split("/")[-1] for n in numbers] == ["001", "002"]
    assert session.scalar(select(func.count(Contract.id)).where(Contract.event_id == event.id)) == 2
    # The board counts them without a reload (it polls every 2 seconds).
    expect(projector.locator("#board-deals")).to_have_text("2", timeout=5_000)
    expect(projector.locator("#board-latest")).to_contain_text(numbers[1])

    # The organiser closes the session; the report counts the deals.
    laptop.goto(base + "/session")
    laptop.locator("#confirm-close").check()
    laptop.locator("#close-session").click()
    laptop.goto(base + "/report")
    assert laptop.locator("#report-deals").inner_text() == "2"
    assert laptop.locator("#report-present").inner_text() == "1"
    expect(projector.locator("#board-state")).not_to_have_text(re.compile("open", re.I),
                                                               timeout=5_000)

    lab_deal = session.scalar(select(Contract).where(Contract.number == numbers[0]))
    [row] = lab_deal.versions[0].commitments
    assert (row.giver_id, row.receiver_id, row.quantity, row.listing_id) == (
        small_event["school"].id, small_event["library"].id, 4, small_event["lab"].id)
    assert {s.representative for s in lab_deal.versions[0].signatures} == {
        "Szymon Informatyk", "Ewa Bibliotekarka"}


def seconds_of(clock: str) -> int:
    """A countdown's text ("59:58", "1:00:00") in seconds."""
    seconds = 0
    for part in clock.strip().split(":"):
        seconds = seconds * 60 + int(part)
    return seconds


def start_the_session(session, small_event) -> None:
    from exchange.core import events

    events.start_session(session, small_event["organiser"], small_event["event"].id,
                         small_event["clock"]())
    session.commit()


def admit_the_library(session, small_event, listing_ids=()) -> None:
    from exchange.core import events

    now = small_event["clock"]()
    librarian = session.scalar(select(User).where(User.email == "lib@example.org"))
    application = events.apply(session, librarian, small_event["event"].id,
                               small_event["library"].id,
                               {"attendees": ["Ewa Bibliotekarka"],
                                "listing_ids": list(listing_ids)}, now)
    events.decide(session, small_event["organiser"], small_event["event"].id, application.id,
                  True, "", now)
    session.commit()


def test_the_notary_desk_clock_ticks_during_the_session(live_server, laptop, session,
                                                        small_event):
    start_the_session(session, small_event)
    log_in(laptop, live_server, "organiser@example.org")
    laptop.goto(f"{live_server}/events/{small_event['event'].id}/desk")

    clock = laptop.locator("#desk-state [data-seconds-left]")
    before = seconds_of(clock.inner_text())
    assert 58 * 60 < before <= 60 * 60
    laptop.wait_for_timeout(2_100)
    assert seconds_of(clock.inner_text()) < before


def test_a_phone_deal_shows_at_the_desk_within_three_seconds_without_a_reload(
        live_server, laptop, session, small_event):
    from exchange.core import events

    admit_the_library(session, small_event)
    start_the_session(session, small_event)
    log_in(laptop, live_server, "organiser@example.org")
    laptop.goto(f"{live_server}/events/{small_event['event'].id}/desk")
    laptop.get_by_label("Party 1").fill("typed, not yet ratified")
    expect(laptop.locator(".queue-item")).to_have_count(0)

    librarian = session.scalar(select(User).where(User.email == "lib@example.org"))
    library, school = small_event["library"], small_event["school"]
    events.submit_deal(session, librarian, small_event["event"].id, library.id, {
        "parties": [library.id, school.id],
        "commitments": [{"giver_id": school.id, "receiver_id": library.id,
                         "what": "Pracownia na kurs dla seniorów", "quantity": 6,
                         "unit": "hours", "due_on": "2027-03-31"}]},
        small_event["clock"]())
    session.commit()
    item = laptop.locator(".queue-item")
    expect(item).to_contain_text("Pracownia na kurs dla seniorów", timeout=3_000)
    # The deal being typed stays as it was.
    assert laptop.get_by_label("Party 1").input_value() == "typed, not yet ratified"


def test_a_deal_ratified_offline_waits_at_the_desk_and_is_sent_when_back_online(
        live_server, laptop, session, small_event):
    admit_the_library(session, small_event)
    start_the_session(session, small_event)
    log_in(laptop, live_server, "organiser@example.org")
    laptop.goto(f"{live_server}/events/{small_event['event'].id}/desk")

    laptop.context.set_offline(True)
    register_deal(laptop, "szkoła kodu", "Szymon Informatyk", "bibliot", "Ewa Bibliotekarka",
                  f"#{small_event['lab'].id}")
    expect(laptop.locator("#desk-outbox")).to_be_visible()
    assert laptop.locator("#desk-outbox-count").inner_text() == "1"
    assert laptop.locator("#parties-0").input_value() == ""  # a blank form for the next deal
    session.rollback()
    assert session.scalar(select(func.count(Contract.id))) == 0

    laptop.context.set_offline(False)
    expect(laptop.locator("#desk-outbox")).to_be_hidden(timeout=15_000)
    expect(laptop.locator("#desk-status")).to_contain_text("Sent after the connection returned")
    session.rollback()
    assert session.scalar(select(func.count(Contract.id))) == 1


def test_the_floor_pages_scripts_run_under_the_csp(live_server, laptop, session, small_event):
    """Each on-the-day page's script does its visible part, with no error and nothing the
    Content-Security-Policy blocks (a blocked script is a console error)."""
    errors: list[str] = []
    laptop.on("pageerror", lambda error: errors.append(str(error)))
    laptop.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    start_the_session(session, small_event)
    base = f"{live_server}/events/{small_event['event'].id}"
    log_in(laptop, live_server, "organiser@example.org")

    laptop.goto(base + "/door")
    expect(laptop.locator("#scan-start")).to_be_visible()
    laptop.goto(base + "/badges")
    expect(laptop.locator("[data-print]")).to_be_visible()
    for page, clock in (("/session", "#time-left"), ("/board", "#board-countdown")):
        laptop.goto(base + page)
        shown = laptop.locator(clock).inner_text()
        expect(laptop.locator(clock)).not_to_have_text(shown, timeout=3_000)
    laptop.goto(base + "/desk")
    expect(laptop.locator("#add-row")).to_be_visible()
    laptop.goto(base + "/report")
    expect(laptop.locator("#report-print")).to_be_visible()
    assert laptop.evaluate("['chart-sectors', 'chart-categories', 'chart-outcomes']"
                           ".every((id) => window.Chart.getChart(id))")
    assert errors == []


def test_a_two_way_deal_is_typed_at_the_desk_by_keyboard_in_few_keys(live_server, laptop,
                                                                     session, small_event):
    """Parties, representatives (one offered from the door's check-ins), a commitment each way
    picked by words of the listings' titles, the no-money check, ratified: no mouse, no Tab,
    at most 45 keys besides the words typed (it takes 10)."""
    from exchange.core import events

    admit_the_library(session, small_event, [small_event["room"].id])
    start_the_session(session, small_event)
    ewa = session.scalar(select(EventAttendee).where(EventAttendee.name == "Ewa Bibliotekarka"))
    events.check_in(session, small_event["organiser"], small_event["event"].id, ewa.badge_token,
                    small_event["clock"]())
    session.commit()
    log_in(laptop, live_server, "organiser@example.org")
    laptop.goto(f"{live_server}/events/{small_event['event'].id}/desk")

    keys = register_deal(laptop, "bibl", "", "kodu", "Szymon Informatyk", "pracownia 20", "4",
                         back=("sala", "3"))

    laptop.wait_for_url(re.compile(r"/contracts/\d+/print"))
    assert len(keys) <= 45 and "Tab" not in keys, keys
    assert len(keys) == 10, keys
    session.rollback()
    contract = session.scalar(select(Contract))
    version = contract.versions[0]
    library, school = small_event["library"], small_event["school"]
    assert sorted((c.giver_id, c.receiver_id, c.quantity, c.listing_id, c.what)
                  for c in version.commitments) == sorted([
        (school.id, library.id, 4, small_event["lab"].id, "Pracownia komputerowa na 20 stanowisk"),
        (library.id, school.id, 3, small_event["room"].id, "Sala konferencyjna na 40 osób")])
    assert {(s.organization_id, s.representative) for s in version.signatures} == {
        (library.id, "Ewa Bibliotekarka"), (school.id, "Szymon Informatyk")}


def test_enter_at_the_desk_never_ratifies_and_an_ambiguous_party_shows_its_choices(
        live_server, laptop, session, small_event):
    admit_the_library(session, small_event)
    start_the_session(session, small_event)
    log_in(laptop, live_server, "organiser@example.org")
    laptop.goto(f"{live_server}/events/{small_event['event'].id}/desk")

    # Letters found in both organizations' names: both are listed at once, as typed.
    laptop.keyboard.type("a")
    options = laptop.locator("#parties-0 ~ [role=listbox] [role=option]")
    expect(options).to_have_count(2)
    assert laptop.locator("#parties-0").get_attribute("aria-expanded") == "true"
    # Leaving the field with them unresolved keeps the choices in sight, as buttons.
    laptop.keyboard.press("Escape")
    laptop.keyboard.press("Tab")
    choices = laptop.locator("#parties-0-choices button")
    expect(choices).to_have_count(2)
    choices.filter(has_text="Fundacja Szkoła Kodu").click()
    assert laptop.locator("#parties-0").input_value() == "Fundacja Szkoła Kodu"
    expect(laptop.locator("#parties-0-choices")).to_have_count(0)

    # Enter in every field moves on and never sends the half-typed deal.
    for _ in range(12):
        laptop.keyboard.press("Enter")
    laptop.wait_for_timeout(300)
    assert "/desk" in laptop.url and laptop.locator("#desk-errors").is_hidden()
    session.rollback()
    assert session.scalar(select(func.count(Contract.id))) == 0


def test_the_organiser_imports_an_xlsx_file_and_sees_the_participants(live_server, laptop,
                                                                      session, small_event):
    """A workbook made with openpyxl, as Excel saves one: uploaded, previewed, imported."""
    from tests.core.test_event_import import xlsx_file

    page = laptop
    log_in(page, live_server, "organiser@example.org")
    event_id = small_event["event"].id
    page.goto(f"{live_server}/events/{event_id}/participants")
    page.get_by_role("link", name="Import participants from a spreadsheet").click()
    page.get_by_label("Spreadsheet (XLSX or CSV)").set_input_files(files=[{
        "name": "uczestnicy.xlsx", "buffer": xlsx_file(),
        "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}])
    page.get_by_role("button", name="Check the file").click()
    preview = page.locator("#preview")
    expect(preview).to_contain_text("New organizations")
    expect(preview.locator("dt:text-is('New organizations') + dd")).to_have_text("2")
    expect(preview.locator("dt:text-is('New people with badges') + dd")).to_have_text("3")
    preview.get_by_role("button", name="Import the file").click()
    page.wait_for_url(re.compile(rf"/events/{event_id}/participants$"))
    expect(page.locator(".flashes")).to_contain_text("2 organizations")
    for name in ("Koło Gospodyń Wiejskich", "OSP Subkowy", "Fundacja Szkoła Kodu"):
        expect(page.get_by_role("heading", name=re.compile(name))).to_be_visible()
    expect(page.get_by_text("Maria Wiśniewska")).to_be_visible()
