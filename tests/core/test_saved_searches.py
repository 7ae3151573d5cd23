"""Saved searches in the core: saving filters once, and telling of new listings that match."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from exchange.core import accounts, listings, organizations as orgs
from exchange.core import saved_searches as searches
from exchange.core.errors import NotFound, ValidationError
from models import Notification, SavedSearch
from tests.conftest import TEST_PASSWORD

ROOM = {"kind": "offer", "category": "rooms", "title": "Świetlica z salą na 40 osób",
        "description": "Sala z rzutnikiem.", "quantity": 10, "unit": "hours"}
LATER = timedelta(hours=1)


@pytest.fixture
def world(session, now):
    def person(email):
        return accounts.register_user(session, email=email, name="Osoba", password=TEST_PASSWORD,
                                      locale="pl", now=now)
    reader, librarian, teacher = (person("r@example.org"), person("l@example.org"),
                                  person("t@example.org"))
    home = orgs.create_organization(session, reader, {
        "name": "Fundacja", "sector": "ngo", "municipality": "Tczew"}, now)
    library = orgs.create_organization(session, librarian, {
        "name": "Biblioteka", "sector": "public", "municipality": "Tczew"}, now)
    school = orgs.create_organization(session, teacher, {
        "name": "Szkoła", "sector": "public", "municipality": "Pelplin"}, now)
    return {"reader": reader, "librarian": librarian, "teacher": teacher, "home": home,
            "library": library, "school": school}


def post(session, world, at, who="librarian", org="library", publish=True, **fields):
    return listings.create_listing(session, world[who], world[org].id, {**ROOM, **fields}, at,
                                   publish=publish)


def save(session, world, now, **filters):
    return searches.save_search(session, world["reader"], filters, "etykieta", now)


def notices(session) -> list[Notification]:
    return list(session.scalars(select(Notification).where(
        Notification.key.startswith(searches.KEY_PREFIX)).order_by(Notification.id)))


def test_saving_the_same_filters_twice_keeps_one_search(session, world, now):
    first, created = save(session, world, now, q="  świetlicy   sali ", category="rooms")
    again, created_again = save(session, world, now, category="rooms", q="świetlicy sali",
                                kind="")
    assert created and not created_again and again.id == first.id
    assert first.filters == {"q": "świetlicy sali", "category": "rooms"}
    assert searches.link_of(first.filters) == "/listings/?q=%C5%9Bwietlicy+sali&category=rooms"


def test_empty_or_invalid_filters_are_refused(session, world, now):
    with pytest.raises(ValidationError) as empty:
        save(session, world, now, q="   ")
    assert "at least one filter" in empty.value.message.text
    with pytest.raises(ValidationError) as wrong:
        save(session, world, now, category="money")
    assert "category" in wrong.value.errors


def test_a_user_keeps_at_most_the_limit_of_searches(session, world, now):
    for number in range(searches.MAX_PER_USER):
        save(session, world, now, q=f"sala {number}")
    with pytest.raises(ValidationError) as caught:
        save(session, world, now, q="jeszcze jedna")
    assert caught.value.message.params == {"max": searches.MAX_PER_USER}
    # Saving one already kept is still fine at the limit.
    assert save(session, world, now, q="sala 3")[1] is False


def test_new_matches_are_what_the_marketplace_shows_published_since(session, world, now):
    search, _ = save(session, world, now, q="swietlicy", municipality="Tczew")
    before = post(session, world, now - LATER)
    match = post(session, world, now + LATER)
    post(session, world, now + LATER, title="Rzutnik multimedialny", description="")
    post(session, world, now + LATER, who="teacher", org="school")  # Pelplin
    draft = post(session, world, now + LATER, publish=False)
    until = now + 2 * LATER
    page = set(session.scalars(listings.marketplace_query(session, **search.filters)))
    found = set(session.scalars(searches.new_matches(session, search, until)))
    assert found == {match}
    assert found == {listing for listing in page if listing.published_at > now}
    assert before in page and draft not in page


def test_a_draft_counts_as_new_when_it_is_published(session, world, now):
    search, _ = save(session, world, now, category="rooms")
    draft = post(session, world, now - LATER, publish=False)
    listings.change_status(session, world["librarian"], world["library"].id, draft.id,
                           "publish", now + LATER)
    assert draft.published_at == now + LATER
    assert set(session.scalars(searches.new_matches(session, search, now + 2 * LATER))) == {draft}


def test_own_organizations_listings_are_not_told_about(session, world, now):
    save(session, world, now, category="rooms")
    post(session, world, now + LATER, who="reader", org="home")
    assert searches.send_alerts(session, now + 2 * LATER) == 0
    assert notices(session) == []


def test_one_notice_per_search_and_run_and_the_watermark_moves(session, world, now):
    search, _ = save(session, world, now, category="rooms")
    other, _ = save(session, world, now, municipality="Pelplin")
    post(session, world, now + LATER)
    post(session, world, now + LATER, title="Sala gimnastyczna")
    run_at = now + 2 * LATER
    assert searches.send_alerts(session, run_at) == 1
    [notice] = notices(session)
    assert notice.user_id == world["reader"].id
    assert notice.key.startswith(f"saved-search:{search.id}:")
    assert notice.params == {"num": 2, "label": "etykieta", "plural": searches.PLURAL}
    assert notice.link == "/listings/?category=rooms"
    assert search.notified_until == other.notified_until == run_at - searches.SETTLE
    assert searches.send_alerts(session, run_at) == 0
    assert searches.send_alerts(session, run_at + LATER) == 0
    post(session, world, run_at + LATER, who="teacher", org="school")
    assert searches.send_alerts(session, run_at + 2 * LATER) == 2  # both searches match it
    assert [n.params["num"] for n in notices(session)] == [2, 1, 1]


def test_a_listing_published_just_before_a_run_waits_for_the_next(session, world, now):
    save(session, world, now, category="rooms")
    run_at = now + LATER
    post(session, world, run_at - searches.SETTLE / 2)
    assert searches.send_alerts(session, run_at) == 0
    assert searches.send_alerts(session, run_at + searches.SETTLE) == 1


def test_deactivated_users_hear_nothing(session, world, now):
    save(session, world, now, category="rooms")
    world["reader"].is_active = False
    post(session, world, now + LATER)
    assert searches.send_alerts(session, now + 2 * LATER) == 0


def test_only_the_owner_removes_a_search(session, world, now):
    search, _ = save(session, world, now, category="rooms")
    with pytest.raises(NotFound):
        searches.remove_search(session, world["librarian"], search.id)
    searches.remove_search(session, world["reader"], search.id)
    assert session.scalar(select(SavedSearch)) is None


def test_imported_listings_are_published_when_imported_and_stay_so(session, now):
    import json

    from exchange.core import transfer
    from models import Listing, ListingStatus
    from tests.core.test_transfer import example

    transfer.import_file(session, "import-example.json", example("json"), now)
    hall = session.scalar(select(Listing).where(Listing.ref == "LST-01"))
    assert hall.status is ListingStatus.OPEN and hall.published_at == now
    document = json.loads(example("json"))
    document["listings"][0]["title"] = "Sala widowiskowa na 80 osób"
    transfer.import_file(session, "a.json", json.dumps(document).encode(), now + LATER)
    assert hall.updated_at == now + LATER and hall.published_at == now
