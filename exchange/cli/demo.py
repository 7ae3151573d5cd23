"""Demo data: a fictional resource exchange in powiat tczewski, built through the core services."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from exchange.core import events
from exchange.core import privacy
from exchange.core.accounts import find_user_by_email, register_user
from exchange.core.contracts import create_contract, set_value_default, sign
from exchange.core.listings import change_status, create_listing
from exchange.core.organizations import add_member, create_organization, set_verified
from models import Listing, ListingStatus, MemberRole, Membership, Organization, Partnership, User

DEMO_PASSWORD = "wymiana-zasobow-2026"
DEMO_ADMIN_EMAIL = "admin@example.org"

DEMO_LOGINS: list[tuple[str, str]] = [
    (DEMO_ADMIN_EMAIL, "Administrator Giełdy – weryfikuje organizacje / site administrator"),
    ("biblioteka@example.org",
     "Magdalena Zielińska, właścicielka profilu biblioteki w Tczewie / public library owner"),
    ("anna.kowalska@example.org",
     "Anna Kowalska, właścicielka Fundacji „Razem dla Kociewia” / NGO owner"),
    ("piotr.lewandowski@example.org",
     "Piotr Lewandowski, członek biblioteki bez prawa podpisu / member who cannot sign"),
    ("bank@example.org",
     "Grzegorz Mazur, właściciel profilu banku spółdzielczego / business owner"),
    ("krystyna.wisniewska@example.org",
     "Krystyna Wiśniewska, graficzka i członkini klubu seniora / individual in two organizations"),
    ("kultura@example.org",
     "Katarzyna Jankowska, organizatorka dzisiejszej giełdy w Centrum Kultury / event organiser"),
    ("urzad@example.org",
     "Jan Olszewski, notariusz i makler giełdy / the event's notary and broker"),
]

USERS: dict[str, str] = {
    DEMO_ADMIN_EMAIL: "Administrator Giełdy",
    "biblioteka@example.org": "Magdalena Zielińska",
    "piotr.lewandowski@example.org": "Piotr Lewandowski",
    "kultura@example.org": "Katarzyna Jankowska",
    "szkola@example.org": "Agnieszka Wróblewska",
    "marek.pawlak@example.org": "Marek Pawlak",
    "urzad@example.org": "Jan Olszewski",
    "ops@example.org": "Barbara Kamińska",
    "tomasz.wojcik@example.org": "Tomasz Wójcik",
    "anna.kowalska@example.org": "Anna Kowalska",
    "michal.kowalczyk@example.org": "Michał Kowalczyk",
    "promyk@example.org": "Monika Grabowska",
    "lukasz.zajac@example.org": "Łukasz Zając",
    "uks@example.org": "Rafał Kaczmarek",
    "klub.seniora@example.org": "Halina Dąbrowska",
    "osp@example.org": "Krzysztof Sikora",
    "adam.baran@example.org": "Adam Baran",
    "kgw@example.org": "Teresa Malinowska",
    "bank@example.org": "Grzegorz Mazur",
    "ewa.krawczyk@example.org": "Ewa Krawczyk",
    "pawel.szymanski@example.org": "Paweł Szymański",
    "sklep@example.org": "Dorota Michalska",
    "marta.pietrzak@example.org": "Marta Pietrzak",
    "krystyna.wisniewska@example.org": "Krystyna Wiśniewska",
}

# Each entry is a profile for create_organization (which reads only the profile fields)
# plus "owner" (an email from USERS), "members" as (email, role, can_sign) and "verified".
ORGANIZATIONS: list[dict] = [
    {
        "name": "Miejska Biblioteka Publiczna w Tczewie",
        "sector": "public",
        "municipality": "Tczew",
        "address": "ul. Jana Kochanowskiego 14, 83-110 Tczew",
        "description": "Wypożyczamy książki, audiobooki i gry planszowe w centrali i trzech "
                       "filiach. Udostępniamy salę na 40 osób z rzutnikiem i pracownię "
                       "komputerową z 12 stanowiskami, a w newsletterze i na plakatach w filiach "
                       "promujemy wydarzenia partnerów.",
        "website": "https://biblioteka.tczew.example.org",
        "contact_name": "Magdalena Zielińska",
        "contact_email": "biblioteka@example.org",
        "contact_phone": "+48 58 531 24 10",
        "is_contact_public": True,
        "owner": "biblioteka@example.org",
        "members": [("piotr.lewandowski@example.org", "member", False)],
        "verified": True,
    },
    {
        "name": "Centrum Kultury „Nad Wisłą” w Tczewie",
        "sector": "public",
        "municipality": "Tczew",
        "address": "ul. Wojska Polskiego 8, 83-110 Tczew",
        "description": "Prowadzimy pracownie plastyczne, taneczne i teatralne dla dzieci i "
                       "dorosłych oraz organizujemy koncerty i festyny. Mamy salę widowiskową "
                       "na 200 miejsc, nagłośnienie, oświetlenie sceniczne i doświadczonych "
                       "instruktorów warsztatów.",
        "website": "https://kultura.tczew.example.org",
        "contact_name": "Katarzyna Jankowska",
        "contact_email": "kultura@example.org",
        "contact_phone": "+48 58 531 37 20",
        "is_contact_public": True,
        "owner": "kultura@example.org",
        "verified": True,
    },
    {
        "name": "Szkoła Podstawowa nr 3 w Pelplinie",
        "sector": "public",
        "municipality": "Pelplin",
        "address": "ul. Szkolna 5, 83-130 Pelplin",
        "description": "Uczymy 420 uczniów w klasach 1–8. Po lekcjach i w weekendy możemy "
                       "udostępnić salę gimnastyczną, pracownię komputerową i stołówkę, a "
                       "szkolny klub wolontariatu chętnie pomaga przy akcjach lokalnych.",
        "contact_name": "Agnieszka Wróblewska",
        "contact_email": "szkola@example.org",
        "contact_phone": "+48 58 536 12 05",
        "is_contact_public": False,
        # Both parties of the demo contract publish their exchanges as open data.
        "publishes_open_data": True,
        "owner": "szkola@example.org",
        "members": [("marek.pawlak@example.org", "member", True)],
        "verified": False,
    },
    {
        "name": "Urząd Gminy Subkowy",
        "sector": "public",
        "municipality": "Subkowy",
        "address": "ul. Józefa Wybickiego 19, 83-120 Subkowy",
        "description": "Wspieramy inicjatywy mieszkańców i organizacji z terenu gminy. "
                       "Udostępniamy salę konferencyjną, promujemy wydarzenia na stronie gminy "
                       "i w biuletynie oraz wypożyczamy namioty i ławki na imprezy plenerowe.",
        "website": "https://subkowy.example.org",
        "contact_name": "Jan Olszewski",
        "contact_email": "urzad@example.org",
        "contact_phone": "+48 58 536 80 11",
        "is_contact_public": True,
        "owner": "urzad@example.org",
        "verified": True,
    },
    {
        "name": "Miejsko-Gminny Ośrodek Pomocy Społecznej w Pelplinie",
        "sector": "public",
        "municipality": "Pelplin",
        "address": "ul. Kościuszki 9, 83-130 Pelplin",
        "description": "Wspieramy rodziny, seniorów i osoby z niepełnosprawnościami z gminy "
                       "Pelplin. Szukamy wolontariuszy, materiałów na zajęcia i transportu dla "
                       "podopiecznych; oferujemy wiedzę pracowników socjalnych i salę spotkań.",
        "contact_name": "Barbara Kamińska",
        "contact_email": "ops@example.org",
        "contact_phone": "+48 58 536 14 30",
        "is_contact_public": False,
        "owner": "ops@example.org",
        "members": [("tomasz.wojcik@example.org", "member", True)],
        "verified": True,
    },
    {
        "name": "Fundacja „Razem dla Kociewia”",
        "sector": "ngo",
        "municipality": "Tczew",
        "address": "ul. Gdańska 27/3, 83-110 Tczew",
        "description": "Prowadzimy projekty integracji sąsiedzkiej i edukacji obywatelskiej w "
                       "powiecie tczewskim. Mamy zespół 25 wolontariuszy, doświadczenie w "
                       "pisaniu wniosków grantowych i sprzęt do nagłośnienia małych wydarzeń.",
        "website": "https://razemdlakociewia.example.org",
        "contact_name": "Anna Kowalska",
        "contact_email": "anna.kowalska@example.org",
        "contact_phone": "+48 58 531 45 67",
        "is_contact_public": True,
        "owner": "anna.kowalska@example.org",
        "members": [("michal.kowalczyk@example.org", "owner", True)],
        "verified": True,
    },
    {
        "name": "Stowarzyszenie na rzecz Dzieci i Młodzieży „Promyk”",
        "sector": "ngo",
        "municipality": "Gniew",
        "address": "ul. Pomorska 4, 83-140 Gniew",
        "description": "Prowadzimy świetlicę środowiskową dla 35 dzieci z Gniewu. Potrzebujemy "
                       "korepetytorów, materiałów plastycznych i transportu na wycieczki, a nasi "
                       "podopieczni przygotowują występy i dekoracje na lokalne uroczystości.",
        "contact_name": "Monika Grabowska",
        "contact_email": "promyk@example.org",
        "contact_phone": "+48 58 535 22 18",
        "is_contact_public": True,
        "owner": "promyk@example.org",
        "members": [("lukasz.zajac@example.org", "member", False)],
        "verified": False,
    },
    {
        "name": "Uczniowski Klub Sportowy „Kociewiak”",
        "sector": "ngo",
        "municipality": "Tczew",
        "address": "ul. Sportowa 2, 83-110 Tczew",
        "description": "Trenujemy piłkę nożną i lekkoatletykę z ponad setką dzieci i młodzieży. "
                       "Poprowadzimy zajęcia ruchowe na festynach i w szkołach; szukamy hali na "
                       "zimowe treningi i transportu na zawody.",
        "contact_name": "Rafał Kaczmarek",
        "contact_email": "uks@example.org",
        "contact_phone": "+48 58 531 90 02",
        "is_contact_public": False,
        "owner": "uks@example.org",
        "verified": False,
    },
    {
        "name": "Klub Seniora „Złota Jesień”",
        "sector": "ngo",
        "municipality": "Morzeszczyn",
        "address": "ul. Główna 12, 83-132 Morzeszczyn",
        "description": "Spotykamy się dwa razy w tygodniu: śpiewamy w chórze, robimy na drutach "
                       "i organizujemy wycieczki. Poprowadzimy warsztaty rękodzieła i upieczemy "
                       "ciasta na wydarzenia, a szukamy kogoś, kto nauczy nas obsługi smartfonów.",
        "contact_name": "Halina Dąbrowska",
        "contact_phone": "+48 58 536 71 40",
        "is_contact_public": True,
        "owner": "klub.seniora@example.org",
        "members": [("krystyna.wisniewska@example.org", "member", False)],
        "verified": True,
    },
    {
        "name": "Ochotnicza Straż Pożarna w Subkowach",
        "sector": "ngo",
        "municipality": "Subkowy",
        "address": "ul. Tczewska 3, 83-120 Subkowy",
        "description": "Poza akcjami ratowniczymi prowadzimy pokazy pierwszej pomocy i ćwiczenia "
                       "ewakuacyjne w szkołach i firmach. Mamy remizę z salą na 80 osób i kuchnią; "
                       "szukamy pomocy w promocji naboru do młodzieżowej drużyny pożarniczej.",
        "contact_name": "Krzysztof Sikora",
        "contact_email": "osp@example.org",
        "contact_phone": "+48 58 536 80 98",
        "is_contact_public": True,
        "owner": "osp@example.org",
        "members": [("adam.baran@example.org", "member", True)],
        "verified": True,
    },
    {
        "name": "Koło Gospodyń Wiejskich „Wiślanki”",
        "sector": "ngo",
        "municipality": "Gniew",
        "address": "Opalenie 21, 83-140 Gniew",
        "description": "Gotujemy tradycyjne potrawy kociewskie i pieczemy na festyny oraz "
                       "uroczystości gminne. Przygotujemy poczęstunek dla uczestników wydarzenia "
                       "albo poprowadzimy warsztaty kulinarne.",
        "contact_name": "Teresa Malinowska",
        "contact_email": "kgw@example.org",
        "is_contact_public": False,
        "owner": "kgw@example.org",
        "verified": False,
    },
    {
        "name": "Bank Spółdzielczy Ziemi Tczewskiej",
        "sector": "business",
        "municipality": "Tczew",
        "address": "ul. Jedności Narodu 6, 83-110 Tczew",
        "description": "Lokalny bank spółdzielczy z oddziałami w Tczewie, Pelplinie i Gniewie. "
                       "W ramach wolontariatu pracowniczego nasi doradcy prowadzą warsztaty z "
                       "edukacji finansowej; udostępniamy salę szkoleniową na 30 osób i miejsce "
                       "na plakaty partnerów w oddziałach.",
        "website": "https://bs-tczew.example.org",
        "contact_name": "Grzegorz Mazur",
        "contact_email": "bank@example.org",
        "contact_phone": "+48 58 531 50 00",
        "is_contact_public": True,
        "owner": "bank@example.org",
        "members": [("ewa.krawczyk@example.org", "member", False)],
        "verified": True,
    },
    {
        "name": "Kociewie Soft sp. z o.o.",
        "sector": "business",
        "municipality": "Tczew",
        "address": "ul. Obrońców Westerplatte 11, 83-110 Tczew",
        "description": "Tworzymy oprogramowanie dla firm i samorządów. Oferujemy godziny "
                       "wolontariatu programistów: przegląd sprzętu, konfigurację sieci, pomoc "
                       "przy stronie internetowej i warsztaty programowania dla młodzieży.",
        "website": "https://kociewiesoft.example.org",
        "contact_name": "Paweł Szymański",
        "contact_email": "pawel.szymanski@example.org",
        "contact_phone": "+48 58 531 77 31",
        "is_contact_public": False,
        # Both parties of the demo contract publish their exchanges as open data.
        "publishes_open_data": True,
        "owner": "pawel.szymanski@example.org",
        "verified": False,
    },
    {
        "name": "Księgarnia i Papiernia „Kałamarz”",
        "sector": "business",
        "municipality": "Pelplin",
        "address": "Plac Mickiewicza 5, 83-130 Pelplin",
        "description": "Rodzinny sklep z książkami, artykułami biurowymi i plastycznymi. "
                       "Przekażemy materiały plastyczne na zajęcia i książki na nagrody w "
                       "konkursach, a w naszej witrynie wywiesimy plakaty lokalnych wydarzeń.",
        "contact_name": "Dorota Michalska",
        "contact_email": "sklep@example.org",
        "contact_phone": "+48 58 536 19 44",
        "is_contact_public": True,
        "owner": "sklep@example.org",
        "verified": False,
    },
    {
        "name": "Sąsiedzi z Czyżykowa",
        "sector": "informal",
        "municipality": "Tczew",
        "description": "Grupa nieformalna mieszkańców tczewskiego osiedla Czyżykowo: dbamy o "
                       "skwer i organizujemy sąsiedzkie pikniki. Mamy chętne ręce do pracy i "
                       "ogród społeczny; szukamy sprzętu ogrodniczego i miejsca na zimowe "
                       "spotkania.",
        "contact_name": "Marta Pietrzak",
        "contact_email": "marta.pietrzak@example.org",
        "is_contact_public": False,
        "owner": "marta.pietrzak@example.org",
        "verified": False,
    },
    {
        "name": "Krystyna Wiśniewska – projektowanie graficzne",
        "sector": "individual",
        "municipality": "Pelplin",
        "description": "Jestem emerytowaną graficzką z 30-letnim doświadczeniem w wydawnictwie. "
                       "Chętnie zaprojektuję plakat, ulotkę lub logo dla organizacji społecznej "
                       "albo poprowadzę warsztaty z projektowania.",
        "contact_name": "Krystyna Wiśniewska",
        "contact_email": "krystyna.wisniewska@example.org",
        "is_contact_public": False,
        "owner": "krystyna.wisniewska@example.org",
        "verified": False,
    },
]

# The demo marketplace: each organization's offers and needs, posted through create_listing.
# "by" is the posting member (default: the owner); "window" is (first, last) day of
# availability counted from the day the demo is loaded; "status" is "draft" or "paused"
# (default: open). Planted for matching:
# - pairs: library needs promotion ↔ bank newsletter; school needs a computer lab ↔ Kociewie
#   Soft's lab; seniors' club and Promyk need transport ↔ fire brigade's bus; social welfare
#   centre needs network help ↔ Kociewie Soft; sports club needs a hall ↔ school gym;
#   neighbours need a winter room ↔ library hall; the commune needs catering ↔ KGW; KGW needs
#   a poster ↔ Krystyna Wiśniewska; Promyk needs art supplies ↔ Kałamarz;
# - reciprocal: seniors' club ↔ Kociewie Soft (smartphone course / home-made cakes),
#   fire brigade ↔ school (first-aid training / promotion among parents);
# - a cycle: Centrum Kultury (sound system) → Sąsiedzi z Czyżykowa (volunteers) →
#   UKS „Kociewiak” (sports games at a festival) → Centrum Kultury.
LISTINGS: dict[str, list[dict]] = {
    "Miejska Biblioteka Publiczna w Tczewie": [
        {"kind": "offer", "category": "rooms", "quantity": 20, "unit": "hours",
         "title": "Sala na 40 osób z rzutnikiem w centrali biblioteki",
         "description": "Udostępnimy salę spotkań na parterze biblioteki: 40 krzeseł, rzutnik, "
                        "ekran i nagłośnienie. Sala jest wolna we wtorki i czwartki po godzinie "
                        "16 oraz w soboty przed południem."},
        {"kind": "need", "category": "promotion", "quantity": 6, "unit": "pieces",
         "by": "piotr.lewandowski@example.org", "window": (14, 170),
         "title": "Szukamy partnerów do promocji spotkań autorskich",
         "description": "Co miesiąc zapraszamy do biblioteki pisarzy z Pomorza. Szukamy "
                        "partnerów, którzy ogłoszą spotkania w swoich newsletterach, na stronach "
                        "albo plakatach, żeby dotrzeć do mieszkańców, którzy jeszcze do nas nie "
                        "zaglądają."},
        {"kind": "offer", "category": "computer_labs", "quantity": 30, "unit": "hours",
         "status": "paused",
         "title": "Pracownia komputerowa z 12 stanowiskami w filii na Suchostrzygach",
         "description": "W filii nr 2 mamy 12 komputerów z internetem i pakietem biurowym. "
                        "Udostępnimy pracownię grupom na kursy i warsztaty w godzinach otwarcia "
                        "filii."},
    ],
    "Centrum Kultury „Nad Wisłą” w Tczewie": [
        {"kind": "offer", "category": "equipment", "quantity": 3, "unit": "days",
         "cost_contribution": "zwrot kosztów dojazdu technika poza Tczew",
         "title": "Nagłośnienie z technikiem na plenerowe wydarzenie",
         "description": "Wypożyczymy zestaw nagłośnieniowy (dwie kolumny, mikser i trzy "
                        "mikrofony bezprzewodowe) razem z technikiem, który go rozstawi i "
                        "obsłuży. Sprzęt wystarczy na piknik lub festyn do 300 osób."},
        {"kind": "need", "category": "culture", "quantity": 5, "unit": "hours",
         "window": (150, 160),
         "title": "Animatorzy zabaw ruchowych na Dzień Dziecka nad Wisłą",
         "description": "Na Dzień Dziecka w parku nad Wisłą chcemy przygotować strefę sportową "
                        "z torem przeszkód, przeciąganiem liny i biegami. Szukamy trenerów lub "
                        "animatorów, którzy poprowadzą zabawy przez całe popołudnie."},
    ],
    "Szkoła Podstawowa nr 3 w Pelplinie": [
        {"kind": "need", "category": "computer_labs", "quantity": 1, "unit": "days",
         "window": (30, 90),
         "title": "Pracownia komputerowa na szkolny konkurs programowania",
         "description": "W naszej pracowni jest tylko 12 starszych komputerów, a na konkurs "
                        "programowania zgłosiło się 20 uczniów. Potrzebujemy sali z 20 "
                        "stanowiskami na jedną sobotę, najlepiej w Tczewie lub Pelplinie."},
        {"kind": "offer", "category": "rooms", "quantity": 40, "unit": "hours",
         "by": "marek.pawlak@example.org",
         "title": "Sala gimnastyczna wieczorami i w soboty",
         "description": "Udostępnimy pełnowymiarową salę gimnastyczną z boiskiem do siatkówki i "
                        "koszykówki oraz szatniami. Wolne terminy: od poniedziałku do piątku po "
                        "17:00 i w soboty przed południem."},
        {"kind": "need", "category": "training", "quantity": 4, "unit": "sessions",
         "title": "Szkolenie z pierwszej pomocy dla uczniów klas 7 i 8",
         "description": "Chcemy, żeby każdy starszy uczeń umiał wezwać pomoc, ułożyć "
                        "poszkodowanego w pozycji bocznej i prowadzić resuscytację. Szukamy "
                        "ratowników, którzy poprowadzą ćwiczenia z fantomem dla czterech klas."},
        {"kind": "offer", "category": "promotion", "quantity": 5, "unit": "pieces",
         "title": "Ogłosimy Wasze wydarzenie rodzicom 420 uczniów",
         "description": "Przez dziennik elektroniczny i szkolny profil w mediach społecznościowych "
                        "docieramy do rodzin z Pelplina i okolic. Chętnie ogłosimy zajęcia, "
                        "nabory i akcje organizacji działających dla dzieci i młodzieży."},
    ],
    "Urząd Gminy Subkowy": [
        {"kind": "offer", "category": "rooms", "quantity": 24, "unit": "hours",
         "title": "Sala konferencyjna na 80 osób z rzutnikiem",
         "description": "Sala w budynku urzędu ma rzutnik, ekran, nagłośnienie i dostęp do "
                        "kuchni. Udostępniamy ją organizacjom z gminy Subkowy na spotkania, "
                        "szkolenia i zebrania w dni robocze po 15:30 oraz w soboty."},
        {"kind": "need", "category": "catering", "quantity": 60, "unit": "people",
         "window": (20, 30), "expires_in": 31,
         "cost_contribution": "zwrot kosztów produktów spożywczych",
         "title": "Catering na spotkanie opłatkowe dla seniorów z gminy",
         "description": "Zapraszamy około 60 seniorów na spotkanie opłatkowe w sali urzędu. "
                        "Szukamy koła gospodyń lub innej organizacji, która przygotuje barszcz "
                        "z pierogami i domowe ciasto."},
    ],
    "Miejsko-Gminny Ośrodek Pomocy Społecznej w Pelplinie": [
        {"kind": "need", "category": "it_services", "quantity": 12, "unit": "hours",
         "by": "tomasz.wojcik@example.org", "window": (7, 60),
         "title": "Potrzebna pomoc informatyka przy konfiguracji sieci",
         "description": "Przenosimy biuro do nowej siedziby i musimy skonfigurować router, sieć "
                        "Wi-Fi dla gości i drukarkę sieciową dla ośmiu stanowisk. Szukamy kogoś, "
                        "kto poświęci nam dzień lub dwa i zostawi prostą instrukcję."},
        {"kind": "need", "category": "training", "quantity": 2, "unit": "sessions",
         "status": "draft",
         "title": "Szkolenie z pierwszej pomocy dla seniorów",
         "description": "Nasi podopieczni często mieszkają sami. Chcemy, żeby wiedzieli, jak "
                        "wezwać pomoc i co robić przy zasłabnięciu lub upadku."},
    ],
    "Fundacja „Razem dla Kociewia”": [
        {"kind": "offer", "category": "expertise", "quantity": 10, "unit": "hours",
         "by": "michal.kowalczyk@example.org",
         "title": "Pomożemy napisać wniosek grantowy",
         "description": "Mamy za sobą ponad 40 zrealizowanych projektów. Przeczytamy Wasz "
                        "pomysł, pomożemy dobrać konkurs, opisać działania i zaplanować "
                        "harmonogram oraz budżet wniosku.",
         # "budżet" may be about money: the author confirmed it is not a payment.
         "not_a_payment": True},
        {"kind": "offer", "category": "training", "quantity": 6, "unit": "sessions",
         "status": "draft",
         "title": "Warsztaty z edukacji obywatelskiej dla szkół średnich",
         "description": "Cykl sześciu spotkań o samorządzie, budżecie obywatelskim i "
                        "konsultacjach społecznych, z symulacją sesji rady gminy."},
    ],
    "Stowarzyszenie na rzecz Dzieci i Młodzieży „Promyk”": [
        {"kind": "need", "category": "transport", "quantity": 1, "unit": "days",
         "window": (40, 100),
         "title": "Transport dzieci ze świetlicy na wycieczkę do Tczewa",
         "description": "Szukamy busa lub autokaru, który zawiezie 18 dzieci i 3 opiekunów z "
                        "Gniewu do Muzeum Wisły w Tczewie i przywiezie nas z powrotem tego samego "
                        "dnia."},
        {"kind": "need", "category": "other", "quantity": 35, "unit": "pieces",
         "by": "lukasz.zajac@example.org",
         "title": "Materiały plastyczne na zajęcia w świetlicy",
         "description": "Codziennie po lekcjach przychodzi do nas 35 dzieci. Przydadzą się "
                        "bloki, farby, kredki, klej i kolorowy papier, a także włóczka i filc na "
                        "zajęcia rękodzieła."},
    ],
    "Uczniowski Klub Sportowy „Kociewiak”": [
        {"kind": "need", "category": "rooms", "quantity": 40, "unit": "hours",
         "window": (7, 130),
         "title": "Hala lub sala gimnastyczna na zimowe treningi",
         "description": "Zimą nie możemy trenować na boisku. Szukamy sali gimnastycznej lub hali "
                        "na dwa treningi w tygodniu po 90 minut dla grup dzieci w wieku 10–12 "
                        "lat."},
        {"kind": "need", "category": "volunteers", "quantity": 3, "unit": "people",
         "window": (120, 121),
         "title": "Potrzebujemy 3 wolontariuszy do pomocy przy festynie",
         "description": "Na rodzinnym festynie sportowym przy stadionie potrzebujemy trzech "
                        "osób do pomocy przy zapisach, wydawaniu wody na mecie i sprzątaniu po "
                        "zawodach."},
        {"kind": "offer", "category": "culture", "quantity": 6, "unit": "hours",
         "title": "Poprowadzimy zabawy ruchowe i gry sportowe na festynie",
         "description": "Nasi trenerzy przygotują tor przeszkód, przeciąganie liny, sztafety i "
                        "turniej piłkarski dla dzieci. Przywieziemy własny sprzęt: pachołki, "
                        "piłki i płotki."},
    ],
    "Klub Seniora „Złota Jesień”": [
        {"kind": "need", "category": "transport", "quantity": 1, "unit": "days",
         "window": (60, 150),
         "title": "Transport na wycieczkę seniorów do Pelplina",
         "description": "Chcemy zwiedzić katedrę i Muzeum Diecezjalne w Pelplinie. Szukamy "
                        "busa dla 9 osób z Morzeszczyna; dwie z nich chodzą o kulach."},
        {"kind": "need", "category": "training", "quantity": 4, "unit": "sessions",
         "by": "krystyna.wisniewska@example.org",
         "title": "Nauczcie nas obsługi smartfonów",
         "description": "Szukamy kogoś cierpliwego, kto nauczy nas robić zdjęcia, rozmawiać z "
                        "wnukami przez komunikatory wideo i bezpiecznie korzystać z internetu w "
                        "telefonie."},
        {"kind": "offer", "category": "catering", "quantity": 80, "unit": "people",
         "cost_contribution": "zwrot kosztów składników",
         "title": "Upieczemy domowe ciasta na Wasze wydarzenie",
         "description": "Upieczemy drożdżowe, sernik i szarlotkę dla maksymalnie 80 osób. "
                        "Wystarczy dać nam znać tydzień wcześniej."},
        {"kind": "offer", "category": "culture", "quantity": 3, "unit": "sessions",
         "title": "Warsztaty rękodzieła dla dzieci",
         "description": "Nauczymy dzieci robić na drutach, szydełkować i szyć ozdoby z filcu. "
                        "Przyniesiemy włóczkę i druty; potrzebujemy tylko stołów i dobrego "
                        "światła."},
    ],
    "Ochotnicza Straż Pożarna w Subkowach": [
        {"kind": "offer", "category": "transport", "quantity": 4, "unit": "days",
         "by": "adam.baran@example.org", "cost_contribution": "zwrot kosztów paliwa",
         "title": "Przewieziemy ludzi lub sprzęt busem na 9 osób",
         "description": "Nasz bus z kierowcą-druhem zawiezie grupę na wycieczkę lub zawody albo "
                        "przewiezie sprzęt na festyn w powiecie tczewskim. Najchętniej w "
                        "weekendy."},
        {"kind": "offer", "category": "training", "quantity": 6, "unit": "sessions",
         "title": "Szkolenie z pierwszej pomocy z ćwiczeniami na fantomie",
         "description": "Ratownicy naszej jednostki poprowadzą dwugodzinne zajęcia praktyczne: "
                        "resuscytacja, pozycja boczna i użycie defibrylatora AED. Program "
                        "dopasujemy do uczniów, seniorów albo pracowników."},
        {"kind": "need", "category": "promotion", "quantity": 3, "unit": "other",
         "title": "Pomóżcie nam w naborze do Młodzieżowej Drużyny Pożarniczej",
         "description": "Szukamy dziewcząt i chłopców w wieku 12–18 lat z gminy Subkowy i "
                        "okolic. Pomóżcie nam dotrzeć do młodzieży i rodziców ogłoszeniem w "
                        "szkole, na stronie albo plakatem."},
    ],
    "Koło Gospodyń Wiejskich „Wiślanki”": [
        {"kind": "offer", "category": "catering", "quantity": 100, "unit": "people",
         "cost_contribution": "zwrot kosztów produktów",
         "title": "Catering na spotkanie opłatkowe lub jubileusz",
         "description": "Przygotujemy tradycyjne kociewskie potrawy: barszcz z pierogami, "
                        "kapustę z grochem, pierniki i ciasta dla grupy do 100 osób. Przywieziemy "
                        "jedzenie w termosach i pomożemy je wydać."},
        {"kind": "need", "category": "expertise", "quantity": 2, "unit": "pieces",
         "window": (10, 90),
         "title": "Projekt plakatu i ulotki na Święto Chleba",
         "description": "Co roku organizujemy w Opaleniu Święto Chleba z wypiekami i "
                        "warsztatami. Szukamy grafika, który zaprojektuje nam plakat i ulotkę, "
                        "a najlepiej także proste logo koła."},
    ],
    "Bank Spółdzielczy Ziemi Tczewskiej": [
        {"kind": "offer", "category": "promotion", "quantity": 6, "unit": "pieces",
         "by": "ewa.krawczyk@example.org",
         "title": "Promocja wydarzeń w newsletterze banku (4000 odbiorców)",
         "description": "Raz w miesiącu wysyłamy newsletter do klientów z Tczewa, Pelplina i "
                        "Gniewu. Zamieścimy w nim zapowiedź wydarzenia organizacji społecznej ze "
                        "zdjęciem, a plakat powiesimy w trzech oddziałach."},
    ],
    "Kociewie Soft sp. z o.o.": [
        {"kind": "offer", "category": "computer_labs", "quantity": 6, "unit": "days",
         "window": (14, 180),
         "title": "Udostępnimy pracownię komputerową (20 stanowisk) w soboty",
         "description": "Nasza sala szkoleniowa ma 20 laptopów z monitorami, szybki internet i "
                        "rzutnik. W soboty udostępnimy ją szkołom i organizacjom na zajęcia, "
                        "konkursy lub kursy; na miejscu będzie nasz opiekun."},
        {"kind": "offer", "category": "it_services", "quantity": 32, "unit": "hours",
         "title": "Konfiguracja sieci i przegląd komputerów w Waszej organizacji",
         "description": "Nasi administratorzy skonfigurują router, Wi-Fi i drukarki, sprawdzą "
                        "kopie zapasowe i zaktualizują oprogramowanie. To wolontariat "
                        "pracowniczy: do 16 godzin dla jednej organizacji."},
        {"kind": "offer", "category": "training", "quantity": 4, "unit": "sessions",
         "title": "Kurs obsługi smartfona dla seniorów",
         "description": "Nasi programiści poprowadzą cztery spotkania w małych grupach: aparat, "
                        "komunikatory, mapy i bezpieczny internet. Przyjedziemy do klubu seniora "
                        "lub biblioteki w powiecie."},
        {"kind": "need", "category": "catering", "quantity": 70, "unit": "people",
         "window": (90, 200), "expires_in": 200,
         "title": "Domowe ciasta na firmowy piknik rodzinny",
         "description": "Na piknik dla pracowników i ich rodzin (około 70 osób) szukamy domowych "
                        "wypieków. Chętnie odwdzięczymy się godzinami pracy naszych "
                        "informatyków."},
    ],
    "Księgarnia i Papiernia „Kałamarz”": [
        {"kind": "offer", "category": "other", "quantity": 40, "unit": "pieces",
         "title": "Przekażemy materiały plastyczne na zajęcia dla dzieci",
         "description": "Mamy zapas bloków, farb, kredek i kolorowego papieru z końcówek serii. "
                        "Przygotujemy paczki dla świetlic i szkół z powiatu; odbiór w księgarni w "
                        "Pelplinie."},
    ],
    "Sąsiedzi z Czyżykowa": [
        {"kind": "need", "category": "equipment", "quantity": 1, "unit": "days",
         "window": (100, 100),
         "title": "Nagłośnienie na sąsiedzki piknik na skwerze",
         "description": "Na piknik na skwerze przyjdzie około 150 sąsiadów. Potrzebujemy "
                        "kolumn, mikrofonu i kogoś, kto pomoże je podłączyć, na jedno sobotnie "
                        "popołudnie."},
        {"kind": "offer", "category": "volunteers", "quantity": 10, "unit": "people",
         "title": "Chętne ręce do pomocy przy Waszym wydarzeniu w Tczewie",
         "description": "Kilkanaście osób z osiedla pomoże przy rozstawianiu namiotów, obsłudze "
                        "punktu z wodą i sprzątaniu po imprezie. Dajcie znać z tygodniowym "
                        "wyprzedzeniem."},
        {"kind": "need", "category": "rooms", "quantity": 5, "unit": "sessions",
         "window": (10, 130),
         "title": "Miejsce na zimowe spotkania sąsiedzkie",
         "description": "Zimą nie możemy spotykać się w ogrodzie społecznym. Szukamy sali dla "
                        "około 20 osób na Czyżykowie lub w centrum Tczewa, raz w miesiącu w "
                        "czwartek wieczorem."},
    ],
    "Krystyna Wiśniewska – projektowanie graficzne": [
        {"kind": "offer", "category": "expertise", "quantity": 5, "unit": "pieces",
         "title": "Zaprojektuję plakat, ulotkę lub logo dla organizacji",
         "description": "Przez 30 lat projektowałam okładki i plakaty w wydawnictwie. Chętnie "
                        "przygotuję materiały promocyjne dla organizacji społecznej, razem z "
                        "plikami gotowymi do druku."},
    ],
}


def load_demo_data(session: Session, now: datetime) -> bool:
    """Load the demo county once; return False (changing nothing) when it is already there."""
    if find_user_by_email(session, DEMO_ADMIN_EMAIL) is not None:
        return False
    users = {email: register_user(session, email=email, name=name, password=DEMO_PASSWORD,
                                  locale="pl", now=now)
             for email, name in USERS.items()}
    admin = users[DEMO_ADMIN_EMAIL]
    admin.is_admin = True
    # A fresh install has a privacy notice; the demo people accepted it when registering.
    notice = privacy.publish_notice(session, admin, text_pl=privacy.DEFAULT_TEXT_PL,
                                    text_en=privacy.DEFAULT_TEXT_EN, based_on=None, now=now)
    for user in users.values():
        privacy.record_consent(session, user, notice.version, now)
    orgs: dict[str, tuple[Organization, User]] = {}
    for entry in ORGANIZATIONS:
        owner = users[entry["owner"]]
        org = create_organization(session, owner, entry, now)
        orgs[entry["name"]] = (org, owner)
        for email, role, can_sign in entry.get("members", ()):
            add_member(session, owner, org.id, email=email, role=role, can_sign=can_sign, now=now)
        if entry["verified"]:
            set_verified(session, admin, org.id, verified=True, now=now)
    for name, items in LISTINGS.items():
        org, owner = orgs[name]
        for item in items:
            author = users[item["by"]] if "by" in item else owner
            listing = create_listing(session, author, org.id, _listing_data(item, now.date()),
                                     now, publish=item.get("status") != "draft")
            if item.get("status") == "paused":
                change_status(session, author, org.id, listing.id, "pause", now)
    session.flush()
    for category, unit, value in VALUE_DEFAULTS:
        set_value_default(session, admin, category, unit, value, now)
    _signed_contract(session, now)
    _exchange_event(session, users, now)
    _partnership(session, users, now)
    _partnership_meetings(session, users, now)
    _partnership_contacts(session, users, now)
    _partnership_plan(session, users, now)
    _partnership_recommendations(session, users, now)
    _partnership_declaration(session, users, now)
    return True


def _partnership_declaration(session: Session, users: dict[str, User], now: datetime) -> None:
    """The partners' declaration: drawn up by the coordinator from what each partner brings
    and signed by the three; the partnership counts as formalised by a declaration."""
    from exchange.core import contracts
    from exchange.core.partnerships import prepare_declaration

    partnership = session.scalar(select(Partnership))
    contract = prepare_declaration(session, users["piotr.lewandowski@example.org"],
                                   partnership.id, now)
    for member in partnership.current_members:
        signer = next(m.user for m in member.organization.memberships if m.can_sign)
        contracts.sign(session, signer, member.organization_id, contract.id, now,
                       recent_login=True)


def _partnership_recommendations(session: Session, users: dict[str, User],
                                 now: datetime) -> None:
    """The year's recommendations to the local authority, begun by the school and added to
    by the bank: the report shows the text and its two saved versions."""
    from exchange.core.partnerships import report

    partnership = session.scalar(select(Partnership))
    year = report.local_year(now)
    first = ("1. Dyżury pomocy cyfrowej w bibliotece także w soboty.\n"
             "2. Internet w świetlicach wiejskich gminy Subkowy.")
    report.write_recommendations(session, users["szkola@example.org"], partnership.id, year,
                                 {"text": first, "base": 0}, now)
    report.write_recommendations(session, users["bank@example.org"], partnership.id, year, {
        "text": first + "\n3. Wspólna kampania przeciw oszustwom „na wnuczka” w sieci.",
        "base": 1}, now)


def _partnership(session: Session, users: dict[str, User], now: datetime) -> None:
    """A public local partnership led by the library, coordinated by its librarian, with the
    school and the bank as partners: the page shows two sectors and asks for a social partner.
    An association's invitation is pending."""
    from exchange.core import partnerships

    library = session.scalar(select(Organization).where(
        Organization.name == "Miejska Biblioteka Publiczna w Tczewie"))
    director = users["biblioteka@example.org"]
    partnership = partnerships.create_partnership(session, director, {
        "name": "Koalicja Cyfrowa Powiatu Tczewskiego",
        "municipalities": ["Tczew", "Pelplin", "Subkowy"],
        "goal": "Mieszkańcy powiatu, zwłaszcza seniorzy, bezpiecznie korzystają z usług "
                "cyfrowych: e-urzędu, bankowości internetowej i katalogów bibliotek. Wspólnie "
                "prowadzimy kursy, dyżury pomocy cyfrowej i promujemy je w naszych kanałach.",
        "kind": "needs", "formalisation": "none", "is_public": True,
        "lead_id": library.id,
        "coordinator_id": users["piotr.lewandowski@example.org"].id}, now)
    for email, name in (("szkola@example.org", "Szkoła Podstawowa nr 3 w Pelplinie"),
                        ("bank@example.org", "Bank Spółdzielczy Ziemi Tczewskiej")):
        org = session.scalar(select(Organization).where(Organization.name == name))
        _invitation, secret = partnerships.invite(session, director, partnership.id,
                                                  email=email, now=now)
        partnerships.accept_invitation(session, secret, users[email], now, org_id=org.id)
    partnerships.invite(session, director, partnership.id, email="klub.seniora@example.org",
                        now=now)
    partnerships.change_state(session, director, partnership.id, "active", now)
    _contributions(session, users, partnership.id, now)


# What each partner brings and what the partnership still needs (issue 18, part 2): the
# school's computer lab is kept for the partnership only; the library's need of a lab is not
# met yet, and matching within the partnership proposes the school's lab for it.
CONTRIBUTIONS = [
    ("szkola@example.org", "Szkoła Podstawowa nr 3 w Pelplinie", True, {
        "kind": "offer", "category": "computer_labs",
        "title": "Pracownia komputerowa na 16 stanowisk na kursy dla seniorów",
        "description": "Szkolna pracownia z rzutnikiem, popołudniami i w soboty.",
        "quantity": 12, "unit": "hours", "latitude": 53.9306, "longitude": 18.6975}),
    ("bank@example.org", "Bank Spółdzielczy Ziemi Tczewskiej", False, {
        "kind": "offer", "category": "training",
        "title": "Szkolenie z bezpiecznej bankowości internetowej",
        "description": "Doradcy banku prowadzą zajęcia dla seniorów: hasła, phishing, BLIK.",
        "quantity": 4, "unit": "sessions", "latitude": 54.0927, "longitude": 18.7784}),
    ("biblioteka@example.org", "Miejska Biblioteka Publiczna w Tczewie", False, {
        "kind": "offer", "category": "rooms", "title": "Sala szkoleniowa w bibliotece",
        "description": "Sala na 25 osób z dostępem do internetu.", "quantity": 20,
        "unit": "hours", "latitude": 54.0918, "longitude": 18.7770}),
    ("biblioteka@example.org", "Miejska Biblioteka Publiczna w Tczewie", False, {
        "kind": "need", "category": "computer_labs",
        "title": "Pracownia komputerowa na kurs e-usług dla seniorów",
        "description": "Potrzebujemy pracowni z komputerami na kurs e-urzędu dla seniorów.",
        "quantity": 8, "unit": "hours", "latitude": 54.0918, "longitude": 18.7770}),
]


def _contributions(session: Session, users: dict[str, User], partnership_id: int,
                   now: datetime) -> None:
    from exchange.core.partnerships import contributions

    for email, name, only, data in CONTRIBUTIONS:
        org = session.scalar(select(Organization).where(Organization.name == name))
        contributions.declare(session, users[email], partnership_id, org.id, data, now,
                              partnership_only=only)



def _partnership_meetings(session: Session, users: dict[str, User], now: datetime) -> None:
    """The partnership's first two meetings held (at the library, then at the school, 001
    §3.5) with attendance, minutes, tasks (one done, one overdue, one due soon) and a few
    evaluations, and the third scheduled at the bank."""
    from exchange.core import partnerships
    from models import Partnership

    partnership = session.scalar(select(Partnership).where(
        Partnership.name == "Koalicja Cyfrowa Powiatu Tczewskiego"))
    coordinator = users["piotr.lewandowski@example.org"]
    orgs = {m.organization.name: m.organization_id for m in partnership.current_members}
    library, school, bank = (orgs["Miejska Biblioteka Publiczna w Tczewie"],
                             orgs["Szkoła Podstawowa nr 3 w Pelplinie"],
                             orgs["Bank Spółdzielczy Ziemi Tczewskiej"])
    first, after = _held_meeting(
        session, coordinator, partnership, now, "first", 42, library,
        {library: "Piotr Lewandowski", school: "Agnieszka Wróblewska",
         bank: "Grzegorz Mazur"},
        "Przedstawiliśmy się i omówiliśmy wyniki rozpoznania potrzeb: seniorzy boją się "
        "bankowości internetowej i e-urzędu. Zebraliśmy pomysły: dyżury pomocy cyfrowej, "
        "kurs w pracowni szkoły, ulotki w oddziałach banku.",
        "Spotykamy się co miesiąc, za każdym razem u innego partnera.",
        [("Zebrać pomysły na współpracę w swoich instytucjach", school, -20, True),
         ("Przygotować ulotkę o dyżurach pomocy cyfrowej", bank, -3, False)])
    for user, score, keep, change in (
            (users["szkola@example.org"], 5, "Konkretne pomysły", ""),
            (users["bank@example.org"], 4, "", "Krótsze przedstawianie się")):
        partnerships.evaluate(session, user, partnership.id, first.id, {
            "usefulness": score, "atmosphere": 5, "keep": keep, "change": change}, after)
    _held_meeting(
        session, coordinator, partnership, now, "second", 14, school,
        {library: "Piotr Lewandowski", school: "Agnieszka Wróblewska"},
        "Ustaliliśmy zasady współpracy i obszary działań: kurs dla seniorów w pracowni "
        "szkoły, dyżury w bibliotece, promocja w banku.",
        "Koordynatorem zostaje Piotr Lewandowski z biblioteki.",
        [("Udostępnić pracownię komputerową na kurs dla seniorów", school, 2, False)])
    partnerships.schedule_meeting(session, coordinator, partnership.id, {
        "title": "Trzecie spotkanie partnerskie",
        "date": (now + timedelta(days=14)).date().isoformat(), "time": "17:00",
        "place_org_id": bank, "place_text": "sala konferencyjna",
        "agenda": "1. Kurs dla seniorów: zapisy i harmonogram.\n2. Dyżury pomocy cyfrowej.\n"
                  "3. Ustalenie terminu następnego spotkania."}, now)
    partnerships.calendar_token(session, partnership)


# The coordinator's contact log (issue 18, keeping partners engaged): a few months of calls,
# e-mails and visits (days ago, organization, channel, person, note). The school is in touch
# often; the bank was last heard from at the first meeting, six weeks ago: it is the quiet one.
CONTACTS = [
    (120, "Szkoła Podstawowa nr 3 w Pelplinie", "visit", "Agnieszka Wróblewska",
     "Pierwsza rozmowa o partnerstwie; dyrekcja chętna, oferuje pracownię."),
    (115, "Bank Spółdzielczy Ziemi Tczewskiej", "phone", "Grzegorz Mazur",
     "Bank chce prowadzić szkolenia z bezpiecznej bankowości dla seniorów."),
    (96, "Szkoła Podstawowa nr 3 w Pelplinie", "email", "",
     "Wysłałem wyniki diagnozy potrzeb przed pierwszym spotkaniem."),
    (80, "Bank Spółdzielczy Ziemi Tczewskiej", "visit", "Grzegorz Mazur",
     "Wizyta w oddziale: ulotki o dyżurach mogą leżeć przy kasach."),
    (28, "Szkoła Podstawowa nr 3 w Pelplinie", "phone", "Agnieszka Wróblewska",
     "Terminy kursu w pracowni: wtorki i czwartki po 15:00."),
    (6, "Szkoła Podstawowa nr 3 w Pelplinie", "email", "",
     "Lista zapisanych seniorów na kurs — 14 osób."),
]


def _partnership_contacts(session: Session, users: dict[str, User], now: datetime) -> None:
    """The coordinator's log of contacts with the partners over a few months; the bank is
    quiet (no contact since the first meeting) and the coordinator has been told so."""
    from exchange.core import partnerships
    from models import Partnership

    partnership = session.scalar(select(Partnership).where(
        Partnership.name == "Koalicja Cyfrowa Powiatu Tczewskiego"))
    coordinator = users["piotr.lewandowski@example.org"]
    # The demo's partners joined when it was made; they have worked together for months.
    for member in partnership.current_members:
        member.joined_at = now - timedelta(days=130)
    # The coordinator wants to hear from each partner about monthly.
    partnership.quiet_weeks = 5
    orgs = {m.organization.name: m.organization_id for m in partnership.current_members}
    for days_ago, name, channel, person, note in CONTACTS:
        partnerships.log_contact(session, coordinator, partnership.id, {
            "organization_id": orgs[name], "channel": channel, "person": person, "note": note,
            "contacted_on": (now - timedelta(days=days_ago)).date()}, now)
    partnerships.notify_quiet_partners(session, now)


def _held_meeting(session: Session, coordinator: User, partnership, now: datetime,
                  template: str, days_ago: int, place: int, people: dict[int, str],
                  minutes: str, decisions: str, tasks: list[tuple[str, int, int, bool]]):
    """A meeting DAYS_AGO from TEMPLATE at PLACE, recorded, with TASKS (title, owner, due in
    days from NOW, done)."""
    from exchange.core import partnerships

    day = (now - timedelta(days=days_ago)).date()
    meeting = partnerships.schedule_meeting(session, coordinator, partnership.id, {
        "template": template, "date": day.isoformat(), "time": "17:00",
        "place_org_id": place}, now - timedelta(days=90))
    after = meeting.starts_at + timedelta(hours=3)
    partnerships.record_meeting(session, coordinator, partnership.id, meeting.id, {
        "attendance": people, "minutes": minutes, "decisions": decisions,
        "next_meeting_on": (day + timedelta(days=28)).isoformat()}, after)
    for title, owner, due_in, done in tasks:
        task = partnerships.add_task(session, coordinator, partnership.id, meeting.id, {
            "title": title, "owner_org_id": owner,
            "due_on": (now + timedelta(days=due_in)).date().isoformat()}, after)
        if done:
            partnerships.set_task_done(session, coordinator, partnership.id, task.id, True,
                                       after + timedelta(days=7))
    return meeting, after


# Suggested values per unit for statistics (złoty), in the spirit of the German and Dutch
# exchanges' valuers: rough, round, never a price.
VALUE_DEFAULTS = [
    ("rooms", "hours", 80), ("computer_labs", "hours", 120), ("computer_labs", "days", 800),
    ("volunteers", "days", 250), ("volunteers", "people", 250), ("training", "sessions", 600),
    ("expertise", "hours", 150), ("transport", "days", 600), ("equipment", "days", 100),
    ("promotion", "pieces", 300), ("catering", "people", 30), ("culture", "sessions", 1000),
]


def _signed_contract(session: Session, now: datetime) -> None:
    """One contract in force, so the dashboard, the print-out and the calendar show something:
    the firm lends the school its computer lab for the programming contest."""
    offer = session.scalar(select(Listing).where(
        Listing.title == "Udostępnimy pracownię komputerową (20 stanowisk) w soboty"))
    need = session.scalar(select(Listing).where(
        Listing.title == "Pracownia komputerowa na szkolny konkurs programowania"))
    if offer is None or need is None:
        return
    signers = {}
    for listing in (offer, need):
        signers[listing.organization_id] = session.scalar(
            select(User).join(Membership).where(Membership.organization_id
                                                == listing.organization_id,
                                                Membership.role == MemberRole.OWNER))
    giver = signers[offer.organization_id]
    contract = create_contract(session, giver, offer.organization_id, {
        "parties": [offer.organization_id, need.organization_id],
        "commitments": [{"giver_id": offer.organization_id, "receiver_id": need.organization_id,
                         "what": "Pracownia komputerowa (20 stanowisk) na konkurs programowania",
                         "quantity": 1, "unit": "days", "listing_id": offer.id,
                         "need_id": need.id,
                         "due_on": (now.date() + timedelta(days=45)).isoformat()}]}, now)
    for org_id, user in signers.items():
        sign(session, user, org_id, contract.id, now, recent_login=True)


def _listing_data(item: dict, today: date) -> dict:
    """The fields of a LISTINGS entry, with its day offsets turned into dates from TODAY."""
    data = dict(item)
    if "window" in item:
        first, last = item["window"]
        data["available_from"] = today + timedelta(days=first)
        data["available_until"] = today + timedelta(days=last)
    if "expires_in" in item:
        data["expires_on"] = today + timedelta(days=item["expires_in"])
    return data


# The live exchange: today, in the culture centre. Admitted organizations bring the listings
# named here; two more have applied and wait for the organiser's decision.
EVENT_ADMITTED = {
    "Miejska Biblioteka Publiczna w Tczewie": ["Magdalena Zielińska", "Piotr Lewandowski"],
    "Szkoła Podstawowa nr 3 w Pelplinie": ["Agnieszka Wróblewska"],
    "Fundacja „Razem dla Kociewia”": ["Anna Kowalska", "Michał Kowalczyk"],
    "Klub Seniora „Złota Jesień”": ["Halina Dąbrowska"],
    "Bank Spółdzielczy Ziemi Tczewskiej": ["Grzegorz Mazur"],
    "Kociewie Soft sp. z o.o.": ["Paweł Szymański"],
    "Ochotnicza Straż Pożarna w Subkowach": ["Krzysztof Sikora"],
}
EVENT_PENDING = {
    "Koło Gospodyń Wiejskich „Wiślanki”": ["Teresa Malinowska"],
    "Księgarnia i Papiernia „Kałamarz”": ["Dorota Michalska"],
}


def _exchange_event(session: Session, users: dict[str, User], now: datetime) -> None:
    """Today's exchange event, registration done, its session not started: the organiser
    starts it, the notary registers deals, the board counts them."""
    organiser = users["kultura@example.org"]
    host = session.scalar(select(Organization).where(
        Organization.name == "Centrum Kultury „Nad Wisłą” w Tczewie"))
    today = now.date()
    event = events.create_event(session, organiser, host.id, {
        "name": "Giełda Zasobów Powiatu Tczewskiego 2026",
        "description": "Dziewięćdziesiąt minut wymiany: sale, sprzęt, wolontariat, promocja i "
                       "wiedza – bez pieniędzy. Kontrakty podpisujemy przy stoliku notariusza.",
        "venue": "Centrum Kultury „Nad Wisłą”, sala widowiskowa, Tczew",
        "municipality": "Tczew", "held_on": today.isoformat(), "starts_at": "17:00",
        "registration_opens_on": today.isoformat(), "registration_closes_on": today.isoformat(),
        "cap_business": "10"}, now)
    events.publish_event(session, organiser, event.id, now)
    for role in ("notary", "broker"):
        events.add_staff(session, organiser, event.id, "urzad@example.org", role, now)
    events.add_staff(session, organiser, event.id, "ops@example.org", "moderator", now)
    for names, admit in ((EVENT_ADMITTED, True), (EVENT_PENDING, False)):
        for name, people in names.items():
            org = session.scalar(select(Organization).where(Organization.name == name))
            owner = session.scalar(select(User).join(Membership).where(
                Membership.organization_id == org.id, Membership.role == MemberRole.OWNER))
            listings = [x.id for x in session.scalars(select(Listing).where(
                Listing.organization_id == org.id, Listing.status == ListingStatus.OPEN))]
            application = events.apply(session, owner, event.id, org.id, {
                "attendees": people, "listing_ids": listings[:4]}, now)
            if admit:
                events.decide(session, organiser, event.id, application.id, True, "", now)


def _partnership_plan(session: Session, users: dict[str, User], now: datetime) -> None:
    """The partnership's three-year plan, begun a year ago (issue 18, "Plan and
    indicators"): three goals, five indicators (two counted from the record), activities of
    the partners and a year of progress: the leaflets achieved their target, the digital
    help desk is behind schedule (the library and the bank are asked to step up)."""
    from exchange.core import partnerships
    from models import Partnership

    partnership = session.scalar(select(Partnership).where(
        Partnership.name == "Koalicja Cyfrowa Powiatu Tczewskiego"))
    coordinator = users["piotr.lewandowski@example.org"]
    orgs = {m.organization.name: m.organization_id for m in partnership.current_members}
    ids = (orgs["Miejska Biblioteka Publiczna w Tczewie"],
           orgs["Szkoła Podstawowa nr 3 w Pelplinie"], orgs["Bank Spółdzielczy Ziemi Tczewskiej"])
    start = (now - timedelta(days=365)).date()
    at = now - timedelta(days=366)
    partnerships.set_period(session, coordinator, partnership.id, {
        "starts_on": start.isoformat(),
        "ends_on": (partnerships.years_later(start, 3) - timedelta(days=1)).isoformat()}, at)
    trained, desk, leaflets = _plan_goals(session, coordinator, partnership.id, ids, start, at,
                                          now)
    _plan_progress(session, users, partnership.id, ids, start, now, trained, desk, leaflets)
    _plan_contracts(session, users, ids, now)


def _plan_goals(session: Session, coordinator: User, partnership_id: int, ids: tuple,
                start: date, at: datetime, now: datetime) -> tuple:
    """The goals, indicators and activities; return the three indicators that take entries."""
    from exchange.core import partnerships

    library, school, bank = ids

    def day(offset: int) -> str:
        return (start + timedelta(days=offset)).isoformat()

    def goal(title: str, description: str):
        return partnerships.add_goal(session, coordinator, partnership_id, {
            "title": title, "description": description}, at)

    def indicator(goal_id: int, name: str, unit: str, target: str, deadline: int,
                  source: str = "manual"):
        return partnerships.add_indicator(session, coordinator, partnership_id, goal_id, {
            "name": name, "unit": unit, "baseline": "0", "target": target,
            "deadline": day(deadline), "source": source}, at)

    def activity(goal_id: int, title: str, due: int, partners: list[int]):
        return partnerships.add_activity(session, coordinator, partnership_id, goal_id, {
            "title": title, "due_on": day(due), "partner_ids": partners}, at)

    seniors = goal("Seniorzy bezpiecznie korzystają z usług cyfrowych",
                   "Kursy e-urzędu i bankowości internetowej oraz dyżury pomocy cyfrowej "
                   "w bibliotece, szkole i oddziałach banku.")
    trained = indicator(seniors.id, "Seniorzy przeszkoleni z e-usług", "osoby", "300",
                        3 * 365 - 5)
    desk = indicator(seniors.id, "Dyżury pomocy cyfrowej", "dyżury", "48", 2 * 365)
    activity(seniors.id, "Kurs e-usług w pracowni szkoły", 3 * 365 - 30, [school, library])
    activity(seniors.id, "Cotygodniowe dyżury pomocy cyfrowej", 2 * 365, [library, bank])
    sharing = goal("Partnerzy dzielą się zasobami",
                   "Sale, pracownie i szkolenia przechodzą między partnerami na podstawie "
                   "umów; spotykamy się co miesiąc.")
    indicator(sharing.id, "Umowy podpisane między partnerami", "umowy", "6", 3 * 365 - 5,
              "contracts_signed")
    indicator(sharing.id, "Spotkania partnerskie", "spotkania", "6", 3 * 365 - 5,
              "meetings_held")
    promotion = goal("Mieszkańcy wiedzą o pomocy cyfrowej",
                     "Ulotki i plakaty w oddziałach banku, szkole i bibliotece.")
    leaflets = indicator(promotion.id, "Rozdane ulotki o dyżurach", "szt.", "1000", 300)
    activity(promotion.id, "Ulotki w oddziałach banku", 280, [bank]).done_at = \
        now - timedelta(days=80)
    return trained, desk, leaflets


def _plan_progress(session: Session, users: dict[str, User], partnership_id: int, ids: tuple,
                   start: date, now: datetime, trained, desk, leaflets) -> None:
    """A year of entries, month by month; one typed twice and withdrawn (kept, not counted)."""
    from exchange.core import partnerships

    library, school, bank = ids
    coordinator = users["piotr.lewandowski@example.org"]
    school_head, banker = users["szkola@example.org"], users["bank@example.org"]
    entries = []
    for month in range(12):
        offset = 20 + month * 29
        entries.append((trained, school_head, school, offset, 8,
                        "Lista obecności kursu w pracowni"))
        if month % 3 == 0:
            entries.append((desk, coordinator, library, offset + 3, 2, "Rejestr dyżurów"))
    for offset, value, who, org in ((40, 400, banker, bank), (120, 350, banker, bank),
                                    (200, 250, coordinator, library)):
        entries.append((leaflets, who, org, offset, value, "Protokół wydania ulotek"))
    for indicator, author, org, offset, value, source in entries:
        happened = start + timedelta(days=offset)
        partnerships.add_progress(session, author, indicator.id, {
            "value": str(value), "happened_on": happened.isoformat(), "source": source,
            "organization_id": org}, datetime.combine(happened, now.timetz()))
    twice = partnerships.add_progress(session, school_head, trained.id, {
        "value": "8", "happened_on": (start + timedelta(days=20)).isoformat(),
        "source": "Lista obecności kursu w pracowni", "organization_id": school},
        now - timedelta(days=300))
    partnerships.withdraw_progress(session, coordinator, partnership_id, twice.id,
                                   now - timedelta(days=299))


def _plan_contracts(session: Session, users: dict[str, User], ids: tuple,
                    now: datetime) -> None:
    """Two contracts signed between partners: the record of exchanges, the automatic
    indicator."""
    library, school, bank = ids
    owners = {library: users["biblioteka@example.org"], school: users["szkola@example.org"],
              bank: users["bank@example.org"]}
    for giver, receiver, what, unit, days_ago in (
            (bank, library, "Szkolenie z bezpiecznej bankowości dla seniorów", "sessions", 200),
            (school, library, "Pracownia komputerowa na kurs e-usług", "hours", 60)):
        when = now - timedelta(days=days_ago)
        contract = create_contract(session, owners[giver], giver, {
            "parties": [giver, receiver],
            "commitments": [{"giver_id": giver, "receiver_id": receiver, "what": what,
                             "quantity": 4, "unit": unit,
                             "due_on": (when.date() + timedelta(days=30)).isoformat()}]}, when)
        for org_id in (giver, receiver):
            sign(session, owners[org_id], org_id, contract.id, when, recent_login=True)
