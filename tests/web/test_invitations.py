"""Invitations on the web: an owner or organiser invites by e-mail; the link registers a new
person or lets the invited account accept in one click; a stranger cannot; expired, used and
withdrawn links say so; one link used at once joins once; owners see who approved whom."""
from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlsplit

from sqlalchemy import func, select

from models import Invitation, MemberRole, Membership, User
from models.event import StaffRole
from tests.conftest import NOW, login_id
from tests.live import Request, all_at_once, served

PASSWORD = "a long invited passphrase"


def login_as(client, user):
    with client.session_transaction() as s:
        s["_user_id"] = login_id(user)


def link_in(mail) -> str:
    return urlsplit(re.search(r"https?://\S+/invitations/\S+", mail.get_content()).group(0)).path


def register(client, path, name="Nina Nowa", password=PASSWORD, confirm=None):
    return client.post(path + "/register", data={
        "name": name, "password": password, "confirm": password if confirm is None else confirm})


def count(session, model, *where) -> int:
    session.rollback()
    return session.scalar(select(func.count()).select_from(model).where(*where))


def invite(client, org, email="nowa@example.org", **data):
    return client.post(f"/organizations/{org.id}/members/add",
                       data={"email": email, "role": "member", **data})


def test_a_new_person_registers_through_the_invitation_and_joins(
        app, client, session, make_user, make_org, outbox):
    owner = make_user("owner@example.org", name="Olga Właścicielka")
    org = make_org(owner, name="Biblioteka Miejska")
    login_as(client, owner)
    assert invite(client, org, can_sign="y").status_code == 302
    [mail] = outbox()
    assert mail["To"] == "nowa@example.org" and "Biblioteka Miejska invites you" in mail["Subject"]
    assert "Olga Właścicielka" in mail.get_content() and "works once, for 14 days" in \
        mail.get_content()
    path = link_in(mail)
    page = client.get(f"/organizations/{org.id}/members").get_data(as_text=True)
    assert "Pending invitations" in page and "nowa@example.org" in page
    assert "invitation sent" in page

    visitor = app.test_client()
    visitor.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    opened = visitor.get(path)
    text = opened.get_data(as_text=True)
    assert opened.status_code == 200 and opened.headers["Referrer-Policy"] == "no-referrer"
    for seen in ("Olga Właścicielka", "nowa@example.org", "Biblioteka Miejska", "Member",
                 "may sign contracts", "Create the account and join"):
        assert seen in text
    assert 'name="email"' not in text  # the address is the invitation's
    refused = register(visitor, path, confirm="something else")
    assert refused.status_code == 422 and count(session, User, User.email == "nowa@example.org") == 0

    joined = register(visitor, path)
    assert joined.status_code == 302 and joined.headers["Location"] == f"/organizations/{org.id}"
    assert "You have joined Biblioteka Miejska" in visitor.get(joined.headers["Location"]).get_data(
        as_text=True)
    assert visitor.get(f"/organizations/{org.id}/members").status_code == 200  # logged in
    session.rollback()
    user = session.scalar(select(User).where(User.email == "nowa@example.org"))
    membership = session.scalar(select(Membership).where(Membership.user_id == user.id))
    assert membership.organization_id == org.id and membership.can_sign
    page = client.get(f"/organizations/{org.id}/members").get_data(as_text=True)
    assert "No pending invitations." in page and "joined" in page and "Nina Nowa" in page
    assert register(app.test_client(), path).status_code == 410  # used


def test_an_account_accepts_in_one_click_and_a_stranger_cannot(
        client, session, make_user, make_org, outbox):
    owner = make_user("owner@example.org")
    org = make_org(owner, name="Biblioteka")
    jan = make_user("jan@example.org", name="Jan Kowalski")
    stranger = make_user("obcy@example.org")
    login_as(client, owner)
    invite(client, org, email="jan@example.org", role="owner")
    path = link_in(outbox()[0])
    client.post("/logout")
    page = client.get(path).get_data(as_text=True)
    assert "An account with this address already exists" in page and "/login?next=" in page

    login_as(client, stranger)
    page = client.get(path).get_data(as_text=True)
    assert "This invitation is for jan@example.org, and you are logged in as obcy@example.org" \
        in page
    assert client.post(path + "/accept").status_code == 403
    assert register(client, path).status_code == 302  # signed in: back to the page, no account
    assert count(session, Membership, Membership.organization_id == org.id) == 1

    login_as(client, jan)
    assert "Accept the invitation" in client.get(path).get_data(as_text=True)
    accepted = client.post(path + "/accept")
    assert accepted.status_code == 302
    session.rollback()
    membership = session.scalar(select(Membership).where(Membership.user_id == jan.id))
    assert membership.organization_id == org.id and membership.role is MemberRole.OWNER


def test_expired_used_and_withdrawn_links_say_so_in_polish(
        app, client, clock, session, make_user, make_org, outbox):
    owner = make_user("owner@example.org")
    org = make_org(owner)
    login_as(client, owner)
    invite(client, org, email="a@example.org")
    invite(client, org, email="b@example.org")
    expired, withdrawn = (link_in(m) for m in outbox())
    polish = app.test_client()
    polish.environ_base["HTTP_ACCEPT_LANGUAGE"] = "pl"
    invitation = session.scalar(select(Invitation).where(Invitation.email == "b@example.org"))
    client.post(f"/organizations/{org.id}/invitations/{invitation.id}/revoke")
    page = polish.get(withdrawn)
    assert page.status_code == 410
    assert "To zaproszenie zostało wycofane" in page.get_data(as_text=True)
    assert polish.get("/invitations/nie-ma-takiego").status_code == 404
    assert "Ten link z zaproszeniem jest nieprawidłowy" in polish.get(
        "/invitations/nie-ma-takiego").get_data(as_text=True)
    clock.advance(timedelta(days=14, seconds=1))
    page = polish.get(expired)
    assert page.status_code == 410 and "To zaproszenie wygasło" in page.get_data(as_text=True)
    assert register(polish, expired).status_code == 410
    assert count(session, User, User.email == "a@example.org") == 0


def test_resend_makes_a_new_link_and_kills_the_old_one(client, session, make_user, make_org,
                                                      outbox):
    owner = make_user("owner@example.org")
    org = make_org(owner)
    login_as(client, owner)
    invite(client, org)
    invite(client, org)  # the same address again: resent, not doubled
    first, second = (link_in(m) for m in outbox())
    assert count(session, Invitation) == 1
    [invitation] = session.scalars(select(Invitation))
    assert client.post(f"/organizations/{org.id}/invitations/{invitation.id}/resend"
                       ).status_code == 302
    third = link_in(outbox()[2])
    assert client.get(first).status_code == 404 and client.get(second).status_code == 404
    assert client.get(third).status_code == 200


def test_another_organization_cannot_see_or_touch_the_invitations(
        client, session, make_user, make_org, outbox):
    owner, other_owner = make_user("owner@example.org"), make_user("inna@example.org")
    org, other = make_org(owner), make_org(other_owner, name="Szkoła")
    login_as(client, owner)
    invite(client, org, email="tajna@example.org")
    client.get(f"/organizations/{org.id}/members")  # the notice of it is read
    [invitation] = session.scalars(select(Invitation))
    login_as(client, other_owner)
    assert "tajna@example.org" not in client.get(f"/organizations/{other.id}/members").get_data(
        as_text=True)
    for action in ("revoke", "resend"):
        assert client.post(f"/organizations/{other.id}/invitations/{invitation.id}/{action}"
                           ).status_code == 404
        assert client.post(f"/organizations/{org.id}/invitations/{invitation.id}/{action}"
                           ).status_code == 404
    session.rollback()
    assert session.get(Invitation, invitation.id).revoked_at is None
    assert len(outbox()) == 1


def test_inviting_a_member_says_they_are_one(client, make_user, make_org, add_member):
    owner = make_user("owner@example.org")
    org = make_org(owner)
    add_member(org, make_user("jan@example.org"))
    login_as(client, owner)
    response = invite(client, org, email="jan@example.org")
    assert response.status_code == 422
    assert "This person is already a member." in response.get_data(as_text=True)


def test_the_organiser_invites_staff_and_sees_the_history(app, client, session, hall, outbox):
    event = hall["event"]
    login_as(client, hall["organiser"])
    url = f"/events/{event.id}/staff"
    client.post(url + "/add", data={"email": "wycena@example.org", "role": "valuer"})
    path = link_in(outbox()[0])
    page = client.get(url).get_data(as_text=True)
    assert "wycena@example.org" in page and "Valuer" in page and "Pending invitations" in page
    visitor = app.test_client()
    assert "Giełda Zasobów Tczew 2026" in visitor.get(path).get_data(as_text=True)
    assert register(visitor, path, name="Wiktor Wycena").headers["Location"] == \
        f"/events/{event.id}"
    session.rollback()
    session.refresh(event)
    user = session.scalar(select(User).where(User.email == "wycena@example.org"))
    assert event.roles_of(user.id) == {StaffRole.VALUER}
    page = client.get(url).get_data(as_text=True)
    assert "History of changes" in page and "Wiktor Wycena" in page and "joined" in page
    [invitation] = session.scalars(select(Invitation))
    # Another event's organiser cannot withdraw it through their own event.
    assert client.post(f"/events/{event.id}/invitations/{invitation.id + 1}/revoke"
                       ).status_code == 404


def test_one_link_used_at_once_makes_one_account_and_joins_once(
        app, client, session, make_user, make_org, outbox):
    owner = make_user("owner@example.org")
    org = make_org(owner)
    login_as(client, owner)
    invite(client, org)
    path = link_in(outbox()[0]) + "/register"
    tries = 5
    with served(app) as base:
        answers = all_at_once(base, [Request(
            "POST", path, f"name=Osoba+{n}&password=a+long+invited+passphrase"
            "&confirm=a+long+invited+passphrase".encode(),
            {"Content-Type": "application/x-www-form-urlencoded", "Accept-Language": "en"})
            for n in range(tries)], timeout=60)
    assert sorted(a.status for a in answers) == [302] + [410] * (tries - 1)
    assert count(session, User, User.email == "nowa@example.org") == 1
    assert count(session, Membership, Membership.organization_id == org.id) == 2


def _session_cookie(base: str, email: str) -> str:
    """Log EMAIL in over HTTP; the cookies to send as that user."""
    import http.client
    from urllib.parse import urlencode, urlsplit as split

    from tests.conftest import TEST_PASSWORD

    address = split(base)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
    body = urlencode({"email": email, "password": TEST_PASSWORD})
    connection.request("POST", "/login", body=body, headers={
        "Content-Type": "application/x-www-form-urlencoded"})
    response = connection.getresponse()
    response.read()
    cookies = [value.split(";", 1)[0] for name, value in response.getheaders()
               if name.lower() == "set-cookie"]
    connection.close()
    assert response.status == 302 and cookies
    return "; ".join(cookies)


def test_one_link_accepted_at_once_by_its_account_joins_once(
        app, client, session, make_user, make_org, outbox):
    owner = make_user("owner@example.org")
    org = make_org(owner)
    make_user("jan@example.org", name="Jan Kowalski")
    login_as(client, owner)
    invite(client, org, email="jan@example.org")
    path = link_in(outbox()[0]) + "/accept"
    tries = 5
    with served(app) as base:
        cookie = _session_cookie(base, "jan@example.org")
        answers = all_at_once(base, [Request("POST", path, b"", {
            "Cookie": cookie, "Accept-Language": "en",
            "Content-Type": "application/x-www-form-urlencoded"}) for _ in range(tries)],
            timeout=60)
    statuses = sorted(a.status for a in answers)
    assert statuses[0] == 302 and statuses[1:] == [410] * (tries - 1), statuses
    assert count(session, Membership, Membership.organization_id == org.id) == 2


def test_registering_through_an_invitation_asks_consent_to_the_privacy_notice(
        app, client, session, make_user, make_org, outbox):
    from exchange.core import privacy

    admin = make_user("admin@example.org", is_admin=True)
    privacy.publish_notice(session, admin, text_pl="Administratorem danych jest Giełda.",
                           text_en="", based_on=None, now=NOW)
    session.commit()
    owner = make_user("owner@example.org", name="Olga Właścicielka")
    org = make_org(owner, name="Biblioteka Miejska")
    login_as(client, owner)
    invite(client, org)
    path = link_in(outbox()[-1])
    visitor = app.test_client()
    visitor.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    assert 'name="privacy"' in visitor.get(path).get_data(as_text=True)
    refused = register(visitor, path)
    assert refused.status_code == 422
    assert "confirm that you have read the privacy notice" in refused.get_data(as_text=True)
    assert count(session, User, User.email == "nowa@example.org") == 0
    joined = visitor.post(path + "/register", data={
        "name": "Nina Nowa", "password": PASSWORD, "confirm": PASSWORD, "privacy": "y"})
    assert joined.status_code == 302
    session.rollback()
    nina = session.scalar(select(User).where(User.email == "nowa@example.org"))
    assert nina.privacy_version == 1 and nina.privacy_accepted_at is not None
