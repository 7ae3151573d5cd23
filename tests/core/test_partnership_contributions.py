"""What each partner brings (issue 18, part 2) in the core: partners declare contributions and
needs (listings tagged for the partnership), the map of resources and needs, matching within
the partnership first with the coordinator brokering, and contributions kept for the
partnership only, which no outsider ever sees: not in the marketplace, search, saved-search
alerts, proposals, digests nor a listing's page."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from exchange.core import accounts, listings, partnerships as core, proposals
from exchange.core import organizations as orgs
from exchange.core import saved_searches as searches
from exchange.core.errors import Forbidden, NotFound, ValidationError
from exchange.core.partnerships import contributions
from models import Category, Notification, PartnershipState, Sector
from tests.conftest import TEST_PASSWORD

LAB = {"kind": "offer", "category": "computer_labs",
       "title": "Pracownia komputerowa na 20 stanowisk", "description": "Szkolna pracownia.",
       "quantity": 10, "unit": "hours", "latitude": 54.09, "longitude": 18.78}
NEED = {"kind": "need", "category": "computer_labs", "title": "Szukamy pracowni komputerowej",
        "description": "Kurs dla seniorów.", "quantity": 4, "unit": "hours"}
LATER = timedelta(hours=1)


@pytest.fixture
def town(session, now):
    def person(email):
        return accounts.register_user(session, email=email, name="Osoba", password=TEST_PASSWORD,
                                      locale="pl", now=now)
    people = {name: person(f"{name}@example.org")
              for name in ("director", "headmaster", "banker", "stranger", "clerk")}
    library = orgs.create_organization(session, people["director"], {
        "name": "Biblioteka", "sector": "public", "municipality": "Tczew"}, now)
    school = orgs.create_organization(session, people["headmaster"], {
        "name": "Szkoła Podstawowa", "sector": "public", "municipality": "Tczew"}, now)
    bank = orgs.create_organization(session, people["banker"], {
        "name": "Bank Spółdzielczy", "sector": "business", "municipality": "Tczew"}, now)
    other = orgs.create_organization(session, people["stranger"], {
        "name": "Fundacja Obca", "sector": "ngo", "municipality": "Tczew"}, now)
    partnership = core.create_partnership(session, people["director"], {
        "name": "Koalicja dla Tczewa", "municipalities": "Tczew", "goal": "Seniorzy w sieci",
        "kind": "needs"}, now)
    for owner, org in ((people["headmaster"], school), (people["banker"], bank)):
        _invitation, secret = core.invite(session, people["director"], partnership.id,
                                          email=owner.email, now=now)
        core.accept_invitation(session, secret, owner, now, org_id=org.id)
    session.commit()
    return type("Town", (), {**people, "library": library, "school": school, "bank": bank,
                             "other": other, "partnership": partnership})


def lab(session, town, now, *, only=True, **changes):
    listing = contributions.declare(session, town.headmaster, town.partnership.id,
                                    town.school.id, {**LAB, **changes}, now,
                                    partnership_only=only)
    session.commit()
    return listing


def need_of_bank(session, town, now):
    need = contributions.declare(session, town.banker, town.partnership.id, town.bank.id,
                                 NEED, now)
    session.commit()
    return need


def test_a_partner_declares_a_contribution_as_a_listing_tagged_for_the_partnership(
        session, town, now):
    listing = lab(session, town, now, only=False)
    assert (listing.partnership_id, listing.organization_id) == (town.partnership.id,
                                                                 town.school.id)
    assert listing.status.value == "open" and listing.remaining == 10
    # Not kept for the partnership only: the marketplace shows it like any offer.
    assert listing in session.scalars(listings.marketplace_query(session, q="pracownia")).all()
    assert contributions.contributions_of(session, town.partnership) == [listing]


def test_only_a_member_of_a_member_organization_declares_for_it(session, town, now):
    with pytest.raises(NotFound):  # the partnership is not theirs to read
        contributions.declare(session, town.stranger, town.partnership.id, town.other.id,
                              LAB, now)
    with pytest.raises(ValidationError):  # not one of the headmaster's organizations
        contributions.declare(session, town.headmaster, town.partnership.id, town.bank.id,
                              LAB, now)
    session.rollback()
    assert contributions.contributions_of(session, town.partnership) == []


def test_an_ended_partnership_takes_no_more_contributions(session, town, now):
    core.change_state(session, town.director, town.partnership.id,
                      PartnershipState.ENDED.value, now)
    session.commit()
    with pytest.raises(ValidationError):
        contributions.declare(session, town.headmaster, town.partnership.id, town.school.id,
                              LAB, now)


def test_the_no_money_rule_holds_for_contributions(session, town, now):
    with pytest.raises(ValidationError):
        contributions.declare(session, town.headmaster, town.partnership.id, town.school.id,
                              {**LAB, "title": "Pracownia za 200 zł za godzinę"}, now)
    session.rollback()
    assert contributions.contributions_of(session, town.partnership) == []


def test_a_partnership_only_contribution_stays_out_of_the_marketplace_and_search(
        session, town, now):
    private = lab(session, town, now)
    public = lab(session, town, now, only=False, title="Sala gimnastyczna")
    shown = session.scalars(listings.marketplace_query(session)).all()
    assert public in shown and private not in shown
    assert private not in session.scalars(listings.marketplace_query(
        session, q="pracownia komputerowa", category="computer_labs")).all()
    assert private not in listings.listings_of(session, town.school.id, include_private=False)
    assert private in listings.listings_of(session, town.school.id, include_private=True)


def test_its_page_is_for_the_partnership_s_members_only(session, town, now):
    private = lab(session, town, now)
    for outsider in (town.stranger, None):
        with pytest.raises(NotFound):
            listings.visible_listing(session, outsider, private.id)
    for partner in (town.banker, town.director, town.headmaster):
        assert listings.visible_listing(session, partner, private.id) is private


def test_saved_search_alerts_never_tell_outsiders_of_it(session, town, now):
    search, _ = searches.save_search(session, town.stranger, {"category": "computer_labs"},
                                     "pracownie", now)
    session.commit()
    lab(session, town, now + LATER)
    run = now + 3 * LATER + searches.SETTLE
    assert searches.send_alerts(session, run) == 0
    lab(session, town, run + LATER, only=False, title="Druga pracownia komputerowa")
    assert searches.send_alerts(session, run + 3 * LATER + searches.SETTLE) == 1


def test_proposals_show_it_to_partners_only(session, town, now):
    private = lab(session, town, now)
    outsiders_need = listings.create_listing(session, town.stranger, town.other.id, NEED, now)
    partners_need = need_of_bank(session, town, now)
    index = proposals.IndexCache().sync(session)
    outsider_sees = proposals.proposals_for(session, index, town.stranger, town.other.id,
                                            outsiders_need.id)
    partner_sees = proposals.proposals_for(session, index, town.banker, town.bank.id,
                                           partners_need.id)
    assert private.id not in [v.listing.id for v in outsider_sees]
    assert private.id in [v.listing.id for v in partner_sees]
    # Nor can the outsider accept the pair by its ids.
    with pytest.raises(NotFound):
        proposals.decide(session, index, town.stranger, town.other.id, outsiders_need.id,
                         private.id, accept=True, now=now)
    # The school itself is proposed the partner's need for its lab.
    school_sees = proposals.proposals_for(session, index, town.headmaster, town.school.id,
                                          private.id)
    assert partners_need.id in [v.listing.id for v in school_sees]


def test_the_digest_tells_no_outsider_of_it(session, town, now):
    lab(session, town, now)
    listings.create_listing(session, town.stranger, town.other.id, NEED, now)
    session.commit()
    index = proposals.IndexCache().sync(session)
    proposals.send_digest(session, index, now)
    told = set(session.scalars(select(Notification.user_id).where(
        Notification.key.startswith("proposals:"))))
    assert town.stranger.id not in told


def test_the_map_puts_each_listing_in_its_sector_and_category(session, town, now):
    private = lab(session, town, now)
    need = need_of_bank(session, town, now)
    grid = contributions.resource_map(contributions.contributions_of(session, town.partnership))
    assert grid.sectors[:3] == [Sector.PUBLIC, Sector.NGO, Sector.BUSINESS]
    assert grid.categories == [Category.COMPUTER_LABS]
    cell = grid.cell(Sector.PUBLIC, Category.COMPUTER_LABS)
    assert (cell.offers, cell.needs) == ([private], [])
    assert grid.cell(Sector.BUSINESS, Category.COMPUTER_LABS).unmet == [need]
    assert grid.cell(Sector.NGO, Category.COMPUTER_LABS).offers == []
    assert [(m["id"], m["lat"], m["lng"]) for m in grid.markers] == [(private.id, 54.09, 18.78)]


def test_a_met_need_is_no_longer_highlighted(session, town, now):
    need = need_of_bank(session, town, now)
    listings.change_status(session, town.banker, town.bank.id, need.id, "pause", now)
    session.commit()
    grid = contributions.resource_map(contributions.contributions_of(session, town.partnership))
    cell = grid.cell(Sector.BUSINESS, Category.COMPUTER_LABS)
    assert cell.needs == [need] and cell.unmet == []


def test_matching_within_the_partnership_pairs_one_partner_s_offer_with_another_s_need(
        session, town, now):
    private = lab(session, town, now)
    need = need_of_bank(session, town, now)
    listings.create_listing(session, town.stranger, town.other.id,
                            {**LAB, "title": "Pracownia komputerowa fundacji"}, now)
    session.commit()
    pairs = contributions.partner_proposals(session, proposals.IndexCache().sync(session),
                                            town.partnership)
    assert [(p.offer.id, p.need.id) for p in pairs] == [(private.id, need.id)]


def test_the_coordinator_brokers_and_both_partners_are_told_once(session, town, now):
    private = lab(session, town, now)
    need = need_of_bank(session, town, now)
    index = proposals.IndexCache().sync(session)
    assert contributions.broker(session, index, town.director, town.partnership.id, need.id,
                                private.id, now) == 2
    session.commit()
    assert contributions.broker(session, index, town.director, town.partnership.id, need.id,
                                private.id, now) == 0
    told = session.scalars(select(Notification.user_id).where(
        Notification.key.startswith("partnership-proposal:"))).all()
    assert sorted(told) == sorted([town.headmaster.id, town.banker.id])


def test_only_the_coordinator_brokers_and_only_a_real_pair(session, town, now):
    private = lab(session, town, now)
    need = need_of_bank(session, town, now)
    index = proposals.IndexCache().sync(session)
    with pytest.raises(Forbidden):
        contributions.broker(session, index, town.banker, town.partnership.id, need.id,
                             private.id, now)
    with pytest.raises(NotFound):
        contributions.broker(session, index, town.stranger, town.partnership.id, need.id,
                             private.id, now)
    with pytest.raises(ValidationError):
        contributions.broker(session, index, town.director, town.partnership.id, private.id,
                             need.id, now)


def test_an_outsider_cannot_link_it_in_a_contract(session, town, now):
    from exchange.core.contracts import create_contract

    private = lab(session, town, now)
    terms = {"parties": [town.other.id, town.school.id], "commitments": [{
        "giver_id": town.school.id, "receiver_id": town.other.id, "what": "Pracownia",
        "quantity": 2, "unit": "hours", "due_on": (now.date() + timedelta(days=7)).isoformat(),
        "listing_id": private.id}]}
    with pytest.raises(ValidationError) as refused:
        create_contract(session, town.stranger, town.other.id, terms, now)
    assert "commitments-0-listing_id" in refused.value.errors
    session.rollback()
    # A partner links it.
    terms["parties"][0] = terms["commitments"][0]["receiver_id"] = town.bank.id
    contract = create_contract(session, town.banker, town.bank.id, terms, now)
    assert contract.current.commitments[0].listing_id == private.id
