"""A contract's terms as the parties write them: limits, parties, commitments, and their validation."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from exchange.core.errors import Errors, Msg, clean_choice, clean_date, clean_number, clean_text
from exchange.core.listings import PUBLIC_STATUSES, hidden_from
from exchange.core.money import refuse_money
from models import Category, Listing, ListingKind, Organization, Unit, ValueDefault
from models.base import get_by_id, storable_ids

WHAT_MAX = 300
NOTE_MAX = 5000
REPRESENTATIVE_MAX = 120
STATUS_NOTE_MAX = 500
QUANTITY_MAX = 100_000
VALUE_MAX = 10_000_000
MAX_PARTIES = 8
MAX_COMMITMENTS = 30
LONGEST_TERM = timedelta(days=3 * 366)
DEFAULT_TERM = timedelta(days=90)


@dataclass
class Terms:
    parties: list[int]
    representatives: dict[int, str]
    commitments: list[dict[str, Any]]
    note: str


def suggested_value(session: Session, category, unit: Unit, quantity: int) -> int | None:
    """A value for statistics from the admins' table of defaults: quantity × value per unit."""
    per_unit = session.scalar(select(ValueDefault.value).where(ValueDefault.category == category,
                                                               ValueDefault.unit == unit))
    return None if per_unit is None else per_unit * quantity


def clean_terms(session: Session, data: Mapping[str, Any], today: date, *,
                acting_org: int | None = None) -> Terms:
    """Validate parties, commitments and the note; field names match the web form's.

    ACTING_ORG may link its own unpublished listings; nobody else's are found."""
    errors = Errors()
    parties, found = _clean_parties(session, data.get("parties"), errors)
    representatives = _clean_representatives(data.get("representatives"), errors)
    note = clean_text(data.get("note"), "note", errors, max_length=NOTE_MAX, multiline=True)
    refuse_money(errors, {"note": note})
    commitments = _clean_commitments(session, data.get("commitments"), set(parties), today,
                                     errors, acting_org)
    if not errors:
        involved = {c["giver_id"] for c in commitments} | {c["receiver_id"] for c in commitments}
        for org_id in parties:
            if org_id not in involved:
                errors.add("parties", Msg("%(organization)s neither gives nor receives anything: "
                                          "add a commitment for it or remove it.",
                                          organization=found[org_id].name))
    errors.raise_if_any()
    return Terms(parties, {p: representatives.get(p, "") for p in parties}, commitments, note)


def _clean_parties(session: Session, values: Any, errors: Errors
                   ) -> tuple[list[int], dict[int, Organization]]:
    """The parties' ids in the order given, without repeats, and the organizations found."""
    parties: list[int] = []
    for value in values or []:
        try:
            org_id = int(value)
        except (TypeError, ValueError, OverflowError):
            errors.add("parties", Msg("Not a valid choice."))
            continue
        if org_id not in parties:
            parties.append(org_id)
    found = {o.id: o for o in session.scalars(
        select(Organization).where(Organization.id.in_(storable_ids(parties))))}
    if any(p not in found for p in parties):
        errors.add("parties", Msg("Organization not found."))
    if len(parties) < 2:
        errors.add("parties", Msg("A contract needs at least two parties."))
    elif len(parties) > MAX_PARTIES:
        errors.add("parties", Msg("A contract can have at most %(max)d parties.", max=MAX_PARTIES))
    return parties, found


def _clean_representatives(given: Any, errors: Errors) -> dict[int, str]:
    """Who signs for each party (organization id → name), as typed."""
    representatives = {}
    if not isinstance(given or {}, Mapping):
        errors.add("representatives", Msg("Choose one of the parties."))
        given = {}
    for org_id, name in (given or {}).items():
        try:
            key = int(org_id)
        except (TypeError, ValueError, OverflowError):
            errors.add("representatives", Msg("Choose one of the parties."))
            continue
        representatives[key] = clean_text(name, "representatives", errors,
                                          max_length=REPRESENTATIVE_MAX)
    return representatives


def _clean_commitments(session: Session, rows: Any, parties: set[int], today: date,
                       errors: Errors, acting_org: int | None) -> list[dict[str, Any]]:
    rows = list(rows or [])
    if not rows:
        errors.add(None, Msg("Add at least one commitment: who gives what to whom."))
    if len(rows) > MAX_COMMITMENTS:
        errors.add(None, Msg("A contract can have at most %(max)d commitments.",
                             max=MAX_COMMITMENTS))
        rows = rows[:MAX_COMMITMENTS]
    commitments = []
    for i, row in enumerate(rows):
        if not isinstance(row, Mapping):
            errors.add(f"commitments-{i}-what", Msg("This field is required."))
            continue
        commitments.append(_clean_commitment(session, f"commitments-{i}-", row, parties,
                                             today, errors, acting_org))
    return commitments


def _organization_id(value: Any, field: str, parties: set[int], errors: Errors) -> int | None:
    try:
        org_id = int(value)
    except (TypeError, ValueError, OverflowError):
        errors.add(field, Msg("This field is required."))
        return None
    if org_id not in parties:
        errors.add(field, Msg("Choose one of the parties."))
        return None
    return org_id


def _clean_commitment(session: Session, prefix: str, row: Mapping[str, Any], parties: set[int],
                      today: date, errors: Errors, acting_org: int | None) -> dict[str, Any]:
    giver = _organization_id(row.get("giver_id"), prefix + "giver_id", parties, errors)
    receiver = _organization_id(row.get("receiver_id"), prefix + "receiver_id", parties, errors)
    if giver is not None and giver == receiver:
        errors.add(prefix + "receiver_id", Msg("The giver and the receiver must differ."))
    what = clean_text(row.get("what"), prefix + "what", errors, max_length=WHAT_MAX,
                      required=True)
    refuse_money(errors, {prefix + "what": what})
    quantity = clean_number(row.get("quantity"), prefix + "quantity", errors, kind=int, low=1,
                       high=QUANTITY_MAX, required=True)
    unit = clean_choice(row.get("unit"), prefix + "unit", errors, Unit)
    due_on = clean_date(row.get("due_on"), prefix + "due_on", errors)
    if due_on is None and not errors.errors.get(prefix + "due_on"):
        errors.add(prefix + "due_on", Msg("This field is required."))
    elif due_on is not None and not today <= due_on <= today + LONGEST_TERM:
        errors.add(prefix + "due_on", Msg("Choose a due date from today to three years ahead."))
    value = clean_number(row.get("estimated_value"), prefix + "estimated_value", errors, kind=int,
                    low=0, high=VALUE_MAX)
    listing_id = _linked(session, row.get("listing_id"), prefix + "listing_id", ListingKind.OFFER,
                         giver, acting_org, errors)
    need_id = _linked(session, row.get("need_id"), prefix + "need_id", ListingKind.NEED,
                      receiver, acting_org, errors)
    category = None
    if row.get("category") not in (None, ""):
        category = clean_choice(row.get("category"), prefix + "category", errors, Category)
    elif listing_id or need_id:
        category = session.scalar(select(Listing.category).where(
            Listing.id == (listing_id or need_id)))
    return {"giver_id": giver, "receiver_id": receiver, "what": what, "quantity": quantity,
            "unit": unit, "due_on": due_on, "estimated_value": value, "listing_id": listing_id,
            "need_id": need_id, "category": category, "prefix": prefix}


def _linked(session: Session, value: Any, field: str, kind: ListingKind, org_id: int | None,
            acting_org: int | None, errors: Errors) -> int | None:
    """A listing of KIND belonging to ORG_ID, or None when no listing is linked.

    Another organization's unpublished listing gets the answer of one that does not exist,
    so that probing ids tells nothing of its kind, owner or quantity."""
    if value in (None, "", 0, "0"):
        return None
    try:
        listing_id = int(value)
    except (TypeError, ValueError, OverflowError):
        errors.add(field, Msg("Not a valid choice."))
        return None
    listing = get_by_id(session, Listing, listing_id)
    if listing is not None and listing.status not in PUBLIC_STATUSES \
            and listing.organization_id != acting_org:
        listing = None
    # One kept for a partnership only is as unknown to an organization outside it.
    if listing is not None and listing.partnership_only and acting_org is not None \
            and listing.id in hidden_from(session, acting_org):
        listing = None
    if listing is None or listing.kind is not kind or (org_id is not None
                                                       and listing.organization_id != org_id):
        errors.add(field, Msg("Link an offer of the giver.") if kind is ListingKind.OFFER
                   else Msg("Link a need of the receiver."))
        return None
    return listing_id
