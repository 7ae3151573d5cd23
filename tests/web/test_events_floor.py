"""The event on the day, on the web: the door, badges, the session clock, the notary desk,
phone deals."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from models import Contract, Signature
from models.event import DealStatus, EventAttendee, EventDeal, ExchangeEvent
from tests.conftest import NOW, login_id


def login_as(client, user):
    with client.session_transaction() as s:
        s["_user_id"] = login_id(user)



def person(session, name):
    session.rollback()
    return session.scalar(select(EventAttendee).where(EventAttendee.name == name))


def hidden(page: str, name: str) -> str:
    return re.search(rf'name="{name}"[^>]*value="([^"]*)"', page).group(1)


def deal_form(hall, **changes) -> dict:
    """The desk form as a notary fills it: parties typed, the school's lab picked."""
    lab = hall["lab"]
    data = {"parties": ["szkoła kodu", "Biblioteka Miejska"],
            "representatives-0-representative": "Szymon Informatyk",
            "representatives-1-representative": "Ewa Bibliotekarka",
            "commitments-0-pick": f"#{lab.id} {lab.title}",
            "commitments-0-giver_id": "@0", "commitments-0-receiver_id": "@1",
            "commitments-0-need_id": str(hall["need"].id),
            "commitments-0-quantity": "6", "commitments-0-due_on": "2027-03-31",
            # The second row left empty, as the desk shows it: it is skipped.
            "commitments-1-giver_id": "@1", "commitments-1-receiver_id": "@0",
            "commitments-1-due_on": "2027-03-31",
            "no_money": "1", "client_key": "desk-key-1"}
    data.update(changes)
    return data


@pytest.fixture
def open_hall(hall):
    hall["start"](NOW)
    return hall


def desk_url(hall, tail=""):
    return f"/events/{hall['event'].id}/desk{tail}"


# ---------------------------------------------------------------------------- the door

def test_the_door_finds_a_person_by_name_and_checks_them_in_and_out(client, session, hall):
    event = hall["event"]
    login_as(client, hall["broker"])
    page = client.get(f"/events/{event.id}/door?q=bibliotekarka").get_data(as_text=True)
    assert "Ewa Bibliotekarka" in page and "Szymon Informatyk" not in page
    assert 'id="presence-count"' in page and "js/door.js" in page
    ewa = person(session, "Ewa Bibliotekarka")
    door = f"/events/{event.id}/door?q=bibliotekarka"
    response = client.post(f"/events/{event.id}/door/{ewa.badge_token}", data={"next": door})
    assert response.status_code == 302 and response.headers["Location"] == door
    assert person(session, "Ewa Bibliotekarka").checked_in_at is not None
    assert client.get(f"/events/{event.id}/presence.json").get_json() == {
        "present": 1, "expected": 2}
    page = client.get(door).get_data(as_text=True)
    assert "Undo" in page and "in since" in page

    client.post(f"/events/{event.id}/door/{ewa.badge_token}", data={"undo": "1", "next": door})
    assert person(session, "Ewa Bibliotekarka").checked_in_at is None
    assert client.get(f"/events/{event.id}/presence.json").get_json()["present"] == 0


def test_a_badge_url_checks_the_person_in_once(client, session, hall):
    event = hall["event"]
    login_as(client, hall["organiser"])
    token = person(session, "Szymon Informatyk").badge_token
    url = f"/events/{event.id}/door/{token}"
    page = client.get(url).get_data(as_text=True)
    assert "Szymon Informatyk" in page and "Fundacja Szkoła Kodu" in page
    assert 'id="check-in-button"' in page

    client.post(url)
    first = person(session, "Szymon Informatyk").checked_in_at
    # The scanner's fetch, a second time: nothing changes, and it says so.
    again = client.post(url, headers={"Accept": "application/json"})
    assert again.status_code == 200
    answer = again.get_json()
    assert answer["already"] is True and answer["present"] == 1
    assert answer["name"] == "Szymon Informatyk" and answer["organization"] == "Fundacja Szkoła Kodu"
    assert person(session, "Szymon Informatyk").checked_in_at == first
    assert "Checked in at" in client.get(url).get_data(as_text=True)

    assert client.get(f"/events/{event.id}/door/not-a-badge").status_code == 404
    missing = client.post(f"/events/{event.id}/door/not-a-badge",
                          headers={"Accept": "application/json"})
    assert missing.status_code == 404 and "admitted participant" in missing.get_json()["message"]


def test_badges_print_everyone_admitted_coloured_and_named_by_sector(client, hall):
    login_as(client, hall["notary"])
    page = client.get(f"/events/{hall['event'].id}/badges").get_data(as_text=True)
    assert "Ewa Bibliotekarka" in page and "Szymon Informatyk" in page
    assert page.count('class="name-badge badge-') == 5  # two participants, three staff
    assert page.count('class="name-badge badge-staff"') == 3 and page.count("<svg") == 2
    assert 'name-badge-sector sector-public">Public institution' in page
    assert 'name-badge-sector sector-ngo">NGO' in page
    assert "css/events-floor.css" in page


# ---------------------------------------------------------------------------- the session

def test_only_the_organiser_starts_and_closes_the_session(client, session, hall, now):
    from exchange.core import events

    event = hall["event"]
    login_as(client, hall["notary"])
    assert client.get(f"/events/{event.id}/session").status_code == 403
    assert client.post(f"/events/{event.id}/session/start").status_code == 403
    session.rollback()
    assert session.get(ExchangeEvent, event.id).session_started_at is None

    login_as(client, hall["organiser"])
    assert "Not started yet" in client.get(f"/events/{event.id}/session").get_data(as_text=True)
    client.post(f"/events/{event.id}/session/start")
    page = client.get(f"/events/{event.id}/session").get_data(as_text=True)
    assert "Open: deals are being ratified" in page and 'data-running="1"' in page
    assert re.search(r'data-seconds-left="(5[3-4]\d\d)"', page)  # about 90 minutes

    refused = client.post(f"/events/{event.id}/session/close", follow_redirects=True)
    assert "Tick the box" in refused.get_data(as_text=True)
    session.rollback()
    assert session.get(ExchangeEvent, event.id).session_closed_at is None

    login_as(client, hall["notary"])
    assert client.post(f"/events/{event.id}/session/close",
                       data={"confirm": "1"}).status_code == 403
    login_as(client, hall["organiser"])
    closed = client.post(f"/events/{event.id}/session/close", data={"confirm": "1"},
                         follow_redirects=True).get_data(as_text=True)
    assert "the count is final" in closed
    session.rollback()
    assert session.get(ExchangeEvent, event.id).session_closed_at is not None

    # The moderator announces, but the clock is not theirs.
    moderator = hall["broker"]
    events.add_staff(session, hall["organiser"], event.id, moderator.email, "moderator", now)
    session.commit()
    login_as(client, moderator)
    assert client.get(f"/events/{event.id}/session").status_code == 200
    client.post(f"/events/{event.id}/session/announce", data={"announcement": "50 umów!"})
    session.rollback()
    assert session.get(ExchangeEvent, event.id).announcement == "50 umów!"
    assert client.post(f"/events/{event.id}/session/close",
                       data={"confirm": "1"}).status_code == 403


# ---------------------------------------------------------------------------- the desk

def count_contracts(session) -> int:
    session.rollback()
    return session.scalar(select(func.count(Contract.id)))


def test_the_desk_ratifies_a_two_party_deal_and_prints_it(client, session, open_hall):
    hall = open_hall
    login_as(client, hall["notary"])
    page = client.get(desk_url(hall)).get_data(as_text=True)
    for marker in ('id="parties-0"', 'id="representatives-0-representative"',
                   'id="commitments-0-pick"', 'id="no_money"', 'id="ratify"', "js/desk.js",
                   'list="desk-orgs"', "Fundacja Szkoła Kodu"):
        assert marker in page
    assert not re.search(r"<script(?![^>]*\bsrc=)", page)  # the CSP allows no inline script
    data = deal_form(hall, client_key=hidden(page, "client_key"),
                     opened_at=hidden(page, "opened_at"))

    response = client.post(desk_url(hall), data=data)
    assert response.status_code == 302
    contract = session.scalar(select(Contract))
    assert contract.number == "GZ-2026/001" and contract.event_id == hall["event"].id
    assert response.headers["Location"].endswith(
        f"/events/{hall['event'].id}/contracts/{contract.id}/print")
    row = contract.versions[0].commitments[0]
    assert (row.giver_id, row.receiver_id, row.quantity, row.what) == (
        hall["school"].id, hall["library"].id, 6, "Pracownia komputerowa na 20 stanowisk")
    assert (row.listing_id, row.need_id) == (hall["lab"].id, hall["need"].id)
    assert sorted(s.representative for s in session.scalars(select(Signature))) == [
        "Ewa Bibliotekarka", "Szymon Informatyk"]

    printed = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "GZ-2026/001" in printed and printed.count('class="copy"') == 2
    assert "signed at the notary desk by Szymon Informatyk" in printed
    assert "Back to the desk" in printed

    # A double click: the same form again finds the same contract.
    again = client.post(desk_url(hall), data=data)
    assert again.headers["Location"] == response.headers["Location"]
    assert count_contracts(session) == 1


def test_the_desk_page_tells_desk_js_the_core_s_limits(client, open_hall):
    from exchange.core.contracts import MAX_COMMITMENTS, MAX_PARTIES

    login_as(client, open_hall["notary"])
    page = client.get(desk_url(open_hall)).get_data(as_text=True)
    assert f'data-max-rows="{MAX_COMMITMENTS}" data-max-parties="{MAX_PARTIES}"' in page


def test_the_desk_answers_fetch_with_json_and_one_contract_per_key(client, session, open_hall):
    hall = open_hall
    login_as(client, hall["notary"])
    headers = {"Accept": "application/json"}
    first = client.post(desk_url(hall), data=deal_form(hall, client_key="outbox-1"),
                        headers=headers)
    assert first.status_code == 201
    answer = first.get_json()
    assert answer["ok"] and answer["number"] == "GZ-2026/001" and answer["created"]
    assert answer["print_url"].endswith(f"/contracts/{answer['contract_id']}/print")
    # The outbox resends after a lost answer: the same contract, not a second one.
    resent = client.post(desk_url(hall), data=deal_form(hall, client_key="outbox-1"),
                         headers=headers)
    assert resent.status_code == 200
    assert resent.get_json()["number"] == "GZ-2026/001" and not resent.get_json()["created"]
    assert count_contracts(session) == 1
    other = client.post(desk_url(hall), data=deal_form(hall, client_key="outbox-2"),
                        headers=headers)
    assert other.get_json()["number"] == "GZ-2026/002"
    assert count_contracts(session) == 2


def test_a_deal_without_the_no_money_check_changes_nothing_and_says_why(client, session,
                                                                         open_hall):
    hall = open_hall
    login_as(client, hall["notary"])
    data = deal_form(hall)
    del data["no_money"]
    response = client.post(desk_url(hall), data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Confirm that no money changes hands in this deal." in page
    assert 'value="Szymon Informatyk"' in page and 'value="desk-key-1"' in page  # kept
    assert count_contracts(session) == 0

    as_json = client.post(desk_url(hall), data=data, headers={"Accept": "application/json"})
    assert as_json.status_code == 422
    assert as_json.get_json()["errors"]["no_money"] == [
        "Confirm that no money changes hands in this deal."]

    typo = client.post(desk_url(hall), data=deal_form(hall, parties=["xyz", "Biblioteka"]))
    assert "No admitted organization matches “xyz”." in typo.get_data(as_text=True)
    bad_row = client.post(desk_url(hall), data=deal_form(hall, **{
        "commitments-0-quantity": "", "commitments-0-pick": "#999999 gone"}),
        headers={"Accept": "application/json"}).get_json()
    assert "commitments-0-pick" in bad_row["errors"]
    assert count_contracts(session) == 0


def test_the_grace_period_takes_only_forms_opened_before_the_end(app, client, session, hall):
    from exchange.web.events.floor import sign_opened_at

    hall["start"](NOW - timedelta(minutes=95))  # ended 5 minutes ago; grace is 10
    ends_at = session.get(ExchangeEvent, hall["event"].id).session_ends_at
    login_as(client, hall["notary"])
    assert "only deals already at the desk" in client.get(desk_url(hall)).get_data(as_text=True)
    with app.app_context():
        in_time, too_late = (sign_opened_at(ends_at - timedelta(minutes=1)),
                             sign_opened_at(ends_at + timedelta(minutes=1)))
    late = client.post(desk_url(hall), data=deal_form(hall, opened_at=too_late, client_key="a"))
    assert "The session is over" in late.get_data(as_text=True)
    forged = client.post(desk_url(hall), data=deal_form(
        hall, opened_at=(ends_at - timedelta(minutes=1)).isoformat(), client_key="b"))
    assert "The session is over" in forged.get_data(as_text=True)
    assert count_contracts(session) == 0
    assert client.post(desk_url(hall), data=deal_form(
        hall, opened_at=in_time, client_key="c")).status_code == 302
    assert count_contracts(session) == 1


def test_only_notaries_use_the_desk_and_print_its_contracts(client, session, open_hall,
                                                            make_user):
    hall = open_hall
    login_as(client, hall["broker"])
    assert client.get(desk_url(hall)).status_code == 403
    assert client.post(desk_url(hall), data=deal_form(hall)).status_code == 403
    assert count_contracts(session) == 0
    login_as(client, hall["notary"])
    contract_id = client.post(desk_url(hall), data=deal_form(hall),
                              headers={"Accept": "application/json"}).get_json()["contract_id"]
    login_as(client, hall["broker"])
    assert client.get(f"/events/{hall['event'].id}/contracts/{contract_id}/print"
                      ).status_code == 403
    # A party prints its copy the usual way.
    login_as(client, hall["library_owner"])
    assert client.get(f"/organizations/{hall['library'].id}/contracts/{contract_id}/print"
                      ).status_code == 200


# ---------------------------------------------------------------------------- phone deals

def phone_form(hall, **changes) -> dict:
    data = {"parties": [str(hall["library"].id), "Fundacja Szkoła Kodu"],
            "representatives-0-representative": "Ewa Bibliotekarka",
            "representatives-1-representative": "Szymon Informatyk",
            "commitments-0-giver_id": "@1", "commitments-0-receiver_id": "@0",
            "commitments-0-pick": f"#{hall['lab'].id}",
            "commitments-0-what": "Pracownia na kurs dla seniorów",
            "commitments-0-quantity": "6", "commitments-0-due_on": "2027-03-31",
            "commitments-1-giver_id": "@0", "commitments-1-receiver_id": "@1"}
    data.update(changes)
    return data


def test_a_phone_deal_waits_in_the_queue_and_is_ratified_at_the_desk(app, client, session,
                                                                     open_hall):
    hall = open_hall
    event, library = hall["event"], hall["library"]
    phone_url = f"/events/{event.id}/organizations/{library.id}/deal"
    login_as(client, hall["library_owner"])
    page = client.get(phone_url).get_data(as_text=True)
    assert "Send to the notary desk" in page and "Fundacja Szkoła Kodu" in page
    assert client.post(phone_url, data=phone_form(hall)).status_code == 302
    deal = session.scalar(select(EventDeal))
    assert deal.status is DealStatus.QUEUED and deal.terms["parties"] == [
        str(library.id), str(hall["school"].id)]
    assert "waiting at the notary desk" in client.get(phone_url).get_data(as_text=True)
    assert count_contracts(session) == 0

    notary = app.test_client()
    notary.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    login_as(notary, hall["notary"])
    desk = notary.get(desk_url(hall)).get_data(as_text=True)
    assert f'id="queued-{deal.id}"' in desk and "Pracownia na kurs dla seniorów" in desk
    opened = notary.get(desk_url(hall, f"?deal={deal.id}")).get_data(as_text=True)
    assert hidden(opened, "deal_id") == str(deal.id)
    assert 'value="Biblioteka Miejska"' in opened and 'value="Fundacja Szkoła Kodu"' in opened
    assert 'value="Pracownia na kurs dla seniorów"' in opened
    fields = {"parties": ["Biblioteka Miejska", "Fundacja Szkoła Kodu"],
              "representatives-0-representative": "Ewa Bibliotekarka",
              "representatives-1-representative": "Szymon Informatyk",
              "commitments-0-giver_id": "@1", "commitments-0-receiver_id": "@0",
              "commitments-0-what": "Pracownia na kurs dla seniorów",
              "commitments-0-quantity": "6", "commitments-0-unit": "hours",
              "commitments-0-due_on": "2027-03-31",
              "commitments-0-listing_id": str(hall["lab"].id),
              "deal_id": hidden(opened, "deal_id"), "client_key": hidden(opened, "client_key"),
              "opened_at": hidden(opened, "opened_at"), "no_money": "1"}
    assert notary.post(desk_url(hall), data=fields).status_code == 302
    session.rollback()
    deal = session.get(EventDeal, deal.id)
    contract = session.scalar(select(Contract))
    assert deal.status is DealStatus.RATIFIED and deal.contract_id == contract.id
    status = client.get(phone_url).get_data(as_text=True)
    assert "ratified" in status and contract.number in status
    assert f'id="queued-{deal.id}"' not in notary.get(desk_url(hall)).get_data(as_text=True)


def test_a_phone_deal_opened_at_one_desk_shows_taken_at_the_others(app, client, session,
                                                                     open_hall, make_user):
    from exchange.core import events

    hall = open_hall
    event = hall["event"]
    second = make_user("notary2@example.org", name="Nina Notariuszka")
    events.add_staff(session, hall["organiser"], event.id, "notary2@example.org", "notary",
                     NOW)
    session.commit()
    login_as(client, hall["library_owner"])
    client.post(f"/events/{event.id}/organizations/{hall['library'].id}/deal",
                data=phone_form(hall, no_money="1"))
    deal = session.scalar(select(EventDeal))
    desks = []
    for user in (hall["notary"], second):
        desk = app.test_client()
        desk.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
        login_as(desk, user)
        desks.append(desk)
    first, other = desks

    opened = first.post(desk_url(hall, f"/queue/{deal.id}/open"))
    assert opened.headers["Location"].endswith(f"/desk?deal={deal.id}")
    page = first.get(opened.headers["Location"]).get_data(as_text=True)
    assert hidden(page, "deal_id") == str(deal.id)
    # The participants ticked "no money" on the phone: the desk shows it ticked.
    assert re.search(r'id="no_money"[^>]*checked', page)
    assert "Take it over" not in first.get(desk_url(hall, "/queue")).get_data(as_text=True)

    queue = other.get(desk_url(hall, "/queue")).get_data(as_text=True)
    assert f'id="taken-{deal.id}"' in queue and "Norbert Notariusz" in queue
    assert "Take it over" in queue
    refused = other.post(desk_url(hall, f"/queue/{deal.id}/open"))
    assert refused.headers["Location"].endswith("/desk#queue")
    assert "Norbert Notariusz has opened this deal at another desk" in other.get(
        desk_url(hall)).get_data(as_text=True)
    # Typed by hand, the address shows a blank form and says who has the deal.
    blank = other.get(desk_url(hall, f"?deal={deal.id}")).get_data(as_text=True)
    assert hidden(blank, "deal_id") == "" and "Norbert Notariusz has opened" in blank
    session.rollback()
    assert session.get(EventDeal, deal.id).taken_by_id == hall["notary"].id

    taken_over = other.post(desk_url(hall, f"/queue/{deal.id}/open"), data={"take_over": "1"})
    assert taken_over.headers["Location"].endswith(f"/desk?deal={deal.id}")
    session.rollback()
    assert session.get(EventDeal, deal.id).taken_by_id == second.id
    assert f'id="taken-{deal.id}"' in first.get(desk_url(hall, "/queue")).get_data(as_text=True)


def test_a_desk_that_left_a_deal_lets_it_go_after_ten_minutes(session, open_hall, make_user):
    from exchange.core import events
    from exchange.core.errors import Conflict

    hall = open_hall
    event = hall["event"]
    second = make_user("notary2@example.org", name="Nina Notariuszka")
    events.add_staff(session, hall["organiser"], event.id, "notary2@example.org", "notary",
                     NOW)
    deal = events.submit_deal(session, hall["library_owner"], event.id, hall["library"].id, {
        "parties": [hall["library"].id, hall["school"].id],
        "commitments": [{"giver_id": hall["school"].id, "receiver_id": hall["library"].id,
                         "what": "Pracownia", "quantity": 2, "unit": "hours",
                         "due_on": "2027-03-31"}]}, NOW)
    events.take_deal(session, hall["notary"], event.id, deal.id, NOW)
    with pytest.raises(Conflict):
        events.take_deal(session, second, event.id, deal.id, NOW + timedelta(minutes=9))
    assert events.taken_elsewhere(deal, second, NOW + timedelta(minutes=9))
    assert not events.taken_elsewhere(deal, hall["notary"], NOW + timedelta(minutes=9))
    assert not events.taken_elsewhere(deal, second, NOW + timedelta(minutes=11))
    events.take_deal(session, second, event.id, deal.id, NOW + timedelta(minutes=11))
    assert deal.taken_by_id == second.id


def test_the_desk_offers_each_party_s_people_checked_in_at_the_door(client, session, open_hall):
    from exchange.core import events

    hall = open_hall
    ewa = person(session, "Ewa Bibliotekarka")
    events.check_in(session, hall["organiser"], hall["event"].id, ewa.badge_token, NOW)
    session.commit()
    login_as(client, hall["notary"])
    page = client.get(desk_url(hall)).get_data(as_text=True)
    people = re.search(r"data-people='([^']*)'", page).group(1)
    import json
    assert json.loads(people.replace("&#34;", '"')) == {
        "Biblioteka Miejska": ["Ewa Bibliotekarka"], "Fundacja Szkoła Kodu": []}


def test_the_notary_rejects_a_phone_deal_with_a_note(app, client, session, open_hall):
    hall = open_hall
    event, library = hall["event"], hall["library"]
    phone_url = f"/events/{event.id}/organizations/{library.id}/deal"
    login_as(client, hall["library_owner"])
    client.post(phone_url, data=phone_form(hall))
    deal = session.scalar(select(EventDeal))
    notary = app.test_client()
    login_as(notary, hall["notary"])
    notary.post(desk_url(hall, f"/queue/{deal.id}/reject"), data={"note": "Brak przedstawicieli"})
    session.rollback()
    assert session.get(EventDeal, deal.id).status is DealStatus.REJECTED
    page = client.get(phone_url).get_data(as_text=True)
    assert "not ratified" in page and "Brak przedstawicieli" in page


def test_a_phone_deal_with_errors_is_not_queued(client, session, open_hall):
    hall = open_hall
    phone_url = f"/events/{hall['event'].id}/organizations/{hall['library'].id}/deal"
    login_as(client, hall["library_owner"])
    response = client.post(phone_url, data=phone_form(hall, **{"commitments-0-quantity": ""}))
    assert response.status_code == 422
    assert "This field is required." in response.get_data(as_text=True)
    assert session.scalar(select(func.count(EventDeal.id))) == 0


def test_phone_deals_wait_for_the_session(client, session, hall):
    phone_url = f"/events/{hall['event'].id}/organizations/{hall['library'].id}/deal"
    login_as(client, hall["library_owner"])
    page = client.get(phone_url).get_data(as_text=True)
    assert "Deals are drafted while the session is open." in page
    client.post(phone_url, data=phone_form(hall))
    assert session.scalar(select(func.count(EventDeal.id))) == 0


def test_the_pages_of_the_day_open_in_polish(client, session, open_hall):
    hall = open_hall
    event = hall["event"]
    token = person(session, "Ewa Bibliotekarka").badge_token
    login_as(client, hall["organiser"])
    with client.session_transaction() as s:
        s["locale"] = "pl"
    for url in (f"/events/{event.id}/door?q=ewa", f"/events/{event.id}/door/{token}",
                f"/events/{event.id}/badges", f"/events/{event.id}/session", desk_url(hall)):
        response = client.get(url)
        assert response.status_code == 200, url
        assert '<html lang="pl">' in response.get_data(as_text=True)
    login_as(client, hall["library_owner"])
    assert client.get(f"/events/{event.id}/organizations/{hall['library'].id}/deal"
                      ).status_code == 200


# ---------------------------------------------------------------------------- live now

def section(page: str, heading_id: str) -> str:
    start = page.index(f'id="{heading_id}"')
    return page[start:page.index("</section>", start)]


def test_a_running_session_is_listed_as_live_now_not_as_upcoming(client, session, hall, clock):
    listing = client.get("/events/").get_data(as_text=True)
    assert 'id="live-heading"' not in listing and "Giełda Zasobów Tczew 2026" in section(
        listing, "upcoming-heading")

    hall["start"](NOW)
    listing = client.get("/events/").get_data(as_text=True)
    live = section(listing, "live-heading")
    assert "Live now" in live and "Giełda Zasobów Tczew 2026" in live
    assert f'/events/{hall["event"].id}/board' in live
    assert 'id="upcoming-heading"' not in listing

    clock.advance(timedelta(hours=3))  # time is up and the grace is over: no longer live
    listing = client.get("/events/").get_data(as_text=True)
    assert 'id="live-heading"' not in listing


def test_during_the_session_a_participant_sees_write_down_a_deal_first(client, session, hall,
                                                                       clock):
    login_as(client, hall["library_owner"])
    url = f"/events/{hall['event'].id}"
    assert 'id="deal-heading"' not in client.get(url).get_data(as_text=True)

    hall["start"](NOW)
    page = client.get(url).get_data(as_text=True)
    panel = section(page, "deal-heading")
    deal_url = f"/events/{hall['event'].id}/organizations/{hall['library'].id}/deal"
    assert "The session is on: write down your deals" in panel and deal_url in panel
    # It comes before the event's facts, the first thing on a phone's screen.
    assert page.index('id="deal-heading"') < page.index('class="facts"')

    login_as(client, hall["organiser"])  # staff without an admitted organization: no panel
    assert 'id="deal-heading"' not in client.get(url).get_data(as_text=True)

    login_as(client, hall["library_owner"])
    clock.advance(timedelta(minutes=95))  # the desk no longer takes new deals
    assert 'id="deal-heading"' not in client.get(url).get_data(as_text=True)


def test_the_desk_fetches_its_queue_anew_with_a_304_while_nothing_changed(app, client, session,
                                                                         open_hall):
    hall = open_hall
    notary = app.test_client()
    notary.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    login_as(notary, hall["notary"])
    desk = notary.get(desk_url(hall)).get_data(as_text=True)
    etag = re.search(r'id="queue"[^>]*data-etag="([0-9a-f]+)"', desk).group(1)
    empty = notary.get(desk_url(hall, "/queue"))
    assert empty.status_code == 200 and empty.headers["ETag"] == f'"{etag}"'
    assert "No phone deals are waiting." in empty.get_data(as_text=True)
    assert notary.get(desk_url(hall, "/queue"),
                      headers={"If-None-Match": f'"{etag}"'}).status_code == 304

    login_as(client, hall["library_owner"])
    client.post(f"/events/{hall['event'].id}/organizations/{hall['library'].id}/deal",
                data=phone_form(hall))
    deal = session.scalar(select(EventDeal))
    changed = notary.get(desk_url(hall, "/queue"), headers={"If-None-Match": f'"{etag}"'})
    assert changed.status_code == 200 and changed.headers["ETag"] != f'"{etag}"'
    fragment = changed.get_data(as_text=True)
    assert fragment.lstrip().startswith("<section id=\"queue\"")  # only the queue, no page
    assert f'id="queued-{deal.id}"' in fragment and "Pracownia na kurs dla seniorów" in fragment
    assert f"/desk/queue/{deal.id}/open" in fragment


def test_the_session_page_has_the_interim_results_to_read_out(client, session, open_hall, now):
    from exchange.core import events
    from tests.conftest import desk_deal

    hall = open_hall
    events.ratify(session, hall["notary"], hall["event"].id, desk_deal(hall),
                  now + timedelta(minutes=5), client_key="interim-1")
    session.commit()
    login_as(client, hall["organiser"])
    page = client.get(f"/events/{hall['event'].id}/session").get_data(as_text=True)
    interim = page[page.index('id="interim"'):page.index("</section>", page.index('id="interim"'))]
    assert "Interim results" in interim
    assert re.search(r"<dt>Deals</dt><dd>1</dd>", interim)
    assert "Most deals:</strong>" in interim and "IT equipment (1)" in interim

    events.close_session(session, hall["organiser"], hall["event"].id, now + timedelta(minutes=9))
    session.commit()
    page = client.get(f"/events/{hall['event'].id}/session").get_data(as_text=True)
    assert "Final results" in page and "Interim results" not in page
