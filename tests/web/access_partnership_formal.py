"""The formalisation's rows of the role × route matrix (test_access.py merges them): the
partnership's declaration, a listing tagged for a partnership, a meeting changed or
cancelled, a member removed, the lead changed (issue 18).

The world is access_partnerships.py's: the organization leads a private partnership, the
owner its coordinator (a manager), the member a person of the leading organization (reads,
does not manage), the outsider and the admin are not in it."""
from __future__ import annotations

from tests.web.access_partnerships import MANAGER_ACTION

# A member of the listing's organization (the world's, the partnership's lead) tags it.
MEMBER_ACTION = {"anonymous": 302, "outsider": 404, "member": 302, "owner": 302, "admin": 404}


def _p(w, tail: str = "") -> str:
    return f"/partnerships/{w.partnership.id}{tail}"


FORMAL_MATRIX = {
    # The world's partnership has no partner's contribution: the owner is told there is
    # nothing to sign yet (a redirect with the reason), the same for amending.
    ("partnership_formal.prepare_declaration", "POST"): (lambda w: _p(w, "/declaration"), None,
                                                         MANAGER_ACTION),
    ("partnership_formal.amend_declaration", "POST"): (lambda w: _p(w, "/declaration/amend"),
                                                       None, MANAGER_ACTION),
    ("partnership_formal.tag_listing", "POST"): (
        lambda w: f"/organizations/{w.org.id}/listings/{w.listing.id}/partnership",
        lambda w: {"partnership_id": str(w.partnership.id)}, MEMBER_ACTION),
}
