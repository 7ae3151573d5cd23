"""Saved searches on the web and in the API: save the marketplace's filters, list and remove
them, and hear of new listings matching them in one notice per search, in correct Polish."""
from __future__ import annotations

from datetime import timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from exchange.core import saved_searches
from exchange.core.listings import create_listing
from exchange.http.i18n import text_of
from models import Notification, SavedSearch
from tests.conftest import NOW, TEST_PASSWORD, bearer
from tests.web import test_mail
from tests.web.test_mail import job, outbox

# The mail tests' app, with the Polish catalogue compiled afresh (fixtures, shared by name).
mail_app, translations = test_mail.mail_app, test_mail.translations

ROOM = {"kind": "offer", "category": "rooms", "title": "Sala na 40 osób", "quantity": 5,
        "unit": "hours"}


@pytest.fixture
def people(session, make_user, make_org):
    reader = make_user("reader@example.org", name="Renata")
    other = make_user("other@example.org", name="Olek")
    librarian = make_user("lib@example.org")
    library = make_org(librarian, name="Biblioteka", municipality="Tczew")
    return {"reader": reader, "other": other, "librarian": librarian, "library": library}


def saved(session) -> list[SavedSearch]:
    session.rollback()
    return list(session.scalars(select(SavedSearch).order_by(SavedSearch.id)))


def test_the_marketplace_offers_to_notify_the_signed_in_only(client, auth, people):
    page = client.get("/listings/?category=rooms").get_data(as_text=True)
    assert "Log in to be notified" in page and "Notify me of new ones" not in page
    auth.login("reader@example.org")
    page = client.get("/listings/?category=rooms&municipality=Tczew").get_data(as_text=True)
    assert "Notify me of new ones" in page
    assert '<input type="hidden" name="category" value="rooms">' in page
    assert "Notify me of new ones" not in client.get("/listings/").get_data(as_text=True)


def test_saving_twice_keeps_one_search_listed_on_the_account_page(client, auth, session,
                                                                   people):
    auth.login("reader@example.org")
    form = {"category": "rooms", "municipality": "Tczew", "q": "sala"}
    response = client.post("/listings/saved-searches", data=form)
    assert response.status_code == 302
    assert response.headers["Location"] == "/listings/?q=sala&category=rooms&municipality=Tczew"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Saved: new listings matching “Rooms and venues · Tczew · “sala”” will" in page
    client.post("/listings/saved-searches", data=form)
    page = client.get("/listings/").get_data(as_text=True)
    assert "You are already notified of new listings matching these filters." in page
    [search] = saved(session)
    account = client.get("/account").get_data(as_text=True)
    assert "Saved searches" in account and "Rooms and venues · Tczew · “sala”" in account
    assert 'href="/listings/?q=sala&amp;category=rooms&amp;municipality=Tczew"' in account
    assert f"/account/saved-searches/{search.id}/remove" in account


def test_empty_filters_and_the_limit_are_refused_with_a_reason(client, auth, session, people):
    auth.login("reader@example.org")
    client.post("/listings/saved-searches", data={"q": "  "})
    assert "Choose at least one filter" in client.get("/listings/").get_data(as_text=True)
    for number in range(saved_searches.MAX_PER_USER):
        saved_searches.save_search(session, people["reader"], {"q": f"sala {number}"}, "s", NOW)
    session.commit()
    client.post("/listings/saved-searches", data={"category": "rooms"})
    page = client.get("/listings/").get_data(as_text=True)
    assert "You have reached the limit of 20 saved searches." in page
    assert len(saved(session)) == saved_searches.MAX_PER_USER


def test_the_limit_reads_in_polish(mail_app, session, people):
    people["reader"].locale = "pl"
    for number in range(saved_searches.MAX_PER_USER):
        saved_searches.save_search(session, people["reader"], {"q": f"sala {number}"}, "s", NOW)
    session.commit()
    client = mail_app.test_client()
    client.post("/login", data={"email": "reader@example.org", "password": TEST_PASSWORD})
    client.post("/listings/saved-searches", data={"category": "rooms"})
    page = client.get("/listings/").get_data(as_text=True)
    assert "Osiągnięto limit zapisanych wyszukiwań (20)." in page


def test_only_its_owner_removes_a_search(client, auth, session, people):
    search, _ = saved_searches.save_search(session, people["reader"], {"kind": "need"},
                                           "Need", NOW)
    session.commit()
    auth.login("other@example.org")
    assert client.post(f"/account/saved-searches/{search.id}/remove").status_code == 404
    assert len(saved(session)) == 1
    auth.logout()
    auth.login("reader@example.org")
    response = client.post(f"/account/saved-searches/{search.id}/remove")
    assert response.headers["Location"] == "/account#saved-searches"
    assert saved(session) == []
    assert "No saved searches yet." in client.get("/account").get_data(as_text=True)


def test_the_api_lists_saves_and_removes_ones_own(client, session, people, token_for):
    mine, theirs = bearer(token_for(people["reader"])), bearer(token_for(people["other"]))
    empty = client.post("/api/v1/me/saved-searches", json={}, headers=mine)
    assert empty.status_code == 422
    assert client.post("/api/v1/me/saved-searches", json={"colour": "red"},
                       headers=mine).status_code == 422
    created = client.post("/api/v1/me/saved-searches", json={"kind": "offer", "q": "rzutnik"},
                          headers=mine)
    assert created.status_code == 201
    body = created.json
    assert body["filters"] == {"kind": "offer", "q": "rzutnik"}
    assert body["label"] == "Offer · “rzutnik”"
    assert body["url"].endswith("/listings/?q=rzutnik&kind=offer")
    again = client.post("/api/v1/me/saved-searches", json={"q": "rzutnik", "kind": "offer"},
                        headers=mine)
    assert again.status_code == 200 and again.json["id"] == body["id"]
    assert [s["id"] for s in client.get("/api/v1/me/saved-searches", headers=mine)
            .json["items"]] == [body["id"]]
    assert client.get("/api/v1/me/saved-searches", headers=theirs).json["items"] == []
    assert client.delete(f"/api/v1/me/saved-searches/{body['id']}",
                         headers=theirs).status_code == 404
    assert client.delete(f"/api/v1/me/saved-searches/{body['id']}",
                         headers=mine).status_code == 204
    assert client.delete(f"/api/v1/me/saved-searches/{body['id']}",
                         headers=mine).status_code == 404
    assert saved(session) == []


def test_the_job_run_twice_sends_one_polish_notice_and_mail(mail_app, session, people,
                                                           clock):
    from exchange.cli.jobs import run_job

    people["reader"].locale = "pl"
    search, _ = saved_searches.save_search(session, people["reader"], {"category": "rooms"},
                                           "Sale i miejsca", NOW)
    for title in ("Sala A", "Sala B", "Sala C"):
        create_listing(session, people["librarian"], people["library"].id,
                       {**ROOM, "title": title}, NOW + timedelta(minutes=5))
    session.commit()
    clock.advance(timedelta(minutes=30))
    assert run_job(mail_app, job("saved-search-alerts")) == 1
    assert run_job(mail_app, job("saved-search-alerts")) == 0
    session.rollback()
    [notice] = session.scalars(select(Notification))
    assert notice.key.startswith(f"saved-search:{search.id}:")
    assert notice.link == "/listings/?category=rooms"
    # New listings of a saved search wait for the daily digest (the default for the kind).
    run_job(mail_app, job("send-mail"))
    assert outbox(mail_app) == []
    run_job(mail_app, job("daily-digest"))
    [mail] = outbox(mail_app)
    body = mail.get_content()
    assert "3 nowe ogłoszenia pasują do zapisanego wyszukiwania „Sale i miejsca”." in body
    assert "https://gielda.example/listings/?category=rooms" in body


@pytest.mark.parametrize("count, polish, english", [
    (1, "1 nowe ogłoszenie pasuje", "1 new listing matches"),
    (2, "2 nowe ogłoszenia pasują", "2 new listings match"),
    (4, "4 nowe ogłoszenia pasują", "4 new listings match"),
    (5, "5 nowych ogłoszeń pasuje", "5 new listings match"),
    (12, "12 nowych ogłoszeń pasuje", "12 new listings match"),
    (22, "22 nowe ogłoszenia pasują", "22 new listings match"),
    (25, "25 nowych ogłoszeń pasuje", "25 new listings match"),
])
def test_the_notice_takes_the_plural_form_of_its_count(mail_app, count, polish, english):
    message = saved_searches.alert_message(count, "Sale")
    notice = Notification(message=message.text, params=dict(message.params))
    with mail_app.test_request_context():
        with force_locale("pl"):
            assert text_of(notice) == f"{polish} do zapisanego wyszukiwania „Sale”."
        with force_locale("en"):
            assert text_of(notice) == f"{english} your saved search “Sale”."
