"""The one unit of work every adapter commits through (exchange/http/unit.py)."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from exchange.core.errors import CONCURRENT_CHANGE, Conflict, Msg, ValidationError
from exchange.http.extensions import db
from exchange.http.unit import unit_of_work
from models import Organization


def names(app) -> set[str]:
    """What the database holds, read on a connection of its own (not the request's session)."""
    with db.engine.connect() as connection:
        return set(connection.scalars(select(Organization.name)))


def test_what_the_block_did_is_committed_when_it_ends(app, make_user, make_org):
    org = make_org(make_user("o@example.org"), name="Przed")
    with app.app_context():
        with unit_of_work():
            db.session.get(Organization, org.id).name = "Po"
        assert "Po" in names(app)


def test_a_refusal_rolls_back_everything_the_block_did(app, make_user, make_org):
    org = make_org(make_user("o@example.org"), name="Przed")
    with app.app_context():
        with pytest.raises(ValidationError), unit_of_work():
            db.session.get(Organization, org.id).name = "Po"
            db.session.flush()     # written, not committed
            raise ValidationError.single("name", Msg("No."))
        assert names(app) == {"Przed"}
        assert db.session.get(Organization, org.id).name == "Przed"


def test_a_row_changed_meanwhile_becomes_the_cores_conflict(app, make_user, make_org):
    from sqlalchemy.orm.exc import StaleDataError

    make_org(make_user("o@example.org"), name="Przed")
    with app.app_context():
        with pytest.raises(Conflict) as raised, unit_of_work():
            raise StaleDataError("UPDATE statement on table 'contract' expected to update 1 row")
        assert raised.value.message == CONCURRENT_CHANGE
