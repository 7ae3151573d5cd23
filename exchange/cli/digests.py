"""The digest jobs: each user's notifications of the kinds they chose to get daily (weekly),
in one e-mail a period, grouped by kind, in their language."""
from __future__ import annotations

from flask import current_app
from flask_babel import force_locale, gettext, ngettext

from exchange.core import preferences
from exchange.http.i18n import reader_language, text_of
from exchange.http.preferences import (KIND_LABELS, router, unsubscribe_headers,
                                       unsubscribe_url)
from exchange.http.urls import external_url
from exchange.infra.digests import send_digests
from exchange.infra.mail import Mail, absolute_link, mailer_from_config
from models import Notification, User


def _grouped(rows: list[Notification]) -> dict[str, list[Notification]]:
    groups: dict[str, list[Notification]] = {kind: [] for kind in preferences.KINDS}
    for notification in rows:
        groups[preferences.kind_of(notification.key)].append(notification)
    return {kind: items for kind, items in groups.items() if items}


def render_digest(cadence: str, user: User, rows: list[Notification]) -> Mail:
    """The digest as an e-mail in its reader's language: one section per kind, each notice
    with its link, each kind with its own link to stop it."""
    config = current_app.config
    base, app_name = config["BASE_URL"], config.get("APP_NAME", "Giełda")
    groups = _grouped(rows)
    everything = unsubscribe_url(user.id, groups)
    language = reader_language(user)
    with force_locale(language):
        lines = [gettext("Hello %(name)s,", name=user.name), "",
                 ngettext("%(num)d new notification since the last digest:",
                          "%(num)d new notifications since the last digest:", len(rows))]
        for kind, items in groups.items():
            lines += ["", f"== {KIND_LABELS[kind]} =="]
            for notification in items:
                lines += [f"- {text_of(notification)}",
                          f"  {absolute_link(base, notification.link)}"]
            lines.append(gettext("Stop e-mails of this kind: %(link)s",
                                 link=unsubscribe_url(user.id, [kind])))
        lines += ["", "-- ", gettext("Choose what reaches you and how often: %(link)s",
                                     link=external_url("preferences.edit"))]
        subject = (gettext("%(app)s: your daily digest", app=app_name) if cadence == "daily"
                   else gettext("%(app)s: your weekly digest", app=app_name))
    return Mail(to=user.email, subject=subject, body="\n".join(lines) + "\n",
                language=language, headers=unsubscribe_headers(everything))


def _digest(cadence: str, session, now):
    app = current_app._get_current_object()
    return send_digests(session, cadence, preferences.digest_period(cadence, now),
                        mailer_from_config(app.config, app.instance_path),
                        lambda user, rows: render_digest(cadence, user, rows),
                        router(session), now, commit=session.commit)


def daily_digest(session, now):
    """Send today's digests (a day starts at preferences.DIGEST_HOUR UTC)."""
    return _digest(preferences.DAILY, session, now)


def weekly_digest(session, now):
    """Send this week's digests (a week starts on Monday at preferences.DIGEST_HOUR UTC)."""
    return _digest(preferences.WEEKLY, session, now)
