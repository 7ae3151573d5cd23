"""The event core: setting up, registration, admission, the door, the session, the desk,
the board and the report."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from exchange.core import events
from exchange.core.events import desk
from exchange.core.errors import Conflict, Forbidden, NotFound, ValidationError
from models import (CheckIn, CheckInAnswer, Contract, ContractEvent, ContractStatus, Listing,
                    ListingStatus, Signature)
from models.event import ApplicationStatus, DealStatus, EventStatus, StaffRole
from tests.conftest import desk_deal


def test_an_owner_creates_a_draft_event_and_becomes_its_organiser(session, make_user, make_org,
                                                                   now):
    owner = make_user()
    org = make_org(owner, name="Starostwo Powiatowe", sector="public")
    event = events.create_event(session, owner, org.id, {
        "name": "Giełda Zasobów", "venue": "Aula", "held_on": "2027-03-10"}, now)
    assert event.status is EventStatus.DRAFT and event.session_minutes == 90
    assert event.registration_opens_on == now.date()
    assert event.registration_closes_on.isoformat() == "2027-03-09"
    assert events.roles(event, owner) == set(StaffRole)
    # A draft is the staff's own: nobody else finds it.
    with pytest.raises(NotFound):
        events.get_event(session, make_user("x@example.org"), event.id)
    with pytest.raises(NotFound):
        events.get_event(session, None, event.id)


def test_event_fields_are_checked(session, make_user, make_org, now):
    owner = make_user()
    org = make_org(owner)
    with pytest.raises(ValidationError) as error:
        events.create_event(session, owner, org.id, {
            "name": "", "venue": "Aula", "held_on": "2020-01-01", "session_minutes": "5",
            "registration_opens_on": "2027-01-10", "registration_closes_on": "2027-01-01",
            "categories": ["rooms", "bitcoins"], "cap_ngo": "0", "starts_at": "25:00"}, now)
    assert {"name", "held_on", "session_minutes", "registration_closes_on", "categories",
            "cap_ngo", "starts_at"} <= error.value.errors.keys()
    with pytest.raises(ValidationError) as error:
        events.create_event(session, owner, org.id, {
            "name": "Giełda za 100 zł", "venue": "Aula", "held_on": "2027-01-01"}, now)
    assert "name" in error.value.errors
    # Only an owner may host.
    member = make_user("m@example.org")
    with pytest.raises(ValidationError):
        events.create_event(session, member, org.id, {"name": "G", "venue": "A",
                                                      "held_on": "2027-01-01"}, now)


def test_only_organisers_change_the_event_and_name_staff(session, hall, now):
    event, notary = hall["event"], hall["notary"]
    with pytest.raises(Forbidden):
        events.update_event(session, notary, event.id, {"name": "X", "venue": "Y",
                                                        "held_on": "2027-01-01"}, now)
    # No account: nobody is added, and no error says so (the adapter invites the address).
    staff = len(event.staff)
    assert events.add_staff(session, hall["organiser"], event.id, "nobody@example.org",
                            "broker", now) is None
    assert len(event.staff) == staff
    with pytest.raises(ValidationError):
        events.add_staff(session, hall["organiser"], event.id, "notary@example.org", "notary", now)
    organiser_row = next(s for s in event.staff if s.role is StaffRole.ORGANISER)
    with pytest.raises(ValidationError):  # the last organiser stays
        events.remove_staff(session, hall["organiser"], event.id, organiser_row.id, now=now)
    assert events.roles(event, notary) == {StaffRole.NOTARY}


def test_application_with_people_and_listings(session, hall, make_user, make_org, now):
    from exchange.core.listings import create_listing

    owner = make_user("ngo@example.org")
    ngo = make_org(owner, name="Stowarzyszenie Seniorów", sector="ngo")
    room = create_listing(session, owner, ngo.id, {"kind": "offer", "category": "rooms",
                                                   "title": "Świetlica", "quantity": 10,
                                                   "unit": "hours"}, now)
    event = hall["event"]
    with pytest.raises(ValidationError) as error:
        events.apply(session, owner, event.id, ngo.id, {"attendees": [], "listing_ids": [
            hall["lab"].id]}, now)
    assert {"attendees", "listing_ids"} <= error.value.errors.keys()
    application = events.apply(session, owner, event.id, ngo.id, {
        "attendees": ["Anna Nowak", "Jan Kowalski", "Anna Nowak"], "listing_ids": [room.id],
        "note": "Przyjdziemy z ulotkami"}, now)
    assert application.status is ApplicationStatus.PENDING
    assert [a.name for a in application.attendees] == ["Anna Nowak", "Jan Kowalski"]
    assert [x.id for x in events.event_listings(session, event, org_ids=[ngo.id])] == [room.id]
    # Changing it keeps the badges of people who stay.
    token = application.attendees[0].badge_token
    events.apply(session, owner, event.id, ngo.id, {"attendees": ["Anna Nowak"],
                                                    "listing_ids": []}, now)
    assert [a.badge_token for a in application.attendees] == [token]
    assert events.event_listings(session, event, org_ids=[ngo.id]) == []
    # Someone outside the organization cannot apply for it.
    with pytest.raises(NotFound):
        events.apply(session, hall["notary"], event.id, ngo.id, {"attendees": ["X"]}, now)


def test_registration_follows_its_window(session, hall, make_user, make_org, now):
    owner = make_user("late@example.org")
    org = make_org(owner, name="Spóźnialscy")
    with pytest.raises(ValidationError) as error:
        events.apply(session, owner, hall["event"].id, org.id, {"attendees": ["A"]},
                     now + timedelta(days=1))
    assert "closed" in str(error.value.message)
    hall["start"]()
    with pytest.raises(ValidationError):
        events.apply(session, owner, hall["event"].id, org.id, {"attendees": ["A"]}, now)


def test_admission_respects_the_sector_cap(session, hall, make_user, make_org, now):
    event = hall["event"]
    events.update_event(session, hall["organiser"], event.id, {
        "name": event.name, "venue": event.venue, "held_on": event.held_on.isoformat(),
        "registration_opens_on": event.registration_opens_on.isoformat(),
        "registration_closes_on": event.registration_closes_on.isoformat(), "cap_ngo": "1"}, now)
    owner = make_user("ngo2@example.org")
    ngo = make_org(owner, name="Drugie NGO", sector="ngo")
    application = events.apply(session, owner, event.id, ngo.id, {"attendees": ["Ala"]}, now)
    balance = {b.sector.value: b for b in events.sector_balance(event)}
    assert (balance["ngo"].admitted, balance["ngo"].pending, balance["ngo"].cap) == (1, 1, 1)
    assert balance["public"].admitted == 1 and balance["public"].people == 1
    with pytest.raises(ValidationError) as error:
        events.decide(session, hall["organiser"], event.id, application.id, True, "", now)
    assert "cap" in str(error.value.message)
    events.decide(session, hall["organiser"], event.id, application.id, False, "Brak miejsc", now)
    assert application.status is ApplicationStatus.DECLINED
    with pytest.raises(Forbidden):
        events.decide(session, hall["notary"], event.id, application.id, True, "", now)


def test_check_in_by_badge_and_by_name(session, hall, now):
    event = hall["event"]
    assert events.presence(event) == (0, 2)
    [person] = events.find_attendees(session, event, "szkola kodu")  # folded, by organization
    assert person.name == "Szymon Informatyk"
    assert events.find_attendees(session, event, "ewa biblio")[0].name == "Ewa Bibliotekarka"
    events.check_in(session, hall["notary"], event.id, person.badge_token, now)
    later = events.check_in(session, hall["broker"], event.id, person.badge_token,
                            now + timedelta(minutes=5))
    assert later.checked_in_at == now  # scanning twice changes nothing
    assert events.presence(event) == (1, 2)
    with pytest.raises(NotFound):
        events.check_in(session, hall["notary"], event.id, "forged-token", now)
    with pytest.raises(Forbidden):
        events.check_in(session, hall["library_owner"], event.id, person.badge_token, now)
    events.check_in(session, hall["notary"], event.id, person.badge_token, now, undo=True)
    assert events.presence(event) == (0, 2)


def test_the_session_clock(session, hall, now):
    event = hall["event"]
    assert events.session_state(event, now) == "scheduled"
    with pytest.raises(Forbidden):
        events.start_session(session, hall["notary"], event.id, now)
    hall["start"]()
    assert event.session_ends_at == now + timedelta(minutes=90)
    assert events.session_state(event, now + timedelta(minutes=89)) == "open"
    assert events.seconds_left(event, now + timedelta(minutes=89)) == 60
    assert events.session_state(event, now + timedelta(minutes=95)) == "grace"
    assert events.session_state(event, now + timedelta(minutes=101)) == "ended"
    with pytest.raises(ValidationError):
        events.start_session(session, hall["organiser"], event.id, now)
    events.close_session(session, hall["organiser"], event.id, now + timedelta(minutes=30))
    assert events.session_state(event, now + timedelta(minutes=31)) == "closed"
    assert event.session_ends_at == now + timedelta(minutes=30)


def test_ratifying_a_deal_makes_a_numbered_contract_signed_at_the_desk(session, hall, now):
    hall["start"]()
    event = hall["event"]
    contract = events.ratify(session, hall["notary"], event.id, desk_deal(hall),
                             now + timedelta(minutes=10), client_key="k-1")
    assert contract.number == "GZ-2026/001" and contract.status is ContractStatus.ACTIVE
    assert contract.event_id == event.id and contract.ratified_by_id == hall["notary"].id
    version = contract.versions[0]
    assert {(s.method, s.representative) for s in version.signatures} == {
        ("at_desk", "Szymon Informatyk"), ("at_desk", "Ewa Bibliotekarka")}
    [row] = version.commitments
    assert row.category.value == "computer_labs" and row.reserved == 6
    assert session.get(Listing, hall["lab"].id).remaining == 14
    actions = session.scalars(select(ContractEvent.action).where(
        ContractEvent.contract_id == contract.id)).all()
    assert actions == ["ratify"]
    # The same form sent again (a double click, a resend) finds the same contract.
    again = events.ratify(session, hall["notary"], event.id, desk_deal(hall),
                          now + timedelta(minutes=11), client_key="k-1")
    assert again.id == contract.id
    assert session.scalar(select(func.count(Contract.id))) == 1
    second = events.ratify(session, hall["notary"], event.id, desk_deal(hall),
                           now + timedelta(minutes=12), client_key="k-2")
    assert second.number == "GZ-2026/002"


def test_the_desk_refuses_incomplete_or_monetary_deals(session, hall, make_user, make_org, now):
    hall["start"]()
    event = hall["event"]
    outsider = make_org(make_user("x@example.org"), name="Niezgłoszona Firma", sector="business")
    data = desk_deal(hall, no_money="", representatives={})
    data["commitments"][0]["what"] = "Pracownia za 200 zł"
    with pytest.raises(ValidationError) as error:
        events.ratify(session, hall["notary"], event.id, data, now)
    assert {"no_money", "representatives", "commitments-0-what"} <= error.value.errors.keys()
    data = desk_deal(hall, parties=[hall["school"].id, outsider.id],
                     representatives={hall["school"].id: "A", outsider.id: "B"})
    data["commitments"][0].update(receiver_id=outsider.id, need_id=None)
    with pytest.raises(ValidationError) as error:
        events.ratify(session, hall["notary"], event.id, data, now)
    assert "admitted participant" in str(error.value.errors["parties"][0])
    with pytest.raises(Forbidden):
        events.ratify(session, hall["broker"], event.id, desk_deal(hall), now)
    assert session.scalar(select(func.count(Contract.id))) == 0
    assert session.get(Listing, hall["lab"].id).remaining == 20


def test_deals_only_while_the_session_is_open_plus_grace_for_deals_at_the_desk(session, hall, now):
    event = hall["event"]
    with pytest.raises(ValidationError) as error:
        events.ratify(session, hall["notary"], event.id, desk_deal(hall), now)
    assert "not started" in str(error.value.message)
    hall["start"]()
    end = event.session_ends_at
    # In the grace period: a form opened before the gong is taken, a new one is not.
    with pytest.raises(ValidationError) as error:
        events.ratify(session, hall["notary"], event.id, desk_deal(hall),
                      end + timedelta(minutes=2), opened_at=end + timedelta(minutes=1))
    assert "over" in str(error.value.message)
    contract = events.ratify(session, hall["notary"], event.id, desk_deal(hall),
                             end + timedelta(minutes=2), opened_at=end - timedelta(minutes=1))
    assert contract.number.endswith("/001")
    with pytest.raises(ValidationError):
        events.ratify(session, hall["notary"], event.id, desk_deal(hall),
                      end + timedelta(minutes=11), opened_at=end - timedelta(minutes=1))


def test_a_phone_deal_waits_in_the_queue_and_is_ratified_at_the_desk(session, hall, now):
    hall["start"]()
    event = hall["event"]
    data = desk_deal(hall)
    deal = events.submit_deal(session, hall["library_owner"], event.id, hall["library"].id,
                              data, now + timedelta(minutes=5))
    assert events.queue(session, event) == [deal]
    contract = events.ratify(session, hall["notary"], event.id, deal.terms | {"no_money": "1"},
                             now + timedelta(minutes=6), deal_id=deal.id)
    assert deal.status is DealStatus.RATIFIED and deal.contract_id == contract.id
    assert events.queue(session, event) == []
    with pytest.raises(ValidationError):  # handled already
        events.ratify(session, hall["notary"], event.id, deal.terms | {"no_money": "1"},
                      now + timedelta(minutes=7), deal_id=deal.id)
    with pytest.raises(NotFound):  # only members of the organization draft for it
        events.submit_deal(session, hall["notary"], event.id, hall["library"].id, data, now)


def test_the_board_counts_deals_value_categories_and_sectors(session, hall, now):
    from exchange.core.contracts import set_value_default

    admin = hall["organiser"]
    admin.is_admin = True
    set_value_default(session, admin, "computer_labs", "hours", "50", now)
    hall["start"]()
    event = hall["event"]
    before = event.board_version
    events.ratify(session, hall["notary"], event.id, desk_deal(hall), now + timedelta(minutes=1))
    session.refresh(event)
    assert event.board_version > before
    data = events.board(session, event, now + timedelta(minutes=30))
    assert data["deals"] == 1 and data["value"] == 300  # 6 hours × 50 zł from the value table
    assert data["by_category"] == {"computer_labs": 1}
    assert data["by_sector"]["public"] == 1 and data["by_sector"]["ngo"] == 1
    assert data["by_sector"]["business"] == 0
    assert data["seconds_left"] == 60 * 60 and data["state"] == "open"
    assert data["latest"][0]["parties"] == ["Fundacja Szkoła Kodu", "Biblioteka Miejska"]


def test_closing_freezes_the_count_and_listings_stay_in_the_marketplace(session, hall, now):
    hall["start"]()
    event = hall["event"]
    events.ratify(session, hall["notary"], event.id, desk_deal(hall), now + timedelta(minutes=1))
    events.close_session(session, hall["organiser"], event.id, now + timedelta(minutes=2))
    with pytest.raises(ValidationError):
        events.ratify(session, hall["notary"], event.id, desk_deal(hall),
                      now + timedelta(minutes=3), opened_at=now)
    assert events.board(session, event, now + timedelta(hours=1))["deals"] == 1
    # What was not traded stays open, year-round.
    assert session.get(Listing, hall["need"].id).status is ListingStatus.OPEN
    assert session.get(Listing, hall["lab"].id).status is ListingStatus.OPEN


def test_the_report_shows_fulfilment_as_check_ins_are_answered(session, hall, now):
    hall["start"]()
    event = hall["event"]
    first = events.ratify(session, hall["notary"], event.id, desk_deal(hall),
                          now + timedelta(minutes=1))
    second = events.ratify(session, hall["notary"], event.id, desk_deal(hall),
                           now + timedelta(minutes=2))
    events.close_session(session, hall["organiser"], event.id, now + timedelta(minutes=90))
    report = events.report(session, event)
    assert report.tally.deals == 2 and report.outcomes["unknown"] == 2
    assert report.fulfilment_rate is None
    assert [(o.name, n) for o, n in report.most_active] == [("Fundacja Szkoła Kodu", 2),
                                                            ("Biblioteka Miejska", 2)]
    later = now + timedelta(days=92)
    session.add_all([
        CheckIn(contract_id=first.id, organization_id=hall["library"].id, months=3, asked_at=later,
                answer=CheckInAnswer.DONE, answered_at=later),
        CheckIn(contract_id=second.id, organization_id=hall["library"].id, months=3,
                asked_at=later, answer=CheckInAnswer.NOT_FEASIBLE, answered_at=later)])
    session.flush()
    report = events.report(session, event)
    assert report.outcomes["done"] == 1 and report.outcomes["not_feasible"] == 1
    assert report.fulfilment_rate == 0.5
    rows = events.report_rows(session, event)
    assert [r["outcome"] for r in rows] == ["done", "not_feasible"]
    assert rows[0]["giver"] == "Fundacja Szkoła Kodu" and rows[0]["category"] == "computer_labs"


def test_signatures_at_the_desk_are_told_apart_from_online_ones(session, hall, now):
    hall["start"]()
    contract = events.ratify(session, hall["notary"], hall["event"].id, desk_deal(hall), now)
    methods = session.scalars(select(Signature.method).where(
        Signature.version_id == contract.versions[0].id)).all()
    assert methods == ["at_desk", "at_desk"]


def test_a_client_key_of_another_event_is_a_conflict(session, hall, make_user, make_org, now):
    hall["start"]()
    events.ratify(session, hall["notary"], hall["event"].id, desk_deal(hall), now,
                  client_key="same")
    other = events.create_event(session, hall["organiser"], hall["host"].id, {
        "name": "Druga giełda", "venue": "Aula", "held_on": now.date().isoformat()}, now)
    events.publish_event(session, hall["organiser"], other.id, now)
    events.start_session(session, hall["organiser"], other.id, now)
    with pytest.raises(Conflict):
        events.ratify(session, hall["organiser"], other.id, desk_deal(hall), now,
                      client_key="same")


def test_two_sends_of_one_desk_form_racing_make_one_contract(session, hall, now, monkeypatch):
    hall["start"]()
    event = hall["event"]
    first = events.ratify(session, hall["notary"], event.id, desk_deal(hall), now,
                          client_key="race")
    session.commit()
    # The second request looked before the first committed: it finds nothing, tries to
    # insert, and meets the unique client key.
    looks = iter([None])
    real = desk._ratified_as
    monkeypatch.setattr(desk, "_ratified_as",
                        lambda *args: next(looks, "again") and real(*args))
    second = events.ratify(session, hall["notary"], event.id, desk_deal(hall),
                           now + timedelta(seconds=1), client_key="race")
    assert second.id == first.id and second.ratified_at == now
    assert session.scalar(select(func.count(Contract.id))) == 1
    assert session.get(Listing, hall["lab"].id).remaining == 14  # reserved once
