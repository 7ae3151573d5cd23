"""The contracts API: draft, read, sign, deliver, confirm, list; every answer checked against the
OpenAPI document. The last test races fifty real HTTP requests for the last unit of an offer."""
from __future__ import annotations

import json
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from models import ApiToken, Commitment, Contract, ContractEvent, Listing, MemberRole
from tests.conftest import NOW, TEST_PASSWORD, bearer
from tests.live import Request, all_at_once, served


def today():
    """The API dates contracts by the app's clock, frozen at NOW; due dates count from it."""
    return NOW.date()


@pytest.fixture
def world(session, make_user, make_org, now, token_for):
    """A library that offers its room, a school and a stranger, each with an owner's token."""
    from exchange.core.listings import create_listing

    anna, jan, ewa = (make_user(f"{name}@example.org") for name in ("anna", "jan", "ewa"))
    library = make_org(anna, name="Biblioteka")
    school = make_org(jan, name="Szkoła Podstawowa")
    stranger = make_org(ewa, name="Klub Sportowy")
    room = create_listing(session, anna, library.id, {
        "kind": "offer", "category": "rooms", "title": "Sala konferencyjna", "quantity": 10,
        "unit": "hours"}, now)
    session.commit()
    return {"library": library, "school": school, "stranger": stranger, "room": room,
            "anna": token_for(anna), "jan": token_for(jan), "ewa": token_for(ewa)}


def terms(giver, receiver, **commitment) -> dict:
    return {"parties": [giver.id, receiver.id],
            "representatives": {str(giver.id): "Anna Nowak"},
            "note": "Warsztaty dla klas 4–6.",
            "commitments": [{"giver_id": giver.id, "receiver_id": receiver.id,
                             "what": "Sala na warsztaty", "quantity": 3, "unit": "hours",
                             "due_on": (today() + timedelta(days=30)).isoformat(),
                             **commitment}]}


def create(client, world, token="anna", org="library", **commitment):
    giver, receiver = world["library"], world["school"]
    return client.post(f"/api/v1/organizations/{world[org].id}/contracts",
                       json=terms(giver, receiver, **commitment), headers=bearer(world[token]))


def remaining(session, listing) -> int:
    session.rollback()
    return session.scalar(select(Listing.remaining).where(Listing.id == listing.id))


def test_create_sign_deliver_confirm_until_fulfilled(client, world, session):
    library, school, room = world["library"], world["school"], world["room"]
    response = create(client, world, listing_id=room.id)
    assert response.status_code == 201, response.json
    contract = response.json
    assert response.headers["Location"] == f"/api/v1/contracts/{contract['id']}"
    assert (contract["status"], contract["current_version"], contract["version_in_force"]) == (
        "draft", 1, None)
    assert contract["number"].startswith(f"{today().year}/")
    assert [p["organization_id"] for p in contract["parties"]] == [library.id, school.id]
    assert contract["parties"][0]["representative"] == "Anna Nowak"
    assert remaining(session, room) == 7  # linking the offer reserved three of its ten hours

    read = client.get(response.headers["Location"], headers=bearer(world["jan"]))
    assert read.status_code == 200 and read.json == contract
    version = read.json["versions"][0]
    assert (version["number"], version["state"], version["note"]) == (1, "draft",
                                                                      "Warsztaty dla klas 4–6.")
    row = version["commitments"][0]
    assert (row["what"], row["quantity"], row["status"], row["reserved"]) == (
        "Sala na warsztaty", 3, "pending", 3)

    url = f"/api/v1/contracts/{contract['id']}"
    signed = client.post(f"{url}/sign", json={"organization_id": library.id,
                                              "password": TEST_PASSWORD,
                                              "revision": contract["revision"]},
                         headers=bearer(world["anna"]))
    assert signed.status_code == 200, signed.json
    assert signed.json["status"] == "signing"
    assert signed.json["versions"][0]["signatures"][0]["organization_id"] == library.id
    signed = client.post(f"{url}/sign", json={"organization_id": school.id,
                                              "password": TEST_PASSWORD},
                         headers=bearer(world["jan"]))
    assert signed.status_code == 200, signed.json
    assert (signed.json["status"], signed.json["version_in_force"]) == ("active", 1)
    assert {s["organization_id"] for s in signed.json["versions"][0]["signatures"]} == {
        library.id, school.id}

    steps = f"{url}/commitments/{row['id']}"
    # Only the receiver confirms; only the giver marks delivery.
    refused = client.post(f"{steps}/confirm", json={"organization_id": library.id},
                          headers=bearer(world["anna"]))
    assert refused.status_code == 403
    delivered = client.post(f"{steps}/deliver", json={"organization_id": library.id,
                                                      "note": "Sala gotowa."},
                            headers=bearer(world["anna"]))
    assert delivered.status_code == 200, delivered.json
    assert delivered.json["versions"][0]["commitments"][0]["status"] == "delivered"
    confirmed = client.post(f"{steps}/confirm", json={"organization_id": school.id},
                            headers=bearer(world["jan"]))
    assert confirmed.status_code == 200, confirmed.json
    assert confirmed.json["status"] == "fulfilled"
    assert confirmed.json["versions"][0]["commitments"][0]["status"] == "confirmed"
    session.rollback()
    actions = session.scalars(select(ContractEvent.action).where(
        ContractEvent.contract_id == contract["id"]).order_by(ContractEvent.id)).all()
    assert actions == ["create", "sign", "sign", "activate", "deliver", "confirm", "outcome"]


def test_a_non_party_gets_not_found(client, world):
    contract = create(client, world).json
    url = f"/api/v1/contracts/{contract['id']}"
    assert client.get(url, headers=bearer(world["ewa"])).status_code == 404
    for org in ("stranger", "library"):  # neither her own organization nor another's helps
        response = client.post(f"{url}/sign", json={"organization_id": world[org].id,
                                                    "password": TEST_PASSWORD},
                               headers=bearer(world["ewa"]))
        assert response.status_code == 404 and response.json["error"] == "not_found"
    response = client.post(f"{url}/commitments/1/deliver",
                           json={"organization_id": world["library"].id},
                           headers=bearer(world["ewa"]))
    assert response.status_code == 404
    assert client.get("/api/v1/contracts/999999", headers=bearer(world["anna"])).status_code == 404
    assert client.get(url).status_code == 401


def test_a_member_without_signing_rights_cannot_sign(client, world, session, make_user,
                                                     add_member, token_for):
    piotr = make_user("piotr@example.org")
    add_member(world["library"], piotr, role=MemberRole.MEMBER, can_sign=False)
    contract = create(client, world).json
    url = f"/api/v1/contracts/{contract['id']}"
    assert client.get(url, headers=bearer(token_for(piotr))).status_code == 200
    response = client.post(f"{url}/sign", json={"organization_id": world["library"].id,
                                                "password": TEST_PASSWORD},
                           headers=bearer(token_for(piotr)))
    assert response.status_code == 403 and response.json["error"] == "forbidden"
    assert "sign" in response.json["message"]
    session.rollback()
    assert session.scalar(select(func.count()).select_from(ContractEvent).where(
        ContractEvent.action == "sign")) == 0


def test_signing_needs_the_right_password_and_the_current_revision(client, world):
    contract = create(client, world).json
    url = f"/api/v1/contracts/{contract['id']}/sign"
    library = world["library"].id
    response = client.post(url, json={"organization_id": library, "password": "wrong"},
                           headers=bearer(world["anna"]))
    assert response.status_code == 422 and "password" in response.json["fields"]
    assert response.json["message"] == "The password is not correct."
    response = client.post(url, json={"organization_id": library}, headers=bearer(world["anna"]))
    assert response.status_code == 422 and "password" in response.json["fields"]
    response = client.post(url, json={"organization_id": library, "password": TEST_PASSWORD,
                                      "revision": contract["revision"] + 1},
                           headers=bearer(world["anna"]))
    assert response.status_code == 409 and response.json["error"] == "conflict"
    response = client.post(url, json={"organization_id": str(library), "password": TEST_PASSWORD},
                           headers=bearer(world["anna"]))
    assert response.status_code == 422 and "organization_id" in response.json["fields"]
    read = client.get(f"/api/v1/contracts/{contract['id']}", headers=bearer(world["anna"]))
    assert read.json["status"] == "draft" and read.json["versions"][0]["signatures"] == []


def test_money_is_refused_with_the_no_money_message(client, world, session):
    response = create(client, world, what="Sala za 200 zł")
    assert response.status_code == 422 and response.json["error"] == "invalid"
    message = response.json["fields"]["commitments-0-what"][0]
    assert "never money" in message and "200 zł" in message
    response = client.post(f"/api/v1/organizations/{world['library'].id}/contracts",
                           json=terms(world["library"], world["school"], what="Sala za 200 zł"),
                           headers={**bearer(world["anna"]), "Accept-Language": "pl"})
    assert "nigdy pieniądze" in response.json["fields"]["commitments-0-what"][0]
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Contract)) == 0


@pytest.mark.parametrize("change, field", [
    ({"parties": "1,2"}, "parties"),
    ({"parties": [1.5, 2]}, "parties"),
    ({"representatives": {"szkoła": "Jan"}}, "representatives"),
    ({"commitments": "sala"}, "commitments"),
    ({"commitments": ["sala"]}, "commitments-0"),
    ({"colour": "red"}, "colour"),
])
def test_a_body_of_the_wrong_shape_is_refused_with_field_errors(client, world, change, field):
    body = {**terms(world["library"], world["school"]), **change}
    response = client.post(f"/api/v1/organizations/{world['library'].id}/contracts", json=body,
                           headers=bearer(world["anna"]))
    assert response.status_code == 422 and field in response.json["fields"]


@pytest.mark.parametrize("commitment, field", [
    ({"quantity": 0}, "commitments-0-quantity"),
    ({"quantity": 11, "listing_id": "room"}, "commitments-0-quantity"),
    ({"unit": "litres"}, "commitments-0-unit"),
    ({"due_on": "2020-01-01"}, "commitments-0-due_on"),
    ({"giver_id": 999_999}, "commitments-0-giver_id"),
    ({"colour": "red"}, "commitments-0-colour"),
])
def test_commitment_errors_name_their_row_and_field(client, world, commitment, field):
    if commitment.get("listing_id") == "room":
        commitment = {**commitment, "listing_id": world["room"].id}
    response = create(client, world, **commitment)
    assert response.status_code == 422 and field in response.json["fields"], response.json


def test_your_organization_must_be_a_party_and_you_its_member(client, world):
    response = create(client, world, token="ewa", org="stranger")
    assert response.status_code == 422 and "parties" in response.json["fields"]
    assert create(client, world, token="ewa", org="library").status_code == 404


def test_the_list_shows_only_the_organizations_contracts(client, world, session, make_user,
                                                         make_org, token_for):
    library, school, stranger = world["library"], world["school"], world["stranger"]
    ours = create(client, world).json
    theirs = client.post(f"/api/v1/organizations/{school.id}/contracts",
                         json=terms(school, stranger), headers=bearer(world["jan"])).json
    listing = client.get(f"/api/v1/organizations/{library.id}/contracts",
                         headers=bearer(world["anna"])).json
    assert [c["id"] for c in listing["items"]] == [ours["id"]] and listing["total"] == 1
    listing = client.get(f"/api/v1/organizations/{school.id}/contracts?per_page=1",
                         headers=bearer(world["jan"])).json
    assert listing["total"] == 2 and [c["id"] for c in listing["items"]] == [theirs["id"]]
    assert "next" in listing["links"]
    assert client.get(listing["links"]["next"], headers=bearer(world["jan"])).json["items"][0][
        "id"] == ours["id"]
    active = client.get(f"/api/v1/organizations/{school.id}/contracts?status=active",
                        headers=bearer(world["jan"])).json
    assert active["total"] == 0
    assert client.get(f"/api/v1/organizations/{school.id}/contracts?status=gold",
                      headers=bearer(world["jan"])).status_code == 400
    # Not a member of the library: its contracts are not found.
    assert client.get(f"/api/v1/organizations/{library.id}/contracts",
                      headers=bearer(world["jan"])).status_code == 404
    assert client.get(f"/api/v1/organizations/{library.id}/contracts").status_code == 401


def test_the_last_unit_is_taken_by_exactly_one_of_fifty_racing_requests(app, session, make_user,
                                                                         make_org, now,
                                                                         monkeypatch):
    """The giver drafts fifty contracts at once, with fifty organizations, for the one hour
    left of its offer, over real HTTP, each request in its own server thread and database
    connection: one contract gets it. (Only the giver's own drafts, or its signature, reserve
    its offer: see tests/security/test_tenancy.py.)"""
    from exchange.core import accounts
    from exchange.core.listings import create_listing
    from exchange.core.tokens import issue_token

    racers = 50
    # Fifty owners need no fifty Argon2 hashes: they never log in, their tokens are issued here.
    monkeypatch.setattr(accounts, "hash_password", lambda _password, hashed=accounts.hash_password(
        TEST_PASSWORD): hashed)
    owner = make_user("dom-kultury@example.org")
    giver = make_org(owner, name="Dom Kultury")
    offer = create_listing(session, owner, giver.id, {
        "kind": "offer", "category": "rooms", "title": "Sala widowiskowa", "quantity": 1,
        "unit": "hours"}, now)
    token, plain = issue_token(session, owner, "race", now)
    # A token used within the last minutes is not written to again, so each request only
    # reads (the offer too) until the contract is written: the widest window for a race.
    token.last_used_at = NOW
    requests = []
    for i in range(racers):
        org = make_org(name=f"Stowarzyszenie {i}")
        body = terms(giver, org, listing_id=offer.id, quantity=1)
        body["commitments"][0]["what"] = "Sala widowiskowa na koncert"
        requests.append((giver.id, plain, body))
    session.commit()

    answers = race(app, [(f"/organizations/{org_id}/contracts", plain, body)
                         for org_id, plain, body in requests])
    statuses = Counter(status for status, _ in answers)
    assert statuses == {201: 1, 422: racers - 1}, (statuses, [
        body for status, body in answers if status not in (201, 422)][:3])
    for status, body in answers:
        if status == 422:
            assert "no longer available" in body["message"], body
            assert "commitments-0-quantity" in body["fields"], body
    session.rollback()
    assert session.scalar(select(Listing.remaining).where(Listing.id == offer.id)) == 0
    assert session.scalar(select(func.count()).select_from(Contract)) == 1
    assert session.scalar(select(func.sum(Commitment.reserved))) == 1


def race(app, requests: list[tuple[str, str, dict]]) -> list[tuple[int, dict]]:
    """POST each (path, token, body) to the API at once, from its own thread, to the app
    served over HTTP; the answers."""
    with served(app) as base:
        answers = all_at_once(base, [Request(
            "POST", "/api/v1" + path, json.dumps(body).encode(),
            {**bearer(plain), "Content-Type": "application/json", "Accept-Language": "en"})
            for path, plain, body in requests], timeout=120)
    return [(answer.status, answer.json()) for answer in answers]


def test_two_parties_signing_at_once_get_a_signature_and_a_conflict(app, client, world, session):
    """Both load the contract at the same revision; the one whose change lands second is told
    someone changed it meanwhile (409), and its signature is not kept: signing again works."""
    library, school = world["library"], world["school"]
    contract = create(client, world).json
    session.execute(update(ApiToken).values(last_used_at=NOW))
    session.commit()  # tokens used just now: checking them only reads, as in a busy hour
    path = f"/contracts/{contract['id']}/sign"
    answers = race(app, [(path, world["anna"], {"organization_id": library.id,
                                               "password": TEST_PASSWORD}),
                         (path, world["jan"], {"organization_id": school.id,
                                              "password": TEST_PASSWORD})])
    statuses = sorted(status for status, _ in answers)
    assert statuses in ([200, 200], [200, 409]), answers
    if statuses == [200, 409]:
        late = next(body for status, body in answers if status == 409)
        assert late["error"] == "conflict"
        read = client.get(f"/api/v1/contracts/{contract['id']}", headers=bearer(world["anna"]))
        assert read.json["status"] == "signing"
        assert len(read.json["versions"][0]["signatures"]) == 1
        signed = [s["organization_id"] for s in read.json["versions"][0]["signatures"]]
        org, plain = (school, world["jan"]) if signed == [library.id] else (library, world["anna"])
        again = client.post(f"/api/v1{path}", json={"organization_id": org.id,
                                                     "password": TEST_PASSWORD},
                            headers=bearer(plain))
        assert again.status_code == 200 and again.json["status"] == "active"


def _owner_of(session, org):
    from models import Membership, User

    return session.scalar(select(User).join(Membership, Membership.user_id == User.id)
                          .where(Membership.organization_id == org.id))
