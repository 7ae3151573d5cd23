"""The formalisation's rows of the role × route matrix (test_access.py merges them): the
partnership's declaration, a listing tagged for a partnership, a meeting changed or
cancelled, a member removed, the lead changed (issue 18).

The world is access_partnerships.py's: the organization leads a private partnership, the
owner its coordinator (a manager), the member a person of the leading organization (reads,
does not manage), the outsider and the admin are not in it."""
from __future__ import annotations

from datetime import timedelta

from tests.conftest import NOW
from tests.web.access_partnerships import MANAGER_ACTION, MANAGER_PAGE

# A member of the listing's organization (the world's, the partnership's lead) tags it.
MEMBER_ACTION = {"anonymous": 302, "outsider": 404, "member": 302, "owner": 302, "admin": 404}


def _p(w, tail: str = "") -> str:
    return f"/partnerships/{w.partnership.id}{tail}"


def _m(w, tail: str = "") -> str:
    return _p(w, f"/meetings/{w.formal_meeting.id}{tail}")


# The world's meeting ten days ahead, moved two days later.
MOVED = {"title": "Spotkanie", "date": (NOW + timedelta(days=12)).date().isoformat(),
         "time": "18:00", "duration_minutes": "90", "place_text": "Rynek 2"}


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
    ("partnership_formal.edit_meeting", "GET"): (lambda w: _m(w, "/edit"), None, MANAGER_PAGE),
    ("partnership_formal.edit_meeting", "POST"): (lambda w: _m(w, "/edit"), lambda w: MOVED,
                                                  MANAGER_ACTION),
    ("partnership_formal.cancel_meeting", "POST"): (lambda w: _m(w, "/cancel"), None,
                                                    MANAGER_ACTION),
    # The second member (the third organization) is removed; the lead handed to it.
    ("partnership_formal.remove_member", "POST"): (
        lambda w: _p(w, f"/members/{w.formal_partner.id}/remove"), None, MANAGER_ACTION),
    ("partnership_formal.change_lead", "POST"): (
        lambda w: _p(w, "/lead"), lambda w: {"lead_id": str(w.formal_partner.id)},
        MANAGER_ACTION),
}
