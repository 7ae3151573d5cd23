"""The match of the year holds one nomination and one vote per organization however many of
its members send theirs at once: the database's unique keys decide, on SQLite and PostgreSQL,
and the others are refused with nothing saved."""
from __future__ import annotations

import urllib.parse
from collections import Counter
from datetime import timedelta

from sqlalchemy import select

from models.award import AwardNomination, AwardVote
from tests.conftest import login_id
from tests.live import Request, all_at_once, served


def cookie_of(app, user) -> str:
    client = app.test_client()
    with client.session_transaction() as s:
        s["_user_id"] = login_id(user)
    client.get("/")
    return f"session={client.get_cookie('session').value}"


def post_at_once(app, path: str, sends: list[tuple[str, dict]]):
    with served(app) as base:
        return all_at_once(base, [Request(
            "POST", path, urllib.parse.urlencode(form).encode(),
            {"Cookie": cookie, "Accept-Language": "en",
             "Content-Type": "application/x-www-form-urlencoded"}) for cookie, form in sends])


def test_two_members_voting_at_once_cast_one_vote_for_their_organization(app, clock, session,
                                                                         award_hall):
    w = award_hall
    award = w["open"]()
    first, second = w["deals"][0], w["deals"][1]
    from exchange.core import events

    for user, org, deal in ((w["library_owner"], w["library"], first),
                            (w["school_owner"], w["school"], second)):
        events.nominate(session, user, w["event"].id, org.id, deal.id, "", "",
                        award.voting_starts_at - timedelta(hours=1))
    session.commit()
    clock.set(award.voting_starts_at + timedelta(minutes=1))
    owner, member = cookie_of(app, w["circle_owner"]), cookie_of(app, w["circle_member"])
    path = f"/events/{w['event'].id}/organizations/{w['circle'].id}/award/vote"
    sends = [(owner, {"contract_id": str(first.id)}), (member, {"contract_id": str(second.id)})]

    answers = post_at_once(app, path, sends * 3)

    assert Counter(a.status for a in answers) == {302: 6}, answers
    session.rollback()
    votes = session.scalars(select(AwardVote)).all()
    assert len(votes) == 1 and votes[0].organization_id == w["circle"].id
    # The vote is the one its voter chose, not a mixture of two requests.
    assert (votes[0].voted_by_id, votes[0].contract_id) in {
        (w["circle_owner"].id, first.id), (w["circle_member"].id, second.id)}


def test_two_members_nominating_at_once_make_one_nomination(app, clock, session, award_hall):
    w = award_hall
    award = w["open"]()
    clock.set(award.opened_at + timedelta(minutes=1))
    owner, member = cookie_of(app, w["circle_owner"]), cookie_of(app, w["circle_member"])
    path = f"/events/{w['event'].id}/organizations/{w['circle'].id}/award/nominate"
    sends = [(owner, {"contract_id": str(w["deals"][0].id), "reason": "A", "was": ""}),
             (member, {"contract_id": str(w["deals"][2].id), "reason": "B", "was": ""})]

    answers = post_at_once(app, path, sends * 3)

    assert Counter(a.status for a in answers) == {302: 6}, answers
    session.rollback()
    [row] = session.scalars(select(AwardNomination)).all()
    assert (row.nominated_by_id, row.contract_id, row.reason) in {
        (w["circle_owner"].id, w["deals"][0].id, "A"),
        (w["circle_member"].id, w["deals"][2].id, "B")}
