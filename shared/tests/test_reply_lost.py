"""A reply the broker is gone for: the service keeps running and the request is delivered again.

nameko's own entrypoint lets the failed publish kill the container (chaos run, issue 14).
Here the first reply's publish raises as it does when the broker cannot be reached;
the request goes back to its queue, the redelivery answers, and a command answers from
its key without running twice.
"""
import itertools
import uuid

import eventlet
import pytest
import sqlalchemy as sa
from kombu.exceptions import OperationalError
from nameko.amqp.publish import Publisher
from nameko.exceptions import MethodNotFound
from nameko.rpc import Responder
from nameko.standalone.rpc import ServiceRpcProxy

from tiimi_shared.database import COMMAND_KEYS, Database
from tiimi_shared.entrypoints import rpc
from tiimi_shared.errors import EXPECTED
from tiimi_shared.idempotency import command

from .kernel_fixtures import count, effects, prepare


class Answering:
    name = "answering"
    db = Database(relay=False)
    runs = itertools.count()

    @rpc
    def ping(self, *, word):
        return {"word": word, "run": next(self.runs)}

    @command(expected_exceptions=EXPECTED)
    def add(self, *, name):
        with self.db() as uow:
            uow.session.execute(effects.insert().values(event_id=name))
            uow.commit()
        return {"name": name, "answer_id": str(uuid.uuid4())}


class Unreachable(Publisher):
    """Fails the next ``failures`` replies as a publish fails with the broker gone, then publishes."""

    failures = 0
    failed = 0

    def publish(self, payload, **kwargs):
        if Unreachable.failures:
            Unreachable.failures -= 1
            Unreachable.failed += 1
            raise OperationalError("[Errno 111] ECONNREFUSED")
        return super().publish(payload, **kwargs)


@pytest.fixture
def answering(container_factory, rabbit_config, database_url, monkeypatch):
    engine, _ = prepare(database_url)
    monkeypatch.setattr(Responder, "publisher_cls", Unreachable)
    monkeypatch.setattr(Unreachable, "failed", 0)
    container = container_factory(Answering, rabbit_config | {"DATABASE_URL": database_url})
    container.start()
    with ServiceRpcProxy("answering", rabbit_config, timeout=20) as proxy:
        yield proxy, container, engine
    engine.dispose()


def _still_running(container):
    assert not container._died.ready(), "the container killed itself"


@pytest.mark.integration
def test_a_read_whose_reply_fails_is_answered_on_its_redelivery(answering, monkeypatch):
    proxy, container, _ = answering
    monkeypatch.setattr(Unreachable, "failures", 1)
    answer = proxy.ping(word="hello")
    assert Unreachable.failed == 1
    assert answer["word"] == "hello"
    assert answer["run"] >= 1  # the first run's reply was lost; this is a later run's
    eventlet.sleep(0.2)
    _still_running(container)
    assert proxy.ping(word="again")["word"] == "again"


@pytest.mark.integration
def test_a_command_whose_reply_fails_answers_its_redelivery_from_its_key(answering, monkeypatch):
    proxy, container, engine = answering
    monkeypatch.setattr(Unreachable, "failures", 1)
    answer = proxy.add(name="once")
    assert Unreachable.failed == 1
    assert answer["name"] == "once"
    _still_running(container)
    # The redelivery found the key of the first run: one effect, one key, the answer the first run kept.
    assert count(engine, effects, effects.c.event_id == "once") == 1
    assert count(engine, COMMAND_KEYS) == 1
    with engine.connect() as connection:
        kept = connection.execute(sa.select(COMMAND_KEYS.c.answer)).scalar_one()
    assert kept["answer_id"] == answer["answer_id"]


@pytest.mark.integration
def test_an_unknown_method_whose_error_reply_fails_does_not_kill_the_service(answering, monkeypatch):
    # Answered by the queue's consumer itself, before any entrypoint or worker: guarded there too.
    proxy, container, _ = answering
    monkeypatch.setattr(Unreachable, "failures", 1)
    with pytest.raises(MethodNotFound):
        proxy.no_such_method()
    assert Unreachable.failed == 1
    eventlet.sleep(0.2)
    _still_running(container)
    assert proxy.ping(word="still")["word"] == "still"
