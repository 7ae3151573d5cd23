"""The role × route matrix: what each kind of visitor gets from every endpoint.

Every route of the app must appear here; a new route without a row fails
``test_every_route_has_a_rule_and_a_row``. A refused request must change nothing.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import select

from exchange.http.access import RULES, rule_of
from models import Base, MemberRole, User
from tests.conftest import NOW, login_id

ROLES = ("anonymous", "outsider", "member", "owner", "admin")
PROFILE = {"name": "Nowa nazwa", "sector": "ngo", "municipality": "Tczew"}


@dataclass
class World:
    org: object
    member: object
    member_membership: object
    newcomer: object
    listing: object
    tokens: dict  # role → plain API token
    member_token_id: int
    other_need: object  # another organization's need the listing could serve
    contract: object = None  # a draft between the organization and a third one (not the outsider's)
    # A published event hosted by the organization, its session open: the owner organises
    # it, the member is its notary and broker, the outsider's school an admitted participant
    # (its person "Jan Kowalski" not checked in yet), the admin is not on its staff.
    event: object = None
    badge_token: str = ""
    school: object = None
    saved_search_id: int = 0  # the member's
    # Pending invitations of invited@example.org (no account): to the organization (its link's
    # secret below) and to the event's staff.
    org_invitation: object = None
    invitation_secret: str = ""
    staff_invitation: object = None
    # A private partnership the organization leads, the owner its coordinator, and a pending
    # invitation of invited@example.org to it (its link's secret).
    partnership: object = None
    partnership_invitation: object = None
    partnership_secret: str = ""
    # An organiser's participants' file, previewed and waiting to be imported.
    event_import_id: int = 0
    # The partnership's meeting held yesterday at the organization, with a task; its calendar
    # feed's secret (meetings, issue 18 part 3).
    partnership_meeting: object = None
    meeting_task: object = None
    partnership_calendar: str = ""
    # A contact with the organization in the partnership's contact log (issue 18, engage).
    partnership_contact_id: int = 0
    # The partnership's plan (from 2026-06-01 for three years): a goal, its indicator and
    # activity (of the organization), and a progress entry the owner added.
    plan_goal: object = None
    plan_indicator: object = None
    plan_activity: object = None
    progress_entry: object = None
    # Formalisation (issue 18): the third organization (Dom Kultury) is a second member of the
    # partnership, and a meeting is scheduled ten days ahead.
    formal_partner: object = None
    formal_meeting: object = None


MATRIX_IMPORT = ("organization_ref;organization_name;organization_sector;"
                 "organization_municipality;attendees\r\n"
                 "m-1;Stowarzyszenie Macierz;ngo;Tczew;Anna Macierz\r\n").encode("utf-8-sig")


def everyone(status):
    return dict.fromkeys(ROLES, status)


PUBLIC = everyone(200)
USER = {"anonymous": 302, "outsider": 200, "member": 200, "owner": 200, "admin": 200}
MEMBER = {"anonymous": 302, "outsider": 404, "member": 200, "owner": 200, "admin": 404}
OWNER_ACTION = {"anonymous": 302, "outsider": 404, "member": 403, "owner": 302, "admin": 404}
OWNER_PAGE = {**OWNER_ACTION, "owner": 200}
ADMIN_PAGE = {"anonymous": 302, "outsider": 403, "member": 403, "owner": 403, "admin": 200}
ADMIN_ACTION = {**ADMIN_PAGE, "admin": 302}
MEMBER_ACTION = {**MEMBER, "member": 302, "owner": 302}
USER_ACTION = {**USER, "outsider": 302, "member": 302, "owner": 302, "admin": 302}
LISTING = {"kind": "offer", "category": "rooms", "title": "Sala", "quantity": "5", "unit": "hours"}
API_READ = everyone(200)
TOKEN = {"anonymous": 401, "outsider": 200, "member": 200, "owner": 200, "admin": 200}
TOKEN_MEMBER = {"anonymous": 401, "outsider": 404, "member": 200, "owner": 200, "admin": 404}
OWN_TOKEN = {"anonymous": 401, "outsider": 404, "member": 204, "owner": 404, "admin": 404}
GUEST_ONLY = {"anonymous": 200, "outsider": 302, "member": 302, "owner": 302, "admin": 302}

# (endpoint, method): (url, form data or None, expected status per role)
MATRIX = {
    ("static", "GET"): (lambda w: "/static/css/app.css", None, PUBLIC),
    ("main.index", "GET"): (lambda w: "/", None, PUBLIC),
    ("main.health", "GET"): (lambda w: "/healthz", None, PUBLIC),
    ("main.set_language", "POST"): (lambda w: "/language", lambda w: {"locale": "pl"}, everyone(302)),
    ("auth.register", "GET"): (lambda w: "/register", None, GUEST_ONLY),
    ("auth.register", "POST"): (lambda w: "/register", lambda w: {
        "name": "Nowy", "email": "nowy@example.org", "password": "correct horse battery staple",
        "confirm": "correct horse battery staple"}, everyone(302)),
    ("auth.confirm_registration", "GET"): (lambda w: "/register/not-a-secret", None,
                                           everyone(404)),
    ("auth.confirm_registration", "POST"): (lambda w: "/register/not-a-secret", None,
                                            everyone(404)),
    ("auth.login", "GET"): (lambda w: "/login", None, GUEST_ONLY),
    ("auth.login", "POST"): (lambda w: "/login", lambda w: {
        "email": "nobody@example.org", "password": "wrong"},
        {"anonymous": 401, "outsider": 302, "member": 302, "owner": 302, "admin": 302}),
    ("auth.logout", "POST"): (lambda w: "/logout", None, everyone(302)),
    ("auth.request_login_link", "GET"): (lambda w: "/login/link", None, PUBLIC),
    ("auth.request_login_link", "POST"): (lambda w: "/login/link", lambda w: {
        "email": "nobody@example.org"}, everyone(302)),
    ("auth.login_by_link", "GET"): (lambda w: "/login/link/unknown", None, everyone(404)),
    ("auth.login_by_link", "POST"): (lambda w: "/login/link/unknown", None, everyone(404)),
    ("password.request_reset", "GET"): (lambda w: "/password/reset", None, PUBLIC),
    ("password.request_reset", "POST"): (lambda w: "/password/reset", lambda w: {
        "email": "nobody@example.org"}, everyone(302)),
    ("password.reset", "GET"): (lambda w: "/password/reset/unknown", None, everyone(404)),
    ("password.reset", "POST"): (lambda w: "/password/reset/unknown", lambda w: {
        "new_password": "a new long passphrase", "confirm": "a new long passphrase"},
        everyone(404)),
    ("auth.account", "GET"): (lambda w: "/account", None, USER),
    ("auth.account", "POST"): (lambda w: "/account", lambda w: {
        "profile-name": "Nowe imię", "profile-locale": "en"},
        {**USER, "outsider": 302, "member": 302, "owner": 302, "admin": 302}),
    ("email_change.request_change", "POST"): (lambda w: "/account/email", lambda w: {
        "email-new_email": "nowy@example.org",
        "email-current_password": "correct horse battery staple"}, USER_ACTION),
    ("email_change.cancel", "POST"): (lambda w: "/account/email/cancel", None, USER_ACTION),
    ("email_change.confirm", "GET"): (lambda w: "/account/email/unknown", None, everyone(404)),
    ("email_change.confirm", "POST"): (lambda w: "/account/email/unknown", None, everyone(404)),
    ("organizations.directory", "GET"): (lambda w: "/organizations/", None, PUBLIC),
    ("organizations.detail", "GET"): (lambda w: f"/organizations/{w.org.id}", None, PUBLIC),
    ("organizations.create", "GET"): (lambda w: "/organizations/new", None, USER),
    ("organizations.create", "POST"): (lambda w: "/organizations/new", lambda w: PROFILE,
                                       {**USER, "outsider": 302, "member": 302, "owner": 302,
                                        "admin": 302}),
    ("organizations.edit", "GET"): (lambda w: f"/organizations/{w.org.id}/edit", None, OWNER_PAGE),
    ("organizations.edit", "POST"): (lambda w: f"/organizations/{w.org.id}/edit",
                                     lambda w: PROFILE, OWNER_ACTION),
    ("organizations.members", "GET"): (lambda w: f"/organizations/{w.org.id}/members", None, MEMBER),
    ("organizations.add_member", "POST"): (
        lambda w: f"/organizations/{w.org.id}/members/add",
        lambda w: {"email": w.newcomer.email, "role": "member"}, OWNER_ACTION),
    ("organizations.update_member", "POST"): (
        lambda w: f"/organizations/{w.org.id}/members/{w.member_membership.id}",
        lambda w: {f"m{w.member_membership.id}-role": "owner"}, OWNER_ACTION),
    ("organizations.remove_member", "POST"): (
        lambda w: f"/organizations/{w.org.id}/members/{w.member_membership.id}/remove",
        None, OWNER_ACTION),
    ("organizations.leave", "POST"): (lambda w: f"/organizations/{w.org.id}/leave", None,
                                      {**MEMBER, "member": 302, "owner": 302}),
    ("invitations.show", "GET"): (lambda w: f"/invitations/{w.invitation_secret}", None, PUBLIC),
    # The invitation is for an address none of the roles has.
    ("invitations.accept", "POST"): (
        lambda w: f"/invitations/{w.invitation_secret}/accept", None,
        {**everyone(403), "anonymous": 302}),
    # A visitor registers and joins; a signed-in user is sent back to the invitation's page.
    ("invitations.register", "POST"): (
        lambda w: f"/invitations/{w.invitation_secret}/register",
        lambda w: {"name": "Iza Zaproszona", "password": "correct horse battery staple",
                   "confirm": "correct horse battery staple"}, everyone(302)),
    ("invitations.resend_member", "POST"): (
        lambda w: f"/organizations/{w.org.id}/invitations/{w.org_invitation.id}/resend", None,
        OWNER_ACTION),
    ("invitations.revoke_member", "POST"): (
        lambda w: f"/organizations/{w.org.id}/invitations/{w.org_invitation.id}/revoke", None,
        OWNER_ACTION),
    ("invitations.resend_staff", "POST"): (
        lambda w: f"/events/{w.event.id}/invitations/{w.staff_invitation.id}/resend", None,
        {**OWNER_ACTION, "outsider": 403, "admin": 403}),
    ("invitations.revoke_staff", "POST"): (
        lambda w: f"/events/{w.event.id}/invitations/{w.staff_invitation.id}/revoke", None,
        {**OWNER_ACTION, "outsider": 403, "admin": 403}),
    ("admin.index", "GET"): (lambda w: "/admin/", None, {**ADMIN_PAGE, "admin": 302}),
    ("admin.organizations", "GET"): (lambda w: "/admin/organizations", None, ADMIN_PAGE),
    ("admin.verify", "POST"): (lambda w: f"/admin/organizations/{w.org.id}/verify",
                               lambda w: {"verified": "1"}, ADMIN_ACTION),
    ("admin.users", "GET"): (lambda w: "/admin/users", None, ADMIN_PAGE),
    ("admin.transfer", "GET"): (lambda w: "/admin/transfer", None, ADMIN_PAGE),
    ("admin.transfer", "POST"): (lambda w: "/admin/transfer", lambda w: {}, {**ADMIN_PAGE, "admin": 422}),
    ("admin.export_file", "GET"): (lambda w: "/admin/export.json", None, ADMIN_PAGE),
    ("admin.set_active", "POST"): (lambda w: f"/admin/users/{w.member.id}/active",
                                   lambda w: {"active": "0"}, ADMIN_ACTION),
    ("listings.marketplace", "GET"): (lambda w: "/listings/?q=sala", None, PUBLIC),
    ("listings.detail", "GET"): (lambda w: f"/listings/{w.listing.id}", None, PUBLIC),
    ("listings.manage", "GET"): (lambda w: f"/organizations/{w.org.id}/listings", None, MEMBER),
    ("listings.create", "GET"): (lambda w: f"/organizations/{w.org.id}/listings/new", None, MEMBER),
    ("listings.create", "POST"): (lambda w: f"/organizations/{w.org.id}/listings/new",
                                  lambda w: LISTING, MEMBER_ACTION),
    ("listings.edit", "GET"): (
        lambda w: f"/organizations/{w.org.id}/listings/{w.listing.id}/edit", None, MEMBER),
    ("listings.edit", "POST"): (
        lambda w: f"/organizations/{w.org.id}/listings/{w.listing.id}/edit",
        lambda w: {**LISTING, "title": "Aula"}, MEMBER_ACTION),
    ("listings.change_status", "POST"): (
        lambda w: f"/organizations/{w.org.id}/listings/{w.listing.id}/status",
        lambda w: {"action": "pause"}, MEMBER_ACTION),
    ("proposals.for_us", "GET"): (lambda w: f"/organizations/{w.org.id}/proposals", None, MEMBER),
    ("proposals.decide", "POST"): (
        lambda w: f"/organizations/{w.org.id}/listings/{w.listing.id}/proposals/{w.other_need.id}",
        lambda w: {"action": "accept"}, MEMBER_ACTION),
    ("contracts.dashboard", "GET"): (lambda w: f"/organizations/{w.org.id}/contracts", None, MEMBER),
    ("contracts.new", "GET"): (lambda w: f"/organizations/{w.org.id}/contracts/new", None, MEMBER),
    ("contracts.new", "POST"): (lambda w: f"/organizations/{w.org.id}/contracts/new",
                                lambda w: {"action": "add_row"}, MEMBER),
    ("contracts.edit", "GET"): (lambda w: f"/organizations/{w.org.id}/contracts/{w.contract.id}/edit",
                                None, MEMBER),
    ("contracts.edit", "POST"): (
        lambda w: f"/organizations/{w.org.id}/contracts/{w.contract.id}/edit",
        lambda w: {"action": "add_row"}, MEMBER),
    ("contracts.party", "GET"): (
        lambda w: f"/organizations/{w.org.id}/contracts/party/{w.other_need.organization_id}",
        None, MEMBER),
    ("contracts.find", "GET"): (lambda w: f"/contracts/{w.contract.id}", None,
                                {**MEMBER, "member": 302, "owner": 302}),
    ("contracts.detail", "GET"): (lambda w: f"/organizations/{w.org.id}/contracts/{w.contract.id}",
                                  None, MEMBER),
    ("contracts.sign", "POST"): (lambda w: f"/organizations/{w.org.id}/contracts/{w.contract.id}/sign",
                                 None, {**MEMBER_ACTION, "member": 403}),
    ("contracts.step", "POST"): (
        lambda w: f"/organizations/{w.org.id}/contracts/{w.contract.id}/withdraw", None,
        MEMBER_ACTION),
    ("contracts.commitment", "POST"): (
        lambda w: f"/organizations/{w.org.id}/contracts/{w.contract.id}/commitments/"
                  f"{w.contract.versions[0].commitments[0].id}/deliver", None, MEMBER_ACTION),
    ("contracts.check_in", "POST"): (lambda w: f"/organizations/{w.org.id}/check-ins/1",
                                     lambda w: {"answer": "done"},
                                     {**MEMBER_ACTION, "member": 404, "owner": 404}),
    ("contracts.printable", "GET"): (
        lambda w: f"/organizations/{w.org.id}/contracts/{w.contract.id}/print", None, MEMBER),
    ("contracts.calendar", "GET"): (lambda w: f"/organizations/{w.org.id}/calendar", None, MEMBER),
    ("contracts.renew_calendar", "POST"): (lambda w: f"/organizations/{w.org.id}/calendar/renew",
                                           None, MEMBER_ACTION),
    ("contracts.feed", "GET"): (lambda w: "/calendar/not-a-secret.ics", None, everyone(404)),
    ("contracts.values", "GET"): (lambda w: "/admin/values", None, ADMIN_PAGE),
    ("contracts.values", "POST"): (lambda w: "/admin/values", lambda w: {
        "category": "rooms", "unit": "hours", "value": "40"}, ADMIN_ACTION),
    ("notifications.index", "GET"): (lambda w: "/notifications/", None, USER),
    ("notifications.mark_read", "POST"): (lambda w: "/notifications/read", None, USER_ACTION),
    ("preferences.edit", "GET"): (lambda w: "/account/notifications", None, USER),
    ("preferences.edit", "POST"): (lambda w: "/account/notifications",
                                   lambda w: {"proposals": "weekly"}, USER_ACTION),
    ("preferences.unsubscribe", "GET"): (lambda w: "/unsubscribe/forged", None, everyone(404)),
    ("preferences.unsubscribe", "POST"): (lambda w: "/unsubscribe/forged", None, everyone(404)),
    ("api.my_preferences", "GET"): (lambda w: "/api/v1/me/preferences", None, TOKEN),
    ("api.set_my_preferences", "PUT"): (lambda w: "/api/v1/me/preferences",
                                        lambda w: {"preferences": {"news": "never"}}, TOKEN),
    ("auth.create_token", "POST"): (lambda w: "/account/tokens", lambda w: {"token-name": "arkusz"},
                                    {**USER, "outsider": 201, "member": 201, "owner": 201,
                                     "admin": 201}),
    ("auth.revoke_token", "POST"): (lambda w: f"/account/tokens/{w.member_token_id}/revoke", None,
                                    {"anonymous": 302, "outsider": 404, "member": 302,
                                     "owner": 404, "admin": 404}),
    ("api.issue", "POST"): (lambda w: "/api/v1/tokens", lambda w: {
        "email": "member@example.org", "password": "wrong"}, everyone(401)),
    ("api.mine", "GET"): (lambda w: "/api/v1/tokens", None, TOKEN),
    ("api.password_reset", "POST"): (lambda w: "/api/v1/password-reset", lambda w: {
        "email": "nobody@example.org"}, everyone(202)),
    ("api.revoke", "DELETE"): (lambda w: f"/api/v1/tokens/{w.member_token_id}", None, OWN_TOKEN),
    ("api.listings", "GET"): (lambda w: "/api/v1/listings?q=sala", None, API_READ),
    ("api.listing", "GET"): (lambda w: f"/api/v1/listings/{w.listing.id}", None, API_READ),
    ("api.create", "POST"): (lambda w: "/api/v1/listings", lambda w: {
        **LISTING, "quantity": 5, "organization_id": w.org.id},
        {**TOKEN_MEMBER, "member": 201, "owner": 201}),
    ("api.update", "PATCH"): (lambda w: f"/api/v1/listings/{w.listing.id}",
                              lambda w: {"title": "Aula"}, TOKEN_MEMBER),
    ("api.proposals", "GET"): (lambda w: f"/api/v1/listings/{w.listing.id}/proposals", None,
                               TOKEN_MEMBER),
    ("api.change_status", "POST"): (lambda w: f"/api/v1/listings/{w.listing.id}/pause", None,
                                    TOKEN_MEMBER),
    ("api.events", "GET"): (lambda w: "/api/v1/events", None, PUBLIC),
    ("api.event", "GET"): (lambda w: f"/api/v1/events/{w.event.id}", None, PUBLIC),
    ("api.event_board", "GET"): (lambda w: f"/api/v1/events/{w.event.id}/board", None, PUBLIC),
    ("api.organizations", "GET"): (lambda w: "/api/v1/organizations", None, PUBLIC),
    ("api.organization", "GET"): (lambda w: f"/api/v1/organizations/{w.org.id}", None, PUBLIC),
    ("api.openapi", "GET"): (lambda w: "/api/v1/openapi.json", None, PUBLIC),
    ("api.organization_contracts", "GET"): (lambda w: f"/api/v1/organizations/{w.org.id}/contracts",
                                            None, TOKEN_MEMBER),
    ("api.create_contract", "POST"): (lambda w: f"/api/v1/organizations/{w.org.id}/contracts",
                                      lambda w: api_contract(w),
                                      {**TOKEN_MEMBER, "member": 201, "owner": 201}),
    ("api.contract", "GET"): (lambda w: f"/api/v1/contracts/{w.contract.id}", None, TOKEN_MEMBER),
    ("api.sign_contract", "POST"): (lambda w: f"/api/v1/contracts/{w.contract.id}/sign",
                                    lambda w: {"organization_id": w.org.id,
                                               "password": "correct horse battery staple"},
                                    {**TOKEN_MEMBER, "member": 403}),
    # The world's contract is a draft: a party may try, but nothing is delivered before signing.
    ("api.change_commitment", "POST"): (
        lambda w: f"/api/v1/contracts/{w.contract.id}/commitments/"
                  f"{w.contract.versions[0].commitments[0].id}/deliver",
        lambda w: {"organization_id": w.org.id}, {**TOKEN_MEMBER, "member": 422, "owner": 422}),
}


def api_contract(w) -> dict:
    """A new contract between the organization and the other party of the world's contract;
    the API dates it by the app's clock, frozen at NOW."""

    other = next(p for p in w.contract.organization_ids if p != w.org.id)
    due = NOW.date() + timedelta(days=30)
    return {"parties": [w.org.id, other], "commitments": [{
        "giver_id": w.org.id, "receiver_id": other, "what": "Rzutnik", "quantity": 1,
        "unit": "pieces", "due_on": due.isoformat()}]}


from tests.web.access_events import EVENT_MATRIX  # noqa: E402

assert not MATRIX.keys() & EVENT_MATRIX.keys()
MATRIX.update(EVENT_MATRIX)
from tests.web.access_searches import ROWS as SEARCH_ROWS  # noqa: E402

assert not MATRIX.keys() & SEARCH_ROWS.keys()
MATRIX.update(SEARCH_ROWS)

from tests.web.access_privacy import PRIVACY_MATRIX  # noqa: E402

assert not MATRIX.keys() & PRIVACY_MATRIX.keys()
MATRIX.update(PRIVACY_MATRIX)

from tests.web.access_partnerships import PARTNERSHIP_MATRIX  # noqa: E402

assert not MATRIX.keys() & PARTNERSHIP_MATRIX.keys()
MATRIX.update(PARTNERSHIP_MATRIX)

from tests.web.access_partnership_report import REPORT_MATRIX  # noqa: E402

assert not MATRIX.keys() & REPORT_MATRIX.keys()
MATRIX.update(REPORT_MATRIX)

from tests.web.access_open_data import OPEN_MATRIX  # noqa: E402

assert not MATRIX.keys() & OPEN_MATRIX.keys()
MATRIX.update(OPEN_MATRIX)

from tests.web.access_partnership_engage import ENGAGE_MATRIX  # noqa: E402

assert not MATRIX.keys() & ENGAGE_MATRIX.keys()
MATRIX.update(ENGAGE_MATRIX)

from tests.web.access_partnership_plan import PLAN_MATRIX  # noqa: E402

assert not MATRIX.keys() & PLAN_MATRIX.keys()
MATRIX.update(PLAN_MATRIX)

from tests.web.access_partnership_formal import FORMAL_MATRIX  # noqa: E402

assert not MATRIX.keys() & FORMAL_MATRIX.keys()
MATRIX.update(FORMAL_MATRIX)


def test_every_route_has_a_rule_and_a_row(app):
    routes = set()
    for rule in app.url_map.iter_rules():
        assert rule_of(app, rule.endpoint) in RULES, f"{rule.endpoint} has no access rule"
        routes.update((rule.endpoint, m) for m in rule.methods - {"HEAD", "OPTIONS"})
    assert routes - MATRIX.keys() == set(), "add these routes to the matrix"
    assert MATRIX.keys() - routes == set(), "these rows name routes that do not exist"


def test_an_endpoint_without_a_rule_is_refused(app, client):
    app.add_url_rule("/forgotten", "forgotten", lambda: "secret")
    assert client.get("/forgotten").status_code == 403


@pytest.fixture
def world(session, make_user, make_org, add_member, now):
    from exchange.core.listings import create_listing

    owner = make_user("owner@example.org")
    member = make_user("member@example.org")
    outsider = make_user("outsider@example.org")
    make_user("admin@example.org", is_admin=True)
    org = make_org(owner, name="Biblioteka")
    school = make_org(outsider, name="Szkoła")
    membership = add_member(org, member, role=MemberRole.MEMBER)
    listing = create_listing(session, owner, org.id, LISTING, now)
    other_need = create_listing(session, outsider, school.id, {**LISTING, "kind": "need"}, now)
    from exchange.core.tokens import issue_token

    tokens, member_token_id = {}, None
    for role, user in {"owner": owner, "member": member, "outsider": outsider,
                       "admin": session.scalar(select(User).where(User.is_admin))}.items():
        token, tokens[role] = issue_token(session, user, "matrix", now)
        if role == "member":
            member_token_id = token.id
    from exchange.core.contracts import create_contract

    third = make_org(make_user("third@example.org"), name="Dom Kultury")
    contract = create_contract(session, owner, org.id, {
        "parties": [org.id, third.id],
        "commitments": [{"giver_id": org.id, "receiver_id": third.id, "what": "Sala", "quantity": 1,
                         "unit": "hours", "due_on": (now + timedelta(days=30)).date().isoformat(),
                         "listing_id": listing.id}]}, now)

    from exchange.core import events

    event = events.create_event(session, owner, org.id, {
        "name": "Giełda Zasobów", "venue": "Aula", "held_on": now.date().isoformat(),
        "registration_opens_on": now.date().isoformat(),
        "registration_closes_on": now.date().isoformat()}, now)
    events.publish_event(session, owner, event.id, now)
    for role in ("notary", "broker"):
        events.add_staff(session, owner, event.id, "member@example.org", role, now)
    for org_id, user, listing_id, person in ((school.id, outsider, other_need.id, "Jan Kowalski"),
                                             (org.id, owner, listing.id, "Anna Nowak")):
        application = events.apply(session, user, event.id, org_id, {
            "attendees": [person], "listing_ids": [listing_id]}, now)
        events.decide(session, owner, event.id, application.id, True, "", now)
    # The app's clock is frozen at NOW too: the session is open for every request.
    events.start_session(session, owner, event.id, NOW)
    badge = event.participants[0].attendees[0].badge_token
    from exchange.core.saved_searches import save_search

    saved_search, _ = save_search(session, member, {"category": "rooms"}, "Sale", now)
    from exchange.core import invitations

    org_invitation, secret = invitations.invite_member(
        session, owner, org.id, email="invited@example.org", role="member", can_sign=False, now=now)
    staff_invitation, _ = invitations.invite_staff(
        session, owner, event.id, email="invited@example.org", role="valuer", now=now)
    from models import EventImport

    kept = EventImport(event_id=event.id, filename="matrix.csv", content=MATRIX_IMPORT,
                       uploaded_by_id=owner.id, uploaded_at=now)
    session.add(kept)
    session.commit()
    from exchange.core import partnerships

    partnership = partnerships.create_partnership(session, owner, {
        "name": "Koalicja", "municipalities": "Tczew", "goal": "Cel", "kind": "needs",
        "lead_id": org.id}, now)
    partnership_invitation, partnership_secret = partnerships.invite(
        session, owner, partnership.id, email="invited@example.org", now=now)
    session.commit()
    # meetings: scheduled two days ago for yesterday
    before = now - timedelta(days=2)
    meeting = partnerships.schedule_meeting(session, owner, partnership.id, {
        "template": "first", "date": (now - timedelta(days=1)).date().isoformat(),
        "time": "10:00", "place_org_id": str(org.id)}, before)
    meeting_task = partnerships.add_task(session, owner, partnership.id, meeting.id, {
        "title": "Ankieta", "owner_org_id": str(org.id),
        "due_on": (now + timedelta(days=10)).date().isoformat()}, before)
    partnership_calendar = partnerships.calendar_token(session, partnership)
    session.commit()
    # engagement: the coordinator logged a call with the organization
    partnership_contact = partnerships.log_contact(session, owner, partnership.id, {
        "organization_id": str(org.id), "channel": "phone"}, now)
    session.commit()
    # the plan: a goal, an indicator, an activity, the owner's progress entry
    partnerships.set_period(session, owner, partnership.id,
                            {"starts_on": "2026-06-01", "ends_on": "2029-05-31"}, now)
    plan_goal = partnerships.add_goal(session, owner, partnership.id, {"title": "Cel"}, now)
    plan_indicator = partnerships.add_indicator(session, owner, partnership.id, plan_goal.id, {
        "name": "Przeszkoleni", "baseline": "0", "target": "50",
        "deadline": "2027-06-01"}, now)
    plan_activity = partnerships.add_activity(session, owner, partnership.id, plan_goal.id, {
        "title": "Kurs", "due_on": "2027-01-15", "partner_ids": [org.id]}, now)
    progress_entry = partnerships.add_progress(session, owner, plan_indicator.id, {
        "value": "2", "happened_on": "2026-10-01", "source": "Lista"}, now)
    session.commit()
    # formalisation (issue 18): a second member, a meeting ahead
    _, formal_secret = partnerships.invite(session, owner, partnership.id,
                                           email="third@example.org", now=now)
    partnerships.accept_invitation(session, formal_secret, session.scalar(
        select(User).where(User.email == "third@example.org")), now, org_id=third.id)
    formal_meeting = partnerships.schedule_meeting(session, owner, partnership.id, {
        "title": "Spotkanie", "date": (now + timedelta(days=10)).date().isoformat(),
        "time": "17:00", "place_text": "Rynek 1"}, now)
    session.commit()
    return World(plan_goal=plan_goal, plan_indicator=plan_indicator, plan_activity=plan_activity,
                 progress_entry=progress_entry, formal_partner=third, formal_meeting=formal_meeting,
                 partnership_meeting=meeting, meeting_task=meeting_task,
                 partnership_calendar=partnership_calendar,event_import_id=kept.id, partnership=partnership,
                 partnership_invitation=partnership_invitation,
                 partnership_secret=partnership_secret, org_invitation=org_invitation,
                 invitation_secret=secret,
                 staff_invitation=staff_invitation, org=org, member=member, member_membership=membership,
                 newcomer=make_user("newcomer@example.org"), listing=listing, tokens=tokens,
                 member_token_id=member_token_id, other_need=other_need, contract=contract,
                 event=event, badge_token=badge, school=school,
                 saved_search_id=saved_search.id,
                 partnership_contact_id=partnership_contact.id)


def snapshot(session) -> dict:
    """Every row of every table, to prove a refused request changed nothing."""
    session.rollback()
    return {table.name: sorted(tuple(map(str, row)) for row in session.execute(select(table)))
            for table in Base.metadata.sorted_tables}


def sign_in(client, session, role: str) -> None:
    if role == "anonymous":
        return
    email = {"outsider": "outsider@example.org", "member": "member@example.org",
             "owner": "owner@example.org", "admin": "admin@example.org"}[role]
    with client.session_transaction() as flask_session:
        from models import User
        flask_session["_user_id"] = login_id(session.scalar(select(User).where(User.email == email)))
        flask_session["_fresh"] = True


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint, method", sorted(MATRIX))
def test_role_route_matrix(client, session, world, endpoint, method, role):
    url, data, expected = MATRIX[(endpoint, method)]
    sign_in(client, session, role)
    before = snapshot(session)
    address = url(world)
    if address.startswith("/api/"):
        headers = {"Authorization": f"Bearer {world.tokens[role]}"} if role != "anonymous" else {}
        response = client.open(address, method=method, json=data(world) if data else None,
                               headers=headers)
    else:
        response = client.open(address, method=method, data=data(world) if data else None)
    assert response.status_code == expected[role], response.get_data(as_text=True)[:300]
    if endpoint in ("api.mine", "api.listing", "api.proposals"):
        return  # reading; a token's last use may be recorded
    refused = response.status_code in (401, 403, 404) or (
        response.status_code == 302 and "/login" in response.headers.get("Location", ""))
    if refused:
        assert snapshot(session) == before
