"""The no-money rule's warning on the web and in the API: the author confirms ambiguous money
words, the staff see the confirmation, imports list them as warnings (issue 17)."""
from __future__ import annotations

import html
import io
import json
import re

import pytest
from sqlalchemy import select

from models import Listing
from tests.conftest import bearer, login_id, TEST_PASSWORD

FORM = {"kind": "offer", "category": "rooms", "title": "Wynajmiemy salę na zebrania",
        "description": "Sala na 40 osób, w ramach wymiany.", "quantity": "4", "unit": "hours"}
NEW = {"kind": "offer", "category": "rooms", "title": "Szukamy sponsora nagród",
       "description": "Dla dzieci z gminy.", "quantity": 1, "unit": "pieces"}


def login_as(client, user):
    with client.session_transaction() as s:
        s["_user_id"] = login_id(user)


@pytest.fixture
def member_org(client, make_user, make_org):
    user = make_user("anna@example.org")
    org = make_org(user, name="Biblioteka", municipality="Tczew", sector="public")
    login_as(client, user)
    return user, org


def saved(session) -> list[Listing]:
    session.rollback()
    return list(session.scalars(select(Listing)))


def test_the_form_warns_quoting_the_words_and_saves_once_confirmed(client, session, member_org):
    user, org = member_org
    url = f"/organizations/{org.id}/listings/new"
    assert 'name="not_a_payment"' not in client.get(url).get_data(as_text=True)
    response = client.post(url, data={**FORM, "action": "publish"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and saved(session) == []
    assert "Words that may be about money: “Wynajmiemy”" in page
    assert 'name="not_a_payment"' in page and "This is not a payment" in page
    assert 'href="#not_a_payment"' in page  # in the error summary, linked to the box
    response = client.post(url, data={**FORM, "action": "publish", "not_a_payment": "y"})
    assert response.status_code == 302
    [listing] = saved(session)
    assert (listing.money_confirmed_fragment, listing.money_confirmed_by_id) == (
        "Wynajmiemy", user.id)
    detail = client.get(f"/listings/{listing.id}").get_data(as_text=True)
    assert "confirmed: not a payment — “Wynajmiemy”" in detail  # its own organization sees it


def test_a_certain_payment_is_refused_tick_or_not(client, session, member_org):
    _user, org = member_org
    response = client.post(f"/organizations/{org.id}/listings/new", data={
        **FORM, "description": "Cena 100 zł za wieczór", "action": "publish",
        "not_a_payment": "y"})
    assert response.status_code == 422 and saved(session) == []
    assert "remove “Cena”" in response.get_data(as_text=True)


def test_the_warning_speaks_polish(client, session, make_user, make_org):
    user = make_user("ewa@example.org", locale="pl")
    org = make_org(user, name="Fundacja", municipality="Tczew")
    login_as(client, user)
    response = client.post(f"/organizations/{org.id}/listings/new",
                           data={**FORM, "action": "publish"})
    page = response.get_data(as_text=True)
    assert "mogą dotyczyć pieniędzy: „Wynajmiemy”" in page and "To nie jest płatność" in page


def test_the_edit_form_asks_again_when_the_texts_change(client, session, member_org):
    _user, org = member_org
    client.post(f"/organizations/{org.id}/listings/new",
                data={**FORM, "action": "publish", "not_a_payment": "y"})
    [listing] = saved(session)
    url = f"/organizations/{org.id}/listings/{listing.id}/edit"
    form = client.get(url).get_data(as_text=True)
    assert "Confirmed before: not a payment — “Wynajmiemy”" in form
    assert client.post(url, data={**FORM, "quantity": "6"}).status_code == 302
    response = client.post(url, data={**FORM, "description": "Sala na 60 osób."})
    assert response.status_code == 422
    assert "may be about money: “Wynajmiemy”" in response.get_data(as_text=True)


@pytest.fixture
def token(client, member_org):
    response = client.post("/api/v1/tokens", json={"email": "anna@example.org",
                                                   "password": TEST_PASSWORD, "name": "skrypt"})
    return response.json["token"]


def test_the_api_answers_422_with_the_words_until_not_a_payment_is_sent(client, session,
                                                                        member_org, token):
    user, org = member_org
    body = {**NEW, "organization_id": org.id}
    response = client.post("/api/v1/listings", json=body, headers=bearer(token))
    assert response.status_code == 422
    assert response.json["money_warnings"] == [{"field": "title", "fragment": "sponsora"}]
    assert "may be about money: “sponsora”" in response.json["fields"]["not_a_payment"][0]
    assert saved(session) == []
    response = client.post("/api/v1/listings", json={**body, "not_a_payment": True},
                           headers=bearer(token))
    assert response.status_code == 201
    assert response.json["money_confirmed"]["fragment"] == "sponsora"
    listing_id = response.json["id"]
    patch = client.patch(f"/api/v1/listings/{listing_id}", json={"quantity": 2},
                         headers=bearer(token))
    assert patch.status_code == 200  # the texts are unchanged: no new confirmation
    patch = client.patch(f"/api/v1/listings/{listing_id}",
                         json={"description": "Dla dzieci i młodzieży."}, headers=bearer(token))
    assert patch.status_code == 422 and patch.json["money_warnings"]
    certain = client.post("/api/v1/listings", json={**body, "title": "Sprzedam nagrody",
                                                    "not_a_payment": True},
                          headers=bearer(token))
    assert certain.status_code == 422 and "money_warnings" not in certain.json


def test_the_desk_and_the_listing_page_show_the_confirmation_to_the_notary(
        client, session, hall, now):
    from exchange.core import listings

    lab = hall["lab"]
    listings.update_listing(session, hall["school_owner"], hall["school"].id, lab.id, {
        "kind": "offer", "category": "computer_labs", "quantity": 20, "unit": "hours",
        "title": "Pracownia komputerowa, bez najmu dla szkół",
        "description": "Wynajmujemy ją tylko w ramach wymiany.", "not_a_payment": True}, now)
    session.commit()
    hall["start"]()
    login_as(client, hall["notary"])
    desk = client.get(f"/events/{hall['event'].id}/desk").get_data(as_text=True)
    [options] = re.findall(r"data-listings='([^']*)'", desk)
    by_id = {x["id"]: x for x in json.loads(html.unescape(options))}
    assert by_id[lab.id]["money_note"] == "confirmed: not a payment — “Wynajmujemy”"
    assert by_id[hall["need"].id]["money_note"] == ""
    assert "data-money-note" in desk
    page = client.get(f"/listings/{lab.id}").get_data(as_text=True)
    assert "confirmed: not a payment — “Wynajmujemy”" in page
    login_as(client, hall["organiser"])  # the admission page lists what each one brings
    participants = client.get(f"/events/{hall['event'].id}/participants").get_data(as_text=True)
    assert "confirmed: not a payment — “Wynajmujemy”" in participants
    login_as(client, hall["library_owner"])  # another participant: not shown
    assert "confirmed: not a payment" not in client.get(f"/listings/{lab.id}").get_data(
        as_text=True)


def test_the_import_page_lists_ambiguous_words_as_warnings_and_imports(client, session,
                                                                       make_user):
    admin = make_user(is_admin=True)
    login_as(client, admin)
    content = ("organization_ref,organization_name,organization_sector,organization_municipality,"
               "ref,kind,category,title,quantity,unit\n"
               "org-1,Biblioteka,public,Tczew,l-1,offer,rooms,Sala w ramach najmu gminy,4,hours\n")
    response = client.post("/admin/transfer", data={
        "file": (io.BytesIO(content.encode()), "zgloszenia.csv")},
        content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "The file is imported." in page
    assert "Warnings" in page and "“najmu” may be about money" in page
    assert '<td data-label="Line">2</td>' in page
    [listing] = saved(session)
    assert listing.money_confirmed_by_id == admin.id
