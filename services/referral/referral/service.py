"""The referral service's entrypoints: validate, run the use case, answer.

Every RPC takes keyword arguments only. The consent service is asked outside
any database transaction, so a slow answer holds no lock; the transition is
then checked again under the row lock before it is stored.
"""
from __future__ import annotations

import uuid
from datetime import datetime

from nameko.rpc import rpc

from referral import rules, schemas
from referral.models import Referral, Step
from referral.repository import PARTNER_STREAM, ReferralUnitOfWork
from tiimi_shared import contracts
from tiimi_shared.clock import Clock, configured_timer
from tiimi_shared.consent_gate import ConsentGate
from tiimi_shared.correlation import Correlation
from tiimi_shared.database import Database
from tiimi_shared.errors import EXPECTED, Forbidden, NotFound, Unavailable
from tiimi_shared.handlers import ReceivedEvent, event_handler
from tiimi_shared.logging import get_logger
from tiimi_shared.operations import Operations
from tiimi_shared.schemas import load

log = get_logger(__name__)

# Why a category was withheld when the consent service permitted it but then
# would not log the disclosure (withdrawn in between, or it stopped answering).
NOT_RECORDED = "disclosure_not_recorded"
DISPLAY_TO_TARGET_UNTIL = ("cancelled", "entered_in_error")


class ReferralService:
    name = "referral"

    operations = Operations()
    db = Database(ReferralUnitOfWork, extra_outboxes=(PARTNER_STREAM,))
    clock = Clock()
    correlation_id = Correlation()
    consent = ConsentGate()

    @rpc
    def health(self) -> dict:
        return {"service": self.name, "status": "ok", **self.db.health()}

    @rpc(expected_exceptions=EXPECTED)
    def create_referral(self, **referral) -> dict:
        """A draft referral; nothing is shared until it is sent (status ``requested``)."""
        command = load(schemas.CreateReferral, referral)
        now = self.clock()
        escalate_by = rules.check_deadlines(now, command["accept_by"], command["escalate_by"])
        record = Referral(
            id=str(uuid.uuid4()), client_id=str(command["client_id"]),
            requesting_organisation=command["requesting_organisation"],
            requested_by=command["requested_by"], target_organisation=command["target_organisation"],
            service=command["service"], priority=command["priority"], reason=command["reason"],
            share=command["share"], shared={}, withheld={}, status="draft", outcome=None,
            accept_by=command["accept_by"], escalate_by=escalate_by, created_at=now)
        with self.db() as uow:
            uow.referrals.add(record)
            uow.session.flush()
            uow.referrals.record(Step(referral_id=record.id, kind="status", from_status=None,
                                      to_status="draft", at=now, by=record.requested_by,
                                      by_organisation=record.requesting_organisation, detail={}))
            uow.outbox.add("referral_created", _about(record) | {"priority": record.priority})
            uow.commit()
            log.info("referral created", referral_id=record.id)
            return self._view(uow, record, record.requesting_organisation)

    @rpc(expected_exceptions=EXPECTED)
    def change_status(self, **change) -> dict:
        """Move a referral along its state machine: send, answer, cancel or mark in error."""
        command = load(schemas.ChangeStatus, change)
        actor, wanted = command["by"], command["status"]
        with self.db() as uow:
            referral = uow.referrals.get(command["referral_id"])
            sides = self._sides(referral, actor["organisation"])
            rules.check_transition(referral.status, wanted, sides, command["reason"], command["outcome"])
            client_id, target, wanted_share = referral.client_id, referral.target_organisation, referral.share
        sharing = self._consult(client_id, target, list(wanted_share)) if wanted == "requested" else None
        now = self.clock()
        with self.db() as uow:
            referral = uow.referrals.get(command["referral_id"], for_update=True)
            sides = self._sides(referral, actor["organisation"])
            # Checked again: another call may have moved it while consent was asked.
            rules.check_transition(referral.status, wanted, sides, command["reason"], command["outcome"])
            previous = referral.status
            referral.status = wanted
            detail = {}
            if wanted == "requested":
                referral.shared, referral.withheld = sharing.shared, sharing.withheld
                detail = {"shared": sorted(sharing.shared), "withheld": sharing.withheld}
                uow.partner_outbox.add("referral_requested", _partner_about(referral) | {
                    "requested_by": referral.requested_by, "service": referral.service,
                    "priority": referral.priority, "accept_by": referral.accept_by,
                    "shared": {category: referral.share[category] for category in sharing.shared}})
            elif wanted == "completed":
                referral.outcome = command["outcome"]
            if previous in rules.OPEN and wanted == "cancelled":
                uow.partner_outbox.add("referral_cancelled", _partner_about(referral) | {"cancelled_at": now})
            if previous != "draft" and wanted == "entered_in_error":
                uow.partner_outbox.add("referral_entered_in_error",
                                       _partner_about(referral) | {"marked_at": now})
            uow.referrals.record(Step(
                referral_id=referral.id, kind="status", from_status=previous, to_status=wanted, at=now,
                by=actor["professional_id"], by_organisation=actor["organisation"],
                reason=command["reason"], detail=detail | ({"outcome": referral.outcome}
                                                           if wanted == "completed" else {})))
            uow.outbox.add("referral_status_changed", _about(referral) | {
                "from_status": previous, "to_status": wanted, "changed_by": actor["professional_id"],
                "changed_by_organisation": actor["organisation"],
                "shared_categories": sorted(referral.shared) if wanted == "requested" else [],
                "withheld_categories": sorted(referral.withheld) if wanted == "requested" else []})
            uow.commit()
            log.info("referral status changed", referral_id=referral.id, from_status=previous,
                     to_status=wanted)
            return self._view(uow, referral, actor["organisation"])

    @rpc(expected_exceptions=EXPECTED)
    def get_referral(self, **query) -> dict:
        """One referral with its whole history, as the asking organisation may see it."""
        command = load(schemas.ReferralQuery, query)
        with self.db() as uow:
            return self._view(uow, uow.referrals.get(command["referral_id"]), command["organisation"])

    @rpc(expected_exceptions=EXPECTED)
    def referrals_of_client(self, **query) -> list[dict]:
        """The client's referrals that the asking organisation sent or received."""
        command = load(schemas.ClientReferrals, query)
        with self.db() as uow:
            return [self._summary(referral, command["organisation"])
                    for referral in uow.referrals.of_client(command["client_id"], command["organisation"])
                    if self._visible(referral, command["organisation"])]

    @rpc(expected_exceptions=EXPECTED)
    def open_referrals(self, **query) -> list[dict]:
        """Open referrals to (incoming), from (outgoing) or both ways of an organisation."""
        command = load(schemas.OpenReferrals, query)
        with self.db() as uow:
            return [self._summary(referral, command["organisation"])
                    for referral in uow.referrals.open_of(command["organisation"], command["direction"])]

    # -- deadlines ---------------------------------------------------------------

    @configured_timer("DEADLINE_INTERVAL", default=10.0)
    def check_deadlines(self) -> int:
        """Remind the requester of a referral not accepted in time; then tell the key worker."""
        now = self.clock()
        acted = 0
        with self.db() as uow:
            for referral in uow.referrals.waiting_past(now):
                reminded = referral.reminded_at is not None
                if rules.is_overdue(referral.status, now, referral.accept_by, reminded):
                    referral.reminded_at = now
                    uow.referrals.record(_notice(referral, "overdue", now))
                    uow.outbox.add("referral_overdue", _about(referral) | {"accept_by": referral.accept_by})
                    acted += 1
                if rules.is_due_for_escalation(referral.status, now, referral.escalate_by,
                                               referral.escalated_at is not None):
                    referral.escalated_at = now
                    key_worker = uow.key_workers.of(referral.client_id)
                    uow.referrals.record(_notice(referral, "escalated", now, {"key_worker_id": key_worker}))
                    uow.outbox.add("referral_escalated", _about(referral) | {
                        "escalate_by": referral.escalate_by, "key_worker_id": key_worker})
                    acted += 1
            uow.commit()
        if acted:
            log.info("referral deadlines acted on", count=acted)
        return acted

    # -- consent changes: tell partners to stop ----------------------------------------

    @event_handler(contracts.CONSENT_WITHDRAWN)
    def on_consent_withdrawn(self, event: ReceivedEvent) -> None:
        self._on_consent_lost(event, "consent_withdrawn")

    @event_handler(contracts.CONSENT_EXPIRED)
    def on_consent_expired(self, event: ReceivedEvent) -> None:
        self._on_consent_lost(event, "consent_expired")

    @event_handler(contracts.DENIAL_RECORDED)
    def on_denial_recorded(self, event: ReceivedEvent) -> None:
        self._on_consent_lost(event, "consent_denied")

    # -- the team's key worker, for escalations ----------------------------------------

    @event_handler(contracts.TEAM_CREATED)
    def on_team_created(self, event: ReceivedEvent) -> None:
        self._note_key_worker(event)

    @event_handler(contracts.KEY_WORKER_CHANGED)
    def on_key_worker_changed(self, event: ReceivedEvent) -> None:
        self._note_key_worker(event)

    # -- helpers ------------------------------------------------------------------

    def _consult(self, client_id: str, target: str, categories: list[str]) -> rules.Sharing:
        """Ask consent for each category; log each disclosure about to happen. Fails closed."""
        requests = rules.share_requests(categories, target)
        decisions = self.consent.decide(client_id, requests)
        if decisions is None:
            raise Unavailable("the consent service did not answer: nothing was shared and the "
                              "referral was not sent; try again", dependency="consent")
        sharing = rules.sharing(categories, decisions)
        shared, withheld = {}, dict(sharing.withheld)
        for request in requests:
            category = request["category"]
            if category not in sharing.shared:
                continue
            if self.consent.record_disclosure(client_id, sharing.shared[category], request):
                shared[category] = sharing.shared[category]
            else:
                withheld[category] = NOT_RECORDED
        return rules.Sharing(shared, withheld)

    def _on_consent_lost(self, event: ReceivedEvent, because: str) -> None:
        data = event.data
        if because != "consent_denied" and rules.SHARE_PURPOSE not in data["purposes"]:
            return  # that consent never let anything go out with a referral
        organisation = data.get("recipient_organisation", data.get("organisation"))
        lost = set(data["categories"])
        with self.db() as uow:
            affected = {r.id: (r.target_organisation, sorted(lost & set(r.shared)))
                        for r in uow.referrals.open_to(data["client_id"], organisation)
                        if lost & set(r.shared)}
        to_stop = {}
        for referral_id, (target, categories) in affected.items():
            decisions = self.consent.decide(data["client_id"], rules.share_requests(categories, target))
            # Not known to be permitted still: stop (fail closed).
            to_stop[referral_id] = [c for c, d in zip(categories, decisions or [None] * len(categories),
                                                      strict=True)
                                    if d is None or d["decision"] != "permit"]
        now = self.clock()
        with self.db() as uow:
            if not uow.claim(event.consumer, event.id):
                return
            for referral_id, categories in to_stop.items():
                referral = uow.referrals.get(referral_id, for_update=True)
                categories = [c for c in categories if c in referral.shared]
                if not categories or referral.status not in rules.OPEN:
                    continue
                referral.shared = {c: v for c, v in referral.shared.items() if c not in categories}
                referral.withheld = referral.withheld | {c: because for c in categories}
                key_worker = uow.key_workers.of(referral.client_id)
                uow.referrals.record(_notice(referral, "stop_requested", now,
                                             {"categories": categories, "because": because}))
                uow.partner_outbox.add("referral_stop_processing", _partner_about(referral) | {
                    "categories": categories, "because": because, "at": now})
                uow.outbox.add("referral_stop_requested", _about(referral) | {
                    "categories": categories, "because": because, "key_worker_id": key_worker})
                log.info("partner told to stop processing", referral_id=referral.id, because=because)
            uow.commit()

    def _note_key_worker(self, event: ReceivedEvent) -> None:
        data = event.data
        at = datetime.fromisoformat(event.envelope["occurred_at"])
        with self.db() as uow:
            if not uow.claim(event.consumer, event.id):
                return
            uow.key_workers.set(data["client_id"], data["key_worker_id"], at)
            uow.commit()

    @staticmethod
    def _sides(referral: Referral, organisation: str) -> set[str]:
        return rules.sides_of(organisation, referral.requesting_organisation, referral.target_organisation)

    def _visible(self, referral: Referral, organisation: str) -> bool:
        """The requester sees its referrals; the target only once they are sent to it."""
        sides = self._sides(referral, organisation)
        return rules.REQUESTER in sides or (rules.TARGET in sides and referral.status != "draft")

    def _summary(self, referral: Referral, organisation: str) -> dict:
        sides = self._sides(referral, organisation)
        return schemas.ReferralOut().dump(referral) | {
            "as": sorted(sides), "allowed_next": rules.allowed_next(referral.status, sides)}

    def _view(self, uow, referral: Referral, organisation: str) -> dict:
        sides = self._sides(referral, organisation)
        if not sides:
            raise Forbidden("this organisation is neither the requester nor the target of the referral")
        if not self._visible(referral, organisation):
            raise NotFound("referral", referral.id)
        view = self._summary(referral, organisation)
        steps = schemas.StepOut(many=True).dump(uow.referrals.history(referral.id))
        if rules.REQUESTER in sides:
            return view | {"reason": referral.reason, "share": referral.share,
                           "shared_categories": sorted(referral.shared), "withheld": referral.withheld,
                           "history": steps}
        # The target: only what consent let through, and no notes of the requester's side.
        shown = referral.status not in DISPLAY_TO_TARGET_UNTIL
        for step in steps:
            step["detail"] = {"outcome": step["detail"]["outcome"]} if "outcome" in step["detail"] else {}
            if step["by_organisation"] != organisation:
                step["reason"] = None
        return view | {"shared": {c: referral.share[c] for c in referral.shared} if shown else {},
                       "history": steps}


def _about(referral: Referral) -> dict:
    return {"referral_id": referral.id, "client_id": referral.client_id,
            "requesting_organisation": referral.requesting_organisation,
            "requested_by": referral.requested_by, "target_organisation": referral.target_organisation,
            "service": referral.service}


def _partner_about(referral: Referral) -> dict:
    return {"referral_id": referral.id, "client_id": referral.client_id,
            "requesting_organisation": referral.requesting_organisation,
            "target_organisation": referral.target_organisation}


def _notice(referral: Referral, kind: str, at, detail: dict | None = None) -> Step:
    """A step that is not a status change: made by tiimi itself."""
    return Step(referral_id=referral.id, kind=kind, from_status=referral.status, to_status=referral.status,
                at=at, by="tiimi", by_organisation=None, reason=None, detail=detail or {})
