"""In-memory stand-ins for the unit of work and the ports, for use-case tests.

Use cases take a unit-of-work factory and their ports (the clock's time, the
consent gate, other services) as arguments. Their tests pass these fakes and
need no broker and no database:

    uow = TeamUnitOfWork()                 # a service's subclass with fake repositories
    gate = FakeConsentGate().permit(client_id, "ngo-1", ["basic", "team"], "team_coordination")
    use_cases.add_member(uow, command, gate=gate, now=NOW)
    assert uow.published_types() == ["member_added"]

The fake outbox validates each event against the real catalogue, exactly as
the SQL outbox does, so a use case that would write a bad payload fails here.
Repository changes are not undone by a rollback (as in most in-memory fakes);
what a rollback does discard is the outbox and the claims, so tests assert
on ``commits`` and on published events.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from tiimi_shared import contracts
from tiimi_shared.events import EventRegistry, EventType
from tiimi_shared.vocabulary import Outcome

FIXED_NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


class FakeClock:
    """The injected clock for unit tests: stands still until moved."""

    def __init__(self, now: datetime = FIXED_NOW):
        self._now = now

    def __call__(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta) -> datetime:
        self._now += delta
        return self._now


class InMemoryOutbox:
    """Collects events; validates each against the catalogue as the SQL outbox does."""

    def __init__(self, registry: EventRegistry, source: str, now: Callable[[], datetime]):
        self._registry = registry
        self._source = source
        self._now = now
        self.added: list[dict[str, Any]] = []

    def add(self, event: EventType | str, data: dict[str, Any]) -> dict[str, Any]:
        name = event.name if isinstance(event, EventType) else event
        envelope = self._registry.make(name, data, source=self._source, occurred_at=self._now())
        self.added.append(envelope)
        return envelope


class InMemoryUnitOfWork:
    """A unit of work with no database. Call it for itself: it is its own factory.

    ``with uow() as u: ...; u.commit()`` publishes what the block added to
    ``published`` and keeps its claims; leaving without ``commit()`` drops both.
    A service's test subclass adds its fake repositories in ``__init__``.
    """

    correlation_id: str | None = None

    def __init__(self, *, source: str, registry: EventRegistry = contracts.registry,
                 now: Callable[[], datetime] = lambda: FIXED_NOW,
                 extra_outboxes: dict[str, EventRegistry] | None = None):
        self._source = source
        self._registry = registry
        self._now = now
        self._extras = extra_outboxes or {}
        self.published: list[dict[str, Any]] = []
        self.published_to: dict[str, list[dict[str, Any]]] = {name: [] for name in self._extras}
        self.processed_events: set[tuple[str, str]] = set()
        self._claims: set[tuple[str, str]] = set()
        self.commits = 0
        self.entered = 0
        self._open = False
        self._new_outboxes()

    def _new_outboxes(self) -> None:
        self.outbox = InMemoryOutbox(self._registry, self._source, self._now)
        for attribute, registry in self._extras.items():
            setattr(self, attribute, InMemoryOutbox(registry, self._source, self._now))
        self._claims = set()

    def __call__(self) -> InMemoryUnitOfWork:
        return self

    def __enter__(self) -> Any:
        if self._open:
            raise RuntimeError("a unit of work was opened inside another")
        self._open = True
        self.entered += 1
        self._new_outboxes()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._open = False
        self._new_outboxes()  # whatever was not committed is gone

    def commit(self) -> None:
        self.commits += 1
        self.published.extend(self.outbox.added)
        for attribute in self._extras:
            self.published_to[attribute].extend(getattr(self, attribute).added)
        self.processed_events |= self._claims
        self._new_outboxes()

    def rollback(self) -> None:
        self._new_outboxes()

    def processed(self, consumer: str, event_id: str) -> bool:
        return (consumer, str(event_id)) in self.processed_events

    def claim(self, consumer: str, event_id: str) -> bool:
        key = (consumer, str(event_id))
        if key in self.processed_events or key in self._claims:
            return False
        self._claims.add(key)
        return True

    def flush(self) -> None:
        """Nothing to flush: kept so use cases may flush the SQL session between inserts."""

    # -- what tests ask -----------------------------------------------------------------

    def published_types(self) -> list[str]:
        return [envelope["type"] for envelope in self.published]

    def published_data(self, event: EventType | str) -> list[dict[str, Any]]:
        name = event.name if isinstance(event, EventType) else event
        return [envelope["data"] for envelope in self.published if envelope["type"] == name]


@dataclass
class FakeConsentGate:
    """The consent port: permits exactly what a test says, and remembers what it was asked.

    ``available=False`` makes it answer as an unreachable consent service does:
    ``None`` from ``decide`` and ``permits_all``, False from ``record_disclosure``.
    """

    available: bool = True
    permitted: set[tuple[str, str, str, str]] = field(default_factory=set)
    denied_reason: str = "no_consent"
    asked: list[tuple[str, list[dict[str, Any]]]] = field(default_factory=list)
    disclosures: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)
    consent_id: str = "00000000-0000-4000-8000-00000000c0de"

    def permit(self, client_id: str, organisation: str, categories: Iterable[str],
               purpose: str) -> FakeConsentGate:
        for category in categories:
            self.permitted.add((str(client_id), organisation, category, purpose))
        return self

    def revoke(self, client_id: str, organisation: str) -> FakeConsentGate:
        self.permitted = {p for p in self.permitted if p[:2] != (str(client_id), organisation)}
        return self

    def _decision(self, client_id: str, request: dict[str, Any]) -> dict[str, Any]:
        key = (str(client_id), request["organisation"], request["category"], request["purpose"])
        if key in self.permitted:
            return {"decision": Outcome.PERMIT, "reason": "consent", "consent_id": self.consent_id,
                    "request": request}
        return {"decision": Outcome.DENY, "reason": self.denied_reason, "consent_id": None,
                "request": request}

    def decide(self, client_id: str, requests: list[dict[str, Any]]) -> list[dict[str, Any]] | None:
        self.asked.append((str(client_id), list(requests)))
        if not self.available:
            return None
        return [self._decision(client_id, request) for request in requests]

    def permits_all(self, client_id: str, requests: list[dict[str, Any]]) -> bool | None:
        decisions = self.decide(client_id, requests)
        if decisions is None:
            return None
        return all(d["decision"] == Outcome.PERMIT for d in decisions)

    def record_disclosure(self, client_id: str, consent_id: str, request: dict[str, Any]) -> bool:
        if not self.available or self._decision(client_id, request)["decision"] != Outcome.PERMIT:
            return False
        self.disclosures.append((str(client_id), consent_id, dict(request)))
        return True


class FakeService:
    """Another service reached over RPC: answers from the functions a test gives, records each call.

    ``FakeService(get_team=lambda **kw: {...})``; a method given as an
    exception instance raises it, as a remote error would arrive.
    """

    def __init__(self, **answers: Any):
        self._answers = answers
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def __getattr__(self, method: str) -> Callable[..., Any]:
        if method.startswith("_") or method not in self._answers:
            raise AttributeError(method)

        def call(**kwargs: Any) -> Any:
            self.calls.append((method, kwargs))
            answer = self._answers[method]
            if isinstance(answer, BaseException):
                raise answer
            return answer(**kwargs) if callable(answer) else answer

        return call
