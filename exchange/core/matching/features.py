"""Listings as plain data for matching: folded lemmas, domain concepts, capacity, place, dates.

A title says what a listing is, and its head (the words before the first "for", "with",
"in", a dash or a colon: "Sala gimnastyczna" in "Sala gimnastyczna z szatniami na turnieje")
says it most plainly; the description adds context. Items keep the head's and the title's
terms and concepts apart so that scoring can weigh them more.
"""
from __future__ import annotations

import gc
import multiprocessing
import multiprocessing.pool
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from itertools import islice

from exchange.core.matching.lexicon import CONCEPTS, GENERIC_HEADS, ONLY, STOPWORDS, WHEN
from exchange.core.matching.parallel import can_fork
from exchange.infra.textsearch import fold, fold_text, lemma, lemmatise, load_dictionaries, words

_CAPACITY = re.compile(
    r"(\d{1,4})\s*(?:-\s*)?(?:os(?:ob|\.|obow)|osobow|miejsc|uczestnik|stanowisk|krzesel|"
    r"komputer|laptop|lozek|lozk|czlonk|sluchacz|uczni|dzieci|senior|pasazer|zawodnik|"
    r"people|persons|seats|guests|participants|members|pupils|children|kids|laptops|computers)")
# Where the head of a title ends: punctuation, or a word that starts a complement.
_HEAD_END = re.compile(r"[–—:;,.?!()]|\s-\s")
_NEGATIONS = frozenset({"bez", "nie", "no", "not", "without"})
_TOPIC = frozenset({"z", "ze", "o", "w", "we", "na", "przy", "on", "about", "in", "of", "with"})
_HEAD_BREAK = _TOPIC | {"do", "dla", "od", "po", "u", "for", "to", "at", "from", "by"}


@dataclass(frozen=True)
class Item:
    """One listing as matching sees it: no database, no Flask."""

    id: int
    organization_id: int
    kind: str                     # "offer" | "need"
    category: str
    title: str
    terms: frozenset[str]         # folded lemmas of content words
    title_terms: frozenset[str]   # those of the title, which says what the listing is
    concepts: frozenset[str]
    quantity: int
    remaining: int
    unit: str
    municipality: str
    latitude: float | None = None
    longitude: float | None = None
    available_from: date | None = None
    available_until: date | None = None
    capacity: int | None = None   # people a room, bus or event holds, when the text says
    head_terms: frozenset[str] = frozenset()      # of the title's head: what the listing is
    title_concepts: frozenset[str] = frozenset()
    head_concepts: frozenset[str] = frozenset()
    when: frozenset[str] = frozenset()            # "weekend", "weekdays": when it is wanted or free
    places: frozenset[str] = frozenset()          # the terms that name its own municipality
    labels: tuple[tuple[str, str], ...] = ()      # term → a word to show ("komput" → "komputerowy")

    def label(self, term_: str) -> str:
        return next((word for t, word in self.labels if t == term_), term_)


@lru_cache(maxsize=2)
def _stems_by_start(lexicon: str) -> tuple[dict, dict]:
    """The lexicon's (stem, concept) pairs: those of one word ("sal", or "sala " for the word
    "sala" alone) by the stem's first two characters (stems have at least three), and those
    of several words ("w tygodniu"), which have to be matched in the text, by their first
    word, which is whole ("w")."""
    one: dict[str, list[tuple[str, str]]] = {}
    several: dict[str, list[tuple[str, str]]] = {}
    for concept, stems in (WHEN if lexicon == "when" else CONCEPTS).items():
        for stem_ in stems:
            if " " in stem_.rstrip(" "):
                several.setdefault(stem_.split(" ", 1)[0], []).append((stem_, concept))
            else:
                one.setdefault(stem_[:2], []).append((stem_, concept))
    return ({k: tuple(v) for k, v in one.items()}, {k: tuple(v) for k, v in several.items()})


def _word_concepts(word: str, lexicon: str) -> frozenset[str]:
    """The concepts whose one-word stems start WORD (or, ending in a space, are WORD)."""
    return frozenset(concept for stem_, concept in _stems_by_start(lexicon)[0].get(word[:2], ())
                     if (word == stem_[:-1] if stem_.endswith(" ") else word.startswith(stem_)))


_WORD_LOOKUP = {lexicon: lru_cache(maxsize=200_000)(
    lambda word, lexicon=lexicon: _word_concepts(word, lexicon)) for lexicon in ("concepts", "when")}


@lru_cache(maxsize=100_000)
def _concepts_of(folded_text: str, lexicon: str = "concepts") -> frozenset[str]:
    """The concepts whose stems start a word of FOLDED_TEXT, except right after a "without"
    ("bez przewozu osób" is no transport). Words repeat across listings, so what one word
    says is looked up once; a stem of several words is matched in the text only where its
    first word is one of the text's."""
    several = _stems_by_start(lexicon)[1]
    padded = f" {folded_text} "
    words_ = folded_text.split(" ")
    if _NEGATIONS.isdisjoint(words_):  # the usual case: no word to skip, no loop in Python
        found = set().union(*map(_WORD_LOOKUP[lexicon], words_))
        for first in several.keys() & set(words_):
            for stem_, concept in several[first]:
                if concept not in found and " " + stem_ in padded:
                    found.add(concept)
        return frozenset(found)
    found = set()
    start, previous = 1, ""
    for word in words_:
        if previous not in _NEGATIONS:
            found |= _word_concepts(word, lexicon)
            for stem_, concept in several.get(word, ()):
                if padded.startswith(stem_, start):
                    found.add(concept)
        start += len(word) + 1
        previous = word
    return frozenset(found)


@lru_cache(maxsize=200_000)
def term(word: str) -> str:
    """The folded lemma of WORD: Polish first, English for a plain-letter word Polish does not know."""
    lem = lemma(word)
    if word.isascii() and lem == fold(word):
        return fold(lemmatise(word.casefold(), "en"))
    return lem


# Terms are lemmas cut to this many letters: the lemmatiser does not know every form
# ("plakaty" → "plakata", "plakatów" → "plakat") and a word's family shares its start
# ("robot", "robotyka"; "szkolenie", "szkoleniowy").
STEM_LENGTH = 6


def stem(lemma_: str) -> str:
    return lemma_[:STEM_LENGTH]


def _says_something(lemma_: str) -> bool:
    """Whether a term() of a word says something: not a stopword, a number or a short word."""
    return len(lemma_) > 2 and lemma_ not in STOPWORDS and not lemma_.isdigit()


def _content(lemmas: list[str]) -> list[str]:
    """The LEMMAS (term() of words) that say something."""
    return [t for t in lemmas if _says_something(t)]


def _content_terms(tokens: list[str]) -> frozenset[str]:
    return frozenset(map(stem, _content(list(map(term, tokens)))))


def _labels(tokens: list[str], lemmas: list[str]) -> tuple[tuple[str, str], ...]:
    """For each term (a stem) of the TOKENS, whose term()s are LEMMAS, a word to show a
    person: the first word it came from, as shown()."""
    labels: dict[str, str] = {}
    for word, lem in zip(tokens, lemmas):
        if _says_something(lem):
            key = stem(lem)
            if key not in labels:
                labels[key] = shown(word, lem)
    return tuple(labels.items())


def shown(word: str, lemma_: str) -> str:
    """WORD, whose term() is LEMMA_, as reasons show it: its Polish lemma with diacritics
    ("sali" → "sala", "rzutnikiem" → "rzutnik"); but the word itself, lower-cased, where
    the lemmatiser makes a verb of a noun ("nagłośnienie" → "nagłośnić", "malowanie"), or
    where the term is not the Polish lemma (an English word)."""
    lowered = word.casefold()
    polish = lemmatise(lowered, "pl")
    if fold(polish) != lemma_ or (polish.endswith("ć") and not lowered.endswith("ć")):
        return lowered
    return polish


def concepts_in(tokens: list[str], lexicon: str = "concepts") -> frozenset[str]:
    """The domain concepts TOKENS speak of, by their folded forms and their lemmas
    (or, with lexicon="when", the parts of the week: "weekend", "weekdays")."""
    return _concepts(list(map(fold, tokens)), list(map(term, tokens)), lexicon)


def _concepts(folded: list[str], lemmas: list[str], lexicon: str = "concepts") -> frozenset[str]:
    """concepts_in for words already FOLDED and made LEMMAS (term())."""
    return _concepts_of(" ".join(folded), lexicon) | _concepts_of(" ".join(lemmas), lexicon)


def _only_pattern(stems: tuple[str, ...]) -> re.Pattern:
    said = "|".join(re.escape(s.strip()) for s in stems)
    return re.compile(rf"(?:^| )(?:{ONLY})(?: (?:w|we|na|on|in|at))? (?:{said})"
                      rf"|(?:^| )(?:{said})[a-z]* only\b")


_ONLY_WHEN = {part: _only_pattern(stems) for part, stems in WHEN.items()}
_WEEKEND_DAY = re.compile(r"\b(?:sobot|niedziel|saturday|sunday)")


def when_of(folded_words: list[str], lemmas: list[str]) -> frozenset[str]:
    """The parts of the week a text names ("weekend", "weekdays"), given its words folded
    and made LEMMAS (term()); when it names both but says one of them "only" ("tylko
    weekendy, w tygodniu lekcje"), that one."""
    found = set(_concepts(folded_words, lemmas, "when"))
    folded = " ".join(folded_words)
    if "evenings" in found:
        found.discard("evenings")
        # "Wieczory i weekendy": free in the evenings of working days too; "sobota
        # wieczorem" names its day, and an evening alone says no part of the week.
        if found == {"weekend"} and not _WEEKEND_DAY.search(folded):
            found.add("weekdays")
    if len(found) > 1:
        only = {part for part in found if _ONLY_WHEN[part].search(folded)}
        if len(only) == 1:
            return frozenset(only)
    return frozenset(found)


def place_terms(municipality: str) -> frozenset[str]:
    """The terms by which a text names MUNICIPALITY ("w Tczewie" → the term of "Tczew")."""
    return _content_terms(words(municipality)[:1])


def head_words(title: str) -> list[str]:
    """The words that say what TITLE is about: up to a complement, without a leading "we need".
    A generic head ("Szkolenie", "Miejsce") goes on through its topic ("z RODO", "w magazynie")."""
    head: list[str] = []
    generic = True
    for word in words(_HEAD_END.split(title, maxsplit=1)[0]):
        folded = fold(word)
        if not head and (folded in STOPWORDS or term(word) in STOPWORDS):
            continue
        if head and folded in _HEAD_BREAK:
            if not (generic and folded in _TOPIC):
                break
            generic = False
        elif generic and head and lemma(word) not in GENERIC_HEADS and folded not in GENERIC_HEADS:
            generic = False
        if not head:
            generic = lemma(word) in GENERIC_HEADS or folded in GENERIC_HEADS
        head.append(word)
    return head


@dataclass(frozen=True)
class Analysis:
    terms: frozenset[str]
    title_terms: frozenset[str]
    head_terms: frozenset[str]
    concepts: frozenset[str]
    title_concepts: frozenset[str]
    head_concepts: frozenset[str]
    capacity: int | None
    when: frozenset[str]
    labels: tuple[tuple[str, str], ...]


def analyse(title: str, description: str) -> Analysis:
    """The terms, concepts and stated capacity of a listing's texts, the title's and its head's."""
    title_tokens, head = words(title), head_words(title)
    tokens = title_tokens + words(description or "")
    folded, lemmas = list(map(fold, tokens)), list(map(term, tokens))
    in_title = len(title_tokens)
    content = _content(lemmas)
    return Analysis(
        terms=frozenset(map(stem, content)),
        title_terms=frozenset(map(stem, _content(lemmas[:in_title]))),
        head_terms=_content_terms([w for w in head if lemma(w) not in GENERIC_HEADS]),
        concepts=_concepts(folded, lemmas),
        title_concepts=_concepts(folded[:in_title], lemmas[:in_title]),
        head_concepts=concepts_in(head),
        capacity=capacity_of(fold_text(f"{title} {description or ''}")),
        when=when_of(folded, lemmas), labels=_labels(tokens, lemmas))


def capacity_of(folded_text: str) -> int | None:
    """The largest number of people the text mentions, e.g. "sala na 80 osob" → 80."""
    numbers = [int(n) for n in _CAPACITY.findall(folded_text)]
    return max(numbers) if numbers else None


def make_item(*, id: int, organization_id: int, kind: str, category: str, title: str,
              description: str = "", quantity: int = 1, remaining: int | None = None,
              unit: str = "other", municipality: str = "", latitude: float | None = None,
              longitude: float | None = None, available_from: date | None = None,
              available_until: date | None = None) -> Item:
    text = analyse(title, description)
    return Item(id=id, organization_id=organization_id, kind=kind, category=category,
                title=title, terms=text.terms, title_terms=text.title_terms,
                concepts=text.concepts, quantity=quantity,
                remaining=quantity if remaining is None else remaining, unit=unit,
                municipality=municipality, latitude=latitude, longitude=longitude,
                available_from=available_from, available_until=available_until,
                capacity=text.capacity, head_terms=text.head_terms,
                title_concepts=text.title_concepts, head_concepts=text.head_concepts,
                when=text.when, places=place_terms(municipality), labels=text.labels)


# What matching reads of a listing: make_item's arguments, by the Listing columns' names.
LISTING_COLUMNS = ("id", "organization_id", "kind", "category", "title", "description",
                   "quantity", "remaining", "unit", "municipality", "latitude", "longitude",
                   "available_from", "available_until")
_CODES = ("kind", "category", "unit")   # enums, passed on as their codes


def listing_fields(listing) -> dict:
    """make_item's arguments for a Listing row (or anything with the same attributes)."""
    fields = {name: getattr(listing, name) for name in LISTING_COLUMNS}
    for name in _CODES:
        fields[name] = str(fields[name])
    return fields


def item_from_listing(listing) -> Item:
    """An Item from a Listing row (or anything with the same attributes)."""
    return make_item(**listing_fields(listing))


PARALLEL_FROM = 5_000   # listings; fewer are analysed sooner than processes start
CHUNK = 2_500           # listings an analyser takes at a time


@contextmanager
def analysers(workers: int, listings: int) -> Iterator[multiprocessing.pool.Pool | None]:
    """WORKERS forked processes to analyse LISTINGS listings with (None when one will do).
    The lemmatiser's dictionaries are loaded first, so that the children share them. Fork
    them before reading the listings and hand `make_items` the rows as they are read: the
    children analyse the first ones while the rest are read. For fewer than PARALLEL_FROM
    listings the calling process analyses them alone, sooner than processes start.
    See exchange.core.matching.parallel for when forking is safe."""
    if workers < 2 or listings < PARALLEL_FROM or not can_fork():
        yield None
        return
    load_dictionaries()
    with multiprocessing.get_context("fork").Pool(workers, initializer=gc.disable) as pool:
        yield pool      # an analyser lives for this work only, and makes nothing cyclic


def _analyse(fields: list[dict]) -> list[Item]:
    return [make_item(**f) for f in fields]


def make_items(fields: Iterable[dict], workers: int = 1, *,
               pool: multiprocessing.pool.Pool | None = None) -> list[Item]:
    """make_item(**f) for each of FIELDS, in order. With a POOL (or WORKERS forked now, for
    many), its processes take them CHUNK at a time, each as soon as it has been read."""
    if pool is None:
        fields = list(fields)
        if len(fields) < PARALLEL_FROM or workers < 2 or not can_fork():
            return _analyse(fields)
        with analysers(workers, len(fields)) as pool:
            return make_items(fields, pool=pool)
    # The results are unpickled here as they come back: collections would pass over the
    # whole growing heap again and again, for nothing cyclic.
    collecting = gc.isenabled()
    gc.disable()
    try:
        rows = iter(fields)
        pending = []
        while chunk := list(islice(rows, CHUNK)):
            pending.append(pool.apply_async(_analyse, (chunk,)))
        return [item for part in pending for item in part.get()]
    finally:
        if collecting:
            gc.enable()
