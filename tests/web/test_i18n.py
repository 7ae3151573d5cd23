"""Polish by default, English on request; every message translated; locale-aware formats."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "exchange" / "translations" / "pl" / "LC_MESSAGES" / "messages.po"


def test_polish_is_the_default(app):
    page = app.test_client().get("/").get_data(as_text=True)
    assert '<html lang="pl">' in page
    assert "Wymieniaj się zasobami, nie pieniędzmi" in page or "Organizacje" in page
    assert "Log in" not in page and "Zaloguj się" in page


def test_the_browsers_language_is_honoured(app):
    client = app.test_client()
    page = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(as_text=True)
    assert '<html lang="en">' in page and "Log in" in page
    page = client.get("/", headers={"Accept-Language": "de-DE,de;q=0.9"}).get_data(as_text=True)
    assert '<html lang="pl">' in page


def test_the_user_switches_language_and_it_sticks(app):
    client = app.test_client()
    response = client.post("/language", data={"locale": "en", "next": "/organizations/"})
    assert response.headers["Location"] == "/organizations/"
    assert "Log in" in client.get("/").get_data(as_text=True)
    client.post("/language", data={"locale": "pl", "next": "https://evil.example.com/"})
    assert "Zaloguj się" in client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert client.post("/language", data={"locale": "xx"}).status_code == 400


def test_a_logged_in_users_language_is_saved_to_their_profile(app, session, make_user):
    user = make_user(locale=None)
    phone, laptop = app.test_client(), app.test_client()
    for c in (phone, laptop):
        c.post("/login", data={"email": user.email, "password": "correct horse battery staple"})
    phone.post("/language", data={"locale": "en"})
    session.rollback()
    session.refresh(user)
    assert user.locale == "en"
    assert "My account" in laptop.get("/account").get_data(as_text=True)


def test_error_messages_from_forms_and_the_core_are_translated(app, make_user):
    make_user("anna@example.org")
    client = app.test_client()
    page = client.post("/register", data={"name": "", "email": "anna@example.org",
                                          "password": "krótkie", "confirm": "krótkie"}
                       ).get_data(as_text=True)
    assert "To pole jest wymagane." in page
    # (A taken address is no longer refused: registering answers alike either way.)
    page = client.post("/register", data={"name": "Anna", "email": "\u0430nna@example.org",
                                          "password": "correct horse battery staple",
                                          "confirm": "correct horse battery staple"}
                       ).get_data(as_text=True)
    assert "Ten adres zawiera znaki lub litery udające inne" in page


def test_dates_and_numbers_follow_the_locale(app, make_user):
    from flask_babel import force_locale, format_date, format_number

    from tests.conftest import NOW

    with app.test_request_context():
        with force_locale("pl"):
            assert format_date(NOW, "long") == "21 listopada 2026"
            assert format_number(12345) == "12\xa0345"
        with force_locale("en"):
            assert format_date(NOW, "long") == "November 21, 2026"
            assert format_number(12345) == "12,345"
    user = make_user(locale="pl")
    client = app.test_client()
    client.post("/login", data={"email": user.email, "password": "correct horse battery staple"})
    assert "21 listopada 2026" in client.get("/account").get_data(as_text=True)


def test_a_number_meets_its_noun_in_the_right_form(app):
    from flask_babel import force_locale

    from exchange.http.labels import format_quantity

    with app.test_request_context():
        with force_locale("pl"):
            assert [format_quantity(n, "days") for n in (1, 2, 5, 22)] == [
                "1 dzień", "2 dni", "5 dni", "22 dni"]
            assert [format_quantity(n, "sessions") for n in (1, 3, 8, 12, 24)] == [
                "1 spotkanie", "3 spotkania", "8 spotkań", "12 spotkań", "24 spotkania"]
            assert format_quantity(1_000_000, "pieces") == "1\xa0000\xa0000 sztuk"
            assert format_quantity(2, "people") == "2 osoby"
        with force_locale("en"):
            assert format_quantity(1, "hours") == "1 hour"
            assert format_quantity(1200, "hours") == "1,200 hours"


def test_every_message_has_a_polish_translation():
    catalogue = read_po(CATALOGUE.open("rb"))
    missing = [m.id for m in catalogue if m.id and (
        m.fuzzy or not (all(m.string) if isinstance(m.string, tuple) else m.string))]
    assert missing == []


def test_the_catalogue_holds_every_string_in_the_code(tmp_path):
    """A string added to a template or the core without `make messages` fails here."""
    pot = tmp_path / "messages.pot"
    pybabel = Path(sys.executable).with_name("pybabel")
    subprocess.run([str(pybabel), "extract", "-F", "babel.cfg", "-k", "_l", "-k", "Msg",
                    "-k", "lazy_gettext", "-k", "lazy_pgettext:1c,2", "-k", "pmsg:1c,2",
                    "-o", str(pot), "."],
                   cwd=ROOT, check=True, capture_output=True)
    # A string used with a context (pgettext) needs its entry under that msgctxt.
    in_code = {(m.context, m.id) for m in read_po(pot.open("rb")) if m.id}
    in_catalogue = {(m.context, m.id) for m in read_po(CATALOGUE.open("rb")) if m.id}
    assert in_code - in_catalogue == set(), "run `make messages` and translate the new strings"


PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]|%[sdif]")


def test_every_translation_keeps_the_placeholders_of_its_message():
    """A Polish string that drops, renames or adds a %(name)s shows a raw placeholder or
    loses a value (and a KeyError at run time for a renamed one)."""
    wrong = []
    for message in read_po(CATALOGUE.open("rb")):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = set(PLACEHOLDER.findall(ids[-1])) | set(PLACEHOLDER.findall(ids[0]))
        for string in strings:
            found = set(PLACEHOLDER.findall(string))
            if found - expected or (len(strings) == 1 and found != expected):
                wrong.append((ids[0], string))
    assert wrong == []


# ---------------------------------------------------------------- one English word, two Polish

def test_a_core_message_with_a_context_is_read_in_that_context(app):
    """`pmsg` carries a msgctxt: the same English "Withdraw" is a contract's "Wycofaj się" and
    an admin's "Cofnij weryfikację"; the context also survives a stored notification."""
    from flask_babel import force_locale

    from exchange.core.errors import Msg, pmsg
    from exchange.http.i18n import text_of, translate
    from models import Notification

    contract, verification = pmsg("contract", "Withdraw"), pmsg("verification", "Withdraw")
    assert contract != verification and len({contract, verification}) == 2
    assert contract.context == "contract" and Msg("Withdraw").context is None
    with app.test_request_context():
        with force_locale("pl"):
            assert translate(contract) == "Wycofaj się"
            assert translate(verification) == "Cofnij weryfikację"
            stored = Notification(message=contract.text, params=dict(contract.params))
            assert text_of(stored) == "Wycofaj się"
            cycle = pmsg("nonexistent", "Cycle of %(num)s organization",
                         plural="Cycle of %(num)s organizations", num=3)
            assert translate(cycle) == "Cycle of 3 organizations"  # unknown context: English
        with force_locale("en"):
            assert translate(contract) == "Withdraw"


def test_a_status_agrees_with_the_noun_it_describes(app):
    """"cancelled" is a contract's "rozwiązany" but an event's "odwołana"; "withdrawn" is a
    contract's "wycofany" but an application's "wycofane"."""
    from flask_babel import force_locale

    from exchange.http.labels import (APPLICATION_STATUS_LABELS, CONTRACT_STATUS_LABELS,
                                      EVENT_STATUS_LABELS, STATUS_LABELS, VERSION_STATE_LABELS)
    from models import ContractStatus, ListingStatus, VersionState
    from models.event import ApplicationStatus, EventStatus

    with app.test_request_context(), force_locale("pl"):
        assert str(CONTRACT_STATUS_LABELS[ContractStatus.CANCELLED]) == "rozwiązany"
        assert str(EVENT_STATUS_LABELS[EventStatus.CANCELLED]) == "odwołana"
        assert str(CONTRACT_STATUS_LABELS[ContractStatus.WITHDRAWN]) == "wycofany"
        assert str(APPLICATION_STATUS_LABELS[ApplicationStatus.WITHDRAWN]) == "wycofane"
        # A contract's draft is a "projekt" (as on its buttons); a listing's a "szkic".
        assert str(CONTRACT_STATUS_LABELS[ContractStatus.DRAFT]) == "projekt"
        assert str(VERSION_STATE_LABELS[VersionState.DRAFT]) == "projekt"
        assert str(STATUS_LABELS[ListingStatus.DRAFT]) == "szkic"


def _polish_client(app, user):
    from tests.conftest import login_id

    client = app.test_client()
    with client.session_transaction() as s:
        s["_user_id"] = login_id(user)
        s["locale"] = "pl"
    return client


def test_pages_use_the_polish_word_their_place_needs(app, session, make_user, make_org,
                                                     token_for, now):
    from datetime import timedelta

    from exchange.core import contracts, events, privacy
    from models.event import EventStatus

    anna = make_user("anna@example.org", name="Anna Nowak")
    piotr = make_user("piotr@example.org", name="Piotr Wiśniewski")
    admin = make_user("admin@example.org", is_admin=True)
    library, school = make_org(anna, name="Biblioteka"), make_org(piotr, name="Szkoła")

    # An API token's name is "Nazwa"; the person's own name stays "Imię i nazwisko".
    token_for(anna)
    page = _polish_client(app, anna).get("/account").get_data(as_text=True)
    tokens = page[page.index("Tokeny API"):]
    assert "<th scope=\"col\">Nazwa</th>" in tokens and "Imię i nazwisko" not in tokens
    assert "Imię i nazwisko" in page[:page.index("Tokeny API")]

    # Accepting the privacy notice reads as the other button beside it: "Akceptuję".
    privacy.publish_notice(session, admin, text_pl="Administratorem danych jest Giełda.",
                           text_en="", based_on=None, now=now)
    session.commit()
    banner = _polish_client(app, anna).get("/marketplace").get_data(as_text=True)
    banner = banner[banner.index("privacy-banner"):]
    assert ">Akceptuję</button>" in banner and "Przyjmij" not in banner[:banner.index("</form>")]

    # The button that marks a commitment not feasible says what it does.
    contract = contracts.create_contract(session, anna, library.id, {
        "parties": [library.id, school.id], "commitments": [{
            "giver_id": library.id, "receiver_id": school.id, "what": "Sala na warsztaty",
            "quantity": 2, "unit": "hours",
            "due_on": (now.date() + timedelta(days=20)).isoformat()}]}, now)
    session.commit()
    page = _polish_client(app, anna).get(
        f"/organizations/{library.id}/contracts/{contract.id}").get_data(as_text=True)
    assert 'contract-draft">projekt</span>' in page  # as "Edytuj projekt" beside it
    for user, org in ((anna, library), (piotr, school)):
        contracts.sign(session, user, org.id, contract.id, now, recent_login=True)
    session.commit()
    page = _polish_client(app, anna).get(
        f"/organizations/{library.id}/contracts/{contract.id}").get_data(as_text=True)
    assert ">Oznacz jako niewykonalne</button>" in page and ">Niewykonalne</button>" not in page

    # An event: its registration is "zamknięta", the event itself "odwołana", a withdrawn
    # application "wycofane".
    today = now.date()
    event = events.create_event(session, anna, library.id, {
        "name": "Giełda Zasobów Tczew", "venue": "Biblioteka, ul. Długa 1",
        "held_on": (today + timedelta(days=20)).isoformat(),
        "registration_opens_on": today.isoformat(),
        "registration_closes_on": (today + timedelta(days=10)).isoformat()}, now)
    events.publish_event(session, anna, event.id, now)
    events.apply(session, piotr, event.id, school.id, {"attendees": "Piotr Wiśniewski"}, now)
    events.withdraw_application(session, piotr, event.id, school.id, now)
    session.commit()
    page = _polish_client(app, piotr).get(
        f"/events/{event.id}/application/{school.id}").get_data(as_text=True)
    assert "wycofane" in page and "wycofany" not in page
    event.registration_closes_on = today - timedelta(days=1)
    event.registration_opens_on = today - timedelta(days=5)
    event.status = EventStatus.CANCELLED
    session.commit()
    page = _polish_client(app, anna).get(f"/events/{event.id}").get_data(as_text=True)
    assert '<span class="badge">odwołana</span>' in page and "rozwiązany" not in page
    assert "· zamknięta</dd>" in " ".join(page.split()) and "zamknięte" not in page


def test_a_number_of_organizations_in_a_cycle_takes_its_plural_form(app):
    from flask import render_template_string
    from flask_babel import force_locale

    template = ('{{ ngettext("Cycle of %(num)s organization", "Cycle of %(num)s organizations",'
                ' n) }}')
    with app.test_request_context(), force_locale("pl"):
        assert [render_template_string(template, n=n) for n in (3, 5, 22)] == [
            "Cykl: 3 organizacje", "Cykl: 5 organizacji", "Cykl: 22 organizacje"]
    brokers = (ROOT / "templates" / "events" / "brokers.html").read_text()
    assert 'ngettext("Cycle of %(num)s organization"' in brokers


def test_a_proper_name_is_never_declined_nor_sets_a_verbs_gender():
    """"Urząd Gminy podpisała" and "podpisywać za Miejska Biblioteka" are wrong Polish: a name
    stands in quotes after a noun that takes the case ("organizacji „%(organization)s”"),
    never right after a preposition, and a past-tense verb agrees with that noun, not with
    the name."""
    wrong = []
    name = r"%\((organization|name|person|event)\)s"
    after_noun = re.compile(r"\b(organizacj\w*|giełd\w*|wydarzeni\w*) " + name, re.I)
    name_then_verb = re.compile(r"(^|[.:;] )" + name + r" (już )?\w+(ła|ło|ł|li|ły)\b")
    unknown_gender = re.compile(r"\w\(a\)")  # "podpisał(a)"
    after_preposition = re.compile(r"\b(za|dla|do|od|przez|z|w) " + name, re.I)
    for message in read_po(CATALOGUE.open("rb")):
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for string in strings:
            if after_noun.search(string) or name_then_verb.search(string) or \
                    unknown_gender.search(string) or after_preposition.search(string):
                wrong.append(string)
    assert wrong == []
