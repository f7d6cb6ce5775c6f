"""The consent service's repositories in memory, for use-case tests with no database.

They hold the real model objects (unsaved), answer as consent/repository.py
does, and the disclosure log is written unchained and chained by the same
sequencer logic, so ``verify`` finds a changed or removed entry here as it does
in the database.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from consent import ledger
from consent.models import Consent, ConsentHistory, Denial, EmergencyAccess
from consent.rules import ClientTerms, ConsentAction, ConsentStatus
from tiimi_shared.errors import NotFound
from tiimi_shared.testing.fakes import InMemoryUnitOfWork
from tiimi_shared.vocabulary import Outcome


class InMemoryConsents:
    def __init__(self) -> None:
        self.rows: dict[str, Consent] = {}

    def add(self, consent: Consent) -> None:
        self.rows[consent.id] = consent

    def get(self, consent_id: str, *, for_update: bool = False, with_history: bool = False) -> Consent:
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


class InMemoryEmergencyAccesses:
    def __init__(self) -> None:
        self.rows: dict[str, EmergencyAccess] = {}

    def add(self, access: EmergencyAccess) -> None:
        self.rows[access.id] = access

    def get(self, access_id: str, *, for_update: bool = False) -> EmergencyAccess | None:
        return self.rows.get(str(access_id))

    def open_for(self, client_id: str, professional: str, now: datetime) -> EmergencyAccess | None:
        found = [a for a in self.rows.values() if a.client_id == str(client_id)
                 and a.professional == professional and a.opened_at <= now < a.ends_at]
        return max(found, key=lambda a: a.ends_at, default=None)

    def of_client(self, client_id: str) -> list[EmergencyAccess]:
        return sorted((a for a in self.rows.values() if a.client_id == str(client_id)),
                      key=lambda a: (a.opened_at, a.id))

    def for_review(self, reviewed: bool | None, limit: int) -> list[EmergencyAccess]:
        found = [a for a in self.rows.values() if reviewed is None or (a.reviewed_at is not None) == reviewed]
        return sorted(found, key=lambda a: a.opened_at, reverse=True)[:limit]


class InMemoryTerms:
    """What a check reads, from the in-memory consents and denials."""

    def __init__(self, consents: InMemoryConsents, denials: InMemoryDenials) -> None:
        self._consents = consents
        self._denials = denials

    def of_client(self, client_id: str) -> ClientTerms:
        return ClientTerms(tuple(c.terms() for c in self._consents.of_client(client_id)),
                           tuple(d.terms() for d in self._denials.of_client(client_id)))


class InMemoryDisclosureLog:
    """Append-only, written unchained and chained by the sequencer like the table.

    ``broken = True`` makes appends fail; ``head_taken = True`` stands for another
    sequencer holding the head.
    """

    def __init__(self) -> None:
        self.entries: list[ledger.Entry] = []
        self.head = ledger.Head()
        self.broken = False
        self.head_taken = False

    def append(self, entries: Sequence[ledger.Entry]) -> None:
        if self.broken:
            raise RuntimeError("the disclosure log cannot be written")
        for entry in entries:
            entry.id = len(self.entries) + 1
            self.entries.append(entry)

    def of_client(self, client_id: str, include_denied: bool) -> list[ledger.Entry]:
        found = [e for e in self.entries if e.client_id == str(client_id)
                 and (include_denied or e.outcome == Outcome.PERMIT)]
        return sorted(found, key=lambda e: (e.seq is None, e.seq or 0, e.id))

    def take_head(self) -> ledger.Head | None:
        return None if self.head_taken else self.head

    def unchained(self, limit: int) -> list[dict[str, Any]]:
        pending = sorted((e for e in self.entries if e.seq is None), key=lambda e: e.id)[:limit]
        return [{"id": e.id} | {name: getattr(e, name) for name in ledger.HASHED_FIELDS if name != "seq"}
                for e in pending]

    def link(self, links: Sequence[ledger.Link], head: ledger.Head) -> None:
        by_id = {e.id: e for e in self.entries}
        for link in links:
            entry = by_id[link.id]
            entry.seq, entry.prev_hash, entry.hash = link.seq, link.prev_hash, link.hash
        self.head = head

    def verify(self) -> list[ledger.Problem]:
        chained = sorted((e for e in self.entries if e.seq is not None), key=lambda e: e.seq)
        return ledger.verify((_fields(e) | {"prev_hash": e.prev_hash, "hash": e.hash} for e in chained),
                             self.head.seq, self.head.hash)

    def count(self) -> int:
        return len(self.entries)

    def count_unchained(self) -> int:
        return sum(1 for e in self.entries if e.seq is None)


def _fields(entry: ledger.Entry) -> dict[str, Any]:
    return {name: getattr(entry, name) for name in ledger.HASHED_FIELDS}


class FakeConsentUnitOfWork(InMemoryUnitOfWork):
    """The consent service's unit of work in memory: ``use_cases.grant(uow, ...)``."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(source="consent", **kwargs)
        self.consents = InMemoryConsents()
        self.denials = InMemoryDenials()
        self.terms = InMemoryTerms(self.consents, self.denials)
        self.disclosure_log = InMemoryDisclosureLog()
        self.emergency_accesses = InMemoryEmergencyAccesses()
