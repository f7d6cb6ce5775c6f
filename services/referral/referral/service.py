"""The referral service's entrypoints: validate, run the use case, answer.

Every RPC takes keyword arguments only. What each one does is in
``referral.use_cases``; what is allowed, in ``referral.rules``.
"""
from __future__ import annotations

from typing import Any

from referral import schemas, use_cases
from referral.repository import PARTNER_STREAM, ReferralUnitOfWork
from tiimi_shared import contracts
from tiimi_shared.clock import Clock, configured_timer
from tiimi_shared.consent_gate import ConsentGate
from tiimi_shared.correlation import Correlation
from tiimi_shared.database import Database
from tiimi_shared.entrypoints import rpc
from tiimi_shared.errors import EXPECTED
from tiimi_shared.handlers import ReceivedEvent, event_handler
from tiimi_shared.idempotency import command
from tiimi_shared.operations import Operations
from tiimi_shared.schemas import load
from tiimi_shared.vocabulary import ConsentLost


class ReferralService:
    name = "referral"

    operations = Operations()
    db = Database(ReferralUnitOfWork, extra_outboxes=(PARTNER_STREAM,))
    clock = Clock()
    correlation_id = Correlation()
    consent = ConsentGate()

    @rpc
    def health(self) -> dict[str, Any]:
        return {"service": self.name, "status": "ok", **self.db.health()}

    @command(expected_exceptions=EXPECTED)
    def create_referral(self, **referral: Any) -> dict[str, Any]:
        """A draft referral; nothing is shared until it is sent (status ``requested``)."""
        command = load(schemas.CreateReferral, referral)
        return schemas.view(use_cases.create_referral(self.db, command, now=self.clock()))

    @command(expected_exceptions=EXPECTED)
    def change_status(self, **change: Any) -> dict[str, Any]:
        """Move a referral along its state machine: send, answer, cancel or mark in error."""
        command = load(schemas.ChangeStatus, change)
        return schemas.view(use_cases.change_status(self.db, command, now=self.clock(), gate=self.consent))

    @rpc(expected_exceptions=EXPECTED)
    def get_referral(self, **query: Any) -> dict[str, Any]:
        """One referral with its whole history, as the asking organisation may see it."""
        command = load(schemas.ReferralQuery, query)
        return schemas.view(use_cases.get_referral(self.db, command))

    @rpc(expected_exceptions=EXPECTED)
    def referrals_of_client(self, **query: Any) -> list[dict[str, Any]]:
        """The client's referrals that the asking organisation sent or received."""
        command = load(schemas.ClientReferrals, query)
        return [schemas.summary(seen) for seen in use_cases.referrals_of_client(self.db, command)]

    @rpc(expected_exceptions=EXPECTED)
    def attention_for(self, **query: Any) -> list[dict[str, Any]]:
        """For each client, how many referrals the organisation sent are overdue or recently answered."""
        command = load(schemas.AttentionQuery, query)
        attention = use_cases.attention_for(self.db, command, now=self.clock())
        return list(schemas.AttentionOut(many=True).dump(attention))

    @rpc(expected_exceptions=EXPECTED)
    def open_referrals(self, **query: Any) -> list[dict[str, Any]]:
        """Open referrals to (incoming), from (outgoing) or both ways of an organisation."""
        command = load(schemas.OpenReferrals, query)
        return [schemas.summary(seen) for seen in use_cases.open_referrals(self.db, command)]

    @configured_timer("DEADLINE_INTERVAL", default=10.0)
    def chase_unaccepted_referrals(self) -> int:
        """Remind the requester of a referral not accepted in time; then tell the key worker."""
        return use_cases.chase_unaccepted_referrals(self.db, now=self.clock())

    # -- consent lost: tell partners to stop ----------------------------------------------

    @event_handler(contracts.CONSENT_WITHDRAWN)
    def on_consent_withdrawn(self, event: ReceivedEvent) -> None:
        use_cases.stop_sharing_on_consent_lost(self.db, event, ConsentLost.WITHDRAWN, now=self.clock(),
                                               gate=self.consent)

    @event_handler(contracts.CONSENT_EXPIRED)
    def on_consent_expired(self, event: ReceivedEvent) -> None:
        use_cases.stop_sharing_on_consent_lost(self.db, event, ConsentLost.EXPIRED, now=self.clock(),
                                               gate=self.consent)

    @event_handler(contracts.DENIAL_RECORDED)
    def on_denial_recorded(self, event: ReceivedEvent) -> None:
        use_cases.stop_sharing_on_consent_lost(self.db, event, ConsentLost.DENIED, now=self.clock(),
                                               gate=self.consent)

    # -- the team's key worker, for escalations -------------------------------------------

    @event_handler(contracts.TEAM_CREATED)
    def on_team_created(self, event: ReceivedEvent) -> None:
        use_cases.note_key_worker(self.db, event)

    @event_handler(contracts.KEY_WORKER_CHANGED)
    def on_key_worker_changed(self, event: ReceivedEvent) -> None:
        use_cases.note_key_worker(self.db, event)
