"""Listings on the web: posting, editing, the lifecycle buttons, the marketplace and org pages."""
from __future__ import annotations

import re

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from models import Listing, ListingStatus, User
from tests.conftest import login_id

FORM = {"kind": "offer", "category": "rooms", "title": "Sala konferencyjna na 80 osób",
        "description": "Z rzutnikiem i nagłośnieniem.", "quantity": "12", "unit": "hours"}


def login_as(client, user):
    with client.session_transaction() as s:
        s["_user_id"] = login_id(user)


@pytest.fixture
def member_org(client, make_user, make_org):
    user = make_user()
    org = make_org(user, name="Biblioteka", municipality="Tczew", sector="public")
    login_as(client, user)
    return org


def listings_in_db(session):
    session.rollback()
    return list(session.scalars(select(Listing)))


def test_a_member_posts_an_offer_and_sees_it_in_the_marketplace(client, session, member_org):
    response = client.post(f"/organizations/{member_org.id}/listings/new",
                           data={**FORM, "action": "publish"})
    [listing] = listings_in_db(session)
    assert response.headers["Location"] == f"/listings/{listing.id}"
    page = client.get(f"/listings/{listing.id}").get_data(as_text=True)
    assert "Sala konferencyjna na 80 osób" in page and "Your listing is published." in page
    assert "Rooms and venues" in page and "12 hours" in page
    market = client.get("/listings/?q=sali").get_data(as_text=True)
    assert "Sala konferencyjna na 80 osób" in market and "1 listing" in market
    org_page = client.get(f"/organizations/{member_org.id}").get_data(as_text=True)
    assert "Sala konferencyjna na 80 osób" in org_page


def test_a_draft_stays_out_of_sight_until_published(app, client, session, member_org):
    client.post(f"/organizations/{member_org.id}/listings/new", data={**FORM, "action": "draft"})
    [listing] = listings_in_db(session)
    assert listing.status is ListingStatus.DRAFT
    assert "Sala konferencyjna" not in client.get("/listings/").get_data(as_text=True)
    assert app.test_client().get(f"/listings/{listing.id}").status_code == 404
    client.post(f"/organizations/{member_org.id}/listings/{listing.id}/status",
                data={"action": "publish"})
    assert app.test_client().get(f"/listings/{listing.id}").status_code == 200


@pytest.mark.parametrize("field, value, message", [
    ("title", "", "This field is required."),
    ("quantity", "0", "Enter a number from 1 to 1,000,000."),
    ("category", "cash", "Not a valid choice"),
    ("title", "Sala 100 zł/h", "never money: remove “100 zł”"),
    ("description", "Wynajmiemy za opłatą", "never money"),
    ("available_from", "jutro", "Not a valid date value."),
])
def test_bad_listing_is_explained_at_the_field_and_nothing_is_saved(client, session, member_org,
                                                                   field, value, message):
    response = client.post(f"/organizations/{member_org.id}/listings/new",
                           data={**FORM, field: value, "action": "publish"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in page and f'id="{field}-error"' in page
    assert listings_in_db(session) == []


def test_a_number_out_of_range_or_no_number_at_all_is_told_once_in_polish(
        client, session, member_org):
    for user in session.scalars(select(User)):
        user.locale = "pl"  # the logged-in member reads Polish
    session.commit()
    url = f"/organizations/{member_org.id}/listings/new"
    page = client.post(url, data={**FORM, "quantity": "0", "action": "publish"}).get_data(
        as_text=True)
    assert "Wpisz liczbę od 1 do 1\xa0000\xa0000." in page
    page = client.post(url, data={**FORM, "quantity": "dużo", "action": "publish"}).get_data(
        as_text=True)
    [error] = re.findall(r'<p class="field-error" id="quantity-error">(.*?)</p>', page)
    assert "Wpisz liczbę" not in error  # one message, not two run together
    assert listings_in_db(session) == []


def test_one_day_reads_as_one_day_in_polish(app, client, session, member_org):
    client.post(f"/organizations/{member_org.id}/listings/new",
                data={**FORM, "quantity": "1", "unit": "days", "action": "publish"})
    [listing] = listings_in_db(session)
    page = app.test_client().get(f"/listings/{listing.id}", headers={"Accept-Language": "pl"})
    polish = page.get_data(as_text=True)
    assert "1 dzień" in polish
    assert not re.search(r"\b1 (dni|godzin|spotkań|osób|sztuk|jednostek)\b", polish)


def test_the_contribution_to_costs_is_shown_as_such(client, session, member_org):
    client.post(f"/organizations/{member_org.id}/listings/new", data={
        **FORM, "category": "transport", "title": "Przewiozę sprzęt",
        "cost_contribution": "zwrot za paliwo"})
    [listing] = listings_in_db(session)
    page = client.get(f"/listings/{listing.id}").get_data(as_text=True)
    assert "Contribution to transport or material costs" in page and "zwrot za paliwo" in page


def test_edit_pause_reopen_close(client, session, member_org):
    client.post(f"/organizations/{member_org.id}/listings/new", data=FORM)
    [listing] = listings_in_db(session)
    base = f"/organizations/{member_org.id}/listings/{listing.id}"
    form = client.get(base + "/edit").get_data(as_text=True)
    assert 'value="Sala konferencyjna na 80 osób"' in form
    client.post(base + "/edit", data={**FORM, "title": "Aula na 120 osób", "quantity": "20"})
    session.refresh(listing)
    assert (listing.title, listing.quantity, listing.remaining) == ("Aula na 120 osób", 20, 20)
    for action, status in [("pause", ListingStatus.PAUSED), ("reopen", ListingStatus.OPEN),
                           ("close", ListingStatus.CLOSED)]:
        client.post(base + "/status", data={"action": action})
        session.rollback()
        session.refresh(listing)
        assert listing.status is status
    page = client.post(base + "/status", data={"action": "pause"}, follow_redirects=True)
    assert "cannot be changed that way" in page.get_data(as_text=True)


def test_marketplace_filters_and_bad_filters(client, session, make_org, member_org, now):
    from exchange.core.listings import create_listing

    school_owner = member_org.memberships[0].user
    school = make_org(school_owner, name="Szkoła", sector="ngo", municipality="Pelplin")
    create_listing(session, school_owner, school.id, {**FORM, "kind": "need", "title": "Szukamy wolontariuszy",
                                                      "category": "volunteers", "unit": "people",
                                                      "quantity": 3}, now)
    create_listing(session, school_owner, member_org.id, FORM, now)
    session.commit()

    def titles(query):
        page = client.get("/listings/" + query).get_data(as_text=True)
        return [t for t in ("Szukamy wolontariuszy", "Sala konferencyjna") if t in page]

    assert titles("") == ["Szukamy wolontariuszy", "Sala konferencyjna"]
    assert titles("?kind=need") == ["Szukamy wolontariuszy"]
    assert titles("?sector=public") == ["Sala konferencyjna"]
    assert titles("?municipality=Pelplin&q=wolontariusz") == ["Szukamy wolontariuszy"]
    assert titles("?category=rooms&sort=expiring") == ["Sala konferencyjna"]
    assert client.get("/listings/?kind=gift").status_code == 400
    assert client.get("/listings/?sort=cheapest").status_code == 400


def test_marketplace_is_paginated(app, client, session, member_org, now):
    from exchange.core.listings import create_listing

    owner = member_org.memberships[0].user
    for i in range(app.config["LISTINGS_PER_PAGE"] + 1):
        create_listing(session, owner, member_org.id, {**FORM, "title": f"Oferta nr {i:02d}"}, now)
    session.commit()
    first = client.get("/listings/").get_data(as_text=True)
    assert "Oferta nr 20" in first and "Oferta nr 00" not in first
    assert "Oferta nr 00" in client.get("/listings/?page=2").get_data(as_text=True)


def test_expiry_job_expires_and_warns_once(app, runner, client, session, member_org, now):
    from exchange.core.listings import create_listing

    owner = member_org.memberships[0].user
    today = now.date()
    soon = create_listing(session, owner, member_org.id, {**FORM, "title": "Wkrótce"}, now)
    old = create_listing(session, owner, member_org.id, {**FORM, "title": "Stara"}, now)
    session.commit()
    soon.expires_on = today + timedelta(days=3)
    old.expires_on = today - timedelta(days=400)  # as if created long ago
    session.commit()
    for _ in range(2):
        result = runner.invoke(args=["run-job", "expire-listings"])
        assert result.exit_code == 0, result.output
    session.rollback()
    assert session.get(Listing, old.id).status is ListingStatus.EXPIRED
    assert session.get(Listing, soon.id).status is ListingStatus.OPEN
    page = client.get("/notifications/").get_data(as_text=True)
    assert page.count("“Wkrótce” expires on") == 1
    assert '<span class="count">1' in page
    client.post("/notifications/read")
    assert '<span class="count">' not in client.get("/notifications/").get_data(as_text=True)


def test_a_job_replayed_with_now_runs_at_that_moment(runner, session, member_org, now):
    from exchange.core.listings import create_listing

    owner = member_org.memberships[0].user
    listing = create_listing(session, owner, member_org.id, {**FORM, "title": "Wkrótce"}, now)
    listing.expires_on = now.date() + timedelta(days=3)
    session.commit()
    later = (now + timedelta(days=4)).replace(tzinfo=None).isoformat(timespec="minutes")
    result = runner.invoke(args=["run-job", "expire-listings", "--now", later])
    assert result.exit_code == 0, result.output
    session.rollback()
    assert session.get(Listing, listing.id).status is ListingStatus.EXPIRED
    result = runner.invoke(args=["run-job", "expire-listings", "--now", "yesterday"])
    assert result.exit_code != 0 and "2026-11-21T12:00" in result.output


def test_run_job_refuses_an_unknown_job(runner):
    result = runner.invoke(args=["run-job", "launch-rockets"])
    assert result.exit_code != 0 and "expire-listings" in result.output


def test_every_error_is_listed_at_the_top_with_a_link_to_its_field(client, member_org):
    page = client.post(f"/organizations/{member_org.id}/listings/new",
                       data={**FORM, "title": "", "quantity": "0", "action": "publish"}
                       ).get_data(as_text=True)
    summary = re.search(r'<div class="form-errors"[^>]*>(.*?)</div>', page, re.S)
    assert summary and "autofocus" in summary.group(0)  # the page opens on it
    links = re.findall(r'<li><a href="#(\w+)">([^<]+)</a>: ([^<]+)</li>', summary.group(1))
    assert [(field, error) for field, _label, error in links] == [
        ("title", "This field is required."), ("quantity", "Enter a number from 1 to 1,000,000.")]
    assert 'id="title" ' in page and 'aria-invalid="true"' in page


def test_a_price_is_said_together_with_the_form_s_own_errors(client, session, member_org):
    """The no-money rule (the core's) speaks in the same answer as the form's checks: a price
    in the description and a quantity of zero, both marked at once; nothing saved."""
    response = client.post(f"/organizations/{member_org.id}/listings/new",
                           data={**FORM, "description": "Sala za 100 zł za godzinę",
                                 "quantity": "0", "action": "publish"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="description-error"' in page and "100 zł" in page
    assert 'id="quantity-error"' in page
    session.rollback()
    assert session.scalar(select(func.count(Listing.id))) == 0
