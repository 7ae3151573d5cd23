"""The event report on the web: the figures and the fulfilment split, the CSV export, and only
the event's staff reach either."""
from __future__ import annotations

import csv
import io
import json
import re
from datetime import timedelta
from urllib.parse import unquote

from exchange.core import events
from models import CheckIn, CheckInAnswer, Contract, ContractStatus
from tests.conftest import desk_deal, login_id


def login_as(client, user):
    with client.session_transaction() as s:
        s["_user_id"] = login_id(user)


def two_deals(session, hall, now):
    """Two deals at the desk: the first later done, the second still going on."""
    hall["start"]()
    first_row = {**desk_deal(hall)["commitments"][0], "estimated_value": 1200}
    second_row = {**first_row, "what": "=HYPERLINK(\"http://evil\")", "quantity": 4,
                  "estimated_value": 800, "category": "training"}
    done = events.ratify(session, hall["notary"], hall["event"].id,
                         desk_deal(hall, commitments=[first_row]), now)
    going = events.ratify(session, hall["notary"], hall["event"].id,
                          desk_deal(hall, commitments=[second_row]), now + timedelta(minutes=5))
    session.flush()
    session.get(Contract, done.id).status = ContractStatus.FULFILLED
    session.add(CheckIn(contract_id=going.id, organization_id=hall["library"].id, months=3,
                        asked_at=now, answer=CheckInAnswer.ONGOING,
                        answered_at=now + timedelta(days=90)))
    person = hall["applications"][hall["school"].id].attendees[0]
    events.check_in(session, hall["organiser"], hall["event"].id, person.badge_token, now)
    session.commit()
    return done, going


def text_of(cell_html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", cell_html).split())


def test_the_report_shows_the_counts_and_the_fulfilment(client, session, hall, now):
    done, going = two_deals(session, hall, now)
    login_as(client, hall["organiser"])
    page = client.get(f"/events/{hall['event'].id}/report")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert re.search(r'id="report-deals">2<', html)
    assert re.search(r'id="report-value">2,000<', html)
    assert re.search(r'id="report-present">1<', html)
    assert re.search(r'id="report-organizations">2<', html)
    assert re.search(r'id="report-rate">50%<', html)  # done among known outcomes: 1 of 2
    outcomes = re.search(r'<table class="report-table" id="report-outcomes">(.*?)</table>', html,
                         re.S).group(1)
    assert "Done 1" in text_of(outcomes) and "Still going on 1" in text_of(outcomes)
    assert "No contact 0" in text_of(outcomes) and "Not yet known 0" in text_of(outcomes)
    assert done.number in html and going.number in html
    assert "Computer labs and IT equipment" in html and "Trainings and workshops" in html
    assert "Fundacja Szkoła Kodu" in html  # among the most active organizations

    charts = json.loads(re.search(r'<script type="application/json" id="report-data">(.*?)'
                                  r'</script>', html, re.S).group(1))
    assert sum(charts["outcomes"]["deals"]) == 2
    assert sorted(charts["categories"]["deals"]) == [1, 1]
    assert dict(zip(charts["sectors"]["codes"], charts["sectors"]["organizations"])) == {
        "public": 1, "ngo": 1, "business": 0, "informal": 0, "individual": 0}
    assert "/static/vendor/chartjs/chart.umd.min.js" in html and "/static/js/report.js" in html
    assert "<script>" not in html
    assert client.get("/static/vendor/chartjs/chart.umd.min.js").status_code == 200


def test_the_csv_has_one_row_per_commitment_and_a_bom(client, session, hall, now):
    done, going = two_deals(session, hall, now)
    login_as(client, hall["notary"])
    response = client.get(f"/events/{hall['event'].id}/report.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.data.startswith(b"\xef\xbb\xbf")
    disposition = unquote(response.headers["Content-Disposition"])
    assert "attachment" in disposition and "Giełda-Zasobów-Tczew-2026" in disposition
    # The organisers' deals list: ";" between cells, as Polish Excel reads them.
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Contract", "Ratified at", "Gives"]
    assert [r[0] for r in rows[1:]] == [done.number, going.number]
    first, second = rows[1], rows[2]
    assert first[2:5] == ["Fundacja Szkoła Kodu", "Biblioteka Miejska",
                          "Pracownia komputerowa, 3 × 2 h"]
    assert first[9] == "1200" and first[-1] == "Done"
    assert second[4] == "'=HYPERLINK(\"http://evil\")"  # never a live formula in a spreadsheet
    assert second[5] == "Trainings and workshops" and second[-1] == "Still going on"


def test_an_empty_report_still_renders(client, session, hall):
    login_as(client, hall["broker"])
    html = client.get(f"/events/{hall['event'].id}/report").get_data(as_text=True)
    assert re.search(r'id="report-deals">0<', html) and "No deals yet." in html
    rows = client.get(f"/events/{hall['event'].id}/report.csv").data.decode("utf-8-sig")
    assert len(rows.strip().splitlines()) == 1  # the header only


def test_only_the_staff_reach_the_report(client, session, hall, now, make_user):
    two_deals(session, hall, now)
    url = f"/events/{hall['event'].id}/report"
    for tail in ("", ".csv"):
        assert client.get(url + tail).status_code == 302  # to the login page
    for outsider in (hall["library_owner"], make_user("nosy@example.org"),
                     make_user("root@example.org", is_admin=True)):
        login_as(client, outsider)
        assert client.get(url).status_code == 403
        assert client.get(url + ".csv").status_code == 403
    for staff in (hall["broker"], hall["notary"], hall["organiser"]):
        login_as(client, staff)
        assert client.get(url).status_code == 200
        assert client.get(url + ".csv").status_code == 200


def test_the_public_summary_has_the_figures_and_no_ones_data(client, session, hall, now):
    two_deals(session, hall, now)
    url = f"/events/{hall['event'].id}/summary"
    page = client.get(url)  # nobody logged in
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Giełda Zasobów Tczew 2026" in text and "hosted by Centrum Kultury" in text
    figures = re.findall(r"<dt>([^<]+)</dt><dd>([^<]+)</dd>", text)
    assert ("Deals", "2") in figures and ("Estimated value", "2,000 zł") in figures
    assert ("Organizations taking part", "2") in figures and ("People present", "1") in figures
    assert "the figures may still change" in text  # the session is not closed
    assert 'value="1">1</meter>' in text  # a bar a category, one deal each
    # No person's name, no contract's terms or number: the board's public figures only.
    for private in ("Szymon Informatyk", "Ewa Bibliotekarka", "HYPERLINK", "GZ-2026/001",
                    "Olga Organizatorka"):
        assert private not in text

    events.close_session(session, hall["organiser"], hall["event"].id, now + timedelta(minutes=9))
    session.commit()
    assert "may still change" not in client.get(url).get_data(as_text=True)
    assert 'href="/events/%d/summary"' % hall["event"].id in client.get(
        f"/events/{hall['event'].id}").get_data(as_text=True)


def test_a_drafts_summary_is_not_public(client, session, hall, now):
    draft = events.create_event(session, hall["organiser"], hall["host"].id, {
        "name": "Szkic", "venue": "Tczew", "held_on": now.date().isoformat(),
        "registration_opens_on": now.date().isoformat(),
        "registration_closes_on": now.date().isoformat()}, now)
    session.commit()
    assert client.get(f"/events/{draft.id}/summary").status_code == 404
    login_as(client, hall["organiser"])
    assert client.get(f"/events/{draft.id}/summary").status_code == 200
