"""What the web and the API share about saved searches: their filters in the reader's words."""
from __future__ import annotations

from typing import Any, Mapping

from flask_babel import gettext

from exchange.http.labels import CATEGORY_LABELS, KIND_LABELS, SECTOR_LABELS
from models import Category, ListingKind, Sector

_LABELS = (("kind", ListingKind, KIND_LABELS), ("category", Category, CATEGORY_LABELS),
           ("sector", Sector, SECTOR_LABELS))


def label_of(raw: Mapping[str, Any]) -> str:
    """The filters of RAW in words, e.g. "Offer · Rooms and venues · Tczew · “sala”"."""
    parts = []
    for name, enum, labels in _LABELS:
        value = raw.get(name)
        try:
            parts.append(str(labels[enum(value)]))
        except (ValueError, KeyError):
            continue  # not set, or not valid: the core refuses the latter
    municipality = raw.get("municipality")
    if isinstance(municipality, str) and municipality.strip():
        parts.append(" ".join(municipality.split()))
    q = raw.get("q")
    if isinstance(q, str) and q.strip():
        parts.append(gettext("“%(words)s”", words=" ".join(q.split())))
    return " · ".join(parts)
