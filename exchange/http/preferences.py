"""Notification preferences at the edge: labels, the signed one-click unsubscribe links, and
the router the mail jobs ask how each notification goes."""
from __future__ import annotations

import logging
from typing import Iterable

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy.orm import Session

from exchange.core import preferences
from exchange.http.urls import external_url
from models import Notification, User

log = logging.getLogger(__name__)

KIND_LABELS = {
    preferences.CONTRACTS: _l("Contracts, signatures and deadlines"),
    preferences.PROPOSALS: _l("Proposals of exchanges"),
    preferences.EVENTS: _l("Exchange events"),
    preferences.LISTINGS: _l("Listings about to expire"),
    preferences.NEWS: _l("News of organizations and partnerships"),
    preferences.SAVED_SEARCHES: _l("New listings for saved searches"),
}
CHANNEL_LABELS = {
    preferences.NOW: _l("E-mail at once"),
    preferences.DAILY: _l("Daily digest"),
    preferences.WEEKLY: _l("Weekly digest"),
    preferences.NEVER: _l("No e-mail (only in the app)"),
}
_SALT = "gielda.unsubscribe"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def unsubscribe_token(user_id: int, kinds: Iterable[str]) -> str:
    """A token that lets whoever holds it stop KINDS of e-mail to the user, without logging
    in; signed with the app's secret, so it cannot be made for another user or kind."""
    return _serializer().dumps([user_id, sorted(set(kinds))])


def read_unsubscribe_token(token: str) -> tuple[int, list[str]] | None:
    """The user id and kinds a genuine token names; None for a forged or broken one."""
    try:
        user_id, kinds = _serializer().loads(token)
    except (BadSignature, TypeError, ValueError):
        return None
    if (not isinstance(user_id, int) or not isinstance(kinds, list) or not kinds
            or not all(kind in preferences.KINDS for kind in kinds)):
        return None
    return user_id, kinds


def unsubscribe_url(user_id: int, kinds: Iterable[str]) -> str:
    return external_url("preferences.unsubscribe", token=unsubscribe_token(user_id, kinds))


def unsubscribe_headers(url: str) -> tuple[tuple[str, str], ...]:
    """RFC 8058 one-click unsubscribe: mail programs POST to URL without asking."""
    return (("List-Unsubscribe", f"<{url}>"),
            ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"))


def router(session: Session):
    """How each notification goes by e-mail (preferences.CHANNELS), by its reader's choices;
    each reader's choices read once per run."""
    chosen: dict[int, dict[str, str]] = {}

    def route(notification: Notification, user: User) -> str:
        if user.id not in chosen:
            chosen[user.id] = preferences.preferences_of(session, user.id)
        try:
            kind = preferences.kind_of(notification.key)
        except preferences.UnknownNotificationKey:
            # Made without notify() (which refuses such keys): mail it as before.
            log.error("notification %s: %s", notification.id, notification.key)
            return preferences.NOW
        return chosen[user.id][kind]

    return route
