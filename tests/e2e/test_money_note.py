"""The notary desk shows, for a picked listing, that its author confirmed its money words are
not a payment (issue 17)."""
from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.test_event import log_in, start_the_session


def test_picking_a_confirmed_listing_at_the_desk_shows_the_note(live_server, laptop, session,
                                                                 small_event):
    from exchange.core import listings

    lab, school = small_event["lab"], small_event["school"]
    owner = school.memberships[0].user
    listings.update_listing(session, owner, school.id, lab.id, {
        "kind": "offer", "category": "computer_labs", "quantity": 20, "unit": "hours",
        "title": "Pracownia komputerowa, bez najmu",
        "description": "Wynajmujemy ją tylko w ramach wymiany.", "not_a_payment": True},
        small_event["clock"]())
    session.commit()
    start_the_session(session, small_event)
    log_in(laptop, live_server, "organiser@example.org")
    laptop.goto(f"{live_server}/events/{small_event['event'].id}/desk")
    note = laptop.locator("[data-money-note]").first
    assert note.is_hidden()
    pick = laptop.locator("#commitments-0-pick")
    pick.fill(f"#{lab.id} Pracownia komputerowa, bez najmu")
    pick.press("Tab")
    assert note.inner_text() == "confirmed: not a payment — “Wynajmujemy”"
    expect(note).to_be_visible()
    pick.fill("")
    pick.press("Tab")
    assert note.is_hidden()
