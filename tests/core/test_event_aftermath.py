"""After the event: each organization hears once, a day after the final gong, of the listings
it brought that the event left open, with the marketplace's best proposals for them."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from exchange.core import events
from exchange.core.events.aftermath import still_open_notices
from exchange.core.proposals import IndexCache
from models import Notification
from tests.conftest import desk_deal


def closed(session, hall, now, **deal):
    hall["start"]()
    events.ratify(session, hall["notary"], hall["event"].id, desk_deal(hall, **deal), now)
    events.close_session(session, hall["organiser"], hall["event"].id,
                         now + timedelta(minutes=90))
    session.commit()
    return now + timedelta(minutes=90)


def notices(session) -> dict[int, Notification]:
    return {n.user_id: n for n in session.scalars(
        select(Notification).where(Notification.key.like("event-still-open:%")))}


def test_listings_left_open_are_told_once_a_day_after_with_proposals(session, hall, now):
    # A deal written by hand: neither the lab nor the need was exchanged through it.
    row = {**desk_deal(hall)["commitments"][0], "listing_id": "", "need_id": ""}
    gong = closed(session, hall, now, commitments=[row])
    index = IndexCache().sync(session)
    assert still_open_notices(session, index, gong + timedelta(hours=12)) == 0  # too early
    assert still_open_notices(session, index, gong + timedelta(days=1)) == 2
    session.commit()
    told = notices(session)
    assert set(told) == {hall["library_owner"].id, hall["school_owner"].id}
    library = told[hall["library_owner"].id]
    assert library.params["num"] == 1 and library.params["event"] == hall["event"].name
    # The library needs a computer lab: the school's lab is the marketplace's best proposal.
    assert "Pracownia komputerowa na 20 stanowisk" in library.params["best"]
    assert library.link == f"/organizations/{hall['library'].id}/proposals"
    assert still_open_notices(session, index, gong + timedelta(days=2)) == 0  # once
    assert still_open_notices(session, index, gong + timedelta(days=30)) == 0  # and not later


def test_listings_exchanged_at_the_event_are_not_told_about(session, hall, now):
    gong = closed(session, hall, now)  # the deal links the lab and the need
    index = IndexCache().sync(session)
    assert still_open_notices(session, index, gong + timedelta(days=1)) == 0
    assert notices(session) == {}
