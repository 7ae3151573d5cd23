"""An event's start on its hall's clock, as a moment in UTC, across the changes of the clocks
(Europe/Warsaw: summer time from 2027-03-28 02:00, winter time from 2027-10-31 03:00)."""
from __future__ import annotations

from datetime import date, datetime, timezone
from types import SimpleNamespace

import pytest

from exchange.core.errors import ValidationError
from exchange.core.events import clean_event
from exchange.core.events.timing import (
    event_end,
    event_start,
    in_event_zone,
    local_start,
    skipped_by_clocks,
    time_zones,
)

TODAY = date(2026, 11, 21)


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


def an_event(held_on: date, starts_at: str = "10:00", time_zone: str = "Europe/Warsaw",
             **fields) -> SimpleNamespace:
    return SimpleNamespace(**{"held_on": held_on, "starts_at": starts_at,
                              "time_zone": time_zone, "session_minutes": 90,
                              "session_ends_at": None, **fields})


@pytest.mark.parametrize("held_on, expected", [
    (date(2027, 3, 27), utc(2027, 3, 27, 9, 0)),    # the last day of winter time
    (date(2027, 3, 28), utc(2027, 3, 28, 8, 0)),    # the clocks went forward in the night
    (date(2027, 10, 30), utc(2027, 10, 30, 8, 0)),  # the last day of summer time
    (date(2027, 10, 31), utc(2027, 10, 31, 9, 0)),  # the clocks went back in the night
])
def test_ten_o_clock_in_warsaw_is_a_different_utc_hour_either_side_of_a_change(held_on,
                                                                              expected):
    assert event_start(an_event(held_on)) == expected
    assert event_start(an_event(held_on)).tzinfo is timezone.utc


def test_the_same_wall_clock_in_another_zone_is_another_moment():
    assert event_start(an_event(date(2027, 3, 28), time_zone="Europe/London")) == \
        utc(2027, 3, 28, 9, 0)
    assert event_start(an_event(date(2027, 3, 27), time_zone="Europe/London")) == \
        utc(2027, 3, 27, 10, 0)
    # The same night London skips 01:00-02:00 of its clock, not 02:00-03:00 as Warsaw.
    assert skipped_by_clocks(date(2027, 3, 28), "01:30", "Europe/London")
    assert not skipped_by_clocks(date(2027, 3, 28), "02:30", "Europe/London")
    assert event_start(an_event(date(2027, 7, 1), time_zone="America/New_York")) == \
        utc(2027, 7, 1, 14, 0)


def test_the_end_is_the_session_length_after_the_start_across_the_change():
    # 01:30 + 90 minutes on the spring-forward night: 04:00 on the clocks, 1.5 h later.
    event = an_event(date(2027, 3, 28), "01:30")
    assert event_end(event) == utc(2027, 3, 28, 2, 0)
    assert in_event_zone(event, event_end(event)).strftime("%H:%M") == "04:00"
    started = an_event(date(2027, 3, 28), session_ends_at=utc(2027, 3, 28, 9, 45))
    assert event_end(started) == utc(2027, 3, 28, 9, 45)


def test_the_session_clock_reads_in_the_halls_zone():
    event = an_event(date(2027, 10, 31))
    assert in_event_zone(event, utc(2027, 10, 31, 10, 30)).strftime("%H:%M") == "11:30"
    assert in_event_zone(event, utc(2027, 10, 30, 10, 30)).strftime("%H:%M") == "12:30"
    naive = datetime(2027, 10, 31, 10, 30)  # as SQLite hands back a UTC moment
    assert in_event_zone(event, naive).strftime("%H:%M") == "11:30"


def test_a_time_the_clocks_skip_is_known_and_a_time_they_pass_twice_is_the_first():
    assert skipped_by_clocks(date(2027, 3, 28), "02:30", "Europe/Warsaw")
    assert not skipped_by_clocks(date(2027, 3, 28), "03:00", "Europe/Warsaw")
    assert not skipped_by_clocks(date(2027, 3, 27), "02:30", "Europe/Warsaw")
    assert not skipped_by_clocks(date(2027, 10, 31), "02:30", "Europe/Warsaw")
    # 02:30 comes twice on 2027-10-31: first in summer time (00:30Z), then in winter (01:30Z).
    assert local_start(date(2027, 10, 31), "02:30", "Europe/Warsaw") == utc(2027, 10, 31, 0, 30)


def event_data(**changes) -> dict:
    data = {"name": "Giełda Wiosenna", "venue": "Aula", "held_on": "2027-03-28",
            "starts_at": "10:00", "registration_opens_on": TODAY.isoformat()}
    data.update(changes)
    return data


def test_an_event_is_in_warsaw_unless_told_otherwise():
    assert clean_event(event_data(), TODAY)["time_zone"] == "Europe/Warsaw"
    assert clean_event(event_data(time_zone="Europe/Vilnius"), TODAY)["time_zone"] == \
        "Europe/Vilnius"
    # Every zone the system knows is accepted, though aliases are not offered.
    assert clean_event(event_data(time_zone="Poland"), TODAY)["time_zone"] == "Poland"
    assert "Poland" not in time_zones()


@pytest.mark.parametrize("name", ["Europe/Gdansk", "Mars/Olympus", "../etc/passwd",
                                  "Europe/" + "x" * 80])
def test_an_unknown_time_zone_is_refused(name):
    with pytest.raises(ValidationError) as refused:
        clean_event(event_data(time_zone=name), TODAY)
    assert list(refused.value.errors) == ["time_zone"]


def test_a_start_the_clocks_skip_is_refused_with_the_reason():
    with pytest.raises(ValidationError) as refused:
        clean_event(event_data(starts_at="02:30"), TODAY)
    message = refused.value.errors["starts_at"][0]
    assert "clocks go forward" in message.text
    assert message.params == {"time": "02:30", "zone": "Europe/Warsaw"}
    # The day before, and the same time in a zone without the change that night, are fine.
    assert clean_event(event_data(starts_at="02:30", held_on="2027-03-27"), TODAY)
    assert clean_event(event_data(starts_at="02:30", time_zone="Asia/Tokyo"), TODAY)


def test_the_zones_offered_put_europe_first():
    zones = time_zones()
    europe = [z for z in zones if z.startswith("Europe/")]
    assert zones[:len(europe)] == tuple(sorted(europe))
    assert "Europe/Warsaw" in europe and "America/New_York" in zones and "UTC" in zones
