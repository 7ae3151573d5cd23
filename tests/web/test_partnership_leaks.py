"""On the web: an event's application form offers no listing kept for a partnership only,
and a forged pick of one is refused with the reason (issue 18)."""
from __future__ import annotations

from sqlalchemy import select

from exchange.core.listings import create_listing
from models import EventListing
from tests.core.test_partnership_leaks import kept_for_a_partnership
from tests.web import test_events_setup as setup
from tests.web.test_events_setup import NOW, apply_url, login_as, send_application

fair = setup.fair  # the event whose registration is open, and an NGO applying


def test_the_application_form_offers_no_partnership_only_listing(client, session, fair):
    lab = create_listing(session, fair["applicant"], fair["ngo"].id, {
        "kind": "offer", "category": "computer_labs", "title": "Pracownia dla koalicji",
        "quantity": 5, "unit": "hours"}, NOW)
    kept_for_a_partnership(session, fair["applicant"], lab, NOW)
    login_as(client, fair["applicant"])
    form = client.get(apply_url(fair)).get_data(as_text=True)
    assert f'value="{fair["room"].id}"' in form and "Pracownia dla koalicji" not in form
    response = send_application(client, fair, listing_ids=[str(lab.id)])
    assert response.status_code == 422
    session.rollback()
    assert session.scalars(select(EventListing.listing_id)).all() == []
