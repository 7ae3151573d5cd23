"""The open data's rows of the role × route matrix (test_access.py merges them).

Open data is public and the same for everyone, token or not. The matrix's partnership is
private: its open data is a 404 to every role, its members included (the members read it
through the token-guarded API, never as open data)."""
from __future__ import annotations

from tests.web.access_statuses import PUBLIC, ROLES

NOBODY = dict.fromkeys(ROLES, 404)

OPEN_MATRIX = {
    ("api.open_data_listings", "GET"): (lambda w: "/api/v1/open-data/listings", None, PUBLIC),
    ("api.open_data_proposals", "GET"): (lambda w: "/api/v1/open-data/proposals", None, PUBLIC),
    ("api.open_data_agreements", "GET"): (lambda w: "/api/v1/open-data/agreements", None,
                                          PUBLIC),
    ("api.open_data_organizations", "GET"): (lambda w: "/api/v1/open-data/organizations", None,
                                             PUBLIC),
    ("api.open_data_partnership", "GET"): (
        lambda w: f"/api/v1/open-data/partnerships/{w.partnership.id}", None, NOBODY),
}
