"""The listings API and personal tokens, every answer checked against the OpenAPI document."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from models import ApiToken, Listing, ListingStatus
from tests.conftest import TEST_PASSWORD, bearer

NEW = {"kind": "offer", "category": "rooms", "title": "Sala konferencyjna na 80 osób",
       "description": "Z rzutnikiem.", "quantity": 10, "unit": "hours"}


@pytest.fixture
def member(make_user, make_org):
    user = make_user("anna@example.org")
    org = make_org(user, name="Biblioteka", sector="public", municipality="Tczew")
    return user, org


@pytest.fixture
def token(client, member):
    response = client.post("/api/v1/tokens", json={"email": "anna@example.org",
                                                   "password": TEST_PASSWORD, "name": "skrypt"})
    assert response.status_code == 201
    return response.json["token"]


def test_issuing_a_token_needs_the_right_password(client, member, session):
    response = client.post("/api/v1/tokens", json={"email": "anna@example.org", "password": "nope"})
    assert response.status_code == 401 and response.json["error"] == "unauthorized"
    assert client.post("/api/v1/tokens", json=["not", "an", "object"]).status_code == 400
    assert client.post("/api/v1/tokens", json={"email": 5}).status_code == 422
    session.rollback()
    assert session.scalar(select(func.count()).select_from(ApiToken)) == 0


def test_a_token_is_stored_only_as_a_hash(client, token, session):
    session.rollback()
    stored = session.scalar(select(ApiToken))
    assert token.startswith("gz_") and stored.prefix == token[:9]
    assert token not in (stored.token_hash, stored.prefix)


def test_token_issuing_is_rate_limited_per_account(client, member):
    for _ in range(5):
        client.post("/api/v1/tokens", json={"email": "anna@example.org", "password": "nope"})
    response = client.post("/api/v1/tokens", json={"email": "anna@example.org",
                                                   "password": TEST_PASSWORD})
    assert response.status_code == 429 and response.json["error"] == "rate_limited"


def test_create_read_update_close_a_listing(client, member, token):
    _user, org = member
    response = client.post("/api/v1/listings", json={**NEW, "organization_id": org.id},
                           headers=bearer(token))
    assert response.status_code == 201
    listing = response.json
    assert response.headers["Location"] == f"/api/v1/listings/{listing['id']}"
    assert listing["organization"]["name"] == "Biblioteka" and listing["remaining"] == 10

    assert client.get(response.headers["Location"]).json["title"] == NEW["title"]
    response = client.patch(f"/api/v1/listings/{listing['id']}", json={"quantity": 12},
                            headers=bearer(token))
    assert response.status_code == 200
    assert (response.json["quantity"], response.json["title"]) == (12, NEW["title"])
    response = client.post(f"/api/v1/listings/{listing['id']}/close", headers=bearer(token))
    assert response.json["status"] == "closed"
    assert client.get("/api/v1/listings").json["total"] == 0


def test_search_filters_and_pagination_links(client, member, token):
    _user, org = member
    for i in range(3):
        client.post("/api/v1/listings", json={**NEW, "title": f"Sala nr {i}", "organization_id": org.id},
                    headers=bearer(token))
    client.post("/api/v1/listings", json={**NEW, "kind": "need", "category": "volunteers",
                                          "title": "Szukamy wolontariuszy", "unit": "people",
                                          "organization_id": org.id}, headers=bearer(token))
    body = client.get("/api/v1/listings?q=sali&per_page=2").json
    assert body["total"] == 3 and len(body["items"]) == 2
    assert body["links"]["next"].endswith("page=2") and "q=sali" in body["links"]["next"]
    assert "prev" not in body["links"]
    second = client.get(body["links"]["next"]).json
    assert len(second["items"]) == 1 and "prev" in second["links"]
    item = client.get("/api/v1/listings?kind=need").json["items"][0]
    assert {k: item[k] for k in ("kind", "category", "title", "ref")} == {
        "kind": "need", "category": "volunteers", "title": "Szukamy wolontariuszy", "ref": None}
    assert item["organization"]["id"] == org.id
    assert client.get("/api/v1/listings?category=gold").status_code == 400


def test_changes_need_a_token_and_cookies_do_not_count(client, member, auth):
    _user, org = member
    auth.login("anna@example.org")  # a browser session is no API credential
    response = client.post("/api/v1/listings", json={**NEW, "organization_id": org.id})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    response = client.post("/api/v1/listings", json={**NEW, "organization_id": org.id},
                           headers=bearer("gz_made-up"))
    assert response.status_code == 401


def test_only_members_change_a_listing(client, member, token, make_user, make_org):
    _user, org = member
    created = client.post("/api/v1/listings", json={**NEW, "organization_id": org.id},
                          headers=bearer(token)).json
    make_org(make_user("jan@example.org"))
    other = client.post("/api/v1/tokens", json={"email": "jan@example.org",
                                                "password": TEST_PASSWORD}).json["token"]
    assert client.patch(f"/api/v1/listings/{created['id']}", json={"title": "Moje"},
                        headers=bearer(other)).status_code == 404
    assert client.post(f"/api/v1/listings/{created['id']}/close",
                       headers=bearer(other)).status_code == 404
    assert client.post("/api/v1/listings", json={**NEW, "organization_id": org.id},
                       headers=bearer(other)).status_code == 404


@pytest.mark.parametrize("body, field", [
    ({"title": ""}, "title"),
    ({"title": "Sala za 300 zł"}, "title"),
    ({"quantity": 0}, "quantity"),
    ({"quantity": "many"}, "quantity"),
    ({"category": "gold"}, "category"),
    ({"expires_on": "tomorrow"}, "expires_on"),
    ({"colour": "red"}, "colour"),
    ({"status": "closed"}, "status"),
    ({"organization_id": "1"}, "organization_id"),
])
def test_bad_input_is_refused_with_field_errors_and_changes_nothing(client, member, token, session,
                                                                    body, field):
    _user, org = member
    response = client.post("/api/v1/listings", json={**NEW, "organization_id": org.id, **body},
                           headers=bearer(token))
    assert response.status_code == 422
    assert response.json["error"] == "invalid" and field in response.json["fields"]
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Listing)) == 0


def test_errors_speak_the_clients_language(client, member, token):
    _user, org = member
    response = client.post("/api/v1/listings", json={**NEW, "title": "Sala za 300 zł",
                                                     "organization_id": org.id},
                           headers={**bearer(token), "Accept-Language": "pl"})
    assert "nigdy pieniądze" in response.json["fields"]["title"][0]


def test_drafts_are_readable_only_with_a_members_token(client, member, token):
    _user, org = member
    draft = client.post("/api/v1/listings", json={**NEW, "status": "draft", "organization_id": org.id},
                        headers=bearer(token)).json
    assert draft["status"] == "draft"
    assert client.get(f"/api/v1/listings/{draft['id']}").status_code == 404
    assert client.get(f"/api/v1/listings/{draft['id']}", headers=bearer(token)).status_code == 200
    assert client.post(f"/api/v1/listings/{draft['id']}/publish",
                       headers=bearer(token)).json["status"] == ListingStatus.OPEN.value


def test_tokens_are_listed_and_revoked(client, member, token):
    items = client.get("/api/v1/tokens", headers=bearer(token)).json["items"]
    assert [t["name"] for t in items] == ["skrypt"] and "token" not in items[0]
    assert client.delete(f"/api/v1/tokens/{items[0]['id']}", headers=bearer(token)).status_code == 204
    assert client.get("/api/v1/tokens", headers=bearer(token)).status_code == 401


def test_tokens_from_the_account_page(client, member, auth, session):
    auth.login("anna@example.org")
    response = client.post("/account/tokens", data={"token-name": "arkusz wydarzenia"})
    page = response.get_data(as_text=True)
    assert response.status_code == 201 and "copy it now" in page
    plain = page.split('<code class="token">')[1].split("</code>")[0]
    assert client.get("/api/v1/tokens", headers=bearer(plain)).status_code == 200
    session.rollback()
    token_id = session.scalar(select(ApiToken.id))
    client.post(f"/account/tokens/{token_id}/revoke")
    assert client.get("/api/v1/tokens", headers=bearer(plain)).status_code == 401
    assert "arkusz wydarzenia" in client.get("/account").get_data(as_text=True)


def test_a_deactivated_users_tokens_stop_working(client, member, token, session):
    user, _org = member
    session.rollback()
    session.get(type(user), user.id).is_active = False
    session.commit()
    assert client.get("/api/v1/tokens", headers=bearer(token)).status_code == 401


def test_the_new_token_is_shown_once_in_the_page_body_only(client, member, auth):
    auth.login("anna@example.org")
    page = client.post("/account/tokens", data={"token-name": "x"}).get_data(as_text=True)
    title = page.split("<title>")[1].split("</title>")[0]
    assert "gz_" not in title and page.count("gz_") == 2  # the token, and its prefix in the list
