"""After the event: the listings its organizations brought and did not exchange there get
one notice per organization, with the best proposals the year-round marketplace has for
them, so that the day's work goes on."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from exchange.core.errors import Msg
from exchange.core.events.registration import admitted, event_listings
from exchange.core.events.tally import event_contracts
from exchange.core.listings import hidden_from
from exchange.core.notifications import notify
from models import Membership
from models.event import ExchangeEvent

# A day after the final gong (the evening's deals are written up), within two weeks of it.
AFTER = timedelta(days=1)
WITHIN = timedelta(days=14)
BEST = 3  # proposals named in the notice

STILL_OPEN = ("After %(event)s, %(num)d listing you brought is still open. Proposals for it "
              "from the marketplace: %(best)s.")
STILL_OPEN_PLURAL = ("After %(event)s, %(num)d listings you brought are still open. The best "
                     "proposals for them from the marketplace: %(best)s.")
STILL_OPEN_NONE = ("After %(event)s, %(num)d listing you brought is still open. The "
                   "marketplace keeps looking for proposals for it.")
STILL_OPEN_NONE_PLURAL = ("After %(event)s, %(num)d listings you brought are still open. The "
                          "marketplace keeps looking for proposals for them.")


def still_open_notices(session: Session, index, now: datetime) -> int:
    """Tell the members of each organization of each event closed between WITHIN and AFTER
    ago about its listings the event left open; return how many notices were sent. Each is
    sent once (its key names the event, the organization and the reader)."""
    from exchange.core.matching import item_from_listing  # loads the matching's libraries

    events = session.scalars(select(ExchangeEvent).where(
        ExchangeEvent.session_closed_at.is_not(None),
        ExchangeEvent.session_closed_at <= now - AFTER,
        ExchangeEvent.session_closed_at >= now - WITHIN))
    sent = 0
    for event in events:
        exchanged = {listing_id for contract in event_contracts(session, event)
                     for row in contract.versions[0].commitments
                     for listing_id in (row.listing_id, row.need_id) if listing_id}
        for participant in admitted(event):
            org_id = participant.organization_id
            left = [x for x in event_listings(session, event, org_ids=[org_id])
                    if x.id not in exchanged]
            if not left:
                continue
            best = _best(index, left, item_from_listing,
                         exclude=hidden_from(session, org_id))
            message = (Msg(STILL_OPEN, event=event.name, num=len(left),
                           plural=STILL_OPEN_PLURAL, best="; ".join(best)) if best else
                       Msg(STILL_OPEN_NONE, event=event.name, num=len(left),
                           plural=STILL_OPEN_NONE_PLURAL))
            for user_id in session.scalars(select(Membership.user_id).where(
                    Membership.organization_id == org_id)):
                sent += notify(session, user_id,
                               f"event-still-open:{event.id}:{org_id}:{user_id}", message,
                               f"/organizations/{org_id}/proposals", now)
    return sent


def _best(index, listings, item_from_listing, *, exclude: set[int]) -> list[str]:
    """The titles of the best BEST matches for LISTINGS on the marketplace, best first, but
    EXCLUDE (listings kept for a partnership the organization is not in)."""
    found = []
    for listing in listings:
        item = index.items.get(listing.id) or item_from_listing(listing)
        matches = (index.offers_for(item, BEST, exclude=exclude) if listing.kind.value == "need"
                   else index.needs_for(item, BEST, exclude=exclude))
        found.extend((m.score, m.offer_id if listing.kind.value == "need" else m.need_id)
                     for m in matches)
    titles, seen = [], set()
    for _score, other_id in sorted(found, reverse=True):
        other = index.items.get(other_id)
        if other is not None and other_id not in seen:
            seen.add(other_id)
            titles.append(f"„{other.title}”")
        if len(titles) == BEST:
            break
    return titles
