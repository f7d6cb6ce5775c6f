"""Command keys are kept for a window and then swept; a service that seals keeps its answers sealed."""
import textwrap
import time
import uuid
from datetime import timedelta

import pytest
import sqlalchemy as sa
from nameko.standalone.rpc import ServiceRpcProxy

from tiimi_shared import sealed
from tiimi_shared.clock import wall_clock
from tiimi_shared.config import command_key_days
from tiimi_shared.database import Database, kernel_tables, make_engine
from tiimi_shared.errors import EXPECTED
from tiimi_shared.idempotency import command, fingerprint
from tiimi_shared.sealed import Keyring, SealedJSON, key_of
from tiimi_shared.tables import COMMAND_KEYS, command_keys_table

OLD_KEY, NEW_KEY = sealed.new_key(), sealed.new_key()
REASON = "Matti Meikäläinen lost his flat"
PLAIN = "lost his flat"

metadata = sa.MetaData()
kernel_tables(metadata)
things = sa.Table(
    "things", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(50), nullable=False),
)
# A service that seals personal data keeps its commands' answers in a sealed table.
sealed_metadata = sa.MetaData()
SEALED_KEYS = command_keys_table(sealed_metadata, sealed=True)


def add_thing(service, thing):
    with service.db() as uow:
        uow.session.execute(things.insert().values(name=thing["name"]))
        uow.commit()
    return {"name": thing["name"], "reason": thing.get("reason"), "answer_id": str(uuid.uuid4())}


class Keeper:
    name = "keeper"
    db = Database(relay=False)

    @command(expected_exceptions=EXPECTED)
    def add(self, **thing):
        return add_thing(self, thing)


class SealingKeeper:
    name = "sealing_keeper"
    db = Database(relay=False, command_keys=SEALED_KEYS)

    @command(expected_exceptions=EXPECTED)
    def add(self, **thing):
        return add_thing(self, thing)


def database_of(container) -> Database:
    return next(extension for extension in container.dependencies if isinstance(extension, Database))


def count(engine, table, where=None):
    query = sa.select(sa.func.count()).select_from(table)
    if where is not None:
        query = query.where(where)
    with engine.connect() as connection:
        return connection.execute(query).scalar_one()


def raw_answers(engine):
    with engine.connect() as connection:
        return [row[0] for row in connection.exec_driver_sql("SELECT answer FROM command_keys ORDER BY key")]


@pytest.fixture
def start(container_factory, rabbit_config, database_url):
    """Start a service of the kernel's tests on a fresh database; its engine and Database come back."""
    engines = []

    def started(service_cls, tables=metadata, **config):
        engine = make_engine(database_url)
        engines.append(engine)
        tables.create_all(engine)
        things.create(engine, checkfirst=True)
        container = container_factory(service_cls, rabbit_config | {"DATABASE_URL": database_url} | config)
        container.start()
        return engine, database_of(container)

    yield started
    for engine in engines:
        engine.dispose()


def key_row(key, recorded_at):
    return {"operation": "keeper.add", "key": key, "fingerprint": fingerprint({}), "answer": {"ok": key},
            "recorded_at": recorded_at}


# -- retention --------------------------------------------------------------------------------


def test_the_window_is_seven_days_unless_configured_and_nonsense_is_refused():
    assert command_key_days({}) == 7
    assert command_key_days({"COMMAND_KEY_DAYS": "0.5"}) == 0.5
    for nonsense in ("0", "-1", "week", "nan", "inf"):
        with pytest.raises(ValueError, match="TIIMI_COMMAND_KEY_DAYS"):
            command_key_days({"COMMAND_KEY_DAYS": nonsense})


@pytest.mark.integration
def test_keys_older_than_the_window_go_in_batches_and_younger_ones_stay(start):
    engine, database = start(Keeper, COMMAND_KEY_DAYS="7")
    now = wall_clock()
    window = timedelta(days=7)
    old = {f"old-{i}": now - window - timedelta(minutes=1 + i * 600) for i in range(5)}
    young = {"just-young": now - window + timedelta(minutes=1), "yesterday": now - timedelta(days=1),
             "now": now}
    with engine.begin() as connection:
        connection.execute(COMMAND_KEYS.insert(), [key_row(key, at) for key, at in (old | young).items()])

    assert database.sweep_command_keys(now, batch_size=2) == 5  # three batches: 2, 2, 1
    with engine.connect() as connection:
        kept = {row.key for row in connection.execute(sa.select(COMMAND_KEYS.c.key))}
    assert kept == set(young)
    assert database.sweep_command_keys(now, batch_size=2) == 0


@pytest.mark.integration
def test_a_repeat_after_the_window_is_carried_out_as_new(start, rabbit_config):
    engine, database = start(Keeper)
    with ServiceRpcProxy("keeper", rabbit_config) as proxy:
        first = proxy.add(name="a", idempotency_key="k-1")
        assert proxy.add(name="a", idempotency_key="k-1") == first
        assert count(engine, things) == 1
        # A week later the key has been swept: the same request is no longer known.
        assert database.sweep_command_keys(wall_clock() + timedelta(days=7, minutes=1)) == 1
        again = proxy.add(name="a", idempotency_key="k-1")
    assert again["answer_id"] != first["answer_id"]
    assert count(engine, things) == 2
    assert count(engine, COMMAND_KEYS) == 1  # kept again, for its own window


@pytest.mark.integration
def test_the_service_sweeps_its_old_keys_by_itself(start):
    engine, _ = start(Keeper, COMMAND_KEY_SWEEP_INTERVAL=0.1)
    now = wall_clock()
    with engine.begin() as connection:
        connection.execute(COMMAND_KEYS.insert(), [key_row("old", now - timedelta(days=30)),
                                                   key_row("young", now - timedelta(days=1))])
    deadline = time.monotonic() + 10
    while count(engine, COMMAND_KEYS) > 1 and time.monotonic() < deadline:
        time.sleep(0.1)
    with engine.connect() as connection:
        assert [row.key for row in connection.execute(sa.select(COMMAND_KEYS.c.key))] == ["young"]


# -- sealed answers ---------------------------------------------------------------------------


@pytest.mark.integration
def test_a_sealed_answer_holds_no_plaintext_and_a_repeat_gets_the_first_answer(start, rabbit_config):
    with sealed.using(Keyring([("old", OLD_KEY)])):
        engine, _ = start(SealingKeeper, tables=sealed_metadata)
        with ServiceRpcProxy("sealing_keeper", rabbit_config) as proxy:
            first = proxy.add(name="a", reason=REASON, idempotency_key="k-1")
            again = proxy.add(name="a", reason=REASON, idempotency_key="k-1")
    assert first["reason"] == REASON and again == first
    assert count(engine, things) == 1
    [stored] = raw_answers(engine)
    assert key_of(stored) == "old"
    assert PLAIN not in stored and first["answer_id"] not in stored


@pytest.mark.integration
def test_rotation_reseals_the_stored_answers_and_a_repeat_still_gets_the_first(start, rabbit_config):
    with sealed.using(Keyring([("old", OLD_KEY)])):
        engine, _ = start(SealingKeeper, tables=sealed_metadata)
        with ServiceRpcProxy("sealing_keeper", rabbit_config) as proxy:
            first = proxy.add(name="a", reason=REASON, idempotency_key="k-1")
    # An answer stored before the table was sealed: plain JSON, as the kernel's own table writes it.
    with engine.begin() as connection:
        connection.execute(COMMAND_KEYS.insert().values(key_row("k-0", wall_clock()) | {
            "answer": {"reason": REASON}}))
    assert PLAIN in raw_answers(engine)[0]

    both = Keyring([("new", NEW_KEY), ("old", OLD_KEY)])
    report = sealed.rotate(engine, sealed_metadata, both, batch_size=1)
    assert report.columns["command_keys.answer"].resealed == 2
    assert report.columns["command_keys.answer"].unsealed == 1
    stored = raw_answers(engine)
    assert [key_of(value) for value in stored] == ["new", "new"]
    assert not any(PLAIN in value for value in stored)
    assert sealed.rotate(engine, sealed_metadata, both, write=False).outside_newest == 0

    # The old key retired: the repeat is still answered as the first time.
    with sealed.using(Keyring([("new", NEW_KEY)])), \
            ServiceRpcProxy("sealing_keeper", rabbit_config) as proxy:
        assert proxy.add(name="a", reason=REASON, idempotency_key="k-1") == first
    assert count(engine, things) == 1


@pytest.mark.integration
def test_the_database_keeps_keys_in_the_table_its_services_models_register(
        container_factory, rabbit_config, tmp_path, monkeypatch):
    package = tmp_path / "sealing_service"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "models.py").write_text(textwrap.dedent("""
        from sqlalchemy.orm import DeclarativeBase

        from tiimi_shared.database import kernel_tables


        class Base(DeclarativeBase):
            pass


        kernel_tables(Base.metadata, sealed_answers=True)
        """))
    monkeypatch.syspath_prepend(str(tmp_path))

    class Registered:
        __module__ = "sealing_service.service"
        name = "registered"
        db = Database(relay=False)

    config = rabbit_config | {"DATABASE_URL": f"sqlite:///{tmp_path / 'registered.db'}"}
    container = container_factory(Registered, config)
    container.start()
    assert isinstance(database_of(container).command_keys.c.answer.type, SealedJSON)

    container = container_factory(Keeper, config)  # a service without models: the kernel's own
    container.start()
    assert database_of(container).command_keys is COMMAND_KEYS
