"""Every sweep reads through its own index, so its cost stays flat as the tables grow.

The five sweeps are the consent service's expiry sweep, the referral service's deadline
sweep, the notify service's delivery sweep, and the outbox relay and the command key
sweep every service runs. Each
test fills the sweep's table with 20,000 rows of which only a handful are due (as in a
database that has been in use for a while: most consents ended or withdrawn, most
referrals answered, most deliveries sent, most events published), lets the planner gather
statistics, captures the statement the repository or the relay really sends, and asks
the database for its plan. The plan must read the sweep's index and must not scan the
table. With the index dropped each test fails: PostgreSQL then scans the table, or reads
it through an index of all its rows with one status (half the consents are active).

The migrations are tested too: a database made from nothing and one made before these
indexes (its outbox indexed on ``published_at`` as the kernel used to define it) both end
with the same indexes.
"""
from __future__ import annotations

import importlib
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker

import consent
import notify
import referral
import team
from consent.models import Consent
from consent.repository import Consents
from notify.models import Delivery
from notify.repository import Deliveries
from referral.models import PARTNER_OUTBOX, Referral
from referral.repository import Referrals
from tiimi_shared import contracts, migrations
from tiimi_shared.config import database_url as database_url_of
from tiimi_shared.database import UnitOfWork, make_engine, sweep_command_keys
from tiimi_shared.outbox import OutboxRelay
from tiimi_shared.sealed import describe
from tiimi_shared.tables import COMMAND_KEYS_AGE_INDEX, OUTBOX, outbox_table, pending_index_name

pytestmark = pytest.mark.integration

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
ROWS = 20_000
DAY = timedelta(days=1)


def migrations_of(package: ModuleType) -> Path:
    return Path(package.__file__).parent / "migrations"  # type: ignore[arg-type]


@pytest.fixture
def engine_for(database_url: str) -> Iterator[Callable[[ModuleType], sa.Engine]]:
    """A service's database (SQLite, then PostgreSQL), migrated to its newest revision."""
    engines: list[sa.Engine] = []

    def make(package: ModuleType) -> sa.Engine:
        migrations.upgrade(migrations_of(package), database_url)
        engines.append(make_engine(database_url))
        return engines[-1]

    yield make
    for engine in engines:
        engine.dispose()


# -- filling the tables ---------------------------------------------------------------------


def fill(engine: sa.Engine, table: sa.Table, rows: list[dict[str, Any]]) -> None:
    with engine.begin() as connection:
        for start in range(0, len(rows), 2_000):
            connection.execute(table.insert(), rows[start:start + 2_000])
        analyze(connection)


def analyze(connection: sa.Connection) -> None:
    connection.exec_driver_sql("ANALYZE")


def consent_row(i: int, status: str, valid_until: datetime | None) -> dict[str, Any]:
    return {"id": str(uuid.UUID(int=i)), "client_id": str(uuid.UUID(int=i // 3)), "given_by": "client",
            "organisation": "0123456-7", "professionals": [], "categories": ["basic"],
            "purposes": ["team_coordination"], "valid_from": NOW - 400 * DAY, "valid_until": valid_until,
            "method": "written", "recorded_by": "kw-1", "recorded_at": NOW - 400 * DAY, "status": status,
            "expired_at": valid_until if status == "expired" else None,
            "withdrawn_at": NOW - 100 * DAY if status == "withdrawn" else None}


def consents(count: int, due: int) -> list[dict[str, Any]]:
    """Open-ended, ending later, ended and withdrawn consents in equal parts; ``due`` have just ended."""
    shapes = [("active", None), ("active", NOW + 200 * DAY), ("expired", NOW - 200 * DAY),
              ("withdrawn", NOW + 200 * DAY)]
    rows = [consent_row(i, *shapes[i % 4]) for i in range(count - due)]
    return rows + [consent_row(count + i, "active", NOW - timedelta(minutes=i + 1)) for i in range(due)]


def referral_row(i: int, status: str, accept_by: datetime, reminded: bool = False) -> dict[str, Any]:
    return {"id": str(uuid.UUID(int=i)), "client_id": str(uuid.UUID(int=i // 2)),
            "requesting_organisation": "0123456-7", "requested_by": "kw-1",
            "target_organisation": "7654321-0", "service": "housing", "priority": "routine",
            "reason": "", "share": {}, "shared": {}, "withheld": {}, "status": status, "outcome": None,
            "accept_by": accept_by, "escalate_by": accept_by + 2 * DAY,
            "reminded_at": accept_by if reminded else None, "escalated_at": None,
            "created_at": accept_by - 5 * DAY}


def referrals(count: int, due: int) -> list[dict[str, Any]]:
    """Mostly answered long ago; one in fifty still waiting with time left; one in twenty never
    answered, long since escalated; ``due`` past a deadline."""
    def settled(i: int) -> dict[str, Any]:
        if i % 50 == 0:
            return referral_row(i, "requested", NOW + 3 * DAY)
        if i % 20 == 1:
            return referral_row(i, "requested", NOW - (i % 300 + 5) * DAY, reminded=True) | {
                "escalated_at": NOW - (i % 300 + 3) * DAY}
        return referral_row(i, "completed", NOW - (i % 300) * DAY)

    rows = [settled(i) for i in range(count - due)]
    # Past accept_by and not reminded of; or reminded of and past escalate_by as well.
    return rows + [referral_row(count + i, "requested", NOW - (3 if i % 2 else 1) * DAY, reminded=bool(i % 2))
                   for i in range(due)]


def delivery_row(i: int, status: str, next_attempt_at: datetime | None,
                 lease_until: datetime | None = None) -> dict[str, Any]:
    return {"id": str(uuid.UUID(int=i)), "event_id": str(uuid.UUID(int=i)), "event_type": "referral_sent",
            "recipient_id": f"kw-{i % 500}", "channel": "email", "message": "new_item", "language": "fi",
            "with_details": False, "address": "kw@example.org", "subject": "", "body": "", "link": "",
            "context": {}, "status": status, "attempts": 1, "next_attempt_at": next_attempt_at,
            "lease_until": lease_until, "created_at": NOW - 30 * DAY,
            "sent_at": NOW - 30 * DAY if status == "sent" else None}


def deliveries(count: int, due: int) -> list[dict[str, Any]]:
    """Mostly sent or dead; one in fifty waiting for a retry later; ``due`` to try or whose lease ran out."""
    def settled(i: int) -> dict[str, Any]:
        if i % 50 == 0:
            return delivery_row(i, "failed", NOW + timedelta(minutes=30))
        return delivery_row(i, "dead" if i % 97 == 0 else "sent", None)

    rows = [settled(i) for i in range(count - due)]
    return rows + [delivery_row(count + i, "sending", NOW - DAY, lease_until=NOW - timedelta(seconds=5))
                   if i % 3 == 0 else delivery_row(count + i, "queued" if i % 2 else "failed", NOW - DAY)
                   for i in range(due)]


def outbox_rows(count: int, due: int) -> list[dict[str, Any]]:
    """Events already published, and ``due`` the relay has yet to publish."""
    return [{"event_id": str(uuid.UUID(int=i)), "event_type": "consent_granted", "envelope": {},
             "created_at": NOW, "published_at": None if i >= count - due else NOW, "attempts": 1}
            for i in range(count)]


# -- the statements the sweeps send, and their plans ---------------------------------------


@contextmanager
def captured(engine: sa.Engine) -> Iterator[list[tuple[str, Any]]]:
    """The statements and parameters sent on ``engine`` while inside."""
    sent: list[tuple[str, Any]] = []

    def record(connection: Any, cursor: Any, statement: str, parameters: Any, context: Any,
               executemany: bool) -> None:
        sent.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", record)


def reading(sent: list[tuple[str, Any]], table: str) -> list[tuple[str, Any]]:
    found = [(s, p) for s, p in sent if s.lstrip().upper().startswith("SELECT") and f"FROM {table}" in s]
    assert found, f"no SELECT from {table} among {[s for s, _ in sent]}"
    return found


def plan(engine: sa.Engine, statement: str, parameters: Any) -> str:
    explain = "EXPLAIN QUERY PLAN " if engine.dialect.name == "sqlite" else "EXPLAIN "
    with engine.connect() as connection:
        rows = connection.exec_driver_sql(explain + statement, parameters).all()
    return "\n".join(str(row[-1]) for row in rows)


def scans(engine: sa.Engine, table: str, text: str) -> bool:
    """Whether a plan reads the whole table."""
    if engine.dialect.name == "sqlite":
        return any(line.strip() in (f"SCAN {table}", f"SCAN TABLE {table}") for line in text.splitlines())
    return f"Seq Scan on {table}" in text


def assert_reads_through(engine: sa.Engine, statements: list[tuple[str, Any]], table: str,
                         indexes: list[str]) -> None:
    """Each statement's plan reads ``table`` through every one of ``indexes`` and never scans it."""
    for statement, parameters in statements:
        text = plan(engine, statement, parameters)
        for index in indexes:
            assert index in text, f"{index} not used:\n{text}\nfor\n{statement}"
        assert not scans(engine, table, text), f"{table} scanned:\n{text}\nfor\n{statement}"


# -- the sweeps -----------------------------------------------------------------------------


def test_the_expiry_sweep_reads_only_active_consents_with_an_end(engine_for):
    engine = engine_for(consent)
    fill(engine, Consent.__table__, consents(ROWS, due=5))  # type: ignore[arg-type]
    with captured(engine) as sent, Session(engine) as session:
        due = Consents(session).due_to_expire(NOW)
        session.rollback()
    assert len(due) == 5
    assert_reads_through(engine, reading(sent, "consents"), "consents", ["ix_consents_due_to_expire"])


def test_the_deadline_sweep_reads_only_referrals_waiting_for_a_reminder_or_an_escalation(engine_for):
    engine = engine_for(referral)
    fill(engine, Referral.__table__, referrals(ROWS, due=6))  # type: ignore[arg-type]
    with captured(engine) as sent, Session(engine) as session:
        due = Referrals(session).waiting_past(NOW)
        session.rollback()
    assert len(due) == 6
    assert_reads_through(engine, reading(sent, "referrals"), "referrals",
                         ["ix_referrals_awaiting_chase"])


def test_the_delivery_sweep_reads_only_deliveries_waiting_or_claimed(engine_for):
    engine = engine_for(notify)
    fill(engine, Delivery.__table__, deliveries(ROWS, due=6))  # type: ignore[arg-type]
    with captured(engine) as sent, Session(engine) as session:
        due = Deliveries(session).due(NOW, 50)
        session.rollback()
    assert len(due) == 6
    assert_reads_through(engine, reading(sent, "deliveries"), "deliveries",
                         ["ix_deliveries_waiting", "ix_deliveries_claimed"])


class _Work:
    """The least of a unit of work the relay needs: a session, committed by the relay."""

    def __init__(self, engine: sa.Engine) -> None:
        self.session = Session(engine)

    def __enter__(self) -> _Work:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.session.rollback()
        self.session.close()


class _Producer:
    def __init__(self) -> None:
        self.published: list[dict[str, Any]] = []


@pytest.mark.parametrize(("package", "table"), [
    (consent, OUTBOX), (team, OUTBOX), (referral, OUTBOX), (notify, OUTBOX), (referral, PARTNER_OUTBOX),
], ids=["consent", "team", "referral", "notify", "referral-partner"])
def test_the_outbox_relay_reads_only_unpublished_events(engine_for, package, table):
    engine = engine_for(package)
    fill(engine, table, outbox_rows(ROWS, due=5))
    relay = OutboxRelay(lambda: _Work(engine), amqp_uri="memory://", config={}, table=table)
    published: list[dict[str, Any]] = []
    relay._producer = _Producer  # type: ignore[method-assign]  # no broker: the plan is what is asked
    relay._publish = lambda producer, envelope: published.append(envelope)  # type: ignore[method-assign]
    with captured(engine) as sent:
        assert relay.publish_pending() == 5
    assert_reads_through(engine, reading(sent, table.name), table.name, [pending_index_name(table.name)])


# -- the migrations -------------------------------------------------------------------------

SERVICES = {
    consent: ("0002", {"consents": {"ix_consents_due_to_expire"}}, ["outbox"]),
    referral: ("0001", {"referrals": {"ix_referrals_awaiting_chase"}},
               ["outbox", "partner_outbox"]),
    notify: ("0001", {"deliveries": {"ix_deliveries_waiting", "ix_deliveries_claimed"}}, ["outbox"]),
    team: ("0003", {}, ["outbox"]),
}


def indexes(url: str) -> dict[str, set[str]]:
    engine = sa.create_engine(database_url_of(url))
    try:
        inspector = sa.inspect(engine)
        return {table: {index["name"] for index in inspector.get_indexes(table) if index["name"]}
                for table in inspector.get_table_names()}
    finally:
        engine.dispose()


def expected(package: ModuleType) -> dict[str, set[str]]:
    _, sweeps, outboxes = SERVICES[package]
    return sweeps | {outbox: {pending_index_name(outbox)} for outbox in outboxes}


# Full indexes the partial ones replace.
REPLACED = {"outbox": "ix_outbox_published_at", "partner_outbox": "ix_partner_outbox_published_at",
            "deliveries": "ix_deliveries_next_attempt_at"}


@pytest.mark.parametrize("package", SERVICES, ids=lambda p: p.__name__)
def test_a_database_made_from_nothing_has_every_sweep_index(database_url, package):
    migrations.upgrade(migrations_of(package), database_url)
    found = indexes(database_url)
    for table, wanted in expected(package).items():
        assert wanted <= found[table]
        assert REPLACED.get(table) not in found[table]


@pytest.mark.parametrize("package", SERVICES, ids=lambda p: p.__name__)
def test_a_database_made_before_the_sweep_indexes_gets_them_and_can_go_back(database_url, package):
    before, _, outboxes = SERVICES[package]
    migrations.upgrade(migrations_of(package), database_url, before)
    # The outboxes as the kernel made them before: indexed on published_at, all rows.
    engine = sa.create_engine(database_url_of(database_url))
    with engine.begin() as connection:
        for name in outboxes:
            connection.exec_driver_sql(f"DROP INDEX {pending_index_name(name)}")
            sa.Index(f"ix_{name}_published_at", outbox_table(sa.MetaData(), name).c.published_at,
                     ).create(connection)
    engine.dispose()

    migrations.upgrade(migrations_of(package), database_url)
    found = indexes(database_url)
    for table, wanted in expected(package).items():
        assert wanted <= found[table]
        assert REPLACED.get(table) not in found[table]

    command.downgrade(migrations.alembic_config(migrations_of(package), database_url), before)
    found = indexes(database_url)
    for table, wanted in expected(package).items():
        assert not wanted & found[table]
        if table in REPLACED:
            assert REPLACED[table] in found[table]


# -- the command keys -----------------------------------------------------------------------

# The revision before the command keys were indexed by age, and whether the service seals their answers.
KEYS_BEFORE = {consent: ("0005", False), team: ("0006", True), referral: ("0006", True),
               notify: ("0004", True)}


def command_keys_of(package: ModuleType) -> sa.Table:
    return importlib.import_module(f"{package.__name__}.models").Base.metadata.tables["command_keys"]  # type: ignore[no-any-return]


def command_key_rows(count: int, old: int) -> list[dict[str, Any]]:
    """Keys recorded over the last week, as a busy service keeps them, and ``old`` past the window."""
    def key(i: int, operation: str, recorded_at: datetime) -> dict[str, Any]:
        return {"operation": operation, "key": str(uuid.UUID(int=i)), "fingerprint": "0" * 64, "answer": None,
                "recorded_at": recorded_at}

    young = [key(i, "consent.record_accesses", NOW - timedelta(seconds=(i * 29) % (7 * 86_400 - 60)))
             for i in range(count - old)]
    return young + [key(count + i, "consent.disclose", NOW - 8 * DAY - i * DAY) for i in range(old)]


@pytest.mark.parametrize("package", KEYS_BEFORE, ids=lambda p: p.__name__)
def test_the_command_key_sweep_reads_only_keys_past_the_window(engine_for, package):
    engine = engine_for(package)
    table = command_keys_of(package)
    fill(engine, table, command_key_rows(ROWS, old=5))
    sessions = sessionmaker(engine, expire_on_commit=False)
    with captured(engine) as sent:
        deleted = sweep_command_keys(
            lambda: UnitOfWork(sessions, source=package.__name__, registry=contracts.registry), table,
            NOW - 7 * DAY)
    assert deleted == 5
    with engine.connect() as connection:
        assert connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one() == ROWS - 5
    # Both the read that finds a batch's range and the delete of that range go through the index.
    deletes = [(s, p) for s, p in sent if s.lstrip().upper().startswith("DELETE FROM COMMAND_KEYS")]
    assert deletes, [s for s, _ in sent]
    assert_reads_through(engine, reading(sent, "command_keys") + deletes, "command_keys",
                         [COMMAND_KEYS_AGE_INDEX])


def answer_type(url: str) -> str:
    engine = sa.create_engine(database_url_of(url))
    try:
        [answer] = [column for column in sa.inspect(engine).get_columns("command_keys")
                    if column["name"] == "answer"]
        return str(answer["type"]).lower()
    finally:
        engine.dispose()


@pytest.mark.parametrize("package", KEYS_BEFORE, ids=lambda p: p.__name__)
def test_the_command_keys_are_indexed_by_age_from_nothing_and_after_an_upgrade(database_url, package):
    before, seals = KEYS_BEFORE[package]
    # The models say whether the answers are sealed; rotate-keys walks what they say.
    metadata = command_keys_of(package).metadata
    assert ("command_keys.answer" in describe(metadata)) == seals
    migrations.upgrade(migrations_of(package), database_url)
    assert COMMAND_KEYS_AGE_INDEX in indexes(database_url)["command_keys"]
    postgres = database_url.startswith("postgres")
    if postgres:  # SQLite keeps any text in any column and is left as it was
        assert answer_type(database_url) == ("text" if seals else "json")

    config = migrations.alembic_config(migrations_of(package), database_url)
    command.downgrade(config, before)
    assert COMMAND_KEYS_AGE_INDEX not in indexes(database_url)["command_keys"]  # as the kernel made it before
    if postgres:
        assert answer_type(database_url) == "json"
    migrations.upgrade(migrations_of(package), database_url)
    assert COMMAND_KEYS_AGE_INDEX in indexes(database_url)["command_keys"]
    if postgres:
        assert answer_type(database_url) == ("text" if seals else "json")
