"""Access rules: every endpoint declares one, and a request hook enforces it (deny by default).

A view is decorated with exactly one of ``public``, ``user``, ``member``, ``owner``,
``admin``, ``token`` or ``staff(...)``. The hook runs before the view, so a rule cannot be forgotten inside it, and
an endpoint without a rule is refused. ``member`` and ``owner`` load the acting user's
membership of the organization named by the URL's ``org_id`` through the one scoped
helper, so another organization's private pages answer 404 by construction. ``staff``
loads the event named by the URL's ``event_id`` (404 when the user may not see it) and
admits only its staff in one of the given roles (an organiser holds every role).
"""
from __future__ import annotations

from typing import Callable

from flask import Flask, abort, current_app, g, redirect, request, url_for
from flask_login import current_user

from exchange.core import events, logins
from exchange.core.errors import Forbidden, NotFound
from exchange.core.organizations import get_membership
from exchange.core.tokens import user_for_token
from exchange.http.clock import utcnow
from exchange.http.extensions import db
from models import MemberRole, User

RULES = ("public", "user", "member", "owner", "admin", "token", "staff")
# Endpoints Flask itself registers, which cannot carry an attribute.
BUILTIN_PUBLIC = {"static"}


def _rule(name: str) -> Callable:
    def decorate(view: Callable) -> Callable:
        view.access_rule = name
        return view
    return decorate


public = _rule("public")      # anyone, signed in or not
user = _rule("user")          # any signed-in, active user
member = _rule("member")      # a member of the organization <org_id>
owner = _rule("owner")        # an owner of the organization <org_id>
admin = _rule("admin")        # a site administrator
token = _rule("token")        # the JSON API: a valid personal token (Authorization: Bearer …)


def staff(*roles) -> Callable:
    """Staff of the event <event_id> in one of ROLES (StaffRole members); organisers always."""
    def decorate(view: Callable) -> Callable:
        view.access_rule = "staff"
        view.staff_roles = frozenset(roles)
        return view
    return decorate


def rule_of(app: Flask, endpoint: str) -> str | None:
    if endpoint in BUILTIN_PUBLIC:
        return "public"
    view = app.view_functions.get(endpoint)
    return getattr(view, "access_rule", None)


def load_user(login_id: str) -> User | None:
    """Flask-Login's loader: the user of a live login session (from either cookie)."""
    user = logins.user_for_session(db.session, login_id, utcnow())
    if user is not None:
        user.login_id = login_id
    return user


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def api_user() -> User | None:
    """The user whose personal token authorises this request, if any (cookies never do)."""
    plain = bearer_token()
    return user_for_token(db.session, plain, utcnow()) if plain else None


def _is_api() -> bool:
    return request.path.startswith("/api/")


def enforce_access_rule():
    """Refuse the request unless the endpoint's rule admits the current user."""
    if request.endpoint is None:  # no route matched: let the 404/405 handlers answer
        return None
    rule = rule_of(current_app, request.endpoint)
    if rule is None:
        current_app.logger.error("endpoint %s has no access rule; refused", request.endpoint)
        abort(403)
    if rule == "public":
        return None
    if rule == "token":
        g.api_user = api_user()
        if g.api_user is None:
            abort(401)
        return None
    if not current_user.is_authenticated:
        if _is_api():
            abort(401)
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    if rule == "admin" and not current_user.is_admin:
        abort(403)
    if rule == "staff":
        view = current_app.view_functions[request.endpoint]
        try:
            g.event = events.get_event(db.session, current_user,
                                       (request.view_args or {}).get("event_id", 0))
        except NotFound:
            abort(404)
        if not events.roles(g.event, current_user) & view.staff_roles:
            abort(403)
        return None
    if rule in ("member", "owner"):
        org_id = (request.view_args or {}).get("org_id")
        try:
            g.membership = get_membership(
                db.session, current_user, org_id,
                role=MemberRole.OWNER if rule == "owner" else None)
        except NotFound:
            abort(404)
        except Forbidden:
            abort(403)
    return None


def register_access_control(app: Flask) -> None:
    app.before_request(enforce_access_rule)

