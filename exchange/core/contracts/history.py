"""The append-only history of a contract: one row per change, with the terms as they were."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from models import Contract, ContractEvent, ContractVersion, User, VersionState


def record_event(session: Session, contract: Contract, action: str, actor: User | None,
                 org_id: int | None, now: datetime, **changes: Any) -> None:
    # A withdrawn first version is discarded and leaves no current one: log it under its number.
    live = [v for v in contract.versions if v.state is not VersionState.DISCARDED]
    session.add(ContractEvent(contract_id=contract.id,
                              version=(live or contract.versions)[-1].number, action=action,
                              actor_id=actor.id if actor else None, organization_id=org_id,
                              changes=_plain(changes), created_at=now))


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if hasattr(value, "value"):
        return value.value
    return value


def terms_of(version: ContractVersion, contract: Contract) -> dict[str, Any]:
    return {"parties": [{"organization_id": p.organization_id, "representative": p.representative}
                        for p in contract.parties],
            "commitments": [c.terms for c in version.commitments], "note": version.note}
