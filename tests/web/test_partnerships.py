"""Local partnerships on the web: an owner starts one, the coordinator invites by e-mail, an
owner accepts for one of their organizations or declines, the page shows the sectors' balance
and prompts for a missing one, members leave, the public page shows no people, and one link
accepted twice at once joins once."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from models import MemberRole, Partnership, PartnershipMember
from tests.conftest import login_id
from tests.live import Request, all_at_once, served
from tests.web.test_invitations import _session_cookie

FORM = {"name": "Koalicja dla Tczewa", "municipalities": "Tczew, Subkowy",
        "goal": "Kompetencje cyfrowe seniorów", "kind": "needs", "formalisation": "none"}


def login_as(client, user):
    with client.session_transaction() as s:
        s["_user_id"] = login_id(user)


def link_in(mail) -> str:
    return urlsplit(re.search(r"https?://\S+/partnerships/invitations/\S+",
                              mail.get_content()).group(0)).path


def count(session, model, *where) -> int:
    session.rollback()
    return session.scalar(select(func.count()).select_from(model).where(*where))


@pytest.fixture
def town(session, make_user, make_org, add_member):
    return build_town(session, make_user, make_org, add_member)


def build_town(session, make_user, make_org, add_member):
    director = make_user("dyrektor@example.org", name="Dorota Dyrektor")
    library = make_org(director, name="Biblioteka", sector="public")
    librarian = make_user("bibliotekarz@example.org", name="Bartek Bibliotekarz")
    add_member(library, librarian, role=MemberRole.MEMBER)
    headmaster = make_user("szkola@example.org", name="Szymon Szkolny")
    school = make_org(headmaster, name="Szkoła Społeczna", sector="ngo")
    outsider = make_user("obcy@example.org", name="Olek Obcy")
    return type("Town", (), {"director": director, "library": library, "librarian": librarian,
                                 "headmaster": headmaster, "school": school, "outsider": outsider})


def start(client, town) -> Partnership:
    login_as(client, town.director)
    answer = client.post("/partnerships/new", data={
        **FORM, "lead_id": str(town.library.id), "coordinator_id": str(town.director.id)})
    assert answer.status_code == 302, answer.get_data(as_text=True)[:500]
    return Partnership  # the caller reads it from the database


def the_partnership(session) -> Partnership:
    session.rollback()
    return session.scalar(select(Partnership))


def test_an_owner_starts_a_partnership_and_invites_a_school_which_accepts(
        app, client, session, town, outbox):
    start(client, town)
    partnership = the_partnership(session)
    assert partnership.municipalities == ["Tczew", "Subkowy"]
    page = client.get(f"/partnerships/{partnership.id}").get_data(as_text=True)
    assert "Kompetencje cyfrowe seniorów" in page and "Dorota Dyrektor" in page
    assert "No social partner yet" in page and "No business partner yet" in page
    assert "1 partner" in page
    answer = client.post(f"/partnerships/{partnership.id}/invite",
                         data={"email": "szkola@example.org", "role": "partner"})
    assert answer.status_code == 302
    [mail] = outbox()
    assert mail["To"] == "szkola@example.org" and "Koalicja dla Tczewa" in mail["Subject"]
    path = link_in(mail)
    assert "szkola@example.org" in client.get(
        f"/partnerships/{partnership.id}/members").get_data(as_text=True)

    school = app.test_client()
    school.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    assert school.get(path).status_code == 200  # anyone may open it; only the address answers
    login_as(school, town.headmaster)
    page = school.get(path).get_data(as_text=True)
    assert "Szkoła Społeczna" in page and "Accept the invitation" in page
    answer = school.post(path + "/accept", data={"org_id": str(town.school.id)})
    assert answer.status_code == 302
    assert count(session, PartnershipMember) == 2
    page = school.get(f"/partnerships/{partnership.id}").get_data(as_text=True)
    assert "No social partner yet" not in page and "No business partner yet" in page
    assert "2 partners" in page
    # The school is not the coordinator: no invitations nor history for it.
    members = school.get(f"/partnerships/{partnership.id}/members").get_data(as_text=True)
    assert "Pending invitations" not in members and "Leave the partnership" in members
    assert school.get(f"/partnerships/{partnership.id}/edit").status_code == 403
    # The link works once.
    assert school.post(path + "/accept", data={"org_id": str(town.school.id)}).status_code == 410


def test_polish_plurals_and_prompt(app, client, session, town):
    town.director.locale = "pl"
    session.commit()
    start(client, town)
    partnership = the_partnership(session)
    page = client.get(f"/partnerships/{partnership.id}").get_data(as_text=True)
    assert "Brakuje partnera biznesowego" in page and "1 partner" in page
    assert "1 organizacja" in page and "0 organizacji" in page


def test_a_declined_invitation_and_a_stranger_with_the_link(app, client, session, town, outbox):
    start(client, town)
    partnership = the_partnership(session)
    client.post(f"/partnerships/{partnership.id}/invite",
                data={"email": "szkola@example.org", "role": "partner"})
    path = link_in(outbox()[0])
    stranger = app.test_client()
    login_as(stranger, town.outsider)
    assert stranger.post(path + "/accept", data={"org_id": "1"}).status_code == 403
    school = app.test_client()
    login_as(school, town.headmaster)
    assert school.post(path + "/decline").status_code == 302
    assert count(session, PartnershipMember) == 1
    assert "invitation declined" in client.get(
        f"/partnerships/{partnership.id}/members").get_data(as_text=True)


def test_bad_input_is_said_and_nothing_is_made(client, session, town):
    login_as(client, town.director)
    answer = client.post("/partnerships/new", data={**FORM, "name": "", "kind": "party",
                                                    "lead_id": str(town.library.id),
                                                    "coordinator_id": str(town.director.id)})
    assert answer.status_code == 422
    assert count(session, Partnership) == 0
    town.director.locale = "pl"
    session.commit()
    start(client, town)
    partnership = the_partnership(session)
    answer = client.post(f"/partnerships/{partnership.id}/invite",
                         data={"email": "not an address", "role": "partner"})
    assert answer.status_code == 422 and "adres" in answer.get_data(as_text=True).lower()


def test_who_sees_what(app, client, session, town):
    start(client, town)
    partnership = the_partnership(session)
    anonymous = app.test_client()
    assert anonymous.get(f"/partnerships/{partnership.id}").status_code == 302
    stranger = app.test_client()
    login_as(stranger, town.outsider)
    assert stranger.get(f"/partnerships/{partnership.id}").status_code == 404
    assert stranger.get(f"/partnerships/{partnership.id}/members").status_code == 404
    librarian = app.test_client()
    login_as(librarian, town.librarian)
    page = librarian.get(f"/partnerships/{partnership.id}").get_data(as_text=True)
    assert "Dorota Dyrektor" in page
    assert librarian.get(f"/partnerships/{partnership.id}/edit").status_code == 403
    # Made public, the page shows the organizations and the goal but no people.
    client.post(f"/partnerships/{partnership.id}/edit", data={**FORM, "is_public": "y"})
    for visitor in (anonymous, stranger):
        page = visitor.get(f"/partnerships/{partnership.id}").get_data(as_text=True)
        assert "Biblioteka" in page and "Kompetencje cyfrowe seniorów" in page
        assert "Dorota Dyrektor" not in page and "No business partner yet" not in page
    assert "Koalicja dla Tczewa" in anonymous.get("/partnerships/").get_data(as_text=True)


def test_state_handover_and_leaving(app, client, session, town, outbox):
    start(client, town)
    partnership = the_partnership(session)
    pid = partnership.id
    assert client.post(f"/partnerships/{pid}/state", data={"state": "dormant"}).status_code == 302
    assert the_partnership(session).state.value == "forming"  # refused: not from forming
    client.post(f"/partnerships/{pid}/state", data={"state": "active"})
    assert the_partnership(session).state.value == "active"
    client.post(f"/partnerships/{pid}/coordinator",
                data={"coordinator_id": str(town.librarian.id)})
    assert the_partnership(session).coordinator_id == town.librarian.id
    client.post(f"/partnerships/{pid}/invite", data={"email": "szkola@example.org",
                                                     "role": "partner"})
    school = app.test_client()
    login_as(school, town.headmaster)
    school.post(link_in(outbox()[0]) + "/accept", data={"org_id": str(town.school.id)})
    # The lead cannot leave; the school can.
    client.post(f"/partnerships/{pid}/leave", data={"org_id": str(town.library.id)})
    assert count(session, PartnershipMember, PartnershipMember.left_at.is_(None)) == 2
    assert school.post(f"/partnerships/{pid}/leave",
                       data={"org_id": str(town.school.id)}).status_code == 302
    assert count(session, PartnershipMember, PartnershipMember.left_at.is_(None)) == 1
    assert school.get(f"/partnerships/{pid}").status_code == 404


def test_one_link_accepted_twice_at_once_joins_once(app, client, session, town, outbox):
    start(client, town)
    partnership = the_partnership(session)
    client.post(f"/partnerships/{partnership.id}/invite",
                data={"email": "szkola@example.org", "role": "partner"})
    path = link_in(outbox()[0]) + "/accept"
    tries = 4
    with served(app) as base:
        cookie = _session_cookie(base, "szkola@example.org")
        answers = all_at_once(base, [Request(
            "POST", path, f"org_id={town.school.id}".encode(), {
                "Cookie": cookie, "Accept-Language": "en",
                "Content-Type": "application/x-www-form-urlencoded"}) for _ in range(tries)],
            timeout=60)
    statuses = sorted(a.status for a in answers)
    assert statuses[0] == 302 and set(statuses[1:]) <= {409, 410}, statuses
    assert count(session, PartnershipMember,
                 PartnershipMember.organization_id == town.school.id) == 1


def test_the_animator_is_invited_reads_and_does_not_decide(app, client, session, town, outbox):
    start(client, town)
    partnership = the_partnership(session)
    client.post(f"/partnerships/{partnership.id}/invite",
                data={"email": "obcy@example.org", "role": "animator"})
    [mail] = outbox()
    assert "animator" in mail.get_content()
    adviser = app.test_client()
    adviser.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    login_as(adviser, town.outsider)
    assert adviser.get(f"/partnerships/{partnership.id}").status_code == 404
    page = adviser.get(link_in(mail)).get_data(as_text=True)
    assert "Join as" not in page and "Accept the invitation" in page
    assert adviser.post(link_in(mail) + "/accept").status_code == 302
    page = adviser.get(f"/partnerships/{partnership.id}").get_data(as_text=True)
    assert "Olek Obcy" in page and "Edit the partnership" not in page
    assert adviser.get(f"/partnerships/{partnership.id}/edit").status_code == 403
    assert adviser.post(f"/partnerships/{partnership.id}/invite",
                        data={"email": "x@example.org", "role": "partner"}).status_code == 403
    client.post(f"/partnerships/{partnership.id}/animator/remove")
    assert adviser.get(f"/partnerships/{partnership.id}").status_code == 404
