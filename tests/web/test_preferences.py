"""The notification settings page, one-click unsubscribe without logging in, the
notifications page by day, and the preferences API."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from exchange.core import preferences
from exchange.core.errors import Msg
from exchange.core.notifications import notify
from models import NotificationPreference
from tests.conftest import NOW, bearer, login_id


def sign_in(client, user) -> None:
    with client.session_transaction() as flask_session:
        flask_session["_user_id"] = login_id(user)
        flask_session["_fresh"] = True


def token_of(app, user_id: int, kinds) -> str:
    from exchange.http.preferences import unsubscribe_token

    with app.app_context():
        return unsubscribe_token(user_id, kinds)


def test_the_settings_page_shows_the_defaults_and_saves_choices(client, session, make_user):
    anna = make_user("anna@example.org")
    sign_in(client, anna)
    page = client.get("/account/notifications").get_data(as_text=True)
    assert 'id="proposals-daily" name="proposals" value="daily" checked' in page
    assert 'id="contracts-now" name="contracts" value="now" checked' in page
    assert "<legend>Proposals of exchanges</legend>" in page
    response = client.post("/account/notifications", data={"proposals": "weekly",
                                                           "contracts": "now"})
    assert response.status_code == 302
    assert "Your choices are saved." in client.get("/account/notifications").get_data(
        as_text=True)
    session.rollback()
    assert preferences.preferences_of(session, anna.id)["proposals"] == "weekly"
    assert session.scalars(select(NotificationPreference.kind)).all() == ["proposals"]


def test_a_tampered_choice_is_refused(client, session, make_user):
    anna = make_user("anna@example.org")
    sign_in(client, anna)
    page = client.post("/account/notifications", data={"proposals": "hourly",
                                                       "news": "never"}).get_data(as_text=True)
    assert "Choose one of: now, daily, weekly, never." in page
    session.rollback()
    assert session.scalar(select(NotificationPreference.id)) is None


def test_the_settings_page_is_polish_and_linked_from_the_account(client, make_user):
    sign_in(client, make_user("anna@example.org", locale="pl"))
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "pl"
    account = client.get("/account").get_data(as_text=True)
    assert 'href="/account/notifications"' in account and "Powiadomienia e-mailem" in account
    page = client.get("/account/notifications").get_data(as_text=True)
    assert "Codzienne podsumowanie" in page and "Bez e-maili (tylko w aplikacji)" in page


def test_unsubscribe_works_without_logging_in_after_a_button_press(app, client, session,
                                                                   make_user):
    anna = make_user("anna@example.org")
    link = f"/unsubscribe/{token_of(app, anna.id, ['proposals'])}"
    page = client.get(link)
    assert page.status_code == 200
    assert "Proposals of exchanges" in page.get_data(as_text=True)
    assert "Stop these e-mails" in page.get_data(as_text=True)
    session.rollback()
    assert preferences.preferences_of(session, anna.id)["proposals"] == "daily"  # GET: nothing
    done = client.post(link)  # no session, no CSRF token: the mail program's one click
    assert done.status_code == 200
    text = done.get_data(as_text=True)
    assert "you will no longer get e-mails about" in text and "/account/notifications" in text
    session.rollback()
    chosen = preferences.preferences_of(session, anna.id)
    assert chosen["proposals"] == "never" and chosen["contracts"] == "now"


def test_a_forged_or_altered_token_is_refused(app, client, session, make_user):
    from itsdangerous import URLSafeSerializer

    anna = make_user("anna@example.org")
    genuine = token_of(app, anna.id, ["contracts"])
    payload, _, signature = genuine.rpartition(".")
    other = URLSafeSerializer("not the secret", salt="gielda.unsubscribe").dumps(
        [anna.id, ["contracts"]])
    for token in ("forged", f"{payload}.{signature[:-2]}xx", other,
                  token_of(app, anna.id + 999, ["contracts"]),
                  token_of(app, anna.id, ["gossip"])):
        assert client.get(f"/unsubscribe/{token}").status_code == 404
        assert client.post(f"/unsubscribe/{token}").status_code == 404
    session.rollback()
    assert session.scalar(select(NotificationPreference.id)) is None


def test_notifications_are_grouped_by_day_and_paged(client, session, make_user):
    anna = make_user("anna@example.org")
    moments = [NOW - timedelta(minutes=n) for n in range(35)] + [
        NOW - timedelta(days=1), NOW - timedelta(days=3)]
    for n, moment in enumerate(moments):
        notify(session, anna.id, f"member-added:{n}", Msg(
            "%(organization)s added you as a member.", organization=f"Org {n}"),
            f"/organizations/{n}", moment)
    session.commit()
    sign_in(client, anna)
    first = client.get("/notifications/").get_data(as_text=True)
    assert "<h2 id=\"day-1\">Today</h2>" in first
    assert '<a href="/organizations/0">Org 0 added you as a member.</a>' in first
    assert "Mark all as read" in first and 'href="/account/notifications"' in first
    assert "Org 34" not in first and 'rel="next"' in first
    second = client.get("/notifications/?page=2").get_data(as_text=True)
    assert "Org 34" in second and "Yesterday" in second
    assert "Wednesday, November 18, 2026" in second
    client.post("/notifications/read")
    assert "Mark all as read" not in client.get("/notifications/").get_data(as_text=True)


def test_days_are_named_in_polish(client, session, make_user):
    anna = make_user("anna@example.org", locale="pl")
    for n, moment in enumerate((NOW, NOW - timedelta(days=1), NOW - timedelta(days=2))):
        notify(session, anna.id, f"member-added:{n}", Msg(
            "%(organization)s added you as a member.", organization=f"Org {n}"), "", moment)
    session.commit()
    sign_in(client, anna)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "pl"
    page = client.get("/notifications/").get_data(as_text=True)
    assert page.index("Dziś") < page.index("Wczoraj") < page.index("czwartek, 19 listopada 2026")


def test_api_reads_and_changes_preferences(client, session, make_user, token_for):
    anna = make_user("anna@example.org")
    headers = bearer(token_for(anna))
    body = client.get("/api/v1/me/preferences", headers=headers).json
    assert body["preferences"]["proposals"] == "daily" and body["defaults"]["news"] == "weekly"
    body = client.put("/api/v1/me/preferences", headers=headers,
                      json={"preferences": {"proposals": "never", "events": "weekly"}}).json
    assert body["preferences"]["proposals"] == "never"
    assert body["preferences"]["events"] == "weekly" and body["preferences"]["news"] == "weekly"
    session.rollback()
    assert preferences.preferences_of(session, anna.id)["events"] == "weekly"


def test_api_refuses_unknown_kinds_and_channels_with_clear_errors(client, session, make_user,
                                                                  token_for):
    anna = make_user("anna@example.org")
    headers = bearer(token_for(anna))
    response = client.put("/api/v1/me/preferences", headers=headers, json={
        "preferences": {"proposals": "hourly", "gossip": "now", "news": "never"}})
    assert response.status_code == 422 and response.json["error"] == "invalid"
    assert response.json["fields"] == {
        "preferences.proposals": ["Choose one of: now, daily, weekly, never."],
        "preferences.gossip": ["Not a kind of notification."]}
    assert client.put("/api/v1/me/preferences", headers=headers,
                      json={"preferences": "never"}).status_code == 422
    response = client.put("/api/v1/me/preferences", headers=headers,
                          json={"preferences": {}, "extra": 1})
    assert response.status_code == 422 and "extra" in response.json["fields"]
    assert client.get("/api/v1/me/preferences").status_code == 401
    session.rollback()
    assert session.scalar(select(NotificationPreference.id)) is None


def test_one_click_needs_no_csrf_token_but_the_settings_page_does(app, client, session,
                                                                  make_user):
    app.config["WTF_CSRF_ENABLED"] = True  # as in production
    anna = make_user("anna@example.org")
    link = f"/unsubscribe/{token_of(app, anna.id, ['events'])}"
    assert client.post(link, data={"List-Unsubscribe": "One-Click"}).status_code == 200
    sign_in(client, anna)
    assert client.post("/account/notifications", data={"news": "never"}).status_code == 400
    session.rollback()
    chosen = preferences.preferences_of(session, anna.id)
    assert chosen["events"] == "never" and chosen["news"] == "weekly"
