"""A command repeated with the same key is answered as the first time and changes nothing more."""
import time
import uuid

import eventlet
import pytest
import sqlalchemy as sa
from kombu import Connection, Exchange, Producer, Queue
from nameko.rpc import rpc
from nameko.standalone.rpc import ServiceRpcProxy
from sqlalchemy.orm import sessionmaker

from tiimi_shared import contracts
from tiimi_shared.consent_gate import ConsentGate
from tiimi_shared.database import COMMAND_KEYS, Database, Held, UnitOfWork, kernel_tables, make_engine
from tiimi_shared.errors import EXPECTED, Conflict, ValidationError
from tiimi_shared.idempotency import ALREADY_USED, command, derived_key, fingerprint

metadata = sa.MetaData()
kernel_tables(metadata)
things = sa.Table(
    "things", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(50), nullable=False),
    sa.Column("step", sa.Integer, nullable=False),
)


def prepare(url):
    engine = make_engine(url)
    metadata.create_all(engine)
    return engine


def count(engine, table, where=None):
    query = sa.select(sa.func.count()).select_from(table)
    if where is not None:
        query = query.where(where)
    with engine.connect() as connection:
        return connection.execute(query).scalar_one()


class Keeper:
    """Writes two rows in two units of work, after a read in a third; can be told to fail or dawdle."""

    name = "keeper"
    db = Database(relay=False)

    @command(expected_exceptions=EXPECTED)
    def add(self, **thing):
        eventlet.sleep(thing.get("pause", 0))
        with self.db() as uow:  # a read that never commits: not held
            before = uow.session.execute(sa.select(sa.func.count()).select_from(things)).scalar_one()
        with self.db() as uow:
            uow.session.execute(things.insert().values(name=thing["name"], step=1))
            uow.commit()
        with self.db() as uow:  # joins the held transaction
            uow.session.execute(things.insert().values(name=thing["name"], step=2))
            uow.commit()
        if thing.get("fail"):
            raise Conflict("told to fail after writing")
        return {"name": thing["name"], "before": before, "answer_id": str(uuid.uuid4()),
                "derived": derived_key(self.db.worker_ctx, "consent.grant", thing["name"])}

    @command(expected_exceptions=EXPECTED)
    def refuse(self, **thing):
        raise ValidationError({"name": ["refused"]})


@pytest.fixture
def keeper(container_factory, rabbit_config, database_url):
    engine = prepare(database_url)
    container = container_factory(Keeper, rabbit_config | {"DATABASE_URL": database_url})
    container.start()
    with ServiceRpcProxy("keeper", rabbit_config) as proxy:
        yield proxy, engine
    engine.dispose()


@pytest.mark.integration
def test_a_repeat_with_the_same_key_gets_the_first_answer_and_changes_nothing(keeper):
    proxy, engine = keeper
    first = proxy.add(name="a", idempotency_key="k-1")
    again = proxy.add(name="a", idempotency_key="k-1")
    assert again == first
    assert count(engine, things) == 2
    assert count(engine, COMMAND_KEYS) == 1
    other = proxy.add(name="a", idempotency_key="k-2")
    assert other["answer_id"] != first["answer_id"]
    assert count(engine, things) == 4


@pytest.mark.integration
def test_the_same_key_with_other_arguments_is_refused_and_changes_nothing(keeper):
    proxy, engine = keeper
    proxy.add(name="a", idempotency_key="k-1")
    with pytest.raises(ValidationError) as refused:
        proxy.add(name="b", idempotency_key="k-1")
    assert refused.value.errors == {"idempotency_key": [ALREADY_USED]}
    assert count(engine, things) == 2
    assert count(engine, things, things.c.name == "b") == 0


@pytest.mark.integration
def test_a_failure_after_writing_leaves_nothing_and_a_retry_decides_again(keeper):
    proxy, engine = keeper
    with pytest.raises(Conflict):
        proxy.add(name="a", fail=True, idempotency_key="k-1")
    assert count(engine, things) == 0
    assert count(engine, COMMAND_KEYS) == 0
    with pytest.raises(ValidationError):
        proxy.refuse(name="a", idempotency_key="k-2")
    assert count(engine, COMMAND_KEYS) == 0
    # The failed call stored nothing, so its key is free for the corrected request.
    assert proxy.add(name="a", idempotency_key="k-1")["name"] == "a"
    assert count(engine, things) == 2


@pytest.mark.integration
def test_two_deliveries_at_once_have_one_effect_and_the_same_answer(keeper):
    proxy, engine = keeper
    # Both look the key up before either writes; the second collides on the key at commit.
    first = proxy.add.call_async(name="a", pause=0.3, idempotency_key="k-1")
    second = proxy.add.call_async(name="a", pause=0.3, idempotency_key="k-1")
    assert first.result() == second.result()
    assert count(engine, things) == 2
    assert count(engine, COMMAND_KEYS) == 1


@pytest.mark.integration
def test_a_redelivered_request_without_a_key_is_keyed_by_its_correlation_id(keeper, rabbit_config):
    proxy, engine = keeper
    proxy.add(name="warm-up", idempotency_key="k-0")  # the service's queue exists
    reply_queue = f"replies-{uuid.uuid4()}"
    exchange = Exchange("nameko-rpc", type="topic", durable=True)
    replies = []
    with Connection(rabbit_config["AMQP_URI"]) as connection:
        queue = Queue(reply_queue, exchange=exchange, routing_key=reply_queue, auto_delete=True)
        queue(connection.default_channel).declare()
        producer = Producer(connection.default_channel)
        for correlation_id in ("delivery-1", "delivery-1", "delivery-2"):
            producer.publish({"args": [], "kwargs": {"name": "r"}}, exchange=exchange,
                             routing_key="keeper.add", reply_to=reply_queue, correlation_id=correlation_id,
                             serializer="json")
        with connection.Consumer(queue, callbacks=[lambda body, message: (replies.append(body),
                                                                          message.ack())]):
            deadline = time.monotonic() + 10
            while len(replies) < 3 and time.monotonic() < deadline:
                try:
                    connection.drain_events(timeout=1)
                except TimeoutError:
                    pass
    assert [reply["error"] for reply in replies] == [None, None, None]
    answers = [reply["result"]["answer_id"] for reply in replies]
    assert len(set(answers)) == 2  # the second delivery of delivery-1 was answered as the first
    assert count(engine, things, things.c.name == "r") == 4


@pytest.mark.integration
def test_a_key_derived_from_the_command_is_the_same_for_each_repeat(keeper):
    proxy, engine = keeper
    first = proxy.add(name="a", idempotency_key="k-1")
    with engine.begin() as connection:  # forget the answer, as if the first run had died uncommitted
        connection.execute(COMMAND_KEYS.delete())
    again = proxy.add(name="a", idempotency_key="k-1")
    other = proxy.add(name="a", idempotency_key="k-2")
    assert first["derived"] == again["derived"] != other["derived"]
    assert first["derived"] is not None


# -- the held unit of work, without nameko ----------------------------------------------------


@pytest.fixture
def sqlite_units(tmp_path):
    engine = prepare(f"sqlite:///{tmp_path / 'held.db'}")
    sessions = sessionmaker(engine, expire_on_commit=False)
    woken = []

    def unit_of_work(held=None):
        return UnitOfWork(sessions, source="consent", registry=contracts.registry, held=held,
                          lock=eventlet.semaphore.Semaphore(1), on_commit=lambda: woken.append(1))

    yield engine, unit_of_work, woken
    engine.dispose()


def _record(key):
    from tiimi_shared.clock import wall_clock
    return COMMAND_KEYS.insert().values(operation="keeper.add", key=key, fingerprint=fingerprint({}),
                                        answer={"ok": True}, recorded_at=wall_clock())


def test_held_commits_become_one_transaction_with_the_record(sqlite_units):
    engine, unit_of_work, _ = sqlite_units
    held = Held()
    with unit_of_work(held) as uow:
        uow.session.execute(things.insert().values(name="a", step=1))
        uow.commit()
    assert held.changed
    assert count(engine, things) == 0  # flushed, not committed
    with unit_of_work(held) as uow:
        assert uow.session is held.unit.session
        uow.session.execute(things.insert().values(name="a", step=2))
        uow.commit()
    held.finish(_record("k"))
    assert count(engine, things) == 2
    assert count(engine, COMMAND_KEYS) == 1
    with unit_of_work() as uow:  # the lock was let go
        uow.commit()


def test_an_abandoned_hold_leaves_nothing_and_lets_the_lock_go(sqlite_units):
    engine, unit_of_work, _ = sqlite_units
    held = Held()
    with unit_of_work(held) as uow:
        uow.session.execute(things.insert().values(name="a", step=1))
        uow.commit()
    held.abandon()
    assert count(engine, things) == 0
    with unit_of_work() as uow:
        uow.session.execute(things.insert().values(name="b", step=1))
        uow.commit()
    assert count(engine, things) == 1


def test_a_unit_of_work_that_never_commits_is_not_held(sqlite_units):
    _, unit_of_work, _ = sqlite_units
    held = Held()
    with unit_of_work(held) as uow:
        uow.session.execute(sa.select(things))
    assert not held.changed
    with unit_of_work() as uow:  # the lock is free again
        uow.commit()


def test_held_events_wake_the_relay_only_once_committed(sqlite_units):
    _, unit_of_work, woken = sqlite_units
    held = Held()
    with unit_of_work(held) as uow:
        uow.outbox.add(contracts.DENIAL_RECORDED, {
            "denial_id": str(uuid.uuid4()), "client_id": str(uuid.uuid4()), "organisation": None,
            "categories": ["basic"], "recorded_by": "sw-1"})
        uow.commit()
    assert woken == []
    held.finish(_record("k"))
    assert woken == [1]


def test_nameko_redacts_a_commands_sensitive_arguments():
    from types import SimpleNamespace

    from nameko.utils import REDACTED, get_redacted_args

    class Register:
        @command(sensitive_arguments=("client.personal_identity_code",))
        def register(self, **client):
            return client

    entrypoint = next(iter(Register.register.nameko_entrypoints))
    entrypoint = SimpleNamespace(container=SimpleNamespace(service_cls=Register), method_name="register",
                                 sensitive_arguments=entrypoint.sensitive_arguments)
    redacted = get_redacted_args(entrypoint, name="N", personal_identity_code="131052-308T")
    assert redacted == {"arguments": {"name": "N", "personal_identity_code": REDACTED}}


class FakeConsent:
    """Stands in for the consent service: remembers the key each disclosure is logged under."""

    name = "consent"
    keys = []

    @rpc
    def record_disclosure(self, **disclosure):
        FakeConsent.keys.append(disclosure.pop("idempotency_key", None))
        return {"id": "entry-1"}


class Sender:
    """A command that logs a disclosure through the consent gate, as a referral's send did."""

    name = "sender"
    db = Database(relay=False)
    consent = ConsentGate()

    @command(expected_exceptions=EXPECTED)
    def send(self, **referral):
        request = {"organisation": "1.2.246.10.1", "category": "basic", "purpose": "referral"}
        recorded = self.consent.record_disclosure(referral["client_id"], "consent-1", request)
        with self.db() as uow:
            uow.session.execute(things.insert().values(name="sent", step=1))
            uow.commit()
        return {"recorded": recorded}


@pytest.mark.integration
def test_the_consent_gate_logs_a_disclosure_under_a_key_derived_from_the_command(
        container_factory, rabbit_config, tmp_path):
    url = f"sqlite:///{tmp_path / 'sender.db'}"
    engine = prepare(url)
    FakeConsent.keys.clear()
    container_factory(FakeConsent, rabbit_config).start()
    container_factory(Sender, rabbit_config | {"DATABASE_URL": url}).start()
    client_id = str(uuid.uuid4())
    with ServiceRpcProxy("sender", rabbit_config) as sender:
        sender.send(client_id=client_id, idempotency_key="send-1")
        with engine.begin() as connection:  # as if the first run had died before it committed
            connection.execute(COMMAND_KEYS.delete())
        sender.send(client_id=client_id, idempotency_key="send-1")
        sender.send(client_id=client_id, idempotency_key="send-2")
    first, retried, other = FakeConsent.keys
    assert first is not None and first == retried != other
    assert count(engine, COMMAND_KEYS) == 2
    engine.dispose()
