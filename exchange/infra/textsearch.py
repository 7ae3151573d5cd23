"""Polish-aware full-text search: fold diacritics, lemmatise, and query SQLite FTS5 or PostgreSQL.

Both databases index the same words, computed here in Python: every word of a text both
as written and as its lemma, lower-cased with diacritics removed ("Salę" → "sale", "sala").
A query word matches a document when its lemma is there, or when a document word starts
with the query word as typed — so "sali", "salę" and "sala" meet, and "swietlica" finds
"Świetlica", whatever the lemmatiser makes of a word it does not know.
"""
from __future__ import annotations

import re
import threading
import unicodedata
from functools import lru_cache

from simplemma import Lemmatizer
from simplemma.strategies import DefaultStrategy
from simplemma.strategies.dictionaries.trie_dictionary_factory import TrieDictionaryFactory

MAX_QUERY_WORDS = 8
MIN_PREFIX_LENGTH = 4  # shorter prefixes ("sa*") match too much to help
_WORD = re.compile(r"\w+", re.UNICODE)
# Letters NFKD does not decompose.
_FOLD = str.maketrans({"ł": "l", "Ł": "l", "ø": "o", "đ": "d", "ß": "ss"})


def fold_text(text: str) -> str:
    """Lower-case TEXT and strip its diacritics ("Świetlica" → "swietlica")."""
    return unicodedata.normalize("NFKD", text.translate(_FOLD).casefold()).translate(_MARKS)


# Cached, for words: it is called once per word of every listing analysed, and the words of
# listings are few and repeat (rebuilding the index for 100,000 listings folds millions of
# them). A whole text rarely comes twice: fold_text, which keeps nothing.
fold = lru_cache(maxsize=200_000)(fold_text)


class _CombiningMarks(dict):
    """A str.translate table deleting combining marks, filled in as characters are met, so
    that stripping diacritics runs at the speed of translate instead of a loop per letter."""

    def __missing__(self, code: int) -> int | None:
        kept = self[code] = None if unicodedata.combining(chr(code)) else code
        return kept


_MARKS = _CombiningMarks()


# simplemma's dictionaries as MARISA tries, built once and kept in the user's cache
# directory (~/.cache/simplemma; `make install` builds them). Loading the Polish one takes
# 20 ms and 21 MB, where simplemma's default, a dict decoded at every start, takes 5 s and
# 410 MB in each process that lemmatises. The lemmas are the same.
DICTIONARIES = TrieDictionaryFactory()
LEMMATIZER = Lemmatizer(lemmatization_strategy=DefaultStrategy(dictionary_factory=DICTIONARIES))


_loaded: set[str] = set()
_loading = threading.Lock()


def lemmatise(word: str, language: str) -> str:
    """simplemma's lemma of WORD in LANGUAGE ("pl", "en"); WORD when it does not know it."""
    if language not in _loaded:
        # One thread loads a dictionary (or builds and saves its trie) while the others
        # wait, instead of all of them building it and writing the same file at once.
        with _loading:
            DICTIONARIES.get_dictionary(language)
            _loaded.add(language)
    return LEMMATIZER.lemmatize(word, language)


def load_dictionaries() -> None:
    """Load the lemmatiser's dictionaries now, building their tries first if not cached."""
    for language in ("pl", "en"):
        lemmatise("sala", language)


@lru_cache(maxsize=200_000)
def lemma(word: str) -> str:
    """The folded Polish lemma of WORD (itself, folded, when the lemmatiser does not know it)."""
    return fold(lemmatise(word.casefold(), "pl"))


def words(text: str) -> list[str]:
    return [w for w in _WORD.findall(text or "") if not w.isdigit() or len(w) > 1]


def index_text(*texts: str) -> str:
    """The words to index for TEXTS: each word folded, and its folded lemma."""
    seen: dict[str, None] = {}
    for text in texts:
        for word in words(text):
            seen.setdefault(fold(word))
            seen.setdefault(lemma(word))
    return " ".join(seen)


def query_words(query: str) -> list[tuple[str, str]]:
    """(lemma, folded word) for each word of QUERY, at most MAX_QUERY_WORDS of them."""
    result = []
    for word in words(query)[:MAX_QUERY_WORDS]:
        result.append((lemma(word), fold(word)))
    return result


def _safe(term: str) -> str:
    return re.sub(r"[^\w]", "", term)


def _expression(query: str, *, exact: str, prefix: str, either: str, both: str) -> str | None:
    """Each query word as (lemma OR typed prefix), all of them required, in a database's syntax."""
    clauses = []
    for lem, folded in query_words(query):
        options = [exact.format(_safe(lem))]
        if len(folded) >= MIN_PREFIX_LENGTH:
            options.append(prefix.format(_safe(folded)))
        elif folded != lem:
            options.append(exact.format(_safe(folded)))
        clauses.append("(" + either.join(options) + ")")
    return both.join(clauses) or None


def fts5_query(query: str) -> str | None:
    """An SQLite FTS5 MATCH expression for QUERY, or None when it has no words."""
    return _expression(query, exact='"{}"', prefix='"{}"*', either=" OR ", both=" AND ")


def tsquery(query: str) -> str | None:
    """A PostgreSQL to_tsquery('simple', …) expression for QUERY, or None when it has no words."""
    return _expression(query, exact="'{}'", prefix="'{}':*", either=" | ", both=" & ")
