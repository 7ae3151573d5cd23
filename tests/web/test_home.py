"""The home page of a logged-in user is their to-do list: contracts to sign, our commitments
due within two weeks, new proposals, follow-up questions, and the events they take part in."""
from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from models import Contract
from tests.conftest import NOW, login_id


def login_as(client, user):
    with client.session_transaction() as s:
        s["_user_id"] = login_id(user)
        s["login_at"] = NOW.isoformat()  # just logged in: signing asks no password


def todo_of(client) -> str:
    page = client.get("/").get_data(as_text=True)
    found = re.search(r'<section class="panel todo"[^>]*>(.*?)</section>', page, re.S)
    assert found, "no to-do list on the home page"
    return " ".join(found.group(1).split())


def test_a_new_proposal_and_then_a_contract_to_sign_are_on_the_list(client, session, pair,
                                                                    now):
    login_as(client, pair["school_owner"])
    assert "1 proposal for our listings" in todo_of(client)  # the library needs our lab
    # The library accepts and signs: the school has a contract to sign.
    login_as(client, pair["library_owner"])
    client.post(f"/organizations/{pair['library'].id}/listings/{pair['need'].id}/proposals/"
                f"{pair['lab'].id}", data={"action": "accept"})
    session.rollback()
    contract = session.scalar(select(Contract))
    client.post(f"/organizations/{pair['library'].id}/contracts/{contract.id}/sign",
                data={"revision": contract.revision})
    login_as(client, pair["school_owner"])
    todo = todo_of(client)
    assert f"Sign contract {contract.number}" in todo
    assert "proposal for our listings" not in todo  # decided: no longer new

    # Signed by both: the school's lab is due within two weeks, so it is on the list.
    client.post(f"/organizations/{pair['school'].id}/contracts/{contract.id}/sign",
                data={"revision": contract.revision})
    session.rollback()
    contract = session.get(Contract, contract.id)
    [row] = contract.in_force.commitments
    if row.due_on > (now + timedelta(days=14)).date():
        row.due_on = (now + timedelta(days=10)).date()
        session.commit()
    todo = todo_of(client)
    assert f"Give: {row.what}" in todo and "Sign contract" not in todo
    login_as(client, pair["library_owner"])  # the receiver has nothing to give
    assert "Give:" not in todo_of(client)


def test_an_event_of_today_is_first_and_an_empty_list_says_so(client, session, hall, make_user):
    login_as(client, hall["library_owner"])
    todo = todo_of(client)
    assert "Giełda Zasobów Tczew 2026" in todo and "today, 10:00" in todo
    login_as(client, make_user("nobody@example.org"))
    assert "Nothing waits for you" in todo_of(client)
