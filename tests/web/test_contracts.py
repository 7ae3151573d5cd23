"""Contracts on the web: from an accepted proposal to fulfilment, drafting, access, print, calendar."""
from __future__ import annotations

import re

from datetime import timedelta

from sqlalchemy import select

from models import (Commitment, CommitmentStatus, Contract, ContractEvent, ContractStatus,
                    Listing, Membership, ValueDefault)
from tests.conftest import NOW, TEST_PASSWORD, login_id


def login_as(client, user, *, recent: bool = True):
    """Sign USER in; RECENT says whether the login counts as fresh for signing."""

    with client.session_transaction() as s:
        s["_user_id"] = login_id(user)
        if recent:
            s["login_at"] = NOW.isoformat()
        else:
            s.pop("login_at", None)


def contract_url(org, contract, tail=""):
    return f"/organizations/{org.id}/contracts/{contract.id}{tail}"


def accept(client, pair):
    login_as(client, pair["library_owner"])
    url = (f"/organizations/{pair['library'].id}/listings/{pair['need'].id}"
           f"/proposals/{pair['lab'].id}")
    return client.post(url, data={"action": "accept"})


def test_from_proposal_to_fulfilment(app, client, session, pair):
    response = accept(client, pair)
    session.rollback()
    contract = session.scalar(select(Contract))
    assert response.headers["Location"].endswith(contract_url(pair["library"], contract))
    page = client.get(contract_url(pair["library"], contract)).get_data(as_text=True)
    assert "Pracownia komputerowa na 20 stanowisk" in page and contract.number in page
    row = session.scalar(select(Commitment))
    assert (row.giver_id, row.receiver_id, row.quantity) == (pair["school"].id,
                                                              pair["library"].id, 6)
    # The library drafted it: the school's lab is reserved only when the school signs.
    assert session.get(Listing, pair["lab"].id).remaining == 20
    assert "not yet reserved" in page

    client.post(contract_url(pair["library"], contract, "/sign"),
                data={"revision": contract.revision})
    # Signed by the library: its dashboard shows it waiting for the school, and only there.
    ours = client.get(f"/organizations/{pair['library'].id}/contracts").get_data(as_text=True)
    waiting = ours[ours.index('id="waiting"'):]
    waiting = waiting[:waiting.index("</section>")]
    assert "waiting for the other parties" in waiting and contract.number in waiting
    assert ours.count(f"Contract {contract.number}") == 1
    school = app.test_client()
    school.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    login_as(school, pair["school_owner"])
    board = school.get(f"/organizations/{pair['school'].id}/contracts").get_data(as_text=True)
    assert "Awaiting our signature" in board and contract.number in board
    session.rollback()
    contract = session.get(Contract, contract.id)
    school.post(contract_url(pair["school"], contract, "/sign"),
                data={"revision": contract.revision})
    session.rollback()
    assert session.get(Contract, contract.id).status is ContractStatus.ACTIVE
    assert session.get(Listing, pair["lab"].id).remaining == 14

    school.post(contract_url(pair["school"], contract, f"/commitments/{row.id}/deliver"))
    client.post(contract_url(pair["library"], contract, f"/commitments/{row.id}/confirm"))
    session.rollback()
    assert session.get(Contract, contract.id).status is ContractStatus.FULFILLED
    page = client.get(contract_url(pair["library"], contract)).get_data(as_text=True)
    assert "fulfilled" in page
    actions = session.scalars(select(ContractEvent.action).order_by(ContractEvent.id)).all()
    assert actions == ["create", "sign", "sign", "activate", "deliver", "confirm", "outcome"]


def test_signing_asks_once_more_showing_what_is_signed(client, session, pair):
    accept(client, pair)
    session.rollback()
    contract = session.scalar(select(Contract))
    page = client.get(contract_url(pair["library"], contract)).get_data(as_text=True)
    confirm = re.search(r'<details class="confirm" id="sign-confirm">(.*?)</details>', page, re.S)
    assert confirm, "the sign button opens the terms first"
    terms = re.search(r'<ul class="signing-terms">(.*?)</ul>', confirm.group(1), re.S).group(1)
    assert "Pracownia komputerowa na 20 stanowisk — 6 hours" in " ".join(terms.split())
    assert "Yes, sign for Biblioteka" in confirm.group(1)


def test_signing_after_15_minutes_asks_for_the_password(client, session, pair):
    accept(client, pair)
    session.rollback()
    contract = session.scalar(select(Contract))
    login_as(client, pair["library_owner"], recent=False)
    page = client.get(contract_url(pair["library"], contract)).get_data(as_text=True)
    assert 'type="password"' in page
    refused = client.post(contract_url(pair["library"], contract, "/sign"),
                          data={"password": "wrong one"}, follow_redirects=True)
    assert "The password is not correct." in refused.get_data(as_text=True)
    client.post(contract_url(pair["library"], contract, "/sign"),
                data={"password": TEST_PASSWORD})
    session.rollback()
    assert session.get(Contract, contract.id).status is ContractStatus.SIGNING


def test_a_member_without_signing_rights_cannot_sign(client, session, pair, make_user,
                                                      add_member):
    accept(client, pair)
    session.rollback()
    contract = session.scalar(select(Contract))
    clerk = make_user("clerk@example.org")
    add_member(pair["library"], clerk)
    login_as(client, clerk)
    assert client.get(contract_url(pair["library"], contract)).status_code == 200
    assert client.post(contract_url(pair["library"], contract, "/sign")).status_code == 403
    session.rollback()
    assert session.get(Contract, contract.id).status is ContractStatus.DRAFT


def test_other_organizations_never_see_a_contract(client, session, pair, make_user, make_org):
    accept(client, pair)
    session.rollback()
    contract = session.scalar(select(Contract))
    outsider = make_user("x@example.org")
    other = make_org(outsider, name="Inna")
    login_as(client, outsider)
    for tail in ("", "/print", "/edit"):
        assert client.get(contract_url(other, contract, tail)).status_code == 404
        assert client.get(contract_url(pair["library"], contract, tail)).status_code == 404
    assert client.get(f"/contracts/{contract.id}").status_code == 404
    assert client.post(contract_url(other, contract, "/sign")).status_code == 404


def form_data(pair, **row):
    commitment = {"giver_id": pair["school"].id, "receiver_id": pair["library"].id,
                  "what": "Pracownia komputerowa, 3 × 2 h", "quantity": 6, "unit": "hours",
                  "due_on": (NOW.date() + timedelta(days=30)).isoformat(),
                  "listing_id": pair["lab"].id, "need_id": "", "estimated_value": "", **row}
    data = {"action": "save", "parties": [str(pair["school"].id)], "note": ""}
    data.update({f"commitments-0-{k}": v for k, v in commitment.items()})
    return data


def test_a_contract_from_scratch(client, session, pair):
    login_as(client, pair["library_owner"])
    url = f"/organizations/{pair['library'].id}/contracts/new"
    page = client.get(url).get_data(as_text=True)
    assert "New contract" in page
    # Each party's representative is asked for by the party's name (it was ": represented by").
    assert "Who represents Biblioteka</label>" in page
    response = client.post(url, data=form_data(pair))
    session.rollback()
    contract = session.scalar(select(Contract))
    assert response.status_code == 302 and contract.status is ContractStatus.DRAFT
    assert contract.number.startswith(f"{NOW.date().year}/")
    assert {p.organization_id for p in contract.parties} == {pair["library"].id,
                                                             pair["school"].id}


def test_the_drafting_form_gets_a_picked_party_s_offers_and_needs_without_a_round_trip(
        client, session, pair, make_user, make_org):
    login_as(client, pair["library_owner"])
    url = f"/organizations/{pair['library'].id}/contracts/party/{pair['school'].id}"
    answer = client.get(url).get_json()
    assert answer["name"] == "Szkoła Podstawowa nr 3"
    assert answer["offers"] == [[str(pair["lab"].id),
                                 "Szkoła Podstawowa nr 3: Pracownia komputerowa na 20 stanowisk "
                                 "(20 hours)"]]
    assert answer["needs"] == []
    assert client.get(f"/organizations/{pair['library'].id}/contracts/party/999999"
                      ).status_code == 404
    # Only a member of the organization drafting asks.
    stranger = make_user("x@example.org")
    make_org(stranger, name="Inna")
    login_as(client, stranger)
    assert client.get(url).status_code == 404


def test_money_is_refused_and_nothing_is_saved(client, session, pair):
    login_as(client, pair["library_owner"])
    page = client.post(f"/organizations/{pair['library'].id}/contracts/new",
                       data=form_data(pair, what="Pracownia za 200 zł")).get_data(as_text=True)
    assert "never money" in page
    session.rollback()
    assert session.scalar(select(Contract)) is None
    assert session.get(Listing, pair["lab"].id).remaining == 20


def test_money_is_said_together_with_the_form_s_own_errors(client, session, pair):
    """A price in "What" and a quantity that is no number: both said in one answer."""
    login_as(client, pair["library_owner"])
    response = client.post(f"/organizations/{pair['library'].id}/contracts/new",
                           data=form_data(pair, what="Pracownia za 200 zł", quantity="dużo"))
    page = response.get_data(as_text=True)
    assert "never money" in page and 'id="commitments-0-quantity-error"' in page
    session.rollback()
    assert session.scalar(select(Contract)) is None
    assert session.get(Listing, pair["lab"].id).remaining == 20


def test_more_than_remains_is_refused(client, session, pair):
    login_as(client, pair["library_owner"])
    page = client.post(f"/organizations/{pair['library'].id}/contracts/new",
                       data=form_data(pair, quantity=25)).get_data(as_text=True)
    assert "no longer available in that quantity (20 left)" in page
    session.rollback()
    assert session.scalar(select(Contract)) is None


def test_a_stale_edit_is_a_conflict(client, session, pair):
    login_as(client, pair["library_owner"])
    client.post(f"/organizations/{pair['library'].id}/contracts/new", data=form_data(pair))
    session.rollback()
    contract = session.scalar(select(Contract))
    url = contract_url(pair["library"], contract, "/edit")
    first = dict(form_data(pair, quantity=4), revision=contract.revision)
    assert client.post(url, data=first).status_code == 302
    stale = dict(form_data(pair, quantity=2), revision=contract.revision)
    page = client.post(url, data=stale).get_data(as_text=True)
    assert "Someone else changed this contract" in page
    session.rollback()
    assert session.scalar(select(Commitment.quantity)) == 4
    # Not reserved: the lab is the school's, and the school has not signed yet.
    assert session.get(Listing, pair["lab"].id).remaining == 20


def test_signed_terms_are_frozen(client, session, pair):
    accept(client, pair)
    session.rollback()
    contract = session.scalar(select(Contract))
    client.post(contract_url(pair["library"], contract, "/sign"))
    session.rollback()
    contract = session.get(Contract, contract.id)
    url = contract_url(pair["library"], contract, "/edit")
    page = client.post(url, data=dict(form_data(pair, quantity=1), revision=contract.revision),
                       follow_redirects=True).get_data(as_text=True)
    assert "terms are frozen" in page
    session.rollback()
    assert session.scalar(select(Commitment.quantity)) == 6


def test_print_has_a_copy_per_party_and_a_qr_code(client, session, pair):
    accept(client, pair)
    session.rollback()
    contract = session.scalar(select(Contract))
    page = client.get(contract_url(pair["library"], contract, "/print")).get_data(as_text=True)
    assert page.count('class="copy"') == 2 and "<svg" in page
    assert f"/contracts/{contract.id}" in page and "css/print.css" in page


def library_owners_token(session, pair):
    return session.scalar(select(Membership.calendar_token).where(
        Membership.organization_id == pair["library"].id,
        Membership.user_id == pair["library_owner"].id))


def test_the_calendar_feed_lists_due_dates(app, client, session, pair):
    accept(client, pair)
    session.rollback()
    contract = session.scalar(select(Contract))
    client.post(contract_url(pair["library"], contract, "/sign"))
    school = app.test_client()
    login_as(school, pair["school_owner"])
    school.post(contract_url(pair["school"], contract, "/sign"))
    page = client.get(f"/organizations/{pair['library'].id}/calendar").get_data(as_text=True)
    session.rollback()
    token = library_owners_token(session, pair)
    assert token and token in page
    feed = app.test_client().get(f"/calendar/{token}.ics")
    assert feed.mimetype == "text/calendar"
    body = feed.get_data(as_text=True)
    assert "BEGIN:VEVENT" in body and contract.number in body
    assert app.test_client().get("/calendar/not-the-secret.ics").status_code == 404


def test_admins_set_values_that_commitments_suggest(client, session, pair, make_user):
    admin = make_user("admin@example.org", is_admin=True)
    login_as(client, admin)
    client.post("/admin/values", data={"category": "computer_labs", "unit": "hours",
                                       "value": "50"})
    session.rollback()
    assert session.scalar(select(ValueDefault.value)) == 50
    accept(client, pair)
    session.rollback()
    assert session.scalar(select(Commitment.estimated_value)) == 6 * 50
    assert session.scalar(select(Commitment.status)) is CommitmentStatus.PENDING


def test_a_write_lost_to_a_concurrent_one_is_refused_not_an_error(app):
    from sqlalchemy.orm.exc import StaleDataError

    from exchange.web.util import act

    def lost_race():
        raise StaleDataError("UPDATE contract … expected to update 1 row(s); 0 were matched")

    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        from flask import get_flashed_messages
        assert act(lost_race) is False
        assert "Someone else changed this at the same moment" in get_flashed_messages()[0]


def signed_by_both(app, client, session, pair):
    accept(client, pair)
    session.rollback()
    contract = session.scalar(select(Contract))
    client.post(contract_url(pair["library"], contract, "/sign"))
    school = app.test_client()
    login_as(school, pair["school_owner"])
    school.post(contract_url(pair["school"], contract, "/sign"))
    session.rollback()
    return session.get(Contract, contract.id)


def test_a_check_in_is_answered_in_one_click(app, client, session, pair):
    from exchange.core.contracts import follow_up
    from models import CheckIn, CheckInAnswer

    contract = signed_by_both(app, client, session, pair)
    follow_up(session, NOW + timedelta(days=100))
    session.commit()
    page = client.get(contract_url(pair["library"], contract)).get_data(as_text=True)
    assert "3 months on: how is it going?" in page
    check_in = session.scalar(select(CheckIn).where(
        CheckIn.organization_id == pair["library"].id))
    client.post(f"/organizations/{pair['library'].id}/check-ins/{check_in.id}",
                data={"answer": "ongoing"})
    session.rollback()
    assert session.get(CheckIn, check_in.id).answer is CheckInAnswer.ONGOING
    refused = client.post(f"/organizations/{pair['library'].id}/check-ins/{check_in.id}",
                          data={"answer": "maybe"}, follow_redirects=True)
    assert "Not a valid choice." in refused.get_data(as_text=True)


def test_a_new_calendar_address_retires_the_old_one(app, client, session, pair):
    signed_by_both(app, client, session, pair)
    client.get(f"/organizations/{pair['library'].id}/calendar")
    session.rollback()
    old = library_owners_token(session, pair)
    client.post(f"/organizations/{pair['library'].id}/calendar/renew")
    session.rollback()
    new = library_owners_token(session, pair)
    assert new != old
    assert app.test_client().get(f"/calendar/{old}.ics").status_code == 404
    assert app.test_client().get(f"/calendar/{new}.ics").status_code == 200
