"""Consent decisions as pure functions: no I/O, no nameko, no database.

A check asks: may ``organisation`` (optionally one named professional) be given
``category`` about a client for ``purpose``, at ``now``? The answer fails
closed: anything short of a valid, matching consent with no denial against it
is a deny, with a reason code saying which.

Time edges: a consent is valid from ``valid_from`` inclusive until
``valid_until`` exclusive. Withdrawal is effective from the moment recorded.

The life of a consent and of a denial is here too: each transition (grant,
withdraw, expire, lift) returns the change to make, or raises the domain error
that says why it cannot be made.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from consent.legal_bases import LegalBasis
from tiimi_shared import vocabulary
from tiimi_shared.errors import Conflict, NotFound, ValidationError
from tiimi_shared.vocabulary import GivenBy, Outcome

# Shared words (tiimi_shared.vocabulary), under the names this service's code uses.
Reason = vocabulary.DisclosureReason
EntryKind = vocabulary.DisclosureKind
ConsentStatus = vocabulary.ConsentStatus
ConsentAction = vocabulary.ConsentAction
DenialStatus = vocabulary.DenialStatus


REASONS: dict[Reason, str] = {
    Reason.PERMITTED: "a valid consent covers this organisation, category and purpose",
    Reason.DENIED_BY_CLIENT: "the client has denied this disclosure",
    Reason.UNKNOWN_CLIENT: "no consent or denial is on record for this client",
    Reason.NO_CONSENT: "no consent covers this organisation, category and purpose",
    Reason.NOT_YET_VALID: "the matching consent is not valid yet",
    Reason.EXPIRED: "the matching consent has expired",
    Reason.WITHDRAWN: "the matching consent has been withdrawn",
    Reason.PROFESSIONAL_NOT_NAMED: "the matching consent is narrowed to other professionals",
    Reason.MALFORMED_REQUEST: "the request was malformed",
    Reason.INTERNAL_ERROR: "the consent service could not decide",
    Reason.OWN_ORGANISATION: ("read within the organisation that holds the data, "
                              "by a member of the client's team"),
    Reason.STATUTORY_BASIS: "given out without consent under the legal basis named, with a justification",
    Reason.EMERGENCY_ACCESS: ("read by a professional outside the client's team in an emergency access "
                              "window opened with a reason"),
}


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

    def fault(self, request: AccessRequest, now: datetime) -> Reason | None:
        """Why this matching consent does not permit the request now, or None."""
        if self.withdrawn_at is not None and self.withdrawn_at <= now:
            return Reason.WITHDRAWN
        if now < self.valid_from:
            return Reason.NOT_YET_VALID
        if self.valid_until is not None and now >= self.valid_until:
            return Reason.EXPIRED
        if self.professionals and request.professional not in self.professionals:
            return Reason.PROFESSIONAL_NOT_NAMED
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
class ClientTerms:
    """Everything on record that a check about one client is decided on."""

    consents: tuple[ConsentTerms, ...] = ()
    denials: tuple[DenialTerms, ...] = ()


@dataclass(frozen=True)
class AccessRequest:
    organisation: str
    category: str
    purpose: str
    professional: str | None = None


@dataclass(frozen=True)
class Decision:
    permitted: bool
    reason: Reason
    consent_id: str | None = None
    denial_id: str | None = None

    @property
    def outcome(self) -> Outcome:
        return Outcome.PERMIT if self.permitted else Outcome.DENY

    @classmethod
    def deny(cls, reason: Reason, *, consent_id: str | None = None,
             denial_id: str | None = None) -> Decision:
        return cls(False, reason, consent_id=consent_id, denial_id=denial_id)


# -- deciding a check ------------------------------------------------------------------------

# When several matching consents fail, the answer names the fault closest to
# a permit: the one a professional could act on first.
_FAULT_ORDER = (Reason.PROFESSIONAL_NOT_NAMED, Reason.NOT_YET_VALID, Reason.EXPIRED, Reason.WITHDRAWN)


def decide(consents: Iterable[ConsentTerms], denials: Iterable[DenialTerms],
           request: AccessRequest, now: datetime) -> Decision:
    consents = list(consents)
    denials = list(denials)
    denial = next((d for d in denials if d.covers(request, now)), None)
    if denial is not None:
        return Decision.deny(Reason.DENIED_BY_CLIENT, denial_id=denial.id)
    if not consents and not denials:
        return Decision.deny(Reason.UNKNOWN_CLIENT)
    matching = [c for c in consents if c.matches(request)]
    if not matching:
        return Decision.deny(Reason.NO_CONSENT)
    valid = [c for c in matching if c.fault(request, now) is None]
    if valid:
        # Rest on the consent that stays in force longest; among equals the newest.
        basis = max(valid, key=lambda c: (c.valid_until is None, c.valid_until or now, c.valid_from))
        return Decision(True, Reason.PERMITTED, consent_id=basis.id)
    faults = {c.fault(request, now): c for c in matching}
    reason = next(code for code in _FAULT_ORDER if code in faults)
    return Decision.deny(reason, consent_id=faults[reason].id)


def malformed_request() -> Decision:
    """A check that could not be read is a deny: the gate fails closed."""
    return Decision.deny(Reason.MALFORMED_REQUEST)


def undecided() -> Decision:
    """The answer when a decision could not be made and logged: an unlogged permit is never given."""
    return Decision.deny(Reason.INTERNAL_ERROR)


def disclosed_whole(decisions: Iterable[Decision]) -> bool:
    """Data asked for together is given out whole or not at all: only if every request is permitted."""
    decisions = list(decisions)
    return bool(decisions) and all(decision.permitted for decision in decisions)


def own_organisation_read() -> Decision:
    """A read by the organisation that holds the data: logged, but no consent decides it."""
    return Decision(True, Reason.OWN_ORGANISATION)


# -- disclosures under a named consent -------------------------------------------------------


def decide_disclosure(consent: ConsentTerms, denials: Iterable[DenialTerms],
                      request: AccessRequest, now: datetime) -> Decision:
    """May data be given out under this one named consent, now?"""
    denial = next((d for d in denials if d.covers(request, now)), None)
    if denial is not None:
        return Decision.deny(Reason.DENIED_BY_CLIENT, consent_id=consent.id, denial_id=denial.id)
    if not consent.matches(request):
        return Decision.deny(Reason.NO_CONSENT, consent_id=consent.id)
    fault = consent.fault(request, now)
    if fault is not None:
        return Decision.deny(fault, consent_id=consent.id)
    return Decision(True, Reason.PERMITTED, consent_id=consent.id)


def permit_disclosure(consent: ConsentTerms, *, consent_client_id: str, client_id: str,
                      denials: Iterable[DenialTerms], request: AccessRequest,
                      now: datetime) -> Decision:
    """The permit a disclosure is logged under; NotFound or Conflict when there is none.

    A consent of another client is reported as not found, so a caller cannot
    learn that a consent id exists by naming the wrong client.
    """
    if consent_client_id != client_id:
        raise NotFound("consent", consent.id)
    decision = decide_disclosure(consent, denials, request, now)
    if not decision.permitted:
        raise Conflict(f"disclosure is not permitted: {decision.reason}",
                       current_state=str(decision.reason))
    return decision


# -- disclosures on a statutory basis ---------------------------------------------------------


def statutory_disclosure(basis: LegalBasis | None, *, basis_id: str, categories: Iterable[str],
                         recipient_organisation: str, recipient_kind: str, justification: str,
                         denials: Iterable[DenialTerms], now: datetime) -> list[Decision]:
    """The permit each category is given out under, on the legal basis named; a ValidationError
    naming each field the basis does not allow (and nothing else decided) when there is none.

    A statute stands above the client's denial: a denial in force is not a refusal, but each
    permit names the denial it overrides, so the report shows that the disclosure went against it.
    It decides only this disclosure: an ordinary check never reads it.
    """
    categories = list(categories)
    problems: dict[str, list[str]] = {}
    if basis is None:
        problems["legal_basis"] = [f"no legal basis {basis_id!r} is on the list"]
    else:
        uncovered = [category for category in categories if category not in basis.categories]
        if uncovered:
            problems["categories"] = [f"{basis.id} ({basis.statute}) does not cover {', '.join(uncovered)}"]
        if recipient_kind not in basis.recipient_kinds:
            problems["recipient_kind"] = [f"{basis.id} ({basis.statute}) does not allow disclosure to "
                                          f"{recipient_kind}"]
    if not justification.strip():
        problems["justification"] = ["say in words why the disclosure is needed"]
    if problems:
        raise ValidationError(problems)
    denials = list(denials)
    decisions = []
    for category in categories:
        request = AccessRequest(organisation=recipient_organisation, category=category, purpose="")
        overridden = next((d for d in denials if d.covers(request, now)), None)
        decisions.append(Decision(True, Reason.STATUTORY_BASIS,
                                  denial_id=overridden.id if overridden is not None else None))
    return decisions


# -- emergency access (break the glass) ------------------------------------------------------

DEFAULT_EMERGENCY_HOURS = 4.0
EMERGENCY_ENDED = "the emergency access has ended: open a new one, with its reason, to read on"
NO_EMERGENCY_ACCESS = "no emergency access of yours is open for this client"


@dataclass(frozen=True)
class EmergencyWindow:
    id: str
    client_id: str
    professional: str
    opened_at: datetime
    ends_at: datetime

    def open_at(self, now: datetime) -> bool:
        """In force from its opening (inclusive) until its end (exclusive): it ends by itself."""
        return self.opened_at <= now < self.ends_at


def emergency_hours(configured: object) -> float:
    """The window's length from configuration: a positive number of hours, at most a day."""
    if configured is None or configured == "":
        return DEFAULT_EMERGENCY_HOURS
    try:
        hours = float(str(configured))
    except ValueError:
        raise ValueError(f"EMERGENCY_ACCESS_HOURS: {configured!r} is not a number of hours") from None
    if not 0 < hours <= 24:
        raise ValueError(f"EMERGENCY_ACCESS_HOURS: {hours} is not more than 0 and at most 24")
    return hours


def open_emergency_window(*, explanation: str, hours: float, now: datetime) -> tuple[datetime, datetime]:
    """When an emergency access opens and ends; the reason's code is checked by its schema, and a
    blank explanation is refused: a glass is never broken silently."""
    if not explanation.strip():
        raise ValidationError({"explanation": ["say in words why the client's data is needed now"]})
    return now, now + timedelta(hours=hours)


def emergency_read(window: EmergencyWindow | None, *, client_id: str, professional: str,
                   now: datetime) -> EmergencyWindow:
    """The window a read rests on: the caller's own, of this client, still open; else why not."""
    if window is None or window.client_id != client_id or window.professional != professional:
        raise NotFound("emergency access", window.id if window is not None else client_id)
    if not window.open_at(now):
        raise Conflict(EMERGENCY_ENDED, current_state="ended")
    return window


def review_emergency_access(reviewed_at: datetime | None, *, now: datetime) -> datetime:
    """When the data protection officer reviewed it; once only."""
    if reviewed_at is not None:
        raise Conflict("this emergency access has been reviewed already", current_state="reviewed")
    return now


# -- recording and ending consents -----------------------------------------------------------


def grant_problems(*, given_by: str, relation: str | None, valid_from: datetime,
                   valid_until: datetime | None, now: datetime) -> dict[str, list[str]]:
    """Field-keyed reasons a consent cannot be recorded; empty if it can."""
    problems: dict[str, list[str]] = {}
    if given_by == GivenBy.LEGAL_REPRESENTATIVE and not relation:
        problems["given_by.relation"] = ["a legal representative's relation to the client is required"]
    if given_by == GivenBy.CLIENT and relation:
        problems["given_by.relation"] = ["only a legal representative has a relation"]
    if valid_until is not None and valid_until <= valid_from:
        problems["valid_until"] = ["must be after valid_from"]
    elif valid_until is not None and valid_until <= now:
        problems["valid_until"] = ["must be in the future; an ended consent cannot be granted"]
    return problems


@dataclass(frozen=True)
class Grant:
    """A consent as it is recorded: active from ``valid_from`` (``now`` unless given)."""

    valid_from: datetime
    valid_until: datetime | None
    status: ConsentStatus = ConsentStatus.ACTIVE


def grant(*, given_by: str, relation: str | None, valid_from: datetime | None,
          valid_until: datetime | None, now: datetime) -> Grant:
    """The consent to record, or ValidationError naming each field that stops it."""
    starts = valid_from or now
    problems = grant_problems(given_by=given_by, relation=relation, valid_from=starts,
                              valid_until=valid_until, now=now)
    if problems:
        raise ValidationError(problems)
    return Grant(valid_from=starts, valid_until=valid_until)


@dataclass(frozen=True)
class Withdrawal:
    withdrawn_at: datetime
    withdrawn_by: str
    reason: str
    status: ConsentStatus = ConsentStatus.WITHDRAWN


def withdraw(status: str, *, by: str, reason: str, now: datetime) -> Withdrawal:
    """Withdraw a consent, effective at once; only an active consent can be withdrawn."""
    if status != ConsentStatus.ACTIVE:
        raise Conflict(f"consent is {status}; only an active consent can be withdrawn",
                       current_state=status, allowed=[])
    return Withdrawal(withdrawn_at=now, withdrawn_by=by, reason=reason)


@dataclass(frozen=True)
class Ending:
    """A client's active consents that end within the period asked, and the first of those ends."""

    client_id: str
    consents: int = 0
    first_ends_at: datetime | None = None


def ending_soon(client_ids: Iterable[str], ends: Iterable[tuple[str, datetime]], now: datetime,
                within: timedelta) -> list[Ending]:
    """For each client, in the order asked, the active consents (given as client and ``valid_until``)
    that end after now and no later than ``within`` from now."""
    soon: dict[str, list[datetime]] = {}
    for client_id, valid_until in ends:
        if now < valid_until <= now + within:
            soon.setdefault(client_id, []).append(valid_until)
    return [Ending(client_id, len(soon[client_id]), min(soon[client_id])) if client_id in soon
            else Ending(client_id) for client_id in client_ids]


def is_due_to_expire(consent: ConsentTerms, now: datetime) -> bool:
    """A consent the expiry sweep should mark expired."""
    return (consent.withdrawn_at is None and consent.valid_until is not None
            and consent.valid_until <= now)


@dataclass(frozen=True)
class Expiry:
    expired_at: datetime
    status: ConsentStatus = ConsentStatus.EXPIRED


def expire(status: str, consent: ConsentTerms, now: datetime) -> Expiry | None:
    """The expiry of an active consent whose end has come, or None to leave it as it is."""
    if status != ConsentStatus.ACTIVE or not is_due_to_expire(consent, now):
        return None
    return Expiry(expired_at=now)


# -- denials ---------------------------------------------------------------------------------


def denial_status(lifted_at: datetime | None) -> DenialStatus:
    return DenialStatus.IN_FORCE if lifted_at is None else DenialStatus.LIFTED


@dataclass(frozen=True)
class Lifting:
    lifted_at: datetime
    lifted_by: str
    reason: str


def lift_denial(lifted_at: datetime | None, *, by: str, reason: str, now: datetime) -> Lifting:
    """Lift a denial from now on; a denial is lifted once."""
    if denial_status(lifted_at) is DenialStatus.LIFTED:
        raise Conflict("denial is already lifted", current_state=DenialStatus.LIFTED, allowed=[])
    return Lifting(lifted_at=now, lifted_by=by, reason=reason)
