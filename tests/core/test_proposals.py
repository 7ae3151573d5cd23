"""Proposals in the core: the index catches up with the database; parties accept or decline."""
from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import select

from exchange.core import accounts, listings, organizations as orgs, proposals
from exchange.core.errors import NotFound, ValidationError
from models import Notification, ProposalStatus
from tests.conftest import TEST_PASSWORD

LAB = {"kind": "offer", "category": "computer_labs", "title": "Pracownia komputerowa na 20 stanowisk",
       "quantity": 10, "unit": "hours"}
NEED = {"kind": "need", "category": "computer_labs", "title": "Szukamy pracowni komputerowej",
        "description": "Kurs dla seniorów.", "quantity": 4, "unit": "hours"}


@pytest.fixture
def world(session, now):
    def person(email):
        return accounts.register_user(session, email=email, name="Osoba", password=TEST_PASSWORD,
                                      locale="pl", now=now)
    library_owner, school_owner, stranger = (person("b@example.org"), person("s@example.org"),
                                             person("x@example.org"))
    library = orgs.create_organization(session, library_owner, {
        "name": "Biblioteka", "sector": "public", "municipality": "Tczew"}, now)
    school = orgs.create_organization(session, school_owner, {
        "name": "Szkoła", "sector": "public", "municipality": "Tczew"}, now)
    orgs.create_organization(session, stranger, {"name": "Inna", "sector": "ngo",
                                                 "municipality": "Gniew"}, now)
    need = listings.create_listing(session, library_owner, library.id, NEED, now)
    lab = listings.create_listing(session, school_owner, school.id, LAB, now)
    session.commit()
    return {"library": library, "school": school, "need": need, "lab": lab,
            "library_owner": library_owner, "school_owner": school_owner, "stranger": stranger}


def test_the_index_catches_up_with_new_edited_and_closed_listings(session, world, now):
    cache = proposals.IndexCache()
    index = cache.sync(session)
    assert world["lab"].id in index.items
    later = now + timedelta(minutes=1)
    second = listings.create_listing(session, world["school_owner"], world["school"].id,
                                     {**LAB, "title": "Sala gimnastyczna"}, later)
    listings.change_status(session, world["school_owner"], world["school"].id, world["lab"].id,
                           "close", later)
    session.commit()
    index = cache.sync(session)
    assert second.id in index.items and world["lab"].id not in index.items


def watch_analysers(monkeypatch) -> list:
    """The pools the next syncs analyse with (None: the process itself)."""
    from exchange.core.matching import features

    pools = []

    @contextmanager
    def watched(workers, listings):
        with features.analysers(workers, listings) as pool:
            pools.append(pool)
            yield pool

    monkeypatch.setattr(proposals, "analysers", watched)
    return pools


def test_a_first_sync_by_forked_analysers_builds_the_same_index(session, world, monkeypatch):
    from exchange.core.matching import features

    alone = proposals.IndexCache().sync(session).items
    monkeypatch.setattr(features, "PARALLEL_FROM", 0)
    monkeypatch.setattr(features, "CHUNK", 1)
    pools = watch_analysers(monkeypatch)
    forked = proposals.IndexCache().sync(session, workers=2).items
    assert len(pools) == 1 and pools[0] is not None
    assert forked == alone and set(forked) == {world["need"].id, world["lab"].id}


def test_a_first_sync_of_few_listings_forks_nothing(session, world, monkeypatch):
    """Analysers loading their dictionaries beside the process would only slow it down."""
    from exchange.core.matching import features

    monkeypatch.setattr(features, "PARALLEL_FROM", 3)   # two open listings in the world
    pools = watch_analysers(monkeypatch)
    index = proposals.IndexCache().sync(session, workers=2)
    assert pools == [None] and set(index.items) == {world["need"].id, world["lab"].id}


def test_a_need_sees_the_lab_with_reasons(session, world, now):
    index = proposals.IndexCache().sync(session)
    [view] = proposals.proposals_for(session, index, world["library_owner"], world["library"].id,
                                     world["need"].id)
    assert view.listing.id == world["lab"].id and view.decision is None
    assert {"same category: %(category)s", "both in %(place)s"} <= {m.text for m in view.match.reasons}


def test_only_members_see_or_decide(session, world, now):
    index = proposals.IndexCache().sync(session)
    with pytest.raises(NotFound):
        proposals.proposals_for(session, index, world["stranger"], world["library"].id,
                                world["need"].id)
    with pytest.raises(NotFound):
        proposals.decide(session, index, world["stranger"], world["library"].id, world["need"].id,
                         world["lab"].id, accept=True, now=now)


def test_accepting_records_it_and_tells_the_other_organization(session, world, now):
    index = proposals.IndexCache().sync(session)
    proposal = proposals.decide(session, index, world["library_owner"], world["library"].id,
                                world["need"].id, world["lab"].id, accept=True, now=now)
    assert proposal.status is ProposalStatus.ACCEPTED and proposal.reasons
    [note] = session.scalars(select(Notification))
    assert note.user_id == world["school_owner"].id and note.params["organization"] == "Biblioteka"
    [view] = proposals.proposals_for(session, index, world["library_owner"], world["library"].id,
                                     world["need"].id)
    assert view.decision.status is ProposalStatus.ACCEPTED
    with pytest.raises(ValidationError):  # an accepted proposal is not declined behind the other's back
        proposals.decide(session, index, world["library_owner"], world["library"].id,
                         world["need"].id, world["lab"].id, accept=False, now=now)


def test_a_declined_pair_is_not_proposed_again_from_either_side(session, world, now):
    index = proposals.IndexCache().sync(session)
    proposals.decide(session, index, world["school_owner"], world["school"].id, world["lab"].id,
                     world["need"].id, accept=False, reason="Sala zajęta w tym terminie", now=now)
    assert proposals.proposals_for(session, index, world["library_owner"], world["library"].id,
                                   world["need"].id) == []
    assert proposals.proposals_for(session, index, world["school_owner"], world["school"].id,
                                   world["lab"].id) == []


def test_deciding_on_a_pair_that_is_not_a_proposal_is_refused(session, world, now):
    index = proposals.IndexCache().sync(session)
    other_need = listings.create_listing(session, world["school_owner"], world["school"].id, NEED, now)
    with pytest.raises(NotFound):  # two needs are no exchange
        proposals.decide(session, index, world["library_owner"], world["library"].id,
                         world["need"].id, other_need.id, accept=True, now=now)


def test_a_closed_listing_cannot_accept_or_be_accepted(session, world, now):
    index = proposals.IndexCache().sync(session)
    listings.change_status(session, world["library_owner"], world["library"].id, world["need"].id,
                           "close", now)
    with pytest.raises(ValidationError):
        proposals.decide(session, index, world["library_owner"], world["library"].id,
                         world["need"].id, world["lab"].id, accept=True, now=now)
    with pytest.raises(ValidationError):
        proposals.decide(session, index, world["school_owner"], world["school"].id,
                         world["lab"].id, world["need"].id, accept=True, now=now)
