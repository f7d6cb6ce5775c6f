"""The consent service's entrypoints: load the command, run the use case, answer.

Every RPC takes keyword arguments only, so that an unknown or misspelt field
is named in the error rather than lost. The decisions are in ``rules``, the
stories in ``use_cases``.
"""
from __future__ import annotations

import os
from typing import Any, cast

from marshmallow import ValidationError as MarshmallowError
from nameko.extensions import DependencyProvider

from consent import legal_bases, rules, schemas, use_cases
from consent.legal_bases import LegalBasis
from consent.repository import ConsentUnitOfWork
from consent.rules import REASONS, malformed_request
from tiimi_shared import contracts
from tiimi_shared.clock import Clock, configured_timer
from tiimi_shared.correlation import Correlation
from tiimi_shared.database import Database
from tiimi_shared.entrypoints import rpc
from tiimi_shared.errors import EXPECTED
from tiimi_shared.handlers import ReceivedEvent, event_handler
from tiimi_shared.idempotency import command
from tiimi_shared.operations import CONSENT_DECISIONS, Operations
from tiimi_shared.schemas import dump, load

Reply = dict[str, Any]

# The schemas of the hot path, made once: a schema holds no state between loads and dumps.
_CHECK = schemas.CheckAccess()
_CHECK_MANY = schemas.CheckMany()
_DISCLOSE = schemas.Disclose()
_DECISION = schemas.DecisionOut()
_ENTRIES = schemas.DisclosureOut(many=True)


class LegalBases(DependencyProvider):
    """The legal bases from their file (consent.legal_bases), read and checked as the service starts:
    a malformed file stops the start, with a message naming the problem."""

    bases: dict[str, LegalBasis]

    def setup(self) -> None:
        self.bases = legal_bases.load(legal_bases.path_of(self.container.config))

    def get_dependency(self, worker_ctx: object) -> dict[str, LegalBasis]:
        return self.bases


class EmergencyHours(DependencyProvider):
    """How long an emergency access stays open: the service's EMERGENCY_ACCESS_HOURS, else
    TIIMI_EMERGENCY_ACCESS_HOURS, else 4; a value that is not a sensible number of hours stops the start."""

    hours: float

    def setup(self) -> None:
        configured = (self.container.config.get("EMERGENCY_ACCESS_HOURS")
                      or os.environ.get("TIIMI_EMERGENCY_ACCESS_HOURS"))
        self.hours = rules.emergency_hours(configured)

    def get_dependency(self, worker_ctx: object) -> float:
        return self.hours


class ConsentService:
    name = "consent"

    operations = Operations()
    db = Database(ConsentUnitOfWork)
    legal_bases = LegalBases()
    emergency_hours = EmergencyHours()
    clock = Clock()
    correlation_id = Correlation()

    @rpc
    def health(self) -> Reply:
        return {"service": self.name, "status": "ok", **self.db.health()}

    @command(expected_exceptions=EXPECTED)
    def grant(self, **consent: Any) -> Reply:
        command = load(schemas.GrantConsent, consent)
        granted = use_cases.grant(self.db, command, now=self.clock())
        return dump(schemas.ConsentOut, granted)

    @command(expected_exceptions=EXPECTED)
    def withdraw(self, **withdrawal: Any) -> Reply:
        command = load(schemas.WithdrawConsent, withdrawal)
        withdrawn = use_cases.withdraw(self.db, command, now=self.clock())
        return dump(schemas.ConsentOut, withdrawn)

    @configured_timer("EXPIRY_INTERVAL", default=5.0)
    def expire_consents(self) -> int:
        """Mark consents past their end expired, each with a consent_expired event."""
        return use_cases.expire_consents(self.db, now=self.clock())

    @configured_timer("CHAIN_INTERVAL", default=0.5)
    def chain_log(self) -> int:
        """The sequencer: chain the disclosure log's new entries after its head, in batches."""
        return use_cases.chain_log(self.db)

    @command(expected_exceptions=EXPECTED)
    def deny(self, **denial: Any) -> Reply:
        command = load(schemas.RecordDenial, denial)
        recorded = use_cases.deny(self.db, command, now=self.clock())
        return dump(schemas.DenialOut, recorded)

    @command(expected_exceptions=EXPECTED)
    def lift_denial(self, **lifting: Any) -> Reply:
        command = load(schemas.LiftDenial, lifting)
        lifted = use_cases.lift_denial(self.db, command, now=self.clock())
        return dump(schemas.DenialOut, lifted)

    @rpc
    def check(self, **request: Any) -> Reply:
        """Permit or deny one disclosure. Never raises: anything unclear is a deny."""
        try:
            command = cast(use_cases.CheckAccess, _CHECK.load(request))
        except MarshmallowError as error:
            well_formed = schemas.well_formed_fields(request, error.messages)
            refused = use_cases.refuse_malformed(self.db, well_formed, now=self.clock())
            return _answer(refused) | {"errors": error.messages}
        return _answer(use_cases.check(self.db, command, now=self.clock()))

    @rpc
    def check_many(self, **batch: Any) -> Reply:
        """Decide many (organisation, professional, category, purpose) requests in one call."""
        try:
            command = cast(use_cases.CheckMany, _CHECK_MANY.load(batch))
        except MarshmallowError as error:
            refused = malformed_request()
            return {"decisions": [], "errors": error.messages,
                    "decision": refused.outcome, "reason": refused.reason}
        answers = use_cases.check_many(self.db, command, now=self.clock())
        return {"decisions": [_answer(answer) for answer in answers]}

    @command()
    def disclose(self, **batch: Any) -> Reply:
        """Decide requests about one client and, if every one is permitted, log each as disclosed
        under its consent, in the same transaction. Never raises: anything unclear is a deny, and
        then nothing is disclosed."""
        try:
            command = cast(use_cases.CheckMany, _DISCLOSE.load(batch))
        except MarshmallowError as error:
            refused = malformed_request()
            return {"decisions": [], "disclosures": [], "errors": error.messages,
                    "decision": refused.outcome, "reason": refused.reason}
        disclosed = use_cases.disclose(self.db, command, now=self.clock())
        return {"decisions": [_answer(answer) for answer in disclosed.answers],
                "disclosures": _ENTRIES.dump(disclosed.disclosures)}

    @command(expected_exceptions=EXPECTED)
    def record_disclosure(self, **disclosure: Any) -> Reply:
        """Log that data was actually given out under a consent that still permits it."""
        command = load(schemas.RecordDisclosure, disclosure)
        entry = use_cases.record_disclosure(self.db, command, now=self.clock())
        return dump(schemas.DisclosureOut, entry)

    @command(expected_exceptions=EXPECTED)
    def record_access(self, **access: Any) -> Reply:
        """Log a read of client data by its own organisation, so the client's report shows it too."""
        command = load(schemas.RecordAccess, access)
        entry = use_cases.record_access(self.db, command, now=self.clock())
        return dump(schemas.DisclosureOut, entry)

    @command(expected_exceptions=EXPECTED)
    def record_accesses(self, **reads: Any) -> Reply:
        """Log a read of several categories by the client data's own organisation, in one write."""
        command = load(schemas.RecordAccesses, reads)
        entries = use_cases.record_accesses(self.db, command, now=self.clock())
        return {"entries": _ENTRIES.dump(entries)}

    @command(expected_exceptions=EXPECTED)
    def record_statutory_disclosure(self, **disclosure: Any) -> Reply:
        """Log data given out without consent on a legal basis from the list; the key worker is told."""
        command = load(schemas.RecordStatutoryDisclosure, disclosure)
        recorded = use_cases.record_statutory_disclosure(self.db, command, self.legal_bases, now=self.clock())
        return dump(schemas.StatutoryDisclosureOut, recorded)

    @rpc
    def list_legal_bases(self) -> list[Reply]:
        """The legal bases a disclosure without consent may rest on, as the county keeps them."""
        return [basis.as_dict() for basis in self.legal_bases.values()]

    @command(expected_exceptions=EXPECTED)
    def open_emergency_access(self, **opening: Any) -> Reply:
        """Open the client's data to a professional outside the team for a window; the key worker is told."""
        command = load(schemas.OpenEmergencyAccess, opening)
        hours = self.emergency_hours
        access = use_cases.open_emergency_access(self.db, command, hours=hours, now=self.clock())
        return dump(schemas.EmergencyAccessOut, access)

    @rpc(expected_exceptions=EXPECTED)
    def emergency_access(self, **query: Any) -> Reply:
        """The caller's emergency access to the client that is open now (``access``: null if none)."""
        command = load(schemas.EmergencyAccessQuery, query)
        access = use_cases.emergency_access_open(self.db, command, now=self.clock())
        return {"access": None if access is None else dump(schemas.EmergencyAccessOut, access)}

    @command(expected_exceptions=EXPECTED)
    def record_emergency_reads(self, **reads: Any) -> Reply:
        """Log reads in an open emergency access window; refused once it has ended."""
        command = load(schemas.RecordEmergencyReads, reads)
        entries = use_cases.record_emergency_reads(self.db, command, now=self.clock())
        return {"entries": _ENTRIES.dump(entries)}

    @rpc(expected_exceptions=EXPECTED)
    def emergency_accesses(self, **query: Any) -> list[Reply]:
        """The data protection officer's review list, newest first."""
        command = load(schemas.EmergencyReviewList, query)
        accesses = use_cases.emergency_accesses_for_review(self.db, command)
        return list(schemas.EmergencyAccessOut(many=True).dump(accesses))

    @command(expected_exceptions=EXPECTED)
    def review_emergency_access(self, **review: Any) -> Reply:
        command = load(schemas.ReviewEmergencyAccess, review)
        return dump(schemas.EmergencyAccessOut, use_cases.review_emergency_access(self.db, command,
                                                                                    now=self.clock()))

    @rpc(expected_exceptions=EXPECTED)
    def ending_soon(self, **query: Any) -> list[Reply]:
        """For each client, how many active consents end within the days asked, and the first end."""
        command = load(schemas.EndingQuery, query)
        ending = use_cases.ending_soon(self.db, command, now=self.clock())
        return list(schemas.EndingOut(many=True).dump(ending))

    @rpc(expected_exceptions=EXPECTED)
    def list_consents(self, **query: Any) -> Reply:
        command = load(schemas.ClientQuery, query)
        record = use_cases.list_consents(self.db, command)
        return {
            "client_id": record.client_id,
            "consents": schemas.ConsentOut(many=True).dump(record.consents),
            "denials": schemas.DenialOut(many=True).dump(record.denials),
        }

    @rpc(expected_exceptions=EXPECTED)
    def disclosure_report(self, **query: Any) -> Reply:
        """Who was given what about one client, when, for which purpose, under which consent."""
        command = load(schemas.ReportQuery, query)
        entries = use_cases.disclosure_report(self.db, command)
        accesses = use_cases.emergency_accesses_of_client(self.db, str(command["client_id"]))
        return {"client_id": str(command["client_id"]),
                "entries": schemas.DisclosureOut(many=True).dump(entries),
                "emergency_accesses": schemas.EmergencyAccessOut(many=True).dump(accesses)}

    @rpc
    def verify_log(self) -> Reply:
        checked = use_cases.verify_log(self.db)
        return {"intact": checked.intact, "entries": checked.entries, "unchained": checked.unchained,
                "problems": [p.as_dict() for p in checked.problems]}

    @event_handler(contracts.REFERRAL_DISCLOSED)
    def on_referral_disclosed(self, event: ReceivedEvent) -> None:
        """Log what a sent referral gave its target, once, from the send's own event."""
        use_cases.record_referral_disclosure(self.db, event)


def _answer(answer: use_cases.Answer) -> Reply:
    """A decision as the caller reads it; each one is counted by outcome and reason."""
    decision = answer.decision
    CONSENT_DECISIONS.labels(decision.outcome, decision.reason).inc()
    return cast(Reply, _DECISION.dump({
        "decision": decision.outcome, "reason": decision.reason,
        "explanation": REASONS[decision.reason],
        "consent_id": decision.consent_id, "denial_id": decision.denial_id,
        "entry_id": answer.entry_id, "request": answer.request,
    }))
