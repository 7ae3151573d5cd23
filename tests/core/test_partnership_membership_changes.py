"""Managers remove a member organization and change the leading one (issue 18). A removed (or
departed) organization takes its listings tagged for the partnership back: they stay its own,
and one kept for the partnership only stays hidden from everyone else."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from exchange.core import listings, partnerships as core
from exchange.core.errors import Conflict, Forbidden, NotFound, ValidationError
from exchange.core.partnerships import contributions
from models import MemberRole, Notification, PartnershipChange, PartnershipChangeKind
from tests.core.test_partnerships import build_town, create, join

LAB = {"kind": "offer", "category": "computer_labs", "title": "Sala komputerowa w banku",
       "description": "Dla seniorów.", "quantity": 8, "unit": "hours"}


@pytest.fixture
def town(session, make_user, make_org, add_member, now):
    town = build_town(session, make_user, make_org, add_member)
    town.partnership = create(session, town, now)
    join(session, town, town.partnership, town.headmaster, town.school, now)
    join(session, town, town.partnership, town.banker, town.bank, now)
    town.private = contributions.declare(session, town.banker, town.partnership.id,
                                         town.bank.id, LAB, now, partnership_only=True)
    town.public = contributions.declare(session, town.banker, town.partnership.id,
                                        town.bank.id, {**LAB, "title": "Sala na zebrania",
                                                       "category": "rooms"}, now)
    town.deputy = make_user("zastepca@example.org", name="Zofia Zastępczyni")
    add_member(town.library, town.deputy, role=MemberRole.OWNER)
    session.commit()
    return town


def changes(session, kind) -> list[int]:
    return list(session.scalars(select(PartnershipChange.organization_id).where(
        PartnershipChange.kind == kind)))


def test_a_manager_removes_a_partner_which_takes_its_listings_back(session, town, now):
    core.remove_member(session, town.director, town.partnership.id, str(town.bank.id), now)
    session.commit()
    assert town.bank.id not in core.member_org_ids(town.partnership)
    assert changes(session, PartnershipChangeKind.MEMBER_REMOVED) == [town.bank.id]
    assert session.scalar(select(Notification.user_id).where(
        Notification.key.like("partnership-removed:%"))) == town.banker.id
    # Both listings stay the bank's, out of the partnership.
    assert (town.private.partnership_id, town.public.partnership_id) == (None, None)
    assert contributions.contributions_of(session, town.partnership) == []
    # The one kept for the partnership only is hidden from the former partners too...
    assert town.private.partnership_only
    with pytest.raises(NotFound):
        listings.visible_listing(session, town.headmaster, town.private.id)
    assert town.private.id in listings.hidden_from(session, town.school.id)
    assert town.private not in session.scalars(listings.marketplace_query(session)).all()
    # ...but not from the bank, which may open it to everyone from its edit page.
    assert listings.visible_listing(session, town.banker, town.private.id) is town.private
    core.tag_listing(session, town.banker, town.bank.id, town.private.id, "", False, now)
    assert town.private in session.scalars(listings.marketplace_query(session)).all()


def test_removing_is_for_managers_and_never_the_lead(session, town, now):
    with pytest.raises(Forbidden):
        core.remove_member(session, town.headmaster, town.partnership.id, town.bank.id, now)
    with pytest.raises(NotFound):
        core.remove_member(session, town.outsider, town.partnership.id, town.bank.id, now)
    with pytest.raises(Conflict):
        core.remove_member(session, town.director, town.partnership.id, town.library.id, now)
    with pytest.raises(ValidationError):
        core.remove_member(session, town.director, town.partnership.id, "nonsense", now)
    session.rollback()
    assert core.member_org_ids(town.partnership) == {town.library.id, town.school.id,
                                                     town.bank.id}
    assert town.private.partnership_id == town.partnership.id


def test_an_organization_that_leaves_takes_its_listings_back_too(session, town, now):
    core.leave(session, town.banker, town.partnership.id, town.bank.id, now)
    session.commit()
    assert town.private.partnership_id is None
    with pytest.raises(NotFound):
        listings.visible_listing(session, town.director, town.private.id)


def test_the_lead_moves_to_another_member_and_the_managers_with_it(session, town, now):
    assert core.is_manager(session, town.partnership, town.deputy)
    core.change_lead(session, town.director, town.partnership.id, str(town.school.id), now)
    session.commit()
    assert town.partnership.lead_id == town.school.id
    assert changes(session, PartnershipChangeKind.LEAD_CHANGED) == [town.school.id]
    assert session.scalar(select(Notification.user_id).where(
        Notification.key.like("partnership-lead:%"))) == town.headmaster.id
    # The old lead's owners manage no more, but the coordinator (its director) stays.
    assert not core.is_manager(session, town.partnership, town.deputy)
    assert core.is_manager(session, town.partnership, town.director)
    assert core.is_manager(session, town.partnership, town.headmaster)
    # The library may now be removed, and may leave.
    core.remove_member(session, town.headmaster, town.partnership.id, town.library.id, now)


def test_the_lead_goes_only_to_a_current_member_by_a_manager(session, town, make_org, now):
    stranger = make_org(town.outsider, name="Obca Fundacja", sector="ngo")
    with pytest.raises(ValidationError):
        core.change_lead(session, town.director, town.partnership.id, stranger.id, now)
    with pytest.raises(ValidationError):
        core.change_lead(session, town.director, town.partnership.id, town.library.id, now)
    with pytest.raises(Forbidden):
        core.change_lead(session, town.headmaster, town.partnership.id, town.school.id, now)
    session.rollback()
    assert town.partnership.lead_id == town.library.id
    assert changes(session, PartnershipChangeKind.LEAD_CHANGED) == []
