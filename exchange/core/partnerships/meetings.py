"""A partnership's meetings (issue 18, "Meetings"): scheduling at any partner's place (001
§3.5) from the first and second meetings' templates (001 §2.1.2–2.1.3), recording attendance,
minutes, decisions, tasks and the next date, the one-minute evaluation (001 §2.2.6), the
partnership's calendar feed and the reminders of tasks due soon or overdue.

The coordinator and the owners of the leading organization ("managers") change meetings;
whoever reads the partnership reads its meetings (the animator included) and, once a meeting
has begun, may evaluate it once."""
from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from exchange.core.errors import (
    Conflict,
    Errors,
    Forbidden,
    Msg,
    NotFound,
    clean_date,
    clean_number,
    clean_text,
)
from exchange.core.events.timing import zone
from exchange.core.notifications import notify
from exchange.core.partnerships.reading import (
    ENDED,
    can_read,
    get_partnership,
    is_manager,
    member_org_ids,
    user_org_ids,
)
from models import (
    MeetingAttendance,
    MeetingEvaluation,
    MeetingTask,
    Membership,
    Partnership,
    PartnershipMeeting,
    PartnershipState,
    User,
)

TIME_ZONE = "Europe/Warsaw"
TITLE_MAX, PLACE_MAX, TEXT_MAX, PEOPLE_MAX, TASK_MAX = 200, 300, 20000, 500, 300
MEETING_NOT_FOUND = Msg("Meeting not found.")
SOON = timedelta(days=3)  # a task due within this is "due soon"

# The agendas of the first and the second partnership meeting: the goals 001 §2.1.2 and
# §2.1.3 give them, in the words of the programme (the partners write Polish).
FIRST_AGENDA = (
    "1. Poznanie się uczestników.",
    ("2. Przedstawienie idei partnerstwa oraz wartości i korzyści płynących ze współpracy "
     "partnerskiej."),
    ("3. Zaprezentowanie wyników rozpoznania potrzeb społeczności lokalnej i ich "
     "przedyskutowanie (w partnerstwie wokół potrzeb) lub zainicjowanie diagnozy "
     "(w partnerstwie strategicznym)."),
    "4. Wstępne wygenerowanie pomysłów na współpracę.",
    "5. Ustalenie terminu następnego spotkania.",
)
SECOND_AGENDA = (
    "1. Wypracowanie zasad współpracy i organizowania spotkań partnerskich.",
    ("2. Określenie obszarów współpracy, wytyczenie kierunków działań, określenie zadań "
     "do realizacji."),
    "3. Wybór koordynatora/lidera partnerstwa.",
    "4. Ustalenie terminu następnego spotkania.",
)
TEMPLATES: dict[str, tuple[str, str]] = {
    "first": ("Pierwsze spotkanie partnerskie", "\n".join(FIRST_AGENDA)),
    "second": ("Drugie spotkanie partnerskie", "\n".join(SECOND_AGENDA)),
}


def template(name: str | None) -> tuple[str, str] | None:
    """The (title, agenda) of the template NAME ("first", "second"), or None."""
    return TEMPLATES.get(name or "")


def local_start(meeting: PartnershipMeeting) -> datetime:
    """The meeting's start on the Polish clock."""
    return meeting.starts_at.astimezone(zone(TIME_ZONE))


def meeting_end(meeting: PartnershipMeeting) -> datetime:
    return meeting.starts_at + timedelta(minutes=meeting.duration_minutes)


def _clean_time(value: Any, errors: Errors) -> time | None:
    if value in (None, ""):
        errors.add("time", Msg("This field is required."))
        return None
    if isinstance(value, time):
        return value
    try:
        return time.fromisoformat(str(value).strip()[:5])
    except ValueError:
        errors.add("time", Msg("Enter a time as HH:MM."))
        return None


def _clean_org(session: Session, partnership: Partnership, value: Any, field_name: str,
               errors: Errors, *, required: bool) -> int | None:
    if value in (None, "", 0, "0"):
        if required:
            errors.add(field_name, Msg("Choose a partner organization."))
        return None
    try:
        org_id = int(value)
    except (TypeError, ValueError):
        org_id = -1
    if org_id not in member_org_ids(partnership):
        errors.add(field_name, Msg("Choose one of the partnership's member organizations."))
        return None
    return org_id


def _changeable(session: Session, user: User, partnership_id: Any) -> Partnership:
    partnership = get_partnership(session, user, partnership_id, manage=True)
    if partnership.state is PartnershipState.ENDED:
        raise Conflict(ENDED)
    return partnership


def clean_meeting(session: Session, partnership: Partnership, data: Mapping[str, Any],
                  now: datetime) -> dict[str, Any]:
    """A meeting's fields from DATA: TITLE, DATE and TIME (Europe/Warsaw; in the future),
    DURATION_MINUTES, a member's place (PLACE_ORG_ID) or PLACE_TEXT, the AGENDA (a
    TEMPLATE's if none is given); ValidationError with every problem."""
    errors = Errors()
    chosen = template(data.get("template"))
    title = clean_text(data.get("title") or (chosen[0] if chosen else ""), "title", errors,
                       max_length=TITLE_MAX, required=True)
    day = clean_date(data.get("date"), "date", errors)
    if day is None and "date" not in errors.errors:
        errors.add("date", Msg("This field is required."))
    at = _clean_time(data.get("time"), errors)
    duration = clean_number(data.get("duration_minutes") or 120, "duration_minutes", errors,
                            kind=int, low=15, high=12 * 60)
    place_org_id = _clean_org(session, partnership, data.get("place_org_id"), "place_org_id",
                              errors, required=False)
    place_text = clean_text(data.get("place_text"), "place_text", errors, max_length=PLACE_MAX)
    if place_org_id is None and not place_text and "place_org_id" not in errors.errors:
        errors.add("place_org_id", Msg("Say where the meeting is: at a partner or an address."))
    agenda = clean_text(data.get("agenda") or (chosen[1] if chosen else ""), "agenda", errors,
                        max_length=TEXT_MAX, multiline=True)
    starts_at = None
    if day is not None and at is not None:
        starts_at = datetime.combine(day, at, tzinfo=zone(TIME_ZONE)).astimezone(UTC)
        if starts_at < now:
            errors.add("date", Msg("A new meeting must be in the future."))
    errors.raise_if_any()
    return {"title": title, "template": data.get("template") if chosen else "",
            "starts_at": starts_at, "duration_minutes": duration, "place_org_id": place_org_id,
            "place_text": place_text, "agenda": agenda}


def schedule_meeting(session: Session, user: User, partnership_id: int,
                     data: Mapping[str, Any], now: datetime) -> PartnershipMeeting:
    """A new meeting (clean_meeting's fields)."""
    partnership = _changeable(session, user, partnership_id)
    meeting = PartnershipMeeting(partnership_id=partnership.id,
                                 **clean_meeting(session, partnership, data, now),
                                 created_at=now, updated_at=now)
    session.add(meeting)
    session.flush()
    return meeting


def invitees(session: Session, partnership: Partnership) -> list[User]:
    """Whom a meeting is for: the active people of the member organizations, the coordinator
    and the animator, each once, by name."""
    people: dict[int, User] = {}
    org_ids = member_org_ids(partnership)
    for user in session.scalars(select(User).join(Membership, Membership.user_id == User.id)
                                .where(Membership.organization_id.in_(org_ids or [0]))):
        people[user.id] = user
    for user in (partnership.coordinator, partnership.animator):
        if user is not None:
            people[user.id] = user
    return sorted((u for u in people.values() if u.is_active), key=lambda u: (u.name, u.id))


def announce(session: Session, meeting: PartnershipMeeting, now: datetime) -> list[User]:
    """Tell everyone the meeting is for (a notification each, once); return them."""
    people = invitees(session, meeting.partnership)
    for person in people:
        notify(session, person.id, f"partnership-meeting:{meeting.id}:{person.id}",
               Msg("Meeting of the partnership „%(name)s”: %(title)s, %(when)s.",
                   name=meeting.partnership.name, title=meeting.title,
                   when=local_start(meeting).strftime("%Y-%m-%d %H:%M")),
               f"/partnerships/{meeting.partnership_id}/meetings/{meeting.id}", now)
    return people


def meetings_of(session: Session, partnership: Partnership) -> list[PartnershipMeeting]:
    """The partnership's meetings, the latest first."""
    return list(session.scalars(select(PartnershipMeeting).where(
        PartnershipMeeting.partnership_id == partnership.id).order_by(
        PartnershipMeeting.starts_at.desc(), PartnershipMeeting.id.desc())))


def get_meeting(session: Session, user: User | None, partnership_id: int, meeting_id: int, *,
                manage: bool = False) -> PartnershipMeeting:
    partnership = get_partnership(session, user, partnership_id, manage=manage)
    meeting = session.get(PartnershipMeeting, meeting_id) if isinstance(meeting_id, int) else None
    if meeting is None or meeting.partnership_id != partnership.id:
        raise NotFound(MEETING_NOT_FOUND)
    return meeting


def _changeable_meeting(session: Session, user: User, partnership_id: int,
                        meeting_id: int) -> PartnershipMeeting:
    _changeable(session, user, partnership_id)
    return get_meeting(session, user, partnership_id, meeting_id, manage=True)


def record_meeting(session: Session, user: User, partnership_id: int, meeting_id: int,
                   data: Mapping[str, Any], now: datetime) -> PartnershipMeeting:
    """Record a meeting that has begun: ATTENDANCE (organization id → who came for it),
    MINUTES, DECISIONS and NEXT_MEETING_ON. Recording again replaces what was recorded."""
    meeting = _changeable_meeting(session, user, partnership_id, meeting_id)
    errors = Errors()
    if meeting.cancelled_at is not None:
        raise Conflict(Msg("The meeting was cancelled: there is nothing to record."))
    if meeting.starts_at > now:
        raise Conflict(Msg("The meeting has not begun yet: record it when it is held."))
    attendance: dict[int, str] = {}
    raw = data.get("attendance") or {}
    if not isinstance(raw, Mapping):
        errors.add("attendance", Msg("Must be a list of organizations."))
        raw = {}
    for key, people in raw.items():
        org_id = _clean_org(session, meeting.partnership, key, "attendance", errors,
                            required=True)
        people = clean_text(people, "attendance", errors, max_length=PEOPLE_MAX)
        if org_id is not None:
            attendance[org_id] = people
    minutes = clean_text(data.get("minutes"), "minutes", errors, max_length=TEXT_MAX,
                         multiline=True)
    decisions = clean_text(data.get("decisions"), "decisions", errors, max_length=TEXT_MAX,
                           multiline=True)
    next_on = clean_date(data.get("next_meeting_on"), "next_meeting_on", errors)
    if next_on is not None and next_on <= local_start(meeting).date():
        errors.add("next_meeting_on", Msg("The next meeting comes after this one."))
    errors.raise_if_any()
    kept = {a.organization_id: a for a in meeting.attendance}
    for org_id, row in kept.items():
        if org_id not in attendance:
            meeting.attendance.remove(row)
    for org_id, people in attendance.items():
        if org_id in kept:
            kept[org_id].people = people
        else:
            meeting.attendance.append(MeetingAttendance(organization_id=org_id, people=people))
    meeting.minutes, meeting.decisions, meeting.next_meeting_on = minutes, decisions, next_on
    meeting.recorded_at = meeting.recorded_at or now
    meeting.updated_at = now
    session.flush()
    return meeting


def add_task(session: Session, user: User, partnership_id: int, meeting_id: int,
             data: Mapping[str, Any], now: datetime) -> MeetingTask:
    """A task agreed at the meeting: TITLE, the partner that owns it (OWNER_ORG_ID), DUE_ON."""
    meeting = _changeable_meeting(session, user, partnership_id, meeting_id)
    errors = Errors()
    title = clean_text(data.get("title"), "title", errors, max_length=TASK_MAX, required=True)
    owner_org_id = _clean_org(session, meeting.partnership, data.get("owner_org_id"),
                              "owner_org_id", errors, required=True)
    due_on = clean_date(data.get("due_on"), "due_on", errors)
    if due_on is None and "due_on" not in errors.errors:
        errors.add("due_on", Msg("This field is required."))
    errors.raise_if_any()
    task = MeetingTask(title=title, owner_org_id=owner_org_id, due_on=due_on, created_at=now)
    meeting.tasks.append(task)
    meeting.updated_at = now
    session.flush()
    return task


def can_mark_task(session: Session, task: MeetingTask, user: User | None) -> bool:
    """The managers, and the people of the task's owner organization (while it is a member)."""
    partnership = task.meeting.partnership
    if is_manager(session, partnership, user):
        return True
    return bool(user is not None and getattr(user, "is_authenticated", False)
                and task.owner_org_id in member_org_ids(partnership)
                and task.owner_org_id in user_org_ids(session, user))


def set_task_done(session: Session, user: User, partnership_id: int, task_id: int, done: bool,
                  now: datetime) -> MeetingTask:
    """Mark the task done (or open again): a manager, or a person of its owner partner."""
    partnership = get_partnership(session, user, partnership_id)
    task = session.get(MeetingTask, task_id) if isinstance(task_id, int) else None
    if task is None or task.meeting.partnership_id != partnership_id:
        raise NotFound(Msg("Task not found."))
    if not can_mark_task(session, task, user):
        raise Forbidden(Msg("Only the coordinator and the task's owner partner may mark it "
                            "done."))
    if partnership.state is PartnershipState.ENDED:
        raise Conflict(ENDED)
    task.done_at = (task.done_at or now) if done else None
    session.flush()
    return task


def open_tasks(session: Session, partnership: Partnership) -> list[MeetingTask]:
    """The partnership's tasks not done yet, the soonest due first."""
    return list(session.scalars(
        select(MeetingTask).join(PartnershipMeeting).where(
            PartnershipMeeting.partnership_id == partnership.id, MeetingTask.done_at.is_(None))
        .order_by(MeetingTask.due_on, MeetingTask.id)))


# --- the one-minute evaluation ------------------------------------------------------------

def can_evaluate(session: Session, meeting: PartnershipMeeting, user: User | None,
                 now: datetime) -> bool:
    """A reader of the partnership, once the meeting has begun, if they have not yet."""
    return (meeting.starts_at <= now and meeting.cancelled_at is None
            and can_read(session, meeting.partnership, user)
            and evaluation_of(session, meeting, user) is None)


def evaluation_of(session: Session, meeting: PartnershipMeeting,
                  user: User) -> MeetingEvaluation | None:
    return session.scalar(select(MeetingEvaluation).where(
        MeetingEvaluation.meeting_id == meeting.id, MeetingEvaluation.user_id == user.id))


ALREADY_EVALUATED = Msg("You have already evaluated this meeting. Thank you!")


def evaluate(session: Session, user: User, partnership_id: int, meeting_id: int,
             data: Mapping[str, Any], now: datetime) -> MeetingEvaluation:
    """USER's one evaluation of the meeting: USEFULNESS and ATMOSPHERE (1–5), what to KEEP
    and what to CHANGE. A second one (even racing the first) is a Conflict."""
    meeting = get_meeting(session, user, partnership_id, meeting_id)
    if meeting.starts_at > now:
        raise Conflict(Msg("The meeting has not begun yet: evaluate it afterwards."))
    if evaluation_of(session, meeting, user) is not None:
        raise Conflict(ALREADY_EVALUATED)
    errors = Errors()
    usefulness = clean_number(data.get("usefulness"), "usefulness", errors, kind=int, low=1,
                              high=5, required=True)
    atmosphere = clean_number(data.get("atmosphere"), "atmosphere", errors, kind=int, low=1,
                              high=5, required=True)
    keep = clean_text(data.get("keep"), "keep", errors, max_length=2000, multiline=True)
    change = clean_text(data.get("change"), "change", errors, max_length=2000, multiline=True)
    errors.raise_if_any()
    evaluation = MeetingEvaluation(meeting_id=meeting.id, user_id=user.id, usefulness=usefulness,
                                   atmosphere=atmosphere, keep=keep, change=change,
                                   created_at=now)
    try:
        with session.begin_nested():
            session.add(evaluation)
            session.flush()
    except IntegrityError:
        raise Conflict(ALREADY_EVALUATED) from None
    return evaluation


@dataclass
class EvaluationSummary:
    count: int = 0
    usefulness: float | None = None
    atmosphere: float | None = None
    # usefulness score → how many gave it
    spread: dict[int, int] = field(default_factory=dict)
    keep: list[str] = field(default_factory=list)
    change: list[str] = field(default_factory=list)


def evaluation_summary(session: Session, meeting: PartnershipMeeting) -> EvaluationSummary:
    """The answers together, for the coordinator: averages, the spread, the comments
    (without names: it is a quick, candid form)."""
    rows = list(session.scalars(select(MeetingEvaluation).where(
        MeetingEvaluation.meeting_id == meeting.id).order_by(MeetingEvaluation.id)))
    summary = EvaluationSummary(count=len(rows), spread={n: 0 for n in range(5, 0, -1)})
    if rows:
        summary.usefulness = round(sum(r.usefulness for r in rows) / len(rows), 1)
        summary.atmosphere = round(sum(r.atmosphere for r in rows) / len(rows), 1)
    for row in rows:
        summary.spread[row.usefulness] += 1
        if row.keep:
            summary.keep.append(row.keep)
        if row.change:
            summary.change.append(row.change)
    return summary


# --- the calendar feed and the reminders ---------------------------------------------------

def calendar_token(session: Session, partnership: Partnership, *, renew: bool = False) -> str:
    """The secret of the partnership's calendar URL, made on first use; RENEW replaces it
    (the caller has checked that the user manages the partnership)."""
    if partnership.calendar_token is None or renew:
        partnership.calendar_token = secrets.token_urlsafe(24)
        session.flush()
    return partnership.calendar_token


def calendar_meetings(session: Session, partnership_id: int,
                      token: str) -> tuple[Partnership, list[PartnershipMeeting]]:
    """The partnership whose calendar TOKEN is and its meetings; NotFound for a wrong one."""
    partnership = session.get(Partnership, partnership_id) \
        if isinstance(partnership_id, int) else None
    if partnership is None or not token or partnership.calendar_token is None or \
            not secrets.compare_digest(partnership.calendar_token, token):
        raise NotFound(Msg("Calendar not found."))
    return partnership, meetings_of(session, partnership)


def task_state(task: MeetingTask, today: date) -> str:
    """"done", "overdue", "soon" (due within SOON) or "" (later)."""
    if task.done_at is not None:
        return "done"
    if task.due_on < today:
        return "overdue"
    if task.due_on <= today + SOON:
        return "soon"
    return ""


def remind_tasks(session: Session, now: datetime) -> int:
    """Tell the people of each task's owner organization that it is due soon or overdue:
    once per task and state (``reminded``, and the notification's key). Return how many
    notifications went."""
    today = now.astimezone(zone(TIME_ZONE)).date()
    sent = 0
    tasks = session.scalars(
        select(MeetingTask).where(MeetingTask.done_at.is_(None),
                                  MeetingTask.due_on <= today + SOON)
        .order_by(MeetingTask.id)).all()
    for task in tasks:
        state = task_state(task, today)
        if state not in ("soon", "overdue") or task.reminded == state:
            continue
        partnership = task.meeting.partnership
        if partnership.state is PartnershipState.ENDED or task.owner_org_id not in member_org_ids(partnership):
            task.reminded = state
            continue
        if state == "soon":
            message = Msg("Task for the partnership „%(name)s” due on %(due)s: %(title)s.",
                          name=partnership.name, due=task.due_on.isoformat(), title=task.title)
        else:
            message = Msg("Overdue task for the partnership „%(name)s” (due on %(due)s): "
                          "%(title)s.", name=partnership.name, due=task.due_on.isoformat(),
                          title=task.title)
        people = session.scalars(select(User).join(Membership, Membership.user_id == User.id)
                                 .where(Membership.organization_id == task.owner_org_id,
                                        User.is_active.is_(True))).all()
        for person in people:
            sent += notify(session, person.id, f"partnership-task:{task.id}:{state}:{person.id}",
                           message, f"/partnerships/{partnership.id}/meetings/"
                           f"{task.meeting_id}#task-{task.id}", now)
        task.reminded = state
    session.flush()
    return sent

