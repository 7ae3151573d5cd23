"""Ratifying at the desk is all or nothing, and a queued phone deal becomes one contract, however
many desks send it at once (SQLite and PostgreSQL)."""
from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from collections import Counter

import pytest
from sqlalchemy import func, select

from exchange.core import events
from exchange.core.events import desk
from exchange.core.errors import Msg, ValidationError
from models import (Commitment, Contract, ContractCounter, ContractEvent, ContractVersion,
                    Listing, Notification, Signature, User)
from models.event import DealStatus, EventDeal
from tests.conftest import desk_deal
from tests.live import Request, all_at_once, served
from tests.web.test_events_floor import deal_form, login_as


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def _left_behind(session) -> dict:
    """What another connection sees of the desk's work."""
    session.rollback()  # end this session's snapshot: read what is committed
    return {model.__name__: _count(session, model)
            for model in (Contract, ContractVersion, Commitment, Signature, ContractEvent,
                          Notification, ContractCounter)}


def test_a_savepoint_opening_a_unit_of_work_is_rolled_back_with_it(session, hall):
    """The root of it: on SQLite a savepoint sent before any write once committed alone."""
    from exchange.core.contracts import next_number

    session.commit()
    with session.begin_nested():
        session.add(ContractCounter(series="X-2026", last=7))
    assert next_number(session, "X-2026") == "X-2026/0008"
    session.rollback()
    assert _left_behind(session)["ContractCounter"] == 0


class Boom(RuntimeError):
    """The process dies (or a bug raises) between two steps of the ratification."""


def _fail_after_notifying(real):
    def tell_parties(*args, **kwargs):
        real(*args, **kwargs)
        raise Boom
    return tell_parties


def _fail(*_args, **_kwargs):
    raise Boom


@pytest.mark.parametrize("step", ["signatures", "history", "board", "notifications",
                                  "after notifying"])
def test_a_failure_after_the_contract_leaves_no_trace_and_the_resend_makes_it_whole(
        session, hall, now, monkeypatch, step):
    hall["start"]()
    event = hall["event"]
    empty = _left_behind(session)
    if step == "signatures":
        monkeypatch.setattr(desk, "Signature", _fail)
    elif step == "history":
        monkeypatch.setattr(desk, "record_event", _fail)
    elif step == "board":
        monkeypatch.setattr(desk, "bump_board", _fail)
    elif step == "notifications":
        monkeypatch.setattr(desk, "tell_parties", _fail)
    else:
        monkeypatch.setattr(desk, "tell_parties", _fail_after_notifying(desk.tell_parties))
    with pytest.raises(Boom):
        events.ratify(session, hall["notary"], event.id, desk_deal(hall), now,
                      client_key="desk-1")
    session.rollback()  # what the request does when anything raises

    assert _left_behind(session) == empty
    assert session.get(Listing, hall["lab"].id).remaining == 20  # nothing stays reserved

    monkeypatch.undo()
    ratified = events.ratify_deal(session, hall["notary"], event.id, desk_deal(hall), now,
                                  client_key="desk-1")
    session.commit()
    assert ratified.created  # the resend makes the deal, it does not find a half of one
    contract = ratified.contract
    assert contract.number == "GZ-2026/001"  # the failed attempt used up no number
    seen = _left_behind(session)
    assert seen["Contract"] == 1 and seen["Signature"] == 2 and seen["ContractEvent"] == 1
    assert seen["Notification"] > 0
    assert session.scalars(select(ContractEvent.action).where(
        ContractEvent.contract_id == contract.id)).all() == ["ratify"]
    assert session.get(Listing, hall["lab"].id).remaining == 14


# ---------------------------------------------------------------------------- a queued deal

def desks_at_once(app, path: str, cookie: str, forms: list[dict]) -> list[tuple[int, dict]]:
    """POST each desk form at once, as the desk's fetch does, from its own thread to the app
    served over HTTP (a thread and a connection per request)."""
    with served(app) as base:
        answers = all_at_once(base, [Request(
            "POST", path, urllib.parse.urlencode(form, doseq=True).encode(),
            {"Cookie": cookie, "Accept": "application/json", "Accept-Language": "en",
             "Content-Type": "application/x-www-form-urlencoded"}) for form in forms])
    return [(answer.status, answer.json()) for answer in answers]


@pytest.fixture
def queued(session, hall, now):
    """The library's deal, drafted on a phone, waiting in the desk's queue."""
    hall["start"]()
    deal = events.submit_deal(session, hall["library_owner"], hall["event"].id,
                              hall["library"].id, desk_deal(hall), now)
    session.commit()
    return deal


def test_ten_desks_ratifying_one_queued_deal_at_once_make_one_contract(app, client, session,
                                                                        hall, queued):
    login_as(client, hall["notary"])
    client.get("/")
    cookie = f"session={client.get_cookie('session').value}"
    forms = [deal_form(hall, deal_id=str(queued.id), client_key=f"desk-{i}") for i in range(10)]

    answers = desks_at_once(app, f"/events/{hall['event'].id}/desk", cookie, forms)

    assert Counter(status for status, _ in answers) == {201: 1, 422: 9}, answers
    [made] = [answer for status, answer in answers if status == 201]
    assert made["number"] == "GZ-2026/001"
    for status, answer in answers:
        if status == 422:
            assert answer["errors"]["_"] == [
                "This deal was already ratified as contract GZ-2026/001."], answer
    seen = _left_behind(session)
    assert seen["Contract"] == 1 and seen["Signature"] == 2 and seen["ContractEvent"] == 1
    deal = session.get(EventDeal, queued.id)
    assert deal.status is DealStatus.RATIFIED and deal.contract_id == made["contract_id"]
    assert session.get(Listing, hall["lab"].id).remaining == 14  # reserved once


def test_a_resend_of_the_desk_that_ratified_a_queued_deal_finds_its_contract(session, hall,
                                                                               queued, now):
    event, notary = hall["event"], hall["notary"]
    terms = queued.terms | {"no_money": "1"}
    first = events.ratify_deal(session, notary, event.id, terms, now, client_key="desk-1",
                               deal_id=queued.id)
    session.commit()
    again = events.ratify_deal(session, notary, event.id, terms, now, client_key="desk-1",
                               deal_id=queued.id)
    assert not again.created and again.contract.id == first.contract.id
    with pytest.raises(ValidationError) as error:
        events.ratify_deal(session, notary, event.id, terms, now, client_key="desk-2",
                           deal_id=queued.id)
    assert error.value.errors[None] == [
        Msg("This deal was already ratified as contract %(number)s.", number="GZ-2026/001")]
    assert _left_behind(session)["Contract"] == 1


def test_four_desks_ratifying_at_once_number_the_deals_uniquely_and_without_gaps(
        app, session, hall, make_user, now):
    """Four notaries at four desks, each ratifying two deals at once (and one desk's first
    deal double-clicked): every deal is one contract, numbered 001…008 with no gap."""
    hall["start"]()
    cookies = []
    for i in range(4):
        email = f"desk{i}@example.org"
        make_user(email, name=f"Notariusz {i}")
        events.add_staff(session, hall["organiser"], hall["event"].id, email, "notary", now)
    session.commit()
    for i in range(4):
        desk = app.test_client()
        login_as(desk, session.scalar(select(User).where(User.email == f"desk{i}@example.org")))
        desk.get("/")
        cookies.append(f"session={desk.get_cookie('session').value}")
    path = f"/events/{hall['event'].id}/desk"
    sends = [(cookies[i], deal_form(hall, client_key=f"desk{i}-deal{k}",
                                    **{"commitments-0-quantity": "1"}))
             for i in range(4) for k in range(2)]
    sends.append(sends[0])  # a double click at the first desk

    with served(app) as base:
        answers = all_at_once(base, [Request(
            "POST", path, urllib.parse.urlencode(form, doseq=True).encode(),
            {"Cookie": cookie, "Accept": "application/json", "Accept-Language": "en",
             "Content-Type": "application/x-www-form-urlencoded"}) for cookie, form in sends])

    statuses = Counter(answer.status for answer in answers)
    assert statuses == {201: 8, 200: 1}, [(a.status, a.text) for a in answers]
    made = {answer.json()["contract_id"]: answer.json()["number"] for answer in answers}
    assert sorted(made.values()) == [f"GZ-2026/{n:03d}" for n in range(1, 9)]
    session.rollback()
    numbers = sorted(session.scalars(select(Contract.number).where(
        Contract.event_id == hall["event"].id)))
    assert numbers == [f"GZ-2026/{n:03d}" for n in range(1, 9)]
    assert session.get(Listing, hall["lab"].id).remaining == 12
