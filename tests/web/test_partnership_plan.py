"""A partnership's plan on the web and in the API: the coordinator sets the period, adds a
goal, an indicator and an activity; a partner adds progress and the dashboard moves (its
chart is inline SVG with a text alternative, the indicator behind schedule is flagged with
its partners); bad input is refused and changes nothing; the API's three endpoints."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from exchange.core import partnerships as core
from models import PlanActivity, PlanGoal, PlanIndicator, ProgressEntry
from tests.conftest import NOW, bearer
from tests.web.test_partnerships import build_town, login_as

TODAY = NOW.date()
START = TODAY - timedelta(days=200)


@pytest.fixture
def town(session, make_user, make_org, add_member):
    return build_town(session, make_user, make_org, add_member)


@pytest.fixture
def coalition(session, town, now):
    partnership = core.create_partnership(session, town.director, {
        "name": "Koalicja dla Tczewa", "municipalities": "Tczew", "goal": "Seniorzy",
        "kind": "needs"}, now)
    _, secret = core.invite(session, town.director, partnership.id,
                            email=town.headmaster.email, now=now)
    core.accept_invitation(session, secret, town.headmaster, now, org_id=town.school.id)
    session.commit()
    return partnership


@pytest.fixture
def planned(session, town, coalition, now):
    core.set_period(session, town.director, coalition.id, {
        "starts_on": START.isoformat(), "ends_on": core.years_later(START, 3).isoformat()}, now)
    goal = core.add_goal(session, town.director, coalition.id, {"title": "Seniorzy w sieci"},
                         now)
    indicator = core.add_indicator(session, town.director, coalition.id, goal.id, {
        "name": "Przeszkoleni seniorzy", "unit": "osoby", "baseline": "0", "target": "100",
        "deadline": (TODAY + timedelta(days=165)).isoformat()}, now)
    core.add_activity(session, town.director, coalition.id, goal.id, {
        "title": "Kurs komputerowy", "due_on": (TODAY + timedelta(days=30)).isoformat(),
        "partner_ids": [town.school.id]}, now)
    session.commit()
    return indicator


def count(session, model) -> int:
    session.rollback()
    return session.scalar(select(func.count()).select_from(model))


def test_the_coordinator_builds_the_plan_through_the_pages(client, session, town, coalition):
    login_as(client, town.director)
    base = f"/partnerships/{coalition.id}/plan"
    assert client.get(f"/partnerships/{coalition.id}").get_data(as_text=True).count(base) == 1
    # more than three years: refused with the reason, nothing saved
    answer = client.post(f"{base}/period", data={"starts_on": "2026-01-01",
                                                 "ends_on": "2029-01-02"})
    assert answer.status_code == 422
    session.rollback()
    assert coalition.plan_starts_on is None
    assert client.post(f"{base}/period", data={"starts_on": "2026-01-01",
                                               "ends_on": "2028-12-31"}).status_code == 302
    assert client.post(f"{base}/goals/new", data={"title": "Seniorzy w sieci"}).status_code == 302
    goal = session.scalar(select(PlanGoal))
    answer = client.post(f"{base}/goals/{goal.id}/indicators/new", data={
        "name": "Przeszkoleni", "unit": "osoby", "baseline": "0", "target": "100",
        "deadline": "2030-01-01", "source": "manual"})
    assert answer.status_code == 422 and count(session, PlanIndicator) == 0  # beyond the plan
    assert client.post(f"{base}/goals/{goal.id}/indicators/new", data={
        "name": "Przeszkoleni", "unit": "osoby", "baseline": "0", "target": "100,5",
        "deadline": "2027-06-01", "source": "manual"}).status_code == 302
    assert session.scalar(select(PlanIndicator)).target == Decimal("100.5")
    assert client.post(f"{base}/goals/{goal.id}/activities/new", data={
        "title": "Kurs", "due_on": "2027-01-10",
        "partner_ids": [str(town.library.id), str(town.school.id)]}).status_code == 302
    activity = session.scalar(select(PlanActivity))
    assert {o.id for o in activity.partners} == {town.library.id, town.school.id}


def test_a_partner_adds_progress_and_the_dashboard_moves(client, session, town, coalition,
                                                         planned):
    login_as(client, town.headmaster)
    page = client.get(f"/partnerships/{coalition.id}/plan").get_data(as_text=True)
    assert "<svg" in page and 'role="img"' in page and "<desc" in page and "<table" in page
    assert "plan-behind" in page  # nothing recorded, 200 of 365 days gone: behind
    assert "Szkoła Społeczna" in page.split('class="panel plan-behind"')[1].split("</section>")[0]
    url = f"/partnerships/{coalition.id}/plan/indicators/{planned.id}"
    for bad in ({"value": "dużo"}, {"value": "0"},
                {"happened_on": (TODAY + timedelta(days=1)).isoformat()},
                {"happened_on": (START - timedelta(days=1)).isoformat()}, {"source": ""}):
        answer = client.post(url, data={"value": "5", "happened_on": TODAY.isoformat(),
                                        "source": "Lista", **bad})
        assert answer.status_code == 422, bad
        assert count(session, ProgressEntry) == 0
    assert client.post(url, data={"value": "60", "happened_on": TODAY.isoformat(),
                                  "source": "Lista obecności"}).status_code == 302
    entry = session.scalar(select(ProgressEntry))
    assert entry.organization_id == town.school.id and entry.user_id == town.headmaster.id
    page = client.get(f"/partnerships/{coalition.id}/plan").get_data(as_text=True)
    assert "plan-behind" not in page and "plan-on_track" in page
    # another partner's person may not withdraw it; its author may, and it stays listed
    login_as(client, town.librarian)
    withdraw = f"/partnerships/{coalition.id}/plan/progress/{entry.id}/withdraw"
    assert client.post(withdraw).status_code == 403
    login_as(client, town.headmaster)
    assert client.post(withdraw).status_code == 302
    session.rollback()
    assert entry.withdrawn_at is not None and count(session, ProgressEntry) == 1
    assert "<s>60</s>" in client.get(url).get_data(as_text=True)


def test_the_animator_reads_the_plan_but_adds_nothing(client, session, town, coalition,
                                                       planned, now):
    _, secret = core.invite(session, town.director, coalition.id, email=town.outsider.email,
                            role="animator", now=now)
    core.accept_invitation(session, secret, town.outsider, now)
    session.commit()
    login_as(client, town.outsider)
    url = f"/partnerships/{coalition.id}/plan/indicators/{planned.id}"
    page = client.get(url)
    assert page.status_code == 200 and 'name="value"' not in page.get_data(as_text=True)
    assert client.post(url, data={"value": "5", "happened_on": TODAY.isoformat(),
                                  "source": "Lista"}).status_code == 403
    assert count(session, ProgressEntry) == 0


def test_the_record_of_exchanges_page(client, session, town, coalition):
    login_as(client, town.librarian)
    page = client.get(f"/partnerships/{coalition.id}/exchanges")
    assert page.status_code == 200
    login_as(client, town.outsider)
    assert client.get(f"/partnerships/{coalition.id}/exchanges").status_code == 404


def test_the_api_lists_indicators_and_takes_progress(client, session, town, coalition, planned,
                                                     token_for):
    member = bearer(token_for(town.headmaster))
    listed = client.get(f"/api/v1/partnerships/{coalition.id}/indicators", headers=member)
    assert listed.status_code == 200
    [item] = listed.json["items"]
    assert item["achieved"] == "0" and item["target"] == "100" and item["state"] == "behind"
    assert listed.json["plan"]["starts_on"] == START.isoformat()
    url = f"/api/v1/indicators/{planned.id}/progress"
    assert client.get(url).status_code == 401
    assert client.get(url, headers=bearer(token_for(town.outsider))).status_code == 404
    bad = client.post(url, json={"value": "x", "happened_on": TODAY.isoformat(),
                                 "source": "Lista"}, headers=member)
    assert bad.status_code == 422 and count(session, ProgressEntry) == 0
    assert client.post(url, json={"value": "1", "happened_on": TODAY.isoformat(),
                                  "source": "Lista", "extra": 1},
                       headers=member).status_code in (400, 422)
    added = client.post(url, json={"value": 12.5, "happened_on": TODAY.isoformat(),
                                   "source": "Lista"}, headers=member)
    assert added.status_code == 201 and added.json["value"] == "12.5"
    again = client.get(url, headers=member).json
    assert again["indicator"]["achieved"] == "12.5"
    assert [e["value"] for e in again["items"]] == ["12.5"]


def test_the_coordinator_edits_and_removes_what_was_added_by_mistake(client, session, town,
                                                                     coalition, planned):
    login_as(client, town.director)
    activity = session.scalar(select(PlanActivity))
    edit = f"/partnerships/{coalition.id}/plan/activities/{activity.id}/edit"
    assert 'value="Kurs komputerowy"' in client.get(edit).get_data(as_text=True)
    # bad input: said, nothing changed
    refused = client.post(edit, data={"title": "", "due_on": "x", "partner_ids": []})
    assert refused.status_code == 422
    session.rollback()
    assert session.get(PlanActivity, activity.id).title == "Kurs komputerowy"
    answer = client.post(edit, data={"title": "Kurs e-usług", "due_on": activity.due_on.isoformat(),
                                     "partner_ids": [str(town.school.id), str(town.library.id)]})
    assert answer.status_code == 302
    session.rollback()
    assert session.get(PlanActivity, activity.id).title == "Kurs e-usług"
    assert len(session.get(PlanActivity, activity.id).partners) == 2
    # an indicator with an entry stays; without entries it goes, and its goal after it
    base = f"/partnerships/{coalition.id}/plan"
    assert "Remove the indicator" in client.get(f"{base}/indicators/{planned.id}").get_data(
        as_text=True)
    core.add_progress(session, town.headmaster, planned.id, {
        "value": "3", "happened_on": TODAY.isoformat(), "source": "Lista"}, NOW)
    session.commit()
    assert "Remove the indicator" not in client.get(f"{base}/indicators/{planned.id}").get_data(
        as_text=True)
    kept = client.post(f"{base}/indicators/{planned.id}/delete", follow_redirects=True)
    assert "stay on record" in kept.get_data(as_text=True)
    assert count(session, PlanIndicator) == 1
    client.post(f"{base}/activities/{activity.id}/delete")
    assert count(session, PlanActivity) == 0
    assert count(session, PlanGoal) == 1
