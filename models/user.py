"""A login identity: a person who acts for one or more organizations, their login sessions,
the one-time login links e-mailed to them and the changes of address awaiting a link."""
from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UTCDateTime


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


class User(Base):
    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    # The per-user half of every login session's id; replacing it ends all of them at once.
    session_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_session_token)
    locale: Mapped[str | None] = mapped_column(String(8))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    password_changed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deactivated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The version of the privacy notice last accepted, and when (None: never asked).
    privacy_version: Mapped[int | None] = mapped_column(Integer)
    privacy_accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set when the user deleted their account: the row stays, anonymised, for the records
    # (contracts, history) that point to it.
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    memberships: Mapped[list["Membership"]] = relationship(  # noqa: F821
        back_populates="user", cascade="all, delete-orphan"
    )

    # Flask-Login's user protocol, without importing Flask into the model layer.
    is_authenticated = True
    is_anonymous = False

    # The id of the login session this object was loaded for ("<session_token>.<secret>",
    # see exchange/core/logins.py), set by the web layer; Flask-Login keeps it in the cookies.
    login_id = None

    def get_id(self) -> str | None:
        return self.login_id

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email!r}{' admin' if self.is_admin else ''}>"


class UserSession(Base):
    """One login on one device: logging out revokes it, and with it both of its cookies."""

    __tablename__ = "user_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    # SHA-256 of the session's secret: the database alone opens no session.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<UserSession {self.id} user={self.user_id}{' revoked' if self.revoked_at else ''}>"


class LoginLink(Base):
    """A link e-mailed to log in once without the password, or to set a new password once,
    for a short time; its PURPOSE says which, and a link serves that purpose only."""

    __tablename__ = "login_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # "login" (log in once) or "reset" (set a new password once).
    purpose: Mapped[str] = mapped_column(String(16), default="login", server_default="login")

    def __repr__(self) -> str:
        return f"<LoginLink {self.id} user={self.user_id}{' used' if self.used_at else ''}>"


class PendingRegistration(Base):
    """A registration waiting for its e-mail link to be followed; the account is made then.

    Registering answers the same whether or not the address has an account, so the account
    cannot exist before the address's owner has shown they read its mail."""

    __tablename__ = "pending_registration"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    locale: Mapped[str | None] = mapped_column(String(8))
    # The privacy notice accepted on the form, carried to the account when it is made.
    privacy_version: Mapped[int | None] = mapped_column(Integer)
    privacy_accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # SHA-256 of the secret in the link: a stolen database does not confirm anyone.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)

    def __repr__(self) -> str:
        return f"<PendingRegistration {self.id} {self.email!r}>"


class EmailChange(Base):
    """A change of a user's e-mail address waiting for the link sent to the new address: the
    address changes only once its owner has shown they read that mailbox."""

    __tablename__ = "email_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    new_email: Mapped[str] = mapped_column(String(254))
    # SHA-256 of the secret in the link: a stolen database changes nobody's address.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<EmailChange {self.id} user={self.user_id}{' used' if self.used_at else ''}>"
