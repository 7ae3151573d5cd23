"""The organiser's import of an event's participants: organizations admitted, their people with
badges, their listings brought; every problem with its row and column, nothing saved then; a
second import of the same file changes nothing."""
from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import func, select

from exchange.core.errors import Forbidden, NotFound, ValidationError
from exchange.core.events import importing
from exchange.core.transfer import ImportRefused
from models import EventAttendee, EventImport, EventListing, Listing, Organization
from models.event import ApplicationStatus, EventParticipant

HEADER = ("organization_ref;organization_name;organization_sector;organization_municipality;"
          "organization_contact_email;attendees;ref;kind;category;title;quantity;unit")
ROWS = [
    ("kgw;Koło Gospodyń Wiejskich;ngo;Gniew;kgw@example.org;"
     "Maria Wiśniewska <maria@example.org>| Jan Kowalski;kgw-1;offer;catering;"
     "Ciasto na spotkanie;2;sessions"),
    "kgw;;;;;;kgw-2;need;promotion;Plakaty w bibliotekach;4;pieces",
    "osp;OSP Subkowy;ngo;Subkowy;;Tomasz Strażak;osp-1;offer;transport;Przewóz ławek;1;days",
]


def cells(row: str) -> list[str]:
    """A row written with ";" between cells and "|" for the ";" inside the attendees' cell."""
    return [c.replace("|", ";") for c in row.split(";")]


def csv_file(*rows: str, header: str = HEADER, bom: bool = True,
             delimiter: str = ";") -> bytes:
    """ROWS as Excel saves them: the attendees' cell, holding ";", is quoted."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    for row in (header, *rows):
        writer.writerow(cells(row))
    return out.getvalue().encode("utf-8-sig" if bom else "utf-8")


def xlsx_file(header: str = HEADER, rows: list[str] = ROWS) -> bytes:
    from openpyxl import Workbook
    book = Workbook()
    sheet = book.active
    sheet.append(header.split(";"))
    for row in rows:
        # Excel keeps a typed quantity as a number.
        sheet.append([int(c) if c.isdigit() else c for c in cells(row)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def run(session, hall, now, content: bytes, name: str = "uczestnicy.csv"):
    kept, preview = importing.upload(session, hall["organiser"], hall["event"].id, name,
                                     content, now)
    assert kept is not None, [str(p) for p in preview.problems]
    outcome = importing.confirm(session, hall["organiser"], hall["event"].id, kept.id, now)
    session.commit()
    return preview, outcome


def counts(session, hall) -> tuple[int, int, int, int]:
    event_id = hall["event"].id
    return (session.scalar(select(func.count()).select_from(Organization)),
            session.scalar(select(func.count()).select_from(EventParticipant)
                           .where(EventParticipant.event_id == event_id)),
            session.scalar(select(func.count()).select_from(EventAttendee)),
            session.scalar(select(func.count()).select_from(EventListing)
                           .where(EventListing.event_id == event_id)))


def test_a_csv_with_semicolons_admits_organizations_with_people_and_listings(session, hall, now):
    before = counts(session, hall)
    preview, outcome = run(session, hall, now, csv_file(*ROWS))
    for result in (preview, outcome):
        assert (result.organizations_created, result.participants_admitted,
                result.attendees_added, result.listings_created,
                result.listings_brought) == (2, 2, 3, 3, 3)
    assert counts(session, hall) == (before[0] + 2, before[1] + 2, before[2] + 3, before[3] + 3)
    kgw = session.scalar(select(Organization).where(Organization.name == "Koło Gospodyń Wiejskich"))
    assert kgw.ref == f"{hall['event'].host_id}:kgw" and kgw.contact_email == "kgw@example.org"
    participant = session.scalar(select(EventParticipant).where(
        EventParticipant.organization_id == kgw.id))
    assert participant.status is ApplicationStatus.ADMITTED
    people = {a.name: a for a in participant.attendees}
    assert people["Maria Wiśniewska"].email == "maria@example.org"
    assert people["Jan Kowalski"].email == "" and len(people["Jan Kowalski"].badge_token) >= 20
    titles = {x.title for x in session.scalars(select(Listing).join(
        EventListing, EventListing.listing_id == Listing.id).where(
        EventListing.event_id == hall["event"].id, Listing.organization_id == kgw.id))}
    assert titles == {"Ciasto na spotkanie", "Plakaty w bibliotekach"}


def test_the_preview_writes_nothing_and_keeps_the_file(session, hall, now):
    before = counts(session, hall)
    kept, preview = importing.upload(session, hall["organiser"], hall["event"].id, "a.csv",
                                     csv_file(*ROWS), now)
    session.commit()
    assert preview.organizations_created == 2 and not preview.problems
    assert counts(session, hall) == before
    assert session.get(EventImport, kept.id).imported_at is None


def test_the_same_file_twice_changes_nothing_and_a_changed_row_updates(session, hall, now):
    run(session, hall, now, csv_file(*ROWS))
    after_first = counts(session, hall)
    preview, outcome = run(session, hall, now, csv_file(*ROWS))
    assert preview.changes == 0 and outcome.changes == 0
    assert outcome.organizations_unchanged == 2
    assert counts(session, hall) == after_first
    changed = [ROWS[0].replace("Maria Wiśniewska <maria@example.org>",
                               "Maria Wiśniewska <m.wisniewska@example.org>| Ola Nowa")
               .replace("Ciasto na spotkanie", "Dwa ciasta na spotkanie"), *ROWS[1:]]
    _, outcome = run(session, hall, now, csv_file(*changed))
    assert (outcome.attendees_added, outcome.attendees_updated, outcome.listings_updated,
            outcome.organizations_created, outcome.listings_created) == (1, 1, 1, 0, 0)
    assert counts(session, hall)[0] == after_first[0]
    maria = session.scalar(select(EventAttendee).where(EventAttendee.name == "Maria Wiśniewska"))
    assert maria.email == "m.wisniewska@example.org"


def test_an_xlsx_file_imports_as_the_csv_does(session, hall, now):
    before = counts(session, hall)
    run(session, hall, now, xlsx_file(), name="Uczestnicy.XLSX")
    assert counts(session, hall) == (before[0] + 2, before[1] + 2, before[2] + 3, before[3] + 3)
    quantity = session.scalar(select(Listing.quantity).where(Listing.title == "Przewóz ławek"))
    assert quantity == 1
    # The same rows from CSV afterwards are the same organizations, people and listings.
    _, again = run(session, hall, now, csv_file(*ROWS, bom=False, delimiter=","))
    assert again.changes == 0


def test_every_problem_is_reported_with_its_row_and_column_and_nothing_is_saved(
        session, hall, now):
    before = counts(session, hall)
    bad = [
        ROWS[0].replace(";ngo;", ";charity;"),                                   # line 2
        ROWS[1].replace("Plakaty w bibliotekach;4", "Plakaty za 500 zł;4"),      # line 3
        ROWS[2].replace("Tomasz Strażak", "Tomasz <nie-adres>"),                 # line 4
        "osp;;;;;;osp-1;offer;transport;Drugi z tym samym ref;1;days",           # line 5
        "nikt;;;;;;n-1;need;rooms;Sala;1;hours",                                 # line 6
    ]
    kept, preview = importing.upload(session, hall["organiser"], hall["event"].id, "a.csv",
                                     csv_file(*bad), now)
    assert kept is None
    places = {(p.line, p.field) for p in preview.problems}
    assert (2, "organization_sector") in places
    assert (3, "title") in places  # the no-money rule of listings made by hand
    assert (4, "attendees") in places
    assert (5, "ref") in places
    assert (6, "organization_ref") in places
    texts = " ".join(str(p) for p in preview.problems)
    assert "osp-1" in texts and ":osp-1" not in texts  # the organiser's own refs, unprefixed
    assert [p.line for p in preview.problems] == sorted(p.line for p in preview.problems)
    session.commit()
    assert counts(session, hall) == before
    assert session.scalar(select(func.count()).select_from(EventImport)) == 0


def test_the_events_categories_and_sector_caps_are_kept(session, hall, now):
    event = hall["event"]
    event.categories = ["computer_labs", "catering", "promotion"]
    event.sector_caps = {"ngo": 2}  # the school is admitted already: one place left
    session.commit()
    _, preview = importing.upload(session, hall["organiser"], event.id, "a.csv",
                                  csv_file(*ROWS), now)
    places = {(p.line, p.field) for p in preview.problems}
    assert places == {(4, "category"), (4, "organization_sector")}


def test_an_unreadable_file_or_another_format_is_refused(session, hall, now):
    for name, content in (("a.json", b"{}"), ("a.xlsx", b"not a zip"), ("a.csv", b"")):
        kept, preview = importing.upload(session, hall["organiser"], hall["event"].id, name,
                                         content, now)
        assert kept is None and preview.problems


def test_only_organisers_import_and_a_file_imports_once(session, hall, now):
    with pytest.raises(Forbidden):
        importing.upload(session, hall["notary"], hall["event"].id, "a.csv", csv_file(*ROWS), now)
    kept, _ = importing.upload(session, hall["organiser"], hall["event"].id, "a.csv",
                               csv_file(*ROWS), now)
    importing.confirm(session, hall["organiser"], hall["event"].id, kept.id, now)
    session.commit()
    with pytest.raises(ValidationError):
        importing.confirm(session, hall["organiser"], hall["event"].id, kept.id, now)


def test_refs_are_the_hosts_own_and_do_not_meet_the_site_admins(session, hall, now):
    session.add(Organization(ref="kgw", name="Inne Koło", sector="ngo", municipality="Pelplin",
                             created_at=now, updated_at=now))
    session.commit()
    run(session, hall, now, csv_file(*ROWS))
    assert session.scalar(select(Organization.name).where(Organization.ref == "kgw")) == "Inne Koło"


def test_a_confirmed_file_that_no_longer_fits_is_refused_whole(session, hall, now):
    kept, _ = importing.upload(session, hall["organiser"], hall["event"].id, "a.csv",
                               csv_file(*ROWS), now)
    session.commit()
    hall["event"].sector_caps = {"ngo": 1}
    session.commit()
    before = counts(session, hall)
    with pytest.raises(ImportRefused):
        importing.confirm(session, hall["organiser"], hall["event"].id, kept.id, now)
    session.rollback()
    assert counts(session, hall) == before
    assert session.get(EventImport, kept.id).imported_at is None


def test_a_new_upload_replaces_the_organisers_earlier_preview(session, hall, now):
    first, _ = importing.upload(session, hall["organiser"], hall["event"].id, "a.csv",
                                csv_file(*ROWS), now)
    first_id = first.id
    second, _ = importing.upload(session, hall["organiser"], hall["event"].id, "b.csv",
                                 csv_file(*ROWS[:1]), now)
    session.commit()
    assert session.scalars(select(EventImport.filename)).all() == ["b.csv"]
    assert second.id != first_id
    with pytest.raises(NotFound):
        importing.confirm(session, hall["organiser"], hall["event"].id, first_id, now)


def test_an_organization_already_on_the_site_is_linked_and_its_members_profile_kept(
        session, hall, now):
    library = hall["library"]
    row = ("bib;biblioteka MIEJSKA;public;Tczew;inny@example.org;Ewa Bibliotekarka| Jan Nowy;"
           "bib-1;offer;rooms;Czytelnia na spotkania;3;hours")
    before = counts(session, hall)
    _, outcome = run(session, hall, now, csv_file(row))
    session.refresh(library)
    assert library.ref == f"{hall['event'].host_id}:bib"
    assert library.name == "Biblioteka Miejska" and library.contact_email != "inny@example.org"
    assert (outcome.organizations_created, outcome.participants_admitted,
            outcome.attendees_added, outcome.listings_created) == (0, 0, 1, 1)
    assert counts(session, hall)[0] == before[0]
    _, again = run(session, hall, now, csv_file(row))
    assert again.changes == 0


def test_a_file_with_too_many_rows_is_refused_at_the_first_row_too_many(
        session, hall, now, monkeypatch):
    from exchange.core.transfer import reading

    monkeypatch.setattr(reading, "MAX_TABLE_ROWS", 2)
    for name, content in (("a.csv", csv_file(*ROWS)), ("a.xlsx", xlsx_file())):
        kept, preview = importing.upload(session, hall["organiser"], hall["event"].id, name,
                                         content, now)
        assert kept is None and [p.line for p in preview.problems] == [4], name


def test_a_word_that_often_means_money_is_a_warning_not_a_refusal(session, hall, now):
    """One ambiguous word ("Wynajem") must not refuse an organiser's whole file: it is listed
    with its row and column, and the listing is recorded as confirmed by the organiser."""
    rows = [*ROWS[:2], "osp;OSP Subkowy;ngo;Subkowy;;Tomasz Strażak;osp-1;offer;rooms;"
            "Wynajem remizy dla KGW (użyczenie);1;days"]
    preview, outcome = run(session, hall, now, csv_file(*rows))
    assert [(w.line, w.field) for w in preview.warnings] == [(4, "title")]
    assert [(w.line, w.field) for w in outcome.warnings] == [(4, "title")]
    listing = session.scalar(select(Listing).where(Listing.title.startswith("Wynajem")))
    assert listing.money_confirmed_by_id == hall["organiser"].id
    # A price is still refused, with its row.
    kept, refused = importing.upload(session, hall["organiser"], hall["event"].id, "b.csv",
                                     csv_file(*ROWS[:2], "osp;OSP Subkowy;ngo;Subkowy;;;osp-1;"
                                              "offer;rooms;Remiza za 200 zł;1;days"), now)
    assert kept is None and [(p.line, p.field) for p in refused.problems] == [(4, "title")]
