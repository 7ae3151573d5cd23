"""Form validators that say one thing at a time, in the reader's words."""
from __future__ import annotations

from flask_babel import format_number, gettext
from wtforms.validators import StopValidation, ValidationError


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
