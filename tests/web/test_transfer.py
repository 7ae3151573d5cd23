"""Import and export through the command line and the administrators' page."""
from __future__ import annotations

import io
import json
from pathlib import Path

from sqlalchemy import func, select

from models import Listing, Organization
from tests.conftest import login_id

EXAMPLES = Path(__file__).resolve().parents[2] / "static" / "examples"
BAD_CSV = (
    "organization_ref,organization_name,organization_sector,organization_municipality,"
    "ref,kind,category,title,quantity,unit\n"
    "org-1,Biblioteka,public,Tczew,l-1,offer,rooms,Sala,4,hours\n"
    "org-2,Klub,church,Tczew,l-2,offer,rooms,Aula,4,hours\n"
    "org-1,Biblioteka,public,Tczew,l-3,offer,rooms,Sala za 50 zł,4,hours\n"
)


def counts(session) -> tuple[int, int]:
    session.rollback()
    return (session.scalar(select(func.count()).select_from(Organization)),
            session.scalar(select(func.count()).select_from(Listing)))


def test_cli_imports_the_examples_once(runner, session):
    for name in ("import-example.csv", "import-example.json"):
        result = runner.invoke(args=["import-data", str(EXAMPLES / name)])
        assert result.exit_code == 0, result.output
    assert counts(session) == (3, 6)
    again = runner.invoke(args=["import-data", str(EXAMPLES / "import-example.csv")])
    assert "0 created" in again.output and counts(session) == (3, 6)


def test_cli_refuses_a_bad_file_with_line_numbers_and_changes_nothing(runner, session, tmp_path):
    bad = tmp_path / "zgloszenia.csv"
    bad.write_text(BAD_CSV, encoding="utf-8")
    result = runner.invoke(args=["import-data", str(bad)])
    assert result.exit_code == 1
    assert "line 3" in result.output and "line 4" in result.output and "50 zł" in result.output
    assert counts(session) == (0, 0)


def test_cli_exports_what_it_imported_with_refs(runner, tmp_path):
    runner.invoke(args=["import-data", str(EXAMPLES / "import-example.json")])
    exported = runner.invoke(args=["export-data", "--format", "json"])
    data = json.loads(exported.output)
    example = json.loads((EXAMPLES / "import-example.json").read_text(encoding="utf-8"))
    assert {o["ref"] for o in data["organizations"]} == {o["ref"] for o in example["organizations"]}
    assert {x["ref"] for x in data["listings"]} == {x["ref"] for x in example["listings"]}
    target = tmp_path / "out.csv"
    runner.invoke(args=["export-data", "--format", "csv", "-o", str(target)])
    assert target.read_text(encoding="utf-8-sig").startswith("organization_ref,")


def login_admin(client, make_user):
    admin = make_user(is_admin=True)
    with client.session_transaction() as s:
        s["_user_id"] = login_id(admin)


def test_upload_form_imports_and_reports_problems(client, session, make_user):
    login_admin(client, make_user)
    response = client.post("/admin/transfer", data={
        "file": (io.BytesIO(BAD_CSV.encode()), "zgloszenia.csv")},
        content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "nothing was changed" in page and "<td data-label=\"Line\">3</td>" in page
    assert counts(session) == (0, 0)
    response = client.post("/admin/transfer", data={
        "file": ((EXAMPLES / "import-example.csv").open("rb"), "import-example.csv")},
        content_type="multipart/form-data")
    assert response.status_code == 200 and "The file is imported." in response.get_data(as_text=True)
    assert counts(session) == (3, 6)


def test_download_buttons(client, make_user, runner):
    runner.invoke(args=["import-data", str(EXAMPLES / "import-example.csv")])
    login_admin(client, make_user)
    response = client.get("/admin/export.csv")
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="gielda-')
    assert "Sala" in response.get_data().decode("utf-8-sig")
    assert client.get("/admin/export.json").json["listings"]
