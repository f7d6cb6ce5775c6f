"""Commands that are safe to repeat: a repeat with the same key gets the first answer and changes nothing.

An RPC that creates or changes something is declared with ``@command(...)``
instead of ``@rpc(...)``. Its key is the ``idempotency_key`` the caller passes
(taken out of the arguments before the method sees them), or else the AMQP
request's ``correlation_id``, which a redelivery of the same request keeps: nameko
acknowledges a request only once it has replied, so a request in flight when its
service died is delivered again.

The operation is ``<service>.<method>``; the fingerprint is a hash of the other
arguments. Before the method runs its key is looked up in the service's
``command_keys`` table: found with another fingerprint, the call is refused
(a ``ValidationError`` on ``idempotency_key``) and nothing changes; found, its
stored answer is given and nothing runs. Otherwise the method runs with its
worker's commits held in one transaction (``tiimi_shared.database.Held``), and
the key and the answer are inserted into that transaction, which then commits
once: the effect, its events and the answer are kept together or not at all. A
method that raises leaves nothing. Two deliveries of one request running at
once collide on the table's primary key: the second rolls back and answers as
the first did.

Where the service seals personal data at rest (team, referral, notify), the
stored answer is sealed too (``kernel_tables(..., sealed_answers=True)`` in its
models; ``rotate-keys`` re-seals it). Keys are kept ``TIIMI_COMMAND_KEY_DAYS``
(7 by default), then the ``Database`` dependency's sweep deletes them: a request
repeated after that is no longer known and is carried out as a new one.

The names callers need (``IDEMPOTENCY_KEY``, ``COMMANDS``) come without the
database: the gateway imports them and never loads SQLAlchemy.
"""
from __future__ import annotations

import functools
import hashlib
import json
import os
import signal
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from kombu.utils import json as kombu_json
from nameko.containers import WorkerContext

from tiimi_shared.clock import wall_clock
from tiimi_shared.entrypoints import Rpc
from tiimi_shared.errors import ValidationError
from tiimi_shared.logging import get_logger

if TYPE_CHECKING:
    from tiimi_shared.database import WorkerDatabase

log = get_logger(__name__)

IDEMPOTENCY_KEY = "idempotency_key"
MAX_KEY_LENGTH = 200  # the column's width
ALREADY_USED = "already used for a different request"

# The request's correlation id, put among the arguments by ``Command.handle_message``
# for the wrapper to take out again: the only way nameko hands a message's
# properties to the worker without also passing them on to every call it makes.
_DELIVERY = "__tiimi_delivery_id"

# For tests only: "<service>.<method>:<point>" makes the process kill itself
# (SIGKILL, no clean-up) at that point of that command, to show what a crash
# there leaves. Points: before_commit (the effect flushed, nothing committed)
# and after_commit (committed, no answer sent). Unset, nothing happens.
FAULT_POINT = "TIIMI_FAULT_POINT"

# The RPCs declared with ``@command``, by service: callers that pass a key (the
# gateway) pass one only to these; a test checks the list against the services.
COMMANDS: dict[str, frozenset[str]] = {
    "consent": frozenset({"grant", "withdraw", "deny", "lift_denial", "disclose", "record_disclosure",
                          "record_access", "record_accesses", "record_statutory_disclosure",
                          "open_emergency_access", "record_emergency_reads", "review_emergency_access"}),
    "team": frozenset({"register_client", "reveal_personal_identity_code", "create_team", "add_member",
                       "remove_member", "hand_over", "change_team_status"}),
    "referral": frozenset({"create_referral", "change_status"}),
    "notify": frozenset({"set_preferences", "register_webhook", "rotate_webhook_secret", "mark_read",
                         "redeliver"}),
}

Method = TypeVar("Method", bound=Callable[..., Any])


def _as_is(answer: Any) -> Any:
    return answer


def _as_stored(service: Any, stored: Any) -> Any:
    return stored


@dataclass(frozen=True)
class Keeping:
    """How a command's answer is stored and given again, and which arguments its fingerprint leaves out."""

    kept: Callable[[Any], Any]
    recall: Callable[[Any, Any], Any]
    hidden: frozenset[str]


# The command each running worker carries out, for keys derived from it (``derived_key``).
_running: dict[WorkerContext, tuple[str, str]] = {}


class Command(Rpc):
    """The kernel's RPC entrypoint (``tiimi_shared.entrypoints``: a reply the broker is gone for leaves
    the request to be delivered again), handing the request's correlation id to the command's wrapper."""

    def handle_message(self, body: Any, message: Any) -> None:
        arguments = body.get("kwargs") if isinstance(body, dict) else None
        if isinstance(arguments, dict):
            arguments.pop(_DELIVERY, None)  # only the broker's own property is trusted
            correlation_id = message.properties.get("correlation_id")
            if correlation_id:
                arguments[_DELIVERY] = str(correlation_id)
        super().handle_message(body, message)


def command(*, expected_exceptions: type[Exception] | tuple[type[Exception], ...] = (),
            sensitive_arguments: str | Iterable[str] = (), kept: Callable[[Any], Any] | None = None,
            recall: Callable[[Any, Any], Any] | None = None) -> Callable[[Method], Method]:
    """``@rpc(...)`` for a method that creates or changes something: a repeat is answered, not run.

    An answer that holds what must not lie unencrypted in the table (a client's name, a
    signing secret) is stored as ``kept(answer)`` makes it, and a repeat is answered with
    ``recall(service, stored)`` (read again, say). ``sensitive_arguments`` (as nameko names
    them, ``<parameter>.<field>``) are redacted in nameko's logs and left out of the
    fingerprint, whose hash of a short value like a personal identity code could be reversed.
    """
    sensitive = (sensitive_arguments,) if isinstance(sensitive_arguments, str) else tuple(sensitive_arguments)
    hidden = frozenset(name.partition(".")[2] for name in sensitive)
    keeping = Keeping(kept=kept or _as_is, recall=recall or _as_stored, hidden=hidden)

    def decorate(method: Method) -> Method:
        @functools.wraps(method)
        def carry_out(self: Any, /, **arguments: Any) -> Any:
            # Positional only: an argument may be called anything, ``service`` included.
            return _carry_out(self, method, arguments, keeping)

        # nameko finds sensitive arguments by the wrapper's parameter names: its keywords are ``arguments``.
        entrypoint: Method = Command.decorator(
            expected_exceptions=expected_exceptions,
            sensitive_arguments=tuple(f"arguments.{name}" for name in sorted(hidden)))(carry_out)
        return entrypoint

    return decorate


def fingerprint(arguments: dict[str, Any]) -> str:
    """A hash of a request's arguments, the same for the same arguments in any order."""
    canonical = json.dumps(arguments, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                           default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def derived_key(worker_ctx: WorkerContext, *parts: object) -> str | None:
    """A key for a command this worker asks of another service, from the command it is carrying out.

    The same for every run of the same command (its retries and redeliveries) and ``parts``
    (what the call is about), so the other service answers a repeat without doing it twice.
    None if the worker is not carrying out a keyed command.
    """
    running = _running.get(worker_ctx)
    if running is None:
        return None
    return hashlib.sha256(json.dumps([*running, *map(str, parts)]).encode()).hexdigest()


def _carry_out(service: Any, method: Callable[..., Any], arguments: dict[str, Any], keeping: Keeping) -> Any:
    given = arguments.pop(IDEMPOTENCY_KEY, None)
    delivery = arguments.pop(_DELIVERY, None)
    key = given if given is not None else delivery
    db = _worker_database(service)
    if key is None or db is None:
        return method(service, **arguments)
    if not isinstance(key, str) or not 0 < len(key) <= MAX_KEY_LENGTH or "\x00" in key:
        raise ValidationError({IDEMPOTENCY_KEY: [
            f"must be text of 1 to {MAX_KEY_LENGTH} characters, no NUL"]})
    operation = f"{service.name}.{method.__name__}"
    asked = fingerprint({name: value for name, value in arguments.items() if name not in keeping.hidden})

    def first_answer(first: Any) -> Any:
        if first.fingerprint != asked:
            raise ValidationError({IDEMPOTENCY_KEY: [ALREADY_USED]})
        # Stored as kombu wrote it, so it is read back as a reply would have been.
        return keeping.recall(service, kombu_json.loads(json.dumps(first.answer)))

    first = db.recorded(operation, key)
    if first is not None:
        log.info("command repeated; answered as the first time", operation=operation)
        return first_answer(first)
    _running[db.worker_ctx] = (operation, key)
    try:
        return _run_held(db, service, method, arguments, operation, key, asked, keeping.kept, first_answer)
    finally:
        _running.pop(db.worker_ctx, None)


def _run_held(db: WorkerDatabase, service: Any, method: Callable[..., Any], arguments: dict[str, Any],
              operation: str, key: str, asked: str, kept: Callable[[Any], Any],
              first_answer: Callable[[Any], Any]) -> Any:
    from sqlalchemy.exc import IntegrityError

    with db.command() as held:
        try:
            answer = method(service, **arguments)
        except Exception:
            held.abandon()
            # Another delivery of the same request may have done it meanwhile (and this
            # one then found the state already changed): its answer is the answer.
            first = db.recorded(operation, key)
            if first is None:
                raise
            return first_answer(first)
        if not held.changed:
            return answer  # nothing was written: a repeat may simply decide again
        _fault(operation, "before_commit")
        try:
            held.finish(db.command_keys.insert().values(
                operation=operation, key=key, fingerprint=asked, answer=_storable(kept(answer)),
                recorded_at=wall_clock()))
        except IntegrityError:
            first = db.recorded(operation, key)
            if first is None:
                raise
            log.info("command delivered twice at once; answered as the first", operation=operation)
            return first_answer(first)
        _fault(operation, "after_commit")
        return answer


def _storable(answer: Any) -> Any:
    """The answer as plain JSON, written as the reply is (kombu keeps dates and the like typed)."""
    return json.loads(kombu_json.dumps(answer))


def _worker_database(service: Any) -> WorkerDatabase | None:
    from tiimi_shared.database import WorkerDatabase

    found = [value for value in vars(service).values() if isinstance(value, WorkerDatabase)]
    return found[0] if len(found) == 1 else None


def _fault(operation: str, point: str) -> None:
    """For tests only (see ``FAULT_POINT``): die here if told to."""
    if os.environ.get(FAULT_POINT) == f"{operation}:{point}":
        os.kill(os.getpid(), signal.SIGKILL)
