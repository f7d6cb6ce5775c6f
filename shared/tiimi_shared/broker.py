"""Is the broker there? One probe for the runner, readiness, the gateway and the tools."""
from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from kombu.connection import Connection

START_RABBITMQ = (
    "start it with `rabbitmq-server -detached` (Debian package rabbitmq-server) "
    "or `docker run -d --name rabbitmq -p 5672:5672 -p 15672:15672 rabbitmq:3-management`"
)


def masked(uri: str) -> str:
    """A URL fit for a log line or a message: the password hidden."""
    parts = urlsplit(uri)
    if parts.password:
        netloc = parts.netloc.replace(":" + parts.password + "@", ":***@")
        return urlunsplit(parts._replace(netloc=netloc))
    return uri


def broker_problem(amqp_uri: str, timeout: float = 3.0) -> str | None:
    """None if the broker answers, else one line saying what to do."""
    try:
        with Connection(amqp_uri, connect_timeout=timeout) as connection:
            connection.ensure_connection(max_retries=1)
    except Exception as error:
        return (f"tiimi: RabbitMQ is not reachable at {masked(amqp_uri)} "
                f"({type(error).__name__}); {START_RABBITMQ}")
    return None
