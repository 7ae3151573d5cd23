"""The match of the year: nominations after the session, one vote per organization in the
organiser's window, a tie the organiser settles, an announcement that does not change, and
each participant told once at each step."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from exchange.core import events
from exchange.core.errors import Conflict, Forbidden, ValidationError
from models import Notification
from models.award import AwardNomination, AwardVote, EventAward


def messages(error) -> list[str]:
    return [m.text for found in error.value.errors.values() for m in found]


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def keys(session, prefix: str) -> list[str]:
    return sorted(session.scalars(select(Notification.key).where(
        Notification.key.like(f"{prefix}:%"))))


@pytest.fixture
def w(award_hall):
    """The award hall with names for the moments: opened an hour after the gong, nominations
    until ``starts`` (a day later), votes until ``ends`` (two days after that)."""
    at = award_hall["closed"] + timedelta(hours=1)
    return {**award_hall, "at": at, "starts": at + timedelta(days=1),
            "ends": at + timedelta(days=3)}


def nominate(session, w, user, org, deal, at, *, reason="", was=""):
    made = events.nominate(session, user, w["event"].id, org.id, deal.id, reason, was, at)
    session.commit()
    return made


def vote(session, w, user, org, deal, at):
    cast = events.vote(session, user, w["event"].id, org.id, deal.id, at)
    session.commit()
    return cast


def test_nominations_open_only_after_the_session_is_closed(session, hall, now):
    hall["start"]()
    with pytest.raises(ValidationError) as refused:
        events.open_award(session, hall["organiser"], hall["event"].id, now + timedelta(days=1),
                          now + timedelta(days=2), now)
    assert messages(refused) == ["The match of the year opens once the session is closed."]
    assert count(session, EventAward) == 0


def test_only_an_organiser_opens_nominations(session, w):
    with pytest.raises(Forbidden):
        events.open_award(session, w["notary"], w["event"].id, w["starts"], w["ends"], w["at"])
    session.rollback()
    assert count(session, EventAward) == 0


@pytest.mark.parametrize("starts, ends, wanted", [
    (-1, 2, ("The voting must start later than now, so that organizations have time to "
             "nominate deals.")),
    (2, 1, "The voting must end after it starts, and later than now."),
    (1, 40, "The voting may last a month at most."),
    (100, 101, "The voting must start within three months."),
])
def test_a_window_out_of_order_is_refused_with_its_reason(session, w, starts, ends, wanted):
    with pytest.raises(ValidationError) as refused:
        events.open_award(session, w["organiser"], w["event"].id,
                          w["at"] + timedelta(days=starts), w["at"] + timedelta(days=ends),
                          w["at"])
    assert messages(refused) == [wanted]
    session.rollback()
    assert count(session, EventAward) == 0 and keys(session, "event-award-open") == []


def test_local_times_are_read_on_the_events_clock(session, w):
    # 10:00 in Warsaw in winter is 9:00 UTC.
    award = events.open_award(session, w["organiser"], w["event"].id, "2026-11-23T10:00",
                              "2026-11-30T18:30", w["at"])
    assert award.voting_starts_at.isoformat() == "2026-11-23T09:00:00+00:00"
    assert award.voting_ends_at.isoformat() == "2026-11-30T17:30:00+00:00"
    session.rollback()
    with pytest.raises(ValidationError) as refused:
        events.open_award(session, w["organiser"], w["event"].id, "jutro", "", w["at"])
    assert set(messages(refused)) == {"Enter a date and time."}


def test_opening_tells_every_member_of_every_participant_once(session, w):
    w["open"](w["at"])
    members = {w["library_owner"].id, w["school_owner"].id, w["circle_owner"].id,
               w["circle_member"].id}
    told = session.scalars(select(Notification).where(
        Notification.key.like("event-award-open:%"))).all()
    assert {n.user_id for n in told} == members and len(told) == 4
    circle = next(n for n in told if n.user_id == w["circle_member"].id)
    assert circle.link == f"/events/{w['event'].id}/organizations/{w['circle'].id}/award"
    # Moving the window tells nobody again.
    events.open_award(session, w["organiser"], w["event"].id, w["starts"] + timedelta(hours=2),
                      w["ends"], w["at"] + timedelta(hours=1))
    session.commit()
    assert len(keys(session, "event-award-open")) == 4


def test_one_nomination_per_organization_changeable_until_the_voting_starts(session, w):
    w["open"](w["at"])
    first, second, third = w["deals"]
    nominate(session, w, w["circle_owner"], w["circle"], first, w["at"], reason="Pierwsza!")
    # A colleague who saw no nomination does not overwrite it unseen.
    with pytest.raises(Conflict) as refused:
        events.nominate(session, w["circle_member"], w["event"].id, w["circle"].id, second.id,
                        "", "", w["at"])
    assert refused.value.message.params == {"number": "GZ-2026/001"}
    session.rollback()
    # Seeing it, they change it.
    nominate(session, w, w["circle_member"], w["circle"], second, w["at"], was=first.id)
    [row] = session.scalars(select(AwardNomination)).all()
    assert (row.contract_id, row.reason, row.nominated_by_id) == (second.id, "",
                                                                  w["circle_member"].id)
    with pytest.raises(ValidationError) as late:
        events.nominate(session, w["circle_owner"], w["event"].id, w["circle"].id, third.id,
                        "", second.id, w["starts"])
    assert messages(late) == ["Nominations closed when the voting started."]
    session.rollback()
    assert session.scalars(select(AwardNomination.contract_id)).all() == [second.id]


def test_only_members_of_admitted_participants_nominate_deals_of_the_event(session, w,
                                                                         make_user, make_org):
    w["open"](w["at"])
    outsider = make_user("outsider@example.org")
    other = make_org(outsider, name="Nieprzyjęta Fundacja")
    with pytest.raises(Forbidden):
        events.nominate(session, outsider, w["event"].id, other.id, w["deals"][0].id, "", "",
                        w["at"])
    session.rollback()
    with pytest.raises(Forbidden):  # the school's owner is no member of the circle
        events.nominate(session, w["school_owner"], w["event"].id, w["circle"].id,
                        w["deals"][0].id, "", "", w["at"])
    session.rollback()
    with pytest.raises(ValidationError) as unknown:
        events.nominate(session, w["circle_owner"], w["event"].id, w["circle"].id, 999_999,
                        "", "", w["at"])
    assert messages(unknown) == ["There is no such deal at this event."]
    session.rollback()
    with pytest.raises(ValidationError) as long:
        events.nominate(session, w["circle_owner"], w["event"].id, w["circle"].id,
                        w["deals"][0].id, "x" * 301, "", w["at"])
    assert messages(long) == ["Must be at most %(max)d characters."]
    session.rollback()
    assert count(session, AwardNomination) == 0


def test_votes_count_only_in_the_window_and_once_per_organization(session, w):
    w["open"](w["at"])
    first, second, third = w["deals"]
    nominate(session, w, w["library_owner"], w["library"], first, w["at"])
    nominate(session, w, w["circle_owner"], w["circle"], second, w["at"])
    with pytest.raises(ValidationError) as early:
        events.vote(session, w["school_owner"], w["event"].id, w["school"].id, first.id,
                    w["at"])
    assert messages(early) == ["The voting has not started yet."]
    session.rollback()
    during = w["starts"] + timedelta(hours=1)
    with pytest.raises(ValidationError) as not_on_ballot:
        events.vote(session, w["school_owner"], w["event"].id, w["school"].id, third.id, during)
    assert messages(not_on_ballot) == ["Choose one of the nominated deals."]
    session.rollback()
    # The school votes for a deal it is a party of: allowed, one vote like everyone's.
    vote(session, w, w["school_owner"], w["school"], first, during)
    vote(session, w, w["circle_member"], w["circle"], second, during)
    with pytest.raises(Conflict) as again:
        events.vote(session, w["circle_owner"], w["event"].id, w["circle"].id, first.id, during)
    assert again.value.message.params == {"number": "GZ-2026/002"}
    session.rollback()
    with pytest.raises(ValidationError) as late:
        events.vote(session, w["library_owner"], w["event"].id, w["library"].id, first.id,
                    w["ends"])
    assert messages(late) == ["The voting has ended."]
    session.rollback()
    tally = {c.contract.number: c.votes for c in events.candidates(session, w["event"])}
    assert tally == {"GZ-2026/001": 1, "GZ-2026/002": 1}
    assert count(session, AwardVote) == 2


def test_the_organiser_announces_one_of_the_leaders_after_the_window_once(session, w):
    w["open"](w["at"])
    first, second, third = w["deals"]
    nominate(session, w, w["library_owner"], w["library"], first, w["at"])
    nominate(session, w, w["school_owner"], w["school"], second, w["at"])
    nominate(session, w, w["circle_owner"], w["circle"], third, w["at"])
    during = w["starts"] + timedelta(hours=1)
    vote(session, w, w["library_owner"], w["library"], first, during)
    vote(session, w, w["school_owner"], w["school"], second, during)
    with pytest.raises(ValidationError) as early:
        events.announce_winner(session, w["organiser"], w["event"].id, first.id, during)
    assert messages(early) == ["The winner is announced after the voting ends."]
    session.rollback()
    after = w["ends"] + timedelta(minutes=5)
    found = events.candidates(session, w["event"])
    assert [c.votes for c in found] == [1, 1, 0]
    assert {c.contract.number for c in events.leaders(found)} == {"GZ-2026/001", "GZ-2026/002"}
    # A tie: the organiser picks among the tied, never the deal behind them.
    with pytest.raises(ValidationError) as behind:
        events.announce_winner(session, w["organiser"], w["event"].id, third.id, after)
    assert messages(behind) == ["Choose one of the deals with most votes."]
    session.rollback()
    with pytest.raises(Forbidden):
        events.announce_winner(session, w["notary"], w["event"].id, second.id, after)
    session.rollback()
    events.announce_winner(session, w["organiser"], w["event"].id, second.id, after)
    session.commit()
    award = session.get(EventAward, w["event"].id)
    assert (award.winner_id, award.announced_by_id, award.announced_at) == (
        second.id, w["organiser"].id, after)
    # Final: a second announcement (even of the other leader) is refused, nothing changes.
    with pytest.raises(Conflict):
        events.announce_winner(session, w["organiser"], w["event"].id, first.id,
                               after + timedelta(hours=1))
    session.rollback()
    assert session.get(EventAward, w["event"].id).winner_id == second.id
    assert len(keys(session, "event-award-winner")) == 4
    slot = events.award_slot(session, w["event"])
    assert slot == {"announced": True, "number": "GZ-2026/002",
                    "parties": ["Biblioteka Miejska", "Koło Gospodyń Wiejskich w Rudnie"],
                    "what": ["Sala na spotkania koła, 4 × 2 h"]}


def test_the_board_shows_the_slot_with_public_data_only(session, w):
    board = events.board(session, w["event"], w["at"])
    assert board["award"] is None
    w["open"](w["at"])
    assert events.board(session, w["event"], w["at"])["award"] == {"announced": False}
    nominate(session, w, w["library_owner"], w["library"], w["deals"][0], w["at"],
             reason="Tajny powód biblioteki")
    vote(session, w, w["library_owner"], w["library"], w["deals"][0],
         w["starts"] + timedelta(hours=1))
    version = w["event"].board_version
    events.announce_winner(session, w["organiser"], w["event"].id, w["deals"][0].id,
                           w["ends"])
    session.commit()
    assert w["event"].board_version > version  # the board's ETag moves on
    award = events.board(session, w["event"], w["ends"])["award"]
    assert award["parties"] == ["Fundacja Szkoła Kodu", "Biblioteka Miejska"]
    assert award["what"] == ["Pracownia komputerowa, 3 × 2 h"]
    text = repr(award)
    for private in ("Tajny powód", "Szymon Informatyk", "Ewa Bibliotekarka", "@example.org"):
        assert private not in text


def test_voting_opens_with_one_notice_per_member_from_the_job(session, w):
    w["open"](w["at"])
    assert events.voting_notices(session, w["at"]) == 0  # nominations still run
    during = w["starts"] + timedelta(minutes=3)
    assert events.voting_notices(session, during) == 4
    session.commit()
    assert events.voting_notices(session, during + timedelta(minutes=5)) == 0  # once
    assert events.voting_notices(session, w["ends"]) == 0
    assert len(keys(session, "event-award-voting")) == 4


def test_while_the_vote_is_on_only_its_end_moves(session, w):
    w["open"](w["at"])
    during = w["starts"] + timedelta(hours=1)
    with pytest.raises(ValidationError) as refused:
        events.open_award(session, w["organiser"], w["event"].id, w["starts"] + timedelta(
            hours=2), w["ends"], during)
    assert messages(refused) == ["The voting has started: only its end can be moved."]
    session.rollback()
    # The start as the form gives it back (to the minute) keeps the start; the end moves.
    award = events.open_award(session, w["organiser"], w["event"].id,
                              w["starts"].replace(second=0, microsecond=0),
                              w["ends"] + timedelta(days=1), during)
    session.commit()
    assert (award.voting_starts_at, award.voting_ends_at) == (w["starts"],
                                                              w["ends"] + timedelta(days=1))
    with pytest.raises(ValidationError) as over:
        events.open_award(session, w["organiser"], w["event"].id, w["starts"],
                          w["ends"] + timedelta(days=5), w["ends"] + timedelta(days=2))
    assert messages(over) == ["The voting has ended: its window cannot change."]
