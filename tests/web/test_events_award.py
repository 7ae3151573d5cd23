"""The match of the year in the browser's terms: the organiser opens nominations with a window
in local time, a participant nominates and votes on its page, the organiser announces, and the
board, the report and the public summary show the winner (and nothing private)."""
from __future__ import annotations

from datetime import timedelta

import pytest
from flask_babel import force_locale, ngettext
from sqlalchemy import func, select

from models import Notification
from models.award import AwardNomination, AwardVote, EventAward
from tests.conftest import login_id


def login_as(client, user):
    with client.session_transaction() as s:
        s["_user_id"] = login_id(user)


def as_user(app, user, language="en"):
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = language
    login_as(client, user)
    with client.session_transaction() as s:
        s["locale"] = language
    return client


@pytest.fixture
def award_web(app, clock, award_hall):
    """The award hall with the app's clock an hour after the gong."""
    clock.set(award_hall["closed"] + timedelta(hours=1))
    return award_hall


def url(w, tail="") -> str:
    return f"/events/{w['event'].id}{tail}"


def ballot(w, org, tail="") -> str:
    return url(w, f"/organizations/{org.id}/award{tail}")


def count(session, model) -> int:
    session.rollback()
    return session.scalar(select(func.count()).select_from(model))


def test_the_whole_award_from_nominations_to_the_winner_on_every_page(app, clock, session,
                                                                       award_web):
    w = award_web
    organiser, circle = as_user(app, w["organiser"]), as_user(app, w["circle_member"])
    library = as_user(app, w["library_owner"])
    page = organiser.get(url(w, "/award")).get_data(as_text=True)
    assert "Open nominations" in page and 'type="datetime-local"' in page

    # 21 November 2026, 15:30 in Warsaw; the vote from the 22nd at 10:00 to the 24th at 20:00.
    answer = organiser.post(url(w, "/award/open"), data={
        "voting_starts_at": "2026-11-22T10:00", "voting_ends_at": "2026-11-24T20:00"},
        follow_redirects=True)
    assert "Nominations are open; the participants are told." in answer.get_data(as_text=True)
    session.rollback()
    award = session.get(EventAward, w["event"].id)
    assert award.voting_starts_at.isoformat() == "2026-11-22T09:00:00+00:00"
    assert session.scalar(select(func.count()).select_from(Notification).where(
        Notification.key.like("event-award-open:%"))) == 4

    page = circle.get(ballot(w, w["circle"])).get_data(as_text=True)
    assert "Nominate a deal" in page and "GZ-2026/003" in page
    answer = circle.post(ballot(w, w["circle"], "/nominate"), data={
        "contract_id": str(w["deals"][1].id), "reason": "Sala dla koła: tajny powód", "was": ""},
        follow_redirects=True)
    assert "nomination is saved. It may be changed until the voting starts." in answer.get_data(as_text=True)
    library.post(ballot(w, w["library"], "/nominate"), data={
        "contract_id": str(w["deals"][0].id), "reason": "", "was": ""})
    assert count(session, AwardNomination) == 2

    clock.set(award.voting_starts_at + timedelta(hours=1))
    page = circle.get(ballot(w, w["circle"])).get_data(as_text=True)
    assert "Vote for the match of the year" in page and "tajny powód" in page
    assert f'value="{w["deals"][2].id}"' not in page  # not nominated, not on the ballot
    answer = circle.post(ballot(w, w["circle"], "/vote"),
                         data={"contract_id": str(w["deals"][1].id)}, follow_redirects=True)
    assert "vote is cast. Thank you!" in answer.get_data(as_text=True)
    for client, org in ((library, w["library"]), (as_user(app, w["school_owner"]), w["school"])):
        client.post(ballot(w, org, "/vote"), data={"contract_id": str(w["deals"][1].id)})
    # The circle's owner finds the vote cast by a colleague: refused, still one vote.
    owner = as_user(app, w["circle_owner"])
    answer = owner.post(ballot(w, w["circle"], "/vote"),
                        data={"contract_id": str(w["deals"][0].id)}, follow_redirects=True)
    assert ("Your organization has already voted, for GZ-2026/002: one vote per organization."
            in answer.get_data(as_text=True))
    assert count(session, AwardVote) == 3

    clock.set(award.voting_ends_at + timedelta(minutes=1))
    page = organiser.get(url(w, "/award")).get_data(as_text=True)
    assert "3 votes" in page and "Announce the match of the year" in page
    answer = organiser.post(url(w, "/award/announce"),
                            data={"contract_id": str(w["deals"][1].id)}, follow_redirects=True)
    assert "The match of the year is announced" in answer.get_data(as_text=True)

    board = app.test_client().get(url(w, "/board.json")).get_json()
    assert board["award"] == {"announced": True, "number": "GZ-2026/002",
                              "parties": ["Biblioteka Miejska",
                                          "Koło Gospodyń Wiejskich w Rudnie"],
                              "what": ["Sala na spotkania koła, 4 × 2 h"]}
    public = app.test_client()
    public.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    for page in (public.get(url(w, "/board")).get_data(as_text=True),
                 public.get(url(w, "/summary")).get_data(as_text=True)):
        assert "Match of the year" in page and "Koło Gospodyń Wiejskich w Rudnie" in page
        assert "Sala na spotkania koła" in page
        for private in ("tajny powód", "Halina", "Anna", "circle2@example.org"):
            assert private not in page
    report = organiser.get(url(w, "/report")).get_data(as_text=True)
    assert "GZ-2026/002" in report and "3 votes" in report


def test_the_pages_speak_polish_with_the_right_plural_of_votes(app, clock, session, award_web):
    w = award_web
    w["open"](w["closed"] + timedelta(hours=1))
    from exchange.core import events

    award = session.get(EventAward, w["event"].id)
    at = award.voting_starts_at - timedelta(hours=1)
    for user, org, deal in ((w["library_owner"], w["library"], w["deals"][0]),
                            (w["school_owner"], w["school"], w["deals"][1])):
        events.nominate(session, user, w["event"].id, org.id, deal.id, "", "", at)
    during = award.voting_starts_at + timedelta(hours=1)
    for user, org, deal in ((w["library_owner"], w["library"], w["deals"][0]),
                            (w["school_owner"], w["school"], w["deals"][0]),
                            (w["circle_owner"], w["circle"], w["deals"][1])):
        events.vote(session, user, w["event"].id, org.id, deal.id, during)
    session.commit()
    clock.set(award.voting_ends_at)
    page = as_user(app, w["organiser"], "pl").get(url(w, "/award")).get_data(as_text=True)
    assert "Wymiana roku" in page and "2 głosy" in page and "1 głos<" in page
    assert "Ogłoś wymianę roku" in page
    with app.test_request_context(headers={"Accept-Language": "pl"}), force_locale("pl"):
        assert [ngettext("%(num)s vote", "%(num)s votes", n) for n in (1, 2, 5, 22)] == [
            "1 głos", "2 głosy", "5 głosów", "22 głosy"]


def test_refusals_say_why_and_save_nothing(app, clock, session, award_web, hall):
    w = award_web
    organiser = as_user(app, w["organiser"])
    answer = organiser.post(url(w, "/award/open"), data={
        "voting_starts_at": "2026-11-25T10:00", "voting_ends_at": "2026-11-24T10:00"},
        follow_redirects=True)
    assert "The voting must end after it starts" in answer.get_data(as_text=True)
    answer = organiser.post(url(w, "/award/open"), data={
        "voting_starts_at": "", "voting_ends_at": "nie wiem"}, follow_redirects=True)
    assert "Enter a date and time." in answer.get_data(as_text=True)
    circle = as_user(app, w["circle_owner"])
    answer = circle.post(ballot(w, w["circle"], "/nominate"), data={
        "contract_id": str(w["deals"][0].id)}, follow_redirects=True)
    assert "The match of the year of this event is not open yet." in answer.get_data(
        as_text=True)
    answer = organiser.post(url(w, "/award/announce"), data={"contract_id": "1"},
                            follow_redirects=True)
    assert "not open yet" in answer.get_data(as_text=True)
    assert count(session, EventAward) == count(session, AwardNomination) == 0


def test_the_board_says_the_vote_is_on_until_the_winner_is_known(app, clock, session,
                                                                award_web):
    w = award_web
    public = app.test_client()
    public.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    assert public.get(url(w, "/board.json")).get_json()["award"] is None
    w["open"](w["closed"] + timedelta(hours=1))
    assert public.get(url(w, "/board.json")).get_json()["award"] == {"announced": False}
    page = public.get(url(w, "/board")).get_data(as_text=True)
    assert "The participants are voting: the winner will be announced here." in page
    summary = public.get(url(w, "/summary")).get_data(as_text=True)
    assert "The participants are voting" in summary


def test_the_event_page_leads_organisers_and_participants_to_the_award(app, clock, session,
                                                                       award_web):
    w = award_web
    page = as_user(app, w["organiser"]).get(url(w)).get_data(as_text=True)
    assert f'href="{url(w, "/award")}"' in page
    page = as_user(app, w["circle_member"]).get(url(w)).get_data(as_text=True)
    assert f'href="{ballot(w, w["circle"])}"' in page
    w["open"](w["closed"] + timedelta(hours=1))
    report = as_user(app, w["organiser"]).get(url(w, "/report")).get_data(as_text=True)
    assert "The participants vote until 24 November 2026, 15:30" in report
