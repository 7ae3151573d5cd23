"""Demo data: a fictional resource exchange in powiat tczewski, built through the core services."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from exchange.accounts import find_user_by_email, register_user
from exchange.organizations import add_member, create_organization, set_verified

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


def load_demo_data(session: Session, now: datetime) -> bool:
    """Load the demo county once; return False (changing nothing) when it is already there."""
    if find_user_by_email(session, DEMO_ADMIN_EMAIL) is not None:
        return False
    users = {email: register_user(session, email=email, name=name, password=DEMO_PASSWORD,
                                  locale="pl", now=now)
             for email, name in USERS.items()}
    admin = users[DEMO_ADMIN_EMAIL]
    admin.is_admin = True
    for entry in ORGANIZATIONS:
        owner = users[entry["owner"]]
        org = create_organization(session, owner, entry, now)
        for email, role, can_sign in entry.get("members", ()):
            add_member(session, owner, org.id, email=email, role=role, can_sign=can_sign, now=now)
        if entry["verified"]:
            set_verified(session, admin, org.id, verified=True, now=now)
    session.flush()
    return True
