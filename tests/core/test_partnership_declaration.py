"""The partnership's declaration (issue 18, formalisation): a multi-party contract whose parties
are the member organizations and whose commitments are the partners' declared contributions,
signed by each partner on the contract's pages and amended the same way."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from exchange.core import accounts, contracts, partnerships as core
from exchange.core import organizations as orgs
from exchange.core.errors import Conflict, Forbidden, NotFound, ValidationError
from exchange.core.partnerships import contributions
from models import (ContractStatus, Formalisation, Notification, PartnershipChange,
                    PartnershipChangeKind, VersionState)
from tests.conftest import TEST_PASSWORD

LAB = {"kind": "offer", "category": "computer_labs", "title": "Pracownia komputerowa",
       "description": "Szkolna pracownia.", "quantity": 10, "unit": "hours"}
HALL = {"kind": "offer", "category": "rooms", "title": "Sala konferencyjna",
        "description": "Sala w banku.", "quantity": 4, "unit": "hours"}
BOOKS = {"kind": "offer", "category": "other", "title": "Księgozbiór dla seniorów",
         "description": "Książki z dużą czcionką.", "quantity": 50, "unit": "pieces"}
LATER = timedelta(hours=1)


@pytest.fixture
def town(session, now):
    def person(email):
        return accounts.register_user(session, email=email, name=email.split("@")[0],
                                      password=TEST_PASSWORD, locale="pl", now=now)
    people = {name: person(f"{name}@example.org")
              for name in ("director", "headmaster", "banker", "stranger")}
    library = orgs.create_organization(session, people["director"], {
        "name": "Biblioteka", "sector": "public", "municipality": "Tczew"}, now)
    school = orgs.create_organization(session, people["headmaster"], {
        "name": "Szkoła Podstawowa", "sector": "public", "municipality": "Tczew"}, now)
    bank = orgs.create_organization(session, people["banker"], {
        "name": "Bank Spółdzielczy", "sector": "business", "municipality": "Tczew"}, now)
    ngo = orgs.create_organization(session, people["stranger"], {
        "name": "Fundacja", "sector": "ngo", "municipality": "Tczew"}, now)
    partnership = core.create_partnership(session, people["director"], {
        "name": "Koalicja dla Tczewa", "municipalities": "Tczew", "goal": "Seniorzy w sieci",
        "kind": "needs"}, now)
    town = type("Town", (), {**people, "library": library, "school": school, "bank": bank,
                             "ngo": ngo, "partnership": partnership})
    join(session, town, people["headmaster"], school, now)
    join(session, town, people["banker"], bank, now)
    contributions.declare(session, people["headmaster"], partnership.id, school.id, LAB, now)
    contributions.declare(session, people["director"], partnership.id, library.id, BOOKS, now)
    session.commit()
    return town


def join(session, town, owner, org, now):
    _invitation, secret = core.invite(session, town.director, town.partnership.id,
                                      email=owner.email, now=now)
    core.accept_invitation(session, secret, owner, now, org_id=org.id)
    session.commit()


def sign(session, town, who, org, at):
    contracts.sign(session, who, org.id, town.partnership.declaration_contract_id, at,
                   recent_login=True)
    session.commit()


def sign_all(session, town, at):
    for who, org in ((town.director, town.library), (town.headmaster, town.school),
                     (town.banker, town.bank)):
        sign(session, town, who, org, at)


def test_a_manager_prepares_the_declaration_of_the_members_and_their_contributions(
        session, town, now):
    contract = core.prepare_declaration(session, town.director, town.partnership.id, now)
    session.commit()
    assert town.partnership.declaration_contract_id == contract.id
    assert contract.organization_ids == [town.library.id, town.school.id, town.bank.id]
    version = contract.current
    assert version.state is VersionState.DRAFT and contract.status is ContractStatus.DRAFT
    # The school gives its lab to the partnership, received by the leading library; the
    # library's own contribution is named in the note (it cannot give to itself).
    assert [(c.giver_id, c.receiver_id, c.what, c.quantity, c.listing_id)
            for c in version.commitments] == [
        (town.school.id, town.library.id, "Pracownia komputerowa", 10, None)]
    assert "Księgozbiór dla seniorów" in version.note and "Biblioteka" in version.note
    # Nothing is reserved: the lab is still there for the partners.
    lab = contributions.contributions_of(session, town.partnership)[0]
    assert lab.remaining == 10
    assert session.scalar(select(PartnershipChange.kind).where(
        PartnershipChange.kind == PartnershipChangeKind.DECLARATION_PREPARED)) is not None
    told = set(session.scalars(select(Notification.user_id).where(
        Notification.key.like("partnership-declaration:%"))))
    assert told == {town.director.id, town.headmaster.id, town.banker.id}
    state = core.declaration_state(session, town.partnership, now.date())
    assert (state.in_force, state.outdated, state.signed) == (False, False, [])
    assert town.partnership.formalisation is Formalisation.NONE


def test_only_managers_prepare_it_once_and_only_with_something_to_sign(session, town, now):
    with pytest.raises(Forbidden):
        core.prepare_declaration(session, town.headmaster, town.partnership.id, now)
    with pytest.raises(NotFound):
        core.prepare_declaration(session, town.stranger, town.partnership.id, now)
    session.rollback()
    assert town.partnership.declaration_contract_id is None
    core.prepare_declaration(session, town.director, town.partnership.id, now)
    session.commit()
    with pytest.raises(Conflict):
        core.prepare_declaration(session, town.director, town.partnership.id, now)


def test_nothing_to_sign_while_only_the_lead_contributes(session, town, now):
    lab = contributions.contributions_of(session, town.partnership)
    for listing in lab:
        if listing.organization_id == town.school.id:
            listing.partnership_id = None
    session.commit()
    with pytest.raises(ValidationError):
        core.prepare_declaration(session, town.director, town.partnership.id, now)
    session.rollback()
    assert town.partnership.declaration_contract_id is None


def test_signed_by_every_member_it_formalises_the_partnership(session, town, now):
    core.prepare_declaration(session, town.director, town.partnership.id, now)
    session.commit()
    sign(session, town, town.headmaster, town.school, now + LATER)
    state = core.declaration_state(session, town.partnership, now.date())
    assert state.signed == [town.school] and state.unsigned == [town.library, town.bank]
    assert town.partnership.formalisation is Formalisation.NONE
    sign(session, town, town.director, town.library, now + LATER)
    sign(session, town, town.banker, town.bank, now + LATER)
    session.refresh(town.partnership)
    assert town.partnership.formalisation is Formalisation.DECLARATION
    state = core.declaration_state(session, town.partnership, now.date())
    assert state.in_force and state.unsigned == [] and not state.outdated
    assert state.contract.status is ContractStatus.ACTIVE


def test_a_new_contribution_is_an_amendment_the_signed_version_stays(session, town, now):
    core.prepare_declaration(session, town.director, town.partnership.id, now)
    session.commit()
    sign_all(session, town, now + LATER)
    contributions.declare(session, town.banker, town.partnership.id, town.bank.id, HALL,
                          now + 2 * LATER)
    session.commit()
    state = core.declaration_state(session, town.partnership, now.date())
    assert state.outdated
    with pytest.raises(Forbidden):
        core.amend_declaration(session, town.banker, town.partnership.id, now + 3 * LATER)
    session.rollback()
    contract = core.amend_declaration(session, town.director, town.partnership.id,
                                      now + 3 * LATER)
    session.commit()
    first, second = contract.versions
    assert first.state is VersionState.SIGNED and len(first.signatures) == 3
    assert [c.what for c in first.commitments] == ["Pracownia komputerowa"]
    assert second.state is VersionState.DRAFT
    assert sorted(c.what for c in second.commitments) == ["Pracownia komputerowa",
                                                          "Sala konferencyjna"]
    lab_row = next(c for c in second.commitments if c.what == "Pracownia komputerowa")
    assert lab_row.origin_id == first.commitments[0].id
    # Still formalised by the version in force, while the amendment is signed.
    state = core.declaration_state(session, town.partnership, now.date())
    assert state.in_force and not state.outdated and state.signed == []
    with pytest.raises(ValidationError):  # nothing more to amend
        core.amend_declaration(session, town.director, town.partnership.id, now + 3 * LATER)
    session.rollback()
    sign_all(session, town, now + 4 * LATER)
    assert [v.state for v in contract.versions] == [VersionState.SUPERSEDED,
                                                    VersionState.SIGNED]


def test_a_new_member_joins_the_parties_by_an_amendment(session, town, now):
    core.prepare_declaration(session, town.director, town.partnership.id, now)
    session.commit()
    sign(session, town, town.headmaster, town.school, now + LATER)  # partly signed
    join(session, town, town.stranger, town.ngo, now + LATER)
    contributions.declare(session, town.stranger, town.partnership.id, town.ngo.id, HALL,
                          now + LATER)
    session.commit()
    contract = core.amend_declaration(session, town.director, town.partnership.id,
                                      now + 2 * LATER)
    session.commit()
    assert town.ngo.id in contract.organization_ids
    first, second = contract.versions
    # The partly signed version is kept as it was, its signature with it.
    assert first.state is VersionState.SUPERSEDED and first.signature_of(town.school.id)
    assert second.state is VersionState.DRAFT and second.signatures == []
    assert contract.status is ContractStatus.DRAFT
