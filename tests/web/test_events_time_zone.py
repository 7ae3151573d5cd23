"""An event's time zone on the web: the organiser picks it, the pages, the session clock, the
board, the API and the calendar entries tell the event's times on its hall's clock, right on
either side of a change of the clocks (Warsaw: summer time from 2027-03-28, winter time from
2027-10-31)."""
from __future__ import annotations

import io
from datetime import datetime, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from exchange.core import events
from exchange.core.contracts import calendar_token
from models import Membership
from models.event import ExchangeEvent
from tests.conftest import NOW, login_id


def login_as(client, user):
    with client.session_transaction() as s:
        s["_user_id"] = login_id(user)


def count_events(session) -> int:
    session.rollback()
    return session.scalar(select(func.count()).select_from(ExchangeEvent))


@pytest.fixture
def owner(client, make_user, make_org):
    user = make_user("owner@example.org")
    user.host = make_org(user, name="Dom Kultury")
    login_as(client, user)
    return user


def event_form(owner, **changes) -> dict:
    data = {"name": "Giełda Wiosenna", "host_id": str(owner.host.id), "held_on": "2027-03-28",
            "starts_at": "10:00", "venue": "Aula",
            "registration_opens_on": NOW.date().isoformat()}
    data.update(changes)
    return data


def make_event(session, owner, held_on: str, starts_at="10:00", time_zone="Europe/Warsaw",
               publish=True) -> ExchangeEvent:
    event = events.create_event(session, owner, owner.host.id, {
        "name": f"Giełda {held_on}", "venue": "Aula", "municipality": "Tczew",
        "held_on": held_on, "starts_at": starts_at, "time_zone": time_zone,
        "registration_opens_on": NOW.date().isoformat()}, NOW)
    if publish:
        events.publish_event(session, owner, event.id, NOW)
    session.commit()
    return event


def ics_lines(response) -> list[str]:
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    return response.get_data(as_text=True).splitlines()


# ---------------------------------------------------------------------------- the form

def test_the_form_offers_zones_europe_first_warsaw_chosen(client, owner):
    page = client.get("/events/new").get_data(as_text=True)
    options = page[page.index('name="time_zone"'):page.index("</select>",
                                                                page.index('name="time_zone"'))]
    assert '<option selected value="Europe/Warsaw">' in options
    assert options.index("Europe/Zurich") < options.index("America/New_York")
    assert options.index("Europe/Amsterdam") < options.index("Africa/Abidjan")


def test_the_organiser_sets_the_zone_and_the_page_names_it(client, session, owner):
    response = client.post("/events/new", data=event_form(owner, time_zone="Europe/London"))
    assert response.status_code == 302
    session.rollback()
    event = session.scalar(select(ExchangeEvent))
    assert event.time_zone == "Europe/London"
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "Sunday, March 28, 2027, 10:00 (United Kingdom Time)" in page
    # The edit form shows the zone chosen, and keeps it.
    edit = client.get(f"/events/{event.id}/edit").get_data(as_text=True)
    assert '<option selected value="Europe/London">' in edit


def test_an_event_in_warsaw_names_no_zone(client, session, owner):
    event = make_event(session, owner, "2027-03-28")
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "Sunday, March 28, 2027, 10:00 ·" in page and "Time)" not in page


def test_an_unknown_zone_is_a_clear_error_and_nothing_is_saved(client, session, owner):
    response = client.post("/events/new", data=event_form(owner, time_zone="Europe/Gdansk"))
    assert response.status_code == 422
    assert "Choose a time zone from the list, e.g. Europe/Warsaw." in \
        response.get_data(as_text=True)
    assert count_events(session) == 0


def test_a_start_the_clocks_skip_is_refused_in_the_organisers_language(client, session,
                                                                       owner):
    owner.locale = "pl"
    session.commit()
    response = client.post("/events/new", data=event_form(owner, starts_at="02:30"))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "02:30" in page and "Europe/Warsaw" in page and "zegary" in page
    assert count_events(session) == 0
    # The day before, the same time is an ordinary one.
    assert client.post("/events/new", data=event_form(
        owner, starts_at="02:30", held_on="2027-03-27")).status_code == 302


# ---------------------------------------------------------------------------- calendar entries

@pytest.mark.parametrize("held_on, starts_at, time_zone, start, end", [
    ("2027-03-27", "10:00", "Europe/Warsaw", "20270327T090000Z", "20270327T103000Z"),
    ("2027-03-28", "10:00", "Europe/Warsaw", "20270328T080000Z", "20270328T093000Z"),
    ("2027-10-30", "10:00", "Europe/Warsaw", "20271030T080000Z", "20271030T093000Z"),
    ("2027-10-31", "10:00", "Europe/Warsaw", "20271031T090000Z", "20271031T103000Z"),
    # 02:30 passes twice that night: the first (summer time); 90 minutes on is 03:00 winter.
    ("2027-10-31", "02:30", "Europe/Warsaw", "20271031T003000Z", "20271031T020000Z"),
    ("2027-03-28", "10:00", "Europe/London", "20270328T090000Z", "20270328T103000Z"),
])
def test_the_calendar_entry_starts_at_the_right_moment(app, session, owner, held_on,
                                                       starts_at, time_zone, start, end):
    event = make_event(session, owner, held_on, starts_at, time_zone)
    lines = ics_lines(app.test_client().get(f"/events/{event.id}/calendar.ics"))
    assert f"DTSTART:{start}" in lines and f"DTEND:{end}" in lines
    assert f"UID:event-{event.id}@gielda" in lines and "LOCATION:Aula\\, Tczew" in lines


def test_a_draft_has_no_calendar_entry_but_for_its_staff(app, client, session, owner):
    event = make_event(session, owner, "2027-03-28", publish=False)
    assert app.test_client().get(f"/events/{event.id}/calendar.ics").status_code == 404
    assert "DTSTART:20270328T080000Z" in ics_lines(client.get(f"/events/{event.id}/calendar.ics"))


def test_the_event_page_links_its_calendar_entry(client, session, owner):
    event = make_event(session, owner, "2027-03-28")
    assert f'href="/events/{event.id}/calendar.ics"' in \
        client.get(f"/events/{event.id}").get_data(as_text=True)


def test_a_members_feed_carries_the_events_their_organization_is_admitted_to(app, session,
                                                                            hall):
    event = hall["event"]
    event.held_on, event.starts_at = (NOW + timedelta(days=127)).date(), "10:00"  # 2027-03-28
    session.commit()
    library = session.scalar(select(Membership).where(
        Membership.organization_id == hall["library"].id))
    token = calendar_token(session, library)
    session.commit()
    lines = ics_lines(app.test_client().get(f"/calendar/{token}.ics"))
    assert f"UID:event-{event.id}@gielda" in lines and "DTSTART:20270328T080000Z" in lines
    # The host is not a participant: its members' feed has no entry for the event.
    host = session.scalar(select(Membership).where(
        Membership.organization_id == hall["host"].id))
    token = calendar_token(session, host)
    session.commit()
    assert f"UID:event-{event.id}@gielda" not in ics_lines(
        app.test_client().get(f"/calendar/{token}.ics"))


# ---------------------------------------------------------------------------- on the day

def test_the_session_clock_is_told_on_the_halls_clock(client, session, hall, now):
    login_as(client, hall["organiser"])
    url = f"/events/{hall['event'].id}/session"
    # 10:00 in Warsaw on 2026-11-21 (winter time) is 09:00Z.
    assert "<dt>Planned start</dt><dd>10:00</dd>" in client.get(url).get_data(as_text=True)
    hall["start"](now)  # 12:00Z, a 90-minute session
    page = client.get(url).get_data(as_text=True)
    assert "<dd>13:00</dd>" in page and "<dd>14:30</dd>" in page
    hall["event"].time_zone = "Europe/London"
    session.commit()
    page = client.get(url).get_data(as_text=True)
    assert "<dd>12:00 (United Kingdom Time)</dd>" in page
    assert "<dd>13:30 (United Kingdom Time)</dd>" in page


def test_the_board_before_the_session_says_when_it_starts(app, session, hall):
    hall["event"].starts_at, hall["event"].time_zone = "17:00", "Europe/Vilnius"
    session.commit()
    visitor = app.test_client()
    visitor.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    page = visitor.get(f"/events/{hall['event'].id}/board").get_data(as_text=True)
    assert "The session starts at 17:00 (Lithuania Time)" in page
    board = visitor.get(f"/events/{hall['event'].id}/board.json").get_json()
    assert board["starts_at"] == "2026-11-21T15:00:00+00:00"


def test_the_polish_page_names_the_zone_in_polish(app, session, owner):
    event = make_event(session, owner, "2027-10-31", time_zone="Europe/London")
    visitor = app.test_client()
    visitor.environ_base["HTTP_ACCEPT_LANGUAGE"] = "pl"
    page = visitor.get(f"/events/{event.id}").get_data(as_text=True)
    assert "niedziela, 31 października 2027, 10:00 (czas: Wielka Brytania)" in page
    listing = visitor.get("/events/").get_data(as_text=True)
    assert "31 października 2027, 10:00 (czas: Wielka Brytania)" in listing


def test_the_api_gives_the_zone_and_the_start_in_utc(client, session, owner):
    event = make_event(session, owner, "2027-03-28")
    body = client.get(f"/api/v1/events/{event.id}").get_json()
    assert (body["starts_at"], body["time_zone"], body["start"]) == (
        "10:00", "Europe/Warsaw", "2027-03-28T08:00:00+00:00")


def test_the_organisers_spreadsheet_has_the_halls_times(client, session, hall, now):
    from tests.web.test_events_report import two_deals

    two_deals(session, hall, now)  # the school's person checked in at 12:00Z
    hall["event"].time_zone = "Europe/London"
    session.commit()
    login_as(client, hall["organiser"])
    sheet = load_workbook(io.BytesIO(client.get(
        f"/events/{hall['event'].id}/export/attendees.xlsx").get_data())).active
    rows = list(sheet.iter_rows(values_only=True))
    [school] = [r for r in rows if r[1] == "Szymon Informatyk"]
    checked_in = rows[0].index("Checked in at")
    assert school[checked_in] == datetime(2026, 11, 21, 12, 0)  # Warsaw's clocks said 13:00
