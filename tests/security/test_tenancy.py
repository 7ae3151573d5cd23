"""One organization cannot act for another: reserve its offers, probe its drafts, keep access
after being removed from it, or learn who has an account."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from exchange.core import contracts
from models import Listing
from tests.conftest import NOW, TEST_PASSWORD, bearer


@pytest.fixture
def world(session, make_user, make_org, now, token_for):
    """B (a library) offers its room; A (a club) would like it; each owner has a token."""
    from exchange.core.listings import create_listing

    anna, jan = make_user("anna@example.org"), make_user("jan@example.org")
    b = make_org(anna, name="Biblioteka")
    a = make_org(jan, name="Klub")
    room = create_listing(session, anna, b.id, {
        "kind": "offer", "category": "rooms", "title": "Sala konferencyjna", "quantity": 10,
        "unit": "hours"}, now)
    draft = create_listing(session, anna, b.id, {
        "kind": "offer", "category": "equipment", "title": "Rzutnik (szkic)", "quantity": 3,
        "unit": "pieces"}, now, publish=False)
    session.commit()
    return {"a": a, "b": b, "room": room, "draft": draft, "anna": anna, "jan": jan,
            "a_token": token_for(jan), "b_token": token_for(anna)}


def terms(giver, receiver, **commitment) -> dict:
    return {"parties": [giver.id, receiver.id],
            "commitments": [{"giver_id": giver.id, "receiver_id": receiver.id,
                             "what": "Sala na warsztaty", "quantity": 10, "unit": "hours",
                             "due_on": (NOW.date() + timedelta(days=30)).isoformat(),
                             **commitment}]}


def remaining(session, listing) -> int:
    session.rollback()
    return session.scalar(select(Listing.remaining).where(Listing.id == listing.id))


# ---------------------------------------------------------------------------- reservations

def test_another_organization_cannot_reserve_an_offer_until_its_giver_signs(client, session,
                                                                            world):
    a, b, room = world["a"], world["b"], world["room"]
    created = client.post(f"/api/v1/organizations/{a.id}/contracts",
                          json=terms(b, a, listing_id=room.id), headers=bearer(world["a_token"]))
    assert created.status_code == 201, created.json
    # A asked for the whole room; B has not agreed to anything, so nothing is taken from it.
    assert remaining(session, room) == 10
    [row] = created.json["versions"][0]["commitments"]
    assert (row["reserved"], row["awaits_reservation"]) == (0, True)
    # A second contract of A's for the same hours is not refused either: nothing is held.
    again = client.post(f"/api/v1/organizations/{a.id}/contracts",
                        json=terms(b, a, listing_id=room.id), headers=bearer(world["a_token"]))
    assert again.status_code == 201 and remaining(session, room) == 10

    # B sees the draft and that its room is not reserved yet.
    client.post("/login", data={"email": "anna@example.org", "password": TEST_PASSWORD})
    page = client.get(f"/organizations/{b.id}/contracts/{created.json['id']}")
    assert "not yet reserved" in page.get_data(as_text=True)

    url = f"/api/v1/contracts/{created.json['id']}"
    signed = client.post(f"{url}/sign", json={"organization_id": b.id,
                                              "password": TEST_PASSWORD},
                         headers=bearer(world["b_token"]))
    assert signed.status_code == 200, signed.json
    assert remaining(session, room) == 0
    [row] = signed.json["versions"][0]["commitments"]
    assert (row["reserved"], row["awaits_reservation"]) == (10, False)
    assert "not yet reserved" not in client.get(
        f"/organizations/{b.id}/contracts/{created.json['id']}").get_data(as_text=True)

    # The second draft's hours are gone now: B's signature on it is refused, and nothing moves.
    refused = client.post(f"/api/v1/contracts/{again.json['id']}/sign",
                          json={"organization_id": b.id, "password": TEST_PASSWORD},
                          headers=bearer(world["b_token"]))
    assert refused.status_code == 422
    assert "no longer available" in refused.json["message"]
    assert remaining(session, room) == 0
    assert client.get(f"/api/v1/contracts/{again.json['id']}",
                      headers=bearer(world["a_token"])).json["status"] == "draft"

    # Withdrawing gives back exactly what was held: the unreserved draft gives back nothing.
    contracts.withdraw(session, world["jan"], a.id, again.json["id"], NOW)
    session.commit()
    assert remaining(session, room) == 0
    contracts.withdraw(session, world["jan"], a.id, created.json["id"], NOW)
    session.commit()
    assert remaining(session, room) == 10


def test_the_giver_drafting_reserves_its_own_offer_at_once(client, session, world):
    b, a, room = world["b"], world["a"], world["room"]
    created = client.post(f"/api/v1/organizations/{b.id}/contracts",
                          json=terms(b, a, listing_id=room.id, quantity=4),
                          headers=bearer(world["b_token"]))
    assert created.status_code == 201, created.json
    assert remaining(session, room) == 6
    [row] = created.json["versions"][0]["commitments"]
    assert (row["reserved"], row["awaits_reservation"]) == (4, False)
    # A's edit is A's terms: B's consent lapses and the hours go back until B signs.
    contracts.update_draft(session, world["jan"], a.id, created.json["id"],
                           terms(b, a, listing_id=room.id, quantity=5), NOW, revision=None)
    session.commit()
    assert remaining(session, room) == 10
    contracts.sign(session, world["anna"], b.id, created.json["id"], NOW, recent_login=True)
    session.commit()
    assert remaining(session, room) == 5


# ---------------------------------------------------------------------------- unpublished listings

def test_another_organizations_draft_listing_is_answered_like_a_missing_one(client, session,
                                                                           world):
    a, b = world["a"], world["b"]

    def refusal(listing_id, **changes):
        body = terms(b, a, listing_id=listing_id, **{"quantity": 1, **changes})
        answer = client.post(f"/api/v1/organizations/{a.id}/contracts", json=body,
                             headers=bearer(world["a_token"]))
        assert answer.status_code == 422, answer.json
        return answer.json

    missing = refusal(999_999)
    for probe in (refusal(world["draft"].id), refusal(world["draft"].id, quantity=50),
                  refusal(world["draft"].id, unit="pieces")):
        assert probe == missing
    # As the need of the receiver, too.
    body = terms(b, a, quantity=1)
    body["commitments"][0]["need_id"] = world["draft"].id
    as_need = client.post(f"/api/v1/organizations/{a.id}/contracts", json=body,
                          headers=bearer(world["a_token"])).json
    body["commitments"][0]["need_id"] = 999_999
    assert as_need == client.post(f"/api/v1/organizations/{a.id}/contracts", json=body,
                                  headers=bearer(world["a_token"])).json
    # B itself may still link its own unpublished offer (and is told it is not available).
    own = client.post(f"/api/v1/organizations/{b.id}/contracts",
                      json=terms(b, a, listing_id=world["draft"].id, quantity=1,
                                 unit="pieces"), headers=bearer(world["b_token"]))
    assert own.status_code == 422 and "no longer available" in own.json["message"]


# ---------------------------------------------------------------------------- removed members

def test_a_removed_member_loses_the_calendar_feed_and_every_page_at_once(app, client, session,
                                                                        world, make_user,
                                                                        add_member, token_for):
    from models import Membership

    b = world["b"]
    ola = make_user("ola@example.org")
    membership = add_member(b, ola)
    ola_token = token_for(ola)
    ola_browser = app.test_client()
    ola_browser.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    ola_browser.post("/login", data={"email": "ola@example.org", "password": TEST_PASSWORD})
    assert ola_browser.get(f"/organizations/{b.id}/calendar").status_code == 200
    session.rollback()
    feed = session.get(Membership, membership.id).calendar_token
    # The owner's own feed, to show that removing Ola ends Ola's feed and no one else's.
    client.post("/login", data={"email": "anna@example.org", "password": TEST_PASSWORD})
    assert client.get(f"/organizations/{b.id}/calendar").status_code == 200
    session.rollback()
    owners_feed = session.scalar(select(Membership.calendar_token).where(
        Membership.organization_id == b.id, Membership.user_id == world["anna"].id))
    outsider = app.test_client()
    assert outsider.get(f"/calendar/{feed}.ics").status_code == 200
    pages = [f"/organizations/{b.id}/contracts", f"/organizations/{b.id}/calendar",
             f"/organizations/{b.id}/members", f"/organizations/{b.id}/listings"]
    assert all(ola_browser.get(page).status_code == 200 for page in pages)
    api = f"/api/v1/organizations/{b.id}/contracts"
    assert client.get(api, headers=bearer(ola_token)).status_code == 200

    removed = client.post(f"/organizations/{b.id}/members/{membership.id}/remove")
    assert removed.status_code == 302

    assert outsider.get(f"/calendar/{feed}.ics").status_code == 404
    assert outsider.get(f"/calendar/{owners_feed}.ics").status_code == 200
    for page in pages:
        assert ola_browser.get(page).status_code in (403, 404), page
    assert client.get(api, headers=bearer(ola_token)).status_code == 404


def test_a_deactivated_account_loses_its_calendar_feed(app, client, session, world):
    from exchange.core import accounts
    from models import Membership, User

    client.post("/login", data={"email": "anna@example.org", "password": TEST_PASSWORD})
    assert client.get(f"/organizations/{world['b'].id}/calendar").status_code == 200
    session.rollback()
    feed = session.scalar(select(Membership.calendar_token).where(
        Membership.user_id == world["anna"].id))
    assert app.test_client().get(f"/calendar/{feed}.ics").status_code == 200
    admin = accounts.register_user(session, email="admin@example.org", name="Admin",
                                   password=TEST_PASSWORD, locale="en", now=NOW)
    admin.is_admin = True
    accounts.set_active(session, admin, session.get(User, world["anna"].id), active=False,
                        now=NOW)
    session.commit()
    assert app.test_client().get(f"/calendar/{feed}.ics").status_code == 404


# ---------------------------------------------------------------------------- who has an account

CSRF = re.compile(r'(name="csrf_token"[^>]*value=")[^"]*(")')


def answer_of(app, response) -> tuple:
    """What a visitor sees of RESPONSE: status, where it leads, the page, and what the session
    cookie carries (the flashed messages), without CSRF tokens and without the login's own
    identifiers (each browser's login has its own secret)."""
    cookie = next((c for c in response.headers.getlist("Set-Cookie")
                   if c.startswith(app.config["SESSION_COOKIE_NAME"] + "=")), None)
    carried = None
    if cookie is not None:
        value = cookie.split(";")[0].split("=", 1)[1]
        carried = app.session_interface.get_signing_serializer(app).loads(value)
        for own in ("csrf_token", "_user_id", "_id"):
            carried.pop(own, None)
    return (response.status_code, response.headers.get("Location"),
            CSRF.sub(r"\1\2", response.get_data(as_text=True)), carried)


def twice(app, make_user, email, send):
    """SEND's answer for EMAIL without an account, then with one: a fresh browser each time."""
    browsers = [app.test_client(), app.test_client()]
    for browser in browsers:
        browser.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    first = send(browsers[0])
    make_user(email)
    second = send(browsers[1])
    return first, second


def test_registering_answers_alike_whether_or_not_the_address_has_an_account(
        app, session, make_user, outbox):
    data = {"name": "Ola Nowak", "email": "ola@example.org", "password": TEST_PASSWORD,
            "confirm": TEST_PASSWORD}

    def send(browser):
        response = browser.post("/register", data=data)
        return answer_of(app, response), answer_of(app, browser.get(response.headers["Location"]))

    first, second = twice(app, make_user, "ola@example.org", send)
    assert first == second
    assert first[0][0] == 302 and "We have sent an e-mail to ola@example.org" in first[1][2]
    # The mail says what happened: a link to finish, or that an account exists already.
    link, known = outbox()
    assert link["To"] == known["To"] == "ola@example.org"
    assert "/register/" in link.get_content() and "already have one" in known.get_content()


def test_adding_a_member_answers_alike_whether_or_not_the_address_has_an_account(
        app, session, world, make_user, outbox):
    b = world["b"]

    def send(browser):
        browser.post("/login", data={"email": "anna@example.org", "password": TEST_PASSWORD})
        return answer_of(app, browser.post(f"/organizations/{b.id}/members/add",
                                           data={"email": "Ola@Example.org", "role": "member"}))

    first, second = twice(app, make_user, "ola@example.org", send)
    assert first == second and first[0] == 302
    assert "We have e-mailed an invitation to ola@example.org" in str(first[3])
    # Either way the address gets an invitation link, and nobody joins before following it.
    mails = outbox()
    assert [m["To"] for m in mails] == ["ola@example.org"] * 2
    assert all("/invitations/" in m.get_content() for m in mails)
    session.rollback()
    from models import Membership, User
    ola = session.scalar(select(User).where(User.email == "ola@example.org"))
    assert session.scalar(select(Membership).where(Membership.user_id == ola.id)) is None


def test_adding_staff_answers_alike_whether_or_not_the_address_has_an_account(
        app, session, hall, make_user, outbox):
    event = hall["event"]

    def send(browser):
        browser.post("/login", data={"email": "organiser@example.org",
                                     "password": TEST_PASSWORD})
        return answer_of(app, browser.post(f"/events/{event.id}/staff/add",
                                           data={"email": "ola@example.org", "role": "broker"}))

    first, second = twice(app, make_user, "ola@example.org", send)
    assert first == second and first[0] == 302
    mails = outbox()
    assert [m["To"] for m in mails] == ["ola@example.org"] * 2
    assert all(event.name in m.get_content() for m in mails)


# ---------------------------------------------------------------------------- e-mail forms

@pytest.mark.parametrize("typed", [
    "ＡＮＮＡ@example.org",          # full-width letters
    " Anna@EXAMPLE.org ",
])
def test_an_address_in_another_form_is_the_same_account(client, world, typed):
    from exchange.core import accounts

    assert accounts.normalise_email(typed) == "anna@example.org"
    response = client.post("/login", data={"email": typed, "password": TEST_PASSWORD})
    assert response.status_code == 302
    token = client.post("/api/v1/tokens", json={"email": typed, "password": TEST_PASSWORD})
    assert token.status_code == 201


@pytest.mark.parametrize("look_alike", [
    "anno\u0338@example.org",          # a combining long solidus laid over an "o"
    "an\u200bna@example.org",          # a zero-width space
    "\u0430nna@example.org",           # a Cyrillic "а"
    "anna@ex\u0430mple.org",           # a Cyrillic "а" in the domain
])
def test_look_alike_addresses_are_refused_everywhere(client, session, world, make_user,
                                                    look_alike):
    from exchange.core import accounts
    from exchange.core.errors import Errors

    errors = Errors()
    accounts.clean_email(look_alike, "email", errors)
    assert "imitate" in str(errors.errors["email"][0])
    page = client.post("/register", data={"name": "Ola", "email": look_alike,
                                          "password": TEST_PASSWORD,
                                          "confirm": TEST_PASSWORD})
    # (The form's own check already refuses an invisible character as not an address.)
    assert page.status_code == 422
    assert "imitate" in page.get_data(as_text=True) or "Invalid email" in page.get_data(
        as_text=True)
    client.post("/login", data={"email": "anna@example.org", "password": TEST_PASSWORD})
    added = client.post(f"/organizations/{world['b'].id}/members/add",
                        data={"email": look_alike, "role": "member"})
    assert added.status_code == 422
    assert "imitate" in added.get_data(as_text=True) or "Invalid email" in added.get_data(
        as_text=True)


def test_polish_letters_are_welcome_in_an_address(session, now):
    from exchange.core import accounts
    from exchange.core.errors import Errors

    errors = Errors()
    # Typed decomposed (z + combining dot above), it is stored composed, like typed at once.
    assert accounts.clean_email("z\u0307aneta@example.org", "email", errors) == \
        "żaneta@example.org"
    assert not errors
