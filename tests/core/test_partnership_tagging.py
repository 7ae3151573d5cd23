"""A listing tagged for a partnership after it was posted (issue 18): by a member of its
organization, for a partnership the organization is in; kept for the partnership only or not;
untagged; and the badge that names the partnership only to who may open it."""
from __future__ import annotations

import pytest

from exchange.core import listings, partnerships as core
from exchange.core.errors import NotFound, ValidationError
from tests.core import test_partnership_declaration as declaration

town = declaration.town  # the library leads, the school and the bank are partners
ROOM = {"kind": "offer", "category": "rooms", "title": "Sala szkolna na zajęcia",
        "description": "Sala na 30 osób.", "quantity": 6, "unit": "hours"}


def room_of_school(session, town, now):
    room = listings.create_listing(session, town.headmaster, town.school.id, ROOM, now)
    session.commit()
    return room


def shown(session, listing) -> bool:
    return listing in session.scalars(listings.marketplace_query(session)).all()


def test_a_member_tags_a_listing_for_its_partnership_and_keeps_it_there(session, town, now):
    room = room_of_school(session, town, now)
    assert core.partnerships_of_organization(session, town.school.id) == [town.partnership]
    core.tag_listing(session, town.headmaster, town.school.id, room.id,
                     str(town.partnership.id), False, now)
    session.commit()
    assert (room.partnership_id, room.partnership_only) == (town.partnership.id, False)
    assert shown(session, room)
    assert room in core.contributions.contributions_of(session, town.partnership)
    core.tag_listing(session, town.headmaster, town.school.id, room.id,
                     str(town.partnership.id), True, now)
    session.commit()
    assert not shown(session, room)
    with pytest.raises(NotFound):  # an outsider no longer finds it
        listings.visible_listing(session, town.stranger, room.id)
    assert listings.visible_listing(session, town.banker, room.id) is room
    core.tag_listing(session, town.headmaster, town.school.id, room.id, "", False, now)
    session.commit()
    assert (room.partnership_id, room.partnership_only) == (None, False) and shown(session, room)


def test_only_for_a_partnership_of_its_organization_and_by_its_members(session, town, now):
    room = room_of_school(session, town, now)
    outsiders = listings.create_listing(session, town.stranger, town.ngo.id, ROOM, now)
    session.commit()
    with pytest.raises(ValidationError) as error:  # the foundation is not a partner
        core.tag_listing(session, town.stranger, town.ngo.id, outsiders.id,
                         str(town.partnership.id), True, now)
    assert "partnership_id" in error.value.errors
    with pytest.raises(NotFound):  # the banker is no member of the school
        core.tag_listing(session, town.banker, town.school.id, room.id,
                         str(town.partnership.id), True, now)
    with pytest.raises(ValidationError):  # kept for which partnership?
        core.tag_listing(session, town.headmaster, town.school.id, room.id, "", True, now)
    with pytest.raises(ValidationError):  # not a number
        core.tag_listing(session, town.headmaster, town.school.id, room.id, "x", False, now)
    session.rollback()
    assert (outsiders.partnership_id, room.partnership_id, room.partnership_only) == (
        None, None, False)


def test_the_badge_names_a_private_partnership_to_its_readers_only(session, town, now):
    room = room_of_school(session, town, now)
    core.tag_listing(session, town.headmaster, town.school.id, room.id,
                     str(town.partnership.id), False, now)
    session.commit()
    assert core.partnership_badge(session, town.banker, room) is town.partnership
    assert core.partnership_badge(session, town.stranger, room) is None
    assert core.partnership_badge(session, None, room) is None
    town.partnership.is_public = True
    session.commit()
    assert core.partnership_badge(session, None, room) is town.partnership
