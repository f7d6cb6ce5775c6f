"""The consent service's entrypoints: validate, run the use case, answer.

Every RPC takes keyword arguments only, so that an unknown or misspelt field
is named in the error rather than lost.
"""
from __future__ import annotations

import uuid

from marshmallow import ValidationError as MarshmallowError
from nameko.rpc import rpc

from consent import rules, schemas
from consent.models import Consent, Denial
from consent.repository import ConsentUnitOfWork
from tiimi_shared.clock import Clock, configured_timer
from tiimi_shared.correlation import Correlation
from tiimi_shared.database import Database
from tiimi_shared.errors import EXPECTED, Conflict, NotFound, ValidationError
from tiimi_shared.logging import get_logger
from tiimi_shared.operations import CONSENT_DECISIONS, Operations
from tiimi_shared.schemas import load

log = get_logger(__name__)


class ConsentService:
    name = "consent"

    operations = Operations()
    db = Database(ConsentUnitOfWork)
    clock = Clock()
    correlation_id = Correlation()

    @rpc
    def health(self) -> dict:
        return {"service": self.name, "status": "ok", **self.db.health()}

    @rpc(expected_exceptions=EXPECTED)
    def grant(self, **consent) -> dict:
        command = load(schemas.GrantConsent, consent)
        now = self.clock()
        valid_from = command["valid_from"] or now
        given_by = command["given_by"]
        problems = rules.grant_problems(
            given_by=given_by["kind"], relation=given_by["relation"],
            valid_from=valid_from, valid_until=command["valid_until"], now=now)
        if problems:
            raise ValidationError(problems)
        with self.db() as uow:
            record = Consent(
                id=str(uuid.uuid4()), client_id=str(command["client_id"]),
                given_by=given_by["kind"], representative_relation=given_by["relation"],
                organisation=command["recipient_organisation"],
                professionals=command["professionals"], categories=command["categories"],
                purposes=command["purposes"], valid_from=valid_from,
                valid_until=command["valid_until"], method=command["method"],
                recorded_by=command["recorded_by"], recorded_at=now, status="active",
            )
            uow.consents.add(record)
            uow.consents.record(record, "granted", now, command["recorded_by"])
            uow.outbox.add("consent_granted", record.event_data() | {
                "given_by": record.given_by, "valid_from": record.valid_from,
                "valid_until": record.valid_until, "recorded_by": record.recorded_by,
            })
            uow.commit()
            log.info("consent granted", consent_id=record.id)
            return schemas.ConsentOut().dump(uow.consents.get(record.id))

    @rpc(expected_exceptions=EXPECTED)
    def withdraw(self, **withdrawal) -> dict:
        command = load(schemas.WithdrawConsent, withdrawal)
        now = self.clock()
        with self.db() as uow:
            record = uow.consents.get(command["consent_id"], for_update=True)
            if record.status != "active":
                raise Conflict(f"consent is {record.status}; only an active consent can be withdrawn",
                               current_state=record.status, allowed=[])
            record.status = "withdrawn"
            record.withdrawn_at = now
            record.withdrawn_by = command["withdrawn_by"]
            record.withdrawal_reason = command["reason"]
            uow.consents.record(record, "withdrawn", now, command["withdrawn_by"], command["reason"])
            uow.outbox.add("consent_withdrawn", record.event_data() | {
                "withdrawn_at": now, "withdrawn_by": command["withdrawn_by"]})
            uow.commit()
            log.info("consent withdrawn", consent_id=record.id)
            return schemas.ConsentOut().dump(record)

    @configured_timer("EXPIRY_INTERVAL", default=5.0)
    def expire_consents(self) -> int:
        """Mark consents past their end expired, each with a consent_expired event."""
        now = self.clock()
        with self.db() as uow:
            due = [c for c in uow.consents.due_to_expire(now) if rules.is_due_to_expire(c.terms(), now)]
            for record in due:
                record.status = "expired"
                record.expired_at = now
                uow.consents.record(record, "expired", now, None)
                uow.outbox.add("consent_expired", record.event_data() | {"expired_at": now})
            uow.commit()
        if due:
            log.info("consents expired", count=len(due))
        return len(due)

    @rpc(expected_exceptions=EXPECTED)
    def deny(self, **denial) -> dict:
        command = load(schemas.RecordDenial, denial)
        now = self.clock()
        with self.db() as uow:
            record = Denial(
                id=str(uuid.uuid4()), client_id=str(command["client_id"]),
                organisation=command["organisation"], categories=command["categories"],
                reason=command["reason"], recorded_by=command["recorded_by"], recorded_at=now,
            )
            uow.denials.add(record)
            uow.outbox.add("denial_recorded", record.event_data() | {"recorded_by": record.recorded_by})
            uow.commit()
            log.info("denial recorded", denial_id=record.id)
            return schemas.DenialOut().dump(record)

    @rpc(expected_exceptions=EXPECTED)
    def lift_denial(self, **lifting) -> dict:
        command = load(schemas.LiftDenial, lifting)
        now = self.clock()
        with self.db() as uow:
            record = uow.denials.get(command["denial_id"], for_update=True)
            if record.lifted_at is not None:
                raise Conflict("denial is already lifted", current_state="lifted", allowed=[])
            record.lifted_at = now
            record.lifted_by = command["lifted_by"]
            record.lift_reason = command["reason"]
            uow.outbox.add("denial_lifted", record.event_data() | {"lifted_by": record.lifted_by})
            uow.commit()
            log.info("denial lifted", denial_id=record.id)
            return schemas.DenialOut().dump(record)

    @rpc
    def check(self, **request) -> dict:
        """Permit or deny one disclosure. Never raises: anything unclear is a deny."""
        try:
            command = schemas.CheckAccess().load(request)
        except MarshmallowError as error:
            return self._refuse_malformed(request, error.messages)
        client_id = str(command.pop("client_id"))
        return self._decide(client_id, [command])[0]

    @rpc
    def check_many(self, **batch) -> dict:
        """Decide many (organisation, professional, category, purpose) requests in one call."""
        try:
            command = schemas.CheckMany().load(batch)
        except MarshmallowError as error:
            return {"decisions": [], "errors": error.messages,
                    "decision": "deny", "reason": rules.MALFORMED_REQUEST}
        return {"decisions": self._decide(str(command["client_id"]), command["requests"])}

    @rpc(expected_exceptions=EXPECTED)
    def record_disclosure(self, **disclosure) -> dict:
        """Log that data was actually given out under a consent that still permits it."""
        command = load(schemas.RecordDisclosure, disclosure)
        client_id = str(command.pop("client_id"))
        consent_id = str(command.pop("consent_id"))
        now = self.clock()
        with self.db() as uow:
            consent = uow.consents.get(consent_id)
            if consent.client_id != client_id:
                raise NotFound("consent", consent_id)
            decision = rules.decide_disclosure(
                consent.terms(), [d.terms() for d in uow.denials.of_client(client_id)],
                rules.AccessRequest(**command), now)
            if not decision.permitted:
                raise Conflict(f"disclosure is not permitted: {decision.reason}",
                               current_state=decision.reason)
            entry = uow.disclosure_log.append(
                kind="disclosure", at=now, decision=decision,
                request=command, client_id=client_id, correlation_id=uow.correlation_id)
            uow.commit()
            return schemas.DisclosureOut().dump(entry)

    @rpc(expected_exceptions=EXPECTED)
    def record_access(self, **access) -> dict:
        """Log a read of client data by its own organisation, so the client's report shows it too."""
        command = load(schemas.RecordAccess, access)
        client_id = str(command.pop("client_id"))
        with self.db() as uow:
            entry = uow.disclosure_log.append(
                kind="access", at=self.clock(), decision=rules.Decision(True, rules.OWN_ORGANISATION),
                request=command, client_id=client_id, correlation_id=uow.correlation_id)
            uow.commit()
            return schemas.DisclosureOut().dump(entry)

    @rpc(expected_exceptions=EXPECTED)
    def list_consents(self, **query) -> dict:
        client_id = str(load(schemas.ClientQuery, query)["client_id"])
        with self.db() as uow:
            return {
                "client_id": client_id,
                "consents": schemas.ConsentOut(many=True).dump(
                    uow.consents.of_client(client_id, with_history=True)),
                "denials": schemas.DenialOut(many=True).dump(uow.denials.of_client(client_id)),
            }

    @rpc(expected_exceptions=EXPECTED)
    def disclosure_report(self, **query) -> dict:
        """Who was given what about one client, when, for which purpose, under which consent."""
        command = load(schemas.ReportQuery, query)
        client_id = str(command["client_id"])
        with self.db() as uow:
            entries = uow.disclosure_log.of_client(client_id, command["include_denied"])
            return {"client_id": client_id,
                    "entries": schemas.DisclosureOut(many=True).dump(entries)}

    @rpc
    def verify_log(self) -> dict:
        with self.db() as uow:
            problems = uow.disclosure_log.verify()
            return {"intact": not problems, "entries": uow.disclosure_log.count(),
                    "problems": [p.as_dict() for p in problems]}

    # -- helpers: no rules of their own -----------------------------------

    def _decide(self, client_id: str, requests: list[dict]) -> list[dict]:
        now = self.clock()
        try:
            with self.db() as uow:
                consents = [c.terms() for c in uow.consents.of_client(client_id)]
                denials = [d.terms() for d in uow.denials.of_client(client_id)]
                answers = []
                for request in requests:
                    decision = rules.decide(consents, denials, rules.AccessRequest(**request), now)
                    entry = uow.disclosure_log.append(
                        kind="decision", at=now, decision=decision, request=request,
                        client_id=client_id, correlation_id=uow.correlation_id)
                    answers.append(_answer(decision, request, entry.entry_id))
                uow.commit()
                return answers
        except Exception:
            # Fail closed: an answer we could not record is an answer we do not give.
            log.exception("consent check failed; answering deny")
            return [_answer(rules.Decision.deny(rules.INTERNAL_ERROR), request, None)
                    for request in requests]

    def _refuse_malformed(self, request: dict, errors: dict) -> dict:
        decision = rules.Decision.deny(rules.MALFORMED_REQUEST)
        # Log only fields that are well formed: a malformed one might be anything,
        # a personal identity code included.
        valid = _well_formed_fields(request, errors)
        entry_id = None
        try:
            with self.db() as uow:
                entry = uow.disclosure_log.append(
                    kind="decision", at=self.clock(), decision=decision, request=valid,
                    client_id=valid.get("client_id"), correlation_id=uow.correlation_id)
                uow.commit()
                entry_id = entry.entry_id
        except Exception:
            log.exception("could not log a malformed consent check")
        answer = _answer(decision, valid, entry_id)
        answer["errors"] = errors
        return answer


def _answer(decision: rules.Decision, request: dict, entry_id: str | None) -> dict:
    CONSENT_DECISIONS.labels(decision.outcome, decision.reason).inc()
    return schemas.DecisionOut().dump({
        "decision": decision.outcome, "reason": decision.reason,
        "explanation": rules.REASONS[decision.reason],
        "consent_id": decision.consent_id, "denial_id": decision.denial_id,
        "entry_id": entry_id, "request": request,
    })


def _well_formed_fields(request: dict, errors: dict) -> dict:
    schema = schemas.CheckAccess()
    kept = {}
    for name in ("client_id", "organisation", "professional", "category", "purpose"):
        if name in request and name not in errors:
            try:
                kept[name] = str(schema.fields[name].deserialize(request[name]))
            except MarshmallowError:
                continue
    return kept
