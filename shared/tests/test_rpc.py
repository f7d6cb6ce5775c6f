"""Calls made at once: they overlap, answer in order, and a failure waits for the others to end."""
from __future__ import annotations

import eventlet
import pytest
from eventlet.event import Event

from tiimi_shared.rpc import at_once


def test_calls_overlap_and_answer_in_the_order_given() -> None:
    # The first call can only end once the second has started: one after another, it would wait forever.
    second_started = Event()

    def first() -> str:
        with eventlet.Timeout(5):
            second_started.wait()
        return "first"

    def second() -> str:
        second_started.send(True)
        return "second"

    assert at_once(first, second) == ["first", "second"]


def test_a_failure_is_raised_after_every_call_has_ended() -> None:
    ended: list[str] = []

    def fails() -> None:
        raise LookupError("no such client")

    def slower() -> str:
        eventlet.sleep(0.01)
        ended.append("slower")
        return "done"

    with pytest.raises(LookupError, match="no such client"):
        at_once(fails, slower)
    assert ended == ["slower"]
