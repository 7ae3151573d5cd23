"""The events API: published events, one event, and its live board's public data; every
answer checked against the OpenAPI document (tests/openapi_check.py)."""
from __future__ import annotations

from datetime import timedelta

from exchange.core import events
from tests.conftest import TEST_PASSWORD, bearer, desk_deal


def token_of(client, email: str) -> str:
    response = client.post("/api/v1/tokens", json={"email": email, "password": TEST_PASSWORD})
    assert response.status_code == 201
    return response.json["token"]


def test_published_events_are_listed_with_their_session_and_registration(client, hall, now):
    listed = client.get("/api/v1/events")
    assert listed.status_code == 200 and listed.json["total"] == 1
    [event] = listed.json["items"]
    assert event["id"] == hall["event"].id and event["name"] == "Giełda Zasobów Tczew 2026"
    assert event["host"] == {"id": hall["host"].id, "name": "Centrum Kultury"}
    assert event["session"]["state"] == "scheduled" and event["registration"]["open"] is True
    assert event["board_url"].endswith(f"/events/{hall['event'].id}/board")

    day = now.date()
    assert client.get(f"/api/v1/events?since={day + timedelta(days=1)}").json["total"] == 0
    assert client.get(f"/api/v1/events?until={day}").json["total"] == 1
    bad = client.get("/api/v1/events?since=tomorrow")
    assert bad.status_code == 400 and "since must be a date" in bad.json["message"]


def test_a_draft_is_seen_only_by_its_staff(client, session, hall, make_user, make_org, now):
    organiser = hall["organiser"]
    draft = events.create_event(session, organiser, hall["host"].id, {
        "name": "Giełda w przygotowaniu", "venue": "Tczew", "held_on": now.date().isoformat(),
        "registration_opens_on": now.date().isoformat(),
        "registration_closes_on": now.date().isoformat()}, now)
    session.commit()
    assert client.get("/api/v1/events").json["total"] == 1  # the draft is not listed
    assert client.get(f"/api/v1/events/{draft.id}").status_code == 404
    assert client.get(f"/api/v1/events/{draft.id}/board").status_code == 404
    staff = bearer(token_of(client, "organiser@example.org"))
    shown = client.get(f"/api/v1/events/{draft.id}", headers=staff)
    assert shown.status_code == 200 and shown.json["status"] == "draft"
    assert client.get(f"/api/v1/events/{draft.id}",
                      headers=bearer(token_of(client, "lib@example.org"))).status_code == 404


def test_the_board_has_the_projectors_figures_and_no_private_data(client, session, hall, now):
    hall["start"](now)
    events.ratify(session, hall["notary"], hall["event"].id, desk_deal(hall),
                  now + timedelta(minutes=5), client_key="api-1")
    session.commit()
    board = client.get(f"/api/v1/events/{hall['event'].id}/board")
    assert board.status_code == 200
    data = board.json
    assert data["state"] == "open" and data["deals"] == 1
    assert data["by_category"] == {"computer_labs": 1}
    assert data["latest"][0]["parties"] == ["Fundacja Szkoła Kodu", "Biblioteka Miejska"]
    # The representatives' names are on the contract, not on the public board.
    assert "Szymon Informatyk" not in board.get_data(as_text=True)
    assert client.get("/api/v1/events/999999/board").status_code == 404


def test_the_board_carries_the_announced_match_of_the_year_and_nothing_private(
        client, session, award_hall):
    w = award_hall
    path = f"/api/v1/events/{w['event'].id}/board"
    assert client.get(path).json["award"] is None
    award = w["open"]()
    assert client.get(path).json["award"] == {"announced": False}
    events.nominate(session, w["circle_member"], w["event"].id, w["circle"].id,
                    w["deals"][2].id, "Powód tylko dla uczestników", "", award.opened_at)
    events.vote(session, w["library_owner"], w["event"].id, w["library"].id, w["deals"][2].id,
                award.voting_starts_at)
    events.announce_winner(session, w["organiser"], w["event"].id, w["deals"][2].id,
                           award.voting_ends_at)
    session.commit()
    board = client.get(path)
    assert board.json["award"] == {
        "announced": True, "number": "GZ-2026/003",
        "parties": ["Koło Gospodyń Wiejskich w Rudnie", "Fundacja Szkoła Kodu"],
        "what": ["Poczęstunek na warsztaty dla 30 osób"]}
    assert "Powód" not in board.get_data(as_text=True)
    assert "Halina" not in board.get_data(as_text=True)
