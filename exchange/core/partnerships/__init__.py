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
from exchange.core.partnerships.changes import *
from exchange.core.partnerships.invitations import *
from exchange.core.partnerships.reading import *
