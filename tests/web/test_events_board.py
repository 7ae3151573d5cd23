"""The live board on the web: its JSON counts deals, answers 304 while nothing changed, hides
drafts, and its page carries the countdown and the gong."""
from __future__ import annotations

import wave
from pathlib import Path

from exchange.core import events
from tests.conftest import desk_deal, login_id


def login_as(client, user):
    with client.session_transaction() as s:
        s["_user_id"] = login_id(user)


def board_url(hall, tail=".json"):
    return f"/events/{hall['event'].id}/board{tail}"


def ratify(session, hall, now, **changes):
    contract = events.ratify(session, hall["notary"], hall["event"].id, desk_deal(hall, **changes),
                             now)
    session.commit()
    return contract


def test_the_board_counts_a_ratified_deal(client, session, hall, now):
    hall["start"]()
    before = client.get(board_url(hall)).get_json()
    assert (before["deals"], before["value"], before["latest"]) == (0, 0, [])

    contract = ratify(session, hall, now, commitments=[{
        **desk_deal(hall)["commitments"][0], "estimated_value": 1200}])
    board = client.get(board_url(hall)).get_json()
    assert board["deals"] == 1 and board["value"] == 1200
    assert board["by_category"] == {"computer_labs": 1}
    assert board["by_sector"]["public"] == 1 and board["by_sector"]["ngo"] == 1
    assert board["latest"][0]["number"] == contract.number
    assert set(board["latest"][0]["parties"]) == {"Fundacja Szkoła Kodu", "Biblioteka Miejska"}
    assert board["ends_at"] and board["expected"] == 2


def test_an_unchanged_board_answers_304_and_a_ratification_200(client, session, hall, now):
    hall["start"]()
    first = client.get(board_url(hall))
    etag = first.headers["ETag"]
    assert first.headers["Cache-Control"] == "no-cache"

    again = client.get(board_url(hall), headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == etag and again.headers["Cache-Control"] == "no-cache"
    assert int(again.headers["X-Server-Time"]) > 0

    ratify(session, hall, now)
    changed = client.get(board_url(hall), headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.get_json()["deals"] == 1
    assert changed.headers["ETag"] != etag
    assert client.get(board_url(hall), headers={
        "If-None-Match": changed.headers["ETag"]}).status_code == 304


def test_an_announcement_and_closing_change_the_board(client, session, hall, now):
    hall["start"]()
    etag = client.get(board_url(hall)).headers["ETag"]
    events.announce(session, hall["organiser"], hall["event"].id, "Już 50 umów!", now)
    session.commit()
    shown = client.get(board_url(hall), headers={"If-None-Match": etag})
    assert shown.status_code == 200 and shown.get_json()["announcement"] == "Już 50 umów!"
    assert "Już 50 umów!" in client.get(board_url(hall, "")).get_data(as_text=True)

    events.close_session(session, hall["organiser"], hall["event"].id, now)
    session.commit()
    closed = client.get(board_url(hall), headers={"If-None-Match": shown.headers["ETag"]})
    assert closed.status_code == 200 and closed.get_json()["state"] == "closed"
    # The line spoke of the session: it goes with it, and a new one may follow.
    assert closed.get_json()["announcement"] == ""
    assert "Już 50 umów!" not in client.get(board_url(hall, "")).get_data(as_text=True)
    events.announce(session, hall["organiser"], hall["event"].id, "Dziękujemy!", now)
    session.commit()
    assert client.get(board_url(hall)).get_json()["announcement"] == "Dziękujemy!"


def test_the_board_shows_seven_category_rows_at_most(client, session, hall, now):
    from exchange.web.events.board import CATEGORIES_SHOWN, top_categories

    counts = {f"c{n}": 20 - n for n in range(12)}
    rows = top_categories(counts)
    assert len(rows) == CATEGORIES_SHOWN == 7
    assert rows[:6] == [(f"c{n}", 20 - n) for n in range(6)]
    assert rows[6] == ("", sum(20 - n for n in range(6, 12)))
    assert top_categories({"rooms": 2, "catering": 1}) == [("rooms", 2), ("catering", 1)]


def test_the_304_costs_one_small_query(client, session, hall, recorded_sql):
    hall["start"]()
    etag = client.get(board_url(hall)).headers["ETag"]
    with recorded_sql() as statements:
        assert client.get(board_url(hall), headers={"If-None-Match": etag}).status_code == 304
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) == 1, statements
    assert "board_version" in selects[0] and "contract" not in selects[0].lower()


def test_a_draft_event_has_no_board_for_strangers(client, session, make_user, make_org, now):
    organiser = make_user("draft@example.org")
    host = make_org(organiser)
    draft = events.create_event(session, organiser, host.id, {
        "name": "Szkic giełdy", "venue": "Aula", "held_on": now.date().isoformat(),
        "registration_opens_on": now.date().isoformat(),
        "registration_closes_on": now.date().isoformat()}, now)
    session.commit()
    for tail in ("", ".json"):
        assert client.get(f"/events/{draft.id}/board{tail}").status_code == 404
    login_as(client, make_user("stranger@example.org"))
    assert client.get(f"/events/{draft.id}/board.json").status_code == 404
    login_as(client, organiser)
    assert client.get(f"/events/{draft.id}/board").status_code == 200
    assert client.get(f"/events/{draft.id}/board.json").get_json()["state"] == "scheduled"
    assert client.get("/events/999999/board.json").status_code == 404


def test_the_board_page_has_the_countdown_the_gong_and_translated_labels(client, session, hall,
                                                                         now):
    hall["start"]()
    ratify(session, hall, now)
    page = client.get(board_url(hall, ""))
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-cache"
    assert 'id="board-countdown"' in html and 'role="timer"' in html
    assert 'id="board-sound"' in html and "Enable sound" in html
    assert 'id="board-gong"' in html and "/static/audio/gong.wav" in html
    assert "/static/js/board.js" in html and 'type="application/json" id="board-config"' in html
    assert "Computer labs and IT equipment" in html and "Public institution" in html
    assert "<script>" not in html and "style=" not in html  # the CSP allows neither
    gong = Path(__file__).resolve().parents[2] / "static" / "audio" / "gong.wav"
    with wave.open(str(gong)) as wav:
        assert wav.getnchannels() == 1 and 3 <= wav.getnframes() / wav.getframerate() <= 4
    assert client.get("/static/audio/gong.wav").status_code == 200
    assert client.get("/static/js/board.js").status_code == 200


def test_every_session_state_has_its_words_on_the_pages_and_the_board():
    from exchange.http.labels import SESSION_STATE_LABELS

    assert list(SESSION_STATE_LABELS) == list(events.SessionState)
    assert all(label.status and label.clock for label in SESSION_STATE_LABELS.values())


def test_the_board_speaks_polish(client, session, hall, now):
    hall["start"]()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "pl"
    html = client.get(board_url(hall, "")).get_data(as_text=True)
    assert '<html lang="pl">' in html


def test_in_production_a_poll_reuses_the_clock_for_half_a_second(app, client, session, hall, now,
                                                                 monkeypatch, recorded_sql):
    from exchange.web.events import board

    app.config["EVENT_BOARD_CLOCK_SECONDS"] = 0.5
    ticks = [1000.0]
    monkeypatch.setattr(board, "_ticks", lambda: ticks[0])
    hall["start"]()
    etag = client.get(board_url(hall)).headers["ETag"]
    ratify(session, hall, now)
    with recorded_sql() as statements:
        ticks[0] += 0.4  # the row read 0.4 s ago still stands: no query, the old ETag holds
        assert client.get(board_url(hall), headers={"If-None-Match": etag}).status_code == 304
        assert statements == []
    ticks[0] += 0.2  # past half a second: the deal shows
    changed = client.get(board_url(hall), headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.get_json()["deals"] == 1
