"""Where the tests find RabbitMQ and PostgreSQL.

In order of preference:

1. a Docker engine answers: testcontainers starts RabbitMQ (with the management plugin)
   and PostgreSQL for the run, from the images deploy/local/images.py builds from
   Debian's packages (built first when missing; no image registry is needed), each on
   the host's network on free ports. ``TIIMI_TEST_CONTAINERS=0`` skips this;
2. otherwise the servers named by environment variables, or on localhost:
   ``TIIMI_TEST_AMQP_URI`` (amqp://guest:guest@127.0.0.1:5672/),
   ``TIIMI_TEST_RABBIT_API`` (http://guest:guest@127.0.0.1:15672),
   ``TIIMI_TEST_POSTGRES_URL`` (postgresql://postgres@127.0.0.1:5432/postgres).

The run's summary says which it used. If neither answers, tests that need them fail with
a message saying how to start them. Nothing is skipped.
"""
from __future__ import annotations

import importlib.util
import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
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
    source: str = "local services"  # what the run used, for its summary
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


# The repository's root, where deploy/local/images.py holds the recipes of the test images.
ROOT = Path(__file__).resolve().parents[3]
LABEL = "tiimi.tests.pid"  # on each test container: the test run's process, to clear up after a crash


def _free_ports(count: int) -> list[int]:
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [int(sock.getsockname()[1]) for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def local_images() -> dict[str, str]:
    """The RabbitMQ and PostgreSQL images built from Debian's packages ({name: tag}), built now if missing."""
    recipes = ROOT / "deploy" / "local" / "images.py"
    if not recipes.exists():
        raise InfrastructureMissing(f"{recipes} is missing: the test images cannot be built")
    spec = importlib.util.spec_from_file_location("tiimi_local_images", recipes)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look themselves up there
    spec.loader.exec_module(module)
    try:
        tags: dict[str, str] = module.ensure(
            ["rabbitmq", "postgres"], say=lambda text: print(f"tiimi tests: {text}", file=sys.stderr))
    except SystemExit as failed:  # the builder's own message (debootstrap missing, a build failed)
        raise InfrastructureMissing(f"{failed} (TIIMI_TEST_CONTAINERS=0 uses the local services)") from None
    return tags


def _clear_abandoned(client: Any) -> None:
    """Remove test containers whose test run is gone (killed before it could stop them)."""
    for container in client.containers.list(all=True, filters={"label": LABEL}):
        pid = int(container.labels.get(LABEL, "0"))
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            container.remove(force=True)
        except PermissionError:
            pass


def _from_containers() -> Infrastructure:
    # The reaper testcontainers would start comes from a registry; the run removes its own
    # containers instead (close(), and _clear_abandoned on the next run after a crash).
    os.environ.setdefault("TESTCONTAINERS_RYUK_DISABLED", "true")
    import docker
    from testcontainers.core.container import DockerContainer

    _clear_abandoned(docker.from_env())
    images = local_images()
    amqp, api, dist, epmd, postgres_port = _free_ports(5)
    labels = {LABEL: str(os.getpid())}
    node = f"tiimi-tests-{amqp}@localhost"
    management = f"-rabbitmq_management tcp_config [{{port,{api}}}]"
    rabbit = (DockerContainer(images["rabbitmq"])
              .with_name(f"tiimi-tests-rabbitmq-{amqp}")
              .with_envs(RABBITMQ_NODENAME=node, RABBITMQ_NODE_PORT=str(amqp), RABBITMQ_DIST_PORT=str(dist),
                         ERL_EPMD_PORT=str(epmd),
                         RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS=management)
              .with_kwargs(network_mode="host", labels=labels))
    postgres = (DockerContainer(images["postgres"])
                .with_name(f"tiimi-tests-postgres-{postgres_port}")
                .with_envs(PGPORT=str(postgres_port), POSTGRES_PASSWORD="tiimi-tests",
                           POSTGRES_LISTEN_ADDRESSES="127.0.0.1")
                .with_kwargs(network_mode="host", labels=labels))
    infra = Infrastructure(
        amqp_uri=f"amqp://guest:guest@127.0.0.1:{amqp}/",
        rabbit_api=f"http://guest:guest@127.0.0.1:{api}",
        postgres_url=database_url(f"postgresql://postgres:tiimi-tests@127.0.0.1:{postgres_port}/postgres"),
        source=f"testcontainers: {images['rabbitmq']} on :{amqp}, {images['postgres']} on :{postgres_port}",
    )
    for container in (rabbit, postgres):
        container.start()
        infra._containers.append(container)
    infra.rabbitmqctl = ["docker", "exec", rabbit.get_wrapped_container().id, "rabbitmqctl"]
    deadline = time.monotonic() + 120
    while problems := check(infra):
        if time.monotonic() > deadline:
            infra.close()
            raise InfrastructureMissing("the test containers did not answer in 120 s: " + "; ".join(problems))
        time.sleep(1)
    return infra


def _from_environment() -> Infrastructure:
    ctl = shutil.which("rabbitmqctl")
    amqp_uri = os.environ.get("TIIMI_TEST_AMQP_URI", "amqp://guest:guest@127.0.0.1:5672/")
    postgres_url = database_url(os.environ.get(
        "TIIMI_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"))
    return Infrastructure(
        amqp_uri=amqp_uri,
        rabbit_api=os.environ.get("TIIMI_TEST_RABBIT_API", "http://guest:guest@127.0.0.1:15672"),
        postgres_url=postgres_url,
        rabbitmqctl=[ctl] if ctl else None,
        source=f"local services: RabbitMQ at {_host(urlsplit(amqp_uri))}, "
               f"PostgreSQL at {_host(urlsplit(postgres_url))}",
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
