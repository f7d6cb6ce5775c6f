"""On PostgreSQL a slow query in one worker does not hold up the others."""
import time

import pytest
import sqlalchemy as sa
from nameko.rpc import rpc
from nameko.standalone.rpc import ServiceRpcProxy

from tiimi_shared.database import Database

pytestmark = pytest.mark.integration

NAP = 1.0


class Sleeper:
    name = "sleeper"
    db = Database(relay=False)

    @rpc
    def nap(self, seconds):
        with self.db() as uow:
            uow.session.execute(sa.text("select pg_sleep(:s)"), {"s": seconds})
        return seconds


def test_two_slow_queries_overlap_instead_of_queueing(container_factory, rabbit_config, postgres_url):
    container = container_factory(Sleeper, rabbit_config | {"DATABASE_URL": postgres_url})
    container.start()
    with ServiceRpcProxy("sleeper", rabbit_config) as sleeper:
        sleeper.nap(0)  # warm up the connection pool and the reply queue
        started = time.monotonic()
        replies = [sleeper.nap.call_async(NAP), sleeper.nap.call_async(NAP)]
        assert [reply.result() for reply in replies] == [NAP, NAP]
        elapsed = time.monotonic() - started
    # Queued one behind the other they would take 2 s; overlapping, about 1 s.
    assert NAP <= elapsed < 1.5 * NAP, elapsed
