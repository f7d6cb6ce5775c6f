"""Name lookups in a green process: in native threads, so only the asker waits."""
from __future__ import annotations

import socket
import sys
from typing import Any

import eventlet
import pytest
from eventlet import patcher, tpool

from tiimi_shared import green


def test_lookups_go_through_the_thread_pool_not_eventlets_resolver() -> None:
    assert "eventlet.support.greendns" not in sys.modules
    for name in green.LOOKUPS:
        assert getattr(socket, name).__module__ == "tiimi_shared.green", name


def test_a_lookup_answers_as_the_operating_systems_resolver_does() -> None:
    assert socket.getaddrinfo("localhost", 5672, 0, socket.SOCK_STREAM) \
        == green.blocking["getaddrinfo"]("localhost", 5672, 0, socket.SOCK_STREAM)
    assert socket.gethostbyname("127.0.0.1") == "127.0.0.1"
    with pytest.raises(socket.gaierror):
        socket.getaddrinfo("no-such-host.invalid", 80)


def test_a_slow_lookup_stalls_only_the_green_thread_that_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    resolve = green.blocking["getaddrinfo"]
    native_sleep = patcher.original("time").sleep

    def slow(*args: Any, **kwargs: Any) -> Any:
        native_sleep(0.3)  # as a resolver waiting on an unanswering DNS server: the whole thread waits
        return resolve(*args, **kwargs)

    monkeypatch.setitem(green.blocking, "getaddrinfo", slow)
    ticks: list[int] = []

    def other_work() -> None:
        while True:
            ticks.append(1)
            eventlet.sleep(0.01)

    worker = eventlet.spawn(other_work)
    try:
        socket.getaddrinfo("localhost", 80)
    finally:
        worker.kill()
    # Had the lookup blocked the hub, the other green thread would not have run at all.
    assert len(ticks) >= 5, ticks


def test_an_address_written_out_is_answered_without_the_thread_pool(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_pool(*_args: Any, **_kwargs: Any) -> Any:
        raise AssertionError("an address needs no lookup in a native thread")

    monkeypatch.setattr(tpool, "execute", no_pool)
    assert socket.getaddrinfo("127.0.0.1", 5672, 0, socket.SOCK_STREAM)[0][4] == ("127.0.0.1", 5672)
    assert socket.getaddrinfo("::1", 5672, socket.AF_INET6)[0][4][:2] == ("::1", 5672)
    assert socket.getaddrinfo(None, 5672, 0, socket.SOCK_STREAM)
    assert socket.gethostbyname("127.0.0.1") == "127.0.0.1"
    with pytest.raises(AssertionError):
        socket.getaddrinfo("localhost", 5672)  # a name: looked up in a native thread
