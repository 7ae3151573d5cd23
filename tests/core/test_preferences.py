"""Notification kinds and preferences: every key names a kind, sensible defaults, choices
stored only when they differ from the default, digest periods."""
from __future__ import annotations

import ast
import re
from datetime import datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import select

from exchange.core import preferences
from exchange.core.contracts import COMMITMENT_ACTIONS
from exchange.core.errors import Msg, ValidationError
from exchange.core.notifications import notify
from models import NotificationPreference

ROOT = Path(__file__).resolve().parents[2]
# The functions that send a notification, and where their key argument is.
SENDERS = {"notify": 2, "tell_party": 4, "tell_parties": 4}


def _key_prefix(node: ast.expr) -> str | None:
    """The key's prefix (up to its first colon) as a regular expression; None when the key is
    a variable passed through (tell_party's own call of notify)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return re.escape(node.value.partition(":")[0])
    if not isinstance(node, ast.JoinedStr) or not isinstance(node.values[0], ast.Constant):
        return None  # a key made elsewhere, passed through (f"{key}:{user_id}")
    pattern = ""
    for part in node.values:
        if isinstance(part, ast.Constant):
            head, colon, _rest = part.value.partition(":")
            pattern += re.escape(head)
            if colon:
                return pattern
        else:
            pattern += ".+"
    return pattern


def key_prefixes_in_code() -> dict[str, str]:
    """Every notification key prefix the code sends, with where it is sent from."""
    found = {}
    for path in (ROOT / "exchange").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name not in SENDERS:
                continue
            key = next((k.value for k in node.keywords if k.arg == "key"), None)
            if key is None and len(node.args) > SENDERS[name]:
                key = node.args[SENDERS[name]]
            prefix = _key_prefix(key) if key is not None else None
            if prefix is not None:
                found[prefix] = f"{path.relative_to(ROOT)}:{node.lineno}"
    return found


def test_every_notification_key_in_the_code_names_a_kind():
    found = key_prefixes_in_code()
    assert len(found) >= 15, f"the scan found too few notification keys: {found}"
    unmapped = {prefix: where for prefix, where in found.items()
                if not any(re.fullmatch(prefix, known) for known in preferences.KIND_BY_PREFIX)}
    assert unmapped == {}, "add these prefixes to preferences.KIND_BY_PREFIX"


def test_every_commitment_action_has_a_kind():
    for action in COMMITMENT_ACTIONS:
        assert preferences.kind_of(f"commitment-{action}:1:x") == preferences.CONTRACTS


def test_the_saved_searches_of_another_feature_arrive_in_the_daily_digest():
    assert preferences.kind_of("saved-search:7:42") == preferences.SAVED_SEARCHES
    assert preferences.DEFAULTS[preferences.SAVED_SEARCHES] == preferences.DAILY


def test_an_unknown_prefix_is_refused_even_by_notify(session, make_user, now):
    with pytest.raises(preferences.UnknownNotificationKey):
        preferences.kind_of("surprise:1")
    with pytest.raises(preferences.UnknownNotificationKey):
        notify(session, make_user().id, "surprise:1", Msg("Hello"), "", now)


def test_defaults_send_deadlines_at_once_and_proposals_daily(session, make_user):
    chosen = preferences.preferences_of(session, make_user().id)
    assert chosen == {"contracts": "now", "proposals": "daily", "events": "now",
                      "listings": "now", "news": "weekly", "saved-searches": "daily"}
    assert preferences.kind_of("contract-signed:1:2:3") == "contracts"
    assert preferences.kind_of("due:4:2026-12-01:7") == "contracts"
    assert preferences.kind_of("proposals:1:abc:2") == "proposals"
    assert preferences.kind_of("listing-expiring:1:2026-12-01:2") == "listings"
    assert preferences.kind_of("member-added:3") == "news"


def test_only_choices_that_differ_from_the_default_are_stored(session, make_user, now):
    user = make_user()
    chosen = preferences.set_preferences(session, user.id, {"proposals": "weekly",
                                                            "contracts": "now"}, now)
    assert chosen["proposals"] == "weekly" and chosen["contracts"] == "now"
    stored = session.execute(select(NotificationPreference.kind, NotificationPreference.channel)
                             ).all()
    assert [tuple(row) for row in stored] == [("proposals", "weekly")]
    preferences.set_preferences(session, user.id, {"proposals": "daily"}, now)
    assert session.scalar(select(NotificationPreference.id)) is None
    assert preferences.preferences_of(session, user.id)["proposals"] == "daily"


def test_unknown_kinds_and_channels_are_refused_and_nothing_is_saved(session, make_user, now):
    user = make_user()
    with pytest.raises(ValidationError) as refused:
        preferences.set_preferences(session, user.id, {"proposals": "hourly", "gossip": "now",
                                                       "news": "never"}, now)
    assert set(refused.value.errors) == {"proposals", "gossip"}
    assert preferences.preferences_of(session, user.id)["news"] == "weekly"


def test_one_click_stop_sets_not_at_all(session, make_user, now):
    user = make_user()
    preferences.stop_kinds(session, user.id, ["contracts", "events"], now)
    chosen = preferences.preferences_of(session, user.id)
    assert chosen["contracts"] == chosen["events"] == "never" and chosen["proposals"] == "daily"


@pytest.mark.parametrize("moment, daily, weekly", [
    (datetime(2026, 12, 7, 6, 0, tzinfo=timezone.utc), "2026-12-07", "2026-W50"),  # Monday
    (datetime(2026, 12, 7, 5, 59, tzinfo=timezone.utc), "2026-12-06", "2026-W49"),
    (datetime(2026, 12, 13, 23, 0, tzinfo=timezone.utc), "2026-12-13", "2026-W50"),
    (datetime(2027, 1, 1, 12, 0, tzinfo=timezone.utc), "2027-01-01", "2026-W53"),
])
def test_a_digest_period_starts_in_the_morning(moment, daily, weekly):
    assert preferences.digest_period("daily", moment) == daily
    assert preferences.digest_period("weekly", moment) == weekly
