"""Bad input gets a clear error, never a 500: deep or huge JSON."""
from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from models import Listing, Organization
from tests.conftest import TEST_PASSWORD

DEEP = b"[" * 1000 + b"]" * 1000            # RecursionError in json.loads before the fix
DEEP_OBJECT = b'{"a":' * 1000 + b"1" + b"}" * 1000
NINE_MB = b'{"email": "' + b"a" * (9 * 1024 * 1024) + b'"}'

CSV_HEADER = ("organization_ref,organization_name,organization_sector,organization_municipality,"
              "ref,kind,category,title,quantity,unit\n")


def counts(session) -> tuple[int, int]:
    session.rollback()
    return (session.scalar(select(func.count()).select_from(Organization)),
            session.scalar(select(func.count()).select_from(Listing)))


@pytest.fixture
def member(make_user, make_org):
    user = make_user("anna@example.org")
    return user, make_org(user, name="Biblioteka", sector="public", municipality="Tczew")


@pytest.fixture
def token(client, member):
    response = client.post("/api/v1/tokens", json={"email": "anna@example.org",
                                                   "password": TEST_PASSWORD, "name": "skrypt"})
    return response.json["token"]


def login_admin(client, make_user, language: str = "en"):
    admin = make_user(is_admin=True)
    with client.session_transaction() as s:
        s["_user_id"] = admin.session_token
        s["locale"] = language


# ------------------------------------------------------------------------- deep JSON

@pytest.mark.parametrize("body", [DEEP, DEEP_OBJECT], ids=["arrays", "objects"])
@pytest.mark.parametrize("method, path", [
    ("GET", "/healthz"), ("POST", "/api/v1/tokens"), ("POST", "/login"),
    ("POST", "/organizations/new"), ("GET", "/listings/")])
def test_json_nested_a_thousand_levels_deep_is_a_400_on_any_route(client, method, path, body):
    response = client.open(path, method=method, data=body, content_type="application/json")
    assert response.status_code == 400
    assert "The JSON is nested too deeply: at most 64 levels." in response.get_data(as_text=True)


def test_deep_json_to_the_api_is_refused_in_the_readers_language(client, member, token):
    response = client.post("/api/v1/listings", data=DEEP, content_type="application/json",
                           headers={"Authorization": f"Bearer {token}",
                                    "Accept-Language": "pl"})
    assert response.status_code == 400
    assert response.json == {"error": "json_too_deep", "message":
                             "JSON jest zagnieżdżony zbyt głęboko (dopuszczalna głębokość: 64)."}


def test_brackets_inside_strings_do_not_count_as_nesting(client, member, token, session):
    title = "Sala " + "[" * 200 + "{" * 200
    response = client.post("/api/v1/listings", headers={"Authorization": f"Bearer {token}"},
                           json={"organization_id": member[1].id, "kind": "offer",
                                 "category": "rooms", "title": title[:120], "quantity": 1,
                                 "unit": "hours", "description": '\\"' + "[" * 300})
    assert response.status_code == 201, response.json


def test_a_nine_megabyte_json_body_is_refused_with_413_before_it_is_read(client, member, token):
    for headers in ({}, {"Authorization": f"Bearer {token}"}):
        response = client.post("/api/v1/tokens", data=NINE_MB, content_type="application/json",
                               headers=headers)
        assert response.status_code == 413
        assert response.json == {"error": "too_large",
                                 "message": "What you sent is too large: at most 1 MB here."}
    response = client.post("/api/v1/listings", data=NINE_MB, content_type="application/json",
                           headers={"Authorization": f"Bearer {token}", "Accept-Language": "pl"})
    assert response.status_code == 413
    assert response.json["message"] == "Przesłane dane są za duże: tutaj najwyżej 1 MB."
    assert client.get("/healthz", data=NINE_MB, content_type="application/json"
                      ).status_code == 413


def test_a_form_over_a_megabyte_is_refused_but_an_import_file_may_be_larger(
        client, session, make_user):
    two_mb = io.BytesIO(b"x" * (2 * 1024 * 1024))
    big_form = client.post("/login", data={"email": "a@example.org", "password": "x",
                                           "file": (two_mb, "x.bin")},
                           content_type="multipart/form-data")
    assert big_form.status_code == 413
    assert "at most 1 MB" in big_form.get_data(as_text=True)
    login_admin(client, make_user)
    # Two organizations, and enough empty rows (which the import skips) to pass 1 MB.
    upload = (CSV_HEADER + "org-1,Biblioteka,public,Tczew,,,,,,\n" + ",,,,,,,,,\n" * 150_000
              + "org-2,Klub,ngo,Tczew,,,,,,\n").encode()
    assert 1024 * 1024 < len(upload) < 10 * 1024 * 1024
    response = client.post("/admin/transfer", data={"file": (io.BytesIO(upload), "duzy.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 200, response.get_data(as_text=True)[-500:]
    assert counts(session) == (2, 0)
    too_big = b"x" * (11 * 1024 * 1024)
    response = client.post("/admin/transfer", data={"file": (io.BytesIO(too_big), "duzy.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 413
    assert "at most 10 MB" in response.get_data(as_text=True)
