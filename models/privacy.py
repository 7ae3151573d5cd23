"""The privacy notice (RODO/GDPR), one row per published version, and who accepted which."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime


class PrivacyNotice(Base):
    """One published version of the notice; a new text is a new row, an old one never changes."""

    __tablename__ = "privacy_notice"

    id: Mapped[int] = mapped_column(primary_key=True)
    # 1, 2, 3…: unique, so two admins publishing at once cannot both make version 4.
    version: Mapped[int] = mapped_column(Integer, unique=True)
    text_pl: Mapped[str] = mapped_column(Text)
    text_en: Mapped[str] = mapped_column(Text)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime)
    published_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"))

    def text(self, locale: str | None) -> str:
        return self.text_en if locale == "en" and self.text_en.strip() else self.text_pl

    def __repr__(self) -> str:
        return f"<PrivacyNotice v{self.version}>"


class PrivacyConsent(Base):
    """A user's acceptance of one version of the notice (at registration or later)."""

    __tablename__ = "privacy_consent"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    accepted_at: Mapped[datetime] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<PrivacyConsent user={self.user_id} v{self.version}>"
