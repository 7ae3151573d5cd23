"""The no-money rule: find the fragment of a text that offers or asks for payment.

A text gets one of three verdicts (``check_money``):

- CERTAIN: it offers or asks for payment (an amount with a currency, a price, "zapłacimy",
  "sprzedam", rent for a fee, a transfer or donation to an account "w zamian za" something).
  Every form and import refuses it.
- AMBIGUOUS: a word that often but not always means money ("wynajem", "pieniądze", "sponsor",
  "budżet", "dotacja", "opłata" without an amount…). A listing takes it once its author
  confirms "this is not a payment"; an import takes it and lists it as a warning; contracts,
  event notes and registrations take it (both parties review a contract, the notary checks
  every deal at the desk).
- None: nothing about money.

The labelled texts in tests/data/money_sentences.json and bench/money_quality.py measure it.
"""
from __future__ import annotations

import enum
import re
import unicodedata
from typing import Mapping, NamedTuple

from exchange.core.errors import Errors, Msg

# Edge decisions (tests/core/test_money.py pins each one):
# - "koszt(y)" / "cost(s)" alone is not money talk: "zwrot kosztów dojazdu" passes, because a
#   contribution to transport or material costs is the tolerated exception and belongs in its
#   own labelled field; an amount with a currency is flagged wherever it appears.
# - Only first-person buying ("kupię", "kupimy", "we'll buy") is flagged; the infinitive is
#   not, so "pomożemy seniorom kupić leki" and "kupić czas" pass.
# - "payroll" passes: it names a field of expertise (payroll advice is a resource), not a price.
# - "cenie" is both "cena" (price) and "cenię" (I value) once diacritics are gone, so it counts
#   only after a preposition: "w (niskiej) cenie", "po cenie".
# - "gr" counts as grosze only without a full stop: "3 gr." is usually three groups of pupils.
# - "faktura" is flagged even though it also means texture in art classes; rephrasing is cheap.
# - "sprzedawca" (a shop assistant, offered as staff time) and "zakupy" (shopping for seniors)
#   pass; "sprzedam", "sprzedaż", "wynajem" and "rent" are flagged.
# - Money words preceded by a negation ("bez opłat", "nie pobieramy żadnych opłat",
#   "bez wynagrodzenia", "free of charge", "no fee", "not paid") pass; "bez dodatkowych opłat"
#   does not, since it implies a base fee.

# A number as people type prices: 50, 50,00, 1 200,50, 1.200, 1,200.50, 50,-
_NUM = r"(?:\d{1,3}(?:[ .,]\d{3})+|\d+)(?:[.,]\d{1,2})?(?:,-)?"
_AMOUNT = rf"(?<![\d.,:]){_NUM}(?:\s*[-–—]\s*{_NUM})?"
_CURRENCY_AFTER = (r"(?:zl(?:ot(?:ych|e|y|ow\w*))?|pln|euro?|usd|gbp|chf|dolar\w*|grosz\w*"
                   r"|gr(?!\.)|[€$£])(?!\w)")

# A negation right before a money word turns it into a promise that there is no money.
_NEGATION = (r"(?:\bbez|\bbrak|\bzadn\w*|\bjakichkolwiek|\bnie(?:\s+\w+)?|\bwoln\w*\s+od"
             r"|\bzwolnion\w*\s+z|\bno|\bnot|\bnever|\bwithout|\bfree\s+of|\bzero|\bnon)"
             r"(?:\s+(?:zadn\w*|jakichkolwiek|pobierania|any|a|an|the))?")


class Level(enum.StrEnum):
    CERTAIN = "certain"        # refused everywhere
    AMBIGUOUS = "ambiguous"    # a warning the author confirms ("this is not a payment")


class Verdict(NamedTuple):
    level: Level
    fragment: str   # quoted exactly as typed


class MoneyWarning(NamedTuple):
    """An ambiguous FRAGMENT in FIELD: taken once someone confirms it is not a payment."""
    field: str
    fragment: str


class _Rule(NamedTuple):
    level: Level
    pattern: re.Pattern[str]
    unless_after: re.Pattern[str] | None  # context before the match that makes it innocent


def _rule(level: Level, pattern: str, unless_after: str | None = _NEGATION) -> _Rule:
    """UNLESS_AFTER is what, ending right before the match, makes it innocent."""
    return _Rule(level, re.compile(pattern),
                 re.compile(rf"(?:{unless_after})[\s-]*$") if unless_after else None)


C, A = Level.CERTAIN, Level.AMBIGUOUS
# Words for money moving to an account, and the account itself.
_GIVING = r"(?:przelew\w*|przel(?:ac|ej|eja|ejcie|ejesz|ejemy|ac)\w*|wplat\w*|wplac\w*|darowizn\w*|datk\w*|datek)"
_ACCOUNT = r"(?:kont(?:o|a|u)|rachun(?:ek|ku|kiem)|subkont\w*)"

_RULES = (
    # Amounts with a currency after them: 50 zł, 50zł, 20 złotych, 5 tys. zł, 30€, 15 gr.
    # "złote medale" and "złote gody" are gold, not zloty.
    _rule(C, rf"{_AMOUNT}(?:\s*(?:tys\.?|tysi[ae]c\w*|mln|k))?\s*{_CURRENCY_AFTER}"
          r"(?!\s+(?:medal|krzyz|god|raczk|odznak))", None),
    # Amounts with the currency first: PLN 200, €30, $20. Not "euro", which names events.
    _rule(C, rf"(?:(?<!\w)(?:pln|eur|usd|gbp|chf)|[€$£])\s*{_NUM}", None),
    # A currency with no amount: "ceny w PLN", "za złotówkę", "płatne w €".
    _rule(C, r"(?<!\w)(?:zl|pln|usd|eur|gbp|chf|zlotow\w*)(?!\w)|[€$£]"),
    # A number per hour is a rate even without a currency: 50/h, 40 za godzinę, 20 per hour.
    _rule(C, r"(?<![\d.,:])\d+(?:[.,]\d{1,2})?\s*(?:/\s*(?:h|hr|godz\.?|godzine)|za\s+godz(?:\.|ine)"
          r"|per\s+hour|an?\s+hour)(?!\w)", None),
    # A Polish bank account number (26 digits, usually in groups of four).
    _rule(C, r"(?<!\d)(?:pl\s?)?\d{2}(?:\s?\d{4}){6}(?!\d)", None),
    _rule(C, rf"(?<!\w)(?:numer|nr\.?)\s+(?:naszego\s+|nasz\s+)?{_ACCOUNT}(?!\w)"),
    # Cena in every case but the ambiguous "cenie", the price list, price adjectives.
    # "cenimy", "cenne", "scena" must stay clear.
    _rule(C, r"(?<!\w)(?:cen(?:a|y|e|om|ami|ach)?|cennik\w*|cenow\w*)(?!\w)"),
    _rule(C, r"(?<!\w)(?:w|po|o|przy)(?:\s+\w+)?\s+(?P<m>cenie)(?!\w)"),
    # "za opłatą", "za wpłatą", "opłata za…": a fee for something.
    _rule(C, r"(?<!\w)za\s+(?:\w+\s+)?(?:oplat[ae]|wplat[ae]|odplatnosci[ae]?)(?!\w)"),
    _rule(C, r"(?<!\w)(?P<m>oplat\w*|odplatnosc\w*)\s+za(?!\w)"),
    # Paying, first person or asked of the reader: zapłacimy, zapłać, opłacimy, płacimy…
    # "opłaca się" (it is worth it) stays clear.
    _rule(C, r"(?<!\w)(?:za|o)plac(?:e|imy|i|isz|icie|ic|ic\w+|ila|ilem|ony|ona|one)(?!\w)"
          r"(?!\s+sie(?!\w))|(?<!\w)zaplac(?!\w)|(?<!\w)zaplata(?!\w)", rf"{_NEGATION}|\bsie"),
    _rule(C, r"(?<!\w)plac(?:ic|imy|isz|i|icie|il\w*|e|ony|ona|one)(?!\w)"),
    # płatny, płatne, odpłatnie: "bezpłatnie", "nieodpłatnie", "płatki", "płatniczy" stay clear.
    _rule(C, r"(?<!\w)(?:od)?platn(?:y|e|a|ych|ym|ymi|ej|ie|ego|emu)(?!\w)"),
    # A payment said how it is made.
    _rule(C, r"(?<!\w)(?P<m>platnos\w*|payments?)\s+(?:z\s+gory|przy\s+odbiorze"
          r"|przelewem|gotowk\w*|karta|blik\w*|in\s+advance|upfront|on\s+delivery|by\s+card"
          r"|in\s+cash)(?!\w)"),
    # Money sent to an account, or given in return for something: disguised payment.
    _rule(C, rf"(?<!\w){_GIVING}(?:\s+\w+){{0,4}}?\s+na\s+(?:\w+\s+){{0,3}}?{_ACCOUNT}(?!\w)"),
    _rule(C, rf"(?<!\w)w\s+zamian\s+za\s+(?:\w+\s+){{0,2}}?{_GIVING}(?!\w)"),
    _rule(C, rf"(?<!\w)(?:{_GIVING}|cegielk\w*)\s+(?:\w+\s+){{0,3}}?w\s+wysokosci(?!\w)"),
    _rule(C, r"(?<!\w)in\s+(?:exchange|return)\s+for\s+(?:an?\s+|the\s+|your\s+)?(?:\w+\s+)?"
          r"(?:donations?|transfers?|payments?|money|cash|contributions?)(?!\w)"),
    _rule(C, r"(?<!\w)(?:donations?|transfers?|payments?)\s+(?:\w+\s+){0,3}?(?:to|into)\s+"
          r"(?:our|the|your|their)\s+(?:bank\s+)?account(?!\w)"),
    # Pay for work and its papers.
    _rule(C, r"(?<!\w)(?:pensj(?:a|i|e|ami|om|ach)?|honorari\w*"
          r"|stawk(?:a|i|e|om|ami|ach)(?:\s+godzinow\w*)?|stawek|faktur\w*|gotowk\w*)(?!\w)"),
    _rule(C, r"(?<!\w)(?:oferuj\w*|gwarantuj\w*|zapewniamy|proponujemy|z|za)\s+(?:\w+\s+)?"
          r"(?P<m>wynagrodz\w*)(?!\w)"),
    _rule(C, r"(?<!\w)(?P<m>wynagrodzenie)\s+(?:do\s+uzgodnienia|wedlug|zgodnie|\d)"),
    # Selling and buying; "sprzedawca" is a person, "zakupy" is help with shopping.
    _rule(C, r"(?<!\w)(?:(?:od)?sprzeda(?!wc)\w*|(?:od)?kup(?:ie|imy|uje|ujemy)|kupno)(?!\w)"),
    # Rent offered as such: "do wynajęcia", "for rent", "rent out".
    _rule(C, r"(?<!\w)(?:do\s+wynajeci\w*|pod\s+wynajem|for\s+rent|rent(?:s|ing|ed)?\s+out)(?!\w)"),
    # A discount is off a price.
    _rule(C, r"(?<!\w)(?:rabat\w*|znizk\w*|discount\w*)\s+(?:\w+\s+)?\d+\s*%|\d+\s*%\s+"
          r"(?:rabatu|znizki|discount|off)(?!\w)"),
    # Haggling; "termin do negocjacji" is about a date.
    _rule(C, r"(?<!\w)do\s+negocjacji(?!\w)",
          r"\btermin\w*|\bdat\w*|\bgodzin\w*|\bdni|\bdzien|\bszczegol\w*|\bzakres\w*"),
    # English price words; "feedback", "priceless", "payroll", "unpaid" stay clear.
    _rule(C, r"(?<!\w)(?:pric(?:e|es|ed)|fees?|paid|payable|salar(?:y|ies)|wages"
          r"|invoic\w*|sell(?:s|ing)?|sold|hourly\s+rate|best\s+offer)(?!\w)(?!-free)"),
    _rule(C, r"(?<!\w)(?:(?:a|the|minimum|hourly|daily|living|fair)\s+)(?P<m>wage)(?!\w)"),
    _rule(C, r"(?<!\w)(?:for|on)\s+sale(?!\w)"),
    _rule(C, r"(?<!\w)(?:cost|rate|price)s?\s+(?:per|an?)\s+hour(?!\w)"),
    _rule(C, r"(?<!\w)(?:(?:we|i)(?:'ll|\s+will|\s+would)?\s+|(?:want|wants|looking|wish)\s+to\s+)"
          r"(?P<m>buy)(?!\w)"),
    # "pay" but not "pay attention", "pay a visit", "pay tribute", "pay it forward".
    _rule(C, r"(?<!\w)pay(?:s|ing)?(?!\w)(?!\s+(?:attention|a\s+visits?|visits?|tribute|homage"
          r"|(?:our\s+|their\s+|your\s+)?respects|it\s+forward))"),
    # Charges as fees: not "free of charge", "no charge", "in charge", "take charge".
    _rule(C, r"(?<!\w)charge[sd]?(?!\w)",
          rf"{_NEGATION}|\bin|\btak\w*|\btook"),

    # Ambiguous: words that often, not always, mean money. A finance lesson, free use of a
    # room ("bez najmu"), a grant application or a sponsor of prizes in kind are honest.
    # opłata, dopłata, wypłata (not "opłatek", the Christmas wafer).
    _rule(A, r"(?<!\w)(?:wy|do|o)plat(?!e?k)\w*(?!\w)", rf"{_NEGATION}|\bsie"),
    _rule(A, r"(?<!\w)(?:platnos\w*|platnicz\w*|payments?)(?!\w)"),
    _rule(A, r"(?<!\w)(?:wynagrodz\w*|kwot\w*|przelew\w*|wplat\w*|wplac\w*|datk\w*|datek"
          r"|darowizn\w*|cegielk\w*|wpisowe\w*|czynsz\w*|kaucj\w*|vat|pieni(?:adz|edz|ezn)\w*"
          r"|wycen\w*|tanio|tani(?:e|a|y)|rabat\w*|znizk\w*|odplatnos\w*|zarobk?\w*|zarobi\w*"
          r"|(?:wy)?naj(?:em|mu|mem|mie|mowa|mow\w*)|wynaj\w*|podnaj\w*"
          r"|sponsor\w*|dotacj\w*|dofinansowani\w*|kredyt\w*|pozyczk\w*)(?!\w)"),
    # A budget, but not a household's, a civic one or the state's: those are lessons.
    _rule(A, r"(?<!\w)budze(?:t|tu|tem|cie|ty|tow|towy\w*|towe\w*)(?!\w)"
          r"(?!\s+(?:domow|obywatelsk|partycypacyjn|panstw|rodzinn|osobist))"),
    _rule(A, r"(?<!\w)(?:money|cash|rent(?:s|al|als|ed|ing)?|budget\w*|sponsor\w*|donations?"
          r"|pricing|tips?|cheap|discount\w*|deposit)(?!\w)(?!-free)"),
)
del C, A


def _fold(text: str) -> tuple[str, list[int]]:
    """Lower-case TEXT without diacritics, and the index in TEXT of every folded character.

    Each character folds on its own, so a character that vanishes (a combining mark) or
    expands ("ß" → "ss") still maps back to where it came from.
    """
    folded: list[str] = []
    origin: list[int] = []
    for i, char in enumerate(text):
        if char in "łŁ":  # NFKD has no decomposition for ł
            plain = "l"
        elif char in "’‘":
            plain = "'"
        else:
            plain = "".join(c for c in unicodedata.normalize("NFKD", char)
                            if not unicodedata.combining(c)).casefold()
        folded.extend(plain)
        origin.extend([i] * len(plain))
    return "".join(folded), origin


def check_money(text: str) -> Verdict | None:
    """The verdict on TEXT: the first certain fragment if there is one, else the first
    ambiguous one, else None. The fragment is quoted exactly as typed."""
    if not text:
        return None
    folded, origin = _fold(text)
    best: dict[Level, tuple[int, int]] = {}
    for rule in _RULES:
        for match in rule.pattern.finditer(folded):
            start, end = match.span("m") if "m" in rule.pattern.groupindex else match.span()
            if rule.unless_after and rule.unless_after.search(folded, max(0, start - 60), start):
                continue
            found = best.get(rule.level)
            if found is None or (start, -end) < (found[0], -found[1]):
                best[rule.level] = (start, end)
            break  # later matches of this rule start later
    level = Level.CERTAIN if Level.CERTAIN in best else Level.AMBIGUOUS
    if level not in best:
        return None
    start, end = origin[best[level][0]], origin[best[level][1] - 1] + 1
    while end < len(text) and unicodedata.combining(text[end]):
        end += 1  # keep a decomposed accent with its letter
    return Verdict(level, text[start:end])


def find_money(text: str) -> str | None:
    """Return the fragment of TEXT that certainly offers or asks for money, or None.

    The fragment is quoted exactly as typed; when there are several, the first one in TEXT.
    """
    verdict = check_money(text)
    return verdict.fragment if verdict and verdict.level is Level.CERTAIN else None


def money_message(fragment: str) -> Msg:
    """What the rule says to someone whose text asks for money (FRAGMENT, quoted as typed)."""
    return Msg("Giełda exchanges resources, never money: remove “%(fragment)s”. If the deal "
               "needs a contribution to transport or material costs, say so in the field for it.",
               fragment=fragment)


def confirmation_message(words: str) -> Msg:
    """What the rule asks of someone whose texts have ambiguous WORDS ("najmu; sponsora")."""
    return Msg("Words that may be about money: “%(words)s”. Giełda exchanges resources, never "
               "money: if this is not a payment, tick “This is not a payment”; otherwise change "
               "the words.", words=words)


def money_check(fields: Mapping[str, str | None]) -> tuple[Errors, list[MoneyWarning]]:
    """Check FIELDS (name → text): the errors of the certain ones (the no-money message) and
    a warning for each field whose text is only ambiguous.

    Listings (exchange/core/listings.py) and imports use it; a caller that takes the warnings
    records who confirmed them.
    """
    errors = Errors()
    warnings: list[MoneyWarning] = []
    for name, text in fields.items():
        verdict = check_money(text or "")
        if verdict is None:
            continue
        if verdict.level is Level.CERTAIN:
            errors.add(name, money_message(verdict.fragment))
        else:
            warnings.append(MoneyWarning(name, verdict.fragment))
    return errors, warnings


def refuse_money(errors: Errors, fields: Mapping[str, str | None]) -> None:
    """Add to ERRORS the no-money message for each of FIELDS (name → text) that certainly asks
    for money: every form and import that takes free text calls this (or money_check), so the
    rule is said one way. Ambiguous words pass here: contracts are reviewed by both parties."""
    for name, text in fields.items():
        fragment = find_money(text or "")
        if fragment:
            errors.add(name, money_message(fragment))
