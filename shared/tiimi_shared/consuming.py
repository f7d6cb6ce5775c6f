"""How every handler applies an event: read, ask, claim, apply.

A handler that needs another service's answer (usually consent's) must not
hold a database transaction open while it waits. So the pattern is:

1. **read** what the question needs, in a short unit of work;
2. **ask** the other service, outside any transaction;
3. **claim** the event and **apply** the effect in one unit of work, which
   commits both or neither.

An event the consumer has already processed stops at step 1: nothing is
read, no other service is asked (so a redelivery adds no decision rows to
the disclosure log), nothing is applied.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol, TypeVar, overload

from tiimi_shared.handlers import ReceivedEvent

Question = TypeVar("Question")
Answer = TypeVar("Answer")
Result = TypeVar("Result")


class ClaimingUnitOfWork(Protocol):
    """What ``consume`` needs of a unit of work; the SQL and the in-memory ones both have it."""

    def __enter__(self) -> Any: ...
    def __exit__(self, *exc_info: object) -> None: ...
    def processed(self, consumer: str, event_id: str) -> bool: ...
    def claim(self, consumer: str, event_id: str) -> bool: ...
    def commit(self) -> None: ...


@overload
def consume(unit_of_work: Callable[[], ClaimingUnitOfWork], event: ReceivedEvent, *,
            apply: Callable[[Any, Answer], Result],
            read: Callable[[Any], Question],
            ask: Callable[[Question], Answer]) -> Result | None: ...


@overload
def consume(unit_of_work: Callable[[], ClaimingUnitOfWork], event: ReceivedEvent, *,
            apply: Callable[[Any, None], Result]) -> Result | None: ...


def consume(unit_of_work: Callable[[], ClaimingUnitOfWork], event: ReceivedEvent, *,
            apply: Callable[[Any, Any], Result],
            read: Callable[[Any], Any] | None = None,
            ask: Callable[[Any], Any] | None = None) -> Result | None:
    """Apply ``event`` once; None when this consumer has processed it already.

    With ``read`` and ``ask``, ``apply(uow, answer)`` gets what ``ask`` answered
    about what ``read`` found; without them, ``apply(uow, None)``. ``apply``
    must re-read what it changes: the world may have moved while ``ask`` waited.
    """
    answer: Any = None
    if read is not None:
        if ask is None:
            raise TypeError("consume: read without ask")
        with unit_of_work() as uow:
            if uow.processed(event.consumer, event.id):
                return None
            question = read(uow)
        answer = ask(question)
    with unit_of_work() as uow:
        if not uow.claim(event.consumer, event.id):
            return None
        result = apply(uow, answer)
        uow.commit()
        return result
