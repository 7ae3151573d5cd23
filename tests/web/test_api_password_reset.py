"""POST /api/v1/password-reset: the same 202 for every address, a link mailed only to an active
account, counted with the web's e-mailed links."""
from __future__ import annotations

import re

import pytest

from tests.conftest import TEST_PASSWORD


def ask(client, body, **options):
    response = client.post("/api/v1/password-reset", json=body, buffered=True, **options)
    response.close()
    return response


def test_the_same_answer_for_an_account_no_account_and_a_deactivated_one(
        client, session, make_user, outbox):
    make_user("anna@example.org")
    make_user("jan@example.org").is_active = False
    session.commit()
    answers = [ask(client, {"email": email}) for email in (
        "anna@example.org", "nobody@example.org", "jan@example.org")]
    assert {(a.status_code, a.get_data(as_text=True)) for a in answers} == {
        (202, answers[0].get_data(as_text=True))}
    assert "we have sent it a link to set a new password" in answers[0].json["message"]
    assert [mail["To"] for mail in outbox()] == ["anna@example.org"]


def test_the_mailed_link_sets_a_new_password_on_the_web(client, make_user, outbox):
    make_user("anna@example.org")
    ask(client, {"email": "ANNA@example.org"})
    path = re.search(r"/password/reset/\S+", outbox()[0].get_content()).group(0)
    assert client.post(path, data={"new_password": "a new long passphrase",
                                   "confirm": "a new long passphrase"}).status_code == 302
    assert client.post("/api/v1/tokens", json={"email": "anna@example.org",
                                               "password": TEST_PASSWORD}).status_code == 401
    assert client.post("/api/v1/tokens", json={"email": "anna@example.org",
                                               "password": "a new long passphrase"}
                       ).status_code == 201


@pytest.mark.parametrize("body, status, field", [
    ({}, 422, "email"),
    ({"email": ""}, 422, "email"),
    ({"email": 42}, 422, "email"),
    ({"email": "x" * 300 + "@example.org"}, 422, "email"),
    ({"email": "anna@example.org", "password": "x"}, 422, "password"),
])
def test_a_missing_or_wrong_email_is_refused(client, outbox, body, status, field):
    response = ask(client, body)
    assert response.status_code == status and field in response.json["fields"]
    assert outbox() == []


def test_a_body_that_is_not_json_is_a_400(client):
    response = client.post("/api/v1/password-reset", data="email=anna@example.org",
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400 and response.json["error"] == "bad_request"


def test_limited_with_the_webs_links_and_told_when_to_come_back(client, make_user, outbox):
    make_user("anna@example.org")
    client.post("/login/link", data={"email": "anna@example.org"}, buffered=True).close()
    for _ in range(2):
        assert ask(client, {"email": "anna@example.org"}).status_code == 202
    refused = ask(client, {"email": "anna@example.org"})
    assert refused.status_code == 429 and refused.json["error"] == "rate_limited"
    assert "Too many links were asked for" in refused.json["message"]
    assert 0 < int(refused.headers["Retry-After"]) <= 3600
    assert len(outbox()) == 3
