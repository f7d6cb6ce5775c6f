"""The disclosure log on a real database: written unchained, chained by the sequencer.

Where ordering and locking matter the tests run on PostgreSQL, with a second
connection doing what another worker or replica would do at the same moment.
"""
from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import eventlet
import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy import event
from sqlalchemy.orm import sessionmaker

from consent import ledger, schemas, use_cases
from consent.models import DISCLOSURE_LOG
from consent.repository import ConsentUnitOfWork, DisclosureLog
from tiimi_shared import contracts, migrations
from tiimi_shared.database import make_engine
from tiimi_shared.schemas import load

from .conftest import MIGRATIONS

pytestmark = pytest.mark.integration

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
ORG = "0123456-7"
REQUEST = {"organisation": ORG, "category": "basic", "purpose": "team_coordination"}


@pytest.fixture
def engine(database_url: str) -> Iterator[sa.Engine]:
    migrations.upgrade(MIGRATIONS, database_url)
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def pg_engine(postgres_url: str) -> Iterator[sa.Engine]:
    migrations.upgrade(MIGRATIONS, postgres_url)
    engine = make_engine(postgres_url)
    yield engine
    engine.dispose()


def unit_of_work(engine: sa.Engine) -> Callable[[], ConsentUnitOfWork]:
    sessions = sessionmaker(engine, expire_on_commit=False)
    return lambda: ConsentUnitOfWork(sessions, source="consent", registry=contracts.registry)


@pytest.fixture
def uow(engine: sa.Engine) -> Callable[[], ConsentUnitOfWork]:
    return unit_of_work(engine)


@pytest.fixture
def pg_uow(pg_engine: sa.Engine) -> Callable[[], ConsentUnitOfWork]:
    return unit_of_work(pg_engine)


def grant(uow: Callable[[], ConsentUnitOfWork], client: str) -> None:
    use_cases.grant(uow, load(schemas.GrantConsent, {
        "client_id": client, "given_by": {"kind": "client"}, "recipient_organisation": ORG,
        "categories": ["basic", "team"], "purposes": ["team_coordination"], "method": "written",
        "recorded_by": "sw-1001"}), now=NOW)


def check(uow: Callable[[], ConsentUnitOfWork], client: str, **request: str) -> use_cases.Answer:
    return use_cases.check(uow, load(schemas.CheckAccess, {"client_id": client, **REQUEST, **request}),
                           now=NOW)


def check_many(uow: Callable[[], ConsentUnitOfWork], client: str, count: int) -> list[use_cases.Answer]:
    command = load(schemas.CheckMany, {"client_id": client, "requests": [REQUEST] * count})
    return use_cases.check_many(uow, command, now=NOW)


def rows(engine: sa.Engine) -> list[sa.Row]:
    with engine.connect() as connection:
        return list(connection.execute(sa.select(DISCLOSURE_LOG).order_by(DISCLOSURE_LOG.c.id)))


def head_locked_elsewhere(engine: sa.Engine) -> sa.Connection:
    """A connection holding the head row for update, as a sequencer mid-run does."""
    connection = engine.connect()
    connection.execute(sa.text("SELECT seq FROM disclosure_log_head WHERE id = 1 FOR UPDATE"))
    return connection


class StatementCounter:
    def __init__(self, engine: sa.Engine):
        self.count = 0
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, *args: object) -> None:
        self.count += 1


# -- the hot path ------------------------------------------------------------------------------


def test_a_check_reads_in_one_statement_and_writes_in_one(uow, engine):
    client = str(uuid.uuid4())
    grant(uow, client)
    counter = StatementCounter(engine)

    assert check(uow, client).decision.permitted
    per_check, counter.count = counter.count, 0
    answers = check_many(uow, client, 20)
    per_batch_of_20 = counter.count

    assert [a.decision.permitted for a in answers] == [True] * 20
    # The targets are at most 4 and 8; a check makes one read and one write, a batch too.
    assert (per_check, per_batch_of_20) == (2, 2)


def test_a_decision_is_committed_unchained_before_its_answer_and_the_head_is_not_touched(uow, engine):
    client = str(uuid.uuid4())

    answers = check_many(uow, client, 3)

    written = rows(engine)
    assert [r.entry_id for r in written] == [a.entry_id for a in answers]
    assert {(r.seq, r.prev_hash, r.hash) for r in written} == {(None, None, None)}
    with engine.connect() as connection:
        head = connection.execute(sa.text("SELECT seq, hash FROM disclosure_log_head")).one()
    assert head == (0, ledger.GENESIS)


def test_checks_are_answered_while_the_head_is_held(pg_uow, pg_engine):
    client = str(uuid.uuid4())
    grant(pg_uow, client)
    holder = head_locked_elsewhere(pg_engine)
    try:
        with eventlet.Timeout(10):
            answers = [check(pg_uow, client) for _ in range(3)]
    finally:
        holder.close()

    assert all(a.decision.permitted and a.entry_id for a in answers)


# -- the sequencer -----------------------------------------------------------------------------


def test_the_sequencer_chains_what_was_written_in_order_and_the_chain_verifies(uow, engine):
    client = str(uuid.uuid4())
    answers = [check(uow, client, category=category) for category in ("basic", "team", "health")]

    assert use_cases.chain_log(uow, batch=2) == 3

    assert [(r.entry_id, r.seq) for r in rows(engine)] == [(a.entry_id, n) for n, a in enumerate(answers, 1)]
    assert use_cases.chain_log(uow) == 0
    checked = use_cases.verify_log(uow)
    assert (checked.intact, checked.entries, checked.unchained) == (True, 3, 0)


def test_a_sequencer_finding_the_head_held_returns_at_once_and_leaves_the_entries(pg_uow, pg_engine):
    check(pg_uow, str(uuid.uuid4()))
    holder = head_locked_elsewhere(pg_engine)
    try:
        with eventlet.Timeout(10):
            assert use_cases.chain_log(pg_uow) == 0
    finally:
        holder.close()

    assert use_cases.chain_log(pg_uow) == 1


def test_an_entry_committed_after_a_later_written_one_is_chained_after_it_not_skipped(pg_uow, pg_engine):
    client = str(uuid.uuid4())
    slow = pg_engine.connect()
    try:
        # A decision whose transaction takes its id first and commits last.
        slow.execute(DISCLOSURE_LOG.insert().values(
            entry_id=str(uuid.uuid4()), kind="decision", at=NOW, client_id=client, organisation=ORG,
            category="team", purpose="team_coordination", outcome="deny", reason="unknown_client"))
        fast = check(pg_uow, client)

        assert use_cases.chain_log(pg_uow) == 1
        slow.commit()
    finally:
        slow.close()
    assert use_cases.chain_log(pg_uow) == 1

    written = rows(pg_engine)
    assert [(r.category, r.seq) for r in written] == [("team", 2), ("basic", 1)]
    assert written[1].entry_id == fast.entry_id
    checked = use_cases.verify_log(pg_uow)
    assert (checked.intact, checked.entries, checked.unchained) == (True, 2, 0)


def test_a_sequencer_failing_mid_batch_loses_nothing_and_the_next_run_chains_it_all(
        uow, engine, monkeypatch):
    client = str(uuid.uuid4())
    check(uow, client)
    use_cases.chain_log(uow)
    check_many(uow, client, 4)
    real_link = DisclosureLog.link

    def link_then_crash(self, links, head):
        real_link(self, links, head)
        raise ConnectionError("the sequencer's process died before commit")

    monkeypatch.setattr(DisclosureLog, "link", link_then_crash)
    with pytest.raises(ConnectionError):
        use_cases.chain_log(uow)
    monkeypatch.setattr(DisclosureLog, "link", real_link)
    assert use_cases.verify_log(uow).unchained == 4

    assert use_cases.chain_log(uow) == 4

    assert [r.seq for r in rows(engine)] == [1, 2, 3, 4, 5]
    assert use_cases.verify_log(uow).intact


def test_many_writers_and_several_sequencers_at_once_make_one_gapless_chain(pg_uow, pg_engine):
    clients = [str(uuid.uuid4()) for _ in range(4)]
    for client in clients:
        grant(pg_uow, client)

    def writer(client: str) -> None:
        for _ in range(10):
            check_many(pg_uow, client, 3)

    def sequencer() -> int:
        chained = 0
        for _ in range(20):
            chained += use_cases.chain_log(pg_uow, batch=7)
            eventlet.sleep(0.01)
        return chained

    pool = eventlet.GreenPool()
    writers = [pool.spawn(writer, client) for client in clients]
    sequencers = [pool.spawn(sequencer) for _ in range(3)]
    for thread in writers:
        thread.wait()
    chained = sum(thread.wait() for thread in sequencers) + use_cases.chain_log(pg_uow)

    assert chained == 4 * 10 * 3
    assert sorted(r.seq for r in rows(pg_engine)) == list(range(1, 121))
    checked = use_cases.verify_log(pg_uow)
    assert (checked.intact, checked.entries, checked.unchained) == (True, 120, 0)


# -- verify on the stored rows -----------------------------------------------------------------


def chained_log(uow: Callable[[], ConsentUnitOfWork], length: int) -> None:
    client = str(uuid.uuid4())
    for _ in range(length):
        check(uow, client)
    use_cases.chain_log(uow)


def problems(uow: Callable[[], ConsentUnitOfWork]) -> list[tuple[int, str]]:
    return [(p.seq, p.problem) for p in use_cases.verify_log(uow).problems]


def test_removing_the_newest_chained_entry_is_found(uow, engine):
    chained_log(uow, 3)
    with engine.begin() as connection:
        connection.execute(sa.text("DELETE FROM disclosure_log WHERE seq = 3"))

    assert problems(uow) == [(3, "missing"), (3, "head_mismatch")]


def test_an_entry_inserted_into_the_chain_is_found(uow, engine):
    chained_log(uow, 3)
    with engine.begin() as connection:
        (second,) = connection.execute(sa.select(DISCLOSURE_LOG).where(DISCLOSURE_LOG.c.seq == 2)).mappings()
        forged = dict(second) | {"entry_id": str(uuid.uuid4()), "outcome": "deny"}
        del forged["id"]
        # Make room after entry 2 as a forger must, and link the forged entry to it.
        connection.execute(sa.text("UPDATE disclosure_log SET seq = seq + 100 WHERE seq = 3"))
        connection.execute(sa.text("UPDATE disclosure_log SET seq = 4 WHERE seq = 103"))
        forged |= {"seq": 3, "prev_hash": second["hash"]}
        forged["hash"] = ledger.entry_hash(second["hash"], forged)
        connection.execute(DISCLOSURE_LOG.insert().values(forged))

    assert problems(uow) == [(4, "broken_link"), (4, "changed"), (3, "head_mismatch")]


def test_two_chained_entries_swapped_in_order_are_found(uow, engine):
    chained_log(uow, 4)
    with engine.begin() as connection:
        connection.execute(sa.text("UPDATE disclosure_log SET seq = -2 WHERE seq = 2"))
        connection.execute(sa.text("UPDATE disclosure_log SET seq = 2 WHERE seq = 3"))
        connection.execute(sa.text("UPDATE disclosure_log SET seq = 3 WHERE seq = -2"))

    found = problems(uow)
    assert (2, "changed") in found and (3, "changed") in found


def test_unchaining_a_chained_entry_to_have_it_chained_anew_is_found(uow, engine):
    chained_log(uow, 3)
    with engine.begin() as connection:
        connection.execute(sa.text(
            "UPDATE disclosure_log SET seq = NULL, prev_hash = NULL, hash = NULL WHERE seq = 2"))

    assert problems(uow) == [(2, "missing"), (3, "broken_link")]
    assert use_cases.verify_log(uow).unchained == 1


# -- the migration ------------------------------------------------------------------------------


def test_entries_chained_before_the_migration_still_verify_and_the_chain_goes_on(database_url):
    """Rows written by revision 0001 (chained on append) keep their place; new ones follow."""
    migrations.upgrade(MIGRATIONS, database_url, "0001")
    engine = make_engine(database_url)
    old = []
    prev_hash = ledger.GENESIS
    for seq in (1, 2, 3):
        entry = {"seq": seq, "entry_id": str(uuid.uuid4()), "kind": "decision", "at": NOW,
                 "client_id": str(uuid.uuid4()), "organisation": ORG, "professional": None,
                 "category": "basic", "purpose": "team_coordination", "outcome": "deny",
                 "reason": "unknown_client", "consent_id": None, "denial_id": None, "correlation_id": None}
        entry |= {"prev_hash": prev_hash, "hash": ledger.entry_hash(prev_hash, entry)}
        prev_hash = entry["hash"]
        old.append(entry)
    columns = ", ".join(old[0])
    with engine.begin() as connection:
        connection.execute(sa.text(f"INSERT INTO disclosure_log ({columns}) VALUES "
                                   f"({', '.join(':' + name for name in old[0])})"),
                           [entry | {"at": NOW.isoformat() if engine.dialect.name == "sqlite" else NOW}
                            for entry in old])
        connection.execute(sa.text("UPDATE disclosure_log_head SET seq = 3, hash = :hash"),
                           {"hash": prev_hash})
    engine.dispose()

    migrations.upgrade(MIGRATIONS, database_url)
    engine = make_engine(database_url)
    uow = unit_of_work(engine)
    checked = use_cases.verify_log(uow)
    assert (checked.intact, checked.entries, checked.unchained) == (True, 3, 0)

    check(uow, str(uuid.uuid4()))
    assert use_cases.chain_log(uow) == 1
    assert [(r.id, r.seq) for r in rows(engine)] == [(1, 1), (2, 2), (3, 3), (4, 4)]
    assert use_cases.verify_log(uow).intact
    engine.dispose()

    # And back: with every entry chained, the log returns to the shape of revision 0001.
    command.downgrade(migrations.alembic_config(MIGRATIONS, database_url), "0001")
    engine = sa.create_engine(migrations.database_url(database_url))
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT seq FROM disclosure_log ORDER BY seq")).scalars().all() == [
            1, 2, 3, 4]
    engine.dispose()
