"""Listings and the no-money rule's levels: certain money is refused, ambiguous words are taken
once the author confirms they are not a payment, and the confirmation is kept (issue 17)."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from exchange.core import listings
from exchange.core.errors import ValidationError
from models import Listing

ROOM = {"kind": "offer", "category": "rooms", "title": "Sala w ramach najmu gminy",
        "description": "Udostępnimy salę na 40 osób w soboty.", "quantity": 4, "unit": "hours"}


@pytest.fixture
def org(make_org):
    return make_org(name="Dom Kultury w Gniewie")


@pytest.fixture
def owner(org):
    return org.memberships[0].user


def count(session) -> int:
    return session.scalar(select(func.count()).select_from(Listing))


def test_ambiguous_words_without_the_confirmation_are_refused_quoting_them(session, org,
                                                                           owner, now):
    with pytest.raises(ValidationError) as caught:
        listings.create_listing(session, owner, org.id, ROOM, now)
    assert list(caught.value.errors) == ["not_a_payment"]
    assert "may be about money: “najmu”" in str(caught.value.errors["not_a_payment"][0])
    assert caught.value.details == {"money_warnings": [{"field": "title", "fragment": "najmu"}]}
    assert count(session) == 0


@pytest.mark.parametrize("ticked", [True, "1", "on", "true"])
def test_confirmed_ambiguous_words_are_taken_and_recorded(session, org, owner, now, ticked):
    listing = listings.create_listing(session, owner, org.id, {**ROOM, "not_a_payment": ticked},
                                      now)
    assert (listing.money_confirmed_fragment, listing.money_confirmed_at,
            listing.money_confirmed_by_id) == ("najmu", now, owner.id)


def test_every_ambiguous_word_of_both_texts_is_recorded_once(session, org, owner, now):
    listing = listings.create_listing(session, owner, org.id, {
        **ROOM, "description": "Szukamy sponsora nagród; sala w ramach najmu.",
        "not_a_payment": True}, now)
    assert listing.money_confirmed_fragment == "najmu; sponsora"


def test_a_certain_payment_is_refused_even_when_confirmed(session, org, owner, now):
    with pytest.raises(ValidationError) as caught:
        listings.create_listing(session, owner, org.id, {
            **ROOM, "description": "Wynajem sali, 150 zł za godzinę", "not_a_payment": True}, now)
    assert "remove “150 zł”" in str(caught.value.errors["description"][0])
    assert count(session) == 0


def test_a_negated_word_is_no_money_talk(session, org, owner, now):
    listing = listings.create_listing(session, owner, org.id, {
        **ROOM, "title": "Sala bez najmu, nieodpłatnie"}, now)
    assert listing.money_confirmed_fragment is None


def test_a_listing_without_money_words_records_no_confirmation(session, org, owner, now):
    listing = listings.create_listing(session, owner, org.id, {
        **ROOM, "title": "Sala na 40 osób", "not_a_payment": True}, now)
    assert (listing.money_confirmed_fragment, listing.money_confirmed_at,
            listing.money_confirmed_by_id) == (None, None, None)


def test_an_edit_that_keeps_the_texts_needs_no_new_confirmation(session, org, owner, now):
    listing = listings.create_listing(session, owner, org.id, {**ROOM, "not_a_payment": True},
                                      now)
    later = now + timedelta(hours=1)
    listings.update_listing(session, owner, org.id, listing.id, {**ROOM, "quantity": 8}, later)
    assert listing.quantity == 8
    assert (listing.money_confirmed_fragment, listing.money_confirmed_at) == ("najmu", now)


def test_an_edit_that_changes_the_texts_asks_again(session, org, owner, make_user, add_member,
                                                   now):
    listing = listings.create_listing(session, owner, org.id, {**ROOM, "not_a_payment": True},
                                      now)
    editor = make_user("editor@example.org")
    add_member(org, editor)
    changed = {**ROOM, "description": "Udostępnimy salę na 60 osób w niedziele."}
    later = now + timedelta(hours=1)
    with pytest.raises(ValidationError) as caught:
        listings.update_listing(session, editor, org.id, listing.id, changed, later)
    assert list(caught.value.errors) == ["not_a_payment"]
    session.rollback()
    listings.update_listing(session, editor, org.id, listing.id,
                            {**changed, "not_a_payment": True}, later)
    assert (listing.money_confirmed_fragment, listing.money_confirmed_at,
            listing.money_confirmed_by_id) == ("najmu", later, editor.id)


def test_an_edit_that_removes_the_words_clears_the_confirmation(session, org, owner, now):
    listing = listings.create_listing(session, owner, org.id, {**ROOM, "not_a_payment": True},
                                      now)
    listings.update_listing(session, owner, org.id, listing.id,
                            {**ROOM, "title": "Sala na 40 osób"}, now + timedelta(hours=1))
    assert (listing.money_confirmed_fragment, listing.money_confirmed_at,
            listing.money_confirmed_by_id) == (None, None, None)


def test_listing_money_check_is_what_imports_reuse(session):
    errors, warnings = listings.listing_money_check("Sala w ramach najmu", "Cena 20 zł")
    assert list(errors.errors) == ["description"]
    assert [(w.field, w.fragment) for w in warnings] == [("title", "najmu")]


def test_staff_of_an_event_the_listing_is_brought_to_see_the_confirmation(session, hall,
                                                                          make_user):
    lab = hall["lab"]
    outsider, admin = make_user("outsider@example.org"), make_user("a@example.org", is_admin=True)
    assert listings.sees_money_confirmation(session, hall["notary"], lab)
    assert listings.sees_money_confirmation(session, hall["organiser"], lab)
    assert listings.sees_money_confirmation(session, admin, lab)
    assert not listings.sees_money_confirmation(session, outsider, lab)
    assert not listings.sees_money_confirmation(session, None, lab)
