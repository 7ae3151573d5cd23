"""The valuers' screen: the deals' commitments with their estimated values, set by a valuer
during the session or after it, each change in the contract's history; two valuers never
overwrite each other unseen; the report follows."""
from __future__ import annotations

import re

import pytest

from exchange.core import events
from exchange.core.errors import Conflict, Forbidden, NotFound, ValidationError
from models import Commitment, ContractEvent
from tests.conftest import login_id
from tests.web.test_events_report import two_deals


def login_as(client, user):
    with client.session_transaction() as s:
        s["_user_id"] = login_id(user)


@pytest.fixture
def valuer(session, hall, make_user, now):
    user = make_user("valuer@example.org", name="Wanda Wyceniająca")
    events.add_staff(session, hall["organiser"], hall["event"].id, user.email, "valuer", now)
    session.commit()
    return user


def test_a_valuer_sets_a_value_and_the_report_follows(client, session, hall, now, valuer):
    done, going = two_deals(session, hall, now)
    event_id = hall["event"].id
    login_as(client, valuer)
    page = client.get(f"/events/{event_id}/values").get_data(as_text=True)
    assert "Total: 2,000 zł" in page
    [row] = done.versions[0].commitments
    assert f'id="c-{row.id}"' in page and "Pracownia" in page
    response = client.post(f"/events/{event_id}/values/{row.id}",
                           data={"value": "1500", "was": "1200"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"#c-{row.id}")
    session.expire_all()
    assert session.get(Commitment, row.id).estimated_value == 1500
    [change] = [e for e in session.query(ContractEvent).filter_by(contract_id=done.id)
                if e.action == "value"]
    assert change.actor_id == valuer.id
    assert (change.changes["before"], change.changes["after"]) == (
        {"estimated_value": 1200}, {"estimated_value": 1500})
    login_as(client, hall["organiser"])
    report = client.get(f"/events/{event_id}/report").get_data(as_text=True)
    assert re.search(r'id="report-value">2,300<', report)


def test_a_stale_value_is_refused_and_nothing_changes(session, hall, now, valuer):
    done, _going = two_deals(session, hall, now)
    [row] = done.versions[0].commitments
    events.set_value(session, valuer, hall["event"].id, row.id, "1300", "1200", now)
    session.commit()
    with pytest.raises(Conflict):  # a second valuer still saw 1200
        events.set_value(session, hall["organiser"], hall["event"].id, row.id, "900", "1200",
                         now)
    session.rollback()
    assert session.get(Commitment, row.id).estimated_value == 1300


def test_only_valuers_and_organisers_set_values_of_this_events_deals(session, hall, now,
                                                                    valuer):
    done, _going = two_deals(session, hall, now)
    [row] = done.versions[0].commitments
    with pytest.raises(Forbidden):
        events.set_value(session, hall["notary"], hall["event"].id, row.id, "1", "1200", now)
    with pytest.raises(NotFound):
        events.set_value(session, valuer, hall["event"].id, 10_000, "1", "", now)
    with pytest.raises(ValidationError) as refused:
        events.set_value(session, valuer, hall["event"].id, row.id, "-5", "1200", now)
    assert "value" in str(refused.value.errors)
