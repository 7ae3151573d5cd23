"""An offer's remaining capacity, reserved and released by contracts and event deals.

A commitment linked to an offer reserves its quantity with one conditional UPDATE, so two
contracts can never take the same last unit; it does so only with the giver's consent (the
giver drafted or edited the terms, or its signatory signed them)."""
from __future__ import annotations

from datetime import datetime
from typing import Iterable

from sqlalchemy import case, select, update
from sqlalchemy.orm import Session

from exchange.core.errors import Msg, ValidationError
from models import Commitment, Listing, ListingStatus


def reserve(session: Session, row: Commitment, field: str | None, now: datetime) -> None:
    """Take the row's quantity from its offer's remaining capacity, atomically, or refuse."""
    if row.listing_id is None or row.reserved:
        return
    taken = session.execute(
        update(Listing).where(Listing.id == row.listing_id, Listing.status == ListingStatus.OPEN,
                              Listing.remaining >= row.quantity)
        .values(remaining=Listing.remaining - row.quantity, updated_at=now)
        .execution_options(synchronize_session=False))
    if taken.rowcount != 1:
        _unavailable(field, session.scalar(select(Listing.remaining)
                                           .where(Listing.id == row.listing_id)))
    row.reserved = row.quantity
    _expire_listing(session, row.listing_id)


def _check_available(session: Session, row: Commitment, field: str) -> None:
    """Refuse early what the offer cannot give now, without reserving: only its giver's
    consent reserves it (and is refused then if another contract took it meanwhile)."""
    if row.listing_id is None:
        return
    left = session.scalar(select(Listing.remaining).where(Listing.id == row.listing_id,
                                                          Listing.status == ListingStatus.OPEN))
    if left is None or left < row.quantity:
        _unavailable(field, left)


def reserve_with_consent(session: Session, row: Commitment, field: str,
                          consenting: Iterable[int], now: datetime) -> None:
    """Reserve ROW's offer if its giver is CONSENTING; else only check it could be given."""
    if row.giver_id in consenting:
        reserve(session, row, field, now)
    else:
        _check_available(session, row, field)


def _unavailable(field: str | None, left: int | None):
    raise ValidationError.single(field, Msg(
        "This offer is no longer available in that quantity (%(left)d left).", left=left or 0))


def release(session: Session, row: Commitment, now: datetime) -> None:
    """Give the row's reservation back to its offer (never above the offer's quantity)."""
    if row.listing_id is None or not row.reserved:
        row.reserved = 0
        return
    back = Listing.remaining + row.reserved
    session.execute(update(Listing).where(Listing.id == row.listing_id)
                    .values(remaining=case((back > Listing.quantity, Listing.quantity), else_=back),
                            updated_at=now)
                    .execution_options(synchronize_session=False))
    row.reserved = 0
    _expire_listing(session, row.listing_id)


def _expire_listing(session: Session, listing_id: int) -> None:
    listing = session.identity_map.get((Listing, (listing_id,), None))
    if listing is not None:
        session.expire(listing, ["remaining", "updated_at"])
