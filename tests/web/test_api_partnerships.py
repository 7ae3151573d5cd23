"""The API's partnerships: the same rules as the pages (members read all; the public read a
public one's face without people; others get a 404), creating one, its members."""
from __future__ import annotations

import pytest

from exchange.core import partnerships as core
from models import MemberRole
from tests.conftest import bearer

BODY = {"name": "Koalicja dla Tczewa", "municipalities": ["Tczew", "Subkowy"],
        "goal": "Kompetencje cyfrowe seniorów", "kind": "strategic"}


@pytest.fixture
def town(session, make_user, make_org, add_member, now):
    director = make_user("dyrektor@example.org", name="Dorota Dyrektor")
    library = make_org(director, name="Biblioteka", sector="public")
    librarian = make_user("bibliotekarz@example.org", name="Bartek Bibliotekarz")
    add_member(library, librarian, role=MemberRole.MEMBER)
    outsider = make_user("obcy@example.org", name="Olek Obcy")
    partnership = core.create_partnership(session, director, {
        "name": "Sieć Kociewie", "municipalities": "Tczew", "goal": "Czytelnictwo",
        "kind": "needs"}, now)
    session.commit()
    return type("Town", (), {"director": director, "library": library, "librarian": librarian,
                                 "outsider": outsider, "partnership": partnership})


def test_create_then_read_as_member_outsider_and_anonymous(client, session, town, token_for):
    answer = client.post("/api/v1/partnerships", json=BODY,
                         headers=bearer(token_for(town.director)))
    assert answer.status_code == 201, answer.json
    created = answer.json
    assert created["lead"]["id"] == town.library.id
    assert created["coordinator"]["name"] == "Dorota Dyrektor"
    assert created["missing_sectors"] == ["ngo", "business"]
    assert created["sectors"]["public"] == 1
    pid = created["id"]
    member = client.get(f"/api/v1/partnerships/{pid}", headers=bearer(token_for(town.librarian)))
    assert member.status_code == 200 and member.json["coordinator"]["id"] == town.director.id
    for headers in (bearer(token_for(town.outsider)), {}):
        assert client.get(f"/api/v1/partnerships/{pid}", headers=headers).status_code == 404
        assert client.get(f"/api/v1/partnerships/{pid}/members",
                          headers=headers).status_code == 404
    listed = client.get("/api/v1/partnerships", headers=bearer(token_for(town.librarian))).json
    assert {p["name"] for p in listed["items"]} == {"Sieć Kociewie", "Koalicja dla Tczewa"}
    assert client.get("/api/v1/partnerships").json["items"] == []


def test_a_public_partnership_shows_no_people(client, session, town, now):
    core.update_partnership(session, town.director, town.partnership.id, {
        "name": "Sieć Kociewie", "municipalities": ["Tczew"], "goal": "Czytelnictwo",
        "kind": "needs", "is_public": True}, now)
    session.commit()
    answer = client.get(f"/api/v1/partnerships/{town.partnership.id}")
    assert answer.status_code == 200
    assert "coordinator" not in answer.json and "Dorota" not in str(answer.json)
    members = client.get(f"/api/v1/partnerships/{town.partnership.id}/members").json
    assert members["items"][0]["organization"]["sector"] == "public"
    assert members["items"][0]["is_lead"] is True
    assert [p["name"] for p in client.get("/api/v1/partnerships").json["items"]] == [
        "Sieć Kociewie"]


def test_bad_input_is_refused_with_reasons(client, session, town, token_for):
    answer = client.post("/api/v1/partnerships", json={**BODY, "kind": "party",
                                                        "municipalities": [], "colour": "red"},
                         headers=bearer(token_for(town.director)))
    assert answer.status_code == 422
    assert set(answer.json["fields"]) == {"colour"}
    answer = client.post("/api/v1/partnerships", json={**BODY, "kind": "party",
                                                        "municipalities": []},
                         headers=bearer(token_for(town.director)))
    assert answer.status_code == 422 and set(answer.json["fields"]) == {"kind", "municipalities"}
    # Someone who owns no organization leads nothing.
    answer = client.post("/api/v1/partnerships", json=BODY,
                         headers=bearer(token_for(town.librarian)))
    assert answer.status_code == 422 and "lead_id" in answer.json["fields"]
    assert client.post("/api/v1/partnerships", json=BODY).status_code == 401
