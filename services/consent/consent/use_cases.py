"""The consent service's use cases: one story each, in one unit of work.

Each function takes the unit-of-work factory, the command as the schema loaded
it, and the time (``now``) from the injected clock. The decisions are in
``rules``; here they are read from and written to the repositories, and the
events they cause go to the outbox in the same transaction.
"""
from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol, TypedDict
from uuid import UUID

from consent import ledger, rules
from consent.ledger import Entry as LogEntry
from consent.ledger import Problem
from consent.legal_bases import LegalBasis
from consent.models import Consent, Denial, EmergencyAccess
from consent.rules import ClientTerms, ConsentAction, Decision, EntryKind
from tiimi_shared import contracts
from tiimi_shared.consuming import consume
from tiimi_shared.errors import NotFound
from tiimi_shared.events import EventType
from tiimi_shared.handlers import ReceivedEvent
from tiimi_shared.logging import get_logger

log = get_logger(__name__)


# -- what each use case is given: the command as its schema (consent/schemas.py) loaded it ---


class Giver(TypedDict):
    kind: str
    relation: str | None


class GrantConsent(TypedDict):
    client_id: UUID
    given_by: Giver
    recipient_organisation: str
    professionals: list[str]
    categories: list[str]
    purposes: list[str]
    valid_from: datetime | None
    valid_until: datetime | None
    method: str
    recorded_by: str


class WithdrawConsent(TypedDict):
    consent_id: UUID
    withdrawn_by: str
    reason: str


class RecordDenial(TypedDict):
    client_id: UUID
    organisation: str | None  # None: every organisation
    categories: list[str]
    reason: str | None
    recorded_by: str


class LiftDenial(TypedDict):
    denial_id: UUID
    lifted_by: str
    reason: str


class Request(TypedDict):
    """One access request: who would be given what, for which purpose."""

    organisation: str
    professional: str | None
    category: str
    purpose: str


class CheckAccess(Request):
    client_id: UUID


class CheckMany(TypedDict):
    client_id: UUID
    requests: list[Request]


class RecordDisclosure(CheckAccess):
    consent_id: UUID


class RecordStatutoryDisclosure(TypedDict):
    client_id: UUID
    recipient_organisation: str
    recipient_kind: str
    categories: list[str]
    legal_basis: str
    justification: str
    professional: str
    organisation: str
    key_worker_id: str | None


class OpenEmergencyAccess(TypedDict):
    client_id: UUID
    professional: str
    organisation: str
    reason: str
    explanation: str
    key_worker_id: str | None


class RecordEmergencyReads(TypedDict):
    access_id: UUID
    client_id: UUID
    holder_organisation: str
    requests: list[Request]


class ClientQuery(TypedDict):
    client_id: UUID


class EndingQuery(TypedDict):
    client_ids: list[UUID]
    within_days: int


class ReportQuery(ClientQuery):
    include_denied: bool


# -- what the use cases need of the unit of work ---------------------------------------------


class ConsentRepository(Protocol):
    def add(self, consent: Consent) -> None: ...
    def get(self, consent_id: str, *, for_update: bool = False,
            with_history: bool = False) -> Consent: ...
    def of_client(self, client_id: str, *, with_history: bool = False) -> list[Consent]: ...
    def active_ends(self, client_ids: Iterable[str]) -> list[tuple[str, datetime]]: ...
    def due_to_expire(self, now: datetime) -> list[Consent]: ...
    def record_history(self, consent: Consent, action: ConsentAction, at: datetime, by: str | None,
                       reason: str | None = None) -> None: ...


class DenialRepository(Protocol):
    def add(self, denial: Denial) -> None: ...
    def get(self, denial_id: str, *, for_update: bool = False) -> Denial: ...
    def of_client(self, client_id: str) -> list[Denial]: ...


class EmergencyAccessRepository(Protocol):
    def add(self, access: EmergencyAccess) -> None: ...
    def get(self, access_id: str, *, for_update: bool = False) -> EmergencyAccess | None: ...
    def open_for(self, client_id: str, professional: str, now: datetime) -> EmergencyAccess | None: ...
    def of_client(self, client_id: str) -> list[EmergencyAccess]: ...
    def for_review(self, reviewed: bool | None, limit: int) -> list[EmergencyAccess]: ...


class TermsRepository(Protocol):
    def of_client(self, client_id: str) -> ClientTerms: ...


class DisclosureLog(Protocol):
    def append(self, entries: Sequence[LogEntry]) -> None: ...
    def of_client(self, client_id: str, include_denied: bool) -> list[LogEntry]: ...
    def take_head(self) -> ledger.Head | None: ...
    def unchained(self, limit: int) -> list[dict[str, Any]]: ...
    def link(self, links: Sequence[ledger.Link], head: ledger.Head) -> None: ...
    def verify(self) -> list[Problem]: ...
    def count(self) -> int: ...
    def count_unchained(self) -> int: ...


class Outbox(Protocol):
    def add(self, event: EventType, data: dict[str, Any]) -> dict[str, Any]: ...


class UnitOfWork(Protocol):
    correlation_id: str | None

    @property
    def consents(self) -> ConsentRepository: ...
    @property
    def denials(self) -> DenialRepository: ...
    @property
    def terms(self) -> TermsRepository: ...
    @property
    def emergency_accesses(self) -> EmergencyAccessRepository: ...
    @property
    def disclosure_log(self) -> DisclosureLog: ...
    @property
    def outbox(self) -> Outbox: ...

    def __enter__(self) -> UnitOfWork: ...
    def __exit__(self, *exc_info: object) -> None: ...
    def commit(self) -> None: ...
    def processed(self, consumer: str, event_id: str) -> bool: ...
    def claim(self, consumer: str, event_id: str) -> bool: ...


UnitOfWorkFactory = Callable[[], UnitOfWork]


def _new_id() -> str:
    return str(uuid.uuid4())


# -- consents --------------------------------------------------------------------------------


def grant(uow: UnitOfWorkFactory, command: GrantConsent, *, now: datetime) -> Consent:
    """Record a consent the client (or their legal representative) gave, active at once."""
    given_by = command["given_by"]
    granted = rules.grant(given_by=given_by["kind"], relation=given_by["relation"],
                          valid_from=command["valid_from"], valid_until=command["valid_until"], now=now)
    with uow() as work:
        consent = Consent(
            id=_new_id(), client_id=str(command["client_id"]),
            given_by=given_by["kind"], representative_relation=given_by["relation"],
            organisation=command["recipient_organisation"],
            professionals=command["professionals"], categories=command["categories"],
            purposes=command["purposes"], valid_from=granted.valid_from,
            valid_until=granted.valid_until, method=command["method"],
            recorded_by=command["recorded_by"], recorded_at=now, status=granted.status,
        )
        work.consents.add(consent)
        work.consents.record_history(consent, ConsentAction.GRANTED, now, command["recorded_by"])
        work.outbox.add(contracts.CONSENT_GRANTED, consent.event_data() | {
            "given_by": consent.given_by, "valid_from": consent.valid_from,
            "valid_until": consent.valid_until, "recorded_by": consent.recorded_by,
        })
        work.commit()
        log.info("consent granted", consent_id=consent.id)
        # Read back with its history, as every consent is answered.
        return work.consents.get(consent.id, with_history=True)


def withdraw(uow: UnitOfWorkFactory, command: WithdrawConsent, *, now: datetime) -> Consent:
    """End an active consent from now on; checks deny under it at once."""
    with uow() as work:
        consent = work.consents.get(str(command["consent_id"]), for_update=True, with_history=True)
        withdrawal = rules.withdraw(consent.status, by=command["withdrawn_by"],
                                    reason=command["reason"], now=now)
        consent.status = withdrawal.status
        consent.withdrawn_at = withdrawal.withdrawn_at
        consent.withdrawn_by = withdrawal.withdrawn_by
        consent.withdrawal_reason = withdrawal.reason
        work.consents.record_history(consent, ConsentAction.WITHDRAWN, now, withdrawal.withdrawn_by,
                                     withdrawal.reason)
        work.outbox.add(contracts.CONSENT_WITHDRAWN, consent.event_data() | {
            "withdrawn_at": withdrawal.withdrawn_at, "withdrawn_by": withdrawal.withdrawn_by})
        work.commit()
        log.info("consent withdrawn", consent_id=consent.id)
        return consent


def expire_consents(uow: UnitOfWorkFactory, *, now: datetime) -> int:
    """Mark consents past their end expired, each with a consent_expired event; how many."""
    with uow() as work:
        expired = 0
        for consent in work.consents.due_to_expire(now):
            expiry = rules.expire(consent.status, consent.terms(), now)
            if expiry is None:
                continue
            consent.status = expiry.status
            consent.expired_at = expiry.expired_at
            work.consents.record_history(consent, ConsentAction.EXPIRED, now, None)
            work.outbox.add(contracts.CONSENT_EXPIRED,
                            consent.event_data() | {"expired_at": expiry.expired_at})
            expired += 1
        work.commit()
    if expired:
        log.info("consents expired", count=expired)
    return expired


@dataclass(frozen=True)
class ClientRecord:
    """Everything on record about one client's consents and denials."""

    client_id: str
    consents: list[Consent]
    denials: list[Denial]


def list_consents(uow: UnitOfWorkFactory, command: ClientQuery) -> ClientRecord:
    client_id = str(command["client_id"])
    with uow() as work:
        return ClientRecord(client_id=client_id,
                            consents=work.consents.of_client(client_id, with_history=True),
                            denials=work.denials.of_client(client_id))


def ending_soon(uow: UnitOfWorkFactory, command: EndingQuery, *, now: datetime) -> list[rules.Ending]:
    """For each client, the active consents that end within the days asked."""
    client_ids = [str(client_id) for client_id in command["client_ids"]]
    with uow() as work:
        ends = work.consents.active_ends(client_ids)
    return rules.ending_soon(client_ids, ends, now, timedelta(days=command["within_days"]))


# -- denials ---------------------------------------------------------------------------------


def deny(uow: UnitOfWorkFactory, command: RecordDenial, *, now: datetime) -> Denial:
    """Record the client's denial: it overrides any consent until it is lifted."""
    with uow() as work:
        denial = Denial(
            id=_new_id(), client_id=str(command["client_id"]),
            organisation=command["organisation"], categories=command["categories"],
            reason=command["reason"], recorded_by=command["recorded_by"], recorded_at=now,
        )
        work.denials.add(denial)
        work.outbox.add(contracts.DENIAL_RECORDED, denial.event_data() | {"recorded_by": denial.recorded_by})
        work.commit()
        log.info("denial recorded", denial_id=denial.id)
        return denial


def lift_denial(uow: UnitOfWorkFactory, command: LiftDenial, *, now: datetime) -> Denial:
    """End a denial from now on: consents it overrode permit again."""
    with uow() as work:
        denial = work.denials.get(str(command["denial_id"]), for_update=True)
        lifting = rules.lift_denial(denial.lifted_at, by=command["lifted_by"],
                                    reason=command["reason"], now=now)
        denial.lifted_at = lifting.lifted_at
        denial.lifted_by = lifting.lifted_by
        denial.lift_reason = lifting.reason
        work.outbox.add(contracts.DENIAL_LIFTED, denial.event_data() | {"lifted_by": denial.lifted_by})
        work.commit()
        log.info("denial lifted", denial_id=denial.id)
        return denial


# -- checks: every answer is logged, and an answer that cannot be logged is a deny -----------


@dataclass(frozen=True)
class Answer:
    """A decision as given: with the request it answers and its log entry (None if unlogged)."""

    decision: Decision
    request: Mapping[str, Any]  # a Request; of a malformed check, its well-formed fields
    entry_id: str | None


def check(uow: UnitOfWorkFactory, command: CheckAccess, *, now: datetime) -> Answer:
    """Permit or deny one disclosure, and log the decision."""
    return _decide(uow, str(command["client_id"]), [_request(command)], now).answers[0]


def check_many(uow: UnitOfWorkFactory, command: CheckMany, *, now: datetime) -> list[Answer]:
    """Decide many requests about one client, in order, against one reading of the record."""
    return _decide(uow, str(command["client_id"]), [_request(r) for r in command["requests"]], now).answers


def refuse_malformed(uow: UnitOfWorkFactory, well_formed: Mapping[str, str], *,
                     now: datetime) -> Answer:
    """Deny a check that could not be read, logging only the fields that were well formed."""
    decision = rules.malformed_request()
    entry_id = None
    try:
        with uow() as work:
            entry = _entry(EntryKind.DECISION, now, decision, well_formed,
                           client_id=well_formed.get("client_id"), correlation_id=work.correlation_id)
            work.disclosure_log.append([entry])
            work.commit()
            entry_id = entry.entry_id
    except Exception:
        log.exception("could not log a malformed consent check")
    return Answer(decision, dict(well_formed), entry_id)


def _request(command: Request) -> Request:
    """Only the request's own fields: the client and consent ids are logged apart."""
    return Request(organisation=command["organisation"], professional=command["professional"],
                   category=command["category"], purpose=command["purpose"])


def _access(request: Request) -> rules.AccessRequest:
    return rules.AccessRequest(organisation=request["organisation"], category=request["category"],
                               purpose=request["purpose"], professional=request["professional"])


def _entry(kind: EntryKind, at: datetime, decision: Decision, request: Mapping[str, Any], *,
           client_id: str | None, correlation_id: str | None) -> LogEntry:
    """A log entry as it is written: unchained, until the sequencer gives it its place."""
    return LogEntry(
        entry_id=_new_id(), kind=kind, at=at, client_id=client_id,
        organisation=request.get("organisation"), professional=request.get("professional"),
        category=request.get("category"), purpose=request.get("purpose"),
        outcome=decision.outcome, reason=decision.reason,
        consent_id=decision.consent_id, denial_id=decision.denial_id, correlation_id=correlation_id,
    )


@dataclass(frozen=True)
class Disclosed:
    """Requests about one client decided together: each answer, and the disclosure entries logged
    under the consents they rest on, one a request if every one was permitted, none otherwise."""

    answers: list[Answer]
    disclosures: list[LogEntry]


def disclose(uow: UnitOfWorkFactory, command: CheckMany, *, now: datetime) -> Disclosed:
    """Decide requests about one client and, if consent permits every one, log each as disclosed.

    One transaction: what is logged as disclosed is what was decided, against one reading of the
    record, so a consent withdrawn or a denial recorded before the call is in force for it. When any
    request is refused nothing is disclosed, and the decisions are logged as any check's are.
    """
    client_id = str(command["client_id"])
    return _decide(uow, client_id, [_request(r) for r in command["requests"]], now, disclose=True)


def _decide(uow: UnitOfWorkFactory, client_id: str, requests: Sequence[Request],
            now: datetime, *, disclose: bool = False) -> Disclosed:
    try:
        with uow() as work:
            # One read, one write: the answers are durable (committed) before they are given.
            terms = work.terms.of_client(client_id)
            decisions = [rules.decide(terms.consents, terms.denials, _access(request), now)
                         for request in requests]
            entries = [_entry(EntryKind.DECISION, now, decision, request, client_id=client_id,
                              correlation_id=work.correlation_id)
                       for decision, request in zip(decisions, requests, strict=True)]
            disclosures: list[LogEntry] = []
            if disclose and rules.disclosed_whole(decisions):
                disclosures = [_entry(EntryKind.DISCLOSURE, now, decision, request, client_id=client_id,
                                      correlation_id=work.correlation_id)
                               for decision, request in zip(decisions, requests, strict=True)]
            work.disclosure_log.append(entries + disclosures)
            work.commit()
            return Disclosed([Answer(decision, request, entry.entry_id)
                              for decision, request, entry in zip(decisions, requests, entries, strict=True)],
                             disclosures)
    except Exception:
        # Fail closed: an answer we could not record is an answer we do not give.
        log.exception("consent check failed; answering deny")
        return Disclosed([Answer(rules.undecided(), request, None) for request in requests], [])


# -- the disclosure log ----------------------------------------------------------------------


def record_disclosure(uow: UnitOfWorkFactory, command: RecordDisclosure, *, now: datetime) -> LogEntry:
    """Log that data was given out under a named consent, if that consent still permits it."""
    client_id = str(command["client_id"])
    request = _request(command)
    with uow() as work:
        consent = work.consents.get(str(command["consent_id"]))
        decision = rules.permit_disclosure(
            consent.terms(), consent_client_id=consent.client_id, client_id=client_id,
            denials=[d.terms() for d in work.denials.of_client(client_id)],
            request=_access(request), now=now)
        entry = _entry(EntryKind.DISCLOSURE, now, decision, request, client_id=client_id,
                       correlation_id=work.correlation_id)
        work.disclosure_log.append([entry])
        work.commit()
        return entry


@dataclass(frozen=True)
class StatutoryDisclosure:
    """A disclosure on a statutory basis as recorded: the basis it rests on and its log entries."""

    client_id: str
    basis: LegalBasis
    recipient_organisation: str
    recipient_kind: str
    justification: str
    entries: list[LogEntry]

    @property
    def legal_basis(self) -> str:
        return self.basis.id

    @property
    def statute(self) -> str:
        return self.basis.statute


def record_statutory_disclosure(uow: UnitOfWorkFactory, command: RecordStatutoryDisclosure,
                                bases: Mapping[str, LegalBasis], *, now: datetime) -> StatutoryDisclosure:
    """Log data given out without consent, on a legal basis from the list, and tell the key worker.

    Checked against the basis first (``rules.statutory_disclosure``): a refusal writes nothing. A
    denial in force does not stop it, but each entry names the denial it went against. One entry a
    category, written with the event in one transaction; ordinary checks never read them.
    """
    client_id = str(command["client_id"])
    with uow() as work:
        decisions = rules.statutory_disclosure(
            bases.get(command["legal_basis"]), basis_id=command["legal_basis"],
            categories=command["categories"],
            recipient_organisation=command["recipient_organisation"],
            recipient_kind=command["recipient_kind"], justification=command["justification"],
            denials=[d.terms() for d in work.denials.of_client(client_id)], now=now)
        basis = bases[command["legal_basis"]]  # known: the rule refuses an unknown basis
        justification = command["justification"].strip()
        entries = []
        for category, decision in zip(command["categories"], decisions, strict=True):
            entry = _entry(EntryKind.DISCLOSURE, now, decision,
                           {"organisation": command["recipient_organisation"],
                            "professional": command["professional"], "category": category},
                           client_id=client_id, correlation_id=work.correlation_id)
            entry.legal_basis, entry.recipient_kind = basis.id, command["recipient_kind"]
            entry.justification = justification
            entries.append(entry)
        work.disclosure_log.append(entries)
        work.outbox.add(contracts.STATUTORY_DISCLOSURE_RECORDED, {
            "client_id": client_id, "recipient_organisation": command["recipient_organisation"],
            "recipient_kind": command["recipient_kind"], "categories": list(command["categories"]),
            "legal_basis": basis.id, "statute": basis.statute,
            "entry_ids": [entry.entry_id for entry in entries],
            "against_denial": any(decision.denial_id is not None for decision in decisions),
            "organisation": command["organisation"], "recorded_by": command["professional"],
            "key_worker_id": command["key_worker_id"], "disclosed_at": now,
        })
        work.commit()
    log.info("statutory disclosure recorded", legal_basis=basis.id, entries=len(entries))
    return StatutoryDisclosure(client_id, basis, command["recipient_organisation"], command["recipient_kind"],
                               justification, entries)


# -- emergency access (break the glass) ------------------------------------------------------


def open_emergency_access(uow: UnitOfWorkFactory, command: OpenEmergencyAccess, *, hours: float,
                          now: datetime) -> EmergencyAccess:
    """Open the client's data to a professional outside the team for ``hours``, and tell the key worker.

    The gateway decides who may (not a member of the team); here the reason and its words are
    kept, and the window is set: it ends by itself, read against the clock, with no sweep.
    """
    opened_at, ends_at = rules.open_emergency_window(explanation=command["explanation"], hours=hours, now=now)
    with uow() as work:
        access = EmergencyAccess(
            id=_new_id(), client_id=str(command["client_id"]), professional=command["professional"],
            organisation=command["organisation"], reason=command["reason"],
            explanation=command["explanation"].strip(), key_worker_id=command["key_worker_id"],
            opened_at=opened_at, ends_at=ends_at)
        work.emergency_accesses.add(access)
        work.outbox.add(contracts.EMERGENCY_ACCESS_OPENED, {
            "access_id": access.id, "client_id": access.client_id, "professional": access.professional,
            "organisation": access.organisation, "reason": access.reason, "opened_at": opened_at,
            "ends_at": ends_at, "key_worker_id": access.key_worker_id})
        work.commit()
    log.info("emergency access opened", access_id=access.id, reason=access.reason)
    return access


def emergency_access_open(uow: UnitOfWorkFactory, command: Mapping[str, Any], *,
                          now: datetime) -> EmergencyAccess | None:
    """The caller's emergency access to the client that is open now, if any."""
    with uow() as work:
        return work.emergency_accesses.open_for(str(command["client_id"]), command["professional"], now)


def record_emergency_reads(uow: UnitOfWorkFactory, command: RecordEmergencyReads, *,
                           now: datetime) -> list[LogEntry]:
    """Log reads in an open emergency access window, one entry a request, with reason emergency_access;
    NotFound for another's or another client's window, Conflict once it has ended (nothing is logged)."""
    client_id = str(command["client_id"])
    requests = [_request(r) for r in command["requests"]]
    with uow() as work:
        access = work.emergency_accesses.get(str(command["access_id"]))
        window = access.terms() if access is not None else None
        for request in requests:  # each read is the window's own professional's
            rules.emergency_read(window, client_id=client_id, professional=request["professional"] or "",
                                 now=now)
        read = rules.Decision(True, rules.Reason.EMERGENCY_ACCESS)
        entries = [_entry(EntryKind.ACCESS if request["organisation"] == command["holder_organisation"]
                          else EntryKind.DISCLOSURE, now, read, request, client_id=client_id,
                          correlation_id=work.correlation_id) for request in requests]
        work.disclosure_log.append(entries)
        work.commit()
        return entries


def emergency_accesses_for_review(uow: UnitOfWorkFactory,
                                  command: Mapping[str, Any]) -> list[EmergencyAccess]:
    """The data protection officer's list: who opened whose data, why, when; reviewed or not."""
    with uow() as work:
        return work.emergency_accesses.for_review(command["reviewed"], command["limit"])


def review_emergency_access(uow: UnitOfWorkFactory, command: Mapping[str, Any], *,
                            now: datetime) -> EmergencyAccess:
    with uow() as work:
        access = work.emergency_accesses.get(str(command["access_id"]), for_update=True)
        if access is None:
            raise NotFound("emergency access", str(command["access_id"]))
        access.reviewed_at = rules.review_emergency_access(access.reviewed_at, now=now)
        access.reviewed_by = command["reviewed_by"]
        work.commit()
    log.info("emergency access reviewed", access_id=access.id)
    return access


def emergency_accesses_of_client(uow: UnitOfWorkFactory, client_id: str) -> list[EmergencyAccess]:
    with uow() as work:
        return work.emergency_accesses.of_client(client_id)


def record_referral_disclosure(uow: UnitOfWorkFactory, event: ReceivedEvent) -> list[LogEntry] | None:
    """Log each category a sent referral gave its target, under the consent it rested on.

    The referral service publishes the event from the send's own transaction, so the data has
    been given out: every category is logged, at the time it was sent, once for the event (None
    when it was handled already). Each entry carries the named consent's decision at that time,
    as ``record_disclosure``'s does; if it no longer reads as a permit (a withdrawal the send
    raced, or a denial recorded since, which has no start of its own), the entry says so rather
    than being left out, and the partner will have been told to stop by the referral service.
    """
    data = event.data
    client_id, at = str(data["client_id"]), datetime.fromisoformat(data["disclosed_at"])

    def apply(work: UnitOfWork, _: None) -> list[LogEntry]:
        entries = []
        for category, consent_id in sorted(data["consents"].items()):
            request = Request(organisation=data["recipient_organisation"], professional=None,
                              category=category, purpose=data["purpose"])
            decision = _under_consent(work, client_id, str(consent_id), request, at)
            if not decision.permitted:
                log.warning("referral disclosure logged against a consent that no longer permits it",
                            consent_id=str(consent_id), reason=decision.reason)
            entries.append(_entry(EntryKind.DISCLOSURE, at, decision, request, client_id=client_id,
                                  correlation_id=work.correlation_id))
        work.disclosure_log.append(entries)
        return entries

    return consume(uow, event, apply=apply)


def _under_consent(work: UnitOfWork, client_id: str, consent_id: str, request: Request,
                   at: datetime) -> Decision:
    """The named consent's decision on a disclosure made at ``at``; as ``rules.permit_disclosure``,
    another client's consent is not found, but a deny is answered, not raised: it was given out."""
    consent = work.consents.get(consent_id)
    if consent.client_id != client_id:
        raise NotFound("consent", consent_id)
    return rules.decide_disclosure(consent.terms(), [d.terms() for d in work.denials.of_client(client_id)],
                                   _access(request), at)


def record_access(uow: UnitOfWorkFactory, command: CheckAccess, *, now: datetime) -> LogEntry:
    """Log a read by the organisation that holds the data, so the client's report shows it too."""
    return _record_accesses(uow, str(command["client_id"]), [_request(command)], now)[0]


def record_accesses(uow: UnitOfWorkFactory, command: CheckMany, *, now: datetime) -> list[LogEntry]:
    """Log a read of several categories by the organisation that holds the data: one entry each,
    written together."""
    return _record_accesses(uow, str(command["client_id"]), [_request(r) for r in command["requests"]],
                            now)


def _record_accesses(uow: UnitOfWorkFactory, client_id: str, requests: Sequence[Request],
                     now: datetime) -> list[LogEntry]:
    read = rules.own_organisation_read()
    with uow() as work:
        entries = [_entry(EntryKind.ACCESS, now, read, request, client_id=client_id,
                          correlation_id=work.correlation_id) for request in requests]
        work.disclosure_log.append(entries)
        work.commit()
        return entries


def disclosure_report(uow: UnitOfWorkFactory, command: ReportQuery) -> list[LogEntry]:
    """Who was given what about one client, when, for which purpose, under which consent;
    entries not yet chained last, with no ``seq``."""
    with uow() as work:
        return work.disclosure_log.of_client(str(command["client_id"]), command["include_denied"])


CHAIN_BATCH = 1000


def chain_log(uow: UnitOfWorkFactory, *, batch: int = CHAIN_BATCH) -> int:
    """Chain the committed entries not yet chained, a batch per transaction; how many.

    The sequencer: only it takes the head. Where another replica's sequencer holds it,
    this run does nothing and leaves the entries to that one.
    """
    chained = 0
    while True:
        with uow() as work:
            head = work.disclosure_log.take_head()
            if head is None:
                return chained
            pending = work.disclosure_log.unchained(batch)
            if not pending:
                return chained
            links, new_head = ledger.chain(head, pending)
            work.disclosure_log.link(links, new_head)
            work.commit()
        chained += len(links)
        if len(pending) < batch:
            return chained


@dataclass(frozen=True)
class LogCheck:
    """What verifying the disclosure log's chain found: ``entries`` counts every entry,
    ``unchained`` those written but not yet chained (the chain does not cover them yet)."""

    entries: int
    unchained: int
    problems: list[Problem]

    @property
    def intact(self) -> bool:
        return not self.problems


def verify_log(uow: UnitOfWorkFactory) -> LogCheck:
    with uow() as work:
        problems = work.disclosure_log.verify()
        return LogCheck(entries=work.disclosure_log.count(),
                        unchained=work.disclosure_log.count_unchained(), problems=problems)
