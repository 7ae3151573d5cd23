"""Concepts of the exchange domain, so that meaning matters and not only letters.

A need for "miejsce na turniej futsalu" shares no word with an offer of "hala sportowa",
but both speak of a sports venue. Each concept lists folded word stems (diacritics removed,
lower case) in Polish and English; a word belongs to a concept when its folded form or
lemma starts with one of the stems. Multi-word stems match consecutive words.
"""
from __future__ import annotations

CONCEPTS: dict[str, tuple[str, ...]] = {
    "room": ("sala", "sal ", "swietlic", "aula", "pomieszczen", "lokal", "pokoj", "room",
             "hall", "venue", "space", "czytelni", "remiz", "stodol", "klubokawiarni"),
    "sport": ("sport", "hal sport", "hala sport", "gimnastyczn", "boisk", "orlik", "futsal",
              "pilk", "siatkow", "koszykow", "turniej", "trening", "mecz", "druzyn", "fitness",
              "gym", "tenis", "basen", "lodowisk", "football", "volleyball"),
    "dance_stage": ("taniec", "tanc", "taneczn", "balet", "lustr", "parkiet", "scen", "teatr",
                    "widowiskow", "prob", "dance", "stage", "theatre", "theater"),
    "conference": ("konferenc", "rzutnik", "projektor", "ekran", "prezentac", "wyklad",
                   "seminari", "debat", "projector", "conference", "lecture"),
    "kitchen_food": ("kuchni", "gotow", "kulinar", "catering", "posil", "obiad", "kolac",
                     "wigil", "poczestun", "ciast", "wypiek", "pieczen", "kawa", "herbat",
                     "zup", "pierog", "jedzen", "food", "cook", "kitchen", "meal", "baking",
                     "cake", "dinner", "lunch", "snack", "bufet", "oplatk"),
    "people_transport": ("bus", "autobus", "autokar", "mikrobus", "osobow", "wycieczk",
                         "wyjazd", "dowoz", "przewoz osob", "pasazer", "kierowc", "trip",
                         "coach", "minibus", "excursion", "dowiez", "podwiez"),
    "goods_transport": ("dostawcz", "ciezarow", "przyczep", "przeprowadz", "towar", "ladun",
                        "palet", "cargo", "truck", "delivery", "moving", "lorry", "transport sprzet",
                        "przewoz sprzet", "przewiez sprzet"),
    "computer": ("komputer", "programist", "laptop", "stanowisk", "informaty", "pc ", "computer", "notebook",
                 "tablet", "programow", "kodow", "coding", "scratch", "python"),
    "it_repair": ("napraw", "serwis", "konfigur", "siec", "router", "wifi", "wi fi", "drukark",
                  "helpdesk", "repair", "network", "instalac", "oprogramowan", "antywirus"),
    "sound_light": ("naglosn", "audio", "mikrofon", "glosnik", "kolumn", "mikser", "sound",
                    "speaker", "microphone", "oswietl", "reflektor", "light", "dj"),
    "event_gear": ("namiot", "stol", "krzesl", "lawk", "lawek", "mebl", "table", "chair",
                   "tent", "parawan", "stoisk", "gazebo", "pawilon", "podest"),
    "promotion": ("promoc", "promow", "plakat", "ulotk", "newsletter", "ogloszen",
                  "media", "facebook", "instagram", "social", "radio", "gazet", "artykul",
                  "prasa", "prasow", "poster", "promot", "rozpowszechn", "informac o wydarzen",
                  "billboard", "baner", "banner", "witryn", "mailing", "odbiorc"),
    "printing": ("druk", "wydruk", "ksero", "kopiark", "print", "laminow"),
    "volunteers": ("wolontari", "pomoc przy", "pomocnik", "rece do pracy", "rak do pracy",
                   "volunteer", "helper", "helping hand", "pomocn", "dyzur"),
    "first_aid": ("pierwsz pomoc", "pierwszej pomocy", "ratown", "resuscyt", "rko", "aed",
                  "defibryl", "first aid", "cpr"),
    "legal": ("rodo", "gdpr", "ochron dan", "ochrony danych", "danych osobow", "prawn",
              "prawnik", "radc", "statut", "umow", "legal", "regulamin", "privacy"),
    "accounting": ("ksiegow", "rozlicz", "sprawozdan", "podatk", "bilans", "accounting",
                   "bookkeeping", "finansow"),
    "grants": ("wniosek", "wnioski", "wniosk", "grant", "dotac", "fundraising", "projekt unijn",
               "fundusz", "konkurs grant"),
    "design": ("grafik", "graficzn", "logo", "ilustrac", "projekt graficz", "design",
               "layout", "sklad", "identyfikac wizual"),
    "photo_video": ("zdjec", "fotograf", "foto", "film", "wideo", "video", "nagran", "photo",
                    "dron", "relac"),
    "web": ("strona internet", "stron internet", "stron www", "www", "wordpress", "website",
            "witryn internet", "domen", "hosting", "web"),
    "children": ("dzieci", "dziecko", "dziec", "mlodziez", "uczni", "uczen", "przedszkol",
                 "kids", "children", "youth", "harcer", "nastolat"),
    "seniors": ("senior", "emeryt", "starsz", "elderly", "dziadk", "babc"),
    "crafts_art": ("rekodziel", "plastyczn", "malarst", "malow", "ceramik", "garncarsk",
                   "rzezb", "artystyczn", "craft", "art ", "painting", "decoupage", "haft",
                   "szydel", "wiklin"),
    "music": ("muzyk", "muzycz", "koncert", "chor", "zespol", "instrument", "orkiestr",
              "spiew", "music", "concert", "choir", "band"),
    "garden": ("ogrod", "zielen", "sadzen", "drzew", "krzew", "kwiat", "trawnik", "garden",
               "planting", "grabien", "porzadk"),
    "languages": ("jezyk", "angielsk", "niemieck", "lektor", "konwersac", "language", "native",
                  "conversation",
                  "english", "polish", "tlumacz", "translat"),
    "tutoring": ("korepetyc", "nauk", "lekcj", "matematy", "tutoring", "homework",
                 "odrabian", "egzamin", "exam", "matur"),
    "power": ("prad", "agregat", "generator", "przedluzacz", "elektryczn", "power supply"),
    "water_sports": ("kajak", "splyw", "kayak", "canoe", "zaglow", "lodz", "rowerk wodn"),
    "costumes": ("kostium", "stroj", "przebran", "costume", "rekwizyt"),
    "streaming": ("transmisj", "na zywo", "stream", "live", "online", "internet na zyw"),
    "renovation": ("remont", "narzedzi", "elektronarzedz", "drabin", "rusztowan", "farb",
                   "tools", "renovat", "odnowien", "odnowic"),
    "mobility": ("wozek inwalidz", "wozk", "rehabilit", "balkonik", "wheelchair", "kule "),
    "sewing": ("szyc", "krawiec", "krawiect", "maszyn do szyc", "sewing", "tailor"),
    "cleaning": ("sprzatan", "porzadkow", "mycie", "cleaning"),
    "health": ("zdrow", "lekarz", "pielegniar", "badan", "profilakty", "fizjoterap",
               "psycholog", "health", "medical"),
    "safety": ("bezpieczen", "pozar", "przeciwpozar", "gasnic", "ewakuac", "straz", "osp", "safety", "fire"),
    "cyber": ("cyberbezpieczen", "phishing", "haslo", "hasel", "cyber", "security"),
    "business_skills": ("marketing", "zarzadzan", "biznes", "przedsiebiorc", "excel",
                        "arkusz", "kompetenc cyfrow", "business", "spreadsheet"),
}

# Concepts about whom a listing is for, not what it is: they help, but must not decide.
AUDIENCE = frozenset({"children", "seniors"})

# A need that speaks of one and an offer that speaks only of the other do not meet:
# a seniors' trip needs a bus, not a delivery van.
CONFLICTS: tuple[tuple[str, str], ...] = (
    ("people_transport", "goods_transport"),
)

STOPWORDS = frozenset("""
a aby albo ale bardzo bez by byc byl bedzie bo chcemy ci co czy dla do dzien dwa gdy go
i ich im ja jak jako jakis jest jestesmy jej jego jeden jesli juz kazdy kiedy ktory ktora
ktore ktorzy lub ma mamy mi moze mozemy mozna my na nad nam nas naszej nasz nasza nasze
naszego naszych nie niz o od oraz po pod potrzebujemy potrzebny potrzebna potrzebne przez
przy sa se sie sobie ta tak tam te tego tej ten to tu tych tym u w we wiec wszystkich
z za ze zeby oferujemy udostepnimy szukamy chetnie ok np itp itd rok roku raz razy
the and for with our we of to in on at a an is are be can will need needs looking
offer offers us you your from by as or per up about
""".split())
