"""The API's partnership meetings: the list (for those who read the partnership) and
scheduling one (its coordinator or an owner of the leading organization), with the pages'
rules (exchange/core/partnerships/meetings.py). Scheduled through the API, the partners are
notified in the app; the notifications are e-mailed by the mail job as they choose."""
from __future__ import annotations

from flask import g

from exchange.api.base import bp, json_body, refuse_unknown_fields
from exchange.core import partnerships as core
from exchange.http import access
from exchange.http.clock import utcnow
from exchange.http.extensions import db
from exchange.http.unit import unit_of_work
from exchange.http.urls import external_url
from models import PartnershipMeeting

FIELDS = {"template", "title", "date", "time", "duration_minutes", "place_org_id",
          "place_text", "agenda"}


def meeting_json(meeting: PartnershipMeeting) -> dict:
    return {
        "id": meeting.id, "title": meeting.title, "template": meeting.template or None,
        "starts_at": meeting.starts_at.isoformat(),
        "local_start": core.local_start(meeting).isoformat(),
        "duration_minutes": meeting.duration_minutes,
        "place": {"organization": {"id": meeting.place_org_id, "name": meeting.place_org.name}
                  if meeting.place_org else None, "text": meeting.place_text},
        "agenda": meeting.agenda, "minutes": meeting.minutes, "decisions": meeting.decisions,
        "next_meeting_on": meeting.next_meeting_on.isoformat()
        if meeting.next_meeting_on else None,
        "recorded": meeting.recorded_at is not None,
        "attendance": [{"organization": {"id": a.organization_id, "name": a.organization.name},
                        "people": a.people} for a in meeting.attendance],
        "tasks": [{"id": t.id, "title": t.title, "due_on": t.due_on.isoformat(),
                   "owner": {"id": t.owner_org_id, "name": t.owner_org.name},
                   "done": t.done_at is not None} for t in meeting.tasks],
        "url": external_url("meetings.detail", partnership_id=meeting.partnership_id,
                            meeting_id=meeting.id),
    }


@bp.route("/partnerships/<int:id>/meetings")
@access.token
def partnership_meetings(id: int):
    """A partnership's meetings: for its members, coordinator and animator only (a token is
    needed; the others get 404), as the contributions."""
    partnership = core.get_partnership(db.session, g.api_user, id)
    return {"items": [meeting_json(m) for m in core.meetings_of(db.session, partnership)]}


@bp.route("/partnerships/<int:id>/meetings", methods=["POST"])
@access.token
def schedule_partnership_meeting(id: int):
    body = json_body()
    refuse_unknown_fields(body, FIELDS)
    with unit_of_work():
        now = utcnow()
        meeting = core.schedule_meeting(db.session, g.api_user, id, body, now)
        core.announce(db.session, meeting, now)
    return meeting_json(meeting), 201
