"""The partnership's declaration: its optional formalisation as a multi-party contract
(exchange/core/contracts), signed by each member organization's signatory on the contract's
own pages and amended the same way.

Its parties are the current member organizations, the leading one first. Each partner's
declared contribution (an offer tagged for the partnership) is a commitment: the partner gives,
the leading organization receives on behalf of the partnership. The commitments link no
listing: a linked offer would have its capacity reserved when its giver signs, and a
contribution declared is still there for the partners to use, not handed over. The leading
organization's own contributions cannot be commitments (a giver never receives from itself):
the version's note names them.

A manager prepares it; when members or contributions change, a manager proposes an amendment —
a new version everybody signs again; a version signed is never changed. When every party has
signed, the partnership's `formalisation` becomes "declaration"
(exchange/core/contracts/signing.py sets it, the moment the last signature brings it into force).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from exchange.core.contracts.drafting import add_first_version, next_number, touch
from exchange.core.contracts.history import record_event, terms_of
from exchange.core.contracts.notices import tell_parties
from exchange.core.contracts.reading import contract_query
from exchange.core.contracts.terms import WHAT_MAX, Terms
from exchange.core.errors import Conflict, Msg, ValidationError
from exchange.core.partnerships.changes import living
from exchange.core.partnerships.contributions import contributions_of
from exchange.core.partnerships.reading import record
from models import (
    Commitment,
    Contract,
    ContractParty,
    ContractStatus,
    ContractVersion,
    ListingKind,
    Organization,
    Partnership,
    PartnershipChangeKind,
    User,
    VersionState,
)
from models.contract import OPEN_STATUSES

# A partner's contribution is declared for a year of the partnership's work.
TERM = timedelta(days=365)
LEAD_NOTE = "Wkład organizacji wiodącej ({lead}): {items}."


@dataclass
class DeclarationState:
    """What the partnership page shows of the declaration."""

    contract: Contract
    version: ContractVersion        # the newest version: being signed, or in force
    signed: list[Organization]      # parties that signed that version
    unsigned: list[Organization]    # parties that have not yet
    in_force: bool                  # a version signed by every party exists
    outdated: bool                  # members or contributions changed since that version


def declaration_of(session: Session, partnership: Partnership) -> Contract | None:
    if partnership.declaration_contract_id is None:
        return None
    return session.scalar(contract_query().where(
        Contract.id == partnership.declaration_contract_id))


def declaration_terms(session: Session, partnership: Partnership, today: date) -> Terms:
    """The declaration as the partnership stands: its members, its partners' contributions."""
    lead = partnership.lead_id
    parties = [lead] + [m.organization_id for m in partnership.current_members
                        if m.organization_id != lead]
    offers = [x for x in contributions_of(session, partnership) if x.kind is ListingKind.OFFER]
    commitments = [{"giver_id": x.organization_id, "receiver_id": lead,
                    "what": x.title[:WHAT_MAX], "category": x.category, "listing_id": None,
                    "need_id": None, "quantity": x.quantity, "unit": x.unit,
                    "due_on": today + TERM, "estimated_value": None, "prefix": ""}
                   for x in offers if x.organization_id != lead]
    own = [x.title for x in offers if x.organization_id == lead]
    note = LEAD_NOTE.format(lead=partnership.lead.name, items="; ".join(own)) if own else ""
    return Terms(parties, {p: "" for p in parties}, commitments, note)


def _key(row: Commitment | dict) -> tuple:
    get = row.get if isinstance(row, dict) else lambda name: getattr(row, name)
    return (get("giver_id"), get("receiver_id"), get("what"), get("category"),
            get("quantity"), get("unit"))


def _holds(contract: Contract, version: ContractVersion, terms: Terms) -> bool:
    """Whether VERSION of CONTRACT says what TERMS say (due dates aside: they follow the day)."""
    return (set(contract.organization_ids) == set(terms.parties) and version.note == terms.note
            and sorted(map(_key, version.commitments), key=repr)
            == sorted(map(_key, terms.commitments), key=repr))


def declaration_state(session: Session, partnership: Partnership,
                      today: date) -> DeclarationState | None:
    contract = declaration_of(session, partnership)
    if contract is None:
        return None
    version = contract.current
    parties = [p.organization for p in contract.parties]
    return DeclarationState(
        contract, version,
        signed=[o for o in parties if version.signature_of(o.id)],
        unsigned=[o for o in parties if not version.signature_of(o.id)],
        in_force=contract.in_force is not None,
        outdated=contract.status in OPEN_STATUSES and not _holds(
            contract, version, declaration_terms(session, partnership, today)))


def _terms_to_sign(session: Session, partnership: Partnership, today: date) -> Terms:
    terms = declaration_terms(session, partnership, today)
    if not terms.commitments:
        raise ValidationError.single(None, Msg(
            "No partner but the leading organization has declared a contribution yet: "
            "there is nothing to sign."))
    return terms


def prepare_declaration(session: Session, actor: User, partnership_id: int,
                        now: datetime) -> Contract:
    """Draw up the declaration for every member to sign; managers only, once (then amend)."""
    partnership = living(session, actor, partnership_id)
    existing = declaration_of(session, partnership)
    if existing is not None and existing.status in OPEN_STATUSES:
        raise Conflict(Msg("The partnership has its declaration already: propose an amendment "
                           "to change it."))
    terms = _terms_to_sign(session, partnership, now.date())
    contract = Contract(number=next_number(session, str(now.year)), status=ContractStatus.DRAFT,
                        created_by_id=actor.id, created_at=now, updated_at=now)
    version = ContractVersion(number=1, state=VersionState.DRAFT, created_by_id=actor.id,
                              created_at=now)
    add_first_version(session, contract, version, terms, now, consenting=set())
    partnership.declaration_contract_id = contract.id
    partnership.updated_at = now
    record_event(session, contract, "create", actor, partnership.lead_id, now,
                 **terms_of(version, contract))
    record(session, partnership, PartnershipChangeKind.DECLARATION_PREPARED, actor, now,
           detail=contract.number)
    tell_parties(session, contract, None, now, f"partnership-declaration:{contract.id}:1",
                 Msg("The partnership „%(name)s” asks you to sign its declaration "
                     "%(number)s.", name=partnership.name, number=contract.number))
    return contract


def amend_declaration(session: Session, actor: User, partnership_id: int,
                      now: datetime) -> Contract:
    """Bring the declaration up to the partnership's members and contributions: an unsigned
    draft is rewritten, a version signed by anybody is kept and a new one proposed, which
    every party signs again."""
    partnership = living(session, actor, partnership_id)
    contract = declaration_of(session, partnership)
    if contract is None or contract.status not in OPEN_STATUSES:
        raise Conflict(Msg("The partnership has no declaration in progress: prepare one."))
    terms = _terms_to_sign(session, partnership, now.date())
    current = contract.current
    if _holds(contract, current, terms):
        raise ValidationError.single(None, Msg("The declaration already holds every member "
                                               "and contribution."))
    version = current
    if current.state is not VersionState.DRAFT:
        # Signed by some or all: it stays readable as it was, and a new version is signed.
        if contract.in_force is None:
            current.state, contract.status = VersionState.SUPERSEDED, ContractStatus.DRAFT
        elif current is not contract.in_force:
            current.state = VersionState.DISCARDED
        version = ContractVersion(number=max(v.number for v in contract.versions) + 1,
                                  state=VersionState.DRAFT, created_by_id=actor.id,
                                  created_at=now)
        contract.versions.append(version)
    _put_terms(contract, version, terms)
    touch(contract, now)
    session.flush()
    record_event(session, contract, "amend", actor, partnership.lead_id, now,
                 version=version.number, **terms_of(version, contract))
    record(session, partnership, PartnershipChangeKind.DECLARATION_AMENDED, actor, now,
           detail=f"{contract.number} v{version.number}")
    tell_parties(session, contract, None, now,
                 f"partnership-declaration:{contract.id}:{version.number}",
                 Msg("The declaration %(number)s of the partnership „%(name)s” changed: read "
                     "it and sign it again.", name=partnership.name, number=contract.number))
    return contract


def _put_terms(contract: Contract, version: ContractVersion, terms: Terms) -> None:
    """TERMS into a draft VERSION: the parties as they are now, the rows anew (each linked to
    the row it amends in the version in force, so that a delivery confirmed carries over)."""
    kept = {p.organization_id: p for p in contract.parties}
    contract.parties[:] = [kept.get(org_id) or ContractParty(organization_id=org_id)
                           for org_id in terms.parties]
    version.note = terms.note
    version.commitments.clear()
    in_force = list(contract.in_force.commitments) if contract.in_force else []
    for i, clean in enumerate(terms.commitments):
        fields = {k: v for k, v in clean.items() if k != "prefix"}
        origin = next((o for o in in_force if _key(o) == _key(clean)), None)
        if origin is not None:
            in_force.remove(origin)
        version.commitments.append(Commitment(position=i, origin_id=origin.id if origin else None,
                                              **fields))
