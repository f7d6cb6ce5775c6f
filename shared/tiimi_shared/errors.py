"""Error types that cross service boundaries.

Each is registered with nameko so that a caller importing this kernel gets the
same type back from a remote call, with its fields intact, instead of a bare
``RemoteError``: nameko rebuilds a registered exception from its ``args``, so
``args`` hold exactly the constructor's arguments. Messages name fields and
states, never personal data.
"""
from __future__ import annotations

from typing import Any

from nameko.exceptions import deserialize_to_instance


class TiimiError(Exception):
    message: str = ""

    def __str__(self) -> str:
        return self.message


@deserialize_to_instance
class ValidationError(TiimiError):
    """Input was refused; ``errors`` maps each failing field to its messages."""

    def __init__(self, errors: dict[str, Any]):
        super().__init__(errors)
        self.errors = errors
        self.message = "invalid input: " + "; ".join(
            f"{field}: {_flatten(messages)}" for field, messages in sorted(errors.items())
        )


@deserialize_to_instance
class NotFound(TiimiError):
    def __init__(self, kind: str, identifier: str):
        super().__init__(kind, identifier)
        self.kind = kind
        self.identifier = identifier
        self.message = f"{kind} {identifier} not found"


@deserialize_to_instance
class Conflict(TiimiError):
    """The request does not fit the current state of the thing it changes."""

    def __init__(self, message: str, current_state: str | None = None,
                 allowed: list[str] | None = None):
        super().__init__(message, current_state, allowed)
        self.current_state = current_state
        self.allowed = list(allowed or [])
        self.message = message


@deserialize_to_instance
class Forbidden(TiimiError):
    """The caller's organisation has no part in the thing it asks about or changes."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@deserialize_to_instance
class Unavailable(TiimiError):
    """Something this answer depends on did not answer; nothing was changed. Try again."""

    def __init__(self, message: str, dependency: str):
        super().__init__(message, dependency)
        self.message = message
        self.dependency = dependency


EXPECTED = (ValidationError, NotFound, Conflict, Forbidden, Unavailable)


def _flatten(messages: Any) -> str:
    if isinstance(messages, dict):
        return "; ".join(f"{k}: {_flatten(v)}" for k, v in messages.items())
    if isinstance(messages, (list, tuple)):
        return " ".join(_flatten(m) for m in messages)
    return str(messages)


def from_marshmallow(error: Any) -> ValidationError:
    """A marshmallow ValidationError as ours, keyed by field."""
    messages = error.messages if isinstance(error.messages, dict) else {"_schema": error.messages}
    return ValidationError(messages)
