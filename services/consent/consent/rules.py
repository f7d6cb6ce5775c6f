"""Consent decisions as pure functions: no I/O, no nameko, no database.

A check asks: may ``organisation`` (optionally one named professional) be given
``category`` about a client for ``purpose``, at ``now``? The answer fails
closed: anything short of a valid, matching consent with no denial against it
is a deny, with a reason code saying which.

Time edges: a consent is valid from ``valid_from`` inclusive until
``valid_until`` exclusive. Withdrawal is effective from the moment recorded.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

# Reason codes, in the words of the disclosure report.
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

REASONS = {
    PERMITTED: "a valid consent covers this organisation, category and purpose",
    DENIED_BY_CLIENT: "the client has denied this disclosure",
    UNKNOWN_CLIENT: "no consent or denial is on record for this client",
    NO_CONSENT: "no consent covers this organisation, category and purpose",
    NOT_YET_VALID: "the matching consent is not valid yet",
    EXPIRED: "the matching consent has expired",
    WITHDRAWN: "the matching consent has been withdrawn",
    PROFESSIONAL_NOT_NAMED: "the matching consent is narrowed to other professionals",
    MALFORMED_REQUEST: "the request was malformed",
    INTERNAL_ERROR: "the consent service could not decide",
    OWN_ORGANISATION: "read within the organisation that holds the data, by a member of the client's team",
}

GIVERS = ("client", "legal_representative")
# Who may consent for a client: a minor's guardian (huoltaja), a court-appointed
# trustee (edunvalvoja), or a holder of a confirmed continuing power of
# attorney (edunvalvontavaltuutettu).
REPRESENTATIVE_RELATIONS = ("guardian", "trustee", "continuing_power_of_attorney")
METHODS = ("written", "oral", "electronic")


@dataclass(frozen=True)
class ConsentTerms:
    id: str
    organisation: str
    categories: frozenset[str]
    purposes: frozenset[str]
    valid_from: datetime
    valid_until: datetime | None = None
    professionals: frozenset[str] = field(default_factory=frozenset)
    withdrawn_at: datetime | None = None

    def matches(self, request: AccessRequest) -> bool:
        return (self.organisation == request.organisation
                and request.category in self.categories
                and request.purpose in self.purposes)

    def fault(self, request: AccessRequest, now: datetime) -> str | None:
        """Why this matching consent does not permit the request now, or None."""
        if self.withdrawn_at is not None and self.withdrawn_at <= now:
            return WITHDRAWN
        if now < self.valid_from:
            return NOT_YET_VALID
        if self.valid_until is not None and now >= self.valid_until:
            return EXPIRED
        if self.professionals and request.professional not in self.professionals:
            return PROFESSIONAL_NOT_NAMED
        return None


@dataclass(frozen=True)
class DenialTerms:
    id: str
    organisation: str | None  # None: every organisation
    categories: frozenset[str]
    lifted_at: datetime | None = None

    def covers(self, request: AccessRequest, now: datetime) -> bool:
        in_force = self.lifted_at is None or now < self.lifted_at
        return (in_force
                and self.organisation in (None, request.organisation)
                and request.category in self.categories)


@dataclass(frozen=True)
class AccessRequest:
    organisation: str
    category: str
    purpose: str
    professional: str | None = None


@dataclass(frozen=True)
class Decision:
    permitted: bool
    reason: str
    consent_id: str | None = None
    denial_id: str | None = None

    @property
    def outcome(self) -> str:
        return "permit" if self.permitted else "deny"

    @classmethod
    def deny(cls, reason: str, *, consent_id: str | None = None,
             denial_id: str | None = None) -> Decision:
        return cls(False, reason, consent_id=consent_id, denial_id=denial_id)


# When several matching consents fail, the answer names the fault closest to
# a permit: the one a professional could act on first.
_FAULT_ORDER = (PROFESSIONAL_NOT_NAMED, NOT_YET_VALID, EXPIRED, WITHDRAWN)


def decide(consents: Iterable[ConsentTerms], denials: Iterable[DenialTerms],
           request: AccessRequest, now: datetime) -> Decision:
    consents = list(consents)
    denials = list(denials)
    denial = next((d for d in denials if d.covers(request, now)), None)
    if denial is not None:
        return Decision.deny(DENIED_BY_CLIENT, denial_id=denial.id)
    if not consents and not denials:
        return Decision.deny(UNKNOWN_CLIENT)
    matching = [c for c in consents if c.matches(request)]
    if not matching:
        return Decision.deny(NO_CONSENT)
    valid = [c for c in matching if c.fault(request, now) is None]
    if valid:
        # Rest on the consent that stays in force longest; among equals the newest.
        basis = max(valid, key=lambda c: (c.valid_until is None, c.valid_until or now, c.valid_from))
        return Decision(True, PERMITTED, consent_id=basis.id)
    faults = {c.fault(request, now): c for c in matching}
    reason = next(code for code in _FAULT_ORDER if code in faults)
    return Decision.deny(reason, consent_id=faults[reason].id)


def decide_disclosure(consent: ConsentTerms, denials: Iterable[DenialTerms],
                      request: AccessRequest, now: datetime) -> Decision:
    """May data be given out under this one named consent, now?"""
    denial = next((d for d in denials if d.covers(request, now)), None)
    if denial is not None:
        return Decision.deny(DENIED_BY_CLIENT, consent_id=consent.id, denial_id=denial.id)
    if not consent.matches(request):
        return Decision.deny(NO_CONSENT, consent_id=consent.id)
    fault = consent.fault(request, now)
    if fault is not None:
        return Decision.deny(fault, consent_id=consent.id)
    return Decision(True, PERMITTED, consent_id=consent.id)


def grant_problems(*, given_by: str, relation: str | None, valid_from: datetime,
                   valid_until: datetime | None, now: datetime) -> dict[str, list[str]]:
    """Field-keyed reasons a consent cannot be recorded; empty if it can."""
    problems: dict[str, list[str]] = {}
    if given_by == "legal_representative" and not relation:
        problems["given_by.relation"] = ["a legal representative's relation to the client is required"]
    if given_by == "client" and relation:
        problems["given_by.relation"] = ["only a legal representative has a relation"]
    if valid_until is not None and valid_until <= valid_from:
        problems["valid_until"] = ["must be after valid_from"]
    elif valid_until is not None and valid_until <= now:
        problems["valid_until"] = ["must be in the future; an ended consent cannot be granted"]
    return problems


def is_due_to_expire(consent: ConsentTerms, now: datetime) -> bool:
    """A consent the expiry sweep should mark expired."""
    return (consent.withdrawn_at is None and consent.valid_until is not None
            and consent.valid_until <= now)
