"""The privacy notice (RODO/GDPR): numbered versions an admin publishes, and users' consent.

Each save publishes a new version; old ones stay as they were, to show what someone accepted.
Registration asks for consent to the current version (none is asked while there is none),
and a user who accepted an older one is asked again, without being blocked meanwhile."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from exchange.core.errors import Conflict, Errors, Forbidden, Msg, NotFound, ValidationError
from models import PrivacyConsent, PrivacyNotice, User

TEXT_MAX_LENGTH = 50_000
_PUBLISHED_MEANWHILE = Msg("Someone else published a new version of the privacy notice at the "
                           "same moment. Nothing was saved: reload the page, read their "
                           "version and publish yours again if it is still needed.")
CONSENT_REQUIRED = Msg("To register, confirm that you have read the privacy notice.")

# A sensible first version (demo data publishes it; the admin form starts from it).
DEFAULT_TEXT_PL = """\
Administratorem danych osobowych jest operator tego serwisu Giełda (dane kontaktowe podaje \
strona główna serwisu).

Przetwarzamy imię i nazwisko, adres e-mail, hasło (wyłącznie w postaci skrótu), język \
interfejsu, członkostwo w organizacjach oraz to, co użytkownik robi w serwisie: ogłoszenia, \
propozycje, podpisy umów, powiadomienia i sesje logowania. Podstawą jest umowa o korzystanie \
z serwisu (art. 6 ust. 1 lit. b RODO) oraz prawnie uzasadniony interes stron umów wymiany \
(art. 6 ust. 1 lit. f RODO).

Dane nie są sprzedawane ani przekazywane do państw trzecich. Odbiorcami są organizacje, z \
którymi użytkownik zawiera umowy, w zakresie potrzebnym do ich wykonania.

Każdy użytkownik może na stronie „Moje konto” pobrać swoje dane w pliku JSON oraz usunąć \
konto. Po usunięciu konta dane osobowe są usuwane lub anonimizowane; podpisy na umowach \
zachowują imię i nazwisko podpisującego w brzmieniu z chwili podpisu, bo umowa jest \
dokumentem, na którym polegają obie strony.

Przysługuje prawo dostępu do danych, ich sprostowania, usunięcia, ograniczenia przetwarzania, \
przeniesienia oraz wniesienia skargi do Prezesa Urzędu Ochrony Danych Osobowych."""

DEFAULT_TEXT_EN = """\
The controller of personal data is the operator of this Giełda site (contact details are on \
the site's home page).

We process your name, e-mail address, password (only as a hash), interface language, \
memberships of organizations and what you do on the site: listings, proposals, contract \
signatures, notifications and login sessions. The legal basis is the agreement to use the \
site (Art. 6(1)(b) GDPR) and the legitimate interest of the parties to exchange contracts \
(Art. 6(1)(f) GDPR).

Data are not sold nor transferred to third countries. They are shared with the organizations \
you make contracts with, as far as needed to perform them.

On the “My account” page every user can download their data as a JSON file and delete their \
account. After deletion personal data are deleted or anonymised; signatures on contracts keep \
the signatory's name as it was when signing, because a contract is a record both parties rely \
on.

You have the right to access, rectify and erase your data, to restrict processing, to data \
portability and to lodge a complaint with the supervisory authority (in Poland: the President \
of the Personal Data Protection Office)."""


def current_notice(session: Session) -> PrivacyNotice | None:
    """The latest published version, or None while none was published."""
    return session.scalar(select(PrivacyNotice).order_by(PrivacyNotice.version.desc()).limit(1))


def notice_versions(session: Session) -> list[PrivacyNotice]:
    """Every published version, newest first."""
    return list(session.scalars(select(PrivacyNotice).order_by(PrivacyNotice.version.desc())))


def get_notice(session: Session, version: int) -> PrivacyNotice:
    notice = session.scalar(select(PrivacyNotice).where(PrivacyNotice.version == version))
    if notice is None:
        raise NotFound(Msg("There is no such version of the privacy notice."))
    return notice


def publish_notice(session: Session, actor: User, *, text_pl: str, text_en: str,
                   based_on: int | None, now: datetime) -> PrivacyNotice:
    """Publish a new version of the notice; only admins may.

    BASED_ON is the version the admin was editing (None: there was none): when another was
    published meanwhile, or at the same moment, a Conflict says so and nothing is saved."""
    if not actor.is_admin:
        raise Forbidden(Msg("Only a site administrator may do this."))
    errors = Errors()
    texts = {}
    for field, value in (("text_pl", text_pl), ("text_en", text_en)):
        texts[field] = value.strip() if isinstance(value, str) else ""
        if len(texts[field]) > TEXT_MAX_LENGTH:
            errors.add(field, Msg("Use at most %(max)d characters.", max=TEXT_MAX_LENGTH))
    if not texts["text_pl"]:
        errors.add("text_pl", Msg("Enter the text of the notice."))
    errors.raise_if_any()
    try:
        # Read and written under a savepoint (on SQLite the write lock is taken first); on
        # PostgreSQL another admin may still take the number a moment before: the unique
        # version then refuses ours.
        with session.begin_nested():
            latest = session.scalar(select(func.max(PrivacyNotice.version))) or 0
            if latest != (based_on or 0):
                raise Conflict(_PUBLISHED_MEANWHILE)
            notice = PrivacyNotice(version=latest + 1, text_pl=texts["text_pl"],
                                   text_en=texts["text_en"], published_at=now,
                                   published_by_id=actor.id)
            session.add(notice)
            session.flush()
    except IntegrityError:
        raise Conflict(_PUBLISHED_MEANWHILE) from None
    return notice


def registration_consent(session: Session, accepted: bool, errors: Errors) -> int | None:
    """The version a registrant accepts (None while there is no notice); record an error at
    ``privacy`` when there is one and they did not tick it."""
    notice = current_notice(session)
    if notice is None:
        return None
    if not accepted:
        errors.add("privacy", CONSENT_REQUIRED)
    return notice.version


def record_consent(session: Session, user: User, version: int, now: datetime) -> None:
    """Note that USER accepted VERSION at NOW (on the account and in its history)."""
    user.privacy_version = version
    user.privacy_accepted_at = now
    session.add(PrivacyConsent(user_id=user.id, version=version, accepted_at=now))
    session.flush()


def notice_to_accept(session: Session, user: User) -> PrivacyNotice | None:
    """The current notice when USER has not accepted it (nor any: an account made before
    notices existed is asked too), else None."""
    notice = current_notice(session)
    if notice is None or (user.privacy_version or 0) >= notice.version:
        return None
    return notice


def accept_notice(session: Session, user: User, version: int, now: datetime) -> None:
    """Record that USER accepted VERSION, which must be the current one."""
    notice = current_notice(session)
    if notice is None or notice.version != version:
        raise ValidationError.single(None, Msg("A newer version of the privacy notice was "
                                               "published meanwhile: read it and accept "
                                               "that one."))
    if (user.privacy_version or 0) < version:
        record_consent(session, user, version, now)


def consents_of(session: Session, user: User) -> list[PrivacyConsent]:
    return list(session.scalars(select(PrivacyConsent).where(PrivacyConsent.user_id == user.id)
                                .order_by(PrivacyConsent.accepted_at, PrivacyConsent.id)))
