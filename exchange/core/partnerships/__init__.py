"""Local partnerships: organizations of a municipality from the public, social and business
sectors, working toward a shared goal (DOMAIN.md, "Local partnerships"; seeds 001 §2.1).

Who may do what:
- members of the member organizations read the partnership; so do its coordinator and its
  animator (an adviser who reads and, later, comments, but decides nothing);
- the coordinator and the owners of the leading organization change it ("managers");
- an owner of a member organization takes it out (not the leading one while it leads);
- anyone reads the public face of a partnership that chose to have one (no people's data).
A reader who may not see a partnership gets NotFound, as for one that does not exist.

Invitations follow exchange/core/invitations.py: the link's secret is kept as a hash, works
once, for 14 days; accepting spends it with a conditional update, so that two requests racing
with one link join once.
"""
from exchange.core.partnerships.changes import (
    clean_municipalities,
    parse_id,
    create_partnership,
    living,
    update_partnership,
    change_state,
    hand_over,
    remove_animator,
    leave,
)
from exchange.core.partnerships.invitations import (
    invite,
    resend_invitation,
    revoke_invitation,
    pending_invitations,
    open_invitation,
    organizations_to_accept_for,
    accept_invitation,
    decline_invitation,
)
from exchange.core.partnerships.reading import (
    NAME_MAX,
    GOAL_MAX,
    MUNICIPALITY_MAX,
    MUNICIPALITIES_MAX,
    THREE_SECTORS,
    TRANSITIONS,
    NOT_FOUND,
    ENDED,
    member_org_ids,
    user_org_ids,
    is_manager,
    can_read,
    get_partnership,
    get_public_partnership,
    partnerships_of,
    public_query,
    sector_balance,
    missing_sectors,
    allowed_states,
    record,
    history_query,
    people_of_lead,
    owned_organizations,
    leavable,
    readable_query,
    get_readable_or_public,
)

__all__ = [
    "clean_municipalities",
    "parse_id",
    "create_partnership",
    "living",
    "update_partnership",
    "change_state",
    "hand_over",
    "remove_animator",
    "leave",
    "invite",
    "resend_invitation",
    "revoke_invitation",
    "pending_invitations",
    "open_invitation",
    "organizations_to_accept_for",
    "accept_invitation",
    "decline_invitation",
    "NAME_MAX",
    "GOAL_MAX",
    "MUNICIPALITY_MAX",
    "MUNICIPALITIES_MAX",
    "THREE_SECTORS",
    "TRANSITIONS",
    "NOT_FOUND",
    "ENDED",
    "member_org_ids",
    "user_org_ids",
    "is_manager",
    "can_read",
    "get_partnership",
    "get_public_partnership",
    "partnerships_of",
    "public_query",
    "sector_balance",
    "missing_sectors",
    "allowed_states",
    "record",
    "history_query",
    "people_of_lead",
    "owned_organizations",
    "leavable",
    "readable_query",
    "get_readable_or_public",
]
