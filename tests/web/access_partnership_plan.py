"""The partnership plan's rows of the role × route matrix (test_access.py merges them).

In the matrix's world the owner coordinates the partnership, whose plan runs from
2026-06-01 for three years, with a goal, an indicator (deadline 2027-06-01), an activity of
the organization and a progress entry the owner added; the member (a person of the leading
organization) reads the plan and adds progress, but withdraws only their own entries. The
event is organised by the owner (the member is its notary and broker)."""
from __future__ import annotations

from tests.web.access_partnerships import API_READER, MANAGER_ACTION, MANAGER_PAGE, READER


def _p(w, tail: str = "") -> str:
    return f"/partnerships/{w.partnership.id}{tail}"


def _g(w, tail: str = "") -> str:
    return _p(w, f"/plan/goals/{w.plan_goal.id}{tail}")


def _i(w, tail: str = "") -> str:
    return _p(w, f"/plan/indicators/{w.plan_indicator.id}{tail}")


PERIOD = {"starts_on": "2026-06-01", "ends_on": "2029-05-31"}
GOAL = {"title": "Seniorzy w sieci", "description": "Kursy"}
INDICATOR = {"name": "Przeszkoleni", "unit": "osoby", "baseline": "0", "target": "50",
             "deadline": "2027-05-01", "source": "manual"}
PROGRESS = {"value": "3", "happened_on": "2026-11-20", "source": "Lista obecności"}
ADDS = {**READER, "member": 302, "owner": 302}

PLAN_MATRIX = {
    ("plan.dashboard", "GET"): (lambda w: _p(w, "/plan"), None, READER),
    ("plan.period", "GET"): (lambda w: _p(w, "/plan/period"), None, MANAGER_PAGE),
    ("plan.period", "POST"): (lambda w: _p(w, "/plan/period"), lambda w: PERIOD,
                              MANAGER_ACTION),
    ("plan.new_goal", "GET"): (lambda w: _p(w, "/plan/goals/new"), None, MANAGER_PAGE),
    ("plan.new_goal", "POST"): (lambda w: _p(w, "/plan/goals/new"), lambda w: GOAL,
                                MANAGER_ACTION),
    ("plan.edit_goal", "GET"): (lambda w: _g(w, "/edit"), None, MANAGER_PAGE),
    ("plan.edit_goal", "POST"): (lambda w: _g(w, "/edit"), lambda w: GOAL, MANAGER_ACTION),
    ("plan.new_indicator", "GET"): (lambda w: _g(w, "/indicators/new"), None, MANAGER_PAGE),
    ("plan.new_indicator", "POST"): (lambda w: _g(w, "/indicators/new"),
                                     lambda w: INDICATOR, MANAGER_ACTION),
    ("plan.edit_indicator", "GET"): (lambda w: _i(w, "/edit"), None, MANAGER_PAGE),
    ("plan.edit_indicator", "POST"): (lambda w: _i(w, "/edit"), lambda w: INDICATOR,
                                      MANAGER_ACTION),
    ("plan.new_activity", "GET"): (lambda w: _g(w, "/activities/new"), None, MANAGER_PAGE),
    ("plan.new_activity", "POST"): (
        lambda w: _g(w, "/activities/new"),
        lambda w: {"title": "Kurs", "due_on": "2027-01-15", "partner_ids": str(w.org.id)},
        MANAGER_ACTION),
    ("plan.activity_done", "POST"): (
        lambda w: _p(w, f"/plan/activities/{w.plan_activity.id}/done"),
        lambda w: {"done": "1"}, MANAGER_ACTION),
    ("plan.edit_activity", "GET"): (
        lambda w: _p(w, f"/plan/activities/{w.plan_activity.id}/edit"), None, MANAGER_PAGE),
    ("plan.edit_activity", "POST"): (
        lambda w: _p(w, f"/plan/activities/{w.plan_activity.id}/edit"),
        lambda w: {"title": "Kurs e-usług", "due_on": "2027-02-15",
                   "partner_ids": str(w.org.id)}, MANAGER_ACTION),
    ("plan.delete_activity", "POST"): (
        lambda w: _p(w, f"/plan/activities/{w.plan_activity.id}/delete"), None,
        MANAGER_ACTION),
    # the world's indicator has an entry: the owner's removal is refused (and said), a 302
    ("plan.delete_indicator", "POST"): (lambda w: _i(w, "/delete"), None, MANAGER_ACTION),
    ("plan.delete_goal", "POST"): (lambda w: _g(w, "/delete"), None, MANAGER_ACTION),
    ("plan.indicator", "GET"): (lambda w: _i(w), None, READER),
    # the partners' people and the coordinator add progress
    ("plan.indicator", "POST"): (lambda w: _i(w), lambda w: PROGRESS, ADDS),
    # the entry is the owner's: the member is neither its author nor a manager
    ("plan.withdraw", "POST"): (lambda w: _p(w, f"/plan/progress/{w.progress_entry.id}/withdraw"),
                                None, {**READER, "member": 403, "owner": 302}),
    ("plan.exchanges", "GET"): (lambda w: _p(w, "/exchanges"), None, READER),
    # only the event's organiser (the owner) marks it as hosted by the partnership
    ("plan.host_event", "POST"): (lambda w: _p(w, "/exchanges/host"),
                                  lambda w: {"event_id": str(w.event.id), "host": "1"},
                                  {**READER, "member": 403, "owner": 302}),
    ("api.partnership_indicators", "GET"): (
        lambda w: f"/api/v1{_p(w, '/indicators')}", None, {**API_READER, "anonymous": 401}),
    ("api.indicator_progress", "GET"): (
        lambda w: f"/api/v1/indicators/{w.plan_indicator.id}/progress", None,
        {**API_READER, "anonymous": 401}),
    ("api.add_indicator_progress", "POST"): (
        lambda w: f"/api/v1/indicators/{w.plan_indicator.id}/progress", lambda w: PROGRESS,
        {"anonymous": 401, "outsider": 404, "member": 201, "owner": 201, "admin": 404}),
}
