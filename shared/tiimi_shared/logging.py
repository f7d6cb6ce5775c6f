"""JSON logs, one event a line, with personal data taken out.

Every line carries the service name and, inside a worker, the correlation id
that follows a request across RPC calls and events. The redaction step runs
last before rendering, so it also cleans exception text and records that come
from libraries through the standard ``logging`` module. Tracebacks are
rendered as structured frames without local variables.
"""
from __future__ import annotations

import logging
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

# structlog looks for rich (which brings pygments), better_exceptions and colorama
# as it is imported, to draw tracebacks and colours on a developer's console. Our
# lines are JSON and tracebacks are dicts without local variables, which use none
# of them; a running service would only carry them in its memory (rich and
# pygments come into the development environment with the test tools).
CONSOLE_ONLY = ("rich", "pygments", "better_exceptions", "colorama")


@contextmanager
def _without(names: tuple[str, ...]) -> Iterator[None]:
    """Inside: importing any of ``names`` fails as if it were not installed."""
    hidden = [name for name in names if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]  # the import system's "not found"
    try:
        yield
    finally:
        for name in hidden:
            if sys.modules.get(name, ...) is None:
                del sys.modules[name]


with _without(CONSOLE_ONLY):
    import structlog
    from structlog.tracebacks import ExceptionDictTransformer
    from structlog.typing import EventDict, Processor

REDACTED = "[redacted]"

# Keys whose values are personal data wherever they appear in a log event.
PERSONAL_KEYS = frozenset(
    {
        "personal_identity_code", "hetu", "henkilotunnus", "ssn",
        "name", "first_name", "last_name", "full_name", "given_name", "family_name",
        "representative_name", "email", "email_address", "phone", "phone_number",
        "mobile", "address", "street_address", "postal_address", "contact",
        "contact_details", "date_of_birth", "birth_date",
    }
)

# Finnish personal identity code: ddmmyy, century sign (including the signs
# added in 2023), individual number, check character.
_HETU = re.compile(r"(?<![0-9A-Za-z])\d{6}[-+ABCDEFUVWXY]\d{3}[0-9A-Y](?![0-9A-Za-z])", re.I)
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
# International (+358 40 123 4567) or national (040-1234567) phone numbers;
# anchored so that dates, uuids and durations are left alone, and not a
# business ID (0123456-7), which names an organisation, not a person.
_PHONE = re.compile(
    r"(?<![\w\-.:])(?!\d{7}-\d(?![\w-]))(?:\+\d{1,3}[ -]?|0)\d{1,3}(?:[ -]?\d){5,10}(?![\w\-])")


def has_identity_code(text: str) -> bool:
    """True if ``text`` holds something shaped like a personal identity code."""
    return _HETU.search(text) is not None


def redact_text(text: str) -> str:
    text = _HETU.sub(REDACTED, text)
    text = _EMAIL.sub(REDACTED, text)
    return _PHONE.sub(REDACTED, text)


def _redact(value: Any, key: str | None = None) -> Any:
    if key is not None and key.lower() in PERSONAL_KEYS:
        return REDACTED
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, dict):
        return {k: _redact(v, str(k)) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_redact(v) for v in value]
    return value


def redact_personal_data(_logger: Any, _method: str, event_dict: EventDict) -> EventDict:
    """structlog processor: remove personal data from every field."""
    return {key: _redact(value, key) for key, value in event_dict.items()}


def _add_service(service: str) -> Processor:
    def processor(_logger: Any, _method: str, event_dict: EventDict) -> EventDict:
        event_dict.setdefault("service", service)
        return event_dict

    return processor


def _shared_processors(service: str) -> list[Processor]:
    return [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        _add_service(service),
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.StackInfoRenderer(),
        structlog.processors.ExceptionRenderer(ExceptionDictTransformer(show_locals=False)),
        structlog.processors.UnicodeDecoder(),
        redact_personal_data,
    ]


def configure(service: str, level: str = "INFO", stream: Any = None) -> None:
    """Set up logging for a service process; call once at start-up."""
    stream = sys.stdout if stream is None else stream
    shared = _shared_processors(service)
    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            *shared,
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=False,
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        # Records from libraries (nameko, kombu) go through the same steps.
        foreign_pre_chain=shared,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.JSONRenderer(sort_keys=True, default=str),
        ],
    )
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # kombu and amqp are chatty at INFO about every reconnect attempt.
    for noisy in ("kombu", "amqp"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, logging.getLevelName(level)))


def get_logger(name: str | None = None) -> Any:
    return structlog.get_logger(name)


def bind_correlation_id(correlation_id: str) -> None:
    structlog.contextvars.bind_contextvars(correlation_id=correlation_id)


def clear_context() -> None:
    structlog.contextvars.clear_contextvars()
