"""The organiser's import page: upload a spreadsheet, see what it will do, confirm it once; the
problems of a bad file listed by row and column; the template to start from."""
from __future__ import annotations

import io

from openpyxl import load_workbook
from sqlalchemy import func, select

from models import EventAttendee, EventImport, Organization
from tests.conftest import login_id
from tests.core.test_event_import import ROWS, csv_file, xlsx_file


def login_as(client, user):
    with client.session_transaction() as s:
        s["_user_id"] = login_id(user)


def upload(client, event_id, content: bytes, name: str = "uczestnicy.csv", lang: str = "en"):
    return client.post(f"/events/{event_id}/import",
                       data={"file": (io.BytesIO(content), name)},
                       content_type="multipart/form-data", headers={"Accept-Language": lang})


def test_anonymous_is_sent_to_log_in_and_other_staff_are_refused(client, hall):
    event_id = hall["event"].id
    response = client.get(f"/events/{event_id}/import")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    login_as(client, hall["notary"])
    assert client.get(f"/events/{event_id}/import").status_code == 403
    assert upload(client, event_id, csv_file(*ROWS)).status_code == 403
    assert client.get(f"/events/{event_id}/import/template.csv").status_code == 403


def test_upload_shows_what_will_happen_and_confirming_imports_once(client, session, hall):
    event_id = hall["event"].id
    login_as(client, hall["organiser"])
    for page in ("participants", "edit", ""):  # linked from the organiser's pages
        assert f'href="/events/{event_id}/import"' in client.get(
            f"/events/{event_id}/{page}".rstrip("/")).get_data(as_text=True)
    page = client.get(f"/events/{event_id}/import").get_data(as_text=True)
    assert "Anna Nowak &lt;anna@example.org&gt;; Jan Kowalski" in page  # the format, explained
    organizations = session.scalar(select(func.count()).select_from(Organization))
    preview = upload(client, event_id, xlsx_file(), "uczestnicy.xlsx")
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200 and 'id="preview"' in page
    assert "<dt>New organizations</dt><dd>2</dd>" in page
    assert "<dt>New people with badges</dt><dd>3</dd>" in page
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(Organization)) == organizations
    kept = session.scalar(select(EventImport))
    response = client.post(f"/events/{event_id}/import/{kept.id}")
    assert response.status_code == 302 and response.headers["Location"].endswith(
        f"/events/{event_id}/participants")
    listed = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Koło Gospodyń Wiejskich" in listed and "OSP Subkowy" in listed
    assert "maria@example.org" in listed
    again = client.post(f"/events/{event_id}/import/{kept.id}", headers={"Accept-Language": "en"})
    assert again.status_code == 302
    assert "already imported" in client.get(again.headers["Location"]).get_data(as_text=True)
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(Organization)) == organizations + 2
    # The same file again: nothing to change, and no button to press.
    page = upload(client, event_id, xlsx_file(), "uczestnicy.xlsx").get_data(as_text=True)
    assert "nothing to change" in page and f'action="/events/{event_id}/import/' not in page


def test_a_bad_file_lists_each_problem_by_row_and_column_in_polish(client, session, hall):
    event_id = hall["event"].id
    login_as(client, hall["organiser"])
    with client.session_transaction() as s:
        s["locale"] = "pl"
    bad = csv_file(ROWS[0].replace(";ngo;", ";charity;"), *ROWS[1:])
    response = upload(client, event_id, bad, lang="pl")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "<td data-label=\"Wiersz\">2</td><td data-label=\"Kolumna\">organization_sector</td>" \
        in page
    assert "nie jest poprawnym wyborem" in page or "niepoprawn" in page.lower()
    assert "Pliku nie zaimportowano i nic nie zostało zmienione" in page
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(EventImport)) == 0


def test_the_templates_import_as_they_are(client, session, hall):
    event_id = hall["event"].id
    login_as(client, hall["organiser"])
    for fmt in ("xlsx", "csv"):
        response = client.get(f"/events/{event_id}/import/template.{fmt}")
        assert response.status_code == 200
        assert response.headers["Content-Disposition"].endswith(f".{fmt}")
        if fmt == "xlsx":
            header = next(load_workbook(io.BytesIO(response.get_data())).active.iter_rows(
                values_only=True))
            assert "attendees" in header and "organization_ref" in header
        preview = upload(client, event_id, response.get_data(), f"template.{fmt}")
        assert preview.status_code == 200, preview.get_data(as_text=True)[-3000:]


def test_two_confirmations_at_once_import_each_organization_once(app, client, session, hall):
    from tests.live import Request, all_at_once, served

    event_id = hall["event"].id
    login_as(client, hall["organiser"])
    assert upload(client, event_id, csv_file(*ROWS)).status_code == 200
    kept = session.scalar(select(EventImport))
    session.commit()
    organizations = session.scalar(select(func.count()).select_from(Organization))
    people = session.scalar(select(func.count()).select_from(EventAttendee))
    cookie = f"session={client.get_cookie('session').value}"
    with served(app) as base:
        answers = all_at_once(base, [Request(
            "POST", f"/events/{event_id}/import/{kept.id}", b"",
            {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"})
            for _ in range(4)])
    assert [a.status for a in answers] == [302] * 4
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(Organization)) == organizations + 2
    assert session.scalar(select(func.count()).select_from(EventAttendee)) == people + 3


def test_two_previews_of_one_file_confirmed_at_once_import_it_once(app, client, session, hall):
    """Two organisers (or two tabs) previewed the same file; both press the button."""
    from tests.live import Request, all_at_once, served

    event_id = hall["event"].id
    organiser = hall["organiser"]
    from exchange.core.events import importing
    from tests.conftest import NOW

    first, _ = importing.upload(session, organiser, event_id, "a.csv", csv_file(*ROWS), NOW)
    first_id = first.id
    session.commit()
    second = EventImport(event_id=event_id, filename="b.csv", content=csv_file(*ROWS),
                         uploaded_by_id=organiser.id, uploaded_at=NOW)
    session.add(second)
    session.commit()
    organizations = session.scalar(select(func.count()).select_from(Organization))
    login_as(client, organiser)
    cookie = f"session={client.get_cookie('session').value}"
    with served(app) as base:
        answers = all_at_once(base, [Request(
            "POST", f"/events/{event_id}/import/{kept_id}", b"",
            {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"})
            for kept_id in (first_id, second.id)])
    assert [a.status for a in answers] == [302, 302]
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(Organization)) == organizations + 2
