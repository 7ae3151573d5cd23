"""Proposals on a listing's page: reasons in the reader's language, accept and decline."""
from __future__ import annotations

from sqlalchemy import select

from models import Proposal, ProposalStatus
from tests.conftest import login_id


def login_as(client, user):
    with client.session_transaction() as s:
        s["_user_id"] = login_id(user)


def test_the_need_page_proposes_the_lab_with_reasons(client, pair):
    login_as(client, pair["library_owner"])
    page = client.get(f"/listings/{pair['need'].id}").get_data(as_text=True)
    assert "Proposals" in page and "Pracownia komputerowa na 20 stanowisk" in page
    assert "same category: Computer labs and IT equipment" in page
    assert "both in Tczew" in page and "capacity 20 ≥ 12 needed" in page


def test_reasons_in_polish(app, pair):
    client = app.test_client()
    login_as(client, pair["library_owner"])
    client.post("/language", data={"locale": "pl"})
    page = client.get(f"/listings/{pair['need'].id}").get_data(as_text=True)
    assert "ta sama kategoria: Pracownie komputerowe i sprzęt IT" in page


def test_visitors_do_not_see_proposals(client, pair):
    page = client.get(f"/listings/{pair['need'].id}").get_data(as_text=True)
    assert "Pracownia komputerowa na 20 stanowisk" not in page


def test_accepting_starts_a_contract_and_tells_the_school(app, client, session, pair):
    login_as(client, pair["library_owner"])
    url = (f"/organizations/{pair['library'].id}/listings/{pair['need'].id}"
           f"/proposals/{pair['lab'].id}")
    response = client.post(url, data={"action": "accept"}, follow_redirects=True)
    assert "Accepted. Here is the draft contract" in response.get_data(as_text=True)
    session.rollback()
    assert session.scalar(select(Proposal.status)) is ProposalStatus.ACCEPTED
    school = app.test_client()
    login_as(school, pair["school_owner"])
    assert "Biblioteka drafted contract" in school.get("/notifications/").get_data(as_text=True)


def test_declining_hides_the_pair(client, session, pair):
    login_as(client, pair["school_owner"])
    url = (f"/organizations/{pair['school'].id}/listings/{pair['lab'].id}"
           f"/proposals/{pair['need'].id}")
    client.post(url, data={"action": "decline", "reason": "Pracownia zajęta"})
    page = client.get(f"/listings/{pair['lab'].id}").get_data(as_text=True)
    assert "Potrzebna pracownia komputerowa" not in page
    session.rollback()
    assert session.scalar(select(Proposal.decline_reason)) == "Pracownia zajęta"


def test_a_new_offer_is_proposed_at_once(client, session, pair, now, make_user, make_org):
    from exchange.core.listings import create_listing

    login_as(client, pair["library_owner"])
    client.get(f"/listings/{pair['need'].id}")  # the index is built now
    owner = make_user("it@example.org")
    company = make_org(owner, name="Kociewie Soft", sector="business")
    create_listing(session, owner, company.id, {
        "kind": "offer", "category": "computer_labs", "title": "Pracownia komputerowa w soboty",
        "quantity": 8, "unit": "hours"}, now)
    session.commit()
    assert "Pracownia komputerowa w soboty" in client.get(
        f"/listings/{pair['need'].id}").get_data(as_text=True)


def test_proposals_for_us_gathers_every_open_listing(client, pair):
    login_as(client, pair["library_owner"])
    page = client.get(f"/organizations/{pair['library'].id}/proposals").get_data(as_text=True)
    assert "Potrzebna pracownia komputerowa" in page and "Pracownia komputerowa na 20 stanowisk" in page
    url = (f"/organizations/{pair['library'].id}/listings/{pair['need'].id}"
           f"/proposals/{pair['lab'].id}")
    declined = client.post(url, data={"action": "decline", "next": "for_us"})
    assert declined.headers["Location"] == f"/organizations/{pair['library'].id}/proposals"


def test_proposals_through_the_api(client, pair):
    from tests.conftest import TEST_PASSWORD

    token = client.post("/api/v1/tokens", json={"email": "b@example.org",
                                                "password": TEST_PASSWORD}).json["token"]
    body = client.get(f"/api/v1/listings/{pair['need'].id}/proposals",
                      headers={"Authorization": f"Bearer {token}"}).json
    [first] = body["items"]
    assert first["listing"]["title"] == "Pracownia komputerowa na 20 stanowisk"
    assert "both in Tczew" in first["reasons"] and first["decision"] is None


def test_the_digest_tells_the_need_once(app, runner, session, pair):
    from sqlalchemy import func

    from models import Notification

    for _ in range(2):
        result = runner.invoke(args=["run-job", "proposal-digest"])
        assert result.exit_code == 0, result.output
    session.rollback()
    notes = list(session.scalars(select(Notification)))
    assert len(notes) == 1 and notes[0].user_id == pair["library_owner"].id
    assert notes[0].params["title"] == "Potrzebna pracownia komputerowa"
    assert session.scalar(select(func.count()).select_from(Notification)) == 1


def test_the_need_page_costs_the_same_queries_for_one_proposal_or_five(
        client, session, pair, now, make_user, make_org, recorded_sql):
    """Each proposed offer's organization comes with the offers, not one query per card."""
    from exchange.core.listings import create_listing

    login_as(client, pair["library_owner"])

    def statements_of_the_page():
        with recorded_sql() as statements:
            page = client.get(f"/listings/{pair['need'].id}").get_data(as_text=True)
        return len(statements), page

    client.get(f"/listings/{pair['need'].id}")  # the index is built now
    one, _ = statements_of_the_page()
    for n in range(4):
        owner = make_user(f"it{n}@example.org")
        company = make_org(owner, name=f"Firma IT {n}", sector="business")
        create_listing(session, owner, company.id, {
            "kind": "offer", "category": "computer_labs",
            "title": f"Pracownia komputerowa numer {n}", "quantity": 8, "unit": "hours"}, now)
    session.commit()
    five, page = statements_of_the_page()
    assert all(f"Firma IT {n}" in page for n in range(4))
    assert 0 < five == one


def test_proposals_for_us_costs_the_same_queries_for_one_listing_or_four(
        client, session, pair, now, recorded_sql):
    """The page gathers every listing's proposals at once, not a round of queries each."""
    from exchange.core.listings import create_listing

    login_as(client, pair["library_owner"])
    url = f"/organizations/{pair['library'].id}/proposals"

    def statements_of_the_page():
        with recorded_sql() as statements:
            page = client.get(url).get_data(as_text=True)
        return len(statements), page

    client.get(url)  # the index is built now
    one, _ = statements_of_the_page()
    for n in range(3):
        create_listing(session, pair["library_owner"], pair["library"].id, {
            "kind": "need", "category": "computer_labs", "title": f"Pracownia na warsztaty {n}",
            "quantity": 4, "unit": "hours"}, now)
    session.commit()
    four, page = statements_of_the_page()
    assert all(f"Pracownia na warsztaty {n}" in page for n in range(3))
    assert page.count("Pracownia komputerowa na 20 stanowisk") >= 4
    assert 0 < four == one


def test_a_started_web_worker_loads_the_index_before_anyone_asks(app, pair):
    """gunicorn's post_worker_init (config/gunicorn.py) starts the load in the background:
    the first visitor after a restart does not wait for every open listing to be analysed."""
    import threading
    from types import SimpleNamespace

    from config import gunicorn

    assert "gielda.matching" not in app.extensions
    gunicorn.post_worker_init(SimpleNamespace(wsgi=app))
    [loading] = [t for t in threading.enumerate() if t.name == "gielda-warm-index"]
    loading.join(timeout=60)
    cache, _ = app.extensions["gielda.matching"]
    assert {pair["need"].id, pair["lab"].id} <= set(cache.index.items)


def test_a_weak_match_is_shown_apart_below_the_good_ones(client, session, pair, now):
    """Catering proposed for a computer lab once looked as prominent as the lab itself."""
    from exchange.core.listings import create_listing

    create_listing(session, pair["school_owner"], pair["school"].id, {
        "kind": "offer", "category": "computer_labs", "title": "Catering na spotkania",
        "description": "Kanapki i kawa dla 30 osób.", "quantity": 2, "unit": "sessions"}, now)
    session.commit()
    login_as(client, pair["library_owner"])
    page = client.get(f"/listings/{pair['need'].id}").get_data(as_text=True)
    good, _, weak = page.partition('<details class="weak-proposals">')
    assert "Pracownia komputerowa na 20 stanowisk" in good
    assert "1 weak match" in weak and "Catering na spotkania" in weak
    assert "Catering na spotkania" not in good
