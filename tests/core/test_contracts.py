"""Contracts in the core: drafting, reserving, signing, amending, fulfilling, ending, the
append-only history and the follow-up that runs on a schedule."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DatabaseError

from exchange.core import accounts, contracts, listings, organizations as orgs, proposals
from exchange.core.errors import Conflict, Forbidden, NotFound, ValidationError
from models import (CheckIn, Commitment, CommitmentStatus, Contract,
                    ContractStatus, Listing, Notification, VersionState)
from tests.conftest import TEST_PASSWORD

ROOM = {"kind": "offer", "category": "rooms", "title": "Sala konferencyjna na 80 osób",
        "quantity": 10, "unit": "hours"}
NEED = {"kind": "need", "category": "rooms", "title": "Szukamy sali na warsztaty",
        "description": "Warsztaty dla seniorów.", "quantity": 4, "unit": "hours"}


@pytest.fixture
def world(session, now):
    def person(email):
        return accounts.register_user(session, email=email, name=email.split("@")[0],
                                      password=TEST_PASSWORD, locale="pl", now=now)
    people = {name: person(f"{name}@example.org") for name in (
        "library_owner", "library_member", "library_signer", "school_owner", "club_owner",
        "stranger")}
    library = orgs.create_organization(session, people["library_owner"], {
        "name": "Biblioteka", "sector": "public", "municipality": "Tczew"}, now)
    orgs.add_member(session, people["library_owner"], library.id,
                    email="library_member@example.org", role="member", can_sign=False, now=now)
    orgs.add_member(session, people["library_owner"], library.id,
                    email="library_signer@example.org", role="member", can_sign=True, now=now)
    school = orgs.create_organization(session, people["school_owner"], {
        "name": "Szkoła", "sector": "public", "municipality": "Tczew"}, now)
    club = orgs.create_organization(session, people["club_owner"], {
        "name": "Klub Seniora", "sector": "ngo", "municipality": "Tczew"}, now)
    other = orgs.create_organization(session, people["stranger"], {
        "name": "Inna", "sector": "business", "municipality": "Gniew"}, now)
    room = listings.create_listing(session, people["library_owner"], library.id, ROOM, now)
    need = listings.create_listing(session, people["school_owner"], school.id, NEED, now)
    session.commit()
    return {**people, "library": library, "school": school, "club": club, "other": other,
            "room": room, "need": need}


def row(giver, receiver, what="Sala na warsztaty", quantity=2, unit="hours", due=None, **extra):
    return {"giver_id": giver.id, "receiver_id": receiver.id, "what": what, "quantity": quantity,
            "unit": unit, "due_on": (due or date(2026, 12, 15)).isoformat(), **extra}


def terms(*parties, commitments, note=""):
    return {"parties": [p.id for p in parties], "commitments": commitments, "note": note}


def two_party(world, **extra):
    return terms(world["library"], world["school"], commitments=[
        row(world["library"], world["school"], **extra),
        row(world["school"], world["library"], what="Plakaty o bibliotece w szkole",
            quantity=1, unit="other", due=extra.get("due"))])


def draft(session, world, now, data=None, who="library_owner", org="library"):
    contract = contracts.create_contract(session, world[who], world[org].id,
                                         data or two_party(world), now)
    session.commit()
    return contract


def sign_all(session, world, contract, now):
    contracts.sign(session, world["library_owner"], world["library"].id, contract.id, now,
                   recent_login=True)
    contracts.sign(session, world["school_owner"], world["school"].id, contract.id, now,
                   recent_login=True)
    session.commit()
    return contract


def active(session, world, now, data=None):
    return sign_all(session, world, draft(session, world, now, data), now)


def remaining(session, listing_id):
    session.expire_all()
    return session.scalar(select(Listing.remaining).where(Listing.id == listing_id))


def messages_of(error):
    return " ".join(str(m) for ms in error.errors.values() for m in ms)


def actions(session, contract):
    return [e.action for e in contracts.history(session, contract)]


def notes(session, prefix=""):
    return [n for n in session.scalars(select(Notification).order_by(Notification.id))
            if n.key.startswith(prefix)]


# ---------------------------------------------------------------------------- drafting

def test_a_two_party_draft_is_numbered_logged_and_announced(session, world, now):
    contract = draft(session, world, now)
    assert contract.number == "2026/0001" and contract.status is ContractStatus.DRAFT
    assert contract.organization_ids == [world["library"].id, world["school"].id]
    [version] = contract.versions
    assert version.number == 1 and version.state is VersionState.DRAFT
    assert [c.what for c in version.commitments] == ["Sala na warsztaty",
                                                     "Plakaty o bibliotece w szkole"]
    [event] = contracts.history(session, contract)
    assert event.action == "create" and event.actor_id == world["library_owner"].id
    assert len(event.changes["commitments"]) == 2
    # The other party hears of it; the drafting party does not.
    [note] = notes(session, "contract-drafted")
    assert note.user_id == world["school_owner"].id and note.params["number"] == "2026/0001"


def test_numbers_are_unique_and_follow_each_other(session, world, now):
    first, second = draft(session, world, now), draft(session, world, now)
    assert (first.number, second.number) == ("2026/0001", "2026/0002")
    third = draft(session, world, now.replace(year=2027),
                  two_party(world, due=date(2027, 12, 1)))
    assert third.number == "2027/0001"


def test_a_three_party_draft_where_each_gives_to_the_next(session, world, now):
    library, school, club = world["library"], world["school"], world["club"]
    contract = draft(session, world, now, terms(library, school, club, commitments=[
        row(library, school), row(school, club, what="Wolontariusze", unit="people"),
        row(club, library, what="Warsztaty plastyczne", unit="sessions")]))
    assert sorted(contract.organization_ids) == sorted([library.id, school.id, club.id])
    assert {(c.giver_id, c.receiver_id) for c in contract.current.commitments} == {
        (library.id, school.id), (school.id, club.id), (club.id, library.id)}


def test_every_party_must_give_or_receive(session, world, now):
    library, school, club = world["library"], world["school"], world["club"]
    with pytest.raises(ValidationError) as caught:
        draft(session, world, now, terms(library, school, club,
                                         commitments=[row(library, school)]))
    assert "Klub Seniora neither gives nor receives" in messages_of(caught.value)
    assert session.scalar(select(func.count()).select_from(Contract)) == 0


@pytest.mark.parametrize("change, field, message", [
    ({"what": "Sala za 200 zł"}, "commitments-0-what", "never money"),
    ({"due": date(2026, 11, 20)}, "commitments-0-due_on", "from today to three years"),
    ({"quantity": 0}, "commitments-0-quantity", "from 1"),
])
def test_bad_commitments_are_refused(session, world, now, change, field, message):
    with pytest.raises(ValidationError) as caught:
        draft(session, world, now, terms(world["library"], world["school"], commitments=[
            row(world["library"], world["school"], **change)]))
    assert message in " ".join(str(m) for m in caught.value.errors[field])
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Contract)) == 0


def test_money_in_what_is_refused_with_the_no_money_message(session, world, now):
    with pytest.raises(ValidationError) as caught:
        draft(session, world, now, terms(world["library"], world["school"], commitments=[
            row(world["library"], world["school"], what="Sala za 50 PLN za godzinę")]))
    assert "resources, never money: remove “50 PLN”" in str(
        caught.value.errors["commitments-0-what"][0])


def test_the_giver_and_the_receiver_must_differ(session, world, now):
    with pytest.raises(ValidationError) as caught:
        draft(session, world, now, terms(world["library"], world["school"], commitments=[
            row(world["library"], world["library"]), row(world["school"], world["library"])]))
    assert "must differ" in str(caught.value.errors["commitments-0-receiver_id"][0])


def test_the_linked_offer_must_belong_to_the_giver(session, world, now):
    with pytest.raises(ValidationError) as caught:  # the library's room, given by the school
        draft(session, world, now, terms(world["library"], world["school"], commitments=[
            row(world["school"], world["library"], listing_id=world["room"].id)]))
    assert "Link an offer of the giver" in str(caught.value.errors["commitments-0-listing_id"][0])
    with pytest.raises(ValidationError) as caught:  # a need is not an offer
        draft(session, world, now, terms(world["library"], world["school"], commitments=[
            row(world["library"], world["school"], listing_id=world["need"].id)]))
    assert "commitments-0-listing_id" in caught.value.errors


def test_only_a_member_drafts_and_only_for_a_party(session, world, now):
    with pytest.raises(NotFound):
        draft(session, world, now, who="stranger", org="library")
    with pytest.raises(ValidationError) as caught:
        draft(session, world, now, who="stranger", org="other")
    assert "must be one of the parties" in messages_of(caught.value)


def test_a_contract_is_visible_only_to_members_of_its_parties(session, world, now):
    contract = draft(session, world, now)
    assert contracts.get_contract(session, world["library_member"], contract.id) is contract
    with pytest.raises(NotFound):
        contracts.get_contract(session, world["stranger"], contract.id)


# ---------------------------------------------------------------------------- proposals

def test_accepting_a_proposal_drafts_the_contract(session, world, now):
    index = proposals.IndexCache().sync(session)
    proposal = proposals.decide(session, index, world["school_owner"], world["school"].id,
                                world["need"].id, world["room"].id, accept=True, now=now)
    session.commit()
    [contract] = session.scalars(select(Contract))
    assert contract.proposal_id == proposal.id and contract.status is ContractStatus.DRAFT
    assert contract.organization_ids == [world["library"].id, world["school"].id]
    [commitment] = contract.current.commitments
    assert (commitment.giver_id, commitment.receiver_id) == (world["library"].id,
                                                             world["school"].id)
    assert (commitment.listing_id, commitment.need_id) == (world["room"].id, world["need"].id)
    assert commitment.quantity == 4 and commitment.what == ROOM["title"]
    # The school drafted it: the library's room is reserved only when the library signs.
    assert remaining(session, world["room"].id) == 10 and commitment.awaits_reservation
    # The library (the other party) is told a draft waits for it.
    assert {n.user_id for n in notes(session, "contract-drafted")} == {world["library_owner"].id,
                                                                       world["library_signer"].id}
    # Drafting again from the same proposal gives the same open contract.
    again = contracts.draft_from_proposal(session, world["school_owner"], world["school"].id,
                                          proposal, now)
    assert again.id == contract.id


def test_a_need_in_another_unit_keeps_its_quantity_and_unit_in_the_draft(session, world, now):
    """"8 sessions" asked of an offer counted in hours once became "1 day": nothing converts
    one unit into another, so the draft says what the need asks for."""
    sessions = listings.create_listing(session, world["school_owner"], world["school"].id,
                                       {**NEED, "title": "Zajęcia w pracowni",
                                        "quantity": 8, "unit": "sessions"}, now)
    session.commit()
    index = proposals.IndexCache().sync(session)
    proposals.decide(session, index, world["school_owner"], world["school"].id, sessions.id,
                     world["room"].id, accept=True, now=now)
    session.commit()
    [contract] = session.scalars(select(Contract))
    [commitment] = contract.current.commitments
    assert (commitment.quantity, commitment.unit.value) == (8, "sessions")
    assert (commitment.listing_id, commitment.need_id) == (None, sessions.id)
    assert commitment.what == ROOM["title"]
    assert remaining(session, world["room"].id) == 10  # hours are not sessions


# ---------------------------------------------------------------------------- reservations

def test_a_linked_offer_reserves_capacity_and_withdrawing_gives_it_back(session, world, now):
    data = two_party(world, listing_id=world["room"].id, quantity=7)
    contract = draft(session, world, now, data)
    assert remaining(session, world["room"].id) == 3
    with pytest.raises(ValidationError) as caught:
        draft(session, world, now, two_party(world, listing_id=world["room"].id, quantity=4))
    assert "no longer available in that quantity (3 left)" in messages_of(caught.value)
    session.rollback()
    assert remaining(session, world["room"].id) == 3
    contracts.withdraw(session, world["school_owner"], world["school"].id, contract.id, now)
    session.commit()
    assert remaining(session, world["room"].id) == 10
    assert draft(session, world, now, two_party(world, listing_id=world["room"].id, quantity=4))


def test_editing_a_draft_moves_its_reservation(session, world, now):
    contract = draft(session, world, now, two_party(world, listing_id=world["room"].id,
                                                    quantity=7))
    contracts.update_draft(session, world["library_owner"], world["library"].id, contract.id,
                           two_party(world, listing_id=world["room"].id, quantity=2),
                           now + timedelta(minutes=1), revision=contract.revision)
    session.commit()
    assert remaining(session, world["room"].id) == 8


def test_an_edit_from_a_stale_revision_is_a_conflict(session, world, now):
    contract = draft(session, world, now)
    seen = contract.revision
    contracts.update_draft(session, world["school_owner"], world["school"].id, contract.id,
                           two_party(world, quantity=3), now + timedelta(minutes=1),
                           revision=seen)
    session.commit()
    assert contract.revision != seen
    with pytest.raises(Conflict):
        contracts.update_draft(session, world["library_owner"], world["library"].id,
                               contract.id, two_party(world, quantity=5),
                               now + timedelta(minutes=2), revision=seen)
    session.rollback()
    assert contract.current.commitments[0].quantity == 3
    assert actions(session, contract) == ["create", "edit"]


# ---------------------------------------------------------------------------- signing

def test_only_a_signatory_of_a_party_signs(session, world, now):
    contract = draft(session, world, now)
    with pytest.raises(Forbidden):
        contracts.sign(session, world["library_member"], world["library"].id, contract.id, now,
                       recent_login=True)
    with pytest.raises(NotFound):
        contracts.sign(session, world["stranger"], world["library"].id, contract.id, now,
                       recent_login=True)
    with pytest.raises(NotFound):  # the stranger's own organization is no party
        contracts.sign(session, world["stranger"], world["other"].id, contract.id, now,
                       recent_login=True)
    contracts.sign(session, world["library_signer"], world["library"].id, contract.id, now,
                   recent_login=True)
    assert contract.current.signature_of(world["library"].id).user_id == world["library_signer"].id


def test_signing_after_an_old_login_needs_the_right_password(session, world, now):
    contract = draft(session, world, now)
    owner, org_id = world["library_owner"], world["library"].id
    with pytest.raises(ValidationError) as caught:
        contracts.sign(session, owner, org_id, contract.id, now)
    assert "Enter your password to sign" in messages_of(caught.value)
    with pytest.raises(ValidationError) as caught:
        contracts.sign(session, owner, org_id, contract.id, now, password="wrong password")
    assert "password is not correct" in messages_of(caught.value)
    assert contract.current.signatures == []
    contracts.sign(session, owner, org_id, contract.id, now, password=TEST_PASSWORD)
    assert contract.current.signature_of(org_id) is not None


def test_the_login_is_recent_for_fifteen_minutes(now):
    assert contracts.login_is_recent(now - timedelta(minutes=15), now)
    assert not contracts.login_is_recent(now - timedelta(minutes=16), now)
    assert not contracts.login_is_recent(None, now)


def test_the_first_signature_freezes_the_terms_and_the_last_makes_it_binding(session, world, now):
    contract = draft(session, world, now)
    contracts.sign(session, world["library_owner"], world["library"].id, contract.id, now,
                   recent_login=True)
    session.commit()
    assert contract.status is ContractStatus.SIGNING
    assert contract.current.state is VersionState.SIGNING
    with pytest.raises(ValidationError) as caught:
        contracts.update_draft(session, world["school_owner"], world["school"].id, contract.id,
                               two_party(world, quantity=9), now, revision=None)
    assert "terms are frozen" in messages_of(caught.value)
    session.rollback()
    with pytest.raises(ValidationError):  # a party signs a version once
        contracts.sign(session, world["library_signer"], world["library"].id, contract.id, now,
                       recent_login=True)
    session.rollback()
    assert {n.user_id for n in notes(session, "contract-signed")} == {world["school_owner"].id}
    contracts.sign(session, world["school_owner"], world["school"].id, contract.id, now,
                   recent_login=True)
    session.commit()
    assert contract.status is ContractStatus.ACTIVE and contract.activated_at == now
    assert contract.in_force is contract.current and contract.current.state is VersionState.SIGNED
    assert actions(session, contract) == ["create", "sign", "sign", "activate"]
    assert len(notes(session, "contract-active")) == 3  # both owners and the library's signer


# ---------------------------------------------------------------------------- amending

def test_an_amendment_keeps_version_one_in_force_until_everyone_signs(session, world, now):
    contract = active(session, world, now)
    posters = next(c for c in contract.in_force.commitments if c.what.startswith("Plakaty"))
    later = now + timedelta(days=2)
    contracts.change_commitment(session, world["school_owner"], world["school"].id, contract.id,
                                posters.id, "deliver", later)
    contracts.change_commitment(session, world["library_owner"], world["library"].id,
                                contract.id, posters.id, "confirm", later)
    session.commit()
    assert contract.status is ContractStatus.ACTIVE  # the room is still to come

    contracts.propose_amendment(session, world["school_owner"], world["school"].id, contract.id,
                                later)
    session.commit()
    first, second = contract.versions
    assert second.number == 2 and second.state is VersionState.DRAFT
    assert contract.current is second and contract.in_force is first
    assert contract.status is ContractStatus.ACTIVE
    changed = two_party(world, quantity=5)
    contracts.update_draft(session, world["school_owner"], world["school"].id, contract.id,
                           changed, later + timedelta(minutes=1), revision=contract.revision)
    session.commit()
    # Version 1 is untouched and still readable.
    assert [c.quantity for c in first.commitments] == [2, 1]
    assert first.state is VersionState.SIGNED
    with pytest.raises(NotFound):  # deliveries are still recorded on version 1 only
        contracts.change_commitment(session, world["school_owner"], world["school"].id,
                                    contract.id, second.commitments[0].id, "deliver", later)
    session.rollback()

    sign_all(session, world, contract, later + timedelta(days=1))
    assert (first.state, second.state) == (VersionState.SUPERSEDED, VersionState.SIGNED)
    assert contract.in_force is second and contract.status is ContractStatus.ACTIVE
    assert [c.quantity for c in second.commitments] == [5, 1]
    carried = next(c for c in second.commitments if c.what.startswith("Plakaty"))
    assert carried.status is CommitmentStatus.CONFIRMED and carried.origin_id == posters.id
    assert contract.activated_at == now  # follow-up still counts from the first signing
    assert actions(session, contract)[-4:] == ["edit", "sign", "sign", "activate"]


def test_an_amendment_of_an_amendment_still_carries_deliveries_over(session, world, now):
    contract = active(session, world, now)
    posters = next(c for c in contract.in_force.commitments if c.what.startswith("Plakaty"))
    contracts.change_commitment(session, world["school_owner"], world["school"].id, contract.id,
                                posters.id, "deliver", now)
    contracts.change_commitment(session, world["library_owner"], world["library"].id,
                                contract.id, posters.id, "confirm", now)
    contracts.propose_amendment(session, world["school_owner"], world["school"].id, contract.id,
                                now)
    contracts.sign(session, world["school_owner"], world["school"].id, contract.id, now,
                   recent_login=True)
    # Version 2 is being signed; the library proposes version 3 instead.
    contracts.propose_amendment(session, world["library_owner"], world["library"].id,
                                contract.id, now)
    session.commit()
    assert [v.state for v in contract.versions] == [VersionState.SIGNED, VersionState.DISCARDED,
                                                    VersionState.DRAFT]
    sign_all(session, world, contract, now)
    third = contract.in_force
    assert third.number == 3
    carried = next(c for c in third.commitments if c.what.startswith("Plakaty"))
    assert carried.status is CommitmentStatus.CONFIRMED


def test_the_amended_quantity_of_a_linked_offer_is_reserved_when_it_comes_into_force(
        session, world, now):
    contract = active(session, world, now, two_party(world, listing_id=world["room"].id,
                                                     quantity=4))
    assert remaining(session, world["room"].id) == 6
    contracts.propose_amendment(session, world["library_owner"], world["library"].id,
                                contract.id, now)
    contracts.update_draft(session, world["library_owner"], world["library"].id, contract.id,
                           two_party(world, listing_id=world["room"].id, quantity=6),
                           now + timedelta(minutes=1), revision=None)
    session.commit()
    assert remaining(session, world["room"].id) == 6  # not before every party signs
    sign_all(session, world, contract, now + timedelta(minutes=2))
    assert remaining(session, world["room"].id) == 4


# ---------------------------------------------------------------------------- the dashboard

GROUPS = ("awaiting_signature", "waiting_for_others", "drafts", "overdue", "due_soon", "active",
          "ended")


def groups_of(session, world, org, contract, today):
    """The dashboard groups of ORG that hold CONTRACT (exactly one is right)."""
    board = contracts.dashboard(session, world[org].id, today)
    return [name for name in GROUPS if contract in getattr(board, name)]


def sign_as(session, world, contract, org, now):
    contracts.sign(session, world[f"{org}_owner"], world[org].id, contract.id, now,
                   recent_login=True)
    session.commit()


def test_every_open_contract_is_in_exactly_one_group_for_each_party(session, world, now):
    today = now.date()
    cases = []  # (contract, group for the library, group for the school)

    cases.append((draft(session, world, now), "drafts", "drafts"))
    signed_by_us = draft(session, world, now)
    sign_as(session, world, signed_by_us, "library", now)
    cases.append((signed_by_us, "waiting_for_others", "awaiting_signature"))
    signed_by_them = draft(session, world, now)
    sign_as(session, world, signed_by_them, "school", now)
    cases.append((signed_by_them, "awaiting_signature", "waiting_for_others"))

    cases.append((active(session, world, now, two_party(world, due=today + timedelta(days=30))),
                  "active", "active"))
    cases.append((active(session, world, now, two_party(world, due=today + timedelta(days=14))),
                  "due_soon", "due_soon"))
    overdue = active(session, world, now, two_party(world, due=today + timedelta(days=1)))
    cases.append((overdue, "overdue", "overdue"))

    # An amendment: being drafted, the contract stays where its version in force puts it;
    # once signed by one party, the other has to sign it first.
    amended = active(session, world, now, two_party(world, due=today + timedelta(days=30)))
    contracts.propose_amendment(session, world["library_owner"], world["library"].id,
                                amended.id, now)
    session.commit()
    cases.append((amended, "active", "active"))
    amending = active(session, world, now, two_party(world, due=today + timedelta(days=30)))
    contracts.propose_amendment(session, world["library_owner"], world["library"].id,
                                amending.id, now)
    session.commit()
    sign_as(session, world, amending, "library", now)
    cases.append((amending, "active", "awaiting_signature"))

    withdrawn = draft(session, world, now)
    contracts.withdraw(session, world["school_owner"], world["school"].id, withdrawn.id, now)
    session.commit()
    cases.append((withdrawn, "ended", "ended"))

    later = today + timedelta(days=3)  # the overdue one's due date has passed
    for contract, ours, theirs in cases:
        assert groups_of(session, world, "library", contract, later) == [ours], contract.number
        assert groups_of(session, world, "school", contract, later) == [theirs], contract.number
    board = contracts.dashboard(session, world["library"].id, later)
    assert sum(len(getattr(board, name)) for name in GROUPS) == len(cases)


# ---------------------------------------------------------------------------- ending early

def test_withdrawing_before_everyone_signed_ends_the_contract(session, world, now):
    contract = draft(session, world, now)
    contracts.sign(session, world["library_owner"], world["library"].id, contract.id, now,
                   recent_login=True)
    contracts.withdraw(session, world["school_owner"], world["school"].id, contract.id, now,
                       reason="Zmiana planów")
    session.commit()
    assert contract.status is ContractStatus.WITHDRAWN and contract.ended_at == now
    event = contracts.history(session, contract)[-1]
    assert event.action == "withdraw" and event.changes["reason"] == "Zmiana planów"
    assert {n.user_id for n in notes(session, "contract-withdrawn")} == {
        world["library_owner"].id, world["library_signer"].id}
    board = contracts.dashboard(session, world["library"].id, now.date())
    assert board.ended == [contract]


def test_a_fully_signed_contract_cannot_be_withdrawn(session, world, now):
    contract = active(session, world, now)
    with pytest.raises(ValidationError) as caught:
        contracts.withdraw(session, world["school_owner"], world["school"].id, contract.id, now)
    assert "ends only by the parties' agreement" in messages_of(caught.value)
    session.rollback()
    assert contract.status is ContractStatus.ACTIVE


def test_withdrawing_an_amendment_keeps_the_version_in_force(session, world, now):
    contract = active(session, world, now)
    contracts.propose_amendment(session, world["library_owner"], world["library"].id,
                                contract.id, now)
    contracts.withdraw(session, world["school_owner"], world["school"].id, contract.id, now)
    session.commit()
    assert contract.status is ContractStatus.ACTIVE
    assert contract.current is contract.in_force and contract.in_force.number == 1


def test_cancelling_needs_every_party(session, world, now):
    contract = active(session, world, now, two_party(world, listing_id=world["room"].id,
                                                     quantity=4))
    with pytest.raises(Forbidden):
        contracts.request_cancel(session, world["library_member"], world["library"].id,
                                 contract.id, now)
    contracts.request_cancel(session, world["library_owner"], world["library"].id, contract.id,
                             now, reason="Remont sali")
    session.commit()
    assert contract.status is ContractStatus.ACTIVE
    with pytest.raises(ValidationError):
        contracts.request_cancel(session, world["library_signer"], world["library"].id,
                                 contract.id, now)
    session.rollback()
    contracts.request_cancel(session, world["school_owner"], world["school"].id, contract.id, now)
    session.commit()
    assert contract.status is ContractStatus.CANCELLED
    assert remaining(session, world["room"].id) == 10
    assert actions(session, contract)[-3:] == ["cancel-request", "cancel-request", "cancel"]


# ---------------------------------------------------------------------------- fulfilment

def test_deliver_confirm_until_fulfilled(session, world, now):
    contract = active(session, world, now)
    room, posters = contract.in_force.commitments
    library, school = world["library"].id, world["school"].id

    def act(who, org_id, commitment, action, **kw):
        return contracts.change_commitment(session, world[who], org_id, contract.id,
                                           commitment.id, action, now, **kw)

    with pytest.raises(Forbidden):  # only the giver marks delivery
        act("school_owner", school, room, "deliver")
    assert act("library_owner", library, room, "deliver").status is CommitmentStatus.DELIVERED
    with pytest.raises(Forbidden):  # only the receiver confirms
        act("library_owner", library, room, "confirm")
    assert act("school_owner", school, room, "confirm").status is CommitmentStatus.CONFIRMED
    assert contract.status is ContractStatus.ACTIVE
    act("school_owner", school, posters, "deliver")
    act("library_signer", library, posters, "confirm")
    session.commit()
    assert contract.status is ContractStatus.FULFILLED and contract.ended_at == now
    assert actions(session, contract)[-5:] == ["deliver", "confirm", "deliver", "confirm",
                                               "outcome"]
    assert contracts.history(session, contract)[-1].changes == {"outcome": "fulfilled"}
    assert len(notes(session, "contract-outcome")) == 3


def test_dispute_and_not_feasible_need_a_note(session, world, now):
    contract = active(session, world, now, two_party(world, listing_id=world["room"].id,
                                                     quantity=4))
    room, posters = contract.in_force.commitments
    contracts.change_commitment(session, world["library_owner"], world["library"].id,
                                contract.id, room.id, "deliver", now)
    for action, who, org in (("dispute", "school_owner", "school"),
                             ("not_feasible", "library_owner", "library")):
        with pytest.raises(ValidationError) as caught:
            contracts.change_commitment(session, world[who], world[org].id, contract.id,
                                        room.id, action, now)
        assert "note" in caught.value.errors
    contracts.change_commitment(session, world["school_owner"], world["school"].id, contract.id,
                                room.id, "dispute", now, note="Sala była zajęta")
    assert room.status is CommitmentStatus.DISPUTED and room.status_note == "Sala była zajęta"
    contracts.change_commitment(session, world["library_owner"], world["library"].id,
                                contract.id, room.id, "not_feasible", now, note="Remont")
    session.commit()
    assert room.status is CommitmentStatus.NOT_FEASIBLE
    assert remaining(session, world["room"].id) == 10  # the reservation is given back


# ---------------------------------------------------------------------------- history

def test_every_action_writes_history(session, world, now):
    contract = draft(session, world, now)
    contracts.update_draft(session, world["library_owner"], world["library"].id, contract.id,
                           two_party(world, quantity=3), now + timedelta(minutes=1),
                           revision=None)
    sign_all(session, world, contract, now)
    contracts.propose_amendment(session, world["school_owner"], world["school"].id, contract.id,
                                now)
    contracts.withdraw(session, world["library_owner"], world["library"].id, contract.id, now)
    room = contract.in_force.commitments[0]
    contracts.change_commitment(session, world["library_owner"], world["library"].id,
                                contract.id, room.id, "deliver", now)
    contracts.request_cancel(session, world["library_owner"], world["library"].id, contract.id,
                             now)
    session.commit()
    assert actions(session, contract) == ["create", "edit", "sign", "sign", "activate", "amend",
                                          "withdraw", "deliver", "cancel-request"]
    edit = contracts.history(session, contract)[1]
    assert edit.changes["before"]["commitments"][0]["quantity"] == 2
    assert edit.changes["after"]["commitments"][0]["quantity"] == 3


@pytest.mark.parametrize("statement", [
    "UPDATE contract_event SET action = 'forged'",
    "DELETE FROM contract_event",
])
def test_the_database_refuses_to_change_or_delete_history(session, world, now, statement):
    contract = draft(session, world, now)
    with pytest.raises(DatabaseError) as caught:
        session.execute(text(statement))
        session.flush()
    assert "append-only" in str(caught.value)
    session.rollback()
    assert actions(session, contract) == ["create"]


# ---------------------------------------------------------------------------- follow-up

def follow_up(session, when):
    sent = contracts.follow_up(session, when)
    session.commit()
    return sent


def keys(session, prefix):
    return sorted(n.key for n in notes(session, prefix))


def test_first_contact_reminder_after_two_weeks_of_silence_once(session, world, now):
    contract = active(session, world, now)
    assert follow_up(session, now + timedelta(days=13)) == 0
    assert follow_up(session, now + timedelta(days=14)) == 3  # everyone who hears of it
    assert follow_up(session, now + timedelta(days=15)) == 0
    assert len(keys(session, f"first-contact:{contract.id}")) == 3


def test_no_first_contact_reminder_when_something_happened(session, world, now):
    contract = active(session, world, now)
    room = contract.in_force.commitments[0]
    contracts.change_commitment(session, world["library_owner"], world["library"].id,
                                contract.id, room.id, "deliver", now + timedelta(days=3))
    session.commit()
    follow_up(session, now + timedelta(days=20))
    assert keys(session, "first-contact") == []


def test_due_reminders_seven_days_and_one_day_before_each_once(session, world, now):
    due = date(2026, 12, 15)
    contract = active(session, world, now, two_party(world, due=due))
    room = contract.in_force.commitments[0]
    at = lambda day: now.replace(year=day.year, month=day.month, day=day.day)  # noqa: E731
    follow_up(session, at(due - timedelta(days=8)))
    assert keys(session, f"due:{room.id}:") == []
    follow_up(session, at(due - timedelta(days=7)))
    follow_up(session, at(due - timedelta(days=6)))
    everyone = {world["library_owner"].id, world["library_signer"].id, world["school_owner"].id}
    seven = notes(session, f"due:{room.id}:{due}:7:")
    assert len(seven) == 3 and {n.user_id for n in seven} == everyone
    follow_up(session, at(due - timedelta(days=1)))
    follow_up(session, at(due))
    one = notes(session, f"due:{room.id}:{due}:1:")
    assert len(one) == 3 and {n.user_id for n in one} == everyone
    assert len(notes(session, f"due:{room.id}:")) == 6


def test_a_due_reminder_missed_during_downtime_is_sent_once_at_the_nearest_stage(
        session, world, now):
    due = date(2026, 12, 15)
    contract = active(session, world, now, two_party(world, due=due))
    room = contract.in_force.commitments[0]
    follow_up(session, now.replace(month=12, day=14))
    follow_up(session, now.replace(month=12, day=14, hour=13))
    assert {n.key.split(":")[3] for n in notes(session, f"due:{room.id}:")} == {"1"}
    assert len(notes(session, f"due:{room.id}:")) == 3


def test_an_overdue_notice_goes_once_to_whoever_must_act(session, world, now):
    due = date(2026, 12, 15)
    contract = active(session, world, now, two_party(world, due=due))
    room = contract.in_force.commitments[0]
    after = now.replace(month=12, day=16)
    follow_up(session, after)
    follow_up(session, after + timedelta(days=1))
    overdue = notes(session, f"overdue:{room.id}:")
    assert {n.user_id for n in overdue} == {world["library_owner"].id,
                                            world["library_signer"].id}  # the giver
    assert len(overdue) == 2


def test_check_ins_at_three_six_and_twelve_months_once_each(session, world, now):
    contract = active(session, world, now)
    follow_up(session, now + timedelta(days=80))
    assert session.scalars(select(CheckIn)).all() == []
    follow_up(session, now.replace(year=2027, month=2, day=21))
    follow_up(session, now.replace(year=2027, month=2, day=22))
    asked = session.scalars(select(CheckIn).order_by(CheckIn.id)).all()
    assert [(c.organization_id, c.months) for c in asked] == [
        (world["library"].id, 3), (world["school"].id, 3)]
    assert len(keys(session, f"check-in:{contract.id}:")) == 3
    follow_up(session, now.replace(year=2027, month=5, day=21))
    assert sorted({c.months for c in session.scalars(select(CheckIn))}) == [3, 6]


def test_after_downtime_only_the_newest_check_in_is_asked(session, world, now):
    active(session, world, now, two_party(world, due=date(2027, 11, 1)))
    follow_up(session, now.replace(year=2027, month=12, day=1))
    follow_up(session, now.replace(year=2027, month=12, day=2))
    assert {c.months for c in session.scalars(select(CheckIn))} == {12}
    assert len(keys(session, "check-in:")) == 3


def answer_all(session, world, contract, answer, when):
    for who, org in (("library_owner", "library"), ("school_owner", "school")):
        for check_in in contracts.open_check_ins(session, contract, [world[org].id]):
            contracts.answer_check_in(session, world[who], world[org].id, check_in.id, answer,
                                      when)
    session.commit()


def test_the_outcome_is_partial_once_due_dates_passed_and_every_party_answered(
        session, world, now):
    contract = active(session, world, now, two_party(world, due=date(2026, 12, 15)))
    room, posters = contract.in_force.commitments
    contracts.change_commitment(session, world["library_owner"], world["library"].id,
                                contract.id, room.id, "deliver", now)
    contracts.change_commitment(session, world["school_owner"], world["school"].id,
                                contract.id, room.id, "confirm", now)
    session.commit()
    three_months = now.replace(year=2027, month=2, day=21)
    follow_up(session, three_months)
    assert contract.status is ContractStatus.ACTIVE  # nobody answered yet
    contracts.answer_check_in(session, world["library_owner"], world["library"].id,
                              contracts.open_check_ins(session, contract,
                                                       [world["library"].id])[0].id,
                              "done", three_months)
    session.commit()
    follow_up(session, three_months + timedelta(hours=1))
    assert contract.status is ContractStatus.ACTIVE  # the school has not answered
    answer_all(session, world, contract, "ongoing", three_months)
    follow_up(session, three_months + timedelta(hours=2))
    assert contract.status is ContractStatus.PARTIAL
    assert contracts.history(session, contract)[-1].changes == {"outcome": "partial"}


def test_the_outcome_is_failed_when_nothing_was_confirmed(session, world, now):
    contract = active(session, world, now, two_party(world, due=date(2026, 12, 15)))
    three_months = now.replace(year=2027, month=2, day=21)
    follow_up(session, three_months)
    answer_all(session, world, contract, "no_contact", three_months)
    follow_up(session, three_months + timedelta(hours=1))
    assert contract.status is ContractStatus.FAILED


def test_a_check_in_answered_before_the_last_due_date_does_not_close_it(session, world, now):
    contract = active(session, world, now, two_party(world, due=date(2027, 3, 15)))
    three_months = now.replace(year=2027, month=2, day=21)
    follow_up(session, three_months)
    answer_all(session, world, contract, "ongoing", three_months)
    follow_up(session, now.replace(year=2027, month=3, day=20))
    assert contract.status is ContractStatus.ACTIVE


def test_a_contract_due_after_a_year_gets_a_last_check_in_and_its_outcome(session, world, now):
    contract = active(session, world, now, two_party(world, due=date(2028, 3, 1)))
    year = now.replace(year=2027)
    follow_up(session, year)
    answer_all(session, world, contract, "ongoing", year)
    follow_up(session, now.replace(year=2028, month=2, day=1))
    assert {c.months for c in session.scalars(select(CheckIn))} == {12}  # not due yet
    after_due = now.replace(year=2028, month=3, day=2)
    follow_up(session, after_due)
    follow_up(session, after_due + timedelta(days=40))  # asked once, not every month
    assert sorted({c.months for c in session.scalars(select(CheckIn))}) == [12, 15]
    assert len(contracts.open_check_ins(session, contract, contract.organization_ids)) == 2
    answer_all(session, world, contract, "no_contact", after_due + timedelta(days=41))
    follow_up(session, after_due + timedelta(days=41, hours=1))
    assert contract.status is ContractStatus.FAILED


def test_answering_a_check_in(session, world, now):
    contract = active(session, world, now)
    follow_up(session, now.replace(year=2027, month=2, day=21))
    [mine] = contracts.open_check_ins(session, contract, [world["school"].id])
    with pytest.raises(NotFound):  # another party's question
        contracts.answer_check_in(session, world["library_owner"], world["library"].id, mine.id,
                                  "done", now)
    with pytest.raises(ValidationError):
        contracts.answer_check_in(session, world["school_owner"], world["school"].id, mine.id,
                                  "maybe", now)
    answered = contracts.answer_check_in(session, world["school_owner"], world["school"].id,
                                         mine.id, "done", now)
    session.commit()
    assert answered.answer.value == "done" and answered.answered_by_id == world["school_owner"].id
    assert contracts.open_check_ins(session, contract, [world["school"].id]) == []
    event = contracts.history(session, contract)[-1]
    assert (event.action, event.changes) == ("check-in", {"months": 3, "answer": "done"})


def test_follow_up_ignores_contracts_not_in_force(session, world, now):
    draft(session, world, now)
    assert follow_up(session, now + timedelta(days=400)) == 0
    assert session.scalar(select(func.count()).select_from(Notification).where(
        Notification.key.like("check-in%"))) == 0
    assert session.scalar(select(func.count()).select_from(Commitment)) == 2
