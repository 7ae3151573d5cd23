"""SQLAlchemy models, one module per aggregate, re-exported here."""
from models.api_token import ApiToken
from models.award import AwardNomination, AwardVote, EventAward
from models.base import Base, UTCDateTime
from models.contract import (CheckIn, CheckInAnswer, Commitment, CommitmentStatus, Contract,
                             ContractCounter, ContractEvent, ContractParty, ContractStatus,
                             ContractVersion, Signature, ValueDefault, VersionState)
from models.event import (ApplicationStatus, DealStatus, EventAttendee, EventDeal, EventImport,
                          EventListing,
                          EventParticipant, EventStaff, EventStatus, ExchangeEvent, Introduction,
                          StaffRole)
from models.invitation import Invitation
from models.listing import Category, Listing, ListingKind, ListingStatus, Unit
from models.notification import Notification
from models.preference import NotificationDigest, NotificationPreference
from models.privacy import PrivacyConsent, PrivacyNotice
from models.proposal import Proposal, ProposalStatus
from models.membership_change import ChangeKind, MembershipChange
from models.organization import MemberRole, Membership, Organization, Sector
from models.partnership import (Formalisation, Partnership, PartnershipChange,
                                PartnershipChangeKind, PartnershipInvitation, PartnershipKind,
                                PartnershipMember, PartnershipRole, PartnershipState)
from models.partnership_report import PartnershipRecommendation
from models.meeting import (MeetingAttendance, MeetingEvaluation, MeetingTask,
                            PartnershipMeeting)
from models.plan import (IndicatorSource, PlanActivity, PlanGoal, PlanIndicator,
                         ProgressEntry)
from models.saved_search import SavedSearch
from models.partnership_contact import ContactChannel, PartnershipContact
from models.user import EmailChange, LoginLink, PendingRegistration, User, UserSession

__all__ = ["ApiToken", "AwardNomination", "AwardVote", "EventAward", "ApplicationStatus", "DealStatus", "EmailChange", "EventAttendee", "EventDeal", "EventImport", "EventListing", "EventParticipant", "EventStaff", "EventStatus", "ExchangeEvent", "Introduction", "StaffRole", "Base", "Category", "ChangeKind", "Invitation", "MembershipChange", "CheckIn", "CheckInAnswer", "Commitment", "CommitmentStatus", "Contract", "ContractCounter", "ContractEvent", "ContractParty", "ContractStatus", "ContractVersion", "Signature", "ValueDefault", "VersionState", "Listing", "ListingKind", "ListingStatus", "LoginLink", "Notification", "PendingRegistration", "Proposal", "ProposalStatus", "SavedSearch", "Unit", "MemberRole", "Membership", "Organization", "Sector", "User", "UserSession", "UTCDateTime", "PrivacyConsent", "PrivacyNotice", "NotificationDigest", "NotificationPreference", "Formalisation", "Partnership", "PartnershipChange", "PartnershipChangeKind", "PartnershipInvitation", "PartnershipKind", "PartnershipMember", "PartnershipRole", "PartnershipState", "MeetingAttendance", "MeetingEvaluation", "MeetingTask", "PartnershipMeeting", "PartnershipRecommendation", "ContactChannel", "PartnershipContact", "IndicatorSource", "PlanActivity", "PlanGoal", "PlanIndicator", "ProgressEntry"]
