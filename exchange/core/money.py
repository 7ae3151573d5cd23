"""The no-money rule: find the fragment of a text that offers or asks for payment."""
from __future__ import annotations

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


class _Rule(NamedTuple):
    pattern: re.Pattern[str]
    unless_after: re.Pattern[str] | None  # context before the match that makes it innocent


def _rule(pattern: str, unless_after: str | None = _NEGATION) -> _Rule:
    """UNLESS_AFTER is what, ending right before the match, makes it innocent."""
    return _Rule(re.compile(pattern),
                 re.compile(rf"(?:{unless_after})[\s-]*$") if unless_after else None)


_RULES = (
    # Amounts with a currency after them: 50 zł, 50zł, 20 złotych, 5 tys. zł, 30€, 15 gr.
    # "złote medale" and "złote gody" are gold, not zloty.
    _rule(rf"{_AMOUNT}(?:\s*(?:tys\.?|tysi[ae]c\w*|mln|k))?\s*{_CURRENCY_AFTER}"
          r"(?!\s+(?:medal|krzyz|god|raczk|odznak))", None),
    # Amounts with the currency first: PLN 200, €30, $20. Not "euro", which names events.
    _rule(rf"(?:(?<!\w)(?:pln|eur|usd|gbp|chf)|[€$£])\s*{_NUM}", None),
    # A currency with no amount: "ceny w PLN", "za złotówkę", "płatne w €".
    _rule(r"(?<!\w)(?:zl|pln|usd|eur|gbp|chf|zlotow\w*)(?!\w)|[€$£]"),
    # A number per hour is a rate even without a currency: 50/h, 40 za godzinę, 20 per hour.
    _rule(r"(?<![\d.,:])\d+(?:[.,]\d{1,2})?\s*(?:/\s*(?:h|hr|godz\.?|godzine)|za\s+godz(?:\.|ine)"
          r"|per\s+hour|an?\s+hour)(?!\w)", None),
    # Cena in every case but the ambiguous "cenie", the price list, price adjectives.
    # "cenimy", "cenne", "scena" must stay clear.
    _rule(r"(?<!\w)(?:cen(?:a|y|e|om|ami|ach)?|cennik\w*|cenow\w*)(?!\w)"),
    _rule(r"(?<!\w)(?:w|po|o|przy)(?:\s+\w+)?\s+(?P<m>cenie)(?!\w)"),
    # "za opłatą" quoted whole, before the bare noun below can claim it.
    _rule(r"(?<!\w)za\s+(?:\w+\s+)?oplat[ae](?!\w)"),
    # opłata, dopłata, zapłata, wypłata, opłacić, zapłacimy... but not "opłatek"/"opłatkowe"
    # (the Christmas wafer) nor "opłaca się" (it is worth it).
    _rule(r"(?<!\w)(?:za|wy|do|od|o)pla(?:t(?!e?k)|c(?!aln))\w*(?!\w)(?!\s+sie(?!\w))",
          rf"{_NEGATION}|\bsie"),
    # płacić and płaca; "plac", "place", "placu", "placówka" are squares and facilities.
    _rule(r"(?<!\w)plac(?:ic|imy|isz|i|icie|il\w*|ony|ona|one|eni\w*|a|y)(?!\w)"),
    # płatny, płatne, płatność, odpłatnie; "bezpłatnie", "nieodpłatnie", "płatki" stay clear.
    _rule(r"(?<!\w)(?:od)?platn\w*"),
    # Pay for work, and the documents and transfers of payment.
    _rule(r"(?<!\w)(?:wynagrodz\w*|pensj(?:a|i|e|ami|om|ach)?|honorari\w*|kwot\w*"
          r"|stawk(?:a|i|e|om|ami|ach)(?:\s+godzinow\w*)?|stawek|faktur\w*"
          r"|przelew(?:u|em|y|ow|ach|ami|owo)?|pieni(?:adz|edz|ezn)\w*|gotowk\w*"
          r"|czynsz\w*|kaucj\w*|vat)(?!\w)"),
    # Selling, buying, renting; "sprzedawca" is a person, "zakupy" is help with shopping.
    _rule(r"(?<!\w)(?:sprzeda(?!wc)\w*|(?:od)?kup(?:ie|imy|uje|ujemy)|kupno|wynaj\w*"
          r"|najem|najmu)(?!\w)"),
    # Haggling; "termin do negocjacji" is about a date.
    _rule(r"(?<!\w)do\s+negocjacji(?!\w)",
          r"\btermin\w*|\bdat\w*|\bgodzin\w*|\bdni|\bdzien|\bszczegol\w*|\bzakres\w*"),
    # English price words; "feedback", "priceless", "payroll", "unpaid" stay clear.
    _rule(r"(?<!\w)(?:pric(?:e|es|ed|ing)|fees?|paid|payments?|payable|salar(?:y|ies)|wages"
          r"|invoic\w*|sell(?:s|ing)?|sold|money|cash|rent(?:s|al|als|ed|ing)?"
          r"|hourly\s+rate|(?:bank|wire)\s+transfer)(?!\w)(?!-free)"),
    _rule(r"(?<!\w)(?:(?:a|the|minimum|hourly|daily|living|fair)\s+)(?P<m>wage)(?!\w)"),
    _rule(r"(?<!\w)(?:for|on)\s+sale(?!\w)"),
    _rule(r"(?<!\w)(?:cost|rate|price)s?\s+(?:per|an?)\s+hour(?!\w)"),
    _rule(r"(?<!\w)(?:(?:we|i)(?:'ll|\s+will|\s+would)?\s+|(?:want|wants|looking|wish)\s+to\s+)"
          r"(?P<m>buy)(?!\w)"),
    # "pay" but not "pay attention", "pay a visit", "pay tribute", "pay it forward".
    _rule(r"(?<!\w)pay(?:s|ing)?(?!\w)(?!\s+(?:attention|a\s+visits?|visits?|tribute|homage"
          r"|(?:our\s+|their\s+|your\s+)?respects|it\s+forward))"),
    # Charges as fees: not "free of charge", "no charge", "in charge", "take charge".
    _rule(r"(?<!\w)charge[sd]?(?!\w)",
          rf"{_NEGATION}|\bin|\btak\w*|\btook"),
)


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


def find_money(text: str) -> str | None:
    """Return the fragment of TEXT that offers or asks for money, or None when there is none.

    The fragment is quoted exactly as typed; when there are several, the first one in TEXT.
    """
    if not text:
        return None
    folded, origin = _fold(text)
    best: tuple[int, int] | None = None
    for rule in _RULES:
        for match in rule.pattern.finditer(folded):
            start, end = match.span("m") if "m" in rule.pattern.groupindex else match.span()
            if rule.unless_after and rule.unless_after.search(folded, max(0, start - 60), start):
                continue
            if best is None or (start, -end) < (best[0], -best[1]):
                best = (start, end)
            break  # later matches of this rule start later
    if best is None:
        return None
    start, end = origin[best[0]], origin[best[1] - 1] + 1
    while end < len(text) and unicodedata.combining(text[end]):
        end += 1  # keep a decomposed accent with its letter
    return text[start:end]


def money_message(fragment: str) -> Msg:
    """What the rule says to someone whose text asks for money (FRAGMENT, quoted as typed)."""
    return Msg("Giełda exchanges resources, never money: remove “%(fragment)s”. If the deal "
               "needs a contribution to transport or material costs, say so in the field for it.",
               fragment=fragment)


def refuse_money(errors: Errors, fields: Mapping[str, str | None]) -> None:
    """Add to ERRORS the no-money message for each of FIELDS (name → text) that asks for money:
    every form and import that takes free text calls this, so the rule is said one way."""
    for name, text in fields.items():
        fragment = find_money(text or "")
        if fragment:
            errors.add(name, money_message(fragment))
