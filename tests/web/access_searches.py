"""The saved searches' rows of the role × route matrix (test_access.py merges them).

In the matrix's world the member has saved one search (``w.saved_search_id``); nobody else
may remove it, and another's search answers 404 as if it did not exist.
"""
from __future__ import annotations

USER_ACTION = {"anonymous": 302, "outsider": 302, "member": 302, "owner": 302, "admin": 302}
OWN_SEARCH = {"anonymous": 302, "outsider": 404, "member": 302, "owner": 404, "admin": 404}
TOKEN = {"anonymous": 401, "outsider": 200, "member": 200, "owner": 200, "admin": 200}
TOKEN_SAVE = {**TOKEN, "outsider": 201, "owner": 201, "admin": 201}  # the member's exists
OWN_TOKEN_SEARCH = {"anonymous": 401, "outsider": 404, "member": 204, "owner": 404, "admin": 404}

ROWS = {
    ("searches.create", "POST"): (lambda w: "/listings/saved-searches",
                                  lambda w: {"category": "rooms"}, USER_ACTION),
    ("searches.remove", "POST"): (
        lambda w: f"/account/saved-searches/{w.saved_search_id}/remove", None, OWN_SEARCH),
    ("api.saved_searches", "GET"): (lambda w: "/api/v1/me/saved-searches", None, TOKEN),
    ("api.save_search", "POST"): (lambda w: "/api/v1/me/saved-searches",
                                  lambda w: {"category": "rooms"}, TOKEN_SAVE),
    ("api.remove_search", "DELETE"): (
        lambda w: f"/api/v1/me/saved-searches/{w.saved_search_id}", None, OWN_TOKEN_SEARCH),
}
