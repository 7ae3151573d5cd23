"""Privacy through the browser's eyes: the notice and its versions, consent at registration
and after a new version, downloading one's data, and deleting one's account."""
from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import func, select

from exchange.core import contracts, organizations as orgs
from models import MemberRole, PrivacyNotice, User
from tests.conftest import TEST_PASSWORD

GOOD = {"name": "Ola Nowak", "email": "ola@example.org", "password": TEST_PASSWORD,
        "confirm": TEST_PASSWORD}


@pytest.fixture
def admin_client(app, make_user):
    make_user("admin@example.org", is_admin=True)
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    assert client.post("/login", data={"email": "admin@example.org",
                                       "password": TEST_PASSWORD}).status_code == 302
    return client


def publish(admin_client, text="Administratorem danych jest Giełda.", based_on=""):
    return admin_client.post("/admin/privacy", data={"text_pl": text, "text_en": "",
                                                     "based_on": based_on})


def versions(session) -> list[int]:
    session.rollback()
    return list(session.scalars(select(PrivacyNotice.version).order_by(PrivacyNotice.version)))


def test_the_admin_publishes_numbered_versions_and_the_public_page_shows_the_latest(
        admin_client, client, session):
    assert "No privacy notice has been published yet." in client.get("/privacy").get_data(
        as_text=True)
    form = admin_client.get("/admin/privacy").get_data(as_text=True)
    assert "Administratorem danych osobowych jest operator" in form  # the suggested text
    assert publish(admin_client, "Pierwsza wersja.").status_code == 302
    assert publish(admin_client, "Druga wersja.\n\nDrugi akapit.", based_on="1").status_code == 302
    assert versions(session) == [1, 2]
    page = client.get("/privacy").get_data(as_text=True)
    assert "Version 2" in page and "<p>Druga wersja.</p>" in page and "Pierwsza" not in page
    old = client.get("/privacy/1").get_data(as_text=True)
    assert "Pierwsza wersja." in old and "This is an earlier version." in old
    listing = admin_client.get("/admin/privacy").get_data(as_text=True)
    assert 'href="/privacy/1"' in listing and 'href="/privacy/2"' in listing


def test_publishing_from_a_stale_form_is_a_conflict_with_a_clear_message(admin_client, session):
    publish(admin_client)
    response = publish(admin_client, "Moja wersja.", based_on="")
    assert response.status_code == 409
    assert "Someone else published a new version" in response.get_data(as_text=True)
    assert versions(session) == [1]


def test_two_admins_publishing_at_once_make_one_version_and_no_error(app, admin_client,
                                                                   session):
    from urllib.parse import urlencode

    from tests.live import Request, all_at_once, served

    cookie = f"session={admin_client.get_cookie('session').value}"
    body = urlencode({"text_pl": "Ta sama chwila.", "text_en": "", "based_on": ""}).encode()
    with served(app) as base:
        answers = all_at_once(base, [Request("POST", "/admin/privacy", body, {
            "Cookie": cookie, "Accept-Language": "en",
            "Content-Type": "application/x-www-form-urlencoded"}) for _ in range(4)])
    assert sorted(a.status for a in answers) == [302, 409, 409, 409]
    assert versions(session) == [1]


def test_registration_asks_for_consent_in_polish_and_records_the_version(
        app, admin_client, session, outbox):
    publish(admin_client)
    client = app.test_client()  # a Polish browser
    form = client.get("/register").get_data(as_text=True)
    assert 'name="privacy"' in form and 'href="/privacy"' in form
    response = client.post("/register", data=GOOD)
    assert response.status_code == 422
    assert "Aby się zarejestrować, potwierdź zapoznanie się z polityką prywatności." \
        in response.get_data(as_text=True)
    assert outbox() == []
    assert client.post("/register", data={**GOOD, "privacy": "y"}).status_code == 302
    [mail] = outbox()
    link = re.search(r"https?://\S+/register/\S+", mail.get_content()).group(0)
    assert client.post(link[link.index("/register/"):]).status_code == 302
    session.rollback()
    user = session.scalar(select(User).where(User.email == "ola@example.org"))
    assert user.privacy_version == 1 and user.privacy_accepted_at is not None


def test_the_consent_error_comes_with_the_other_fields_errors(admin_client, client):
    publish(admin_client)
    page = client.post("/register", data={**GOOD, "name": ""}).get_data(as_text=True)
    assert "This field is required." in page
    assert "To register, confirm that you have read the privacy notice." in page


def test_without_a_notice_registration_asks_nothing(client):
    assert 'name="privacy"' not in client.get("/register").get_data(as_text=True)
    assert client.post("/register", data=GOOD).status_code == 302


def test_after_a_new_version_a_banner_asks_to_accept_it_without_blocking(
        app, admin_client, make_user, session):
    publish(admin_client)
    anna = make_user("anna@example.org")
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.post("/login", data={"email": "anna@example.org", "password": TEST_PASSWORD})
    page = client.get("/account").get_data(as_text=True)
    assert page.count("Please read the privacy notice (version 1) and accept it.") == 1
    client.post("/privacy/accept", data={"version": "1", "next": "/account"})
    assert "The privacy notice has changed" not in client.get("/account").get_data(as_text=True)
    publish(admin_client, "Nowa wersja.", based_on="1")
    page = client.get("/marketplace").get_data(as_text=True)
    assert "The privacy notice has changed (version 2)" in page  # and the page is shown
    response = client.post("/privacy/accept", data={"version": "2", "next": "/marketplace"})
    assert response.headers["Location"] == "/marketplace"
    session.rollback()
    assert session.get(User, anna.id).privacy_version == 2
    assert "The privacy notice has changed" not in client.get("/marketplace").get_data(
        as_text=True)


@pytest.fixture
def signed(session, make_user, make_org, now):
    """Anna (library) and Piotr (school) signed a contract."""
    anna = make_user("anna@example.org", name="Anna Nowak")
    piotr = make_user("piotr@example.org", name="Piotr Wiśniewski")
    library, school = make_org(anna, name="Biblioteka"), make_org(piotr, name="Szkoła")
    contract = contracts.create_contract(session, anna, library.id, {
        "parties": [library.id, school.id], "commitments": [{
            "giver_id": library.id, "receiver_id": school.id, "what": "Sala na warsztaty",
            "quantity": 2, "unit": "hours", "due_on": "2026-12-15"}]}, now)
    for user, org in ((anna, library), (piotr, school)):
        contracts.sign(session, user, org.id, contract.id, now, recent_login=True)
    session.commit()
    return {"anna": anna, "piotr": piotr, "library": library, "school": school,
            "contract": contract}


def logged_in(app, email):
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    assert client.post("/login", data={"email": email,
                                       "password": TEST_PASSWORD}).status_code == 302
    return client


def logged_in_admin(app, session):
    from exchange.core import accounts
    from tests.conftest import NOW

    admin = accounts.register_user(session, email="root@example.org", name="Admin",
                                   password=TEST_PASSWORD, locale="en", now=NOW)
    admin.is_admin = True
    session.commit()
    return logged_in(app, "root@example.org")


def test_download_gives_a_json_file_of_ones_own_data_only(app, signed):
    client = logged_in(app, "anna@example.org")
    page = client.get("/account").get_data(as_text=True)
    assert 'action="/account/data"' in page and 'href="/account/delete"' in page
    response = client.post("/account/data")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.get_data(as_text=True))
    assert data["account"]["email"] == "anna@example.org"
    assert "password_hash" not in response.get_data(as_text=True)
    assert [m["organization"] for m in data["memberships"]] == ["Biblioteka"]
    assert [s["signer_name"] for s in data["signatures"]] == ["Anna Nowak"]
    assert data["login_sessions"] and all(set(s) == {"created_at", "expires_at", "revoked_at"}
                                          for s in data["login_sessions"])
    text = response.get_data(as_text=True)
    assert "piotr" not in text.lower() and "Szkoła" not in text


def test_download_is_limited_to_a_few_an_hour(app, signed):
    client = logged_in(app, "anna@example.org")
    for _ in range(5):
        assert client.post("/account/data").status_code == 200
    response = client.post("/account/data")
    assert response.status_code == 302 and int(response.headers["Retry-After"]) > 0
    assert "downloaded your data several times" in client.get("/account").get_data(
        as_text=True)


def test_download_needs_a_login(client):
    response = client.post("/account/data")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_deleting_an_account_says_what_happens_and_keeps_the_signature_name(
        app, signed, session):
    anna = signed["anna"]
    client = logged_in(app, "anna@example.org")
    page = client.get("/account/delete").get_data(as_text=True)
    assert "Signatures on contracts keep your name as it was recorded" in page
    wrong = client.post("/account/delete", data={"understood": "y", "password": "wrong one"})
    assert wrong.status_code == 422 and "The password is not correct." in wrong.get_data(
        as_text=True)
    response = client.post("/account/delete", data={"understood": "y",
                                                   "password": TEST_PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "Your account is deleted." in client.get("/").get_data(as_text=True)
    # Logged out, and the old password opens nothing.
    assert client.get("/account").status_code == 302
    assert client.post("/login", data={"email": "anna@example.org",
                                       "password": TEST_PASSWORD}).status_code == 401
    session.rollback()
    assert session.get(User, anna.id).name == "—"
    # The administrators see it deleted, with no button to bring it back.
    make_admin = logged_in_admin(app, session)
    users = make_admin.get("/admin/users").get_data(as_text=True)
    assert "deleted by its owner on" in users
    # The other party still sees who signed for the library.
    piotr = logged_in(app, "piotr@example.org")
    contract_page = piotr.get(f"/organizations/{signed['school'].id}/contracts/"
                              f"{signed['contract'].id}").get_data(as_text=True)
    assert "signed by Anna Nowak" in contract_page
    # The address may register again.
    assert app.test_client().post("/register", data={**GOOD, "email": "anna@example.org"}) \
        .status_code == 302
    session.rollback()
    assert session.scalar(select(func.count()).select_from(User).where(
        User.email == "anna@example.org")) == 0  # until the link in the mail is followed


def test_the_last_owner_with_members_is_told_to_hand_over_first(app, signed, make_user,
                                                                session, now):
    make_user("ewa@example.org")
    orgs.add_member(session, signed["anna"], signed["library"].id, email="ewa@example.org",
                    role=MemberRole.MEMBER.value, can_sign=False, now=now)
    session.commit()
    client = logged_in(app, "anna@example.org")
    page = client.get("/account/delete").get_data(as_text=True)
    assert "You are the last owner of Biblioteka" in page and 'name="password"' not in page
    response = client.post("/account/delete", data={"understood": "y",
                                                   "password": TEST_PASSWORD})
    assert response.status_code == 422
    session.rollback()
    assert session.get(User, signed["anna"].id).deleted_at is None
