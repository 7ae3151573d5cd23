"""Matching: score offers against needs over plain data, and keep an index to answer fast."""
from exchange.core.matching.features import Item, item_from_listing, make_item
from exchange.core.matching.index import MatchIndex
from exchange.core.matching.scoring import Match, score

__all__ = ["Item", "Match", "MatchIndex", "item_from_listing", "make_item", "score"]
