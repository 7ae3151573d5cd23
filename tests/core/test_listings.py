"""Listings in the core: posting, the no-money rule, the lifecycle, and the marketplace search."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from exchange.core import accounts, listings, organizations as orgs
from exchange.core.errors import NotFound, ValidationError
from models import Listing, ListingStatus
from tests.conftest import TEST_PASSWORD

OFFER = {"kind": "offer", "category": "rooms", "title": "Sala konferencyjna na 80 osób",
         "description": "Udostępnimy salę z rzutnikiem i nagłośnieniem w soboty.",
         "quantity": 10, "unit": "hours"}


@pytest.fixture
def world(session, now):
    def person(email):
        return accounts.register_user(session, email=email, name="Osoba", password=TEST_PASSWORD,
                                      locale="pl", now=now)
    owner, member, stranger = person("o@example.org"), person("m@example.org"), person("s@example.org")
    library = orgs.create_organization(session, owner, {
        "name": "Biblioteka", "sector": "public", "municipality": "Tczew"}, now)
    orgs.add_member(session, owner, library.id, email=member.email, role="member",
                    can_sign=False, now=now)
    school = orgs.create_organization(session, stranger, {
        "name": "Szkoła", "sector": "ngo", "municipality": "Pelplin"}, now)
    return {"owner": owner, "member": member, "stranger": stranger, "library": library,
            "school": school}


def post(session, world, now, who="member", org="library", **fields):
    return listings.create_listing(session, world[who], world[org].id, {**OFFER, **fields}, now)


def test_any_member_posts_a_listing_with_defaults(session, world, now):
    listing = post(session, world, now)
    assert listing.status is ListingStatus.OPEN and listing.remaining == 10
    assert listing.municipality == "Tczew"  # the organization's by default
    assert listing.expires_on == now.date() + listings.DEFAULT_LIFETIME
    assert "sala" in listing.search_text.split() and "rzutnik" in listing.search_text.split()


def test_strangers_cannot_post_for_an_organization(session, world, now):
    with pytest.raises(NotFound):
        post(session, world, now, who="stranger")


@pytest.mark.parametrize("field, value, message", [
    ("title", "", "required"),
    ("kind", "swap", "valid choice"),
    ("category", "money", "valid choice"),
    ("unit", "kg", "valid choice"),
    ("quantity", 0, "from 1"),
    ("quantity", "dużo", "number"),
    ("available_until", "2020-13-01", "YYYY-MM-DD"),
    ("expires_on", "2020-01-01", "has passed"),
    ("expires_on", "2031-01-01", "two years"),
    ("latitude", 54.09, "both coordinates"),
    ("title", "Sala za 50 zł za godzinę", "never money"),
    ("description", "Wynajem sali za opłatą", "never money"),
])
def test_bad_listings_are_refused_and_nothing_is_saved(session, world, now, field, value, message):
    with pytest.raises(ValidationError) as caught:
        post(session, world, now, **{field: value})
    messages = " ".join(str(m) for ms in caught.value.errors.values() for m in ms)
    assert message in messages
    assert session.scalar(select(func.count()).select_from(Listing)) == 0


def test_the_money_message_quotes_what_to_remove(session, world, now):
    with pytest.raises(ValidationError) as caught:
        post(session, world, now, description="Koszt: 200 PLN za dzień")
    assert "remove “200 PLN”" in str(caught.value.errors["description"][0])


def test_a_contribution_to_costs_is_the_tolerated_exception(session, world, now):
    listing = post(session, world, now, category="transport", title="Przewiozę sprzęt busem",
                   cost_contribution="zwrot kosztów paliwa, ok. 50 zł")
    assert listing.cost_contribution == "zwrot kosztów paliwa, ok. 50 zł"


def test_availability_window_must_be_in_order(session, world, now):
    with pytest.raises(ValidationError) as caught:
        post(session, world, now, available_from=date(2026, 12, 10), available_until=date(2026, 12, 1))
    assert "available_until" in caught.value.errors


def test_editing_moves_the_remaining_capacity_with_the_quantity(session, world, now):
    listing = post(session, world, now)
    listing.remaining = 6  # 4 hours already promised in contracts
    listings.update_listing(session, world["owner"], world["library"].id, listing.id,
                            {**OFFER, "quantity": 12, "title": "Sala widowiskowa"}, now)
    assert (listing.quantity, listing.remaining) == (12, 8)
    assert "widowiskowy" in listing.search_text or "widowiskowa" in listing.search_text
    with pytest.raises(ValidationError) as caught:
        listings.update_listing(session, world["owner"], world["library"].id, listing.id,
                                {**OFFER, "quantity": 3}, now)
    assert "already promised" in str(caught.value.errors["quantity"][0])


def test_a_listing_is_changed_only_through_its_own_organization(session, world, now):
    listing = post(session, world, now)
    with pytest.raises(NotFound):
        listings.update_listing(session, world["stranger"], world["library"].id, listing.id, OFFER, now)
    with pytest.raises(NotFound):  # the school's owner, naming their own organization
        listings.change_status(session, world["stranger"], world["school"].id, listing.id, "close", now)


def test_lifecycle(session, world, now):
    listing = listings.create_listing(session, world["member"], world["library"].id, OFFER, now,
                                      publish=False)
    assert listing.status is ListingStatus.DRAFT
    org_id = world["library"].id

    def act(action):
        return listings.change_status(session, world["member"], org_id, listing.id, action, now).status

    assert act("publish") is ListingStatus.OPEN
    assert act("pause") is ListingStatus.PAUSED
    with pytest.raises(ValidationError):
        act("pause")
    assert act("reopen") is ListingStatus.OPEN
    assert act("close") is ListingStatus.CLOSED
    with pytest.raises(ValidationError):
        listings.update_listing(session, world["member"], org_id, listing.id, OFFER, now)
    assert act("reopen") is ListingStatus.OPEN
    with pytest.raises(ValidationError):
        act("explode")


def test_an_expired_listing_reopens_only_with_a_later_expiry_date(session, world, now):
    listing = post(session, world, now)
    listing.status, listing.expires_on = ListingStatus.EXPIRED, now.date() - timedelta(days=1)
    with pytest.raises(ValidationError) as caught:
        listings.change_status(session, world["member"], world["library"].id, listing.id, "reopen", now)
    assert "expires_on" in caught.value.errors


def test_drafts_are_visible_only_to_members(session, world, now):
    draft = listings.create_listing(session, world["member"], world["library"].id, OFFER, now,
                                    publish=False)
    assert listings.visible_listing(session, world["owner"], draft.id) is draft
    for viewer in (None, world["stranger"]):
        with pytest.raises(NotFound):
            listings.visible_listing(session, viewer, draft.id)


def search(session, **filters):
    session.flush()
    return [x.title for x in session.scalars(listings.marketplace_query(session, **filters))]


@pytest.fixture
def market(session, world, now):
    post(session, world, now, title="Sala konferencyjna z rzutnikiem", description="")
    post(session, world, now, title="Świetlica dla dzieci", description="Popołudniami",
         category="culture")
    post(session, world, now, org="school", who="stranger", kind="need", category="volunteers",
         title="Potrzebujemy wolontariuszy na festyn", description="")
    post(session, world, now, title="Pracownia komputerowa", category="computer_labs",
         description="20 stanowisk")
    session.commit()


@pytest.mark.parametrize("query, expected", [
    ("sala", ["Sala konferencyjna z rzutnikiem"]),
    ("sali", ["Sala konferencyjna z rzutnikiem"]),
    ("salę", ["Sala konferencyjna z rzutnikiem"]),
    ("SALI RZUTNIK", ["Sala konferencyjna z rzutnikiem"]),
    ("swietlica", ["Świetlica dla dzieci"]),
    ("świetlicy", ["Świetlica dla dzieci"]),
    ("wolontariusz", ["Potrzebujemy wolontariuszy na festyn"]),
    ("pracowni komputerowej", ["Pracownia komputerowa"]),
    ("stanowisk", ["Pracownia komputerowa"]),
    ("basen", []),
])
def test_text_search_copes_with_polish_inflection_and_diacritics(session, market, query, expected):
    assert search(session, q=query) == expected


def test_filters_and_sorting(session, world, market, now):
    assert search(session, kind="need") == ["Potrzebujemy wolontariuszy na festyn"]
    assert search(session, category="culture") == ["Świetlica dla dzieci"]
    assert search(session, sector="ngo") == ["Potrzebujemy wolontariuszy na festyn"]
    assert search(session, municipality="Pelplin") == ["Potrzebujemy wolontariuszy na festyn"]
    assert search(session, q="sala", kind="need") == []
    with pytest.raises(ValidationError):
        search(session, kind="gift")
    soon = post(session, world, now, title="Namiot", expires_on=now.date() + timedelta(days=3))
    assert search(session)[0] == "Namiot"  # newest first: posted last... and
    assert search(session, sort="expiring")[0] == soon.title


def test_only_open_listings_reach_the_marketplace(session, world, market, now):
    listing = session.scalar(select(Listing).where(Listing.title.like("Sala%")))
    listings.change_status(session, world["member"], world["library"].id, listing.id, "pause", now)
    assert search(session, q="sala") == []
    listings.change_status(session, world["member"], world["library"].id, listing.id, "reopen", now)
    assert search(session, q="sala") == ["Sala konferencyjna z rzutnikiem"]


def test_the_index_follows_edits_and_deletes(session, world, market, now):
    listing = session.scalar(select(Listing).where(Listing.title.like("Sala%")))
    listings.update_listing(session, world["member"], world["library"].id, listing.id,
                            {**OFFER, "title": "Aula szkolna", "description": ""}, now)
    assert search(session, q="sala") == [] and search(session, q="auli") == ["Aula szkolna"]
    session.delete(listing)
    assert search(session, q="aula") == []
