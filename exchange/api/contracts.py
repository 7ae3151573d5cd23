"""The API's contracts: draft one, read it, sign it, record deliveries; members of a party only.

Every change names the acting party in its body (``organization_id``): one person may belong
to several organizations, and the core checks that the token's user is a member (a signatory,
to sign) of that party. The API has no login time, so signing always asks for the password.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import abort, g, request, url_for

from exchange.api.base import bp, json_body, page_of, per_page
from exchange.api.base import refuse_unknown_fields
from exchange.core import contracts as core
from exchange.core.errors import (
    Errors,
    Msg,
    ValidationError,
)
from exchange.core.organizations import get_membership
from exchange.http import access
from exchange.http.clock import utcnow
from exchange.http.extensions import db
from exchange.http.i18n import translate
from exchange.http.passwords import password_check
from exchange.http.urls import page_number
from exchange.http.unit import unit_of_work
from models import Commitment, Contract, ContractStatus, ContractVersion

CONTRACT_FIELDS = {"parties", "representatives", "note", "commitments"}
COMMITMENT_FIELDS = {"giver_id", "receiver_id", "what", "quantity", "unit", "due_on",
                     "listing_id", "need_id", "estimated_value"}
ID_FIELDS = ("giver_id", "receiver_id", "listing_id", "need_id")


# ---------------------------------------------------------------------------- answers

def _moment(value: datetime | date | None) -> str | None:
    return value.isoformat() if value else None


def commitment_json(row: Commitment) -> dict:
    return {"id": row.id, "position": row.position, "giver_id": row.giver_id,
            "receiver_id": row.receiver_id, "what": row.what, "quantity": row.quantity,
            "unit": row.unit.value, "due_on": row.due_on.isoformat(),
            "listing_id": row.listing_id, "need_id": row.need_id,
            "estimated_value": row.estimated_value, "reserved": row.reserved,
            "awaits_reservation": row.awaits_reservation,
            "status": row.status.value, "status_note": row.status_note,
            "delivered_at": _moment(row.delivered_at), "settled_at": _moment(row.settled_at)}


def version_json(version: ContractVersion) -> dict:
    return {"number": version.number, "state": version.state.value, "note": version.note,
            "created_at": _moment(version.created_at), "frozen_at": _moment(version.frozen_at),
            "signed_at": _moment(version.signed_at),
            "commitments": [commitment_json(row) for row in version.commitments],
            "signatures": [{"organization_id": s.organization_id, "signed_by": s.signer_name,
                            "signed_at": _moment(s.signed_at)} for s in version.signatures]}


def contract_json(contract: Contract) -> dict:
    in_force = contract.in_force
    return {
        "id": contract.id, "number": contract.number, "status": contract.status.value,
        "revision": contract.revision, "current_version": contract.current.number,
        "version_in_force": in_force.number if in_force else None,
        "proposal_id": contract.proposal_id,
        "created_at": _moment(contract.created_at), "updated_at": _moment(contract.updated_at),
        "activated_at": _moment(contract.activated_at), "ended_at": _moment(contract.ended_at),
        "parties": [{"organization_id": p.organization_id, "name": p.organization.name,
                     "representative": p.representative,
                     "cancel_requested_at": _moment(p.cancel_requested_at)}
                    for p in contract.parties],
        "versions": [version_json(v) for v in contract.versions],
    }


def _answer(contract_id: int, status: int = 200):
    """The contract as it is after the committed change, read afresh."""
    contract = core.get_contract(db.session, g.api_user, contract_id)
    return contract_json(contract), status


# ---------------------------------------------------------------------------- input

def _acting_organization(body: dict) -> int:
    org_id = body.get("organization_id")
    if not isinstance(org_id, int) or isinstance(org_id, bool):
        raise ValidationError.single("organization_id", Msg("Give the id of your organization."))
    return org_id


def _is_id(value: Any) -> bool:
    return value is None or (isinstance(value, int) and not isinstance(value, bool))


def _contract_data(body: dict) -> dict:
    """The body's terms in the shape the core validates, refusing what does not fit it."""
    refuse_unknown_fields(body, CONTRACT_FIELDS)
    errors = Errors()
    parties = body.get("parties")
    if not isinstance(parties, list) or not all(_is_id(p) and p is not None for p in parties):
        errors.add("parties", Msg("Not a valid choice."))
        parties = []
    representatives = body.get("representatives") or {}
    if not isinstance(representatives, dict) or not all(
            key.isascii() and key.strip().isdigit() for key in representatives):
        errors.add("representatives", Msg("Choose one of the parties."))
        representatives = {}
    rows = body.get("commitments")
    commitments = []
    if not isinstance(rows, list):
        errors.add("commitments", Msg("Add at least one commitment: who gives what to whom."))
        rows = []
    for i, row in enumerate(rows):
        prefix = f"commitments-{i}-"
        if not isinstance(row, dict):
            errors.add(f"commitments-{i}", Msg("Not a valid choice."))
            continue
        for key in sorted(set(row) - COMMITMENT_FIELDS):
            errors.add(prefix + key, Msg("Unknown field."))
        for key in ID_FIELDS:
            if not _is_id(row.get(key)):
                errors.add(prefix + key, Msg("Not a valid choice."))
        commitments.append(row)
    errors.raise_if_any()
    return {"parties": parties, "representatives": representatives,
            "note": body.get("note"), "commitments": commitments}


# ---------------------------------------------------------------------------- routes

@bp.route("/organizations/<int:org_id>/contracts")
@access.token
def organization_contracts(org_id: int):
    """The organization's contracts, newest first; for its members only."""
    get_membership(db.session, g.api_user, org_id)
    status = request.args.get("status") or None
    if status is not None and status not in {s.value for s in ContractStatus}:
        abort(400, translate(Msg("Not a valid choice.")))
    query = core.contracts_query(org_id, status=ContractStatus(status) if status else None)
    page = db.paginate(query, page=page_number(), per_page=per_page(), error_out=False)
    return page_of(page, [contract_json(c) for c in page.items])


@bp.route("/organizations/<int:org_id>/contracts", methods=["POST"])
@access.token
def create_contract(org_id: int):
    """A draft contract written by a member of ORG_ID, which must be one of the parties."""
    body = json_body()
    data = _contract_data(body)
    with unit_of_work():
        contract = core.create_contract(db.session, g.api_user, org_id, data, utcnow())
    answer, status = _answer(contract.id, 201)
    return answer, status, {"Location": url_for("api.contract", contract_id=contract.id)}


@bp.route("/contracts/<int:contract_id>")
@access.token
def contract(contract_id: int):
    return _answer(contract_id)


@bp.route("/contracts/<int:contract_id>/sign", methods=["POST"])
@access.token
def sign_contract(contract_id: int):
    """Sign the current version for the party ORGANIZATION_ID; the password is always asked."""
    body = json_body()
    refuse_unknown_fields(body, {"organization_id", "password", "revision"})
    org_id = _acting_organization(body)
    password, revision = body.get("password"), body.get("revision")
    errors = Errors()
    if not isinstance(password, str) or not password:
        errors.add("password", Msg("This field is required."))
    if not _is_id(revision):
        errors.add("revision", Msg("Enter a number."))
    errors.raise_if_any()

    with unit_of_work(), password_check(g.api_user):
        core.sign(db.session, g.api_user, org_id, contract_id, utcnow(),
                  password=password, recent_login=False, revision=revision)
    return _answer(contract_id)


@bp.route("/contracts/<int:contract_id>/commitments/<int:commitment_id>/"
          "<any(deliver, confirm, dispute, not_feasible):action>", methods=["POST"])
@access.token
def change_commitment(contract_id: int, commitment_id: int, action: str):
    """The giver marks delivery; the receiver confirms or disputes; either says not feasible."""
    body = json_body()
    refuse_unknown_fields(body, {"organization_id", "note"})
    org_id = _acting_organization(body)
    with unit_of_work():
        core.change_commitment(db.session, g.api_user, org_id, contract_id, commitment_id,
                               action, utcnow(), note=body.get("note", ""))
    return _answer(contract_id)
