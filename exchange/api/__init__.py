"""The JSON API under /api/v1: public reads, token-authorised changes, an OpenAPI document.

Its blueprint is in exchange/api/base.py; importing this package adds every endpoint to it."""
from __future__ import annotations

from exchange.api import (  # noqa: F401 (routes)
    contracts,
    events,
    listings,
    open_data,
    openapi,
    organizations,
    partnership_meetings,
    partnership_plan,
    partnerships,
    passwords,
    preferences,
    searches,
    tokens,
)
from exchange.api.base import bp

__all__ = ["bp"]
