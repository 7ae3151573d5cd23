"""Matching: score offers against needs over plain data, and keep an index to answer fast."""
from exchange.matching.features import Item, item_from_listing, make_item
from exchange.matching.index import MatchIndex
from exchange.matching.scoring import Match, score

__all__ = ["Item", "Match", "MatchIndex", "item_from_listing", "make_item", "score"]
