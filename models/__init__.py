"""SQLAlchemy models, one module per aggregate, re-exported here."""
from models.base import Base, UTCDateTime
from models.organization import MemberRole, Membership, Organization, Sector
from models.user import User

__all__ = ["Base", "MemberRole", "Membership", "Organization", "Sector", "User", "UTCDateTime"]
