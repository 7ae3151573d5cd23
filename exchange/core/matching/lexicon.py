"""Concepts of the exchange domain, so that meaning matters and not only letters.

A need for "miejsce na turniej futsalu" shares no word with an offer of "hala sportowa",
but both speak of a sports venue. Each concept lists folded word stems (diacritics removed,
lower case) in Polish and English; a word belongs to a concept when its folded form or
lemma starts with one of the stems. Multi-word stems match consecutive words.
"""
from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


CONCEPTS: dict[str, tuple[str, ...]] = {
    "room": ("sala ", "sal ", "sale ", "swietlic", "aula", "pomieszczen", "lokal ", "lokalu",
             "pokoj", "room", "hall", "venue", "space", "czytelni", "remiz", "stodol",
             "klubokawiarni", "gabinet", "miejsce na spotkan", "miejsce na zebran"),
    "sport": ("sport", "hal sport", "hala sport", "gimnastyczn", "boisk", "orlik", "futsal",
              "pilk", "siatkow", "koszykow", "turniej", "trening", "mecz", "druzyn", "fitness",
              "gym ", "tenis", "basen", "lodowisk", "football", "volleyball", "zawod",
              "rozgryw", "sedzi", "bramk", "halow"),
    "dance": ("taniec", "tanc", "taneczn", "balet", "lustr", "parkiet", "dance", "walc",
              "tango"),
    "stage": ("scen", "teatr", "widowiskow", "proba ", "prob ", "proby ", "stage ", "theatre",
              "theater", "estrad", "podest", "spektakl", "przedstawien"),
    "conference": ("konferenc", "prezentac", "wyklad", "seminari", "debat", "conference",
                   "lecture", "ekran"),
    "projector": ("rzutnik", "projektor", "projector", "beamer", "pokaz zdjec",
                  "pokaz slajd", "wyswietl"),
    "kitchen_food": ("kuchni", "gotow", "kulinar", "catering", "posil", "obiad", "kolac",
                     "wigil", "poczestun", "ciast", "wypiek", "pieczen", "kawa ", "kawy ",
                     "kawowa", "herbat", "zup", "pierog", "jedzen", "food", "cook", "kitchen",
                     "meal", "baking", "cake", "dinner", "lunch", "snack", "bufet", "oplatk",
                     "grill", "barbecue", "bbq", "kielbas", "potraw", "zurek", "przekask",
                     "jadlo", "refreshment"),
    "donation": ("dar ", "dary ", "darow", "darami", "podaruj", "donat", "donate", "zbiork",
                 "refurbished", "uzywan", "do przekazania", "wycofan", "second hand"),
    "grill_bonfire": ("grill", "barbecue", "bbq", "ognisk", "kielbas", "campfire", "bonfire"),
    "christmas": ("wigil", "swiateczn", "boze narodzen", "bozonarodzeni", "oplatk", "wieczerz",
                  "christmas", "xmas", "mikolaj", "gwiazdk", "koled"),
    "catering_gear": ("podgrzew", "termos", "warnik", "bemar", "naczyni", "sztuc", "talerz",
                      "kubk", "kubek", "garnk", "garnek", "chafing", "tableware", "zastaw",
                      "cieple jedzen", "ciepl posil", "cieply posil"),
    "people_transport": ("bus ", "busy ", "busa ", "autobus", "autokar", "mikrobus", "minibus",
                         "gimbus", "samochod osobow", "wycieczk", "wyjazd", "przewoz osob",
                         "przewoz grup", "przewoz dzieci", "przewoz senior", "przewoz uczestnik",
                         "przewiez grup", "pasazer", "miejsc siedz", "pielgrzym", "trip",
                         "coach", "excursion", "podwiez", "dowoz uczestnik", "dowoz dzieci",
                         "dowoz senior", "dowoz podopieczn"),
    "goods_transport": ("dostawcz", "ciezarow", "przyczep", "przeprowadz", "towar", "ladun",
                        "cargo", "truck", "delivery", "moving", "lorry", "furgon",
                        "transport sprzet", "przewoz sprzet", "przewiez sprzet", "ladunk",
                        "przewoz mebl", "przewiez mebl", "przewoz dar", "przewiez dar",
                        "przewiezienia dar", "przewoz karton", "przewiez karton", "van ",
                        "paczk", "paczek", "przesyl", "parcel", "przewoz przetwor",
                        "przewoz stol", "przewoz towar"),
    "materials": ("palet", "pallet", "drewn", "deski", "desek", "deska", "timber", "wood",
                  "scink", "offcut", "sklejk", "plyt osb", "material budowl",
                  "materialy budowl", "building material", "recykl"),
    "computer": ("komputer", "programist", "laptop", "stanowisk komputer",
                 "stanowisk z internet", "informaty", "pc ", "computer", "notebook", "tablet",
                 "programow", "kodow", "coding", "scratch", "python", "robot", "robotyk",
                 "monitor", "klawiatur"),
    "it_repair": ("napraw", "serwis", "konfigur", "siec", "router", "wifi", "wi fi",
                  "helpdesk", "repair", "network", "instalac", "oprogramowan", "antywirus",
                  "nie drukuj", "nie uruchami", "zainstal", "kopi zapasow", "kopie zapasow"),
    "sound_light": ("naglosn", "audio", "mikrofon", "glosnik", "kolumn", "mikser", "sound",
                    "loudspeaker", "microphone", "oswietl", "reflektor", "lighting", "dj ",
                    "odsluch", "akustyk"),
    "event_gear": ("namiot", "stol ", "stoly ", "stolow ", "stolami", "krzesl", "lawk", "lawek",
                   "lawostol", "mebl", "table ", "tables", "chair", "tent", "parawan", "stoisk",
                   "gazebo", "pawilon", "zadaszen"),
    "accommodation": ("nocleg", "lozk", "lozek", "spiwor", "materac", "bed ", "beds",
                      "accommodation", "overnight", "spac ", "spania"),
    "promotion": ("promoc", "promow", "plakat", "ulotk", "newsletter", "ogloszen",
                  "media", "facebook", "instagram", "linkedin", "social", "radio", "gazet",
                  "artykul", "prasa", "prasow", "poster", "promot", "rozpowszechn",
                  "informac o wydarzen", "billboard", "baner", "banner", "witryn", "mailing",
                  "odbiorc", "zapowiedz", "flyer", "leaflet", "dziennikarz", "biuletyn",
                  "portal", "obserwujac", "followers", "roll up"),
    "printing": ("druk ", "druku", "wydruk", "drukowa", "wydrukow", "ksero", "kopiark",
                 "print", "laminow", "drukarni"),
    "volunteers": ("wolontari", "pomoc przy", "pomocnik", "rece do pracy", "rak do pracy",
                   "volunteer", "helper", "helping hand", "pomocn"),
    "first_aid": ("pierwsz pomoc", "pierwszej pomocy", "ratown", "resuscyt", "rko ", "aed",
                  "defibryl", "first aid", "cpr", "zaslab", "przytomn", "omdlen", "zawal",
                  "reanimac", "zatrzyman krazen", "przedmedycz", "fantom"),
    "legal": ("rodo", "gdpr", "ochron dan", "ochrony danych", "danych osobow", "prawn",
              "prawnik", "radc", "statut", "umow", "legal", "regulamin", "privacy", "krs ",
              "rejestr", "przepis", "klauzul", "wizerunk", "wzor zgod", "zgod na", "zgoda na",
              "lawyer"),
    "accounting": ("ksiegow", "rozlicz", "sprawozdan", "podatk", "bilans", "accounting",
                   "bookkeeping", "finansow"),
    "grants": ("wniosek", "wnioski", "wniosk", "grant", "dotac", "fundraising", "projekt unijn",
               "fundusz", "konkurs grant", "dofinansow"),
    "design": ("grafik", "graficzn", "logo", "ilustrac", "projekt graficz", "design",
               "layout", "sklad komputer", "sklad tekst", "identyfikac wizual", "herb ",
               "szablon"),
    "photo_video": ("zdjec", "fotograf", "foto", "film", "wideo", "video", "nagran", "nagra",
                    "photo", "dron", "relacj", "relacjon", "uwieczn"),
    "web": ("strona internet", "stron internet", "stron www", "www", "wordpress", "website",
            "witryn internet", "domen", "hosting", "web "),
    "children": ("dzieci", "dziecko", "dziec", "mlodziez", "uczni", "uczen", "przedszkol",
                 "kids", "children", "youth", "harcer", "nastolat", "teenager", "maluch",
                 "pupil"),
    "seniors": ("senior", "emeryt", "starsz", "elderly", "dziadk", "babc", "utw ",
                "trzeciego wieku"),
    "crafts_art": ("rekodziel", "plastyczn", "malarst", "malow", "ceramik", "garncarsk",
                   "rzezb", "artystyczn", "craft", "art ", "painting", "decoupage", "haft",
                   "szydel", "wiklin", "akwarel", "akryl", "wycinank"),
    "music": ("muzyk", "muzycz", "koncert", "chor ", "choru", "chorem", "orkiestr", "spiew",
              "piesn", "zespol muzycz", "zespol ludow", "zespol spiew", "zespol rock",
              "zespol piesn", "zespol folk", "instrument", "music", "concert", "choir",
              "band ", "gitar", "zagra "),
    "heritage": ("ludow", "folklor", "regionaln", "tradycyjn", "gwar", "kociewsk", "kaszubsk",
                 "zulawsk", "folk", "obrzed", "dawn", "zabytk", "histor", "dziedzictw",
                 "heritage", "rycer", "sredniowiecz"),
    "garden": ("ogrod", "zielen", "sadzen", "sadzonk", "sadzi", "drzew", "krzew", "kwiat",
               "trawnik", "garden", "planting", "plant ", "trees", "grabien", "porzadk", "sad ",
               "warzyw", "kompost"),
    "languages": ("jezyk", "angielsk", "niemieck", "lektor", "konwersac", "language", "native",
                  "conversation", "english", "polish", "tlumacz", "translat", "po polsku",
                  "po angielsku", "obcokrajow", "cudzoziem", "foreigner"),
    "english": ("angielsk", "english", "po angielsku"),
    "polish_for_foreigners": ("polskiego dla", "jezyk polsk", "jezyka polsk", "po polsku",
                              "polish lesson", "polish for", "learn polish", "obcokrajow",
                              "cudzoziem"),
    "office_cloud": ("skrzynk mail", "skrzynek mail", "skrzynki mail", "skrzynk e mail",
                     "poczt elektron", "poczta firm", "dysk wspol", "wspolny dysk",
                     "wspoln dysk", "dysk siec", "chmur", "cloud", "google workspace",
                     "microsoft 365", "office 365", "m365", "konta mail", "kont mail",
                     "kont e mail", "mailbox", "shared drive", "workspace", "teams "),
    "tutoring": ("korepetyc", "nauk szkoln", "lekcj", "matematy", "tutoring", "homework",
                 "odrabian", "egzamin", "exam", "matur", "zadan domow", "w nauce"),
    "power": ("prad", "agregat", "generator", "przedluzacz", "elektryczn", "power supply",
              "zasilan"),
    "water_sports": ("kajak", "splyw", "kayak", "canoe", "zaglow", "lodz", "rowerk wodn",
                     "przystan"),
    "costumes": ("kostium", "stroj", "przebran", "costume", "rekwizyt"),
    "streaming": ("transmisj", "na zywo", "stream", "live ", "online", "internet na zyw"),
    "renovation": ("remont", "narzedzi", "elektronarzedz", "drabin ", "drabiny", "rusztowan",
                   "farb", "tools", "renovat", "odnowien", "odnowic", "malowan scian",
                   "pedzl"),
    "mobility": ("wozek inwalidz", "wozk", "rehabilit", "balkonik", "wheelchair", "kule ",
                 "chodzik", "ortoped", "niepelnospraw"),
    "sewing": ("szyc", "krawiec", "krawiect", "maszyn do szyc", "sewing", "tailor"),
    "cleaning": ("sprzatan", "sprzata", "porzadkow", "mycie", "cleaning", "clean up",
                 "cleaning up"),
    "health": ("zdrow", "lekarz", "pielegniar", "badan", "profilakty", "fizjoterap",
               "psycholog", "health", "medical", "dietet", "cisnien"),
    "safety": ("bezpieczen", "pozar", "przeciwpozar", "gasnic", "ewakuac", "straz", "osp ",
               "safety", "fire "),
    "cyber": ("cyberbezpieczen", "phishing", "haslo", "hasel", "cyber", "security",
              "wyludzen", "oszust", "falszyw wiadomosc"),
    "business_skills": ("marketing", "zarzadzan", "biznes", "przedsiebiorc", "excel",
                        "arkusz", "kompetenc cyfrow", "business", "spreadsheet"),
    "storage": ("magazyn", "przechow", "skladowan", "storage", "warehouse", "schowek",
                "przechowalni"),
    "textiles": ("odziez", "ubran", "kurtk", "obuw", "buty ", "butow", "swetr", "czapk",
                 "szalik", "clothes", "clothing", "rekawiczk", "koc ", "koce ", "kocy ", "kocow",
                 "poslan", "legowisk", "posciel", "koldr", "blanket", "bedding"),
    "animals": ("pies ", "psy ", "psow", "psem", "psa ", "schronisk", "zwierz", "kot ", "koty",
                "karma", "dog ", "dogs", "animal", "shelter", "behawior"),
    "games_fun": ("gry ", "gier ", "planszow", "zabaw", "animac", "dmuchan", "trampolin",
                  "fotobudk", "board game", "atrakcj"),
    "books": ("ksiazk", "ksiazek", "ksiegozbior", "lektur", "czytan", "bajk", "books ",
              "book ", "pisarz", "autorsk", "storytelling"),
    "energy": ("energ", "ogrzewan", "ocieplen", "fotowolta", "heating", "insulation",
               "rachunk za prad", "oswietlen budynk"),
    "social_work": ("socjaln", "rodzin zastepcz", "w kryzysie", "bezdomn", "ubog",
                    "potrzebujac", "podopieczn", "social worker"),
}

# Concepts about whom a listing is for, not what it is: they help, but must not decide.
AUDIENCE = frozenset({"children", "seniors", "social_work"})

# What a need for one thing usually also needs, as a broker knows: a concert needs a stage
# and a sound system, a talk with slides a projector. Offers of those serve the need too,
# a little less than offers of the thing itself.
IMPLIES: dict[str, tuple[str, ...]] = {
    "music": ("sound_light", "stage"),
    "dance": ("sound_light", "stage"),
    "conference": ("projector", "sound_light"),
    "projector": ("conference",),
    "kitchen_food": ("catering_gear",),
    "catering_gear": ("kitchen_food",),
    "promotion": ("printing", "design"),
    "printing": ("promotion",),
    "first_aid": ("health",),
    "cyber": ("computer",),
    "storage": ("room",),
    "accommodation": ("event_gear",),
}

# Words that say what kind of listing it is but not what about: in "Szkolenie z RODO" or
# "Miejsce w magazynie" the head goes on to the topic. Lemmas, folded.
GENERIC_HEADS = _words("""
miejsce pomoc pomocy szkolenie szkolenia warsztat warsztaty kurs zajecie zajecia konsultacja
konsultacje doradztwo porada spotkanie lekcja lekcje usluga wsparcie udostepnienie mozliwosc
training workshop workshops course help session sessions class classes advice place
""")

# When in the week a listing is available or wanted: a need for a Saturday is not served by
# an offer only on working days. Matched like concepts, but kept apart from them: a shared
# Saturday makes two listings no more alike.
WHEN: dict[str, tuple[str, ...]] = {
    "weekend": ("sobot", "niedziel", "weekend", "saturday", "sunday"),
    "weekdays": ("dni robocz", "dni powszedn", "dzien robocz", "dzien powszedn",
                 "w tygodniu", "weekday", "poniedzial", "wtor", "sroda ", "srody ", "srode ",
                 "czwart", "piatek", "piatki", "working day", "monday", "tuesday", "wednesday",
                 "thursday", "friday", "pon pt ", "pn pt ", "pon piat", "mon fri "),
    # "Wieczory i weekendy": evenings of working days too (see features.when_of).
    "evenings": ("wieczor", "evening"),
}

# Words that make a part of the week the only one: "tylko w weekendy", "weekdays only".
ONLY = "tylko|wylacznie|jedynie|only"

# A need that speaks of one and an offer that speaks only of the other do not meet:
# a seniors' trip needs a bus, not a delivery van.
CONFLICTS: tuple[tuple[str, str], ...] = (
    ("people_transport", "goods_transport"),
    ("english", "polish_for_foreigners"),
)

STOPWORDS = _words("""
a aby albo ale bardzo bez by byc byl bedzie bo chcemy ci co czy dla do dzien dwa gdy go
i ich im ja jak jako jakis jest jestesmy jej jego jeden jesli juz kazdy kiedy ktory ktora
ktore ktorzy lub ma mamy mi moze mozemy mozna my na nad nam nas naszej nasz nasza nasze
naszego naszych nie niz o od oraz po pod potrzebujemy potrzebny potrzebna potrzebne przez
przy sa se sie sobie ta tak tam te tego tej ten to tu tych tym u w we wiec wszystkich
z za ze zeby oferujemy udostepnimy szukamy chetnie ok np itp itd rok roku raz razy
the and for with our we of to in on at a an is are be can will need needs looking
offer offers us you your from by as or per up about
potrzebowac potrzebny potrzeba chciec chcialby szukac moc miec mama moj byc bedziemy
wystarczyc prosic ktos cos gdzie kilka kilkoro okolo caly bardzo swoj wasz twoj oferowac
udostepniac udostepnic zorganizowac organizowac
want wanta would like their them they this that who which some all any have has get
also please it its was were been into
""")
