"""Local partnerships in the core: creating one, inviting organizations and the animator by
e-mail (accept, decline, leave), the states, the coordinator's handover, the sectors' balance
and who may read or change what."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from exchange.core import partnerships as core
from exchange.core.errors import Conflict, Forbidden, NotFound, ValidationError
from exchange.core.secret_hash import hash_secret
from models import (
    MemberRole,
    Notification,
    PartnershipChangeKind,
    PartnershipMember,
    PartnershipState,
    Sector,
)

FORM = {"name": "Koalicja dla Tczewa", "municipalities": "Tczew, Subkowy",
        "goal": "Kompetencje cyfrowe seniorów", "kind": "needs"}


@pytest.fixture
def town(session, make_user, make_org, add_member):
    return build_town(session, make_user, make_org, add_member)


def build_town(session, make_user, make_org, add_member):
    """A library (public; its director owns it, a librarian works there), a school (NGO) and a
    bank (business), each owned by its own person; and someone with no organization."""
    director = make_user("dyrektor@example.org", name="Dorota Dyrektor")
    librarian = make_user("bibliotekarz@example.org", name="Bartek Bibliotekarz")
    library = make_org(director, name="Biblioteka", sector="public")
    add_member(library, librarian, role=MemberRole.MEMBER)
    headmaster = make_user("szkola@example.org", name="Szymon Szkolny")
    school = make_org(headmaster, name="Szkoła Społeczna", sector="ngo")
    banker = make_user("bank@example.org", name="Bożena Bankowa")
    bank = make_org(banker, name="Bank Spółdzielczy", sector="business")
    outsider = make_user("obcy@example.org", name="Olek Obcy")

    class Town:
        pass

    town = Town()
    town.__dict__.update(locals())
    return town


def create(session, town, now, **changes):
    partnership = core.create_partnership(session, town.director, {**FORM, **changes}, now)
    session.commit()
    return partnership


def join(session, town, partnership, owner, org, now):
    invitation, secret = core.invite(session, town.director, partnership.id, email=owner.email,
                                     now=now)
    core.accept_invitation(session, secret, owner, now, org_id=org.id)
    session.commit()
    return invitation


def kinds(session, partnership):
    return [c.kind for c in session.scalars(core.history_query(partnership.id))]


def test_an_owner_creates_a_partnership_led_by_their_organization(session, town, now):
    partnership = create(session, town, now)
    assert partnership.lead_id == town.library.id
    assert partnership.coordinator_id == town.director.id
    assert partnership.municipalities == ["Tczew", "Subkowy"]
    assert partnership.state is PartnershipState.FORMING
    assert [m.organization_id for m in partnership.current_members] == [town.library.id]
    assert kinds(session, partnership) == [PartnershipChangeKind.JOINED,
                                           PartnershipChangeKind.CREATED]


def test_the_coordinator_may_be_another_person_of_the_lead(session, town, now):
    partnership = create(session, town, now, coordinator_id=str(town.librarian.id))
    assert partnership.coordinator_id == town.librarian.id
    assert session.scalar(select(Notification).where(
        Notification.user_id == town.librarian.id)).key.startswith("partnership-coordinator:")
    with pytest.raises(ValidationError) as error:
        create(session, town, now, coordinator_id=town.headmaster.id)
    assert "coordinator_id" in error.value.errors


def test_bad_input_is_refused_and_nothing_is_made(session, town, now):
    with pytest.raises(ValidationError) as error:
        core.create_partnership(session, town.director, {
            "name": "", "municipalities": " , ", "goal": "", "kind": "party",
            "lead_id": town.school.id}, now)
    assert set(error.value.errors) == {"name", "municipalities", "goal", "kind", "lead_id"}
    # Only an owner leads: the librarian owns nothing.
    with pytest.raises(ValidationError) as error:
        core.create_partnership(session, town.librarian, FORM, now)
    assert set(error.value.errors) == {"lead_id"}


def test_an_organization_is_invited_and_joins_for_its_owner(session, town, now):
    partnership = create(session, town, now)
    invitation, secret = core.invite(session, town.director, partnership.id,
                                     email=" Szkola@Example.org ", now=now)
    assert invitation.email == "szkola@example.org"
    assert invitation.token_hash == hash_secret(secret) and secret not in invitation.token_hash
    # Another account cannot use the link; the owner of another organization must own it.
    with pytest.raises(Forbidden):
        core.accept_invitation(session, secret, town.banker, now, org_id=town.bank.id)
    with pytest.raises(ValidationError) as error:
        core.accept_invitation(session, secret, town.headmaster, now, org_id=town.bank.id)
    assert "org_id" in error.value.errors
    core.accept_invitation(session, secret, town.headmaster, now, org_id=town.school.id)
    session.commit()
    assert {m.organization_id for m in partnership.current_members} == {town.library.id,
                                                                        town.school.id}
    assert invitation.organization_id == town.school.id
    # The link works once.
    with pytest.raises(ValidationError):
        core.accept_invitation(session, secret, town.headmaster, now, org_id=town.school.id)
    # The coordinator is told.
    assert session.scalar(select(Notification).where(
        Notification.user_id == town.director.id)).key.startswith("partnership-joined:")
    assert core.can_read(session, partnership, town.headmaster)
    assert not core.is_manager(session, partnership, town.headmaster)


def test_an_invitation_is_declined(session, town, now):
    partnership = create(session, town, now)
    invitation, secret = core.invite(session, town.director, partnership.id,
                                     email=town.banker.email, now=now)
    core.decline_invitation(session, secret, town.banker, now)
    session.commit()
    assert invitation.declined_at == now
    assert len(partnership.current_members) == 1
    with pytest.raises(ValidationError):
        core.accept_invitation(session, secret, town.banker, now, org_id=town.bank.id)
    assert PartnershipChangeKind.DECLINED in kinds(session, partnership)


def test_an_invitation_expires_is_resent_and_withdrawn(session, town, now):
    partnership = create(session, town, now)
    invitation, old = core.invite(session, town.director, partnership.id,
                                  email=town.banker.email, now=now)
    later = now + timedelta(days=15)
    with pytest.raises(ValidationError):
        core.open_invitation(session, old, later)
    again, new = core.resend_invitation(session, town.director, partnership.id, invitation.id,
                                        later)
    assert again.id == invitation.id
    with pytest.raises(NotFound):
        core.open_invitation(session, old, later)
    core.revoke_invitation(session, town.director, partnership.id, invitation.id, later)
    with pytest.raises(ValidationError):
        core.open_invitation(session, new, later)
    assert core.pending_invitations(session, partnership.id) == []


def test_only_managers_invite(session, town, now):
    partnership = create(session, town, now)
    join(session, town, partnership, town.headmaster, town.school, now)
    with pytest.raises(Forbidden):
        core.invite(session, town.headmaster, partnership.id, email="x@example.org", now=now)
    with pytest.raises(NotFound):
        core.invite(session, town.outsider, partnership.id, email="x@example.org", now=now)
    # The librarian is a person of the lead but not its owner nor the coordinator.
    with pytest.raises(Forbidden):
        core.invite(session, town.librarian, partnership.id, email="x@example.org", now=now)


def test_a_member_leaves_but_not_the_lead_and_may_come_back(session, town, now):
    partnership = create(session, town, now)
    join(session, town, partnership, town.headmaster, town.school, now)
    with pytest.raises(Conflict):
        core.leave(session, town.director, partnership.id, town.library.id, now)
    with pytest.raises(Forbidden):
        core.leave(session, town.director, partnership.id, town.school.id, now)
    core.leave(session, town.headmaster, partnership.id, town.school.id, now)
    session.commit()
    assert [m.organization_id for m in partnership.current_members] == [town.library.id]
    with pytest.raises(NotFound):  # no longer reads the partnership
        core.get_partnership(session, town.headmaster, partnership.id)
    later = now + timedelta(days=30)
    join(session, town, partnership, town.headmaster, town.school, later)
    assert session.scalar(select(func.count()).select_from(PartnershipMember)) == 2
    history = kinds(session, partnership)
    assert history[:3] == [PartnershipChangeKind.JOINED, PartnershipChangeKind.INVITED,
                           PartnershipChangeKind.LEFT]


def test_states_move_only_sensibly(session, town, now):
    partnership = create(session, town, now)
    with pytest.raises(Conflict):
        core.change_state(session, town.director, partnership.id, "dormant", now)
    for state in ("active", "dormant", "active", "ended"):
        core.change_state(session, town.director, partnership.id, state, now)
        assert partnership.state == PartnershipState(state)
    for state in ("active", "forming", "dormant"):
        with pytest.raises(Conflict):
            core.change_state(session, town.director, partnership.id, state, now)
    with pytest.raises(ValidationError):
        core.change_state(session, town.director, partnership.id, "asleep", now)
    # An ended partnership is kept as it was.
    with pytest.raises(Conflict):
        core.update_partnership(session, town.director, partnership.id, FORM, now)


def test_the_coordinator_hands_over_to_a_person_of_the_lead(session, town, now):
    partnership = create(session, town, now)
    join(session, town, partnership, town.headmaster, town.school, now)
    with pytest.raises(ValidationError):
        core.hand_over(session, town.director, partnership.id, town.headmaster.id, now)
    core.hand_over(session, town.director, partnership.id, town.librarian.id, now)
    session.commit()
    assert partnership.coordinator_id == town.librarian.id
    assert core.is_manager(session, partnership, town.librarian)
    assert core.is_manager(session, partnership, town.director)  # still an owner of the lead
    assert kinds(session, partnership)[0] is PartnershipChangeKind.COORDINATOR_CHANGED


def test_the_animator_reads_but_does_not_decide(session, town, now):
    partnership = create(session, town, now)
    _invitation, secret = core.invite(session, town.director, partnership.id,
                                     email=town.outsider.email, role="animator", now=now)
    with pytest.raises(NotFound):
        core.get_partnership(session, town.outsider, partnership.id)
    core.accept_invitation(session, secret, town.outsider, now)
    session.commit()
    assert partnership.animator_id == town.outsider.id
    assert core.get_partnership(session, town.outsider, partnership.id) is partnership
    with pytest.raises(Forbidden):
        core.get_partnership(session, town.outsider, partnership.id, manage=True)
    with pytest.raises(Forbidden):
        core.change_state(session, town.outsider, partnership.id, "active", now)
    assert partnership.current_members[0].organization_id == town.library.id
    core.remove_animator(session, town.director, partnership.id, now)
    with pytest.raises(NotFound):
        core.get_partnership(session, town.outsider, partnership.id)


def test_the_sectors_balance_and_what_is_missing(session, town, now):
    partnership = create(session, town, now)
    assert core.missing_sectors(partnership) == [Sector.NGO, Sector.BUSINESS]
    join(session, town, partnership, town.headmaster, town.school, now)
    balance = core.sector_balance(partnership)
    assert [o.name for o in balance[Sector.PUBLIC]] == ["Biblioteka"]
    assert [o.name for o in balance[Sector.NGO]] == ["Szkoła Społeczna"]
    assert core.missing_sectors(partnership) == [Sector.BUSINESS]
    join(session, town, partnership, town.banker, town.bank, now)
    assert core.missing_sectors(partnership) == []


def test_outsiders_see_only_a_public_partnership(session, town, now):
    partnership = create(session, town, now)
    with pytest.raises(NotFound):
        core.get_public_partnership(session, partnership.id)
    with pytest.raises(NotFound):
        core.get_partnership(session, town.outsider, partnership.id)
    core.update_partnership(session, town.director, partnership.id,
                            {**FORM, "is_public": True}, now)
    assert core.get_public_partnership(session, partnership.id) is partnership
    assert list(session.scalars(core.public_query())) == [partnership]
    assert core.partnerships_of(session, town.outsider) == []
    assert core.partnerships_of(session, town.librarian) == [partnership]
