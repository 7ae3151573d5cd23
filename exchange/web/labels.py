"""Translated labels for the domain's enumerations, shared by templates and forms."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from models import MemberRole, Sector

SECTOR_LABELS = {
    Sector.PUBLIC: _l("Public institution"),
    Sector.NGO: _l("NGO"),
    Sector.BUSINESS: _l("Business"),
    Sector.INFORMAL: _l("Informal group"),
    Sector.INDIVIDUAL: _l("Individual"),
}

ROLE_LABELS = {
    MemberRole.OWNER: _l("Owner"),
    MemberRole.MEMBER: _l("Member"),
}
