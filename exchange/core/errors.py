"""The core's exception hierarchy and translatable messages, free of any web framework."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any, Iterable


class Msg:
    """A user-facing message: an English msgid (extracted by Babel) and its parameters.

    The core cannot know the reader's language; the web layer and the API translate
    with ``gettext(msg.text, **msg.params)``. Reserved parameters: ``plural`` and ``num``
    (the plural msgid and its number, for ngettext) and ``context`` (the msgctxt, for
    pgettext, where one English word needs two translations). They travel in ``params`` so
    that a stored message (a notification) keeps them. Write a message with a context as
    ``pmsg("context", "Text")`` so that Babel extracts it with its context.
    """

    __slots__ = ("text", "params")

    def __init__(self, text: str, **params: Any) -> None:
        self.text = text
        self.params = params

    @property
    def context(self) -> str | None:
        return self.params.get("context")

    def __str__(self) -> str:
        return self.text % self.params if self.params else self.text

    def __repr__(self) -> str:
        return f"Msg({self.text!r}, {self.params!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Msg) and (self.text, self.params) == (other.text, other.params)

    def __hash__(self) -> int:
        return hash((self.text, self.context))


def pmsg(context: str, text: str, **params: Any) -> Msg:
    """A message whose TEXT is translated in CONTEXT (a msgctxt): "Open" as a status of a
    listing and "Open" as a button read differently in Polish."""
    return Msg(text, context=context, **params)


class DomainError(Exception):
    """A rule of the domain refused the action; nothing was changed."""

    code = "error"
    status = 400

    def __init__(self, message: Msg) -> None:
        super().__init__(str(message))
        self.message = message


class ValidationError(DomainError):
    """Input broke a rule; ``errors`` maps each field (or ``None``) to its messages."""

    code = "invalid"
    status = 422

    def __init__(self, errors: dict[str | None, list[Msg]], *,
                 details: dict[str, Any] | None = None) -> None:
        first = next(iter(errors.values()))[0]
        super().__init__(first)
        self.errors = errors
        # Plain data the API adds to its answer (e.g. the money words to confirm).
        self.details = details or {}

    @classmethod
    def single(cls, field: str | None, message: Msg) -> "ValidationError":
        return cls({field: [message]})


class NotFound(DomainError):
    code = "not_found"
    status = 404


class Forbidden(DomainError):
    code = "forbidden"
    status = 403


class Conflict(DomainError):
    code = "conflict"
    status = 409


# Two requests changed the same row at once (optimistic locking): the later one is refused.
CONCURRENT_CHANGE = Msg("Someone else changed this at the same moment. Nothing was saved: "
                        "reload the page and try again.")


class Errors:
    """Collects field errors while validating, then raises them all at once."""

    def __init__(self) -> None:
        self.errors: dict[str | None, list[Msg]] = {}

    def add(self, field: str | None, message: Msg) -> None:
        self.errors.setdefault(field, []).append(message)

    def __bool__(self) -> bool:
        return bool(self.errors)

    def raise_if_any(self, *, details: dict[str, Any] | None = None) -> None:
        if self.errors:
            raise ValidationError(self.errors, details=details)


def clean_text(value: Any, field: str, errors: Errors, *, max_length: int,
               required: bool = False, multiline: bool = False) -> str:
    """Return VALUE stripped (and single-line unless MULTILINE), recording length errors."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        errors.add(field, Msg("Must be text."))
        return ""
    value = value.strip()
    if not multiline:
        value = " ".join(value.split())
    if required and not value:
        errors.add(field, Msg("This field is required."))
    elif len(value) > max_length:
        errors.add(field, Msg("Must be at most %(max)d characters.", max=max_length))
    return value


def clean_choice(value: Any, field: str, errors: Errors, choices: Iterable[Any]) -> Any:
    """Return the enum member whose value is VALUE, recording an error if there is none."""
    for choice in choices:
        if value == choice or value == getattr(choice, "value", None):
            return choice
    errors.add(field, Msg("Not a valid choice."))
    return None


def clean_date(value: Any, field: str, errors: Errors) -> date | None:
    """VALUE as a date (a date, a datetime or "YYYY-MM-DD"), or None when empty."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        errors.add(field, Msg("Enter a date as YYYY-MM-DD."))
        return None


def clean_number(value: Any, field: str, errors: Errors, *, kind: type, low: float, high: float,
            required: bool = False):
    if value in (None, ""):
        if required:
            errors.add(field, Msg("This field is required."))
        return None
    try:
        if isinstance(value, bool):
            raise ValueError
        number = kind(value) if kind is float else int(str(value).strip())
    except (TypeError, ValueError):
        errors.add(field, Msg("Enter a number."))
        return None
    if not low <= number <= high:
        errors.add(field, Msg("Enter a number from %(low)s to %(high)s.", low=low, high=high))
        return None
    return number
