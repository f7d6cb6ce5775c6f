"""Asking the consent service, failing closed.

Any service that shares client information asks through ``ConsentGate``. An
answer that does not come within the timeout, or any error, is ``None``:
the caller must treat it as a deny and may ask again later.
"""
from __future__ import annotations

import eventlet
from nameko.rpc import RpcProxy

from tiimi_shared.logging import get_logger

log = get_logger(__name__)

DEFAULT_TIMEOUT = 3.0


class ConsentGate(RpcProxy):
    def __init__(self, **kwargs):
        super().__init__("consent", **kwargs)

    def get_dependency(self, worker_ctx) -> Gate:
        timeout = float(self.container.config.get("CONSENT_TIMEOUT", DEFAULT_TIMEOUT))
        return Gate(super().get_dependency(worker_ctx), timeout)


class Gate:
    def __init__(self, consent, timeout: float):
        self._consent = consent
        self._timeout = timeout

    def decide(self, client_id: str, requests: list[dict]) -> list[dict] | None:
        """The consent service's decisions, in order; None if it could not answer."""
        try:
            reply = self._consent.check_many.call_async(client_id=client_id, requests=requests)
            with eventlet.Timeout(self._timeout):
                answer = reply.result()
        except eventlet.Timeout:
            log.warning("consent service did not answer in time; treating as deny",
                        timeout_seconds=self._timeout)
            return None
        except Exception as error:
            log.warning("consent service could not be asked; treating as deny",
                        error=type(error).__name__)
            return None
        if "errors" in answer:
            return None
        return answer["decisions"]

    def permits_all(self, client_id: str, requests: list[dict]) -> bool | None:
        """True if every request is permitted, False if any is denied, None if unknown."""
        decisions = self.decide(client_id, requests)
        if decisions is None:
            return None
        return all(d["decision"] == "permit" for d in decisions)
