"""Privacy in the core: numbered versions of the notice, consent carried from the pending
registration to the account, the data export, and deleting an account, which anonymises the
person while signatures keep the name recorded when signing."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from exchange.core import accounts, contracts, events, organizations as orgs, personal_data, privacy
from exchange.core.errors import Conflict, Forbidden, ValidationError
from models import (ApiToken, EventStaff, Listing, ListingStatus, MemberRole, Membership,
                    Notification, PrivacyConsent, PrivacyNotice, Signature, User, UserSession)
from tests.conftest import TEST_PASSWORD


@pytest.fixture
def admin(make_user):
    return make_user("admin@example.org", is_admin=True)


def publish(session, admin, now, based_on=None, text="Administratorem danych jest…"):
    notice = privacy.publish_notice(session, admin, text_pl=text, text_en="The controller…",
                                    based_on=based_on, now=now)
    session.commit()
    return notice


def test_each_publication_is_a_new_numbered_version_and_old_ones_stay(session, admin, now):
    assert privacy.current_notice(session) is None
    first = publish(session, admin, now, text="Wersja pierwsza")
    second = publish(session, admin, now, based_on=1, text="Wersja druga")
    assert (first.version, second.version) == (1, 2)
    assert privacy.current_notice(session).text_pl == "Wersja druga"
    assert privacy.get_notice(session, 1).text_pl == "Wersja pierwsza"
    assert [n.version for n in privacy.notice_versions(session)] == [2, 1]


def test_only_an_admin_publishes_and_the_polish_text_is_required(session, admin, make_user, now):
    with pytest.raises(Forbidden):
        publish(session, make_user("anna@example.org"), now)
    with pytest.raises(ValidationError) as error:
        privacy.publish_notice(session, admin, text_pl="  ", text_en="", based_on=None, now=now)
    assert set(error.value.errors) == {"text_pl"}


def test_publishing_over_a_version_published_meanwhile_is_a_conflict(session, admin, now):
    publish(session, admin, now)
    # A second admin's form was opened before version 1 existed.
    with pytest.raises(Conflict):
        publish(session, admin, now, based_on=None)
    session.rollback()
    assert session.scalar(select(func.count()).select_from(PrivacyNotice)) == 1


def test_a_number_taken_at_the_same_moment_is_a_conflict_not_a_crash(session, admin, now,
                                                                    monkeypatch):
    publish(session, admin, now)
    # The other admin's row lands between our check and our insert: the unique number holds.
    session.add(PrivacyNotice(version=2, text_pl="Cudza", text_en="", published_at=now))
    session.flush()
    monkeypatch.setattr(privacy, "func", _max_of_one())
    with pytest.raises(Conflict):
        publish(session, admin, now, based_on=1)
    session.rollback()
    assert [n.version for n in privacy.notice_versions(session)] == [1]


def _max_of_one():
    """``func`` whose max() reads 1 whatever the table holds: the race's stale read."""
    from sqlalchemy import literal

    class StaleFunc:
        def max(self, _column):
            return literal(1)
    return StaleFunc()


def test_registration_needs_consent_only_while_a_notice_is_published(session, admin, now):
    accounts.start_registration(session, email="bez@example.org", name="Bez Zgody",
                                password=TEST_PASSWORD, locale="pl", now=now)
    publish(session, admin, now)
    with pytest.raises(ValidationError) as error:
        accounts.start_registration(session, email="ola@example.org", name="Ola Nowak",
                                    password=TEST_PASSWORD, locale="pl", now=now)
    assert set(error.value.errors) == {"privacy"}


def test_the_accepted_version_goes_from_the_pending_registration_to_the_account(
        session, admin, now, clock):
    publish(session, admin, now)
    _existing, secret = accounts.start_registration(
        session, email="ola@example.org", name="Ola Nowak", password=TEST_PASSWORD,
        locale="pl", now=now, privacy_accepted=True)
    session.commit()
    publish(session, admin, now, based_on=1)  # published while the link waits in the mailbox
    user = accounts.confirm_registration(session, secret, now)
    session.commit()
    assert (user.privacy_version, user.privacy_accepted_at) == (1, now)
    assert privacy.notice_to_accept(session, user).version == 2
    privacy.accept_notice(session, user, 2, now)
    assert privacy.notice_to_accept(session, user) is None
    assert [c.version for c in privacy.consents_of(session, user)] == [1, 2]


def test_accepting_a_version_that_is_no_longer_current_is_refused(session, admin, make_user,
                                                                   now):
    publish(session, admin, now)
    publish(session, admin, now, based_on=1)
    anna = make_user("anna@example.org")
    with pytest.raises(ValidationError):
        privacy.accept_notice(session, anna, 1, now)
    assert anna.privacy_version is None


@pytest.fixture
def signed(session, make_user, now):
    """Anna (library owner) and Piotr (school owner) signed a contract; Anna wrote a listing."""
    anna = make_user("anna@example.org", name="Anna Nowak")
    piotr = make_user("piotr@example.org", name="Piotr Wiśniewski")
    library = orgs.create_organization(session, anna, {
        "name": "Biblioteka", "sector": "public", "municipality": "Tczew"}, now)
    school = orgs.create_organization(session, piotr, {
        "name": "Szkoła", "sector": "public", "municipality": "Tczew"}, now)
    from exchange.core.listings import create_listing

    room = create_listing(session, anna, library.id, {
        "kind": "offer", "category": "rooms", "title": "Sala konferencyjna", "quantity": 10,
        "unit": "hours"}, now)
    contract = contracts.create_contract(session, anna, library.id, {
        "parties": [library.id, school.id], "commitments": [{
            "giver_id": library.id, "receiver_id": school.id, "what": "Sala na warsztaty",
            "quantity": 2, "unit": "hours", "due_on": "2026-12-15"}]}, now)
    for user, org in ((anna, library), (piotr, school)):
        contracts.sign(session, user, org.id, contract.id, now, recent_login=True)
    session.commit()
    return {"anna": anna, "piotr": piotr, "library": library, "school": school,
            "contract": contract, "room": room}


def test_the_export_holds_the_users_data_and_no_secrets(session, signed, token_for, now):
    anna = signed["anna"]
    token_for(anna)
    data = personal_data.personal_data(session, anna, now)
    assert data["account"]["email"] == "anna@example.org"
    assert data["memberships"] == [{"organization_id": signed["library"].id,
                                    "organization": "Biblioteka", "role": "owner",
                                    "may_sign": True, "since": now.isoformat()}]
    assert [row["title"] for row in data["listings"]] == ["Sala konferencyjna"]
    assert [(s["contract_number"], s["organization"], s["signer_name"])
            for s in data["signatures"]] == [(signed["contract"].number, "Biblioteka",
                                              "Anna Nowak")]
    assert [t["name"] for t in data["api_tokens"]] == ["test"]
    text = repr(data)
    assert anna.password_hash not in text and "token_hash" not in text
    assert "piotr" not in text.lower() and "Szkoła" not in text


def test_deleting_anonymises_the_person_and_signatures_keep_the_recorded_name(
        session, signed, token_for, now):
    anna, piotr = signed["anna"], signed["piotr"]
    token_for(anna)
    personal_data.delete_account(session, anna, password=TEST_PASSWORD, now=now)
    session.commit()
    user = session.get(User, anna.id)
    assert user.email != "anna@example.org" and user.name == personal_data.DELETED_NAME
    assert not user.is_active and user.deleted_at == now
    assert not accounts.verify_password(user, TEST_PASSWORD)
    for model in (Membership, ApiToken, Notification, UserSession, PrivacyConsent):
        assert session.scalar(select(func.count()).select_from(model)
                              .where(model.user_id == anna.id)) == 0
    names = dict(session.execute(select(Signature.user_id, Signature.signer_name)).all())
    assert names == {anna.id: "Anna Nowak", piotr.id: "Piotr Wiśniewski"}
    # The library had no other member: it stays, and its open listing is paused.
    assert session.get(Listing, signed["room"].id).status is ListingStatus.PAUSED
    # The address may register again.
    assert accounts.find_user_by_email(session, "anna@example.org") is None
    again = accounts.register_user(session, email="anna@example.org", name="Anna Nowak",
                                   password=TEST_PASSWORD, locale="pl", now=now)
    assert again.id != anna.id
    # Nor can an administrator bring the deleted account back.
    with pytest.raises(ValidationError):
        accounts.set_active(session, again_admin(session, now), user, active=True, now=now)


def again_admin(session, now):
    admin = accounts.register_user(session, email="root@example.org", name="Admin",
                                   password=TEST_PASSWORD, locale="pl", now=now)
    admin.is_admin = True
    return admin


def test_deleting_needs_the_current_password(session, signed, now):
    with pytest.raises(ValidationError) as error:
        personal_data.delete_account(session, signed["anna"], password="wrong", now=now)
    assert set(error.value.errors) == {"password"}


def test_the_last_owner_of_an_organization_with_members_must_hand_it_over(
        session, signed, make_user, now):
    anna, library = signed["anna"], signed["library"]
    make_user("ewa@example.org")
    orgs.add_member(session, anna, library.id, email="ewa@example.org", role="member",
                    can_sign=False, now=now)
    session.commit()
    with pytest.raises(ValidationError) as error:
        personal_data.delete_account(session, anna, password=TEST_PASSWORD, now=now)
    assert "Biblioteka" in str(error.value.errors[None][0])
    session.rollback()
    ewa = accounts.find_user_by_email(session, "ewa@example.org")
    membership = session.scalar(select(Membership).where(Membership.user_id == ewa.id))
    membership.role = MemberRole.OWNER
    session.commit()
    assert personal_data.deletion_blockers(session, anna) == []


def test_the_only_organiser_of_an_event_must_name_another_first(session, signed, make_user,
                                                                now):
    anna, library = signed["anna"], signed["library"]
    event = events.create_event(session, anna, library.id, {
        "name": "Giełda Zasobów", "venue": "Aula", "held_on": now.date().isoformat(),
        "registration_opens_on": now.date().isoformat(),
        "registration_closes_on": now.date().isoformat()}, now)
    session.commit()
    [problem] = personal_data.deletion_blockers(session, anna)
    assert problem.params == {"event": "Giełda Zasobów"}
    make_user("ewa@example.org")
    events.add_staff(session, anna, event.id, "ewa@example.org", "organiser", now)
    session.commit()
    personal_data.delete_account(session, anna, password=TEST_PASSWORD, now=now)
    session.commit()
    assert session.scalars(select(EventStaff.user_id)).all() == [
        accounts.find_user_by_email(session, "ewa@example.org").id]


def test_the_only_administrator_cannot_delete_their_account(session, admin, make_user, now):
    [problem] = personal_data.deletion_blockers(session, admin)
    assert "only administrator" in problem.text
    make_user("second@example.org", is_admin=True)
    assert personal_data.deletion_blockers(session, admin) == []


def test_a_signature_keeps_the_name_the_signer_had_when_signing(session, signed):
    accounts.update_profile(session, signed["anna"], name="Anna Kowalska", locale="pl")
    session.commit()
    version = signed["contract"].current
    assert version.signature_of(signed["library"].id).signer_name == "Anna Nowak"


def test_saved_searches_and_invitations_are_in_the_download_and_go_with_the_account(
        session, signed, make_user, make_org, now):
    from exchange.core import invitations
    from exchange.core.saved_searches import save_search
    from models import MembershipChange, SavedSearch

    anna = signed["anna"]
    save_search(session, anna, {"category": "rooms"}, "Sale", now)
    owner = make_user("olga@example.org", name="Olga Właścicielka")
    org = make_org(owner, name="Dom Kultury")
    invitation, secret = invitations.invite_member(session, owner, org.id,
                                                   email="anna@example.org", role="member",
                                                   can_sign=False, now=now)
    invitations.accept_invitation(session, secret, anna, now)
    session.commit()
    data = personal_data.personal_data(session, anna, now)
    assert [s["label"] for s in data["saved_searches"]] == ["Sale"]
    assert [i["organization_id"] for i in data["invitations_received"]] == [org.id]
    assert data["membership_changes"] and all(c["about_me"] or c["by_me"]
                                              for c in data["membership_changes"])
    personal_data.delete_account(session, anna, password=TEST_PASSWORD, now=now)
    session.commit()
    assert session.scalar(select(func.count()).select_from(SavedSearch)) == 0
    about_anna = session.scalars(select(MembershipChange).where(
        MembershipChange.subject_id == anna.id)).all()
    assert about_anna and all(c.subject_email == "" for c in about_anna)
