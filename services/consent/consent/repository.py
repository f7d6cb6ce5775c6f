"""The consent service's unit of work: its repositories over one transaction."""
from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any, Self

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from consent import ledger
from consent.models import Consent, ConsentHistory, Denial, DisclosureEntry, DisclosureHead
from consent.rules import ConsentAction, ConsentStatus, Decision, EntryKind
from tiimi_shared.database import UnitOfWork
from tiimi_shared.errors import NotFound
from tiimi_shared.vocabulary import Outcome


class Consents:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, consent: Consent) -> None:
        self.session.add(consent)

    def get(self, consent_id: str, *, for_update: bool = False) -> Consent:
        query = sa.select(Consent).where(Consent.id == str(consent_id))
        if for_update:
            query = query.with_for_update()
        consent = self.session.scalars(query).first()
        if consent is None:
            raise NotFound("consent", str(consent_id))
        return consent

    def of_client(self, client_id: str, *, with_history: bool = False) -> list[Consent]:
        query = (sa.select(Consent).where(Consent.client_id == str(client_id))
                 .order_by(Consent.recorded_at, Consent.id))
        if with_history:
            query = query.options(selectinload(Consent.history))
        return list(self.session.scalars(query))

    def active_ends(self, client_ids: Iterable[str]) -> list[tuple[str, datetime]]:
        """The clients' active consents that have an end, as (client, valid_until), in one query."""
        rows = self.session.execute(sa.select(Consent.client_id, Consent.valid_until).where(
            Consent.client_id.in_([str(i) for i in client_ids]), Consent.status == ConsentStatus.ACTIVE,
            Consent.valid_until.is_not(None))).tuples()
        return [(client_id, valid_until) for client_id, valid_until in rows if valid_until is not None]

    def due_to_expire(self, now: datetime) -> list[Consent]:
        return list(self.session.scalars(
            sa.select(Consent)
            .where(Consent.status == ConsentStatus.ACTIVE, Consent.valid_until.is_not(None),
                   Consent.valid_until <= now)
            .with_for_update(skip_locked=True)))

    def record_history(self, consent: Consent, action: ConsentAction, at: datetime, by: str | None,
                       reason: str | None = None) -> None:
        # Appended to the loaded collection, so an answer given from this consent shows the step.
        consent.history.append(ConsentHistory(consent_id=consent.id, action=action, at=at, by=by,
                                              reason=reason))


class Denials:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, denial: Denial) -> None:
        self.session.add(denial)

    def get(self, denial_id: str, *, for_update: bool = False) -> Denial:
        query = sa.select(Denial).where(Denial.id == str(denial_id))
        if for_update:
            query = query.with_for_update()
        denial = self.session.scalars(query).first()
        if denial is None:
            raise NotFound("denial", str(denial_id))
        return denial

    def of_client(self, client_id: str) -> list[Denial]:
        return list(self.session.scalars(
            sa.select(Denial).where(Denial.client_id == str(client_id))
            .order_by(Denial.recorded_at, Denial.id)))


class DisclosureLog:
    """Append-only: entries are added at the head of the chain and never changed."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def append(self, *, kind: EntryKind, at: datetime, decision: Decision, request: Mapping[str, Any],
               client_id: str | None, correlation_id: str | None) -> DisclosureEntry:
        # Taking the head row for update makes appends take turns, so the
        # chain has one order even with many workers and replicas.
        head = self.session.scalars(
            sa.select(DisclosureHead).where(DisclosureHead.id == 1).with_for_update()).one()
        entry = DisclosureEntry(
            seq=head.seq + 1, entry_id=str(uuid.uuid4()), kind=kind, at=at,
            client_id=client_id,
            organisation=request.get("organisation"), professional=request.get("professional"),
            category=request.get("category"), purpose=request.get("purpose"),
            outcome=decision.outcome, reason=decision.reason,
            consent_id=decision.consent_id, denial_id=decision.denial_id,
            correlation_id=correlation_id, prev_hash=head.hash,
        )
        entry.hash = ledger.entry_hash(head.hash, _fields(entry))
        self.session.add(entry)
        head.seq, head.hash = entry.seq, entry.hash
        return entry

    def of_client(self, client_id: str, include_denied: bool) -> list[DisclosureEntry]:
        query = sa.select(DisclosureEntry).where(DisclosureEntry.client_id == str(client_id))
        if not include_denied:
            query = query.where(DisclosureEntry.outcome == Outcome.PERMIT)
        return list(self.session.scalars(query.order_by(DisclosureEntry.seq)))

    def verify(self) -> list[ledger.Problem]:
        head = self.session.scalars(sa.select(DisclosureHead).where(DisclosureHead.id == 1)).one()
        entries = (_fields(e) | {"prev_hash": e.prev_hash, "hash": e.hash}
                   for e in self.session.scalars(
                       sa.select(DisclosureEntry).order_by(DisclosureEntry.seq)
                       .execution_options(yield_per=1000)))
        return ledger.verify(entries, head.seq, head.hash)

    def count(self) -> int:
        return self.session.execute(
            sa.select(sa.func.count()).select_from(DisclosureEntry)).scalar_one()


def _fields(entry: DisclosureEntry) -> dict[str, Any]:
    return {name: getattr(entry, name) for name in ledger.HASHED_FIELDS}


class ConsentUnitOfWork(UnitOfWork):
    consents: Consents
    denials: Denials
    disclosure_log: DisclosureLog

    def __enter__(self) -> Self:
        super().__enter__()
        self.consents = Consents(self.session)
        self.denials = Denials(self.session)
        self.disclosure_log = DisclosureLog(self.session)
        return self
