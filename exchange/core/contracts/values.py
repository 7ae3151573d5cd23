"""Estimated values per category and unit, suggested when a contract is written."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from exchange.core.contracts.terms import VALUE_MAX
from exchange.core.errors import Errors, Forbidden, Msg, clean_choice, clean_number
from models import Category, Unit, User, ValueDefault


def value_defaults(session: Session) -> list[ValueDefault]:
    return list(session.scalars(select(ValueDefault).order_by(ValueDefault.category,
                                                              ValueDefault.unit)))


def set_value_default(session: Session, actor: User, category: Any, unit: Any, value: Any,
                      now: datetime) -> ValueDefault | None:
    """Set (or with an empty VALUE, remove) the value per unit of a category; admins only."""
    if not actor.is_admin:
        raise Forbidden(Msg("Only an administrator may do this."))
    errors = Errors()
    category = clean_choice(category, "category", errors, Category)
    unit = clean_choice(unit, "unit", errors, Unit)
    amount = clean_number(value, "value", errors, kind=int, low=0, high=VALUE_MAX)
    errors.raise_if_any()
    row = session.scalar(select(ValueDefault).where(ValueDefault.category == category,
                                                    ValueDefault.unit == unit))
    if amount is None:
        if row is not None:
            session.delete(row)
        session.flush()
        return None
    if row is None:
        row = ValueDefault(category=category, unit=unit)
        session.add(row)
    row.value = amount
    row.updated_at = now
    session.flush()
    return row
