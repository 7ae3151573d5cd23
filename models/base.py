"""The declarative base, shared column types and the naming convention for constraints."""
from __future__ import annotations

from datetime import datetime, timezone

import enum

from sqlalchemy import DateTime, Enum, MetaData, TypeDecorator
from sqlalchemy.orm import DeclarativeBase

# Stable constraint names keep Alembic's batch mode on SQLite and autogenerate honest.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


# The largest id an INTEGER primary key holds on every database we run on.
MAX_ID = 2**31 - 1


def get_by_id(session, model, row_id: int):
    """SESSION's MODEL row ROW_ID, or None; an id no INTEGER column holds is no row (PostgreSQL
    would refuse to compare it, SQLite would overflow)."""
    return session.get(model, row_id) if 0 < row_id <= MAX_ID else None


def storable_ids(ids) -> list[int]:
    """The ids among IDS that an INTEGER primary key can hold (for `IN (...)`)."""
    return [i for i in ids if 0 < i <= MAX_ID]


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC datetime on every database (SQLite stores no zone)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; pass an aware UTC datetime")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def str_enum(cls: type[enum.Enum], name: str) -> Enum:
    """A column of the enum's values stored as plain strings, checked by a constraint.

    Portable and readable, and a new value needs no ALTER TYPE on PostgreSQL.
    """
    return Enum(cls, name=name, native_enum=False, length=20, create_constraint=True,
                values_callable=lambda e: [m.value for m in e], validate_strings=True)
