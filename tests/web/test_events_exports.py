"""The organiser's spreadsheets: participants, attendees, deals and the brokers' exchanges, as
CSV for Polish Excel and as XLSX; the people on them are the organisers' to see."""
from __future__ import annotations

import csv
import io
from datetime import datetime

from openpyxl import load_workbook

from tests.conftest import login_id
from tests.web.test_events_report import two_deals


def login_as(client, user):
    with client.session_transaction() as s:
        s["_user_id"] = login_id(user)


def polish_csv(response) -> list[list[str]]:
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf")  # the BOM: Excel reads UTF-8
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))


def test_participants_as_csv_for_polish_excel(client, session, hall, now):
    two_deals(session, hall, now)
    hall["organiser"].locale = "pl"
    session.commit()
    login_as(client, hall["organiser"])
    response = client.get(f"/events/{hall['event'].id}/export/participants.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    header, *rows = polish_csv(response)
    assert header[:4] == ["Organizacja", "Sektor", "Gmina", "Zgłoszenie"]
    by_name = {row[0]: dict(zip(header, row)) for row in rows}
    assert set(by_name) == {"Biblioteka Miejska", "Fundacja Szkoła Kodu"}
    school = by_name["Fundacja Szkoła Kodu"]
    assert school["Sektor"] not in ("", "ngo")  # its label, not its code
    assert school["Zgłoszenie"] not in ("", "admitted")
    assert (school["Zgłoszone osoby"], school["Osoby obecne"]) == ("1", "1")
    assert (school["Oferty na giełdę"], school["Potrzeby na giełdę"]) == ("1", "0")


def test_attendees_and_deals_as_xlsx(client, session, hall, now):
    two_deals(session, hall, now)
    login_as(client, hall["organiser"])
    response = client.get(f"/events/{hall['event'].id}/export/attendees.xlsx")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Organization", "Full name", "E-mail", "Application", "Checked in at")
    assert ("Biblioteka Miejska", "Ewa Bibliotekarka", "admitted", None) in [
        (a, b, d.lower(), e) for a, b, _, d, e in rows[1:]]
    [school] = [r for r in rows[1:] if r[1] == "Szymon Informatyk"]
    assert isinstance(school[4], datetime)  # a date the spreadsheet can sort, local time
    assert sheet.freeze_panes == "A2"

    deals = load_workbook(io.BytesIO(client.get(
        f"/events/{hall['event'].id}/export/deals.xlsx").get_data())).active
    header, *rows = list(deals.iter_rows(values_only=True))
    assert len(rows) == 2 and header[0] == "Contract"
    what = header.index("What")
    # A formula someone typed stays text in the spreadsheet.
    assert "'=HYPERLINK(\"http://evil\")" in [r[what] for r in rows]


def test_the_brokers_list_is_the_brokers_and_the_people_are_the_organisers(
        client, session, hall, now):
    event_id = hall["event"].id
    login_as(client, hall["broker"])
    response = client.get(f"/events/{event_id}/export/brokers.csv")
    assert response.status_code == 200
    header, *rows = polish_csv(response)
    assert header[0] == "Exchange" and rows  # the lab for the library's need
    assert any("Pracownia komputerowa na 20 stanowisk" in row for row in rows)
    # The kinds in the brokers' page's words (a gift is a pair there).
    assert {row[header.index("Kind")] for row in rows} <= {"Pair", "Swap", "Cycle"}
    for what in ("participants", "attendees", "deals"):
        assert client.get(f"/events/{event_id}/export/{what}.xlsx").status_code == 403
    login_as(client, hall["library_owner"])
    assert client.get(f"/events/{event_id}/export/attendees.csv").status_code == 403
    assert client.get(f"/events/{event_id}/export/brokers.csv").status_code == 403


def test_the_pages_link_their_downloads(client, session, hall, now):
    event_id = hall["event"].id
    login_as(client, hall["organiser"])
    participants = client.get(f"/events/{event_id}/participants").get_data(as_text=True)
    for what in ("participants", "attendees"):
        for fmt in ("csv", "xlsx"):
            assert f"/events/{event_id}/export/{what}.{fmt}" in participants
    assert f"/events/{event_id}/export/deals.xlsx" in client.get(
        f"/events/{event_id}/report").get_data(as_text=True)
    assert f"/events/{event_id}/export/brokers.xlsx" in client.get(
        f"/events/{event_id}/brokers").get_data(as_text=True)
    login_as(client, hall["notary"])  # staff, not an organiser: no link to the people
    assert "/export/deals.xlsx" not in client.get(f"/events/{event_id}/report").get_data(
        as_text=True)
