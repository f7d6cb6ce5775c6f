"""Two deliveries of one event claiming it at once: the second is told it is handled, not an error.

After a lost connection RabbitMQ redelivers an event whose first delivery may
still be running. Both find no claim yet; the second's insert waits on the
first's uncommitted row, and once the first commits, it must be answered
False (already handled) rather than fail on the primary key and be
dead-lettered.
"""
import uuid

import eventlet
import pytest

from tiimi_shared.database import PROCESSED_EVENTS

from .kernel_fixtures import count, effects, prepare

pytestmark = pytest.mark.integration

CONSUMER = "notify.on_denial_recorded"


def test_a_copy_claiming_beside_the_first_waits_and_is_told_it_is_handled(postgres_url):
    engine, unit_of_work = prepare(postgres_url)
    event_id = str(uuid.uuid4())
    answers = []

    def second_copy():
        with unit_of_work() as uow:
            claimed = uow.claim(CONSUMER, event_id)
            if claimed:
                uow.session.execute(effects.insert().values(event_id=event_id))
            uow.commit()
        answers.append(claimed)

    with unit_of_work() as first:
        assert first.claim(CONSUMER, event_id)
        first.session.execute(effects.insert().values(event_id=event_id))
        copy = eventlet.spawn(second_copy)
        eventlet.sleep(0.5)
        assert answers == []  # the copy waits on the first's uncommitted claim
        first.commit()
    copy.wait()

    assert answers == [False]
    assert count(engine, effects) == 1
    assert count(engine, PROCESSED_EVENTS) == 1
    engine.dispose()


def test_a_copy_claiming_beside_a_first_that_rolls_back_does_the_work(postgres_url):
    engine, unit_of_work = prepare(postgres_url)
    event_id = str(uuid.uuid4())
    answers = []

    def second_copy():
        with unit_of_work() as uow:
            answers.append(uow.claim(CONSUMER, event_id))
            uow.commit()

    with unit_of_work() as first:
        assert first.claim(CONSUMER, event_id)
        copy = eventlet.spawn(second_copy)
        eventlet.sleep(0.3)
        # the first fails: leaving without commit rolls its claim back
    copy.wait()

    assert answers == [True]
    assert count(engine, PROCESSED_EVENTS) == 1
    engine.dispose()


def test_the_claim_itself_refuses_a_duplicate_that_got_past_the_check(database_url, monkeypatch):
    # The race, without its timing: the check finds nothing, the insert meets the row.
    engine, unit_of_work = prepare(database_url)
    event_id = str(uuid.uuid4())
    with unit_of_work() as uow:
        assert uow.claim(CONSUMER, event_id)
        uow.commit()
    with unit_of_work() as uow:
        monkeypatch.setattr(uow, "processed", lambda consumer, event_id: False)
        assert not uow.claim(CONSUMER, event_id)
        assert uow.claim(CONSUMER, str(uuid.uuid4()))  # the transaction is still usable
        uow.commit()
    assert count(engine, PROCESSED_EVENTS) == 2
    engine.dispose()
