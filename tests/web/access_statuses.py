"""Expected statuses per role for the event pages' matrix rows (see access_events.py)."""
from __future__ import annotations

ROLES = ("anonymous", "outsider", "member", "owner", "admin")
PUBLIC = dict.fromkeys(ROLES, 200)
USER_PAGE = {"anonymous": 302, "outsider": 200, "member": 200, "owner": 200, "admin": 200}
# Staff pages: the member is notary and broker, the owner organiser, the admin not staff.
STAFF_PAGE = {"anonymous": 302, "outsider": 403, "member": 200, "owner": 200, "admin": 403}
STAFF_ACTION = {**STAFF_PAGE, "member": 302, "owner": 302}
ORGANISER_PAGE = {**STAFF_PAGE, "member": 403}
ORGANISER_ACTION = {**ORGANISER_PAGE, "owner": 302}
