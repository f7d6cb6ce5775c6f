"""Asking the consent service, failing closed.

Any service that shares client information asks through ``ConsentGate``. An
answer that does not come within the timeout, or any error, is ``None``:
the caller must treat it as a deny and may ask again later.
"""
from __future__ import annotations

from typing import Any

from nameko.containers import WorkerContext
from nameko.exceptions import RpcTimeout
from nameko.rpc import RpcProxy

from tiimi_shared.idempotency import IDEMPOTENCY_KEY, derived_key
from tiimi_shared.logging import get_logger
from tiimi_shared.rpc import call
from tiimi_shared.vocabulary import Outcome

log = get_logger(__name__)

DEFAULT_TIMEOUT = 3.0


class ConsentGate(RpcProxy):
    def __init__(self, **kwargs: Any):
        super().__init__("consent", **kwargs)

    def get_dependency(self, worker_ctx: WorkerContext) -> Gate:
        timeout = float(self.container.config.get("CONSENT_TIMEOUT", DEFAULT_TIMEOUT))
        return Gate(super().get_dependency(worker_ctx), timeout, worker_ctx)


class Gate:
    def __init__(self, consent: Any, timeout: float, worker_ctx: WorkerContext | None = None):
        # ``consent`` is nameko's proxy of the consent service.
        self._consent = consent
        self._timeout = timeout
        self._worker_ctx = worker_ctx

    def _key(self, method: str, *about: object) -> dict[str, str]:
        """The idempotency key for a command asked of consent while this worker carries out its own.

        Derived from that command's key and what is asked, so that the command's retry (or
        its redelivery after a crash) asks with the same key and is answered, not done again.
        Outside a keyed command, none: consent keys the call by its own message.
        """
        key = derived_key(self._worker_ctx, f"consent.{method}", *about) if self._worker_ctx else None
        return {IDEMPOTENCY_KEY: key} if key is not None else {}

    def _ask(self, method: str, **arguments: Any) -> Any:
        """The answer, or None if there was none in time or the call failed."""
        try:
            return call(self._consent, method, self._timeout, **arguments)
        except RpcTimeout:
            log.warning("consent service did not answer in time; treating as deny",
                        method=method, timeout_seconds=self._timeout)
        except Exception as error:
            log.warning("consent service could not be asked; treating as deny",
                        method=method, error=type(error).__name__)
        return None

    def decide(self, client_id: str, requests: list[dict[str, Any]]) -> list[dict[str, Any]] | None:
        """The consent service's decisions, in order; None if it could not answer."""
        answer = self._ask("check_many", client_id=client_id, requests=requests)
        if answer is None or "errors" in answer:
            return None
        decisions: list[dict[str, Any]] = answer["decisions"]
        return decisions

    def permits_all(self, client_id: str, requests: list[dict[str, Any]]) -> bool | None:
        """True if every request is permitted, False if any is denied, None if unknown."""
        decisions = self.decide(client_id, requests)
        if decisions is None:
            return None
        return all(d["decision"] == Outcome.PERMIT for d in decisions)

    def record_disclosure(self, client_id: str, consent_id: str, request: dict[str, Any]) -> bool:
        """Log a disclosure about to happen; False if it is no longer permitted or cannot be logged.

        The consent service decides again when it logs, so a consent withdrawn
        since ``decide`` stops the disclosure here.
        """
        key = self._key("record_disclosure", client_id, consent_id, *sorted(request.items()))
        return self._ask("record_disclosure", client_id=client_id, consent_id=consent_id,
                         **request, **key) is not None
