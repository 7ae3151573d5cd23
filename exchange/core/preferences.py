"""What reaches each user by e-mail: the kinds of notification, their channels and defaults.

Every notification key starts with a prefix ("proposals:", "contract-signed:", …) that names
its kind in KIND_BY_PREFIX; a key with a prefix not in the table is refused by ``notify``, so
a new kind of notification cannot slip past the user's choices. In the app every
notification is always shown; the channel says only how (and whether) it is e-mailed.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Iterable, Mapping

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from exchange.core.errors import Errors, Msg
from models import NotificationPreference

CONTRACTS, PROPOSALS, EVENTS, LISTINGS, NEWS, SAVED_SEARCHES = (
    "contracts", "proposals", "events", "listings", "news", "saved-searches")
KINDS = (CONTRACTS, PROPOSALS, EVENTS, LISTINGS, NEWS, SAVED_SEARCHES)

NOW, DAILY, WEEKLY, NEVER = "now", "daily", "weekly", "never"
CHANNELS = (NOW, DAILY, WEEKLY, NEVER)
DIGESTS = (DAILY, WEEKLY)

DEFAULTS = {CONTRACTS: NOW, PROPOSALS: DAILY, EVENTS: NOW, LISTINGS: NOW, NEWS: WEEKLY,
            SAVED_SEARCHES: DAILY}

KIND_BY_PREFIX = {
    "proposals": PROPOSALS,
    # contracts: drafting, signing, the notary's desk, follow-up and fulfilment
    "contract-drafted": CONTRACTS,
    "contract-signed": CONTRACTS,
    "contract-active": CONTRACTS,
    "contract-withdrawn": CONTRACTS,
    "contract-cancelled": CONTRACTS,
    "contract-cancel-request": CONTRACTS,
    "contract-ratified": CONTRACTS,
    "contract-outcome": CONTRACTS,
    "first-contact": CONTRACTS,
    "due": CONTRACTS,
    "overdue": CONTRACTS,
    "check-in": CONTRACTS,
    "commitment-deliver": CONTRACTS,
    "commitment-confirm": CONTRACTS,
    "commitment-dispute": CONTRACTS,
    "commitment-not_feasible": CONTRACTS,
    "event-staff": EVENTS,
    "event-applied": EVENTS,
    "event-decided": EVENTS,
    "event-still-open": EVENTS,
    "event-reminder": EVENTS,
    # the match of the year: nominations open, the vote opens, the winner
    "event-award-open": EVENTS,
    "event-award-voting": EVENTS,
    "event-award-winner": EVENTS,
    "listing-expiring": LISTINGS,
    "member-added": NEWS,
    "invitation-accepted": NEWS,  # the inviter: the person joined
    "saved-search": SAVED_SEARCHES,
    # partnerships: who joined, declined or left; a new coordinator
    "partnership-joined": NEWS,
    "partnership-declined": NEWS,
    "partnership-left": NEWS,
    "partnership-coordinator": NEWS,
    # partnerships' meetings: the invitation (a date, as an event's), and a task due soon or
    # overdue (a due date, as a contract's)
    "partnership-meeting": EVENTS,
    "partnership-task": CONTRACTS,
    # partnerships, part 2: the coordinator proposes an exchange between two partners
    "partnership-proposal": PROPOSALS,
    # keeping partners engaged: a partner quiet for weeks (to the coordinator)
    "partnership-quiet": NEWS,
    # partnerships, formalisation: the declaration to sign (a contract); a member removed, the
    # leading organization changed
    "partnership-declaration": CONTRACTS,
    "partnership-removed": NEWS,
    "partnership-lead": NEWS,
}
assert set(KIND_BY_PREFIX.values()) <= set(KINDS) and set(DEFAULTS) == set(KINDS)

# A day's digest goes from this hour (UTC; 7:00 in Poland in winter); a week's on Mondays.
DIGEST_HOUR = 6


class UnknownNotificationKey(ValueError):
    """A notification key whose prefix names no kind: add it to KIND_BY_PREFIX."""


def kind_of(key: str) -> str:
    """The kind of the notification with KEY; raise UnknownNotificationKey if it has none."""
    prefix = key.partition(":")[0]
    try:
        return KIND_BY_PREFIX[prefix]
    except KeyError:
        raise UnknownNotificationKey(f"no kind for the notification key prefix {prefix!r} "
                                     f"(exchange/core/preferences.py KIND_BY_PREFIX)") from None


def preferences_of(session: Session, user_id: int) -> dict[str, str]:
    """Every kind's channel for the user: their choice, else the default."""
    chosen = {kind: channel for kind, channel in session.execute(
        select(NotificationPreference.kind, NotificationPreference.channel)
        .where(NotificationPreference.user_id == user_id))}
    return {kind: chosen[kind] if chosen.get(kind) in CHANNELS else DEFAULTS[kind]
            for kind in KINDS}


def channel_for(session: Session, user_id: int, key: str) -> str:
    """How the notification with KEY reaches the user by e-mail."""
    return preferences_of(session, user_id)[kind_of(key)]


def check_choices(choices: Mapping[str, Any]) -> dict[str, str]:
    """CHOICES (kind → channel) if every kind and channel is known; else a ValidationError
    naming each wrong one."""
    errors = Errors()
    for kind, channel in choices.items():
        if kind not in KINDS:
            errors.add(str(kind), Msg("Not a kind of notification."))
        elif channel not in CHANNELS:
            errors.add(kind, Msg("Choose one of: %(choices)s.", choices=", ".join(CHANNELS)))
    errors.raise_if_any()
    return dict(choices)


def set_preferences(session: Session, user_id: int, choices: Mapping[str, Any],
                    now: datetime) -> dict[str, str]:
    """Set the user's channel for each kind in CHOICES; return every kind's channel.

    A choice equal to the default is stored as no choice at all."""
    choices = check_choices(choices)
    rows = {row.kind: row for row in session.scalars(select(NotificationPreference).where(
        NotificationPreference.user_id == user_id))}
    for kind, channel in choices.items():
        row = rows.get(kind)
        if channel == DEFAULTS[kind]:
            if row is not None:
                session.execute(delete(NotificationPreference).where(
                    NotificationPreference.id == row.id))
        elif row is None:
            session.add(NotificationPreference(user_id=user_id, kind=kind, channel=channel,
                                               updated_at=now))
        elif row.channel != channel:
            row.channel, row.updated_at = channel, now
    session.flush()
    session.expire_all()
    return preferences_of(session, user_id)


def stop_kinds(session: Session, user_id: int, kinds: Iterable[str], now: datetime) -> None:
    """Stop e-mail of KINDS to the user (one-click unsubscribe); the app still shows them."""
    set_preferences(session, user_id, {kind: NEVER for kind in kinds if kind in KINDS}, now)


def digest_period(cadence: str, now: datetime) -> str:
    """The digest period NOW falls in: a day ("2026-12-07") or an ISO week ("2026-W49"),
    each starting at DIGEST_HOUR."""
    moment = now - timedelta(hours=DIGEST_HOUR)
    if cadence == DAILY:
        return moment.date().isoformat()
    if cadence == WEEKLY:
        year, week, _day = moment.isocalendar()
        return f"{year}-W{week:02d}"
    raise ValueError(f"not a digest: {cadence!r}")
