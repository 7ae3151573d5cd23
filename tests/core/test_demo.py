"""The demo county: built through the core services, loaded once, usable for logging in."""
from __future__ import annotations

import ast
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select

from exchange.core import accounts
from exchange.cli import demo
from exchange.cli.demo import DEMO_ADMIN_EMAIL, DEMO_LOGINS, DEMO_PASSWORD, load_demo_data
from exchange.core.listings import marketplace_query
from models import (Category, Listing, ListingKind, ListingStatus, MemberRole, Membership,
                    Organization, Sector, User)

COUNTY = {"Tczew", "Pelplin", "Gniew", "Subkowy", "Morzeszczyn"}


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def _load(session, now) -> None:
    assert load_demo_data(session, now) is True
    session.commit()


def test_loads_a_county_covering_every_sector(session, now):
    _load(session, now)

    orgs = session.scalars(select(Organization)).all()
    assert len(orgs) >= 12
    assert {org.sector for org in orgs} == set(Sector)
    assert {org.municipality for org in orgs} == COUNTY
    for org in orgs:
        assert any(m.role is MemberRole.OWNER and m.can_sign for m in org.memberships), org.name
    names = [org.name for org in orgs]
    for expected in ("Miejska Biblioteka Publiczna", "Centrum Kultury", "Szkoła Podstawowa",
                     "Urząd Gminy", "Ośrodek Pomocy Społecznej", "Ochotnicza Straż Pożarna",
                     "Klub Seniora", "Bank Spółdzielczy"):
        assert any(expected in name for name in names), expected


def test_demo_data_mixes_verification_contacts_and_signing_rights(session, now):
    _load(session, now)

    orgs = session.scalars(select(Organization)).all()
    verified = [org for org in orgs if org.is_verified]
    assert 0 < len(verified) < len(orgs)
    assert all(org.verified_at == now for org in verified)
    assert {org.is_contact_public for org in orgs} == {True, False}
    members = session.scalars(select(Membership).where(Membership.role == MemberRole.MEMBER)).all()
    assert {m.can_sign for m in members} == {True, False}


def test_admin_and_every_demo_login_work_with_the_shared_password(session, now):
    _load(session, now)

    admin = accounts.find_user_by_email(session, DEMO_ADMIN_EMAIL)
    assert admin.is_admin and admin.name == "Administrator Giełdy"
    assert session.scalars(select(User).where(User.is_admin)).all() == [admin]
    assert {user.locale for user in session.scalars(select(User))} == {"pl"}
    assert DEMO_ADMIN_EMAIL in dict(DEMO_LOGINS)
    for email, description in DEMO_LOGINS:
        assert description
        user = accounts.authenticate(session, email=email, password=DEMO_PASSWORD, now=now)
        assert user is not None and user.email == email
        assert user.is_admin or user.memberships, email


def test_the_plain_member_login_cannot_sign(session, now):
    _load(session, now)

    member = accounts.find_user_by_email(session, "piotr.lewandowski@example.org")
    assert "piotr.lewandowski@example.org" in dict(DEMO_LOGINS)
    assert [(m.role, m.can_sign) for m in member.memberships] == [(MemberRole.MEMBER, False)]


def test_the_marketplace_is_alive(session, now):
    _load(session, now)

    listings = session.scalars(select(Listing)).all()
    assert len(listings) >= 30
    assert {listing.category for listing in listings} == set(Category)
    assert {listing.kind for listing in listings} == set(ListingKind)
    statuses = [listing.status for listing in listings]
    assert statuses.count(ListingStatus.OPEN) >= 0.85 * len(listings)
    assert ListingStatus.DRAFT in statuses and ListingStatus.PAUSED in statuses
    assert {listing.organization_id for listing in listings} == set(
        session.scalars(select(Organization.id)))
    assert sum(bool(listing.cost_contribution) for listing in listings) >= 2
    assert sum(listing.available_from is not None for listing in listings) >= 5


def test_demo_listings_are_posted_by_members_of_their_organization(session, now):
    _load(session, now)

    posters = {}
    for listing in session.scalars(select(Listing)):
        membership = session.scalar(select(Membership).where(
            Membership.organization_id == listing.organization_id,
            Membership.user_id == listing.created_by_id))
        assert membership is not None, listing.title
        posters.setdefault(membership.role, set()).add(listing.created_by_id)
    assert posters.keys() == {MemberRole.OWNER, MemberRole.MEMBER}


def test_demo_dates_follow_the_day_the_demo_is_loaded(session, now):
    later = now + timedelta(days=400)
    _load(session, later)

    for listing in session.scalars(select(Listing)):
        assert listing.expires_on > later.date(), listing.title
        if listing.available_from:
            assert later.date() <= listing.available_from <= listing.available_until


def _exchanges(session) -> set[tuple[int, int]]:
    """(giver, taker) organization ids: the giver offers, in an open listing, a category the
    taker needs in an open listing."""
    open_listings = session.scalars(select(Listing).where(Listing.status == ListingStatus.OPEN))
    offers, needs = set(), set()
    for listing in open_listings:
        (offers if listing.is_offer else needs).add((listing.organization_id, listing.category))
    return {(giver, taker) for giver, category in offers for taker, wanted in needs
            if category is wanted and giver != taker}


def test_demo_plants_pairs_a_reciprocal_exchange_and_a_three_party_cycle(session, now):
    _load(session, now)
    names = dict(session.execute(select(Organization.id, Organization.name)).all())
    edges = {(names[giver], names[taker]) for giver, taker in _exchanges(session)}

    def has(giver: str, taker: str) -> bool:
        return any(giver in a and taker in b for a, b in edges)

    assert has("Bank Spółdzielczy", "Biblioteka")          # newsletter promotion
    assert has("Kociewie Soft", "Szkoła Podstawowa")      # computer lab
    assert has("Straż Pożarna", "Klub Seniora")           # the bus
    assert has("Klub Seniora", "Kociewie Soft") and has("Kociewie Soft", "Klub Seniora")
    assert has("Straż Pożarna", "Szkoła Podstawowa") and has("Szkoła Podstawowa", "Straż Pożarna")
    assert has("Centrum Kultury", "Sąsiedzi") and has("Sąsiedzi", "Kociewiak")
    assert has("Kociewiak", "Centrum Kultury")


def test_marketplace_search_finds_demo_listings_by_inflected_folded_words(session, now):
    _load(session, now)

    def titles(q: str) -> list[str]:
        return [listing.title for listing in session.scalars(marketplace_query(session, q=q))]

    assert any("sala" in title.casefold() for title in titles("sali"))
    assert any("Catering na spotkanie opłatkowe" in title for title in titles("oplatkowe"))
    labs = titles("pracownia komputerowa")
    assert any("pracownię komputerową" in title for title in labs)
    assert not [title for title in labs if "12 stanowiskami" in title]  # paused, so not shown
    assert any("wolontariuszy" in title for title in titles("wolontariusze"))


def test_a_second_run_changes_nothing(session, now):
    _load(session, now)
    models = (User, Organization, Membership, Listing)
    counts = [_count(session, model) for model in models]

    assert load_demo_data(session, now) is False
    session.commit()

    assert [_count(session, model) for model in models] == counts


def test_the_module_does_not_import_flask():
    tree = ast.parse(Path(demo.__file__).read_text(encoding="utf-8"))
    imported = [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names]
    imported += [node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
    assert not [name for name in imported if name.split(".")[0].startswith("flask")]


def test_demo_has_a_contract_in_force_and_values_for_statistics(session, now):
    from models import Commitment, Contract, ContractStatus, ValueDefault

    _load(session, now)
    # the first; the partnership's plan adds two between its partners (its record of exchanges)
    contract = session.scalars(select(Contract).order_by(Contract.id)).first()
    assert contract.status is ContractStatus.ACTIVE and len(contract.parties) == 2
    assert _count(session, ValueDefault) >= 10
    row = session.scalar(select(Commitment).order_by(Commitment.id))
    assert row.estimated_value == 800 and row.listing.remaining == row.listing.quantity - 1


def test_the_demo_has_todays_exchange_event_ready_to_start(session, now):
    from exchange.core import events
    from models import ExchangeEvent, StaffRole

    load_demo_data(session, now)
    event = session.scalar(select(ExchangeEvent))
    assert event.held_on == now.date() and events.registration_open(event, now.date())
    assert events.session_state(event, now) == "scheduled"
    balance = {b.sector.value: b for b in events.sector_balance(event)}
    assert sum(b.admitted for b in balance.values()) == 7 and balance["business"].pending == 1
    assert events.presence(event) == (0, 9)
    notary = accounts.find_user_by_email(session, "urzad@example.org")
    assert events.roles(event, notary) == {StaffRole.NOTARY, StaffRole.BROKER}
    assert len(events.event_listings(session, event)) >= 10


def test_the_demo_has_a_partnership_led_by_the_library(session, now):
    from exchange.core import partnerships
    from models import Partnership, Sector

    load_demo_data(session, now)
    partnership = session.scalar(select(Partnership))
    assert partnership.lead.name == "Miejska Biblioteka Publiczna w Tczewie"
    assert partnership.is_public and partnership.state.value == "active"
    assert {m.organization.name for m in partnership.current_members} == {
        "Miejska Biblioteka Publiczna w Tczewie", "Szkoła Podstawowa nr 3 w Pelplinie",
        "Bank Spółdzielczy Ziemi Tczewskiej"}
    assert partnerships.missing_sectors(partnership) == [Sector.NGO]
    assert len(partnerships.pending_invitations(session, partnership.id)) == 1
    # the year's report has recommendations the school began and the bank added to
    from exchange.core.partnerships import report

    year = report.local_year(now)
    versions = report.recommendation_history(session, partnership, year)
    assert [v.organization.name for v in versions] == [
        "Bank Spółdzielczy Ziemi Tczewskiej", "Szkoła Podstawowa nr 3 w Pelplinie"]
    assert "na wnuczka" in versions[0].text
    got = report.year_report(session, partnership.coordinator, partnership.id, year, now)
    assert got.meetings and got.exchanges and got.indicators
    # formalised by a declaration the three partners signed
    declaration = partnerships.declaration_of(session, partnership)
    assert partnership.formalisation.value == "declaration"
    assert declaration.status.value == "active" and len(declaration.parties) == 3
    # … which is no exchange between them: the two contracts of the plan's demo are
    assert declaration.id not in {line.contract.id for line in got.exchanges}
    assert len(report.year_report(session, partnership.coordinator, partnership.id, year,
                                  now).exchanges) == 2
    # nor a commitment between partners on a partner's page: the lead got no lab from it
    lead = next(m for m in partnership.current_members if m.organization_id == partnership.lead_id)
    got_by_lead = partnerships.partner_record(session, partnership, lead)
    assert declaration.id not in {c.version.contract_id for c in got_by_lead.received}


def test_the_demo_partnership_has_contributions_a_need_and_a_proposal(session, now):
    from exchange.core.partnerships import contributions
    from exchange.core.proposals import IndexCache
    from models import Partnership

    load_demo_data(session, now)
    partnership = session.scalar(select(Partnership))
    listed = contributions.contributions_of(session, partnership)
    assert {x.kind.value for x in listed} == {"offer", "need"}
    assert [x.title for x in listed if x.partnership_only] == [
        "Pracownia komputerowa na 16 stanowisk na kursy dla seniorów"]
    pairs = contributions.partner_proposals(session, IndexCache().sync(session), partnership)
    assert ("Pracownia komputerowa na 16 stanowisk na kursy dla seniorów",
            "Pracownia komputerowa na kurs e-usług dla seniorów") in {
        (p.offer.title, p.need.title) for p in pairs}
