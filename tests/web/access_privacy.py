"""The privacy pages' rows of the role × route matrix (test_access.py merges them).

The matrix's world has no privacy notice published: a version's page is a 404, and
accepting one changes nothing."""
from __future__ import annotations

from tests.web.access_statuses import PUBLIC, ROLES, USER_PAGE

USER_ACTION = {**USER_PAGE, "outsider": 302, "member": 302, "owner": 302, "admin": 302}
USER_FORM = {**USER_PAGE, "outsider": 422, "member": 422, "owner": 422, "admin": 422}
ADMIN_PAGE = {"anonymous": 302, "outsider": 403, "member": 403, "owner": 403, "admin": 200}

PRIVACY_MATRIX = {
    ("privacy.notice", "GET"): (lambda w: "/privacy", None, PUBLIC),
    ("privacy.version", "GET"): (lambda w: "/privacy/1", None, dict.fromkeys(ROLES, 404)),
    ("privacy.accept", "POST"): (lambda w: "/privacy/accept", lambda w: {"version": "1"},
                                 USER_ACTION),
    ("privacy.edit", "GET"): (lambda w: "/admin/privacy", None, ADMIN_PAGE),
    ("privacy.edit", "POST"): (lambda w: "/admin/privacy", lambda w: {
        "text_pl": "Administratorem danych jest…", "text_en": ""}, {**ADMIN_PAGE, "admin": 302}),
    ("privacy.download", "POST"): (lambda w: "/account/data", None, USER_PAGE),
    ("privacy.delete", "GET"): (lambda w: "/account/delete", None, USER_PAGE),
    # Without the password nothing is deleted.
    ("privacy.delete", "POST"): (lambda w: "/account/delete", None, USER_FORM),
}
