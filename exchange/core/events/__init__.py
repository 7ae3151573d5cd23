"""Live exchange events: setting one up, registration, the door, the session, the desk, the board.

Rules kept here, for the web pages, the API and the scheduler alike:
- an event is hosted by an organization; its creator is its first organiser, who names the
  rest of the staff (brokers, notaries, valuers, moderators); an organiser may act in every
  staff role;
- a draft event is seen by its staff only; a published one has a public page and takes
  applications inside its registration window, until the session starts;
- admitting an application respects the event's cap for the organization's sector;
- deals are ratified only while the session is open, or in the grace period after it for
  deals already at the desk (queued from a phone, or a desk form opened in time);
- a ratified deal is an ordinary contract, numbered in the event's series ("GZ-2026/017"),
  in force at once and recorded as signed at the desk by the representatives present;
- sending the same desk form twice finds the first contract instead of making a second;
- a deal queued from a phone becomes one contract, however many desks ratify it at once;
- a ratification is one transaction: contract, signatures, history and notifications
  are saved together or not at all;
- closing the session freezes the count: nothing is ratified after it.

The parts, each a module of this package:
- ``reading``: who may see an event, staff roles, the lists of events;
- ``setup``: creating, changing and publishing an event, its staff;
- ``registration``: applications, admission within the sectors' caps, the listings brought;
- ``brokers``: the pre-matched list of exchanges, the introductions made;
- ``door``: check-in, walk-ins (of an admitted organization or a new one), the count of who
  is in;
- ``importing``: the organiser's import of participants from a spreadsheet (used as
  ``events.importing``: its verbs are named for it, not for the package);
- ``session``: the clock (``SessionState``), starting and closing it, the announcement;
- ``desk``: ratifying deals into contracts, the queue of phone deals;
- ``tally``: the count of ratified deals, the live board;
- ``outcomes``: what became of the deals, the report and its CSV rows;
- ``exports``: the organiser's lists (participants, attendees, the brokers' exchanges) as rows;
- ``values``: the valuers' estimated values of the deals' commitments;
- ``timing``: the event's time zone, its start and end as moments in UTC;
- ``reminders``: the reminder a day before the start.
- ``award``: the match of the year: nominations, the vote, the announced winner.

This module re-exports their public names, so callers write ``from exchange.core import
events`` and ``events.ratify(...)``. The modules import one another by their full path, never
from here.
"""
from __future__ import annotations

from exchange.core.events.award import (
    AwardPhase,
    Candidate,
    announce_winner,
    award_of,
    award_phase,
    award_slot,
    candidates,
    leaders,
    nominate,
    nomination_of,
    open_award,
    vote,
    vote_of,
    voting_notices,
)
from exchange.core.events.brokers import (
    Arrow,
    Exchange,
    introductions,
    mark_introduction,
    prematching,
)
from exchange.core.events.desk import (
    Ratified,
    queue,
    ratify,
    ratify_deal,
    reject_deal,
    submit_deal,
    take_deal,
    taken_elsewhere,
)
from exchange.core.events.door import (
    attendee_by_token,
    check_in,
    find_attendees,
    presence,
    walk_in,
    walk_in_organization,
)
from exchange.core.events.exports import attendee_rows, broker_rows, participant_rows
from exchange.core.events.outcomes import (
    OUTCOMES,
    Report,
    outcome_of,
    report,
    report_rows,
)
from exchange.core.events.reading import (
    calendar_events,
    events_list,
    published_query,
    get_event,
    host_choices,
    require_role,
    roles,
)
from exchange.core.events.registration import (
    MAX_ATTENDEES,
    NOTE_MAX,
    PERSON_MAX,
    SectorBalance,
    add_listing,
    admitted,
    application_of,
    apply,
    decide,
    event_listings,
    in_play,
    registration_open,
    sector_balance,
    withdraw_application,
)
from exchange.core.events.session import (
    ANNOUNCEMENT_MAX,
    SessionState,
    accepts_deals,
    announce,
    close_session,
    seconds_left,
    is_live,
    session_state,
    start_session,
)
from exchange.core.events.setup import (
    DEFAULT_GRACE,
    DEFAULT_SESSION,
    DESCRIPTION_MAX,
    GRACE_MINUTES,
    NAME_MAX,
    PREFIX_MAX,
    SESSION_MINUTES,
    VENUE_MAX,
    add_staff,
    clean_event,
    create_event,
    publish_event,
    remove_staff,
    update_event,
)
from exchange.core.events.tally import (
    Tally,
    board,
    event_contracts,
    tally,
)
from exchange.core.events.timing import (
    DEFAULT_TIME_ZONE,
    event_end,
    event_start,
    in_event_zone,
    local_today,
    time_zones,
)
from exchange.core.events.values import set_value, valuation_rows

__all__ = [
    "events_list", "published_query", "get_event", "host_choices", "require_role", "roles", "DEFAULT_GRACE",
    "DEFAULT_SESSION", "DESCRIPTION_MAX", "GRACE_MINUTES", "NAME_MAX", "PREFIX_MAX",
    "SESSION_MINUTES", "VENUE_MAX", "add_staff", "clean_event", "create_event", "publish_event",
    "remove_staff", "update_event", "MAX_ATTENDEES", "NOTE_MAX", "PERSON_MAX", "SectorBalance",
    "add_listing", "admitted", "application_of", "apply", "decide", "event_listings", "in_play",
    "registration_open", "sector_balance", "withdraw_application", "Arrow", "Exchange",
    "introductions", "mark_introduction", "prematching", "attendee_by_token", "check_in",
    "find_attendees", "presence", "ANNOUNCEMENT_MAX", "SessionState", "accepts_deals", "announce",
    "close_session", "seconds_left", "is_live", "session_state", "start_session", "Ratified", "queue", "take_deal", "taken_elsewhere",
    "ratify", "ratify_deal", "reject_deal", "submit_deal", "Tally", "board", "event_contracts",
    "tally", "OUTCOMES", "Report", "outcome_of", "report", "report_rows", "attendee_rows",
    "broker_rows", "participant_rows", "set_value", "valuation_rows", "walk_in", "walk_in_organization",
    "calendar_events", "DEFAULT_TIME_ZONE", "event_end", "event_start", "in_event_zone", "local_today", "time_zones",
    "AwardPhase", "Candidate", "announce_winner", "award_of", "award_phase", "award_slot",
    "candidates", "leaders", "nominate", "nomination_of", "open_award", "vote", "vote_of",
    "voting_notices",
]
