"""A meeting changed or cancelled (issue 18): managers change the date, time, place or agenda
of a meeting that has not begun, or cancel one not recorded as held. Each change adds one to
the meeting's .ics SEQUENCE, so that calendars holding the invitation replace it (the web layer
e-mails the updated .ics, or a METHOD:CANCEL one); the feed keeps a cancelled meeting, marked
so. Invitees are notified once per change."""
from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from exchange.core.errors import Conflict, Msg
from exchange.core.notifications import notify
from exchange.core.partnerships.meetings import (
    clean_meeting,
    get_meeting,
    invitees,
    local_start,
)
from exchange.core.partnerships.reading import ENDED
from models import PartnershipMeeting, PartnershipState, User

CHANGED_FIELDS = ("title", "starts_at", "duration_minutes", "place_org_id", "place_text",
                  "agenda")


def _manageable(session: Session, user: User, partnership_id: int,
                meeting_id: int) -> PartnershipMeeting:
    meeting = get_meeting(session, user, partnership_id, meeting_id, manage=True)
    if meeting.partnership.state is PartnershipState.ENDED:
        raise Conflict(ENDED)
    if meeting.cancelled_at is not None:
        raise Conflict(Msg("The meeting is cancelled already."))
    return meeting


def update_meeting(session: Session, user: User, partnership_id: int, meeting_id: int,
                   data: Mapping[str, Any], now: datetime) -> tuple[PartnershipMeeting, bool]:
    """Change a meeting that has not begun (the fields of clean_meeting; its template stays);
    return it and whether anything changed (then invitees are told and its SEQUENCE grows)."""
    meeting = _manageable(session, user, partnership_id, meeting_id)
    if meeting.starts_at <= now or meeting.recorded_at is not None:
        raise Conflict(Msg("The meeting has begun: it can no longer be changed."))
    clean = clean_meeting(session, meeting.partnership, {**data, "template": ""}, now)
    changed = [name for name in CHANGED_FIELDS if getattr(meeting, name) != clean[name]]
    if not changed:
        return meeting, False
    for name in changed:
        setattr(meeting, name, clean[name])
    meeting.sequence = (meeting.sequence or 0) + 1
    meeting.updated_at = now
    session.flush()
    _tell(session, meeting, now, Msg(
        "The meeting of the partnership „%(name)s” changed: %(title)s, %(when)s.",
        name=meeting.partnership.name, title=meeting.title,
        when=local_start(meeting).strftime("%Y-%m-%d %H:%M")))
    return meeting, True


def cancel_meeting(session: Session, user: User, partnership_id: int, meeting_id: int,
                   now: datetime) -> PartnershipMeeting:
    """Cancel a meeting not recorded as held; invitees are told."""
    meeting = _manageable(session, user, partnership_id, meeting_id)
    if meeting.recorded_at is not None:
        raise Conflict(Msg("The meeting was held and recorded: it cannot be cancelled."))
    meeting.cancelled_at = now
    meeting.sequence = (meeting.sequence or 0) + 1
    meeting.updated_at = now
    session.flush()
    _tell(session, meeting, now, Msg(
        "The meeting of the partnership „%(name)s” on %(when)s is cancelled: %(title)s.",
        name=meeting.partnership.name, title=meeting.title,
        when=local_start(meeting).strftime("%Y-%m-%d %H:%M")))
    return meeting


def _tell(session: Session, meeting: PartnershipMeeting, now: datetime, message: Msg) -> None:
    """A notification per invitee and change (the key names the SEQUENCE); the people told
    are kept on the meeting for the web layer's e-mail."""
    meeting.people = invitees(session, meeting.partnership)
    for person in meeting.people:
        notify(session, person.id,
               f"partnership-meeting:{meeting.id}:v{meeting.sequence}:{person.id}", message,
               f"/partnerships/{meeting.partnership_id}/meetings/{meeting.id}", now)
