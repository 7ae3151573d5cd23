"""Form validators that say one thing at a time, in the reader's words."""
from __future__ import annotations

from flask_babel import format_number, gettext
from flask_login import current_user
from wtforms.validators import StopValidation, ValidationError

from exchange.core import accounts
from exchange.http.i18n import translate


class Between:
    """A number from MIN to MAX, both included (and so the input's min and max attributes).

    Unlike WTForms' NumberRange it stays silent when the text was no number at all (the field
    has said so already: two messages would run together), and it writes the bounds as the
    reader does ("od 1 do 1 000 000", not "z zakresu 1 i 1000000")."""

    def __init__(self, min: int | float, max: int | float) -> None:
        self.min = min
        self.max = max
        self.field_flags = {"min": min, "max": max}

    def __call__(self, form, field) -> None:
        if field.data is None:
            if field.process_errors:
                raise StopValidation()
            return
        if not self.min <= field.data <= self.max:
            raise ValidationError(gettext("Enter a number from %(min)s to %(max)s.",
                                          min=format_number(self.min),
                                          max=format_number(self.max)))


class StrongPassword:
    """The core's password rule (``accounts.password_problems``) checked with the form's other
    fields, so that "too short" is said beside "the passwords do not match", not after it.

    A password must not be made of the person's own name or address: the form's fields named
    USER_FIELDS that it has and its ``user_inputs`` (set by a view that knows the person),
    else the signed-in user's. The core checks again when it saves."""

    def __init__(self, *user_fields: str) -> None:
        self.user_fields = user_fields

    def __call__(self, form, field) -> None:
        if not field.data:
            return  # DataRequired says so
        inputs = [form[name].data or "" for name in self.user_fields if name in form]
        inputs += list(getattr(form, "user_inputs", None) or [])
        if not inputs and current_user.is_authenticated:
            inputs = [current_user.email, current_user.name]
        problems = accounts.password_problems(field.data, user_inputs=inputs)
        if problems:
            raise ValidationError(" ".join(translate(problem) for problem in problems))
