"""A listing kept for a partnership only (Listing.partnership_only) never reaches people outside
the partnership through an exchange event or an export (issue 18): not the event's application
picker, its catalogue, brokers, desk, participants' export, its import by ref, the notices
after it, the brokers' proposals export nor the administrators' transfer export."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import delete, select

from exchange.core import events, partnerships, proposals, transfer
from exchange.core.events import exports
from exchange.core.errors import ValidationError
from exchange.core.events.aftermath import still_open_notices
from exchange.core.listings import create_listing
from exchange.core.proposals import IndexCache
from models import EventListing, Listing, Notification
from tests.conftest import desk_deal

SECRET = "Pracownia tylko dla koalicji"


def kept_for_a_partnership(session, owner, listing, now):
    """Tag LISTING for a partnership its organization leads, for the partnership only."""
    partnership = partnerships.create_partnership(session, owner, {
        "name": f"Koalicja {listing.id}", "municipalities": "Tczew", "goal": "Seniorzy w sieci",
        "kind": "needs", "lead_id": listing.organization_id}, now)
    listing.partnership_id, listing.partnership_only = partnership.id, True
    session.commit()
    return partnership


def secret_lab(session, make_user, make_org, now):
    """An offer of a computer lab kept for a partnership the event's people are not in."""
    owner = make_user("koalicja@example.org")
    org = make_org(owner, name="Stowarzyszenie Koalicyjne", sector="ngo", municipality="Tczew")
    lab = create_listing(session, owner, org.id, {
        "kind": "offer", "category": "computer_labs", "title": SECRET, "quantity": 30,
        "unit": "hours"}, now)
    kept_for_a_partnership(session, owner, lab, now)
    return owner, org, lab


def test_an_application_cannot_bring_a_partnership_only_listing(session, hall, make_user,
                                                                 make_org, now):
    owner, org, lab = secret_lab(session, make_user, make_org, now)
    with pytest.raises(ValidationError) as error:
        events.apply(session, owner, hall["event"].id, org.id,
                     {"attendees": ["Anna"], "listing_ids": [lab.id]}, now)
    assert "listing_ids" in error.value.errors
    session.rollback()
    assert session.scalar(select(EventListing).where(EventListing.listing_id == lab.id)) is None
    # Applying with nothing, then bringing it afterwards, is refused too.
    events.apply(session, owner, hall["event"].id, org.id, {"attendees": ["Anna"]}, now)
    with pytest.raises(ValidationError) as error:
        events.add_listing(session, owner, hall["event"].id, lab, now)
    assert "partnership" in str(error.value.errors)
    assert session.scalar(select(EventListing).where(EventListing.listing_id == lab.id)) is None


def test_a_listing_kept_for_a_partnership_after_it_was_brought_leaves_the_event(session, hall,
                                                                              now):
    event, lab = hall["event"], hall["lab"]
    assert lab in events.event_listings(session, event)
    kept_for_a_partnership(session, hall["school_owner"], lab, now)
    assert lab not in events.event_listings(session, event)
    assert lab not in events.event_listings(session, event, open_only=False)
    # The brokers' pre-matched list and the participants' export count it no more.
    index = IndexCache().sync(session)
    exchanges = events.prematching(session, index, event)
    assert all(arrow.offer.id != lab.id for x in exchanges for arrow in x.arrows)
    school = next(r for r in exports.participant_rows(session, event)
                  if r["organization"] == hall["school"].name)
    assert school["offers"] == 0


def test_the_desk_refuses_a_deal_linking_a_partnership_only_listing(session, hall, now):
    kept_for_a_partnership(session, hall["school_owner"], hall["lab"], now)
    hall["start"]()
    with pytest.raises(ValidationError) as error:
        events.ratify(session, hall["notary"], hall["event"].id, desk_deal(hall), now)
    assert "commitments" in error.value.errors


def test_the_notice_after_an_event_names_no_partnership_only_offer(session, hall, make_user,
                                                                  make_org, now):
    secret_lab(session, make_user, make_org, now)
    row = {**desk_deal(hall)["commitments"][0], "listing_id": "", "need_id": ""}
    hall["start"]()
    events.ratify(session, hall["notary"], hall["event"].id, desk_deal(hall, commitments=[row]),
                  now)
    gong = now + timedelta(minutes=90)
    events.close_session(session, hall["organiser"], hall["event"].id, gong)
    session.commit()
    index = IndexCache().sync(session)
    assert still_open_notices(session, index, gong + timedelta(days=1)) == 2
    told = {n.user_id: n for n in session.scalars(
        select(Notification).where(Notification.key.like("event-still-open:%")))}
    best = told[hall["library_owner"].id].params["best"]
    assert "Pracownia komputerowa na 20 stanowisk" in best and SECRET not in best


def test_the_brokers_proposals_export_leaves_it_out(session, hall, make_user, make_org, now):
    _owner, _org, lab = secret_lab(session, make_user, make_org, now)
    index = IndexCache().sync(session)
    rows = proposals.export_rows(session, index)
    assert rows and all(r["offer_id"] != lab.id for r in rows)
    assert any(r["offer_id"] == hall["lab"].id for r in rows)
    rows = proposals.export_rows(session, index, clearing=True)
    assert all(r["offer_id"] != lab.id for r in rows)


def test_the_administrators_export_leaves_it_out(session, hall, make_user, make_org, now):
    _owner, org, lab = secret_lab(session, make_user, make_org, now)
    document = json.loads(transfer.export(session, "json"))
    titles = {x["title"] for x in document["listings"]}
    assert SECRET not in titles and hall["lab"].title in titles
    assert org.name in {x["name"] for x in document["organizations"]}
    assert SECRET not in transfer.export(session, "csv")


def test_an_organisers_import_brings_no_partnership_only_listing_by_its_ref(session, hall, now):
    from tests.core.test_event_import import ROWS, csv_file, run

    run(session, hall, now, csv_file(*ROWS))
    cake = session.scalar(select(Listing).where(Listing.title == "Ciasto na spotkanie"))
    partnership = kept_for_a_partnership(session, hall["school_owner"], hall["lab"], now)
    cake.partnership_id, cake.partnership_only = partnership.id, True
    session.execute(delete(EventListing).where(EventListing.listing_id == cake.id))
    session.commit()
    run(session, hall, now, csv_file(*ROWS))
    assert session.scalar(select(EventListing).where(EventListing.listing_id == cake.id)) is None
