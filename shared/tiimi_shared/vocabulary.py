"""The words services share, each declared once.

Every service and the gateway import these; none keeps a copy. Each is a
``StrEnum``: a member equals its string, so it is stored, sent and compared
as the plain code, and a misspelt member is an ``AttributeError`` at import.
Vocabulary that belongs to one service alone (a delivery's status, a
consent's deny reason) stays in that service's rules.
"""
from __future__ import annotations

from enum import StrEnum


def values(enumeration: type[StrEnum]) -> tuple[str, ...]:
    """The codes of an enumeration, in declared order (for validators and documents)."""
    return tuple(member.value for member in enumeration)


class Language(StrEnum):
    FI = "fi"
    SV = "sv"
    EN = "en"


class Outcome(StrEnum):
    """What the consent service answers to a request to disclose."""

    PERMIT = "permit"
    DENY = "deny"


class DisclosureReason(StrEnum):
    """Why a check was answered as it was, in the words of the disclosure report."""

    PERMITTED = "permitted"
    # Not a consent decision: a professional of the organisation that holds the
    # data, reading it as a member of the client's team (logged by the gateway).
    OWN_ORGANISATION = "own_organisation"
    DENIED_BY_CLIENT = "denied_by_client"
    UNKNOWN_CLIENT = "unknown_client"
    NO_CONSENT = "no_consent"
    NOT_YET_VALID = "not_yet_valid"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"
    PROFESSIONAL_NOT_NAMED = "professional_not_named"
    MALFORMED_REQUEST = "malformed_request"
    INTERNAL_ERROR = "internal_error"
    # Not a consent decision: given out under a statute that allows it without consent,
    # even against a denial; the entry names the legal basis and the justification.
    STATUTORY_BASIS = "statutory_basis"
    # Not a consent decision: read by a professional outside the client's team, in an
    # emergency access window they opened with a reason (break the glass).
    EMERGENCY_ACCESS = "emergency_access"


class DisclosureKind(StrEnum):
    """What a disclosure log entry records."""

    DECISION = "decision"      # a check was answered
    DISCLOSURE = "disclosure"  # data was given out (under a consent, or a legal basis it names)
    ACCESS = "access"          # data was read inside the organisation that holds it


class ConsentStatus(StrEnum):
    """Where a recorded consent is in its life; only an active one can change."""

    ACTIVE = "active"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"


class ConsentAction(StrEnum):
    """What happened to a consent, as its history lists it."""

    GRANTED = "granted"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"


class DenialStatus(StrEnum):
    IN_FORCE = "in_force"
    LIFTED = "lifted"


class Category(StrEnum):
    """What kind of client information a consent, a denial or a disclosure covers."""

    BASIC = "basic"            # name, contact, language
    TEAM = "team"              # membership and roles
    ASSESSMENT = "assessment"  # service need assessment
    CARE_PLAN = "care_plan"
    HEALTH = "health"
    EMPLOYMENT = "employment"
    FINANCIAL = "financial"


class Purpose(StrEnum):
    TEAM_COORDINATION = "team_coordination"
    REFERRAL = "referral"
    SERVICE_NEED_ASSESSMENT = "service_need_assessment"


class GivenBy(StrEnum):
    CLIENT = "client"
    LEGAL_REPRESENTATIVE = "legal_representative"


class RepresentativeRelation(StrEnum):
    """Who may consent for a client."""

    GUARDIAN = "guardian"                    # a minor's huoltaja
    TRUSTEE = "trustee"                      # court-appointed edunvalvoja
    CONTINUING_POWER_OF_ATTORNEY = "continuing_power_of_attorney"  # edunvalvontavaltuutettu


class ConsentMethod(StrEnum):
    WRITTEN = "written"
    ORAL = "oral"
    ELECTRONIC = "electronic"


class Role(StrEnum):
    """A professional's role in a team."""

    SOCIAL_WORKER = "social_worker"
    SOCIAL_COUNSELLOR = "social_counsellor"
    NURSE = "nurse"
    PUBLIC_HEALTH_NURSE = "public_health_nurse"
    PHYSICIAN = "physician"
    PSYCHOLOGIST = "psychologist"
    PHYSIOTHERAPIST = "physiotherapist"
    OCCUPATIONAL_THERAPIST = "occupational_therapist"
    EMPLOYMENT_COORDINATOR = "employment_coordinator"
    NGO_WORKER = "ngo_worker"
    PEER_SUPPORTER = "peer_supporter"
    DEACON = "deacon"
    POLICE_LIAISON = "police_liaison"
    HOUSING_ADVISOR = "housing_advisor"
    SUBSTANCE_ABUSE_WORKER = "substance_abuse_worker"
    FINANCIAL_COUNSELLOR = "financial_counsellor"
    TEACHER = "teacher"


# A key worker is a social welfare professional (Social Welfare Act 1301/2014 §42).
KEY_WORKER_ROLES: tuple[Role, ...] = (Role.SOCIAL_WORKER, Role.SOCIAL_COUNSELLOR)


class CloseOneRelation(StrEnum):
    SPOUSE = "spouse"
    PARTNER = "partner"
    PARENT = "parent"
    CHILD = "child"
    SIBLING = "sibling"
    GRANDPARENT = "grandparent"
    GRANDCHILD = "grandchild"
    RELATIVE = "relative"
    FRIEND = "friend"
    NEIGHBOUR = "neighbour"
    OTHER = "other"


class MemberKind(StrEnum):
    PROFESSIONAL = "professional"
    CLOSE_ONE = "close_one"
    CLIENT = "client"


class MemberStatus(StrEnum):
    PENDING_CONSENT = "pending_consent"
    ACTIVE = "active"
    SUSPENDED = "suspended"
    REMOVED = "removed"


class TeamStatus(StrEnum):
    PROPOSED = "proposed"
    ACTIVE = "active"
    SUSPENDED = "suspended"
    CLOSED = "closed"


class ConsentLost(StrEnum):
    """Why a member is suspended, or a partner told to stop."""

    WITHDRAWN = "consent_withdrawn"
    EXPIRED = "consent_expired"
    DENIED = "consent_denied"


class ReferralStatus(StrEnum):
    """The FHIR Task states a referral moves through."""

    DRAFT = "draft"
    REQUESTED = "requested"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    CANCELLED = "cancelled"
    IN_PROGRESS = "in_progress"
    ON_HOLD = "on_hold"
    COMPLETED = "completed"
    FAILED = "failed"
    ENTERED_IN_ERROR = "entered_in_error"


class ReferralService(StrEnum):
    """What a referral asks the target organisation for."""

    SERVICE_NEED_ASSESSMENT = "service_need_assessment"
    EMPLOYMENT_SERVICES = "employment_services"
    SUBSTANCE_AND_MENTAL_HEALTH_SERVICES = "substance_and_mental_health_services"
    NGO_PEER_SUPPORT = "ngo_peer_support"
    HOUSING_GUIDANCE = "housing_guidance"
    DEBT_COUNSELLING = "debt_counselling"
    SOCIAL_REHABILITATION = "social_rehabilitation"


class ReferralOutcome(StrEnum):
    """How a completed referral ended."""

    SERVICE_PROVIDED = "service_provided"
    GOAL_MET = "goal_met"
    GOAL_PARTLY_MET = "goal_partly_met"
    GOAL_NOT_MET = "goal_not_met"
    CLIENT_DECLINED = "client_declined"
    CLIENT_UNREACHABLE = "client_unreachable"


class ReferralSide(StrEnum):
    """Which end of a referral an organisation is on."""

    REQUESTER = "requester"
    TARGET = "target"


class ReferralStepKind(StrEnum):
    """What a step of a referral's history records."""

    STATUS = "status"                   # a professional moved the referral along
    OVERDUE = "overdue"                 # tiimi reminded the requester: not accepted in time
    ESCALATED = "escalated"             # tiimi told the client's key worker
    STOP_REQUESTED = "stop_requested"   # tiimi told the partner to stop processing shared data


class InboxMessage(StrEnum):
    """What a notice says: one template per message and language."""

    MEMBER_ADDED = "member_added"
    MEMBER_SUSPENDED = "member_suspended"
    REFERRAL_RECEIVED = "referral_received"
    REFERRAL_ANSWERED = "referral_answered"
    REFERRAL_WITHDRAWN = "referral_withdrawn"
    REFERRAL_OVERDUE = "referral_overdue"
    REFERRAL_ESCALATED = "referral_escalated"
    REFERRAL_STOP = "referral_stop"
    CONSENT_LOST = "consent_lost"
    STATUTORY_DISCLOSURE = "statutory_disclosure"
    EMERGENCY_ACCESS = "emergency_access"


class EmergencyReason(StrEnum):
    """Why a professional outside the client's team opens the client's data at once (break the glass)."""

    RISK_TO_LIFE = "risk_to_life"
    RISK_TO_HEALTH = "risk_to_health"
    ACUTE_CRISIS = "acute_crisis"
    URGENT_CARE_CONTINUITY = "urgent_care_continuity"


class RecipientKind(StrEnum):
    """What kind of organisation receives a disclosure on a statutory basis; each legal basis
    names the kinds it allows (the legal-bases file)."""

    POLICE = "police"
    EMERGENCY_SERVICES = "emergency_services"
    CHILD_WELFARE = "child_welfare"
    SOCIAL_WELFARE = "social_welfare"
    HEALTH_CARE = "health_care"
    PROSECUTOR = "prosecutor"
    COURT = "court"


class ReferralPriority(StrEnum):
    """FHIR request priority."""

    ROUTINE = "routine"
    URGENT = "urgent"
    ASAP = "asap"
    STAT = "stat"
