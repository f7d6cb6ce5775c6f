"""In-memory repositories of the referral service, for use-case tests with no database.

Each has the methods of its SQL twin in referral/repository.py and answers in
the same order; ``FakeReferralUnitOfWork`` puts them in the kernel's in-memory
unit of work, which validates every event (tiimi's and the partners') against
its catalogue.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from referral import partner
from referral.models import Referral, Step
from referral.rules import ANSWERS, OPEN, ConsentLoss
from tiimi_shared.errors import NotFound
from tiimi_shared.testing.fakes import FIXED_NOW, InMemoryOutbox, InMemoryUnitOfWork
from tiimi_shared.vocabulary import ReferralStatus


class Referrals:
    def __init__(self) -> None:
        self.rows: dict[str, Referral] = {}
        self.steps: list[Step] = []

    def add(self, referral: Referral) -> None:
        self.rows[referral.id] = referral

    def get(self, referral_id: str, *, for_update: bool = False) -> Referral:
        referral = self.rows.get(str(referral_id))
        if referral is None:
            raise NotFound("referral", str(referral_id))
        return referral

    def of_client(self, client_id: str, organisation: str) -> list[Referral]:
        return sorted((r for r in self.rows.values() if r.client_id == str(client_id)
                       and organisation in (r.requesting_organisation, r.target_organisation)),
                      key=lambda r: (r.created_at, r.id))

    def open_of(self, organisation: str, direction: str) -> list[Referral]:
        def on_side(r: Referral) -> bool:
            incoming = r.target_organisation == organisation
            outgoing = r.requesting_organisation == organisation
            return {"incoming": incoming, "outgoing": outgoing}.get(direction, incoming or outgoing)

        return sorted((r for r in self.rows.values() if r.status in OPEN and on_side(r)),
                      key=lambda r: (r.accept_by, r.id))

    def waiting_past(self, now: datetime) -> list[Referral]:
        def waiting(r: Referral) -> bool:
            return r.status == ReferralStatus.REQUESTED and (
                (r.accept_by <= now and r.reminded_at is None)
                or (r.escalate_by <= now and r.escalated_at is None))

        return sorted(filter(waiting, self.rows.values()), key=lambda r: (r.accept_by, r.id))

    def open_to(self, client_id: str, organisation: str | None) -> list[Referral]:
        return sorted((r for r in self.rows.values() if r.client_id == str(client_id) and r.status in OPEN
                       and organisation in (None, r.target_organisation)), key=lambda r: r.id)

    def sent_for(self, client_ids: Iterable[str], organisation: str) -> list[Referral]:
        wanted = {str(i) for i in client_ids}
        statuses = {ReferralStatus.REQUESTED, *ANSWERS}
        return sorted((r for r in self.rows.values() if r.client_id in wanted
                       and r.requesting_organisation == organisation and r.status in statuses),
                      key=lambda r: (r.created_at, r.id))

    def answered_at(self, referral_ids: Iterable[str]) -> dict[str, datetime]:
        wanted = set(referral_ids)
        last: dict[str, datetime] = {}
        for step in self.steps:
            if step.referral_id in wanted and step.kind == "status" and step.to_status in ANSWERS:
                last[step.referral_id] = max(step.at, last.get(step.referral_id, step.at))
        return last

    def record(self, step: Step) -> None:
        step.position = len(self.steps) + 1
        self.steps.append(step)

    def history(self, referral_id: str) -> list[Step]:
        return [step for step in self.steps if step.referral_id == referral_id]


class KeyWorkers:
    def __init__(self) -> None:
        self.rows: dict[str, tuple[str, datetime]] = {}

    def of(self, client_id: str) -> str | None:
        row = self.rows.get(str(client_id))
        return row[0] if row else None

    def set(self, client_id: str, key_worker_id: str, at: datetime) -> None:
        row = self.rows.get(str(client_id))
        if row is None or row[1] <= at:
            self.rows[str(client_id)] = (key_worker_id, at)


class ConsentLosses:
    def __init__(self) -> None:
        self.rows: list[tuple[ConsentLoss, datetime]] = []
        self.locked: list[str] = []

    def lock(self, client_id: str) -> None:
        """One unit of work at a time in memory: only remembered, for tests to see it was taken."""
        self.locked.append(str(client_id))

    def last(self, client_id: str) -> int:
        return max((position for position, (loss, _) in enumerate(self.rows, 1)
                    if loss.client_id == str(client_id)), default=0)

    def record(self, loss: ConsentLoss, at: datetime) -> None:
        self.rows.append((loss, at))

    def since(self, client_id: str, position: int) -> list[ConsentLoss]:
        return [loss for at, (loss, _) in enumerate(self.rows, 1)
                if at > position and loss.client_id == str(client_id)]


class FakeReferralUnitOfWork(InMemoryUnitOfWork):
    """The referral service's unit of work in memory: referrals, steps, key workers, both outboxes."""

    partner_outbox: InMemoryOutbox  # set by the kernel's fake from extra_outboxes

    def __init__(self, now: Callable[[], datetime] = lambda: FIXED_NOW):
        super().__init__(source="referral", now=now, extra_outboxes={"partner_outbox": partner.registry})
        self.referrals = Referrals()
        self.key_workers = KeyWorkers()
        self.consent_losses = ConsentLosses()

    def __call__(self) -> FakeReferralUnitOfWork:
        return self

    def told_partner(self) -> list[tuple[str, dict[str, Any]]]:
        """Each message published to a partner: its type and payload, in order."""
        return [(envelope["type"], envelope["data"]) for envelope in self.published_to["partner_outbox"]]
