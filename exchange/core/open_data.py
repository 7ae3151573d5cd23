"""What the exchange publishes as open data (issue 18, "Open data"): public parts only.

- listings: open ones, never drafts, paused, closed or expired ones, nor those a partner keeps
  for its partnership only;
- contracts (with their commitments and confirmed deliveries) and accepted proposals: only when
  every organization involved consented (``Organization.publishes_open_data``, off by default),
  since a contract is private between its parties; a contract only once it was in force;
- organizations: their public profile, never an individual's (a person's name); contact details only when the organization shows them
  to everyone (``is_contact_public``);
- a partnership: only one with a public page, its current members and the contributions
  that are not kept for the partnership only.
Nobody's name, e-mail or phone, no notes, minutes or signatures: the API layer
(exchange/api/open_data.py) builds the documents from these rows and adds nothing private."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, and_, exists, func, select
from sqlalchemy.orm import Session, aliased, selectinload

from exchange.core.partnerships.reading import get_public_partnership, member_org_ids
from models import (
    Contract,
    ContractParty,
    ContractStatus,
    Listing,
    ListingStatus,
    Organization,
    Partnership,
    PartnershipMember,
    Proposal,
    ProposalStatus,
    Sector,
)

# A contract that was never in force (a draft, one being signed, one withdrawn before every
# signature) is not an agreement yet.
AGREED = (ContractStatus.ACTIVE, ContractStatus.FULFILLED, ContractStatus.PARTIAL,
          ContractStatus.FAILED, ContractStatus.CANCELLED)


def _public_listing(listing=Listing):
    return and_(listing.status == ListingStatus.OPEN, listing.partnership_only.is_(False))


def listings_query() -> Select:
    """The open listings anyone may see, oldest first (stable pages)."""
    return select(Listing).options(selectinload(Listing.organization)).where(
        _public_listing()).order_by(Listing.id)


def _consented(org_id_column):
    return select(Organization.publishes_open_data).where(
        Organization.id == org_id_column).scalar_subquery()


def agreements_query() -> Select:
    """The contracts that were in force and whose every party consented to open data."""
    refusing = exists().where(ContractParty.contract_id == Contract.id,
                              ContractParty.organization_id == Organization.id,
                              Organization.publishes_open_data.is_(False))
    return select(Contract).where(Contract.status.in_(AGREED), Contract.activated_at.is_not(None),
                                  ~refusing).options(
        selectinload(Contract.parties), selectinload(Contract.versions)).order_by(Contract.id)


def is_published(contract: Contract) -> bool:
    return contract.status in AGREED and contract.activated_at is not None and all(
        p.organization.publishes_open_data for p in contract.parties)


def proposals_query() -> Select:
    """Accepted proposals between two public listings whose organizations both consented."""
    need, offer = aliased(Listing), aliased(Listing)
    return select(Proposal).join(need, Proposal.need_id == need.id).join(
        offer, Proposal.offer_id == offer.id).where(
        Proposal.status == ProposalStatus.ACCEPTED, _public_listing(need), _public_listing(offer),
        _consented(need.organization_id).is_(True),
        _consented(offer.organization_id).is_(True)).options(
        selectinload(Proposal.need), selectinload(Proposal.offer)).order_by(Proposal.id)


def organizations_query() -> Select:
    """The organizations' public profiles, by id; not individuals (a person's name is
    personal data, and open data is copied far and kept for ever)."""
    return select(Organization).where(Organization.sector != Sector.INDIVIDUAL).order_by(
        Organization.id)


def is_person(org: Organization) -> bool:
    """An individual taking part as one: their name is never published as open data."""
    return org.sector is Sector.INDIVIDUAL


def public_partnership(session: Session, partnership_id: int) -> Partnership:
    """A partnership with a public page; NotFound for a private one, as for none."""
    return get_public_partnership(session, partnership_id)


def public_contributions(session: Session, partnership: Partnership) -> list[Listing]:
    """The partnership's open offers and needs from its current members, except those kept
    for the partnership only; offers first."""
    return list(session.scalars(
        select(Listing).options(selectinload(Listing.organization)).where(
            Listing.partnership_id == partnership.id, _public_listing(),
            Listing.organization_id.in_(member_org_ids(partnership) or [0]))
        .order_by(Listing.kind.desc(), Listing.category, Listing.id)))


# --- when a document last changed (its Last-Modified) ---------------------------------------
# Over every row that decides what a document shows, not only the rows it shows: a listing
# closed, a consent withdrawn or a partner gone leaves the document, and a client asking
# "changed since?" must hear yes.

def _latest(session: Session, *queries) -> datetime | None:
    found = [session.scalar(q) for q in queries]
    found = [f for f in found if f is not None]
    return max(found) if found else None


def listings_changed_at(session: Session) -> datetime | None:
    return _latest(session, select(func.max(Listing.updated_at)))


def organizations_changed_at(session: Session) -> datetime | None:
    return _latest(session, select(func.max(Organization.updated_at)))


def proposals_changed_at(session: Session) -> datetime | None:
    return _latest(session, select(func.max(Proposal.decided_at)),
                   select(func.max(Listing.updated_at)), select(func.max(Organization.updated_at)))


def agreements_changed_at(session: Session) -> datetime | None:
    return _latest(session, select(func.max(Contract.updated_at)),
                   select(func.max(Organization.updated_at)))


def partnership_changed_at(session: Session, partnership: Partnership) -> datetime | None:
    mine = PartnershipMember.partnership_id == partnership.id
    return _latest(session, select(Partnership.updated_at).where(Partnership.id == partnership.id),
                   select(func.max(Listing.updated_at)).where(
                       Listing.partnership_id == partnership.id),
                   select(func.max(PartnershipMember.joined_at)).where(mine),
                   select(func.max(PartnershipMember.left_at)).where(mine),
                   select(func.max(Organization.updated_at)).where(Organization.id.in_(
                       select(PartnershipMember.organization_id).where(mine))))
