"""What each partner brings, on the web (issue 18, part 2): a partner declares a contribution,
the map of resources and needs shows it in its sector × category cell with the proposals
between partners, the coordinator brokers one (twice at once tells once), the members-only
API lists the contributions, and a contribution kept for the partnership only reaches no
outsider: not the marketplace, the search, the API's list or its page."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from exchange.core import accounts, listings, organizations as orgs
from exchange.core import partnerships as core
from exchange.core.partnerships import contributions
from models import Listing, Notification
from tests.conftest import TEST_PASSWORD, bearer, login_id
from tests.live import Request, all_at_once, served
from tests.web.test_invitations import _session_cookie

LAB = {"kind": "offer", "category": "computer_labs",
       "title": "Pracownia komputerowa na 20 stanowisk", "quantity": 10, "unit": "hours",
       "latitude": 54.0921, "longitude": 18.7775}
NEED = {"kind": "need", "category": "computer_labs", "title": "Szukamy pracowni komputerowej",
        "description": "Kurs dla seniorów.", "quantity": 4, "unit": "hours"}


def login_as(client, user):
    with client.session_transaction() as s:
        s["_user_id"] = login_id(user)


@pytest.fixture
def town(session, now):
    def person(email):
        return accounts.register_user(session, email=email, name="Osoba", password=TEST_PASSWORD,
                                      locale="en", now=now)
    people = {name: person(f"{name}@example.org")
              for name in ("director", "headmaster", "banker", "stranger")}
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


def declared(session, town, now, *, only=True):
    lab = contributions.declare(session, town.headmaster, town.partnership.id, town.school.id,
                                LAB, now, partnership_only=only)
    need = contributions.declare(session, town.banker, town.partnership.id, town.bank.id,
                                 NEED, now)
    session.commit()
    return lab, need


def test_a_partner_declares_a_contribution_kept_for_the_partnership(client, session, town):
    login_as(client, town.headmaster)
    path = f"/partnerships/{town.partnership.id}/contributions/new"
    assert client.get(path).status_code == 200
    answer = client.post(path, data={**LAB, "organization_id": str(town.school.id),
                                     "partnership_only": "y"})
    assert answer.status_code == 302
    assert answer.headers["Location"].endswith(f"/partnerships/{town.partnership.id}/map")
    session.rollback()
    lab = session.scalar(select(Listing))
    assert (lab.partnership_id, lab.partnership_only, lab.organization_id) == (
        town.partnership.id, True, town.school.id)


def test_a_bad_contribution_is_refused_with_its_reason_and_nothing_is_saved(
        client, session, town):
    login_as(client, town.headmaster)
    answer = client.post(f"/partnerships/{town.partnership.id}/contributions/new",
                         data={**LAB, "title": "", "organization_id": str(town.school.id)})
    assert answer.status_code == 422
    assert "This field is required." in answer.get_data(as_text=True)
    # An organization of the partnership that is not the headmaster's: refused too.
    answer = client.post(f"/partnerships/{town.partnership.id}/contributions/new",
                         data={**LAB, "organization_id": str(town.bank.id)})
    assert answer.status_code == 422
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Listing)) == 0


def test_the_map_shows_the_lab_in_its_cell_the_unmet_need_and_the_proposal(
        client, session, town, now):
    lab, need = declared(session, town, now)
    login_as(client, town.director)
    page = client.get(f"/partnerships/{town.partnership.id}/map").get_data(as_text=True)
    cell = page.split('data-sector="public" data-category="computer_labs"')[1].split("</td>")[0]
    assert lab.title in cell and "1 contribution" in cell
    bank_cell = page.split('<td class="unmet" data-sector="business" '
                           'data-category="computer_labs"')[1].split("</td>")[0]
    assert need.title in bank_cell and "1 not met" in bank_cell
    proposals = page.split('id="proposals-heading"')[1]
    assert "Szkoła Podstawowa</strong> → <strong>Bank Spółdzielczy" in proposals
    assert f'name="offer_id" value="{lab.id}"' in proposals
    assert "vendor/leaflet/leaflet.js" in page and "54.0921" in page
    # A partner who does not coordinate sees the proposal without the button.
    login_as(client, town.banker)
    page = client.get(f"/partnerships/{town.partnership.id}/map").get_data(as_text=True)
    assert "Bank Spółdzielczy" in page and 'name="offer_id"' not in page


def test_the_map_lets_tiles_in_only_from_the_configured_host(app, client, session, town, now):
    declared(session, town, now)
    login_as(client, town.director)
    path = f"/partnerships/{town.partnership.id}/map"
    answer = client.get(path)
    assert "img-src 'self' data:;" in answer.headers["Content-Security-Policy"]
    assert 'data-tiles=""' in answer.get_data(as_text=True)
    app.config["MAP_TILE_URL"] = "https://{s}.tiles.example.org/{z}/{x}/{y}.png"
    answer = client.get(path)
    assert "img-src 'self' data: https://*.tiles.example.org;" in \
        answer.headers["Content-Security-Policy"]
    assert "tiles.example.org" not in client.get("/listings/").headers["Content-Security-Policy"]


def test_the_coordinator_brokers_and_both_partners_are_told(client, session, town, now):
    lab, need = declared(session, town, now)
    login_as(client, town.director)
    answer = client.post(f"/partnerships/{town.partnership.id}/map/broker",
                         data={"need_id": str(need.id), "offer_id": str(lab.id)},
                         follow_redirects=True)
    assert "Both partners are told about the proposed exchange." in answer.get_data(as_text=True)
    session.rollback()
    told = session.scalars(select(Notification.user_id).where(
        Notification.key.startswith("partnership-proposal:"))).all()
    assert sorted(told) == sorted([town.headmaster.id, town.banker.id])
    # A pair that is not a proposal: said so, nothing sent.
    answer = client.post(f"/partnerships/{town.partnership.id}/map/broker",
                         data={"need_id": str(lab.id), "offer_id": str(need.id)},
                         follow_redirects=True)
    assert "This proposal is no longer open." in answer.get_data(as_text=True)


def test_two_clicks_at_once_tell_each_partner_once(app, session, town, now):
    lab, need = declared(session, town, now)
    body = f"need_id={need.id}&offer_id={lab.id}".encode()
    with served(app) as base:
        cookie = _session_cookie(base, town.director.email)
        answers = all_at_once(base, [Request(
            "POST", f"/partnerships/{town.partnership.id}/map/broker", body, {
                "Cookie": cookie, "Accept-Language": "en",
                "Content-Type": "application/x-www-form-urlencoded"}) for _ in range(3)],
            timeout=60)
    assert [a.status for a in answers] == [302, 302, 302]
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Notification).where(
        Notification.key.startswith("partnership-proposal:"))) == 2


def test_outsiders_never_see_a_partnership_only_contribution(
        client, session, town, now, token_for):
    lab, _need = declared(session, town, now)
    public = listings.create_listing(session, town.headmaster, town.school.id,
                                     {**LAB, "title": "Pracownia komputerowa dla wszystkich"},
                                     now)
    session.commit()
    stranger = bearer(token_for(town.stranger))
    for headers in ({}, stranger):
        found = client.get("/api/v1/listings?q=pracownia&kind=offer", headers=headers).get_json()
        assert [x["id"] for x in found["items"]] == [public.id]
        assert client.get(f"/api/v1/listings/{lab.id}", headers=headers).status_code == 404
        assert client.get(f"/api/v1/partnerships/{town.partnership.id}/contributions",
                          headers=headers).status_code == (404 if headers else 401)
    login_as(client, town.stranger)
    for path in ("/listings/", "/listings/?q=pracownia+komputerowa",
                 "/listings/?category=computer_labs", f"/organizations/{town.school.id}"):
        page = client.get(path).get_data(as_text=True)
        assert public.title in page and lab.title not in page, path
    assert client.get(f"/listings/{lab.id}").status_code == 404
    assert client.get(f"/partnerships/{town.partnership.id}/map").status_code == 404
    # A partner reads it, on its page and in the members' API.
    login_as(client, town.banker)
    assert client.get(f"/listings/{lab.id}").status_code == 200
    items = client.get(f"/api/v1/partnerships/{town.partnership.id}/contributions",
                       headers=bearer(token_for(town.banker))).get_json()["items"]
    assert {(x["id"], x["partnership_only"]) for x in items} == {(lab.id, True),
                                                                  (_need.id, False)}
