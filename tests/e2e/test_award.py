"""The match of the year in a real browser: a participant votes on a phone, the organiser
announces the winner on a laptop, and the projector's final results, open all along, show the
winner by themselves, on one screen without scrolling at projector and laptop sizes.

The nominations are made in the core; the event is the busy one of the board's screens test
(long organization names, 36 deals). ``BOARD_SCREENSHOTS=1`` saves the final results with the
winner in docs/."""
from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from models import Contract, Organization, User
from tests.e2e.test_board_screens import NAMES, SCREENS, busy_event, look  # noqa: F401 (fixture)
from tests.e2e.test_event import log_in

pytestmark = pytest.mark.e2e


@pytest.fixture
def voting(session, busy_event, server_clock):  # noqa: F811
    """The busy event closed, nominations opened, two deals nominated; the vote starts in an
    hour of the server's clock and lasts a day."""
    from exchange.core import events

    event, organiser = busy_event["event"], busy_event["organiser"]
    now = server_clock()
    events.close_session(session, organiser, event.id, now)
    award = events.open_award(session, organiser, event.id, now + timedelta(hours=1),
                              now + timedelta(days=1), now)
    orgs = {o.name: o for o in session.scalars(select(Organization))}
    deals = list(session.scalars(select(Contract).where(Contract.event_id == event.id)
                                 .order_by(Contract.number)))
    # The first deal, between the two longest names, and another; each nominated by the owner
    # of one of the first two organizations.
    winner, other = deals[0], deals[5]
    assert {p.organization.name for p in winner.parties} == set(NAMES[:2])
    for index, deal in ((0, winner), (1, other)):
        owner = session.scalar(select(User).where(User.email == f"owner{index}@example.org"))
        events.nominate(session, owner, event.id, orgs[NAMES[index]].id, deal.id, "", "", now)
    bank = session.scalar(select(User).where(User.email == "owner4@example.org"))
    bank.locale = "pl"  # who votes on the phone reads Polish
    session.commit()
    return {**busy_event, "award": award, "winner": winner, "other": other, "orgs": orgs}


def test_a_vote_and_the_announcement_reach_the_projectors_final_results(
        live_server, browser, phone, session, voting, server_clock):
    event, winner = voting["event"], voting["winner"]
    board_url = f"{live_server}/events/{event.id}/board"
    projector = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="pl-PL")
    board = projector.new_page()
    board.goto(board_url)
    expect_text = board.locator("#board-award-pending")
    expect(expect_text).to_be_visible()
    assert "Uczestnicy głosują" in expect_text.inner_text()

    server_clock.start += timedelta(hours=2)  # the vote is open
    bank = voting["orgs"]["Bank Spółdzielczy w Pelplinie"]
    log_in(phone, live_server, "owner4@example.org", polish=True)
    phone.goto(f"{live_server}/events/{event.id}/organizations/{bank.id}/award")
    phone.get_by_label(winner.number, exact=False).check()
    phone.get_by_role("button", name="Oddaj nasz głos").click()
    assert "Głos Twojej organizacji został oddany" in phone.inner_text("main")
    assert "jest on ostateczny" in phone.inner_text("main")

    server_clock.start += timedelta(days=1)  # the vote is over
    laptop = browser.new_context(viewport={"width": 1366, "height": 768}, locale="en-GB")
    organiser = laptop.new_page()
    log_in(organiser, live_server, "organiser@example.org")
    organiser.goto(f"{live_server}/events/{event.id}/award")
    assert "1 vote" in organiser.inner_text(f"#candidate-{winner.id}")
    organiser.get_by_role("button", name="Announce the match of the year").click()
    assert "The match of the year is announced" in organiser.inner_text("main")
    laptop.close()

    # The projector, never reloaded, shows the winner within its polling time.
    board.wait_for_selector("#board-award-winner:not([hidden])", timeout=6_000)
    slot = board.inner_text("#board-award")
    assert winner.number in slot and "Stowarzyszenie Przyjaciół Ziemi" in slot
    assert "Warsztaty z obsługi programów graficznych" in slot
    projector.close()

    for width, height in SCREENS:
        found, text = look(browser, board_url, width, height, "board-award")
        assert found == [], (width, height, found)
        assert "wymiana roku" in text.lower() and winner.number in text
        found = award_problems(browser, board_url, width, height)
        assert found == [], (width, height, found)


def award_problems(browser, url: str, width: int, height: int) -> list[str]:
    """What keeps the winner's slot from being read whole on the screen."""
    context = browser.new_context(viewport={"width": width, "height": height}, locale="pl-PL")
    page = context.new_page()
    page.goto(url)
    found = []
    # The slot clips what overflows it: every part must end inside it.
    bottom = page.evaluate("document.getElementById('board-award').getBoundingClientRect()"
                           ".bottom")
    for part in ("board-award-title", "board-award-number", "board-award-parties",
                 "board-award-what"):
        box = page.evaluate(f"""(() => {{ const n = document.getElementById('{part}');
            const r = n.getBoundingClientRect();
            return [r.height, r.bottom, n.scrollHeight - n.clientHeight,
                    parseFloat(getComputedStyle(n).fontSize)]; }})()""")
        if box[0] == 0:
            found.append(f"{part} is not shown")
        if box[1] > min(bottom, height) + 1:
            found.append(f"{part} ends below the slot")
        if part == "board-award-parties" and box[2] > 1:
            found.append("the parties' names are cut short")
        if box[3] < 0.025 * height:
            found.append(f"{part} is {box[3]:.0f} px, too small for a hall")
    context.close()
    return found
