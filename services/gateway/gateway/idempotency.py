"""The ``Idempotency-Key`` of a request that changes something, and the keys it gives each command.

A client sends the header (as with Stripe's API) so that a request it repeats,
not knowing whether the first arrived, is answered as the first time and changes
nothing; without one, the gateway makes one, and the request is protected only
against the broker delivering its commands twice. Each command the request asks
of a service gets a key of its own, derived from who asks (professional and
organisation), the header and the command, so two callers' keys never meet and
the command's answer is the first one on every repeat.
"""
from __future__ import annotations

import hashlib
import json
import re
import uuid
from collections import Counter
from collections.abc import Callable
from typing import Any

from gateway.auth import Principal
from gateway.problems import Problem
from tiimi_shared.idempotency import ALREADY_USED, COMMANDS, IDEMPOTENCY_KEY

HEADER = "Idempotency-Key"
# Commands that log a read and answer whether it may happen: never given the request's key, as a
# repeat must be decided again (a consent withdrawn since is in force for the very next read).
# Consent keys each by its own message, so only the broker's redelivery is answered from before.
DECIDED_AFRESH = frozenset({"consent.disclose", "consent.record_access", "consent.record_accesses",
                            "consent.record_emergency_reads"})
MAX_LENGTH = 200
# Printable ASCII without spaces: a UUID, a ULID or any token a client makes.
_WELL_FORMED = re.compile(rf"[\x21-\x7e]{{1,{MAX_LENGTH}}}")


def header_key(headers: Any) -> str:
    """The request's key as sent, or a new one; a problem naming the header if it is not well formed."""
    given = headers.get(HEADER)
    if given is None:
        return str(uuid.uuid4())
    if not _WELL_FORMED.fullmatch(given):
        raise Problem(400, "Invalid request", f"the {HEADER} header is not valid",
                      errors={HEADER: [f"must be 1 to {MAX_LENGTH} printable characters without spaces"]})
    return str(given)


class RequestKey:
    """One request's key, handing out a key for each command the request asks for."""

    def __init__(self, principal: Principal, header: str):
        self.header = header
        self._caller = [principal.subject, principal.organisation]
        self._asked: Counter[str] = Counter()

    def for_command(self, operation: str) -> str:
        """The key of the next call of ``operation`` in this request: the same on every repeat of it."""
        self._asked[operation] += 1
        parts = [*self._caller, self.header, operation, self._asked[operation]]
        return hashlib.sha256(json.dumps(parts).encode()).hexdigest()


class Keyed:
    """A service behind the gateway whose commands carry the request's keys; other calls go as they are."""

    def __init__(self, remote: Any, service: str, key: RequestKey | None):
        self._remote = remote
        self._service = service
        self._key = key

    def __getattr__(self, method: str) -> Callable[..., Any]:
        call: Callable[..., Any] = getattr(self._remote, method)
        key, operation = self._key, f"{self._service}.{method}"
        if key is None or method not in COMMANDS.get(self._service, ()) or operation in DECIDED_AFRESH:
            return call

        def keyed(**arguments: Any) -> Any:
            return call(**arguments, **{IDEMPOTENCY_KEY: key.for_command(operation)})

        return keyed


def reused(error: Exception) -> Problem | None:
    """The problem for a command that refused its key as used for another request, if ``error`` is that."""
    errors = getattr(error, "errors", None)
    if not isinstance(errors, dict) or ALREADY_USED not in errors.get(IDEMPOTENCY_KEY, ()):
        return None
    return Problem(422, "Unprocessable content",
                   f"this {HEADER} was already used for a different request; use a new key for a new request",
                   errors={HEADER: errors[IDEMPOTENCY_KEY]})
