"""Where the tests find RabbitMQ and PostgreSQL.

In order of preference:

1. a Docker engine answers: testcontainers starts RabbitMQ (with the
   management plugin) and PostgreSQL for the run;
2. otherwise the servers named by environment variables, or on localhost:
   ``TIIMI_TEST_AMQP_URI`` (amqp://guest:guest@127.0.0.1:5672/),
   ``TIIMI_TEST_RABBIT_API`` (http://guest:guest@127.0.0.1:15672),
   ``TIIMI_TEST_POSTGRES_URL`` (postgresql://postgres@127.0.0.1:5432/postgres).

If neither answers, tests that need them fail with a message saying how to
start them. Nothing is skipped.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import SplitResult, urlsplit, urlunsplit

import requests
import sqlalchemy as sa
from kombu.connection import Connection

from tiimi_shared.config import database_url

START_HINT = (
    "start them with `rabbitmq-server -detached && rabbitmq-plugins enable rabbitmq_management` and "
    "`pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start` "
    "(Debian), or point TIIMI_TEST_AMQP_URI, TIIMI_TEST_RABBIT_API and TIIMI_TEST_POSTGRES_URL at running "
    "servers, or run the tests where a Docker engine is available"
)


class InfrastructureMissing(RuntimeError):
    pass


@dataclass
class Infrastructure:
    amqp_uri: str
    rabbit_api: str
    postgres_url: str
    rabbitmqctl: list[str] | None = None
    _containers: list[Any] = field(default_factory=list)  # testcontainers' containers, to stop

    # -- RabbitMQ ---------------------------------------------------------

    def _api(self, method: str, path: str, **kw: Any) -> requests.Response:
        parts = urlsplit(self.rabbit_api)
        base = urlunsplit(parts._replace(netloc=_host(parts)))
        response = requests.request(method, base + "/api" + path,
                                    auth=(parts.username or "guest", parts.password or "guest"),
                                    timeout=10, **kw)
        response.raise_for_status()
        return response

    def api(self, method: str, path: str, **kw: Any) -> requests.Response:
        """A call to RabbitMQ's management API (``path`` after ``/api``); raises on an error status."""
        return self._api(method, path, **kw)

    def create_vhost(self) -> str:
        vhost = "tiimi_test_" + uuid.uuid4().hex[:12]
        user = urlsplit(self.amqp_uri).username or "guest"
        self._api("PUT", f"/vhosts/{vhost}")
        self._api("PUT", f"/permissions/{vhost}/{user}",
                  json={"configure": ".*", "write": ".*", "read": ".*"})
        return vhost

    def delete_vhost(self, vhost: str) -> None:
        self._api("DELETE", f"/vhosts/{vhost}")

    def amqp_uri_for(self, vhost: str, user: str | None = None, password: str | None = None) -> str:
        parts = urlsplit(self.amqp_uri)
        if user is not None:
            parts = parts._replace(netloc=f"{user}:{password}@{_host(parts)}")
        return urlunsplit(parts._replace(path="/" + vhost))

    def create_user(self, vhost: str, user: str, password: str, *, configure: str, write: str,
                    read: str) -> None:
        """A broker user with the given permission patterns on one vhost (delete it after)."""
        self._api("PUT", f"/users/{user}", json={"password": password, "tags": ""})
        self._api("PUT", f"/permissions/{vhost}/{user}",
                  json={"configure": configure, "write": write, "read": read})

    def delete_user(self, user: str) -> None:
        self._api("DELETE", f"/users/{user}")

    def broker_app(self, action: str) -> None:
        """Stop or start the broker's application (``rabbitmqctl stop_app``/``start_app``)."""
        if not self.rabbitmqctl:
            raise InfrastructureMissing(
                "rabbitmqctl is not available to stop and start the broker; install the "
                "rabbitmq-server package or run the tests with a Docker engine")
        subprocess.run([*self.rabbitmqctl, action], check=True, capture_output=True, timeout=120)
        if action == "start_app":
            subprocess.run([*self.rabbitmqctl, "await_startup"], check=True,
                           capture_output=True, timeout=120)

    # -- PostgreSQL -------------------------------------------------------

    def create_database(self) -> str:
        name = "tiimi_test_" + uuid.uuid4().hex[:12]
        engine = sa.create_engine(self.postgres_url, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
        engine.dispose()
        return urlunsplit(urlsplit(self.postgres_url)._replace(path="/" + name))

    def drop_database(self, url: str) -> None:
        name = urlsplit(url).path.lstrip("/")
        engine = sa.create_engine(self.postgres_url, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()

    def close(self) -> None:
        for container in self._containers:
            container.stop()


def _host(parts: SplitResult) -> str:
    """``host[:port]`` of a URL, without the user and password."""
    if parts.hostname is None:
        raise InfrastructureMissing(f"a {parts.scheme} URL without a host")
    return parts.hostname + (f":{parts.port}" if parts.port else "")


def _docker_engine_answers() -> bool:
    if os.environ.get("TIIMI_TEST_CONTAINERS") == "0":
        return False
    try:
        import docker

        docker.from_env(timeout=3).ping()
        return True
    except Exception:
        return False


def _from_containers() -> Infrastructure:
    from testcontainers.postgres import PostgresContainer
    from testcontainers.rabbitmq import RabbitMqContainer

    rabbit = RabbitMqContainer("rabbitmq:3.13-management").with_exposed_ports(5672, 15672)
    rabbit.start()
    postgres = PostgresContainer("postgres:16", driver="psycopg2")
    postgres.start()
    host = rabbit.get_container_host_ip()
    infra = Infrastructure(
        amqp_uri=f"amqp://guest:guest@{host}:{rabbit.get_exposed_port(5672)}/",
        rabbit_api=f"http://guest:guest@{host}:{rabbit.get_exposed_port(15672)}",
        postgres_url=database_url(postgres.get_connection_url()),
        rabbitmqctl=["docker", "exec", rabbit.get_wrapped_container().id, "rabbitmqctl"],
    )
    infra._containers = [rabbit, postgres]
    return infra


def _from_environment() -> Infrastructure:
    ctl = shutil.which("rabbitmqctl")
    return Infrastructure(
        amqp_uri=os.environ.get("TIIMI_TEST_AMQP_URI", "amqp://guest:guest@127.0.0.1:5672/"),
        rabbit_api=os.environ.get("TIIMI_TEST_RABBIT_API", "http://guest:guest@127.0.0.1:15672"),
        postgres_url=database_url(os.environ.get(
            "TIIMI_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")),
        rabbitmqctl=[ctl] if ctl else None,
    )


def check(infra: Infrastructure) -> list[str]:
    """What does not answer, one line each; empty when all is well."""
    problems = []
    try:
        with Connection(infra.amqp_uri, connect_timeout=3) as connection:
            connection.ensure_connection(max_retries=1)
    except Exception as error:
        problems.append(f"RabbitMQ does not answer at {infra.amqp_uri} ({type(error).__name__})")
    try:
        infra._api("GET", "/overview")
    except Exception as error:
        problems.append(f"RabbitMQ's management API does not answer at {infra.rabbit_api} "
                        f"({type(error).__name__}); enable it: rabbitmq-plugins enable rabbitmq_management")
    try:
        engine = sa.create_engine(infra.postgres_url)
        with engine.connect() as connection:
            connection.execute(sa.text("select 1"))
        engine.dispose()
    except Exception as error:
        problems.append(f"PostgreSQL does not answer at {infra.postgres_url} ({type(error).__name__})")
    return problems


def discover() -> Infrastructure:
    infra = _from_containers() if _docker_engine_answers() else _from_environment()
    problems = check(infra)
    if problems:
        raise InfrastructureMissing("; ".join(problems) + ". To run the tests, " + START_HINT)
    return infra
