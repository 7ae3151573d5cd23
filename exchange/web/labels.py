"""Translated labels for the domain's enumerations, shared by templates and forms."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from models import Category, ListingKind, ListingStatus, MemberRole, Sector, Unit

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

CATEGORY_LABELS = {
    Category.ROOMS: _l("Rooms and venues"),
    Category.COMPUTER_LABS: _l("Computer labs and IT equipment"),
    Category.EQUIPMENT: _l("Equipment and materials"),
    Category.PROMOTION: _l("Promotion and media"),
    Category.VOLUNTEERS: _l("Volunteers and helping hands"),
    Category.EXPERTISE: _l("Knowledge, advice, skills"),
    Category.TRAINING: _l("Trainings and workshops"),
    Category.CATERING: _l("Catering"),
    Category.TRANSPORT: _l("Transport"),
    Category.IT_SERVICES: _l("IT services"),
    Category.CULTURE: _l("Art, culture and recreation"),
    Category.OTHER: _l("Other"),
}

KIND_LABELS = {
    ListingKind.OFFER: _l("Offer"),
    ListingKind.NEED: _l("Need"),
}

UNIT_LABELS = {
    Unit.HOURS: _l("hours"),
    Unit.DAYS: _l("days"),
    Unit.SESSIONS: _l("sessions"),
    Unit.PEOPLE: _l("people"),
    Unit.PIECES: _l("pieces"),
    Unit.OTHER: _l("other units"),
}

STATUS_LABELS = {
    ListingStatus.DRAFT: _l("draft"),
    ListingStatus.OPEN: _l("open"),
    ListingStatus.PAUSED: _l("paused"),
    ListingStatus.CLOSED: _l("closed"),
    ListingStatus.EXPIRED: _l("expired"),
}
