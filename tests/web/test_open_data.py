"""Open data (issue 18): ValueFlows JSON-LD of listings, proposals, contracts and deliveries,
organizations with HSDS field names, a public partnership's contributions — public parts only,
cacheable — and the public page's achievements, seen by anonymous people and outsiders."""
from __future__ import annotations

from datetime import timedelta

import pytest
from pyld import jsonld

from exchange.core import contracts, listings, organizations as orgs
from exchange.core import partnerships as core
from exchange.core.partnerships import contributions
from models import (MeetingAttendance, MeetingEvaluation, PartnershipMeeting, PartnershipMember,
                    Proposal, ProposalStatus)
from tests.conftest import login_id

VF = "https://w3id.org/valueflows/ont/vf#"
ROOM = {"kind": "offer", "category": "rooms", "title": "Sala konferencyjna", "quantity": 10,
        "unit": "hours", "description": "Na 80 osób."}
NEED = {"kind": "need", "category": "rooms", "title": "Szukamy sali na warsztaty",
        "quantity": 4, "unit": "hours"}


def _offer(session, user, org, now, **changes):
    return listings.create_listing(session, user, org.id, {**ROOM, **changes}, now)


@pytest.fixture
def town(session, make_user, make_org, now):
    director = make_user("dyrektor@example.org", name="Dorota Dyrektor")
    principal = make_user("szkola@example.org", name="Stefan Szkolny")
    banker = make_user("bank@example.org", name="Beata Bankowa")
    outsider = make_user("obcy@example.org", name="Olek Obcy")
    library = make_org(director, name="Biblioteka", sector="public",
                       address="ul. Długa 5, 83-110 Tczew", contact_email="ukryty@example.org",
                       contact_phone="+48 58 123 45 67", contact_name="Pani Kontaktowa")
    school = make_org(principal, name="Szkoła", sector="public", is_contact_public=True,
                      contact_email="jawny@example.org", contact_phone="58 765 43 21")
    bank = make_org(banker, name="Bank", sector="business")
    partnership = core.create_partnership(session, director, {
        "name": "Sieć Kociewie", "municipalities": "Tczew", "goal": "Czytelnictwo w gminie",
        "kind": "needs", "is_public": True}, now)
    for org in (school, bank):
        session.add(PartnershipMember(partnership_id=partnership.id, organization_id=org.id,
                                      joined_at=now))
    session.commit()
    session.refresh(partnership)
    room = _offer(session, director, library, now)
    draft = listings.create_listing(session, director, library.id,
                                    {**ROOM, "title": "Szkic projektora"}, now, publish=False)
    need = listings.create_listing(session, principal, school.id, NEED, now)
    lab = contributions.declare(session, principal, partnership.id, school.id, {
        "kind": "offer", "category": "computer_labs", "title": "Pracownia komputerowa",
        "quantity": 20, "unit": "hours"}, now)
    secret = contributions.declare(session, banker, partnership.id, bank.id, {
        "kind": "offer", "category": "expertise", "title": "Tajna porada bankowa",
        "quantity": 2, "unit": "hours"}, now, partnership_only=True)
    session.commit()
    return type("Town", (), dict(
        director=director, principal=principal, banker=banker, outsider=outsider,
        library=library, school=school, bank=bank, partnership=partnership, room=room,
        draft=draft, need=need, lab=lab, secret=secret))


def _contract(session, town, now, *, giver, receiver, giver_user, receiver_user, what):
    data = {"parties": [giver.id, receiver.id], "note": "Notatka poufna",
            "representatives": {str(giver.id): "Jan Reprezentant"},
            "commitments": [{"giver_id": giver.id, "receiver_id": receiver.id, "what": what,
                             "quantity": 2, "unit": "hours",
                             "due_on": (now + timedelta(days=20)).date().isoformat()}]}
    contract = contracts.create_contract(session, giver_user, giver.id, data, now)
    contracts.sign(session, giver_user, giver.id, contract.id, now, recent_login=True)
    contracts.sign(session, receiver_user, receiver.id, contract.id, now, recent_login=True)
    session.commit()
    return contract


def _publish(session, *organizations):
    for org in organizations:
        org.publishes_open_data = True
    session.commit()


def _expand(document):
    return jsonld.expand(document)


def _types(expanded):
    return {t for node in expanded for t in node.get("@type", [])}


def test_listings_are_vf_intents_without_private_ones(client, town):
    answer = client.get("/api/v1/open-data/listings")
    assert answer.status_code == 200
    assert answer.mimetype == "application/ld+json"
    document = answer.get_json(force=True)
    assert document["@context"]["@vocab"] == VF
    names = {node["name"] for node in document["@graph"]}
    assert names == {"Sala konferencyjna", "Szukamy sali na warsztaty", "Pracownia komputerowa"}
    assert "Tajna porada" not in answer.text and "Szkic projektora" not in answer.text
    expanded = _expand(document)
    assert _types(expanded) == {VF + "Intent"}
    room = next(n for n in expanded if n[VF + "name"][0]["@value"] == "Sala konferencyjna")
    assert room[VF + "provider"][0]["@id"].endswith(f"/organizations/{town.library.id}")
    assert room[VF + "action"][0]["@id"] == VF + "use"
    quantity = room[VF + "resourceQuantity"][0]
    assert quantity[VF + "hasNumericalValue"][0]["@value"] in (10, "10")
    assert quantity[VF + "hasUnit"][0]["@id"].endswith("om-2/hour")
    assert room[VF + "resourceClassifiedAs"][0]["@id"].endswith("category=rooms")
    need = next(n for n in expanded if n[VF + "name"][0]["@value"] == NEED["title"])
    assert VF + "receiver" in need and VF + "provider" not in need
    # the paging keys are not data: they vanish from the expanded graph
    assert not any("page" in key or "total" in key for n in expanded for key in n)
    assert document["total"] == 3 and document["links"]["self"]


def test_answers_are_cacheable_and_conditional(client, town):
    first = client.get("/api/v1/open-data/listings")
    assert first.headers["ETag"] and first.headers["Last-Modified"]
    assert "public" in first.headers["Cache-Control"]
    again = client.get("/api/v1/open-data/listings",
                       headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    since = client.get("/api/v1/open-data/listings",
                       headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert since.status_code == 304
    paged = client.get("/api/v1/open-data/listings?per_page=1&page=2").get_json(force=True)
    assert len(paged["@graph"]) == 1 and paged["links"]["prev"]


def test_a_contract_is_published_only_when_every_party_opted_in(client, session, town, now):
    contract = _contract(session, town, now, giver=town.library, receiver=town.school,
                         giver_user=town.director, receiver_user=town.principal,
                         what="Sala na warsztaty dla seniorów")
    _publish(session, town.library)  # the school did not opt in
    empty = client.get("/api/v1/open-data/agreements").get_json(force=True)
    assert empty["@graph"] == [] and empty["total"] == 0
    _publish(session, town.school)
    commitment = contract.in_force.commitments[0]
    contracts.change_commitment(session, town.director, town.library.id, contract.id,
                                commitment.id, "deliver", now)
    contracts.change_commitment(session, town.principal, town.school.id, contract.id,
                                commitment.id, "confirm", now)
    session.commit()
    answer = client.get("/api/v1/open-data/agreements")
    document = answer.get_json(force=True)
    assert answer.mimetype == "application/ld+json" and document["total"] == 1
    for private in ("Notatka poufna", "Jan Reprezentant", "Dorota", "Stefan",
                    "dyrektor@example.org", "ukryty@example.org"):
        assert private not in answer.text
    expanded = _expand(document)
    agreement = next(n for n in expanded if VF + "Agreement" in n["@type"])
    stipulated = agreement[VF + "stipulates"]
    assert [c["@type"] for c in stipulated] == [[VF + "Commitment"]]
    assert stipulated[0][VF + "provider"][0]["@id"].endswith(f"/organizations/{town.library.id}")
    assert stipulated[0][VF + "receiver"][0]["@id"].endswith(f"/organizations/{town.school.id}")
    # the confirmed delivery is an EconomicEvent, the realization of the agreement
    events = agreement["@reverse"][VF + "realizationOf"]
    assert events[0]["@type"] == [VF + "EconomicEvent"]
    assert events[0][VF + "fulfills"][0]["@id"] == stipulated[0]["@id"]


def test_a_withdrawal_of_consent_unpublishes_at_once(client, session, town, now):
    _contract(session, town, now, giver=town.library, receiver=town.school,
              giver_user=town.director, receiver_user=town.principal, what="Sala")
    _publish(session, town.library, town.school)
    first = client.get("/api/v1/open-data/agreements")
    assert first.get_json(force=True)["total"] == 1
    # the school's owner unticks the consent on the form, an hour later
    orgs.update_organization(session, town.principal, town.school.id, {
        "name": "Szkoła", "sector": "public", "municipality": "Tczew",
        "publishes_open_data": False}, now + timedelta(hours=1))
    session.commit()
    # a cache that asks "changed since?" hears yes, though the contract's own row did not change
    again = client.get("/api/v1/open-data/agreements",
                       headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert again.status_code == 200 and again.get_json(force=True)["total"] == 0


def test_proposals_need_both_sides_public_and_consenting(client, session, town, now):
    session.add(Proposal(need_id=town.need.id, offer_id=town.room.id,
                         status=ProposalStatus.ACCEPTED, score=0.8, decided_at=now))
    session.add(Proposal(need_id=town.need.id, offer_id=town.secret.id,
                         status=ProposalStatus.ACCEPTED, score=0.7, decided_at=now))
    session.commit()
    assert client.get("/api/v1/open-data/proposals").get_json(force=True)["@graph"] == []
    _publish(session, town.library, town.school, town.bank)
    document = client.get("/api/v1/open-data/proposals").get_json(force=True)
    assert len(document["@graph"]) == 1  # not the one with a partnership-only offer
    expanded = _expand(document)
    assert _types(expanded) == {VF + "Proposal"}
    published = expanded[0][VF + "publishes"]
    assert {p[VF + "reciprocal"][0]["@value"] for p in published} == {True, False}


def test_organizations_have_hsds_fields_and_hide_private_contact(client, town):
    answer = client.get("/api/v1/open-data/organizations")
    assert answer.status_code == 200 and answer.headers["ETag"]
    items = {o["name"]: o for o in answer.json["items"]}
    library, school = items["Biblioteka"], items["Szkoła"]
    assert library["email"] == "" and library["phones"] == []
    assert "ukryty@example.org" not in answer.text and "Pani Kontaktowa" not in answer.text
    assert "123 45 67" not in answer.text
    assert school["email"] == "jawny@example.org"
    assert school["phones"] == [{"number": "58 765 43 21"}]
    address = library["locations"][0]["addresses"][0]
    assert (address["address_1"], address["postal_code"], address["city"],
            address["country"]) == ("ul. Długa 5", "83-110", "Tczew", "PL")
    assert library["sector"] == "public" and library["id"] == str(town.library.id)


def test_an_individual_s_name_is_never_open_data(client, session, town, make_org, now):
    person = make_org(town.outsider, name="Jan Kowalski", sector="individual")
    session.add(PartnershipMember(partnership_id=town.partnership.id, organization_id=person.id,
                                  joined_at=now))
    session.commit()
    assert "Jan Kowalski" not in client.get("/api/v1/open-data/organizations").text
    answer = client.get(f"/api/v1/open-data/partnerships/{town.partnership.id}")
    assert answer.status_code == 200 and "Jan Kowalski" not in answer.text
    assert f"/organizations/{person.id}" in answer.text  # a member still, without the name


def test_a_public_partnership_publishes_its_public_contributions_and_members(
        client, session, town):
    answer = client.get(f"/api/v1/open-data/partnerships/{town.partnership.id}")
    assert answer.status_code == 200 and answer.mimetype == "application/ld+json"
    assert "Tajna porada" not in answer.text and "Dorota" not in answer.text
    expanded = _expand(answer.get_json(force=True))
    intents = [n for n in expanded if VF + "Intent" in n.get("@type", [])]
    assert [i[VF + "name"][0]["@value"] for i in intents] == ["Pracownia komputerowa"]
    assert intents[0][VF + "inScopeOf"][0]["@id"].endswith(
        f"/partnerships/{town.partnership.id}")
    partnership = next(n for n in expanded if VF + "Organization" in n.get("@type", []))
    members = partnership["http://www.w3.org/ns/org#hasMember"]
    assert len(members) == 3
    town.partnership.is_public = False
    session.commit()
    assert client.get(f"/api/v1/open-data/partnerships/{town.partnership.id}").status_code == 404
    assert client.get("/api/v1/open-data/partnerships/999999").status_code == 404


def test_the_openapi_document_lists_the_open_data(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    for path in ("/open-data/listings", "/open-data/proposals", "/open-data/agreements",
                 "/open-data/organizations", "/open-data/partnerships/{id}"):
        assert "security" not in paths[path]["get"]
    assert "application/ld+json" in \
        paths["/open-data/listings"]["get"]["responses"]["200"]["content"]


def test_the_organization_form_sets_the_consent(client, session, town):
    with client.session_transaction() as s:
        s["_user_id"] = login_id(town.director)
    form = client.get(f"/organizations/{town.library.id}/edit")
    assert "Publish our exchanges as open data" in form.text
    data = {"name": "Biblioteka", "sector": "public", "municipality": "Tczew",
            "publishes_open_data": "y"}
    answer = client.post(f"/organizations/{town.library.id}/edit", data=data)
    assert answer.status_code == 302
    session.expire_all()
    assert orgs.get_public_organization(session, town.library.id).publishes_open_data


# --- the public page's achievements --------------------------------------------------------

def _meetings(session, town, now):
    held = PartnershipMeeting(
        partnership_id=town.partnership.id, title="Pierwsze spotkanie partnerów",
        starts_at=now - timedelta(days=30), place_org_id=town.school.id,
        place_text="sala 12", agenda="Agenda", minutes="Tajny protokół",
        decisions="Tajna decyzja", recorded_at=now - timedelta(days=29),
        created_at=now, updated_at=now)
    unrecorded = PartnershipMeeting(
        partnership_id=town.partnership.id, title="Spotkanie bez zapisu",
        starts_at=now - timedelta(days=10), place_text="Rynek", created_at=now, updated_at=now)
    coming = PartnershipMeeting(
        partnership_id=town.partnership.id, title="Przyszłe spotkanie",
        starts_at=now + timedelta(days=10), place_text="Rynek", created_at=now, updated_at=now)
    session.add_all([held, unrecorded, coming])
    session.flush()
    session.add(MeetingAttendance(meeting_id=held.id, organization_id=town.school.id,
                                  people="Stefan Szkolny"))
    session.add(MeetingEvaluation(meeting_id=held.id, user_id=town.principal.id, usefulness=5,
                                  atmosphere=5, keep="Tajna ocena", change="", created_at=now))
    session.commit()


def test_achievements_count_only_public_things(session, town, now):
    _meetings(session, town, now)
    _contract(session, town, now, giver=town.school, receiver=town.bank,
              giver_user=town.principal, receiver_user=town.banker, what="Pracownia")
    _contract(session, town, now, giver=town.school, receiver=town.library,
              giver_user=town.principal, receiver_user=town.director, what="Sala")
    result = core.achievements(session, town.partnership, now)
    # the lab is public; the bank's advice is kept for the partnership only
    assert (result.offers, result.needs) == (1, 0)
    assert [m.title for m in result.meetings] == ["Pierwsze spotkanie partnerów"]
    assert result.meetings[0].place_org_name == "Szkoła"
    assert result.exchanges == 2  # school–bank and school–library: all three are members


def test_an_exchange_with_an_outsider_is_not_between_partners(session, town, now, make_org):
    stranger = make_org(town.outsider, name="Obca fundacja")
    _contract(session, town, now, giver=town.school, receiver=stranger,
              giver_user=town.principal, receiver_user=town.outsider, what="Sala")
    assert core.achievements(session, town.partnership, now).exchanges == 0


@pytest.mark.parametrize("who", ["anonymous", "outsider"])
def test_the_public_page_shows_achievements_and_nothing_private(client, session, town, now, who):
    _meetings(session, town, now)
    _contract(session, town, now, giver=town.school, receiver=town.bank,
              giver_user=town.principal, receiver_user=town.banker, what="Pracownia")
    if who == "outsider":
        with client.session_transaction() as s:
            s["_user_id"] = login_id(town.outsider)
    page = client.get(f"/partnerships/{town.partnership.id}")
    assert page.status_code == 200
    text = page.text
    assert "1 contribution declared" in text and "1 meeting held" in text
    assert "1 exchange between partners" in text and "0 needs declared" in text
    assert "Pierwsze spotkanie partnerów" in text and "Szkoła" in text
    assert "Czytelnictwo w gminie" in text
    assert f'href="/api/v1/open-data/partnerships/{town.partnership.id}"' in text
    for private in ("Tajny protokół", "Tajna decyzja", "Tajna ocena", "Stefan Szkolny",
                    "Dorota Dyrektor", "Tajna porada", "sala 12", "Spotkanie bez zapisu",
                    "Przyszłe spotkanie", "Notatka poufna", "ukryty@example.org"):
        assert private not in text, private


def test_polish_plurals_of_meetings(client, session, town, now):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "pl"
    for count, words in ((1, "1 odbyte spotkanie"), (2, "2 odbyte spotkania"),
                         (5, "5 odbytych spotkań"), (22, "22 odbyte spotkania")):
        existing = len(core.achievements(session, town.partnership, now).meetings)
        for i in range(count - existing):
            session.add(PartnershipMeeting(
                partnership_id=town.partnership.id, title=f"Spotkanie {existing + i}",
                starts_at=now - timedelta(days=40 + i), place_text="Rynek",
                recorded_at=now - timedelta(days=39), created_at=now, updated_at=now))
        session.commit()
        page = client.get(f"/partnerships/{town.partnership.id}").text
        assert words in page and "Osiągnięcia" in page
    assert "1 zadeklarowany wkład" in page and "0 zgłoszonych potrzeb" in page
    assert "0 wymian między partnerami" in page and "gospodarz: Szkoła" not in page
