"""A partnership's yearly report on the web: the page a partner prints, the XLSX workbook and
the CSV parts, the recommendations written together (a save from an old revision shows both
texts and loses nothing, also when two partners press "save" at the same moment)."""
from __future__ import annotations

import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from exchange.core import contracts
from exchange.core import partnerships as core
from exchange.core.partnerships import contributions, report
from models import PartnershipRecommendation
from tests.core.test_partnership_report import three_partners
from tests.core.test_partnerships import build_town
from tests.live import Request, all_at_once, served
from tests.web.test_invitations import _session_cookie
from tests.web.test_partnerships import login_as


@pytest.fixture
def town(session, make_user, make_org, add_member):
    return build_town(session, make_user, make_org, add_member)


@pytest.fixture
def coalition(session, town, now):
    month_ago = now - timedelta(days=30)
    partnership = three_partners(session, town, now)
    contributions.declare(session, town.headmaster, partnership.id, town.school.id, {
        "kind": "offer", "category": "equipment", "title": "Pracownia komputerowa",
        "quantity": 1, "unit": "pieces", "municipality": "Tczew"}, month_ago)
    meeting = core.schedule_meeting(session, town.director, partnership.id, {
        "template": "first", "date": (now - timedelta(days=7)).date().isoformat(),
        "time": "17:00", "place_org_id": str(town.school.id)}, month_ago)
    core.record_meeting(session, town.director, partnership.id, meeting.id, {
        "attendance": {str(town.library.id): "Dorota", str(town.school.id): "Szymon"},
        "decisions": "=HYPERLINK(\"http://zlo.example\")"}, now)
    core.add_task(session, town.director, partnership.id, meeting.id, {
        "title": "Ankieta potrzeb", "owner_org_id": str(town.bank.id),
        "due_on": (now + timedelta(days=10)).date().isoformat()}, now)
    contract = contracts.create_contract(session, town.headmaster, town.school.id, {
        "parties": [town.school.id, town.library.id], "commitments": [{
            "giver_id": town.school.id, "receiver_id": town.library.id,
            "what": "Pracownia na kurs", "quantity": 4, "unit": "hours",
            "due_on": (now + timedelta(days=20)).date().isoformat()}]}, now)
    contracts.sign(session, town.headmaster, town.school.id, contract.id, now, recent_login=True)
    contracts.sign(session, town.director, town.library.id, contract.id, now, recent_login=True)
    session.commit()
    return partnership


def path(partnership, now, tail=""):
    return f"/partnerships/{partnership.id}/report/{report.local_year(now)}{tail}"


def count(session) -> int:
    session.rollback()
    return session.scalar(select(func.count()).select_from(PartnershipRecommendation))


def polish(session, *users):
    for user in users:
        user.locale = "pl"
    session.commit()


def test_a_partner_reads_the_years_report_in_polish(client, session, town, coalition, now):
    polish(session, town.banker)
    login_as(client, town.banker)
    answer = client.get(f"/partnerships/{coalition.id}/report")
    assert answer.status_code == 302 and answer.location.endswith(path(coalition, now))
    page = client.get(path(coalition, now)).get_data(
        as_text=True)
    assert f"Sprawozdanie {report.local_year(now)}" in page
    assert "Pracownia komputerowa" in page and "Pierwsze spotkanie partnerskie" in page
    assert "Ankieta potrzeb" in page and "Bank Spółdzielczy" in page
    # the bank did not come: 2 of 3 partners
    assert "67%" in page.replace("\xa0", "")
    assert "<strong>1</strong> wymiana między partnerami" in page
    assert "<strong>1</strong> odbyte spotkanie" in page
    assert 'name="base" type="hidden" value="0"' in page


def test_the_report_is_the_partners_only(client, town, coalition, now):
    assert client.get(path(coalition, now)).status_code == 302  # to the login
    login_as(client, town.outsider)
    for tail in ("", ".xlsx", "/meetings.csv"):
        assert client.get(path(coalition, now, tail)).status_code == 404
    login_as(client, town.banker)
    assert client.get(f"/partnerships/{coalition.id}/report/1999").status_code == 404


def test_the_workbook_has_a_sheet_per_part_and_defuses_formulas(client, session, town,
                                                                coalition, now):
    polish(session, town.director)
    login_as(client, town.director)
    answer = client.get(path(coalition, now, ".xlsx"))
    assert answer.status_code == 200
    assert "attachment" in answer.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(answer.data))
    assert book.sheetnames == ["Podsumowanie", "Wskaźniki", "Wkłady", "Spotkania", "Zadania",
                               "Wymiany"]
    meetings = [[c.value for c in row] for row in book["Spotkania"].iter_rows()]
    assert meetings[1][1] == "Pierwsze spotkanie partnerskie"
    assert meetings[1][6].startswith("'=HYPERLINK")  # a formula stays text
    exchanges = [[c.value for c in row] for row in book["Wymiany"].iter_rows()]
    assert exchanges[1][1] == "Biblioteka, Szkoła Społeczna"
    csv = client.get(path(coalition, now, "/tasks.csv"))
    text = csv.data.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("Zadanie;") and "Ankieta potrzeb;Bank Spółdzielczy" in text


def test_recommendations_saved_then_a_stale_save_keeps_both_texts(client, session, town,
                                                                   coalition, now):
    polish(session, town.banker)
    login_as(client, town.headmaster)
    answer = client.post(path(coalition, now, "/recommendations"),
                         data={"text": "Świetlica otwarta do 20:00.", "base": "0"})
    assert answer.status_code == 302 and count(session) == 1
    login_as(client, town.banker)
    stale = client.post(path(coalition, now, "/recommendations"),
                        data={"text": "Internet w bibliotece.", "base": "0"})
    page = stale.get_data(as_text=True)
    assert stale.status_code == 409 and count(session) == 1
    assert "Świetlica otwarta do 20:00." in page and "Internet w bibliotece." in page
    assert 'name="base" type="hidden" value="1"' in page
    # joined and saved on top of the new revision
    joined = client.post(path(coalition, now, "/recommendations"), data={
        "text": "Świetlica otwarta do 20:00.\nInternet w bibliotece.", "base": "1"})
    assert joined.status_code == 302 and count(session) == 2
    assert "Internet w bibliotece." in client.get(path(coalition, now)).get_data(as_text=True)
    # too long: an error in the user's language, nothing saved
    long = client.post(path(coalition, now, "/recommendations"),
                       data={"text": "x" * 20001, "base": "2"})
    assert long.status_code == 422 and count(session) == 2
    assert "20000" in long.get_data(as_text=True)


def test_the_animator_reads_but_does_not_write(client, session, town, coalition, now):
    coalition.animator_id = town.outsider.id
    session.commit()
    login_as(client, town.outsider)
    page = client.get(path(coalition, now)).get_data(as_text=True)
    assert "Pracownia komputerowa" in page and 'name="text"' not in page
    answer = client.post(path(coalition, now, "/recommendations"),
                         data={"text": "Rada", "base": "0"})
    assert answer.status_code == 403 and count(session) == 0


def test_two_partners_saving_at_once_one_saves_the_other_sees_both(app, session, town,
                                                                    coalition, now):
    with served(app) as base:
        requests = [Request("POST", path(coalition, now, "/recommendations"),
                            f"text=Tekst+{n}&base=0".encode(), {
                                "Cookie": _session_cookie(base, who.email),
                                "Content-Type": "application/x-www-form-urlencoded"})
                    for n, who in enumerate((town.headmaster, town.banker, town.director))]
        answers = all_at_once(base, requests, timeout=60)
    assert sorted(a.status for a in answers) == [302, 409, 409], [a.status for a in answers]
    assert count(session) == 1
    for answer in answers:
        if answer.status == 409:
            assert "Tekst" in answer.text


def test_the_public_page_shows_the_indicators_achieved(client, session, town, coalition, now):
    coalition.is_public = True
    core.set_period(session, town.director, coalition.id,
                    {"starts_on": "2026-09-01", "ends_on": "2029-08-31"}, now)
    goal = core.add_goal(session, town.director, coalition.id, {"title": "Cel"}, now)
    indicator = core.add_indicator(session, town.director, coalition.id, goal.id, {
        "name": "Przeszkoleni seniorzy", "unit": "osób", "baseline": "0", "target": "70",
        "deadline": "2028-08-31"}, now)
    core.add_progress(session, town.headmaster, indicator.id, {
        "value": "22", "happened_on": "2026-11-02", "source": "Lista: Jan Kowalski"}, now)
    session.commit()
    page = client.get(f"/partnerships/{coalition.id}", headers={"Accept-Language": "pl"})
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Przeszkoleni seniorzy</strong>: 22 z 70 (osób)" in text
    assert "Jan Kowalski" not in text  # a progress entry's source stays inside
