"""Synthetic, deterministic Polish-like data for the marketplace benchmark.

    .venv/bin/python bench/generate.py --url sqlite:////tmp/bench.sqlite3 [--listings 100000]
    .venv/bin/python bench/generate.py --url postgresql://postgres@127.0.0.1:5432/bench

The schema comes from the real migrations (flask_migrate.upgrade on a fresh database), so the
FTS5 table and its triggers (SQLite) and the GIN expression index (PostgreSQL) are the ones
the app gets. Rows go in through SQLAlchemy Core in batches; `search_text` is computed with
exchange.infra.textsearch.index_text exactly as exchange.core.listings does.

A table `bench_meta` (outside the app's schema) records what was generated: the sizes, the
seed, and fingerprints of this file, of exchange/infra/textsearch.py and of the migrations. When
they all match, the data is reused instead of generated again.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# The same "now" as the test suite: generated data does not depend on the day it is made.
NOW = datetime(2026, 11, 21, 12, 0, tzinfo=timezone.utc)
DEFAULT_LISTINGS = 100_000
DEFAULT_ORGANIZATIONS = 2_000
DEFAULT_SEED = 2026
BATCH = 5_000

# ---------------------------------------------------------------------------------------------
# Vocabulary. Every phrase carries the grammatical case its templates need.
# ---------------------------------------------------------------------------------------------

# (name, "w …" locative phrase, weight, latitude, longitude): municipalities of Pomerania.
MUNICIPALITIES = [
    ("Gdańsk", "w Gdańsku", 20, 54.352, 18.646), ("Gdynia", "w Gdyni", 12, 54.518, 18.531),
    ("Słupsk", "w Słupsku", 7, 54.464, 17.029), ("Tczew", "w Tczewie", 6, 54.092, 18.778),
    ("Starogard Gdański", "w Starogardzie Gdańskim", 5, 53.966, 18.530),
    ("Wejherowo", "w Wejherowie", 5, 54.605, 18.236), ("Rumia", "w Rumi", 4, 54.571, 18.387),
    ("Sopot", "w Sopocie", 4, 54.442, 18.560), ("Chojnice", "w Chojnicach", 4, 53.697, 17.557),
    ("Malbork", "w Malborku", 4, 54.036, 19.038), ("Kwidzyn", "w Kwidzynie", 4, 53.731, 18.931),
    ("Lębork", "w Lęborku", 3, 54.539, 17.750),
    ("Pruszcz Gdański", "w Pruszczu Gdańskim", 3, 54.262, 18.636),
    ("Reda", "w Redzie", 3, 54.605, 18.349), ("Kościerzyna", "w Kościerzynie", 3, 54.122, 17.981),
    ("Bytów", "w Bytowie", 2, 54.171, 17.492), ("Kartuzy", "w Kartuzach", 2, 54.334, 18.197),
    ("Człuchów", "w Człuchowie", 2, 53.664, 17.359), ("Ustka", "w Ustce", 2, 54.580, 16.862),
    ("Żukowo", "w Żukowie", 2, 54.341, 18.365), ("Puck", "w Pucku", 2, 54.718, 18.408),
    ("Sztum", "w Sztumie", 1.5, 53.921, 19.031), ("Pelplin", "w Pelplinie", 1.5, 53.931, 18.697),
    ("Gniew", "w Gniewie", 1, 53.836, 18.824), ("Skarszewy", "w Skarszewach", 1, 54.070, 18.445),
    ("Kolbudy", "w Kolbudach", 1, 54.267, 18.464),
    ("Pszczółki", "w Pszczółkach", 1, 54.171, 18.699),
    ("Subkowy", "w Subkowach", 1, 54.001, 18.771),
    ("Nowy Dwór Gdański", "w Nowym Dworze Gdańskim", 1, 54.212, 19.118),
    ("Władysławowo", "we Władysławowie", 1, 54.791, 18.401), ("Łeba", "w Łebie", 1, 54.760, 17.556),
    ("Czersk", "w Czersku", 1, 53.796, 17.978), ("Miastko", "w Miastku", 1, 54.003, 16.983),
    ("Brusy", "w Brusach", 1, 53.884, 17.718),
]

SECTORS = [("public", 20), ("ngo", 45), ("business", 15), ("informal", 12), ("individual", 8)]

NICE_NAMES = ["Razem dla Kociewia", "Pomorskie Inicjatywy", "Zielony Zakątek", "Promyk",
              "Kaszubska Wspólnota", "Nadzieja", "Nowe Horyzonty", "Otwarte Drzwi",
              "Bursztynowy Szlak", "Sąsiedzi", "Morze Możliwości", "Tęcza", "Dobry Start",
              "Żuławskie Korzenie", "Wspólna Sprawa", "Kociewskie Serce", "Przystań", "Iskierka",
              "Słoneczko", "Wrzos", "Pod Dębem", "Latarnia", "Żagiel", "Mewa", "Kormoran"]
FIRST_NAMES = ["Anna", "Katarzyna", "Małgorzata", "Agnieszka", "Barbara", "Ewa", "Krystyna",
               "Magdalena", "Joanna", "Zofia", "Piotr", "Krzysztof", "Andrzej", "Tomasz", "Paweł",
               "Michał", "Marcin", "Łukasz", "Grzegorz", "Józef", "Wojciech", "Jakub"]
LAST_NAMES = ["Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kowalczyk", "Kamiński", "Lewandowski",
              "Zieliński", "Szymański", "Woźniak", "Dąbrowski", "Kozłowski", "Jankowski", "Mazur",
              "Kwiatkowski", "Krawczyk", "Piotrowski", "Grabowski", "Zając", "Pawłowski",
              "Formela", "Kreft", "Labuda", "Bigus", "Szulc", "Konkel", "Gruchała"]
STREETS = ["Długiej", "Kościuszki", "Mickiewicza", "Polnej", "Ogrodowej", "Kwiatowej", "Leśnej",
           "Morskiej", "Kaszubskiej", "Słonecznej", "Szkolnej", "Lipowej", "Wiejskiej"]

# Events: (accusative after "na", genitive, locative after "przy").
EVENTS = [
    ("festyn rodzinny", "festynu rodzinnego", "festynie rodzinnym"),
    ("piknik sąsiedzki", "pikniku sąsiedzkiego", "pikniku sąsiedzkim"),
    ("dożynki gminne", "dożynek gminnych", "dożynkach gminnych"),
    ("koncert charytatywny", "koncertu charytatywnego", "koncercie charytatywnym"),
    ("turniej piłkarski", "turnieju piłkarskiego", "turnieju piłkarskim"),
    ("jarmark świąteczny", "jarmarku świątecznego", "jarmarku świątecznym"),
    ("bieg charytatywny", "biegu charytatywnego", "biegu charytatywnym"),
    ("spotkanie autorskie", "spotkania autorskiego", "spotkaniu autorskim"),
    ("konferencję", "konferencji", "konferencji"),
    ("warsztaty rodzinne", "warsztatów rodzinnych", "warsztatach rodzinnych"),
    ("zebranie członków", "zebrania członków", "zebraniu członków"),
    ("wigilię dla seniorów", "wigilii dla seniorów", "wigilii dla seniorów"),
    ("Dzień Dziecka", "Dnia Dziecka", "Dniu Dziecka"),
    ("noc bibliotek", "nocy bibliotek", "nocy bibliotek"),
    ("rajd rowerowy", "rajdu rowerowego", "rajdzie rowerowym"),
    ("zlot harcerski", "zlotu harcerskiego", "zlocie harcerskim"),
    ("kiermasz książek", "kiermaszu książek", "kiermaszu książek"),
    ("dzień otwarty", "dnia otwartego", "dniu otwartym"),
    ("zawody strażackie", "zawodów strażackich", "zawodach strażackich"),
    ("Noc Świętojańską", "Nocy Świętojańskiej", "Nocy Świętojańskiej"),
]
# Equipment: (nominative, accusative, genitive, weight). Kayaks are the rare item.
ITEMS = [
    ("namiot imprezowy", "namiot imprezowy", "namiotu imprezowego", 10),
    ("nagłośnienie plenerowe", "nagłośnienie plenerowe", "nagłośnienia plenerowego", 8),
    ("rzutnik multimedialny", "rzutnik multimedialny", "rzutnika multimedialnego", 8),
    ("ekran projekcyjny", "ekran projekcyjny", "ekranu projekcyjnego", 5),
    ("stoły i ławki biesiadne", "stoły i ławki biesiadne", "stołów i ławek biesiadnych", 9),
    ("agregat prądotwórczy", "agregat prądotwórczy", "agregatu prądotwórczego", 4),
    ("kajaki z wiosłami", "kajaki z wiosłami", "kajaków z wiosłami", 1),
    ("rowery trekkingowe", "rowery trekkingowe", "rowerów trekkingowych", 2),
    ("scena mobilna", "scenę mobilną", "sceny mobilnej", 4),
    ("krzesła konferencyjne", "krzesła konferencyjne", "krzeseł konferencyjnych", 6),
    ("grill gazowy", "grill gazowy", "grilla gazowego", 4),
    ("warnik do wody", "warnik do wody", "warnika do wody", 4),
    ("przyczepka samochodowa", "przyczepkę samochodową", "przyczepki samochodowej", 3),
    ("sztalugi malarskie", "sztalugi malarskie", "sztalug malarskich", 2),
    ("aparat fotograficzny", "aparat fotograficzny", "aparatu fotograficznego", 3),
    ("drukarka 3D", "drukarkę 3D", "drukarki 3D", 2),
    ("mikrofony bezprzewodowe", "mikrofony bezprzewodowe", "mikrofonów bezprzewodowych", 5),
    ("oświetlenie sceniczne", "oświetlenie sceniczne", "oświetlenia scenicznego", 3),
    ("dmuchany zamek dla dzieci", "dmuchany zamek dla dzieci", "dmuchanego zamku dla dzieci", 3),
    ("kosiarka spalinowa", "kosiarkę spalinową", "kosiarki spalinowej", 2),
]
# Tasks for volunteers: (genitive after "do", locative after "przy"/"w").
TASKS = [
    ("sprzątania lasu", "sprzątaniu lasu"), ("zbiórki żywności", "zbiórce żywności"),
    ("malowania świetlicy", "malowaniu świetlicy"), ("opieki nad dziećmi", "opiece nad dziećmi"),
    ("obsługi punktu informacyjnego", "obsłudze punktu informacyjnego"),
    ("rozstawiania namiotów", "rozstawianiu namiotów"),
    ("prowadzenia zajęć z seniorami", "prowadzeniu zajęć z seniorami"),
    ("korepetycji dla dzieci", "korepetycjach dla dzieci"),
    ("zakupów dla seniorów", "zakupach dla seniorów"), ("sadzenia drzew", "sadzeniu drzew"),
]
# Audiences, genitive after "dla".
AUDIENCES = ["seniorów", "nauczycieli", "wolontariuszy", "rodziców", "młodzieży", "dzieci",
             "pracowników socjalnych", "strażaków ochotników", "opiekunów kolonijnych",
             "osób z niepełnosprawnościami", "mieszkańców wsi", "członków stowarzyszeń"]
# Training topics, genitive after "z".
TOPICS = ["pierwszej pomocy", "obsługi smartfona", "fotografii", "rękodzieła",
          "pisania projektów", "mediów społecznościowych", "ochrony danych osobowych",
          "komunikacji bez przemocy", "autoprezentacji", "ceramiki", "haftu kaszubskiego",
          "bezpieczeństwa w sieci", "udzielania pierwszej pomocy przedmedycznej",
          "prowadzenia księgowości stowarzyszenia", "zarządzania wolontariuszami"]
# Places, (locative after "w", genitive).
PLACES = [("bibliotece", "biblioteki"), ("urzędzie gminy", "urzędu gminy"),
          ("ośrodku kultury", "ośrodka kultury"), ("szkole", "szkoły"),
          ("przychodni", "przychodni"), ("świetlicy", "świetlicy"),
          ("remizie strażackiej", "remizy strażackiej"), ("domu parafialnym", "domu parafialnego"),
          ("centrum handlowym", "centrum handlowego"), ("klubie seniora", "klubu seniora")]
# Groups, genitive.
ENSEMBLES = ["chóru parafialnego", "zespołu ludowego", "orkiestry dętej", "kapeli podwórkowej",
             "teatru amatorskiego", "zespołu tańca kaszubskiego", "zespołu rockowego"]
ORG_TYPES = ["stowarzyszenia", "fundacji", "koła gospodyń wiejskich", "klubu sportowego",
             "parafii", "szkoły", "biblioteki", "ochotniczej straży pożarnej"]
CITIES = ["Gdańska", "Gdyni", "Warszawy", "Torunia", "Malborka", "Słupska", "Bydgoszczy",
          "Olsztyna", "Elbląga"]
# Cargo: (accusative, genitive).
CARGO = [("meble", "mebli"), ("sprzęt nagłośnieniowy", "sprzętu nagłośnieniowego"),
         ("dary ze zbiórki", "darów ze zbiórki"), ("stoły i krzesła", "stołów i krzeseł"),
         ("paczki świąteczne", "paczek świątecznych"), ("instrumenty muzyczne",
                                                         "instrumentów muzycznych")]
# Things given away: (accusative, genitive).
THINGS = [("książki dla dzieci", "książek dla dzieci"), ("ubrania dla niemowląt",
                                                          "ubrań dla niemowląt"),
          ("meble biurowe", "mebli biurowych"), ("zabawki", "zabawek"),
          ("gry planszowe", "gier planszowych"), ("sadzonki kwiatów", "sadzonek kwiatów"),
          ("materiały plastyczne", "materiałów plastycznych"),
          ("nadwyżki żywności", "nadwyżek żywności"), ("karmę dla zwierząt", "karmy dla zwierząt"),
          ("włóczkę na robótki", "włóczki na robótki")]
ROOM_ADJ = ["konferencyjną", "szkoleniową", "widowiskową", "gimnastyczną", "bankietową",
            "wielofunkcyjną", "taneczną"]
ROOM_EXTRAS = [" z rzutnikiem", " z nagłośnieniem", " z ekranem i rzutnikiem",
               " z dostępem do internetu", " z zapleczem kuchennym", "", "", ""]
WHEN = ["w weekendy", "w dni powszednie", "po godzinie 16", "w wakacje", "w ferie zimowe",
        "w soboty", "od poniedziałku do piątku", "wieczorami"]
MONTHS = ["w styczniu", "w lutym", "w marcu", "w kwietniu", "w maju", "w czerwcu", "w lipcu",
          "w sierpniu", "we wrześniu", "w październiku", "w listopadzie", "w grudniu"]
WHO = ["z liceum", "z klubu seniora", "z drużyny harcerskiej", "z naszej firmy",
       "z uniwersytetu trzeciego wieku", "z parafii", "z technikum"]
AREAS = ["prawa stowarzyszeń", "ochrony danych osobowych", "pisania wniosków o dotacje",
         "księgowości organizacji pozarządowych", "marketingu", "grafiki i składu",
         "psychologii", "dietetyki", "ogrodnictwa", "budownictwa", "fotografii ślubnej",
         "tłumaczeń z języka niemieckiego", "języka kaszubskiego", "historii regionu"]
CONTRIBUTIONS = ["zwrot kosztów dojazdu", "zwrot kosztów paliwa",
                 "materiały we własnym zakresie", "zwrot kosztów materiałów"]

# Titles per category and kind. Fields: {n} people, {n_seats}, {m} municipality, {m_loc},
# event_acc/event_gen/event_loc, item_nom/item_acc/item_gen, task_gen/task_loc, audience,
# topic, place_loc/place_gen, ensemble, org_type, city, cargo_acc/cargo_gen,
# thing_acc/thing_gen, room_adj, room_extra, when, month, who, area.
TITLES = {
    "rooms": {
        "offer": ["Sala konferencyjna na {n} osób{room_extra}",
                  "Udostępnimy salę {room_adj} {when}",
                  "Świetlica wiejska {m_loc} do dyspozycji {when}",
                  "Aula na {n_seats} miejsc na konferencje i koncerty",
                  "Sala gimnastyczna na zajęcia sportowe {when}",
                  "Pracownia plastyczna na zajęcia dla dzieci",
                  "Pomieszczenie na spotkania grup wsparcia {when}",
                  "Sala taneczna z lustrami i nagłośnieniem",
                  "Udostępnimy świetlicę na {event_acc}"],
        "need": ["Potrzebujemy sali na {event_acc} dla {n} osób",
                 "Szukamy świetlicy na {event_acc}",
                 "Poszukujemy pomieszczenia na próby {ensemble}",
                 "Sala na {event_acc} {month}", "Potrzebna sala konferencyjna {month}",
                 "Szukamy miejsca na {event_acc} {m_loc}"],
    },
    "computer_labs": {
        "offer": ["Udostępnimy pracownię komputerową z {n_pc} stanowiskami",
                  "Pracownia komputerowa {when} – {n_pc} stanowisk",
                  "Sala komputerowa z dostępem do internetu na kursy",
                  "Laboratorium multimedialne z tabletami dla grup szkolnych",
                  "Laptopy szkolne do użyczenia na warsztaty"],
        "need": ["Potrzebujemy pracowni komputerowej na kurs dla {audience}",
                 "Szukamy sali z komputerami na warsztaty z {topic}",
                 "Pracownia komputerowa na egzamin próbny {month}",
                 "Poszukujemy laptopów na szkolenie z {topic}"],
    },
    "equipment": {
        "offer": ["Użyczymy {item_acc}", "{item_nom_cap} do użyczenia {when}",
                  "Mamy do pożyczenia {item_acc} na {event_acc}",
                  "{item_nom_cap} – użyczenie dla organizacji {m_loc}"],
        "need": ["Potrzebujemy {item_gen} na {event_acc}", "Szukamy {item_gen} {month}",
                 "Pożyczymy {item_acc} na {event_acc}", "Poszukujemy {item_gen} na kilka dni"],
    },
    "promotion": {
        "offer": ["Promocja wydarzeń w naszym newsletterze ({n_recipients} odbiorców)",
                  "Udostępnimy miejsce na plakaty w {place_loc}",
                  "Post o Waszym wydarzeniu w naszych mediach społecznościowych",
                  "Zapowiedź wydarzenia w lokalnym radiu",
                  "Ogłoszenie w gazetce parafialnej",
                  "Ekran w holu {place_gen} dla komunikatów partnerów"],
        "need": ["Szukamy partnerów do promocji {event_gen}",
                 "Potrzebujemy pomocy w promocji {event_gen}",
                 "Prosimy o udostępnienie plakatu {event_gen}",
                 "Szukamy patrona medialnego {event_gen}"],
    },
    "volunteers": {
        "offer": ["Wolontariusze do pomocy przy {event_loc}",
                  "Grupa {n_small} wolontariuszy {who} do dyspozycji",
                  "Nasi pracownicy pomogą przy {task_loc} w ramach wolontariatu",
                  "Harcerze pomogą przy {task_loc}",
                  "Wolontariusze {who} chętnie pomogą {when}"],
        "need": ["Potrzebujemy wolontariuszy do pomocy przy {event_loc}",
                 "Szukamy wolontariuszy do {task_gen}", "Wolontariusz do {task_gen} {when}",
                 "Potrzebne ręce do pracy przy {event_loc}",
                 "Szukamy wolontariuszy na {event_acc}"],
    },
    "expertise": {
        "offer": ["Porady prawne dla {org_type}", "Doradztwo w zakresie {area}",
                  "Konsultacje z {area} dla organizacji", "Pomożemy w sprawach z zakresu {area}",
                  "Mentoring dla liderów {org_type}"],
        "need": ["Szukamy eksperta z zakresu {area}", "Potrzebujemy porady z zakresu {area}",
                 "Poszukujemy konsultanta do spraw {area}",
                 "Potrzebny doradca dla {org_type}"],
    },
    "training": {
        "offer": ["Szkolenie z {topic} dla {audience}", "Warsztaty z {topic} {when}",
                  "Kurs {topic} dla {audience} {m_loc}",
                  "Poprowadzimy szkolenie z {topic}"],
        "need": ["Szukamy trenera do szkolenia z {topic} dla {audience}",
                 "Potrzebujemy szkolenia z {topic} dla {audience}",
                 "Poszukujemy prowadzącego warsztaty z {topic}",
                 "Szkolenie z {topic} dla {audience} {m_loc}"],
    },
    "catering": {
        "offer": ["Ciasta domowe na {event_acc}",
                  "Przygotujemy poczęstunek na {event_acc} dla {n} osób",
                  "Catering wegetariański na {event_acc}",
                  "Kawa i herbata dla uczestników {event_gen}",
                  "Zupa z kotła dla uczestników {event_gen}",
                  "Pierogi kaszubskie na {event_acc}"],
        "need": ["Potrzebujemy poczęstunku dla {n} osób na {event_acc}",
                 "Szukamy koła gospodyń do przygotowania ciast na {event_acc}",
                 "Poszukujemy cateringu na {event_acc} {month}",
                 "Napoje i przekąski na {event_acc}"],
    },
    "transport": {
        "offer": ["Bus 9-osobowy z kierowcą {when}", "Przewieziemy {cargo_acc}",
                  "Dowóz seniorów na {event_acc}", "Autokar na {n_seats} miejsc na wycieczkę",
                  "Samochód dostawczy do przewozu {cargo_gen}"],
        "need": ["Potrzebujemy transportu {cargo_gen} na {event_acc}",
                 "Szukamy busa na wyjazd {ensemble} do {city}",
                 "Przewóz dzieci na zawody do {city}",
                 "Potrzebny transport dla {audience} na {event_acc}"],
    },
    "it_services": {
        "offer": ["Zrobimy stronę internetową dla {org_type}",
                  "Pomoc w konfiguracji komputerów i sieci Wi-Fi",
                  "Naprawa i serwis laptopów dla organizacji",
                  "Wsparcie w obsłudze systemu zapisów na zajęcia",
                  "Konfiguracja poczty i kont w chmurze dla {org_type}"],
        "need": ["Potrzebujemy strony internetowej dla {org_type}",
                 "Szukamy informatyka do naprawy komputerów",
                 "Potrzebna pomoc w konfiguracji sieci {m_loc}",
                 "Szukamy kogoś do odzyskania danych z dysku",
                 "Poszukujemy pomocy przy przeniesieniu strony {org_type}"],
    },
    "culture": {
        "offer": ["Koncert {ensemble} na {event_acc}", "Spektakl teatru amatorskiego dla dzieci",
                  "Wystawa fotografii o historii regionu do wypożyczenia",
                  "Warsztaty haftu kaszubskiego {when}",
                  "Występ zespołu tańca ludowego na {event_acc}",
                  "Wieczór poezji w {place_loc}"],
        "need": ["Szukamy zespołu na {event_acc}", "Potrzebujemy animatora zabaw na {event_acc}",
                 "Poszukujemy wystawy do galerii w {place_loc}",
                 "Szukamy muzyków na {event_acc} {month}"],
    },
    "other": {
        "offer": ["Oddamy {thing_acc}", "Miejsce na zbiórkę darów w {place_loc}",
                  "Pomoc w ogrodzie społecznym {when}", "Przekażemy {thing_acc} potrzebującym"],
        "need": ["Przyjmiemy {thing_acc}", "Potrzebujemy {thing_gen} dla {audience}",
                 "Zbieramy {thing_acc} {month}", "Szukamy {thing_gen} dla świetlicy"],
    },
}
# Sentences for descriptions: one or two from the category, two or three generic ones.
CATEGORY_SENTENCES = {
    "rooms": ["Sala jest klimatyzowana, z krzesłami dla {n} osób.",
              "Na miejscu jest zaplecze kuchenne i toalety.",
              "Klucze do odebrania w sekretariacie {place_gen}.",
              "Świetlica ma scenę i pianino.", "W sali jest rzutnik, ekran i nagłośnienie.",
              "Potrzebujemy sali z dostępem dla wózków."],
    "computer_labs": ["Komputery mają zainstalowany pakiet biurowy i przeglądarki.",
                      "Każde stanowisko ma słuchawki z mikrofonem.",
                      "Pracownia ma tablicę interaktywną.",
                      "Zajęcia poprowadzi nasz informatyk."],
    "equipment": ["Sprzęt jest sprawny i regularnie serwisowany.",
                  "Odbiór i zwrot sprzętu w ustalonym terminie.",
                  "Pokażemy, jak bezpiecznie rozstawić {item_acc}.",
                  "Sprzęt przyda się na {event_acc}."],
    "promotion": ["Nasz profil obserwuje ponad {n_recipients} osób.",
                  "Plakaty formatu A3 wieszamy na tablicy ogłoszeń.",
                  "Materiały prosimy przesłać z tygodniowym wyprzedzeniem."],
    "volunteers": ["Wolontariusze mają przeszkolenie z pierwszej pomocy.",
                   "Zapewniamy koszulki i identyfikatory.",
                   "Pomoc potrzebna jest przy {task_loc}.",
                   "Pełnoletni wolontariusze mogą też prowadzić samochód."],
    "expertise": ["Konsultacje odbywają się stacjonarnie lub online.",
                  "Doświadczenie zdobywaliśmy w pracy z organizacjami z całego Pomorza.",
                  "Pomożemy przygotować dokumenty i procedury."],
    "training": ["Uczestnicy otrzymają zaświadczenia.",
                 "Szkolenie trwa {n_hours} godzin i obejmuje ćwiczenia praktyczne.",
                 "Grupa może liczyć do {n_small} osób.",
                 "Prowadzący ma wieloletnie doświadczenie w pracy z {audience_instr}."],
    "catering": ["Ciasta pieczemy według tradycyjnych kociewskich przepisów.",
                 "Możemy przygotować potrawy bezglutenowe i wegańskie.",
                 "Przywieziemy wszystko w termosach i pojemnikach."],
    "transport": ["Kierowca ma wieloletnie doświadczenie.",
                  "Bus jest przystosowany do przewozu osób na wózkach.",
                  "Wyjazd planujemy {month}."],
    "it_services": ["Pracujemy na otwartym oprogramowaniu.",
                    "Pomagamy zdalnie albo na miejscu {m_loc}.",
                    "Przeszkolimy pracowników z obsługi systemu."],
    "culture": ["Repertuar dostosujemy do charakteru wydarzenia.",
                "Występ trwa około godziny.", "Zespół liczy {n_small} osób."],
    "other": ["Rzeczy są czyste i w dobrym stanie.", "Odbiór osobisty {m_loc}.",
              "Chętnie przekażemy wszystko jednej organizacji."],
}
GENERIC_SENTENCES = {
    "offer": ["Zapraszamy do kontaktu organizacje pozarządowe, szkoły i grupy nieformalne.",
              "Siedziba w gminie {m}.", "Termin do uzgodnienia telefonicznie lub mailowo.",
              "Chętnie nawiążemy stałą współpracę.",
              "Prosimy o zwrot w stanie niepogorszonym.",
              "W zamian chętnie przyjmiemy pomoc przy {event_loc}.", "Dostępne {when}.",
              "Budynek jest dostosowany do potrzeb osób z niepełnosprawnościami.",
              "Pierwszeństwo mają inicjatywy na rzecz {audience}.",
              "Parking dla {n_small} samochodów przy budynku.",
              "Nie pobieramy żadnych opłat.", "Szczegóły w rozmowie telefonicznej.",
              "Najlepiej napisać przez formularz w Giełdzie."],
    "need": ["Organizujemy {event_acc} dla mieszkańców gminy {m}.",
             "Wydarzenie odbędzie się {month}.",
             "W zamian oferujemy promocję partnera na plakatach i w mediach społecznościowych.",
             "Możemy odwdzięczyć się pomocą naszych wolontariuszy.",
             "Spodziewamy się około {n} uczestników.",
             "Jesteśmy małym stowarzyszeniem działającym od {year} roku.",
             "Liczy się każda pomoc!", "Odbierzemy sami {m_loc} i okolicy.",
             "Z góry dziękujemy za odzew.", "Szczegóły przekażemy telefonicznie.",
             "Prosimy o kontakt do końca miesiąca.",
             "Działamy na rzecz {audience} z naszej okolicy.",
             "Projekt realizujemy wspólnie ze szkołą i parafią."],
}
AUDIENCE_INSTR = ["seniorami", "dziećmi", "młodzieżą", "nauczycielami", "wolontariuszami",
                  "dorosłymi"]
CATEGORY_WEIGHTS = {"rooms": 12, "computer_labs": 4, "equipment": 14, "promotion": 7,
                    "volunteers": 10, "expertise": 8, "training": 9, "catering": 7,
                    "transport": 8, "it_services": 5, "culture": 9, "other": 7}
CATEGORY_UNITS = {"rooms": ["hours", "days"], "computer_labs": ["hours", "sessions"],
                  "equipment": ["pieces", "days"], "promotion": ["sessions", "other"],
                  "volunteers": ["people", "hours"], "expertise": ["hours", "sessions"],
                  "training": ["sessions", "hours"], "catering": ["people", "other"],
                  "transport": ["days", "other"], "it_services": ["hours", "other"],
                  "culture": ["sessions", "hours"], "other": ["pieces", "other"]}
STATUSES = [("open", 80), ("paused", 5), ("closed", 7), ("expired", 6), ("draft", 2)]


def _context(rng: random.Random, municipality: tuple) -> dict:
    event = rng.choice(EVENTS)
    item = rng.choices(ITEMS, weights=[i[3] for i in ITEMS])[0]
    task = rng.choice(TASKS)
    place = rng.choice(PLACES)
    cargo = rng.choice(CARGO)
    thing = rng.choice(THINGS)
    audience = rng.choice(AUDIENCES)
    return {
        "n": rng.choice([15, 20, 25, 30, 40, 50, 60, 80, 100, 120, 150]),
        "n_seats": rng.choice([45, 50, 120, 150, 200, 250, 300]),
        "n_pc": rng.choice([8, 10, 12, 15, 16, 18, 20, 25, 30]),
        "n_small": rng.choice([5, 6, 8, 10, 12, 15]),
        "n_hours": rng.choice([5, 6, 8, 10, 16]),
        "n_recipients": rng.choice([500, 800, 1200, 2000, 3500, 5000]),
        "year": rng.randint(1995, 2024),
        "m": municipality[0], "m_loc": municipality[1],
        "event_acc": event[0], "event_gen": event[1], "event_loc": event[2],
        "item_nom": item[0], "item_nom_cap": item[0][:1].upper() + item[0][1:],
        "item_acc": item[1], "item_gen": item[2],
        "task_gen": task[0], "task_loc": task[1],
        "audience": audience,
        "audience_instr": rng.choice(AUDIENCE_INSTR),
        "topic": rng.choice(TOPICS), "place_loc": place[0], "place_gen": place[1],
        "ensemble": rng.choice(ENSEMBLES), "org_type": rng.choice(ORG_TYPES),
        "city": rng.choice(CITIES), "cargo_acc": cargo[0], "cargo_gen": cargo[1],
        "thing_acc": thing[0], "thing_gen": thing[1],
        "room_adj": rng.choice(ROOM_ADJ), "room_extra": rng.choice(ROOM_EXTRAS),
        "when": rng.choice(WHEN), "month": rng.choice(MONTHS), "who": rng.choice(WHO),
        "area": rng.choice(AREAS),
    }


def listing_text(rng: random.Random, category: str, kind: str,
                 municipality: tuple) -> tuple[str, str]:
    """A (title, description) pair for a listing of CATEGORY and KIND."""
    ctx = _context(rng, municipality)
    title = rng.choice(TITLES[category][kind]).format(**ctx)
    own = rng.sample(CATEGORY_SENTENCES[category], k=rng.randint(1, 2))
    generic = rng.sample(GENERIC_SENTENCES[kind], k=rng.randint(1, 3))
    sentences = own + generic
    rng.shuffle(sentences)
    description = " ".join(s.format(**ctx) for s in sentences)
    return title, description


def organization_rows(rng: random.Random, count: int) -> list[dict]:
    weights = [m[2] for m in MUNICIPALITIES]
    rows = []
    for i in range(1, count + 1):
        muni = rng.choices(MUNICIPALITIES, weights=weights)[0]
        sector = rng.choices([s for s, _ in SECTORS], weights=[w for _, w in SECTORS])[0]
        nice = rng.choice(NICE_NAMES)
        k = rng.randint(1, 12)
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        if first.endswith("a") and last.endswith("ski"):
            last = last[:-1] + "a"
        name = rng.choice({
            "public": [f"Szkoła Podstawowa nr {k} {muni[1]}", f"Ośrodek Kultury {muni[1]}",
                       f"Biblioteka Publiczna {muni[1]}", f"Ośrodek Pomocy Społecznej {muni[1]}",
                       f"Zespół Szkół nr {k} {muni[1]}", f"Przedszkole nr {k} {muni[1]}",
                       f"Urząd Miejski {muni[1]}"],
            "ngo": [f"Fundacja „{nice}”", f"Stowarzyszenie „{nice}”",
                    f"Koło Gospodyń Wiejskich „{nice}”", f"Ochotnicza Straż Pożarna {muni[1]}",
                    f"Uczniowski Klub Sportowy „{nice}”", f"Klub Seniora „{nice}”"],
            "business": [f"Piekarnia „{nice}”", f"Bank Spółdzielczy {muni[1]}",
                         f"Drukarnia {last}", f"Hotel „{nice}”",
                         f"Przedsiębiorstwo Transportowe {last}", f"Studio Graficzne „{nice}”",
                         f"{last} Informatyka sp. z o.o."],
            "informal": [f"Grupa sąsiedzka z ulicy {rng.choice(STREETS)}",
                         f"Kapela Podwórkowa „{nice}”", f"Inicjatywa „{nice}”",
                         f"Rada Rodziców SP nr {k} {muni[1]}"],
            "individual": [f"{first} {last}"],
        }[sector])
        created = NOW - timedelta(days=rng.randint(200, 900), minutes=rng.randint(0, 1439))
        rows.append({
            "id": i, "name": name, "sector": sector, "municipality": muni[0],
            "address": f"ul. {rng.choice(STREETS)} {rng.randint(1, 120)}", "description": "",
            "website": "", "contact_name": f"{first} {last}",
            "contact_email": f"kontakt{i}@example.org", "contact_phone": "",
            "is_contact_public": rng.random() < 0.5, "is_verified": rng.random() < 0.7,
            "verified_at": None, "created_at": created, "updated_at": created,
        })
    return rows


def listing_rows(rng: random.Random, count: int, organizations: list[dict], *,
                 index_text, find_money=None):
    """Yield listing rows; `search_text` is index_text(title, description), cached per pair."""
    by_name = {m[0]: m for m in MUNICIPALITIES}
    munis = list(MUNICIPALITIES)
    categories = list(CATEGORY_WEIGHTS)
    cat_weights = list(CATEGORY_WEIGHTS.values())
    # A few organizations post a lot, most post a little (weights ~ 1/rank).
    org_weights = [1 / (rank + 5) for rank in range(len(organizations))]
    orgs = rng.choices(organizations, weights=org_weights, k=count)
    cache: dict[tuple[str, str], str] = {}
    checked: set[str] = set()
    statuses, status_weights = [s for s, _ in STATUSES], [w for _, w in STATUSES]
    for i in range(1, count + 1):
        org = orgs[i - 1]
        category = rng.choices(categories, weights=cat_weights)[0]
        kind = "offer" if rng.random() < 0.55 else "need"
        muni = by_name[org["municipality"]] if rng.random() < 0.9 else rng.choice(munis)
        title, description = listing_text(rng, category, kind, muni)
        if find_money is not None:
            for text in (title, description):
                if text not in checked:
                    checked.add(text)
                    fragment = find_money(text)
                    if fragment:
                        raise AssertionError(f"money talk {fragment!r} in {text!r}")
        key = (title, description)
        search_text = cache.get(key)
        if search_text is None:
            search_text = cache[key] = index_text(title, description)
        status = rng.choices(statuses, weights=status_weights)[0]
        if status == "expired":
            created = NOW - timedelta(days=rng.randint(190, 700))
        elif status in ("open", "draft"):
            created = NOW - timedelta(days=rng.randint(0, 175))
        else:
            created = NOW - timedelta(days=rng.randint(0, 700))
        created -= timedelta(seconds=rng.randint(0, 86_399))
        expires = (created + timedelta(days=182)).date()
        if status == "open" and rng.random() < 0.3:
            expires = NOW.date() + timedelta(days=rng.randint(1, 180))
        quantity = rng.choice([1, 1, 1, 2, 3, 5, 10, 20, 40, 100])
        remaining = quantity if status != "closed" else rng.randint(0, quantity)
        start = None
        if rng.random() < 0.4:
            start = created.date() + timedelta(days=rng.randint(0, 60))
        has_point = rng.random() < 0.5
        yield {
            "id": i, "organization_id": org["id"], "ref": None, "kind": kind,
            "category": category, "title": title, "description": description,
            "quantity": quantity, "unit": rng.choice(CATEGORY_UNITS[category]),
            "remaining": remaining, "available_from": start,
            "available_until": start + timedelta(days=rng.randint(1, 120)) if start else None,
            "municipality": muni[0],
            "latitude": round(muni[3] + rng.uniform(-0.03, 0.03), 5) if has_point else None,
            "longitude": round(muni[4] + rng.uniform(-0.05, 0.05), 5) if has_point else None,
            "expires_on": expires, "status": status,
            "cost_contribution": rng.choice(CONTRIBUTIONS) if rng.random() < 0.1 else "",
            "search_text": search_text, "created_by_id": None,
            "created_at": created, "updated_at": created,
        }


# ---------------------------------------------------------------------------------------------
# Databases: reset, migrate, fill, and the marker that allows reuse.
# ---------------------------------------------------------------------------------------------

def _digest(*paths: Path) -> str:
    h = hashlib.sha256()
    for path in paths:
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:12]


def fingerprint(listings: int, organizations: int, seed: int) -> dict:
    import simplemma
    return {
        "listings": listings, "organizations": organizations, "seed": seed,
        "generator": _digest(Path(__file__).resolve()),
        "textsearch": _digest(ROOT / "exchange" / "infra" / "textsearch.py"),
        "simplemma": getattr(simplemma, "__version__", "?"),
        "migrations": _digest(*sorted((ROOT / "migrations" / "versions").glob("*.py"))),
    }


def database_name(url: str) -> str:
    from sqlalchemy.engine import make_url
    return make_url(url).database or ""


def check_target(url: str) -> None:
    """Refuse, before connecting at all, any PostgreSQL database not named bench…: the test
    suite's database (`test`) and real ones are never touched."""
    from sqlalchemy.engine import make_url
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" and not (parsed.database or "").startswith("bench"):
        raise SystemExit(f"Refusing to use database {parsed.database!r}: the benchmark only "
                         "uses (and wipes) databases whose name starts with 'bench'.")


def reset_database(url: str) -> None:
    """Start from nothing: delete the SQLite file, or recreate PostgreSQL's public schema."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url
    check_target(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = Path(parsed.database or "")
        if not parsed.database or parsed.database == ":memory:":
            raise SystemExit("Use a SQLite file for the benchmark, not an in-memory database.")
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        return
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def read_marker(engine) -> dict | None:
    from sqlalchemy import inspect, text
    try:
        if "bench_meta" not in inspect(engine).get_table_names():
            return None
        with engine.connect() as conn:
            value = conn.execute(text("SELECT value FROM bench_meta WHERE key = 'marker'")).scalar()
        return json.loads(value) if value else None
    except Exception:  # noqa: BLE001  (no database yet, or an unreadable one: regenerate)
        return None


def _write_marker(engine, marker: dict) -> None:
    from sqlalchemy import text
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE IF NOT EXISTS bench_meta "
                          "(key VARCHAR(50) PRIMARY KEY, value TEXT NOT NULL)"))
        conn.execute(text("DELETE FROM bench_meta WHERE key = 'marker'"))
        conn.execute(text("INSERT INTO bench_meta (key, value) VALUES ('marker', :v)"),
                     {"v": json.dumps(marker)})


def generate(url: str, *, listings: int = DEFAULT_LISTINGS,
             organizations: int = DEFAULT_ORGANIZATIONS, seed: int = DEFAULT_SEED,
             log=print) -> dict:
    """Recreate the database at URL from the migrations and fill it; return the marker."""
    from flask_migrate import upgrade
    from sqlalchemy import insert, text

    from app import create_app
    from exchange.infra import textsearch
    from exchange.http.extensions import db
    from exchange.core.money import find_money
    from models import Listing, Organization

    started = time.perf_counter()
    reset_database(url)
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        upgrade()
        migrated = time.perf_counter()
        log(f"  schema from the migrations in {migrated - started:.1f} s")
        textsearch.lemma("salę")  # load simplemma's Polish data once (a few seconds)
        rng = random.Random(seed)
        orgs = organization_rows(rng, organizations)
        engine = db.engine
        with engine.begin() as conn:
            conn.execute(insert(Organization), orgs)
        rows = listing_rows(rng, listings, orgs, index_text=textsearch.index_text,
                            find_money=find_money)
        done = 0
        batch: list[dict] = []
        with engine.begin() as conn:
            for row in rows:
                batch.append(row)
                if len(batch) == BATCH:
                    conn.execute(insert(Listing), batch)
                    done += len(batch)
                    batch.clear()
                    if done % 20_000 == 0:
                        log(f"  {done:>7,} listings, {time.perf_counter() - migrated:.1f} s")
            if batch:
                conn.execute(insert(Listing), batch)
                done += len(batch)
            if engine.dialect.name == "postgresql":
                # The ids were given explicitly: move the sequences past them.
                for table in ("organization", "listing"):
                    conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                      f"(SELECT max(id) FROM {table}))"))
        loaded = time.perf_counter()
        log(f"  {done:,} listings and {len(orgs):,} organizations inserted in "
            f"{loaded - migrated:.1f} s")
        if engine.dialect.name == "postgresql":
            # Autovacuum would do this on a live server (it is off on this machine's server).
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("VACUUM ANALYZE"))
            log(f"  VACUUM ANALYZE in {time.perf_counter() - loaded:.1f} s")
        else:
            with engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        marker = {**fingerprint(listings, organizations, seed),
                  "generated_seconds": round(time.perf_counter() - started, 1),
                  "generated_at": datetime.now(timezone.utc).isoformat(timespec="seconds")}
        _write_marker(engine, marker)
        engine.dispose()
    return marker


def ensure(url: str, *, listings: int = DEFAULT_LISTINGS,
           organizations: int = DEFAULT_ORGANIZATIONS, seed: int = DEFAULT_SEED,
           force: bool = False, log=print) -> tuple[dict, bool]:
    """Reuse the data at URL when its marker matches, else generate it; (marker, generated)."""
    from sqlalchemy import create_engine
    check_target(url)
    if not force:
        engine = create_engine(url)
        try:
            marker = read_marker(engine)
        finally:
            engine.dispose()
        wanted = fingerprint(listings, organizations, seed)
        if marker and all(marker.get(k) == v for k, v in wanted.items()):
            return marker, False
        if marker:
            changed = [k for k, v in wanted.items() if marker.get(k) != v]
            log(f"  existing data differs in {', '.join(changed)}: generating again")
    return generate(url, listings=listings, organizations=organizations, seed=seed, log=log), True


def main(argv: list[str] | None = None) -> None:
    from config import normalise_database_url
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True,
                        help="sqlite:////path/file.sqlite3 or postgresql://…/bench")
    parser.add_argument("--listings", type=int, default=DEFAULT_LISTINGS)
    parser.add_argument("--organizations", type=int, default=DEFAULT_ORGANIZATIONS)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--force", action="store_true", help="generate even if the marker matches")
    args = parser.parse_args(argv)
    url = normalise_database_url(args.url)
    marker, generated = ensure(url, listings=args.listings, organizations=args.organizations,
                               seed=args.seed, force=args.force)
    print(("generated" if generated else "reused (marker matches)") + ": " + json.dumps(marker))


if __name__ == "__main__":
    main()
