"""Contracts: drafting, signing, amending, fulfilling and ending them, each step in the history.

Rules kept here, for the web pages, the API and the scheduler alike:
- only members of a party see a contract; only a party's signatories sign for it;
- from the first signature on the terms of a version are frozen: a change is an amendment,
  a new version that every party signs again, while the earlier one stays readable;
- every change is one ``ContractEvent`` row in the same transaction (the database refuses
  to change or delete those rows);
- a commitment linked to an offer reserves its quantity with one conditional UPDATE, so
  two contracts can never take the same last unit; it does so only with the giver's consent
  (the giver drafted or edited the terms, or its signatory signed them): another party
  cannot drain an organization's offer by drafting contracts with it;
- an edit made from an older revision of a draft is refused as a conflict.

The package is cut by step (terms, reading, drafting, signing, fulfilment, follow_up, notices,
calendar_feed, values, history); capacity reservation is exchange/core/capacity.py, shared with
the events' desk. This module re-exports the public names.
"""
from __future__ import annotations

from exchange.core.contracts.calendar_feed import calendar_entries, calendar_token
from exchange.core.contracts.drafting import (
    add_first_version,
    create_contract,
    draft_from_proposal,
    next_number,
    update_draft,
)
from exchange.core.contracts.follow_up import (
    CHECK_IN_MONTHS,
    DUE_REMINDERS,
    FIRST_CONTACT_AFTER,
    add_months,
    answer_check_in,
    follow_up,
    open_check_ins,
)
from exchange.core.contracts.fulfilment import (
    COMMITMENT_ACTIONS,
    FINAL_COMMITMENTS,
    change_commitment,
)
from exchange.core.contracts.history import record_event
from exchange.core.contracts.notices import tell_parties
from exchange.core.contracts.reading import (
    Dashboard,
    acting_party,
    contracts_of,
    contracts_query,
    dashboard,
    get_contract,
    history,
)
from exchange.core.contracts.signing import (
    REAUTHENTICATE_AFTER,
    login_is_recent,
    propose_amendment,
    request_cancel,
    sign,
    withdraw,
)
from exchange.core.contracts.terms import (
    DEFAULT_TERM,
    LONGEST_TERM,
    MAX_COMMITMENTS,
    MAX_PARTIES,
    NOTE_MAX,
    QUANTITY_MAX,
    REPRESENTATIVE_MAX,
    STATUS_NOTE_MAX,
    VALUE_MAX,
    WHAT_MAX,
    Terms,
    clean_terms,
    suggested_value,
)
from exchange.core.contracts.values import set_value_default, value_defaults

__all__ = [
    "CHECK_IN_MONTHS",
    "COMMITMENT_ACTIONS",
    "DEFAULT_TERM",
    "DUE_REMINDERS",
    "Dashboard",
    "FINAL_COMMITMENTS",
    "FIRST_CONTACT_AFTER",
    "LONGEST_TERM",
    "MAX_COMMITMENTS",
    "MAX_PARTIES",
    "NOTE_MAX",
    "QUANTITY_MAX",
    "REAUTHENTICATE_AFTER",
    "REPRESENTATIVE_MAX",
    "STATUS_NOTE_MAX",
    "Terms",
    "VALUE_MAX",
    "WHAT_MAX",
    "acting_party",
    "add_first_version",
    "add_months",
    "answer_check_in",
    "calendar_entries",
    "calendar_token",
    "change_commitment",
    "clean_terms",
    "contracts_of",
    "contracts_query",
    "create_contract",
    "dashboard",
    "draft_from_proposal",
    "follow_up",
    "get_contract",
    "history",
    "login_is_recent",
    "next_number",
    "open_check_ins",
    "propose_amendment",
    "record_event",
    "request_cancel",
    "set_value_default",
    "sign",
    "suggested_value",
    "tell_parties",
    "update_draft",
    "value_defaults",
    "withdraw",
]
