"""Translated labels for the domain's enumerations, shared by templates and forms."""
from __future__ import annotations

from typing import NamedTuple

from flask_babel import format_number, ngettext
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_babel.speaklater import LazyString

from models import (
                    Category,
                    CheckInAnswer,
                    CommitmentStatus,
                    ContractStatus,
                    ListingKind,
                    ListingStatus,
                    MemberRole,
                    Sector,
                    Unit,
                    VersionState,
)

SECTOR_LABELS = {
    Sector.PUBLIC: _l("Public institution"),
    Sector.NGO: _l("NGO"),
    Sector.BUSINESS: _l("Business"),
    Sector.INFORMAL: _l("Informal group"),
    Sector.INDIVIDUAL: _l("Individual"),
}

ROLE_LABELS = {
    MemberRole.OWNER: _l("Owner"),
    MemberRole.MEMBER: _l("Member"),
}

CATEGORY_LABELS = {
    Category.ROOMS: _l("Rooms and venues"),
    Category.COMPUTER_LABS: _l("Computer labs and IT equipment"),
    Category.EQUIPMENT: _l("Equipment and materials"),
    Category.PROMOTION: _l("Promotion and media"),
    Category.VOLUNTEERS: _l("Volunteers and helping hands"),
    Category.EXPERTISE: _l("Knowledge, advice, skills"),
    Category.TRAINING: _l("Trainings and workshops"),
    Category.CATERING: _l("Catering"),
    Category.TRANSPORT: _l("Transport"),
    Category.IT_SERVICES: _l("IT services"),
    Category.CULTURE: _l("Art, culture and recreation"),
    Category.OTHER: _l("Other"),
}

KIND_LABELS = {
    ListingKind.OFFER: _l("Offer"),
    ListingKind.NEED: _l("Need"),
}

UNIT_LABELS = {
    Unit.HOURS: _l("hours"),
    Unit.DAYS: _l("days"),
    Unit.SESSIONS: _l("sessions"),
    Unit.PEOPLE: _l("people"),
    Unit.PIECES: _l("pieces"),
    Unit.OTHER: _l("other units"),
}


def format_quantity(quantity: int, unit: Unit | str | None) -> str:
    """QUANTITY of UNIT as a reader says it: "1 dzień", "2 dni", "5 godzin" (a number meeting
    a noun takes the noun's plural form for that number)."""
    try:
        unit = Unit(unit) if unit else None
    except ValueError:
        unit = None
    num = format_number(quantity)
    if unit is Unit.HOURS:
        return ngettext("%(amount)s hour", "%(amount)s hours", quantity, amount=num)
    if unit is Unit.DAYS:
        return ngettext("%(amount)s day", "%(amount)s days", quantity, amount=num)
    if unit is Unit.SESSIONS:
        return ngettext("%(amount)s session", "%(amount)s sessions", quantity, amount=num)
    if unit is Unit.PEOPLE:
        return ngettext("%(amount)s person", "%(amount)s people", quantity, amount=num)
    if unit is Unit.PIECES:
        return ngettext("%(amount)s piece", "%(amount)s pieces", quantity, amount=num)
    if unit is Unit.OTHER:
        return ngettext("%(amount)s unit", "%(amount)s units", quantity, amount=num)
    return num


STATUS_LABELS = {
    ListingStatus.DRAFT: _l("draft"),
    ListingStatus.OPEN: _l("open"),
    ListingStatus.PAUSED: _l("paused"),
    ListingStatus.CLOSED: _l("closed"),
    ListingStatus.EXPIRED: _l("expired"),
}

CONTRACT_STATUS_LABELS = {
    ContractStatus.DRAFT: lazy_pgettext("contract", "draft"),  # "projekt" kontraktu, not "szkic"
    ContractStatus.SIGNING: _l("awaiting signatures"),
    ContractStatus.ACTIVE: _l("in force"),
    ContractStatus.FULFILLED: _l("fulfilled"),
    ContractStatus.PARTIAL: _l("partly fulfilled"),
    ContractStatus.FAILED: _l("not fulfilled"),
    ContractStatus.CANCELLED: _l("cancelled"),
    ContractStatus.WITHDRAWN: _l("withdrawn"),
}

VERSION_STATE_LABELS = {
    VersionState.DRAFT: lazy_pgettext("contract", "draft"),
    VersionState.SIGNING: _l("awaiting signatures"),
    VersionState.SIGNED: _l("in force"),
    VersionState.SUPERSEDED: _l("replaced by a later version"),
    VersionState.DISCARDED: _l("discarded"),
}

COMMITMENT_STATUS_LABELS = {
    CommitmentStatus.PENDING: _l("to be delivered"),
    CommitmentStatus.DELIVERED: _l("delivered, awaiting confirmation"),
    CommitmentStatus.CONFIRMED: _l("confirmed"),
    CommitmentStatus.DISPUTED: _l("disputed"),
    CommitmentStatus.NOT_FEASIBLE: _l("not feasible"),
}

CHECK_IN_LABELS = {
    CheckInAnswer.DONE: _l("Done"),
    CheckInAnswer.ONGOING: _l("Still going on"),
    CheckInAnswer.NO_CONTACT: _l("No contact"),
    CheckInAnswer.NOT_FEASIBLE: _l("Not feasible"),
}

# An event deal's outcome, as its check-in answered it (the report, the deals list).
OUTCOME_LABELS = {**{a.value: label for a, label in CHECK_IN_LABELS.items()},
                  "unknown": _l("Not yet known")}

HISTORY_LABELS = {
    "create": _l("drafted the contract"),
    "edit": _l("changed the draft"),
    "sign": _l("signed"),
    "activate": _l("every party has signed: in force"),
    "amend": _l("proposed an amendment"),
    "withdraw": _l("withdrew"),
    "cancel-request": _l("asked to cancel"),
    "cancel": _l("cancelled by agreement"),
    "deliver": _l("marked a commitment delivered"),
    "confirm": _l("confirmed a commitment"),
    "dispute": _l("disputed a delivery"),
    "not_feasible": _l("said a commitment is not feasible"),
    "check-in": _l("answered a follow-up"),
    "outcome": _l("closed the contract"),
    "value": _l("set an estimated value (valuer)"),
}

# ---- exchange events
from exchange.core.events import SessionState  # noqa: E402
from models.event import ApplicationStatus, EventStatus, StaffRole  # noqa: E402

EVENT_STATUS_LABELS = {
    EventStatus.DRAFT: _l("draft"),
    EventStatus.PUBLISHED: _l("published"),
    EventStatus.CANCELLED: lazy_pgettext("event", "cancelled"),  # "giełda odwołana"
}

STAFF_ROLE_LABELS = {
    StaffRole.ORGANISER: _l("Organiser"),
    StaffRole.BROKER: _l("Broker"),
    StaffRole.NOTARY: _l("Notary"),
    StaffRole.VALUER: _l("Valuer"),
    StaffRole.MODERATOR: _l("Moderator"),
}

APPLICATION_STATUS_LABELS = {
    ApplicationStatus.PENDING: _l("waiting for a decision"),
    ApplicationStatus.ADMITTED: _l("admitted"),
    ApplicationStatus.DECLINED: _l("declined"),
    ApplicationStatus.WITHDRAWN: lazy_pgettext("application", "withdrawn"),  # "zgłoszenie wycofane"
}


class SessionStateLabel(NamedTuple):
    """A session state in words, in the two places it is shown."""
    status: LazyString  # what the state means: the session, desk and phone pages
    clock: LazyString   # the heading over the board's big countdown


SESSION_STATE_LABELS = {
    SessionState.SCHEDULED: SessionStateLabel(_l("Not started yet"),
                                              _l("The session has not started yet")),
    SessionState.OPEN: SessionStateLabel(_l("Open: deals are being ratified"), _l("Time left")),
    SessionState.GRACE: SessionStateLabel(
        _l("Time is up: only deals already at the desk are ratified"),
        _l("Time is up: the desk finishes the last deals")),
    SessionState.ENDED: SessionStateLabel(_l("Time is up"), _l("Time is up")),
    SessionState.CLOSED: SessionStateLabel(_l("Closed: the count is final"),
                                           _l("The session is closed: the final count")),
}
