"""The partnerships' rows of the role × route matrix (test_access.py merges them).

In the matrix's world the organization leads a private partnership: the owner is its
coordinator, the member (a person of the leading organization) reads it, the outsider's
school and the admin are not in it (a 404, as for none). A pending invitation of
invited@example.org (no account) waits; accepting or declining it is that address's only.
"""
from __future__ import annotations

from tests.web.access_statuses import PUBLIC, ROLES

READER = {"anonymous": 302, "outsider": 404, "member": 200, "owner": 200, "admin": 404}
MANAGER_PAGE = {**READER, "member": 403}
MANAGER_ACTION = {**MANAGER_PAGE, "owner": 302}
ANSWER = {**dict.fromkeys(ROLES, 403), "anonymous": 302}
API_READER = {"anonymous": 404, "outsider": 404, "member": 200, "owner": 200, "admin": 404}
FORM = {"name": "Koalicja", "municipalities": "Tczew", "goal": "Cel", "kind": "needs",
        "formalisation": "none"}


def _p(w, tail: str = "") -> str:
    return f"/partnerships/{w.partnership.id}{tail}"


# meetings: a new one three weeks after the matrix's clock (NOW, 2026-11-21)
MEETING = {"template": "first", "title": "Spotkanie", "date": "2026-12-12", "time": "17:00",
           "place_text": "Rynek 1"}


def _m(w, tail: str = "") -> str:
    return _p(w, f"/meetings/{w.partnership_meeting.id}{tail}")


PARTNERSHIP_MATRIX = {
    ("partnerships.index", "GET"): (lambda w: "/partnerships/", None, PUBLIC),
    # Starting one needs an organization one owns; the member and the admin own none and are
    # sent to register one.
    ("partnerships.create", "GET"): (lambda w: "/partnerships/new", None,
                                     {"anonymous": 302, "outsider": 200, "member": 302,
                                      "owner": 200, "admin": 302}),
    ("partnerships.create", "POST"): (
        lambda w: "/partnerships/new",
        lambda w: {**FORM, "lead_id": str(w.org.id),
                   "coordinator_id": str(w.partnership.coordinator_id)},
        {"anonymous": 302, "outsider": 422, "member": 302, "owner": 302, "admin": 302}),
    ("partnerships.detail", "GET"): (lambda w: _p(w), None, READER),
    ("partnerships.edit", "GET"): (lambda w: _p(w, "/edit"), None, MANAGER_PAGE),
    ("partnerships.edit", "POST"): (lambda w: _p(w, "/edit"), lambda w: FORM, MANAGER_ACTION),
    ("partnerships.change_state", "POST"): (lambda w: _p(w, "/state"),
                                            lambda w: {"state": "active"}, MANAGER_ACTION),
    ("partnerships.members", "GET"): (lambda w: _p(w, "/members"), None, READER),
    ("partnerships.invite", "POST"): (
        lambda w: _p(w, "/invite"), lambda w: {"email": w.newcomer.email, "role": "partner"},
        MANAGER_ACTION),
    ("partnerships.resend", "POST"): (
        lambda w: _p(w, f"/invitations/{w.partnership_invitation.id}/resend"), None,
        MANAGER_ACTION),
    ("partnerships.revoke", "POST"): (
        lambda w: _p(w, f"/invitations/{w.partnership_invitation.id}/revoke"), None,
        MANAGER_ACTION),
    ("partnerships.hand_over", "POST"): (
        lambda w: _p(w, "/coordinator"), lambda w: {"coordinator_id": str(w.member.id)},
        MANAGER_ACTION),
    ("partnerships.remove_animator", "POST"): (lambda w: _p(w, "/animator/remove"), None,
                                               MANAGER_ACTION),
    # Only an owner of a member organization takes it out, and the leading one stays: the
    # owner is told so (a redirect with the reason), the member may not.
    ("partnerships.leave", "POST"): (lambda w: _p(w, "/leave"),
                                     lambda w: {"org_id": str(w.org.id)},
                                     {**MANAGER_ACTION, "member": 403}),
    # The invitation is for an address none of the roles has.
    ("partnerships.invitation", "GET"): (
        lambda w: f"/partnerships/invitations/{w.partnership_secret}", None, PUBLIC),
    ("partnerships.accept", "POST"): (
        lambda w: f"/partnerships/invitations/{w.partnership_secret}/accept",
        lambda w: {"org_id": str(w.school.id)}, ANSWER),
    ("partnerships.decline", "POST"): (
        lambda w: f"/partnerships/invitations/{w.partnership_secret}/decline", None, ANSWER),
    ("api.partnerships", "GET"): (lambda w: "/api/v1/partnerships", None, PUBLIC),
    # Only an owner leads: the outsider owns the school, not the world's organization.
    ("api.create_partnership", "POST"): (
        lambda w: "/api/v1/partnerships",
        lambda w: {**FORM, "municipalities": ["Tczew"], "lead_id": w.org.id},
        {"anonymous": 401, "outsider": 422, "member": 422, "owner": 201, "admin": 422}),
    ("api.partnership", "GET"): (lambda w: f"/api/v1{_p(w)}", None, API_READER),
    ("api.partnership_members", "GET"): (lambda w: f"/api/v1{_p(w, '/members')}", None,
                                         API_READER),
    # meetings (issue 18, part 3): members read, the coordinator changes; each reader
    # evaluates a held meeting once; the feed's secret is its key
    ("meetings.index", "GET"): (lambda w: _p(w, "/meetings"), None, READER),
    ("meetings.create", "GET"): (lambda w: _p(w, "/meetings/new?template=first"), None,
                                 MANAGER_PAGE),
    ("meetings.create", "POST"): (lambda w: _p(w, "/meetings/new"), lambda w: MEETING,
                                  MANAGER_ACTION),
    ("meetings.detail", "GET"): (lambda w: _m(w), None, READER),
    ("meetings.ics", "GET"): (lambda w: _m(w, ".ics"), None, READER),
    ("meetings.record", "POST"): (
        lambda w: _m(w, "/record"),
        lambda w: {f"attend-{w.org.id}": "1", f"people-{w.org.id}": "Anna", "minutes": "M"},
        MANAGER_ACTION),
    ("meetings.add_task", "POST"): (
        lambda w: _m(w, "/tasks"),
        lambda w: {"title": "Plakat", "owner_org_id": str(w.org.id), "due_on": "2027-02-01"},
        MANAGER_ACTION),
    # The task is the world's organization's: its member marks it done too (issue 18, engage).
    ("meetings.task_done", "POST"): (lambda w: _p(w, f"/tasks/{w.meeting_task.id}/done"),
                                     lambda w: {"done": "1"}, {**MANAGER_ACTION, "member": 302}),
    ("meetings.evaluate", "POST"): (lambda w: _m(w, "/evaluation"),
                                    lambda w: {"usefulness": "5", "atmosphere": "4"},
                                    {**READER, "member": 302, "owner": 302}),
    ("meetings.renew_feed", "POST"): (lambda w: _p(w, "/calendar/renew"), None,
                                      MANAGER_ACTION),
    ("meetings.feed", "GET"): (lambda w: _p(w, f"/calendar/{w.partnership_calendar}.ics"),
                               None, PUBLIC),
    ("api.partnership_meetings", "GET"): (lambda w: f"/api/v1{_p(w, '/meetings')}", None,
                                          {**API_READER, "anonymous": 401}),
    ("api.schedule_partnership_meeting", "POST"): (
        lambda w: f"/api/v1{_p(w, '/meetings')}", lambda w: {**MEETING, "place_org_id": w.org.id},
        {"anonymous": 401, "outsider": 404, "member": 403, "owner": 201, "admin": 404}),
    # contributions and the map of resources and needs (issue 18, part 2)
    ("partnership_map.resources", "GET"): (lambda w: _p(w, "/map"), None, READER),
    ("partnership_map.declare", "GET"): (lambda w: _p(w, "/contributions/new"), None, READER),
    ("partnership_map.declare", "POST"): (
        lambda w: _p(w, "/contributions/new"), lambda w: {
            "organization_id": str(w.org.id), "kind": "offer", "category": "rooms",
            "title": "Sala na spotkania", "quantity": "2", "unit": "hours"},
        {**READER, "member": 302, "owner": 302}),
    # A pair that is not (or no longer) a proposal: the coordinator is told so on the map.
    ("partnership_map.broker", "POST"): (
        lambda w: _p(w, "/map/broker"), lambda w: {"need_id": "0", "offer_id": "0"},
        MANAGER_ACTION),
    ("api.partnership_contributions", "GET"): (
        lambda w: f"/api/v1{_p(w, '/contributions')}", None, {**API_READER, "anonymous": 401}),
    # /contributions
}
