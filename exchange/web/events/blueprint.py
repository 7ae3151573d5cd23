"""The events' blueprint, which setup, floor, board and report add their routes to."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("events", __name__, url_prefix="/events")
