"""The no-money rule: what find_money flags, the fragment it quotes, and what it lets through."""
from __future__ import annotations

import unicodedata

import pytest

from exchange.core.money import Level, MoneyWarning, Verdict, check_money, find_money, money_check, money_message

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
    ("Zajęcia są płatne", "płatne"),
    ("Zajecia sa platne", "platne"),
    ("Usługa płatna z góry", "płatna"),
    ("Prowadzimy szkolenia odpłatnie", "odpłatnie"),
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
    ("Rozliczenie przelewem na konto", "przelewem na konto"),
    ("Sprzedam stoły i krzesła", "Sprzedam"),
    ("Meble szkolne na sprzedaż", "sprzedaż"),
    ("Kupię używany laptop dla świetlicy", "Kupię"),
    ("Kupie uzywany laptop", "Kupie"),
    ("Cena do negocjacji", "Cena"),
    ("Warunki do negocjacji", "do negocjacji"),
    ("Za symboliczną złotówkę", "złotówkę"),
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
    # A certain fragment is quoted before an earlier ambiguous one
    ("Wynajem auli 1 200 PLN", "1 200 PLN"),
    ("Projector rental €30 per day", "€30"),
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


# Words that often, not always, mean money: the author confirms "this is not a payment".
AMBIGUOUS = [
    ("Wysokość opłaty zależy od liczby godzin", "opłaty"),
    ("Udostępnimy boisko po wniesieniu opłat", "opłat"),
    # Was refused: "bez dodatkowych opłat" implies a base fee, but says nothing certain.
    ("Sala z nagłośnieniem bez dodatkowych opłat", "opłat"),
    ("Możliwa dopłata do biletów", "dopłata"),
    ("Zbieramy pieniądze na remont", "pieniądze"),
    ("Wynajmiemy salę weselną", "Wynajmiemy"),
    ("Udostępnimy salę nieodpłatnie, w ramach umowy najmu gminy", "najmu"),
    ("Szukamy sponsora nagród do konkursu", "sponsora"),
    ("Pomoc w pisaniu wniosku o dotację", "dotację"),
    ("Potrzebujemy pomocy z budżetem projektu", "budżetem"),
    ("Szkolenie: bezpieczne płatności w internecie", "płatności"),
    ("Porady dla lokatorów: podwyżki czynszu", "czynszu"),
    ("Free legal help with rental disputes", "rental"),
    ("Workshop: how pocket money works", "money"),
    ("Looking for a sponsor of prizes", "sponsor"),
]

# Certain although they look like the ambiguous words, or are payments in disguise.
CERTAIN = [
    ("Lokal do wynajęcia w centrum", "do wynajęcia"),
    ("Room for rent near the station", "for rent"),
    ("Pomożemy w przeprowadzce w zamian za przelew na konto fundacji",
     "w zamian za przelew"),
    ("Oddamy meble za darowiznę na nasze konto", "darowiznę na nasze konto"),
    ("Darowizna na cel statutowy w wysokości dwustu złotych", "Darowizna na cel statutowy w wysokości"),
    ("Numer konta do wpłat podamy mailowo", "Numer konta"),
    ("Wpłaty: 12 1020 1026 0000 0102 0304 0506", "12 1020 1026 0000 0102 0304 0506"),
    ("Użyczymy sali w zamian za wpłatę na zbiórkę", "w zamian za wpłatę"),
    ("We'll lend the van in exchange for a bank transfer", "in exchange for a bank transfer"),
    ("A donation to our bank account is expected", "donation to our bank account"),
    ("Zapłać przy odbiorze", "Zapłać"),
    ("Oferujemy wynagrodzenie za prowadzenie zajęć", "wynagrodzenie"),
    ("Udostępnimy salę za symboliczną opłatą", "za symboliczną opłatą"),
    ("Drukarnia oferuje rabat 20% dla NGO", "rabat 20%"),
    ("Payment in advance by card", "Payment"),
]

# Honest texts about money or rent that pass without a word.
HONEST_PASSING = [
    "Szkolenie z budżetu domowego dla seniorów",
    "Porady prawne i finansowe dla mieszkańców",
    "Nie pobieramy czynszu ani żadnych opłat",
    "We lend our hall free of charge, no rent",
    "Kurs obsługi programu do księgowości dla stowarzyszeń",
    "Pomoc w rozliczeniu PIT dla seniorów",
]


@pytest.mark.parametrize(("text", "fragment"), AMBIGUOUS, ids=[t for t, _ in AMBIGUOUS])
def test_ambiguous_words_ask_for_a_confirmation_and_are_not_refused(text, fragment):
    assert check_money(text) == Verdict(Level.AMBIGUOUS, fragment)
    assert find_money(text) is None


@pytest.mark.parametrize(("text", "fragment"), CERTAIN, ids=[t for t, _ in CERTAIN])
def test_certain_payments_are_refused(text, fragment):
    assert check_money(text) == Verdict(Level.CERTAIN, fragment)
    assert find_money(text) == fragment


@pytest.mark.parametrize(("text", "fragment"), FLAGGED, ids=[t for t, _ in FLAGGED])
def test_every_pinned_refusal_is_certain(text, fragment):
    assert check_money(text).level is Level.CERTAIN


@pytest.mark.parametrize("text", PASSING + HONEST_PASSING)
def test_honest_texts_get_no_verdict_at_all(text):
    assert check_money(text) is None


def test_a_certain_fragment_wins_over_an_earlier_ambiguous_one():
    assert check_money("Wynajmiemy salę, cena do uzgodnienia") == Verdict(Level.CERTAIN, "cena")


def test_money_check_splits_errors_from_warnings_by_field():
    errors, warnings = money_check({"title": "Wynajem sali", "description": "Cena 50 zł",
                                    "note": "Zwykła sala", "empty": None})
    assert errors.errors == {"description": [money_message("Cena")]}
    assert warnings == [MoneyWarning("title", "Wynajem")]


def test_money_check_of_clean_fields_finds_nothing():
    errors, warnings = money_check({"title": "Sala na 40 osób", "description": ""})
    assert not errors and warnings == []
