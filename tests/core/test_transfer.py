"""Import and export of organizations and listings: whole-file validation, refs, round trips."""
from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from exchange.core import listings, money, transfer
from exchange.core.transfer import ImportRefused
from models import Listing, ListingStatus, Membership, Organization

EXAMPLES = Path(__file__).resolve().parents[2] / "static" / "examples"
HEADER = ",".join(transfer.CSV_COLUMNS)


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def example(fmt: str) -> bytes:
    return (EXAMPLES / f"import-example.{fmt}").read_bytes()


def csv_file(*rows: dict[str, str], delimiter: str = ",") -> bytes:
    """A CSV in the import format; each row gives only the cells it needs."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=transfer.CSV_COLUMNS, delimiter=delimiter,
                            lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def org_cells(ref="ORG-1", name="Ochotnicza Straż Pożarna w Gniewie", sector="ngo",
              municipality="Gniew", **extra) -> dict[str, str]:
    return {"organization_ref": ref, "organization_name": name, "organization_sector": sector,
            "organization_municipality": municipality, **extra}


def listing_cells(ref="L-1", title="Użyczymy namiotu na festyn", kind="offer",
                  category="equipment", quantity="1", unit="pieces", **extra) -> dict[str, str]:
    return {"ref": ref, "title": title, "kind": kind, "category": category,
            "quantity": quantity, "unit": unit, **extra}


def json_file(organizations=(), listings=()) -> bytes:
    return json.dumps({"organizations": list(organizations), "listings": list(listings)},
                      ensure_ascii=False, indent=2).encode("utf-8")


JSON_ORG = {"ref": "ORG-1", "name": "Koło Gospodyń Wiejskich w Subkowach", "sector": "informal",
            "municipality": "Subkowy"}
JSON_LISTING = {"ref": "L-1", "organization": "ORG-1", "kind": "offer", "category": "catering",
                "title": "Ciasta na piknik sąsiedzki", "quantity": 5, "unit": "pieces"}


def site_org(session, make_org, ref: str | None = None, **fields) -> Organization:
    """An organization registered on the site (with an owner), given a ref by an organiser."""
    org = make_org(**fields)
    org.ref = ref
    session.commit()
    return org


def refused(session, filename: str, content: bytes, now) -> list[transfer.Problem]:
    """The problems of a refused import, after checking that it wrote nothing."""
    before = transfer.export(session, "json")
    with pytest.raises(ImportRefused) as caught:
        transfer.import_file(session, filename, content, now)
    assert transfer.export(session, "json") == before
    return caught.value.problems


def where(problems) -> list[tuple[int | None, str | None]]:
    return [(p.line, p.field) for p in problems]


# The example files -----------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_the_example_files_import_cleanly(session, now, fmt):
    summary = transfer.import_file(session, f"import-example.{fmt}", example(fmt), now)
    assert (summary.organizations_created, summary.listings_created) == (3, 6)
    orgs = session.scalars(select(Organization).order_by(Organization.ref)).all()
    assert [(o.ref, o.sector.value, o.municipality) for o in orgs] == [
        ("ORG-01", "public", "Tczew"), ("ORG-02", "ngo", "Pelplin"),
        ("ORG-03", "business", "Gniew")]
    assert count(session, Membership) == 0  # people join imported organizations later
    hall = session.scalar(select(Listing).where(Listing.ref == "LST-01"))
    assert hall.title == "Sala konferencyjna na 80 osób" and hall.organization.ref == "ORG-01"
    assert (hall.quantity, hall.remaining, hall.status) == (20, 20, ListingStatus.OPEN)
    assert hall.available_from == date(2027, 1, 7) and hall.created_at == now
    assert hall.expires_on == now.date() + listings.DEFAULT_LIFETIME
    assert "sala" in hall.search_text.split()


def test_the_two_example_files_hold_the_same_content(session, now):
    transfer.import_file(session, "import-example.csv", example("csv"), now)
    summary = transfer.import_file(session, "import-example.json", example("json"), now)
    assert (summary.organizations_unchanged, summary.listings_unchanged) == (3, 6)
    assert (summary.organizations_updated, summary.listings_updated) == (0, 0)


def test_importing_the_same_file_twice_changes_nothing(session, now):
    transfer.import_file(session, "import-example.csv", example("csv"), now)
    session.commit()
    before = transfer.export(session, "json")
    summary = transfer.import_file(session, "import-example.csv", example("csv"),
                                   now + timedelta(days=1))
    assert (summary.organizations_created, summary.organizations_updated) == (0, 0)
    assert (summary.listings_created, summary.listings_updated) == (0, 0)
    assert (count(session, Organization), count(session, Listing)) == (3, 6)
    assert transfer.export(session, "json") == before
    assert {x.updated_at for x in session.scalars(select(Listing))} == {now}


# Refusing a file as a whole --------------------------------------------------------------------

def test_a_file_with_bad_rows_imports_nothing_and_reports_each_with_its_line(session, now):
    content = csv_file(
        {**org_cells(), **listing_cells()},                                       # line 2
        {**org_cells("ORG-2", "Urząd Gminy Morzeszczyn", "government", "Morzeszczyn"),
         **listing_cells("L-2")},                                                 # line 3
        {**org_cells("ORG-3", "Szkoła Podstawowa w Pelplinie", "public", "Pelplin")},  # line 4
        {"organization_ref": "ORG-3", **listing_cells("L-3", "Sala gimnastyczna za 50 zł",
                                                      category="rooms")},         # line 5
    )
    problems = refused(session, "zgłoszenia.csv", content, now)
    assert where(problems) == [(3, "organization_sector"), (5, "title")]
    assert "“government” is not a valid choice" in str(problems[0].message)
    assert "public, ngo, business, informal, individual" in str(problems[0].message)
    assert "never money: remove “50 zł”" in str(problems[1].message)
    assert str(problems[1]).startswith("line 5, title: ")
    assert problems[1].message.text == money.money_message("50 zł").text  # translatable msgid


def test_the_refusal_carries_a_translatable_summary(session, now):
    with pytest.raises(ImportRefused) as caught:
        transfer.import_file(session, "a.csv", csv_file({**org_cells(sector="")}), now)
    assert caught.value.code == "import_refused" and caught.value.status == 422
    assert "nothing was changed" in caught.value.message.text
    assert [p.message.text for p in caught.value.problems] == ["This field is required."]


def test_a_listing_of_an_unknown_organization_is_refused(session, now, make_org):
    site_org(session, make_org, "SITE-1", name="Parafia w Gniewie", municipality="Gniew")
    content = json_file([JSON_ORG], [{**JSON_LISTING, "organization": "ORG-9"},
                                     {**JSON_LISTING, "ref": "L-2", "organization": "SITE-1"}])
    [problem] = refused(session, "a.json", content, now)
    assert problem.field == "listings[0].organization"
    assert "No organization has the ref “ORG-9”" in str(problem.message)
    # The line of the entry's opening brace, so an editor can jump there.
    lines = content.decode().splitlines()
    assert lines[problem.line - 1].strip() == "{" and '"ref": "L-1"' in lines[problem.line]

    problems = refused(session, "a.csv", csv_file({**org_cells()}, {"organization_ref": "ORG-9"}),
                       now)
    assert where(problems) == [(3, "organization_ref")]


def test_duplicate_refs_in_a_file_are_refused(session, now):
    problems = refused(session, "a.json", json_file(
        [JSON_ORG, {**JSON_ORG, "name": "Inne koło", "municipality": "Tczew"}],
        [JSON_LISTING, {**JSON_LISTING, "title": "Kompot"}]), now)
    assert [p.field for p in problems] == ["organizations[1].ref", "listings[1].ref"]
    assert all("is already used on line" in str(p.message) for p in problems)

    problems = refused(session, "a.csv", csv_file(
        {**org_cells(), **listing_cells()}, {"organization_ref": "ORG-1", **listing_cells()}), now)
    assert where(problems) == [(3, "ref")]
    assert str(problems[0].message) == "The ref “L-1” is already used on line 2."


def test_rows_without_a_ref_are_refused_because_they_could_not_be_found_again(session, now):
    problems = refused(session, "a.json", json_file(
        [{**JSON_ORG, "ref": ""}], [{**JSON_LISTING, "ref": None}]), now)
    assert [p.field for p in problems] == [
        "organizations[0].ref", "listings[0].ref", "listings[0].organization"]
    assert all("Give every row a ref" in str(p.message) for p in problems[:2])
    assert "No organization has the ref “ORG-1”" in str(problems[2].message)


def test_the_same_organization_twice_under_two_refs_is_refused(session, now, make_org):
    make_org(name="Miejska Biblioteka Publiczna w Tczewie", municipality="tczew")
    problems = refused(session, "import-example.csv", example("csv"), now)
    assert {(p.line, p.field) for p in problems} == {(2, "organization_name")}
    assert "already registered in Tczew" in str(problems[0].message)

    session.rollback()
    problems = refused(session, "a.json", json_file(
        [JSON_ORG, {**JSON_ORG, "ref": "ORG-2", "name": "koło gospodyń wiejskich w subkowach"}]),
        now)
    assert [p.field for p in problems] == ["organizations[1].name"]


def test_details_repeated_on_csv_rows_must_agree(session, now):
    content = csv_file({**org_cells(), **listing_cells()},
                       {**org_cells(name="OSP Gniew"), **listing_cells("L-2")})
    problems = refused(session, "a.csv", content, now)
    assert where(problems) == [(3, None)]
    assert "described differently on line 2" in str(problems[0].message)


@pytest.mark.parametrize("content, line, message", [
    (b"[]", 1, "A JSON import is an object with the lists"),
    (b"{}", 1, "A JSON import is an object with the lists"),
    (b'{"organisations": []}', 1, "Unknown field “organisations”"),
    (b'{\n"organizations": {}}', 2, "This must be a list."),
    (b'{"organizations": [\n  "Biblioteka"\n]}', 1, "Each entry must be an object"),
    (b'{"organizations": [\n  {"ref": "A",\n   "secter": "ngo"}]}', 2, "Unknown field “secter”"),
    (b'{"organizations": [\n  {"ref": "A",]}', 2, "This is not valid JSON"),
    (b"   ", None, "The file is empty."),
])
def test_json_of_the_wrong_shape_gets_a_clear_problem(session, now, content, line, message):
    problems = refused(session, "a.json", content, now)
    assert problems[0].line == line and message in str(problems[0].message)


@pytest.mark.parametrize("filename, content, message", [
    ("zgłoszenia.xlsx", b"PK\x03\x04", "Choose a .csv or .json file"),
    ("a.csv", HEADER.encode() + b"\r\nORG-1,Ko\xb3o", "not UTF-8"),
    ("a.csv", b"organization_ref,nazwa\r\n", "Unknown column “nazwa”"),
    ("a.csv", b"name,sector\r\n", "no column “organization_ref”"),
    ("a.csv", b"organization_ref,title\r\n", "no column “ref”"),
    ("a.csv", HEADER.encode() + b"\r\nORG-1" + b"," * 40 + b"x\r\n", "more cells than the header"),
])
def test_unreadable_files_get_a_clear_problem(session, now, filename, content, message):
    problems = refused(session, filename, content, now)
    assert any(message in str(p.message) for p in problems)


# What a spreadsheet brings along ----------------------------------------------------------------

def test_excel_csv_with_a_bom_and_semicolons_imports(session, now):
    rows = [{**org_cells(sector="NGO", organization_is_contact_public="TAK",
                         organization_description="Gasimy pożary; pomagamy, gdzie trzeba."),
             **listing_cells(description="Namiot 6 × 3 m;\nz ławkami")},
            {"organization_ref": "ORG-1", **listing_cells("L-2", "Pokaz sprzętu strażackiego",
                                                          category="culture", unit="sessions")},
            {}]  # Excel leaves empty rows ";;;;" behind
    content = b"\xef\xbb\xbf" + csv_file(*rows, delimiter=";")
    summary = transfer.import_file(session, "zgłoszenia.csv", content, now)
    assert (summary.organizations_created, summary.listings_created) == (1, 2)
    org = session.scalar(select(Organization))
    assert (org.ref, org.sector.value, org.is_contact_public) == ("ORG-1", "ngo", True)
    assert org.description == "Gasimy pożary; pomagamy, gdzie trzeba."
    tent = session.scalar(select(Listing).where(Listing.ref == "L-1"))
    assert tent.description == "Namiot 6 × 3 m;\nz ławkami" and tent.municipality == "Gniew"


def test_a_problem_after_a_multiline_cell_names_its_physical_line(session, now):
    content = csv_file({**org_cells(), **listing_cells(description="jeden\ndwa\ntrzy")},
                       {"organization_ref": "ORG-1", **listing_cells("L-2", quantity="dużo")})
    assert where(refused(session, "a.csv", content, now)) == [(5, "quantity")]


def test_listings_may_join_an_organization_already_on_the_site(session, now, make_org):
    org = site_org(session, make_org, "SITE-1", name="Parafia w Gniewie", municipality="Gniew")
    summary = transfer.import_file(session, "a.csv", csv_file(
        {"organization_ref": "SITE-1", **listing_cells()}), now)
    assert (summary.organizations_created, summary.listings_created) == (0, 1)
    assert session.scalar(select(Listing)).organization_id == org.id
    assert len(org.memberships) == 1  # the site organization is left as it was


def test_yes_no_cells_must_say_yes_or_no(session, now):
    problems = refused(session, "a.csv", csv_file(
        {**org_cells(organization_is_contact_public="może")}), now)
    assert where(problems) == [(2, "organization_is_contact_public")]


# Updating by ref --------------------------------------------------------------------------------

def test_a_second_import_updates_in_place_and_keeps_what_contracts_promised(session, now):
    transfer.import_file(session, "import-example.json", example("json"), now)
    hall = session.scalar(select(Listing).where(Listing.ref == "LST-01"))
    hall.remaining = 12  # 8 hours already promised in contracts
    document = json.loads(example("json"))
    document["listings"][0].update(quantity=30, title="Sala widowiskowa na 80 osób",
                                   status="paused")
    document["organizations"][1]["name"] = "Stowarzyszenie Przyjaciół Pelplina"
    later = now + timedelta(days=3)
    summary = transfer.import_file(session, "a.json", json.dumps(document).encode(), later)
    assert (summary.organizations_updated, summary.listings_updated) == (1, 1)
    assert (summary.organizations_created, summary.listings_created) == (0, 0)
    assert (hall.quantity, hall.remaining, hall.status) == (30, 22, ListingStatus.PAUSED)
    assert hall.updated_at == later and hall.created_at == now
    assert "widowiskowy" in hall.search_text or "widowiskowa" in hall.search_text

    document["listings"][0]["quantity"] = 5
    problems = refused(session, "a.json", json.dumps(document).encode(), later)
    assert where(problems) == [(problems[0].line, "listings[0].quantity")]
    assert "8 are already promised" in str(problems[0].message)


def test_a_listing_cannot_move_to_another_organization(session, now):
    transfer.import_file(session, "import-example.json", example("json"), now)
    document = json.loads(example("json"))
    document["listings"][0]["organization"] = "ORG-02"
    problems = refused(session, "a.json", json.dumps(document).encode(), now)
    assert [p.field for p in problems] == ["listings[0].organization"]
    assert "belongs to another organization on the site" in str(problems[0].message)


def test_an_empty_status_keeps_the_listing_s_own_status(session, now):
    transfer.import_file(session, "import-example.csv", example("csv"), now)
    session.scalar(select(Listing).where(Listing.ref == "LST-01")).status = ListingStatus.DRAFT
    content = example("csv").decode().replace(",open\r\n", ",\r\n").encode()
    summary = transfer.import_file(session, "import-example.csv", content, now)
    assert summary.listings_unchanged == 6
    hall = session.scalar(select(Listing).where(Listing.ref == "LST-01"))
    assert hall.status is ListingStatus.DRAFT


def test_validate_reports_without_writing(session, now):
    data = transfer.parse("import-example.json", example("json"))
    assert transfer.validate(session, data, now.date()) == []
    assert count(session, Organization) == 0
    bad = transfer.parse("a.json", json_file([{**JSON_ORG, "sector": "church"}]))
    problems = transfer.validate(session, bad, now.date())
    assert [p.field for p in problems] == ["organizations[0].sector"]
    with pytest.raises(ImportRefused):
        transfer.apply(session, bad, now)


# Export -----------------------------------------------------------------------------------------

@pytest.fixture
def lived_in(session, now, make_org):
    """The example data after some life on the site: contracts, a closed and an expired
    listing, an organization without listings, coordinates, a formula-looking title."""
    transfer.import_file(session, "import-example.json", example("json"), now)
    transfer.import_file(session, "a.json", json_file(
        [JSON_ORG],
        [{**JSON_LISTING, "title": "=Ciasta na piknik", "latitude": 54.08, "longitude": 18.77,
          "description": "Pierwsza linia\nDruga linia, z przecinkiem"}]), now)
    transfer.import_file(session, "b.json", json_file(
        [{**JSON_ORG, "ref": "ORG-EMPTY", "name": "Klub Seniora „Jesień”",
          "is_contact_public": "tak"}]), now)
    hall = session.scalar(select(Listing).where(Listing.ref == "LST-01"))
    hall.remaining = 5
    closed = session.scalar(select(Listing).where(Listing.ref == "LST-02"))
    closed.status, closed.expires_on = ListingStatus.CLOSED, now.date() - timedelta(days=40)
    expired = session.scalar(select(Listing).where(Listing.ref == "LST-03"))
    expired.status, expired.expires_on = ListingStatus.EXPIRED, now.date() - timedelta(days=1)
    session.commit()


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_an_export_imports_back_unchanged(session, now, lived_in, fmt):
    exported = transfer.export(session, fmt)
    later = now + timedelta(days=10)
    summary = transfer.import_file(session, f"eksport.{fmt}", exported.encode(), later)
    assert (summary.organizations_unchanged, summary.listings_unchanged) == (5, 7)
    assert (summary.organizations_created + summary.organizations_updated
            + summary.listings_created + summary.listings_updated) == 0
    assert transfer.export(session, fmt) == exported


def test_the_export_carries_refs_and_real_statuses(session, now, lived_in, make_org):
    make_org(name="Fundacja zarejestrowana na stronie", municipality="Tczew")
    document = json.loads(transfer.export(session, "json"))
    assert [o["ref"] for o in document["organizations"]] == [
        "ORG-01", "ORG-02", "ORG-03", "ORG-1", "ORG-EMPTY", None]
    listing = {x["ref"]: x for x in document["listings"]}
    assert listing["LST-02"]["status"] == "closed" and listing["LST-03"]["status"] == "expired"
    assert listing["LST-01"]["organization"] == "ORG-01"
    assert listing["LST-01"]["available_from"] == "2027-01-07"

    rows = list(csv.DictReader(io.StringIO(transfer.export(session, "csv"))))
    assert tuple(rows[0]) == transfer.CSV_COLUMNS
    assert [(r["organization_ref"], r["ref"]) for r in rows][-3:] == [
        ("ORG-1", "L-1"), ("ORG-EMPTY", ""), ("", "")]


def test_cells_that_look_like_formulas_are_defused_in_csv(session, now, lived_in):
    rows = list(csv.DictReader(io.StringIO(transfer.export(session, "csv"))))
    cakes = next(r for r in rows if r["ref"] == "L-1")
    assert cakes["title"] == "'=Ciasta na piknik"
    session.rollback()
    transfer.import_file(session, "eksport.csv", transfer.export(session, "csv").encode(), now)
    assert session.scalar(select(Listing.title).where(Listing.ref == "L-1")) == "=Ciasta na piknik"


def test_organizations_without_listings_survive_the_csv_round_trip(session, now, lived_in):
    exported = transfer.export(session, "csv")
    session.execute(Listing.__table__.delete())
    session.execute(Organization.__table__.delete())
    summary = transfer.import_file(session, "eksport.csv", exported.encode(), now)
    assert (summary.organizations_created, summary.listings_created) == (5, 7)
    club = session.scalar(select(Organization).where(Organization.ref == "ORG-EMPTY"))
    assert club.name == "Klub Seniora „Jesień”" and club.is_contact_public is True
    closed = session.scalar(select(Listing).where(Listing.ref == "LST-02"))
    assert closed.status is ListingStatus.CLOSED and closed.expires_on < now.date()
    assert transfer.export(session, "csv") == exported


def test_an_open_listing_cannot_be_imported_already_expired(session, now):
    problems = refused(session, "a.json", json_file(
        [JSON_ORG], [{**JSON_LISTING, "expires_on": "2026-01-01"}]), now)
    assert [p.field for p in problems] == ["listings[0].expires_on"]
    assert "has passed" in str(problems[0].message)


def test_import_only_flushes(session, now):
    transfer.import_file(session, "import-example.csv", example("csv"), now)
    session.rollback()
    assert count(session, Organization) == 0


# Ambiguous money words: warnings, not errors (issue 17) -----------------------------------------

def test_ambiguous_money_words_are_imported_as_warnings_confirmed_by_the_importer(
        session, now, make_user):
    admin = make_user("admin@example.org", is_admin=True)
    content = csv_file(
        {**org_cells(), **listing_cells()},                                           # line 2
        {"organization_ref": "ORG-1", **listing_cells(
            "L-2", "Szukamy sponsora nagród", kind="need", category="other",
            description="Dla dzieci z gminy; sala w ramach najmu.")},                 # line 3
    )
    summary = transfer.import_file(session, "zgłoszenia.csv", content, now, actor_id=admin.id)
    assert summary.listings_created == 2
    assert [(p.line, p.field) for p in summary.warnings] == [(3, "title"), (3, "description")]
    assert "“sponsora” may be about money" in str(summary.warnings[0].message)
    assert "“najmu”" in str(summary.warnings[1].message)
    need = session.scalar(select(Listing).where(Listing.ref == "L-2"))
    assert (need.money_confirmed_fragment, need.money_confirmed_at,
            need.money_confirmed_by_id) == ("sponsora; najmu", now, admin.id)
    assert session.scalar(select(Listing).where(Listing.ref == "L-1")).money_confirmed_at is None
    session.commit()
    again = transfer.import_file(session, "zgłoszenia.csv", content, now + timedelta(days=1),
                                 actor_id=None)
    assert again.listings_unchanged == 2 and len(again.warnings) == 2
    assert need.money_confirmed_by_id == admin.id  # the same words: the same confirmation


def test_certain_money_stays_an_error_and_the_warnings_are_listed_beside_it(session, now):
    content = csv_file(
        {**org_cells(), **listing_cells("L-1", "Wynajmiemy namiot")},                 # line 2
        {"organization_ref": "ORG-1", **listing_cells("L-2", "Sprzedam namiot")},    # line 3
    )
    before = transfer.export(session, "json")
    with pytest.raises(ImportRefused) as caught:
        transfer.import_file(session, "zgłoszenia.csv", content, now)
    assert where(caught.value.problems) == [(3, "title")]
    assert "remove “Sprzedam”" in str(caught.value.problems[0].message)
    assert where(caught.value.warnings) == [(2, "title")]
    assert transfer.export(session, "json") == before
