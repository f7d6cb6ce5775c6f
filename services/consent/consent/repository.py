"""The consent service's unit of work: its repositories over one transaction."""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, Self

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from consent import ledger
from consent.models import (
    ACTIVE_WITH_END,
    DISCLOSURE_LOG,
    Consent,
    ConsentHistory,
    Denial,
    DisclosureHead,
    EmergencyAccess,
)
from consent.rules import ClientTerms, ConsentAction, ConsentStatus, ConsentTerms, DenialTerms
from tiimi_shared.database import UnitOfWork
from tiimi_shared.errors import NotFound
from tiimi_shared.vocabulary import Outcome


class Consents:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, consent: Consent) -> None:
        self.session.add(consent)

    def get(self, consent_id: str, *, for_update: bool = False, with_history: bool = False) -> Consent:
        query = sa.select(Consent).where(Consent.id == str(consent_id))
        if for_update:
            query = query.with_for_update()
        if with_history:
            query = query.options(selectinload(Consent.history))
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
            # Through ix_consents_due_to_expire: the index's own condition, then its key.
            .where(ACTIVE_WITH_END, Consent.valid_until <= now)
            # Each expiry adds to the consent's history: load them all in one more query.
            .options(selectinload(Consent.history))
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


class EmergencyAccesses:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, access: EmergencyAccess) -> None:
        self.session.add(access)

    def get(self, access_id: str, *, for_update: bool = False) -> EmergencyAccess | None:
        query = sa.select(EmergencyAccess).where(EmergencyAccess.id == str(access_id))
        if for_update:
            query = query.with_for_update()
        return self.session.scalars(query).first()

    def open_for(self, client_id: str, professional: str, now: datetime) -> EmergencyAccess | None:
        """The newest window of this professional on this client that is open at ``now``."""
        return self.session.scalars(
            sa.select(EmergencyAccess).where(
                EmergencyAccess.client_id == str(client_id), EmergencyAccess.professional == professional,
                EmergencyAccess.opened_at <= now, EmergencyAccess.ends_at > now)
            .order_by(EmergencyAccess.ends_at.desc()).limit(1)).first()

    def of_client(self, client_id: str) -> list[EmergencyAccess]:
        return list(self.session.scalars(
            sa.select(EmergencyAccess).where(EmergencyAccess.client_id == str(client_id))
            .order_by(EmergencyAccess.opened_at, EmergencyAccess.id)))

    def for_review(self, reviewed: bool | None, limit: int) -> list[EmergencyAccess]:
        query = sa.select(EmergencyAccess)
        if reviewed is not None:
            query = query.where(EmergencyAccess.reviewed_at.is_not(None) if reviewed
                                else EmergencyAccess.reviewed_at.is_(None))
        return list(self.session.scalars(
            query.order_by(EmergencyAccess.opened_at.desc(), EmergencyAccess.id).limit(limit)))


_CONSENTS: sa.Table = Consent.__table__  # type: ignore[assignment]
_DENIALS: sa.Table = Denial.__table__  # type: ignore[assignment]


def _client_terms_query() -> sa.CompoundSelect[Any]:
    """A client's consents and denials as decision terms, in one query (Core: no ORM objects)."""
    c, d = _CONSENTS.c, _DENIALS.c
    client_id = sa.bindparam("client_id", type_=sa.String)
    consents = sa.select(
        sa.literal_column("'consent'", sa.String).label("kind"), c.id, c.organisation, c.categories,
        c.purposes, c.professionals, c.valid_from, c.valid_until, c.withdrawn_at.label("ended_at"),
        c.recorded_at,
    ).where(c.client_id == client_id)
    denials = sa.select(
        sa.literal_column("'denial'", sa.String), d.id, d.organisation, d.categories,
        sa.null(), sa.null(), sa.null(), sa.null(), d.lifted_at, d.recorded_at,
    ).where(d.client_id == client_id)
    return sa.union_all(consents, denials).order_by(
        sa.literal_column("kind"), sa.literal_column("recorded_at"), sa.literal_column("id"))


# Built once: a check only binds its client to them.
_CLIENT_TERMS = _client_terms_query()


class DecisionTerms:
    """What a check reads: the terms of a client's consents and denials, never their history."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def of_client(self, client_id: str) -> ClientTerms:
        consents: list[ConsentTerms] = []
        denials: list[DenialTerms] = []
        for row in self.session.execute(_CLIENT_TERMS, {"client_id": str(client_id)}):
            if row.kind == "consent":
                consents.append(ConsentTerms(
                    id=row.id, organisation=row.organisation, categories=frozenset(row.categories),
                    purposes=frozenset(row.purposes), valid_from=row.valid_from,
                    valid_until=row.valid_until, professionals=frozenset(row.professionals),
                    withdrawn_at=row.ended_at))
            else:
                denials.append(DenialTerms(id=row.id, organisation=row.organisation,
                                           categories=frozenset(row.categories), lifted_at=row.ended_at))
        return ClientTerms(tuple(consents), tuple(denials))


_WRITTEN = tuple(name for name in ledger.HASHED_FIELDS if name != "seq")
# Executed with many rows, this is one INSERT of many VALUES (SQLAlchemy's "insertmanyvalues",
# which pg8000 gets only for an INSERT that returns something), compiled once and cached.
_APPEND = sa.insert(DISCLOSURE_LOG).returning(DISCLOSURE_LOG.c.id)
_LINK = sa.update(DISCLOSURE_LOG).where(DISCLOSURE_LOG.c.id == sa.bindparam("link_id")).values(
    seq=sa.bindparam("link_seq"), prev_hash=sa.bindparam("link_prev_hash"), hash=sa.bindparam("link_hash"))
_LINK_MANY = sa.text(
    "UPDATE disclosure_log SET seq = link.seq, prev_hash = link.prev_hash, hash = link.hash "
    "FROM unnest(CAST(:ids AS BIGINT[]), CAST(:seqs AS BIGINT[]), CAST(:prev_hashes AS VARCHAR[]), "
    "CAST(:hashes AS VARCHAR[])) AS link (id, seq, prev_hash, hash) "
    "WHERE disclosure_log.id = link.id")
_HEAD: sa.Table = DisclosureHead.__table__  # type: ignore[assignment]


class DisclosureLog:
    """Append-only. A decision writes its entries unchained and touches no shared row; the
    sequencer alone takes the head, chains what has committed, and moves the head on."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def append(self, entries: Sequence[ledger.Entry]) -> None:
        """Write ``entries`` unchained, all in one statement."""
        if entries:
            self.session.execute(_APPEND, [{name: getattr(entry, name) for name in _WRITTEN}
                                           for entry in entries])

    def of_client(self, client_id: str, include_denied: bool) -> list[ledger.Entry]:
        log = DISCLOSURE_LOG.c
        query = sa.select(DISCLOSURE_LOG).where(log.client_id == str(client_id))
        if not include_denied:
            query = query.where(log.outcome == Outcome.PERMIT)
        # Chained entries in chain order, then those not yet chained in the order they were written.
        rows = self.session.execute(query.order_by(log.seq.is_(None), log.seq, log.id)).mappings()
        return [ledger.Entry(**row) for row in rows]

    # -- the sequencer ----------------------------------------------------------------------

    def take_head(self) -> ledger.Head | None:
        """The head, locked until commit; None while another sequencer holds it."""
        row = self.session.execute(
            sa.select(_HEAD.c.seq, _HEAD.c.hash).where(_HEAD.c.id == 1)
            .with_for_update(skip_locked=True)).first()
        return None if row is None else ledger.Head(row.seq, row.hash)

    def unchained(self, limit: int) -> list[dict[str, Any]]:
        """The oldest committed entries not yet chained, by insertion id, with what their hash covers.

        Read after the head is taken, so the entries another sequencer chained before are not
        among them; one still being written is not seen, and is chained by a later run.
        """
        log = DISCLOSURE_LOG.c
        rows = self.session.execute(
            sa.select(log.id, *(log[name] for name in _WRITTEN))
            .where(log.seq.is_(None)).order_by(log.id).limit(limit)).mappings()
        return [dict(row) for row in rows]

    def link(self, links: Sequence[ledger.Link], head: ledger.Head) -> None:
        """Store the links chaining made, and move the head to the last of them."""
        if self.session.get_bind().dialect.name == "postgresql":
            # One statement for the batch; an executemany would be a round trip a link.
            self.session.execute(_LINK_MANY, {
                "ids": [link.id for link in links], "seqs": [link.seq for link in links],
                "prev_hashes": [link.prev_hash for link in links],
                "hashes": [link.hash for link in links]})
        else:
            self.session.execute(_LINK, [{"link_id": link.id, "link_seq": link.seq,
                                          "link_prev_hash": link.prev_hash, "link_hash": link.hash}
                                         for link in links])
        self.session.execute(sa.update(_HEAD).where(_HEAD.c.id == 1).values(seq=head.seq, hash=head.hash))

    # -- verifying --------------------------------------------------------------------------

    def verify(self) -> list[ledger.Problem]:
        # Shared: no sequencer moves the head while the chain is read against it.
        head = self.session.execute(
            sa.select(_HEAD.c.seq, _HEAD.c.hash).where(_HEAD.c.id == 1).with_for_update(read=True)).one()
        log = DISCLOSURE_LOG.c
        entries = self.session.execute(
            sa.select(*(log[name] for name in ledger.HASHED_FIELDS), log.prev_hash, log.hash)
            .where(log.seq.is_not(None)).order_by(log.seq)
            .execution_options(yield_per=1000)).mappings()
        return ledger.verify((dict(entry) for entry in entries), head.seq, head.hash)

    def count(self) -> int:
        return self.session.execute(
            sa.select(sa.func.count()).select_from(DISCLOSURE_LOG)).scalar_one()

    def count_unchained(self) -> int:
        return self.session.execute(sa.select(sa.func.count()).select_from(DISCLOSURE_LOG)
                                    .where(DISCLOSURE_LOG.c.seq.is_(None))).scalar_one()


class ConsentUnitOfWork(UnitOfWork):
    consents: Consents
    denials: Denials
    terms: DecisionTerms
    disclosure_log: DisclosureLog
    emergency_accesses: EmergencyAccesses

    def __enter__(self) -> Self:
        super().__enter__()
        self.consents = Consents(self.session)
        self.denials = Denials(self.session)
        self.terms = DecisionTerms(self.session)
        self.disclosure_log = DisclosureLog(self.session)
        self.emergency_accesses = EmergencyAccesses(self.session)
        return self
