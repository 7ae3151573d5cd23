"""The deal form of the notary desk and of the participants' phones: its fields as typed,
what the core makes of them, and its errors.

The form is read by hand rather than with WTForms: its party slots and commitment rows
grow in the browser, parties are typed (a few letters of a name), and the same form answers a
plain POST (no JavaScript) and desk.js's fetch (JSON), which keeps a deal in an outbox while
the connection is down.
"""
from __future__ import annotations

import re
from datetime import timedelta

from flask_babel import gettext

from exchange.core import events as core
from exchange.core.contracts import MAX_COMMITMENTS, MAX_PARTIES, value_defaults
from exchange.core.errors import ValidationError
from exchange.http.extensions import db
from exchange.http.i18n import translate
from exchange.infra.textsearch import fold
from models import Category, ListingKind, Organization, Unit
from models.event import EventDeal

DESK_ROWS = 2          # commitment rows of a new deal: one each way
DUE_DAYS = 90          # the due date a new commitment row suggests
ROW_FIELDS = ("pick", "giver_id", "receiver_id", "what", "quantity", "unit", "due_on",
              "category", "estimated_value", "listing_id", "need_id")
ROW_NAME = re.compile(r"^commitments-(\d{1,2})-([a-z_]+)$")
SLOT = re.compile(r"^@(\d{1,2})$")
PICKED = re.compile(r"^#(\d{1,9})\b")
BY_ID = re.compile(r"\(#(\d{1,9})\)\s*$")


def _org_labels(orgs: list[Organization]) -> dict[int, str]:
    """What a party field shows for each organization: its name, made unique when needed."""
    seen: dict[str, int] = {}
    for org in orgs:
        seen[fold(org.name)] = seen.get(fold(org.name), 0) + 1
    return {o.id: o.name if seen[fold(o.name)] == 1 else f"{o.name} (#{o.id})" for o in orgs}


def _listing_label(listing) -> str:
    kind = gettext("offer") if listing.kind is ListingKind.OFFER else gettext("need")
    return f"#{listing.id} {listing.title} — {listing.organization.name} ({kind})"


class DealForm:
    """The fields of a deal as typed (party slots, commitment rows) and their errors."""

    def __init__(self, event, today, *, own_org: Organization | None = None):
        self.event = event
        self.orgs = sorted((p.organization for p in core.admitted(event)),
                           key=lambda o: fold(o.name))
        self.labels = _org_labels(self.orgs)
        self.listings = core.event_listings(db.session, event)
        self.today = today
        self.own_org = own_org
        self.parties: list[str] = []
        self.representatives: list[str] = []
        self.rows: list[dict] = []
        self.no_money = False
        self.client_key = ""
        self.opened_at = ""
        self.deal_id = ""
        self.errors: dict[str | None, list[str]] = {}

    # -- building
    def blank(self) -> "DealForm":
        first = str(self.own_org.id) if self.own_org else ""
        self.parties, self.representatives = [first, ""], ["", ""]
        self.rows = [self.blank_row("@0", "@1"), self.blank_row("@1", "@0")][:DESK_ROWS]
        return self

    def blank_row(self, giver: str = "@0", receiver: str = "@1") -> dict:
        row = dict.fromkeys(ROW_FIELDS, "")
        row.update(giver_id=giver, receiver_id=receiver,
                   due_on=(self.today + timedelta(days=DUE_DAYS)).isoformat())
        return row

    def read(self, form) -> "DealForm":
        self.parties = [v.strip()[:200] for v in form.getlist("parties")][:MAX_PARTIES]
        if self.own_org is not None:
            self.parties[:1] = [str(self.own_org.id)]
        self.representatives = [
            (form.get(f"representatives-{i}-representative") or "").strip()
            for i in range(len(self.parties))]
        indexes = sorted({int(m.group(1)) for key in form if (m := ROW_NAME.match(key))})
        self.rows = [{name: (form.get(f"commitments-{i}-{name}") or "").strip()[:400]
                      for name in ROW_FIELDS}
                     for i in indexes[:MAX_COMMITMENTS]]
        self.no_money = form.get("no_money") in ("1", "on", "true", "yes")
        self.client_key = (form.get("client_key") or "").strip()[:64]
        self.opened_at = form.get("opened_at") or ""
        self.deal_id = form.get("deal_id") if (form.get("deal_id") or "").isdigit() else ""
        return self

    def from_deal(self, deal: EventDeal) -> "DealForm":
        terms = deal.terms or {}
        ids = [p for p in terms.get("parties", []) if str(p).isdigit()]
        slot = {str(p): f"@{i}" for i, p in enumerate(ids)}
        self.parties = [self.labels.get(int(p), str(p)) for p in ids]
        reps = terms.get("representatives") or {}
        self.representatives = [reps.get(str(p), "") for p in ids]
        by_id = {x.id: x for x in self.listings}
        self.rows = []
        for given in terms.get("commitments") or []:
            row = self.blank_row()
            row.update({k: str(given.get(k) or "") for k in ROW_FIELDS if k in given})
            row["giver_id"] = slot.get(str(given.get("giver_id")), "")
            row["receiver_id"] = slot.get(str(given.get("receiver_id")), "")
            linked = row["listing_id"] or row["need_id"]
            picked = by_id.get(int(linked)) if linked.isdigit() else None
            row["pick"] = _listing_label(picked) if picked else ""
            self.rows.append(row)
        self.rows = self.rows or [self.blank_row()]
        # The participants' own tick that no money changes hands comes with their draft; the
        # notary still sees it and can untick it before ratifying.
        self.no_money = str(terms.get("no_money") or "").lower() in ("1", "on", "true", "yes")
        self.deal_id = str(deal.id)
        return self

    # -- reading into core data
    def _resolve(self, text: str) -> tuple[int | None, str | None]:
        match = BY_ID.search(text)
        by_id = {o.id: o for o in self.orgs}
        if text.isdigit() or match:
            org_id = int(text if text.isdigit() else match.group(1))
            if org_id in by_id:
                return org_id, None
            return None, gettext("Choose one of the admitted organizations.")
        key = fold(text)
        exact = [o for o in self.orgs if fold(o.name) == key]
        found = exact or [o for o in self.orgs if key in fold(o.name)]
        if len(found) == 1:
            return found[0].id, None
        if not found:
            return None, gettext("No admitted organization matches “%(text)s”.", text=text)
        return None, gettext("“%(text)s” matches %(count)d organizations: type more of the name.",
                             text=text, count=len(found))

    def data(self) -> tuple[dict, list[int]]:
        """The core's fields (parties as ids), and the row each sent commitment came from.

        Problems only the form can see (an unknown party, an unknown listing) are added to
        ``errors``; with any of them the deal must not be sent.
        """
        slots: list[int | None] = []
        for i, text in enumerate(self.parties):
            org_id = None
            if text:
                org_id, problem = self._resolve(text)
                if problem:
                    self.add(f"parties-{i}", problem)
                elif org_id in slots:
                    self.add(f"parties-{i}", gettext("This organization is already party %(n)d.",
                                                     n=slots.index(org_id) + 1))
                    org_id = None
            slots.append(org_id)
        listings = {x.id: x for x in core.event_listings(db.session, self.event,
                                                         open_only=False)}
        commitments, positions = [], []
        for index, row in enumerate(self.rows):
            if not (row["what"] or row["quantity"] or row["pick"] or row["estimated_value"]):
                continue
            item = {k: row[k] for k in ("what", "quantity", "unit", "due_on", "category",
                                         "estimated_value", "listing_id", "need_id")}
            for end in ("giver_id", "receiver_id"):
                item[end] = self._slot(row[end], slots)
            if row["pick"]:
                match = PICKED.match(row["pick"])
                listing = listings.get(int(match.group(1))) if match else None
                if listing is None:
                    self.add(f"commitments-{index}-pick", gettext(
                        "Choose a listing from the list, or leave this empty."))
                else:
                    item["listing_id" if listing.kind is ListingKind.OFFER else "need_id"] = \
                        str(listing.id)
                    item["what"] = item["what"] or listing.title
                    item["unit"] = item["unit"] or listing.unit.value
                    item["category"] = item["category"] or listing.category.value
            commitments.append(item)
            positions.append(index)
        parties = [org_id for org_id in slots if org_id is not None]
        return {"parties": parties,
                "representatives": {str(org_id): self.representatives[i]
                                    for i, org_id in enumerate(slots) if org_id is not None},
                "commitments": commitments,
                "no_money": "1" if self.no_money else ""}, positions

    @staticmethod
    def _slot(value: str, slots: list[int | None]) -> str:
        match = SLOT.match(value)
        if match:
            index = int(match.group(1))
            return str(slots[index]) if index < len(slots) and slots[index] else ""
        return value

    def add(self, field: str | None, text: str) -> None:
        self.errors.setdefault(field, []).append(text)

    def add_core_errors(self, error: ValidationError, positions: list[int]) -> None:
        for field, messages in error.errors.items():
            match = re.match(r"^commitments-(\d+)-(.+)$", field or "")
            if match and int(match.group(1)) < len(positions):
                field = f"commitments-{positions[int(match.group(1))]}-{match.group(2)}"
            elif field not in ("parties", "representatives", "no_money") and not match:
                field = None
            for message in messages:
                self.add(field, translate(message))

    # -- what the template reads
    def error(self, field: str | None) -> str:
        return " ".join(self.errors.get(field, []))

    def json_errors(self) -> dict:
        return {field or "_": texts for field, texts in self.errors.items()}

    def org_options(self) -> list[tuple[str, str]]:
        return [(self.labels[o.id], o.municipality) for o in self.orgs]

    def listing_options(self) -> list[dict]:
        return [{"id": x.id, "label": _listing_label(x), "kind": x.kind.value,
                 "org": self.labels.get(x.organization_id, x.organization.name),
                 "title": x.title, "unit": x.unit.value, "category": x.category.value,
                 "remaining": x.remaining,
                 # The author's confirmation that money words in it are not a payment.
                 "money_note": gettext("confirmed: not a payment — “%(fragment)s”",
                                       fragment=x.money_confirmed_fragment)
                 if x.money_confirmed_fragment else ""} for x in self.listings]

    def party_label(self, index: int) -> str:
        text = self.parties[index] if index < len(self.parties) else ""
        if self.own_org is not None and index == 0:
            text = self.own_org.name
        return f"{index + 1} · {text}" if text else str(index + 1)


def _value_table() -> dict[str, int]:
    return {f"{row.category.value}:{row.unit.value}": row.value
            for row in value_defaults(db.session)}


def form_context(form: DealForm) -> dict:
    """What a template showing FORM reads besides it: units, categories, suggested values."""
    return {"form": form, "UNITS": list(Unit), "CATEGORIES": list(Category),
            "values_table": _value_table()}
