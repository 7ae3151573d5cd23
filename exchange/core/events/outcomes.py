"""What became of the deals: each one's outcome months later, the report after the event,
and its rows for the CSV export."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from exchange.core.events.tally import Tally, event_contracts, tally
from exchange.core.events.door import presence
from exchange.core.events.registration import SectorBalance, sector_balance
from models import CheckIn, Contract, ContractStatus, Organization
from models.event import ExchangeEvent


OUTCOMES = ("done", "ongoing", "no_contact", "not_feasible", "unknown")


def outcome_of(contract: Contract, answers: list[CheckIn]) -> str:
    """What is known of a deal months later: its settled outcome, else the newest answer."""
    if contract.status is ContractStatus.FULFILLED:
        return "done"
    if contract.status in (ContractStatus.FAILED, ContractStatus.CANCELLED,
                           ContractStatus.WITHDRAWN):
        return "not_feasible"
    answered = [a for a in answers if a.answer is not None]
    if not answered:
        return "unknown"
    return max(answered, key=lambda a: a.answered_at).answer.value


@dataclass
class Report:
    event: ExchangeEvent
    sectors: list[SectorBalance]
    present: int
    expected: int
    tally: Tally
    most_active: list[tuple[Organization, int]]
    outcomes: Counter
    contracts: list[Contract]
    outcome_by_contract: dict[int, str]

    @property
    def fulfilment_rate(self) -> float | None:
        """Done among the deals whose fate is known."""
        known = sum(n for k, n in self.outcomes.items() if k != "unknown")
        return self.outcomes["done"] / known if known else None


def report(session: Session, event: ExchangeEvent) -> Report:
    contracts = event_contracts(session, event)
    counts = tally(session, contracts)
    top = counts.by_organization.most_common(10)
    orgs = {o.id: o for o in session.scalars(select(Organization).where(
        Organization.id.in_([org_id for org_id, _ in top])))} if top else {}
    answers: dict[int, list[CheckIn]] = {}
    if contracts:
        for row in session.scalars(select(CheckIn).where(
                CheckIn.contract_id.in_([c.id for c in contracts]))):
            answers.setdefault(row.contract_id, []).append(row)
    by_contract = {c.id: outcome_of(c, answers.get(c.id, [])) for c in contracts}
    present, expected = presence(event)
    return Report(event=event, sectors=sector_balance(event), present=present,
                  expected=expected, tally=counts,
                  most_active=[(orgs[org_id], n) for org_id, n in top],
                  outcomes=Counter({k: 0 for k in OUTCOMES}) + Counter(by_contract.values())
                  or Counter(), contracts=contracts, outcome_by_contract=by_contract)


def report_rows(session: Session, event: ExchangeEvent) -> list[dict]:
    """One row per commitment of every deal, for the CSV export."""
    result = report(session, event)
    names = dict(session.execute(select(Organization.id, Organization.name).where(
        Organization.id.in_({p.organization_id for c in result.contracts
                             for p in c.parties}))).all()) if result.contracts else {}
    rows = []
    for contract in result.contracts:
        for row in contract.versions[0].commitments:
            rows.append({"number": contract.number, "ratified_at": contract.ratified_at.isoformat(),
                         "giver": names.get(row.giver_id, ""),
                         "receiver": names.get(row.receiver_id, ""), "what": row.what,
                         "category": row.category.value if row.category else "",
                         "quantity": row.quantity, "unit": row.unit.value,
                         "due_on": row.due_on.isoformat(),
                         "estimated_value": row.estimated_value or 0,
                         "commitment_status": row.status.value,
                         "outcome": result.outcome_by_contract[contract.id]})
    return rows
