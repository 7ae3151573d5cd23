"""An invited person without an account joins a partnership in one step: their account
(the invited address, verified by the link), their organization's profile and the answer yes
— then they are logged in. Mistakes in both parts are said together and nothing is kept;
two presses at once make one account; the animator's invitation asks no organization."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from exchange.core import partnerships as core
from models import Organization, PartnershipMember, User
from tests.conftest import NOW
from tests.live import Request, all_at_once, served


@pytest.fixture
def coalition(session, make_user, make_org):
    director = make_user("dyrektor@example.org", name="Dorota Dyrektor")
    make_org(director, name="Biblioteka", sector="public")
    partnership = core.create_partnership(session, director, {
        "name": "Koalicja dla Tczewa", "municipalities": "Tczew", "goal": "Seniorzy",
        "kind": "needs"}, NOW)
    session.commit()
    return partnership, director


def invite(session, coalition, email="bank@example.org", role="partner"):
    partnership, director = coalition
    _, secret = core.invite(session, director, partnership.id, email=email, role=role, now=NOW)
    session.commit()
    return f"/partnerships/invitations/{secret}"


GOOD = {"name": "Bożena Bankowa", "password": "kawa-rower-latarnia-9",
        "confirm": "kawa-rower-latarnia-9", "org_name": "Bank Spółdzielczy",
        "org_sector": "business", "org_municipality": "Tczew"}


def count(session, model, *where) -> int:
    session.rollback()
    return session.scalar(select(func.count()).select_from(model).where(*where))


def test_a_bank_without_an_account_joins_in_one_step(client, session, coalition):
    link = invite(session, coalition)
    page = client.get(link, headers={"Accept-Language": "pl"}).get_data(as_text=True)
    assert "Załóż konto i dołącz" in page and "Organizacja, w której imieniu dołączasz" in page
    answer = client.post(link + "/register", data=GOOD)
    assert answer.status_code == 302
    partnership, _ = coalition
    assert answer.location.endswith(f"/partnerships/{partnership.id}")
    bank = session.scalar(select(Organization).where(Organization.name == "Bank Spółdzielczy"))
    user = session.scalar(select(User).where(User.email == "bank@example.org"))
    assert bank is not None and user is not None
    assert count(session, PartnershipMember, PartnershipMember.organization_id == bank.id) == 1
    # logged in: the partnership's page is theirs to read
    assert "Bank Spółdzielczy" in client.get(answer.location).get_data(as_text=True)
    # the link is spent
    assert client.post(link + "/register", data=GOOD).status_code == 302  # logged in: to the page


def test_mistakes_in_both_parts_are_said_together_and_nothing_is_kept(client, session,
                                                                      coalition):
    link = invite(session, coalition)
    answer = client.post(link + "/register", data={
        **GOOD, "confirm": "inne-haslo-zupelnie", "org_name": "", "org_sector": "kosmos"},
        headers={"Accept-Language": "pl"})
    page = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert "Hasła nie są zgodne." in page
    assert page.count('class="field-error"') >= 3  # the password twice, the name, the sector
    assert count(session, User, User.email == "bank@example.org") == 0
    assert count(session, Organization) == 1


def test_the_animator_joins_without_an_organization(client, session, coalition):
    link = invite(session, coalition, email="doradca@example.org", role="animator")
    page = client.get(link).get_data(as_text=True)
    assert 'name="org_name"' not in page
    answer = client.post(link + "/register", data={
        "name": "Anna Doradczyni", "password": GOOD["password"], "confirm": GOOD["password"]})
    assert answer.status_code == 302
    partnership, _ = coalition
    session.rollback()
    session.refresh(partnership)
    assert partnership.animator.email == "doradca@example.org"
    assert count(session, Organization) == 1


def test_an_existing_account_is_asked_to_log_in(client, session, coalition, make_user):
    make_user("bank@example.org")
    link = invite(session, coalition)
    page = client.get(link).get_data(as_text=True)
    assert 'name="org_name"' not in page and "Log in" in page
    answer = client.post(link + "/register", data=GOOD)
    assert answer.status_code == 409
    assert count(session, Organization) == 1


def test_two_presses_at_once_make_one_account_and_one_organization(app, session, coalition):
    link = invite(session, coalition)
    body = "&".join(f"{k}={v}" for k, v in GOOD.items()).encode()
    with served(app) as base:
        answers = all_at_once(base, [Request("POST", link + "/register", body, {
            "Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
            for _ in range(3)], timeout=60)
    assert [a.status for a in answers].count(302) == 1, [a.status for a in answers]
    assert count(session, User, User.email == "bank@example.org") == 1
    assert count(session, Organization) == 2
