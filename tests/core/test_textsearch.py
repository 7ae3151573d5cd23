"""Folding and lemmatising words the way Polish users type them."""
from __future__ import annotations

from exchange.infra import textsearch


def test_fold_removes_case_and_diacritics():
    assert textsearch.fold("Świetlica ŁÓDŹ żółć") == "swietlica lodz zolc"


def test_index_text_holds_words_and_lemmas():
    terms = textsearch.index_text("Sala konferencyjna z rzutnikiem").split()
    assert {"sala", "rzutnikiem", "rzutnik"} <= set(terms)
    assert len(terms) == len(set(terms))


def test_queries_match_inflected_forms_through_lemmas_and_prefixes():
    assert textsearch.fts5_query("sali") == '("sala" OR "sali"*)'
    assert textsearch.fts5_query("Salę, rzutnik!") == '("sala" OR "sale"*) AND ("rzutnik" OR "rzutnik"*)'
    assert textsearch.tsquery("swietlicy") == "('swietlica' | 'swietlicy':*)"


def test_short_words_are_not_used_as_prefixes():
    assert "*" not in textsearch.fts5_query("IT") and '"it"' in textsearch.fts5_query("IT")


def test_queries_without_words_are_none():
    assert textsearch.fts5_query(" ,.; ") is None
    assert textsearch.tsquery("") is None


def test_query_punctuation_cannot_break_the_match_syntax():
    assert textsearch.fts5_query('sala" OR *') == '("sala" OR "sala"*) AND ("or")'


def test_the_dictionaries_are_kept_as_tries_that_later_processes_load():
    """simplemma's default decodes its Polish dictionary in every process (5 s, 410 MB);
    the tries are built once into the cache directory and loaded from there."""
    textsearch.load_dictionaries()
    cache = textsearch.DICTIONARIES._cache_dir     # simplemma's: ~/.cache/simplemma/…
    assert {"pl.dic", "en.dic"} <= {path.name for path in cache.iterdir()}
    assert [textsearch.lemma(w) for w in ("sali", "Salę", "komputerowej")] == \
        ["sala", "sala", "komputerowy"]


def test_one_thread_loads_a_dictionary_while_the_others_wait(monkeypatch):
    """Web threads lemmatising at once: one builds (or loads) the trie, the others wait for
    it, instead of each building it and writing the same cache file at the same moment."""
    import threading
    import time

    from simplemma import Lemmatizer
    from simplemma.strategies import DefaultStrategy

    loads = []

    class Counted(type(textsearch.DICTIONARIES)):
        def _get_dictionary_uncached(self, lang):
            loads.append(lang)
            time.sleep(0.3)
            return super()._get_dictionary_uncached(lang)

    textsearch.load_dictionaries()       # the tries are on disk: loading them is quick
    dictionaries = Counted(disk_cache_dir=str(textsearch.DICTIONARIES._cache_dir))
    monkeypatch.setattr(textsearch, "DICTIONARIES", dictionaries)
    monkeypatch.setattr(textsearch, "LEMMATIZER", Lemmatizer(
        lemmatization_strategy=DefaultStrategy(dictionary_factory=dictionaries)))
    monkeypatch.setattr(textsearch, "_loaded", set(), raising=False)
    results = []
    threads = [threading.Thread(target=lambda: results.append(textsearch.lemmatise("sali", "pl")))
               for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert loads == ["pl"] and results == ["sala"] * 4
