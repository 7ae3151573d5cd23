"""The valuers' screen: the estimated value of each commitment of the event's deals, set by a
valuer (or an organiser) during the session and after it, each change in the contract's
history. The value is for the statistics only, never a price, and no term of the contract:
the board and the report read it at once."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from exchange.core.contracts import VALUE_MAX, record_event, suggested_value
from exchange.core.errors import Conflict, Errors, Msg, NotFound, clean_number
from exchange.core.events.reading import get_event, require_role
from exchange.core.events.tally import event_contracts
from models import Commitment, Contract, User
from models.base import get_by_id
from models.event import ExchangeEvent, StaffRole


def valuation_rows(session: Session, event: ExchangeEvent) -> list[dict]:
    """Every commitment of the event's ratified deals, in the order they were ratified, with
    its value and the value the admins' table suggests for it."""
    rows = []
    for contract in event_contracts(session, event):
        for row in contract.versions[0].commitments:
            rows.append({"contract": contract, "commitment": row,
                         "suggested": suggested_value(session, row.category, row.unit,
                                                      row.quantity) if row.category else None})
    return rows


def set_value(session: Session, actor: User, event_id: int, commitment_id: Any, value: Any,
              was: Any, now: datetime) -> Commitment:
    """Set the estimated VALUE (zł, empty for none) of one commitment of the event's deals,
    if it still is WAS (the value the valuer saw): two valuers never overwrite each other
    unseen. Recorded in the contract's history with who, when, before and after."""
    event = get_event(session, actor, event_id)
    require_role(event, actor, StaffRole.VALUER)
    row = get_by_id(session, Commitment, commitment_id)
    contract = session.get(Contract, row.version.contract_id) if row is not None else None
    if contract is None or contract.event_id != event.id or contract.ratified_at is None:
        raise NotFound(Msg("There is no such deal at this event."))
    errors = Errors()
    new = clean_number(value, "value", errors, kind=int, low=0, high=VALUE_MAX)
    seen = clean_number(was, "was", errors, kind=int, low=0, high=VALUE_MAX)
    errors.raise_if_any()
    if new == row.estimated_value:
        return row
    changed = session.execute(
        update(Commitment).where(Commitment.id == row.id,
                                 Commitment.estimated_value.is_not_distinct_from(seen))
        .values(estimated_value=new).execution_options(synchronize_session=False)).rowcount
    session.refresh(row)
    if changed != 1:
        raise Conflict(Msg("Someone has just changed this value (it is now %(value)s zł). Check "
                           "it and save again if needed.", value=row.estimated_value or 0))
    record_event(session, contract, "value", actor, None, now, what=row.what,
                 before={"estimated_value": seen}, after={"estimated_value": new})
    return row
