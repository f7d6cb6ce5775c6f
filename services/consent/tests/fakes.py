"""The consent service's repositories in memory, for use-case tests with no database.

They hold the real model objects (unsaved), answer as consent/repository.py
does, and the disclosure log keeps the same hash chain, so ``verify`` finds a
changed or removed entry here as it does in the database.
"""
from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from consent import ledger
from consent.models import Consent, ConsentHistory, Denial, DisclosureEntry
from consent.rules import ConsentAction, ConsentStatus, Decision, EntryKind
from tiimi_shared.errors import NotFound
from tiimi_shared.testing.fakes import InMemoryUnitOfWork
from tiimi_shared.vocabulary import Outcome


class InMemoryConsents:
    def __init__(self) -> None:
        self.rows: dict[str, Consent] = {}

    def add(self, consent: Consent) -> None:
        self.rows[consent.id] = consent

    def get(self, consent_id: str, *, for_update: bool = False) -> Consent:
        try:
            return self.rows[str(consent_id)]
        except KeyError:
            raise NotFound("consent", str(consent_id)) from None

    def of_client(self, client_id: str, *, with_history: bool = False) -> list[Consent]:
        return sorted((c for c in self.rows.values() if c.client_id == str(client_id)),
                      key=lambda c: (c.recorded_at, c.id))

    def active_ends(self, client_ids: Iterable[str]) -> list[tuple[str, datetime]]:
        wanted = {str(i) for i in client_ids}
        return [(c.client_id, c.valid_until) for c in self.rows.values()
                if c.client_id in wanted and c.status == ConsentStatus.ACTIVE and c.valid_until is not None]

    def due_to_expire(self, now: datetime) -> list[Consent]:
        return [c for c in self.rows.values()
                if c.status == ConsentStatus.ACTIVE and c.valid_until is not None and c.valid_until <= now]

    def record_history(self, consent: Consent, action: ConsentAction, at: datetime, by: str | None,
                       reason: str | None = None) -> None:
        consent.history.append(ConsentHistory(consent_id=consent.id, action=action, at=at, by=by,
                                              reason=reason))


class InMemoryDenials:
    def __init__(self) -> None:
        self.rows: dict[str, Denial] = {}

    def add(self, denial: Denial) -> None:
        self.rows[denial.id] = denial

    def get(self, denial_id: str, *, for_update: bool = False) -> Denial:
        try:
            return self.rows[str(denial_id)]
        except KeyError:
            raise NotFound("denial", str(denial_id)) from None

    def of_client(self, client_id: str) -> list[Denial]:
        return sorted((d for d in self.rows.values() if d.client_id == str(client_id)),
                      key=lambda d: (d.recorded_at, d.id))


class InMemoryDisclosureLog:
    """Append-only and hash-chained like the table. ``broken = True`` makes appends fail."""

    def __init__(self) -> None:
        self.entries: list[DisclosureEntry] = []
        self.head_seq = 0
        self.head_hash = ledger.GENESIS
        self.broken = False

    def append(self, *, kind: EntryKind, at: datetime, decision: Decision, request: Mapping[str, Any],
               client_id: str | None, correlation_id: str | None) -> DisclosureEntry:
        if self.broken:
            raise RuntimeError("the disclosure log cannot be written")
        entry = DisclosureEntry(
            seq=self.head_seq + 1, entry_id=str(uuid.uuid4()), kind=kind, at=at,
            client_id=client_id,
            organisation=request.get("organisation"), professional=request.get("professional"),
            category=request.get("category"), purpose=request.get("purpose"),
            outcome=decision.outcome, reason=decision.reason,
            consent_id=decision.consent_id, denial_id=decision.denial_id,
            correlation_id=correlation_id, prev_hash=self.head_hash,
        )
        entry.hash = ledger.entry_hash(self.head_hash, _fields(entry))
        self.entries.append(entry)
        self.head_seq, self.head_hash = entry.seq, entry.hash
        return entry

    def of_client(self, client_id: str, include_denied: bool) -> list[DisclosureEntry]:
        return [e for e in self.entries if e.client_id == str(client_id)
                and (include_denied or e.outcome == Outcome.PERMIT)]

    def verify(self) -> list[ledger.Problem]:
        return ledger.verify((_fields(e) | {"prev_hash": e.prev_hash, "hash": e.hash} for e in self.entries),
                             self.head_seq, self.head_hash)

    def count(self) -> int:
        return len(self.entries)


def _fields(entry: DisclosureEntry) -> dict[str, Any]:
    return {name: getattr(entry, name) for name in ledger.HASHED_FIELDS}


class FakeConsentUnitOfWork(InMemoryUnitOfWork):
    """The consent service's unit of work in memory: ``use_cases.grant(uow, ...)``."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(source="consent", **kwargs)
        self.consents = InMemoryConsents()
        self.denials = InMemoryDenials()
        self.disclosure_log = InMemoryDisclosureLog()
