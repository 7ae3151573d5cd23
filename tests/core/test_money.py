"""The no-money rule: what find_money flags, the fragment it quotes, and what it lets through."""
from __future__ import annotations

import unicodedata

import pytest

from exchange.core.money import find_money

FLAGGED = [
    # Amounts, currency after
    ("Sala za 50 zł/h", "50 zł"),
    ("Udostępnimy rzutnik, 50zł za dzień", "50zł"),
    ("Koszt: 50 zl", "50 zl"),
    ("Aula na weekend: 1 200,50 PLN", "1 200,50 PLN"),
    ("Catering na 40 osób – 1.200 zł", "1.200 zł"),
    ("Warsztaty za jedyne 20 złotych od osoby", "20 złotych"),
    ("Koszulki z nadrukiem, 30 EUR/szt.", "30 EUR"),
    ("Transport busem 30€ w jedną stronę", "30€"),
    ("Wypożyczymy namiot za 30 euro", "30 euro"),
    ("Herbata i kawa po 15 gr za kubek", "15 gr"),
    ("Ksero 20 groszy za stronę", "20 groszy"),
    ("Scena mobilna, 5 tys. zł", "5 tys. zł"),
    ("Nagłośnienie 200–300 zł", "200–300 zł"),
    ("Sala\u00a0gimnastyczna 2\u00a0000\u00a0zł miesięcznie", "2\u00a0000\u00a0zł"),
    # Amounts, currency first
    ("Nagłośnienie: PLN 200 za dobę", "PLN 200"),
    ("Projector and screen, €30 per day", "€30"),
    ("Bike repair workshop, $20 per bike", "$20"),
    ("Tickets 20 USD each", "20 USD"),
    # Rates without a currency
    ("Korepetycje z matematyki, 40 za godzinę", "40 za godzinę"),
    ("Tutoring, 20 per hour", "20 per hour"),
    ("Opieka nad dziećmi 35/h", "35/h"),
    # Polish money words
    ("Cena do uzgodnienia", "Cena"),
    ("Podajcie proszę cenę za wynajem", "cenę"),
    ("Ceny w PLN", "Ceny"),
    ("Dostępne w atrakcyjnej cenie", "cenie"),
    ("Cennik na stronie", "Cennik"),
    ("Sala dostępna za opłatą", "za opłatą"),
    ("Za niewielką opłatą przygotujemy poczęstunek", "Za niewielką opłatą"),
    ("Oplata za korzystanie z sali: do uzgodnienia", "Oplata"),
    ("Wysokość opłaty zależy od liczby godzin", "opłaty"),
    ("Udostępnimy boisko po wniesieniu opłat", "opłat"),
    ("Sala z nagłośnieniem bez dodatkowych opłat", "opłat"),
    ("Zajęcia są płatne", "płatne"),
    ("Zajecia sa platne", "platne"),
    ("Usługa płatna z góry", "płatna"),
    ("Prowadzimy szkolenia odpłatnie", "odpłatnie"),
    ("Możliwa dopłata do biletów", "dopłata"),
    ("Zapłacimy za pomoc przy przeprowadzce", "Zapłacimy"),
    ("Płacimy gotówką", "Płacimy"),
    ("Szukamy grafika, wynagrodzenie do uzgodnienia", "wynagrodzenie"),
    ("Prowadzący z wynagrodzeniem", "wynagrodzeniem"),
    ("Pensja zgodnie z umową", "Pensja"),
    ("Honorarium dla prelegenta", "Honorarium"),
    ("Stawka godzinowa do ustalenia", "Stawka godzinowa"),
    ("Wystawimy fakturę", "fakturę"),
    ("Rozliczenie fakturą VAT", "fakturą"),
    ("Płatność przelewem", "Płatność"),
    ("Rozliczenie przelewem na konto", "przelewem"),
    ("Sprzedam stoły i krzesła", "Sprzedam"),
    ("Meble szkolne na sprzedaż", "sprzedaż"),
    ("Kupię używany laptop dla świetlicy", "Kupię"),
    ("Kupie uzywany laptop", "Kupie"),
    ("Cena do negocjacji", "Cena"),
    ("Warunki do negocjacji", "do negocjacji"),
    ("Zbieramy pieniądze na remont", "pieniądze"),
    ("Za symboliczną złotówkę", "złotówkę"),
    ("Wynajmiemy salę weselną", "Wynajmiemy"),
    # English
    ("Price on request", "Price"),
    ("A small fee covers the cleaning", "fee"),
    ("Registration fees apply", "fees"),
    ("This is a paid workshop", "paid"),
    ("Payment in advance", "Payment"),
    ("We will pay for the venue", "pay"),
    ("Salary negotiable", "Salary"),
    ("We offer a fair wage", "wage"),
    ("We will send an invoice", "invoice"),
    ("Old computers for sale", "for sale"),
    ("We sell furniture", "sell"),
    ("Cost per hour to be agreed", "Cost per hour"),
    ("Parking is charged separately", "charged"),
    ("We'll buy your old books", "buy"),
    # Whatever comes first is quoted
    ("Cena: 50 zł", "Cena"),
    ("Za opłatą 50 zł", "Za opłatą"),
    ("Wynajem auli 1 200 PLN", "Wynajem"),
    ("Projector rental €30 per day", "rental"),
]

PASSING = [
    # Library
    "Udostępnimy salę konferencyjną na 80 osób z rzutnikiem, bezpłatnie, w soboty 10:00–14:00",
    "Biblioteka Miejska, ul. Kościuszki 15, 83-110 Tczew, tel. +48 58 531 00 00",
    "Pracownia komputerowa na 20 stanowisk, 3 × 2 godziny w tygodniu",
    "Bibliotekarka poprowadzi 2 lekcje czytelnicze dla przedszkolaków, nieodpłatnie",
    "Oferujemy rzutnik, ekran i nagłośnienie na czas wydarzenia",
    # School
    "Potrzebujemy 2 wolontariuszy do pomocy przy festynie 15.06.2026",
    "Szkoła Podstawowa nr 3 udostępni salę gimnastyczną bez opłat",
    "Uczniowie klasy 7b przygotują przedstawienie na scenie domu kultury",
    "Zajęcia plastyczne dla 3 gr. dzieci w wieku 6–9 lat",
    "Cenimy współpracę z lokalnymi organizacjami, to dla nas cenne doświadczenie",
    "Nasi uczniowie zdobyli 2 złote medale; chętnie poprowadzą pokaz",
    # NGO
    "Wolontariat przy zbiórce żywności, 12.12.2026 od 9:00",
    "Stowarzyszenie poprowadzi warsztaty za darmo, bez żadnych opłat",
    "Potrzebujemy promocji w mediach społecznościowych naszego festynu",
    "Spotkanie opłatkowe dla seniorów, przyniesiemy opłatek i kolędy",
    "Wolontariusze pomogą seniorom w robieniu zakupów",
    "Pomożemy seniorom kupić leki w aptece",
    "Zwrot kosztów dojazdu wolontariuszy mile widziany",
    "Uszyjemy 50 koszulek z logo i koszyk na dary; kosz na śmieci mamy",
    "Nie pobieramy żadnych opłat za udział",
    "Współpraca się opłaca – zapraszamy do giełdy",
    "Posadzimy kwiaty na placu zabaw przy placówce",
    "Pracujemy bez wynagrodzenia, jako wolontariusze",
    "Przykładamy dużą wagę do bezpieczeństwa dzieci",
    "Termin do negocjacji, najlepiej w weekend",
    "Bardzo cenię pomoc naszych partnerów",
    "Wymiana bez pieniędzy, w duchu dobrosąsiedzkim",
    "Projekt dofinansowany ze środków Gminy Tczew w 2026 roku",
    "Zapewnimy płatki śniadaniowe i mleko na piknik",
    # Fire brigade
    "OSP Gniew pokaże 2 wozy strażackie i przeprowadzi pokaz pierwszej pomocy 3 × 45 minut",
    "Druhowie OSP zabezpieczą festyn 20.06.2026 w godzinach 10:00–18:00",
    # Municipal office
    "Urząd Gminy udostępni 100 krzeseł i 20 stołów na piknik rodzinny",
    "Sala ślubna w ratuszu, dostępna bezpłatnie w dni robocze",
    # Business and bank
    "Bank Spółdzielczy poprowadzi warsztaty z budżetu domowego dla 30 seniorów",
    "Firma transportowa zapewni bus na 19 osób, 1 kurs w obie strony",
    "Drukarnia wydrukuje 500 ulotek A5 i 20 plakatów B2",
    "Sklep wyśle 2 sprzedawców do pomocy przy kiermaszu",
    "Nasza księgowa doradzi w sprawach kadr i płac, także payroll",
    # English
    "We can lend a projector and a screen free of charge",
    "No fee, no hidden costs: just bring your team",
    "Unpaid volunteers will help with the charity run",
    "The teacher in charge will meet you at 10:00",
    "Please pay attention to the safety rules",
    "We would love to pay it forward and help another NGO",
    "Our team gives feedback on grant applications, priceless advice",
    "Volunteers are not paid; everything is done for free",
    "Kupić czas dla rodziców: opieka nad dziećmi w soboty",
]


@pytest.mark.parametrize(("text", "fragment"), FLAGGED, ids=[t for t, _ in FLAGGED])
def test_flags_money_and_quotes_the_fragment(text, fragment):
    assert find_money(text) == fragment


@pytest.mark.parametrize("text", PASSING)
def test_lets_exchange_texts_through(text):
    assert find_money(text) is None


@pytest.mark.parametrize("text", ["", "   "])
def test_empty_text_has_no_money(text):
    assert find_money(text) is None


def test_fragment_lines_up_after_many_letters_without_a_decomposition():
    text = "Łódź, Łęczyca, Łomża i Bełchatów: wyłącznie za opłatą łączną 40 zł"
    assert find_money(text) == "za opłatą"


def test_fragment_lines_up_after_letters_that_expand_or_vanish():
    text = "Straße ﬁt ½ " + unicodedata.normalize("NFD", "ÉÉ Wiosna, ") + "płatne"
    assert find_money(text) == "płatne"


def test_a_decomposed_accent_stays_with_its_letter():
    text = unicodedata.normalize("NFD", "Usługa jest płatna")
    assert find_money(text) == unicodedata.normalize("NFD", "płatna")


def test_upper_case_without_diacritics():
    assert find_money("SALA ZA OPLATA, 50 ZL") == "ZA OPLATA"
