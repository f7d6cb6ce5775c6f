"""A RabbitMQ node and a PostgreSQL cluster of the chaos run's own, which its faults may restart.

The machine's broker (5672) and database (5432) serve everyone else's tests at the same
time, so the run never touches them: it starts its own node and cluster on free ports,
with their data under a temporary directory, and removes both at the end.
"""

from __future__ import annotations

import os
import pwd
import random
import shutil
import socket
import subprocess
import time
from pathlib import Path

import requests

RABBIT_BIN = Path("/usr/lib/rabbitmq/bin")
RABBIT_HOME = Path("/var/lib/rabbitmq")  # where the packaged broker keeps its Erlang cookie


def free_port(avoid: set[int] | None = None) -> int:
    """A port nobody listens on (and not the Erlang distribution port of a broker on 5672)."""
    taken = (avoid or set()) | {25672, 5672, 15672, 5432}
    for _ in range(200):
        port = random.randint(30000, 60000)
        if port in taken:
            continue
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
        return port
    raise RuntimeError("no free port")


def free_ports(count: int) -> int:
    """The first of ``count`` consecutive free ports."""
    for _ in range(200):
        first = free_port()
        try:
            for port in range(first, first + count):
                with socket.socket() as probe:
                    probe.bind(("127.0.0.1", port))
            return first
        except OSError:
            continue
    raise RuntimeError("no free ports")


def _as_user(user: str, command: list[str], env: dict[str, str] | None = None) -> list[str]:
    """``command`` run as ``user`` when we are root (RabbitMQ and PostgreSQL refuse or dislike root)."""
    settings = [f"{key}={value}" for key, value in (env or {}).items()]
    if os.geteuid() == 0:
        return ["runuser", "-u", user, "--", "env", *settings, *command]
    return ["env", *settings, *command]


def _give(path: Path, user: str) -> None:
    if os.geteuid() == 0:
        account = pwd.getpwnam(user)
        for root, dirs, files in os.walk(path):
            for name in [
                root,
                *(os.path.join(root, d) for d in dirs),
                *(os.path.join(root, f) for f in files),
            ]:
                os.chown(name, account.pw_uid, account.pw_gid)


class OwnRabbit:
    """A RabbitMQ node of its own (name, ports, data, logs), with the management plugin."""

    def __init__(self, root: Path, tag: str):
        self.root = root / "rabbit"
        self.node = f"tiimi-chaos-{tag}@localhost"
        self.port = free_port()
        self.dist_port = free_port({self.port})
        self.api_port = free_port({self.port, self.dist_port})
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def amqp_uri(self) -> str:
        return f"amqp://guest:guest@127.0.0.1:{self.port}/"

    @property
    def api(self) -> str:
        return f"http://guest:guest@127.0.0.1:{self.api_port}"

    def _env(self) -> dict[str, str]:
        env = {
            "RABBITMQ_NODENAME": self.node,
            "RABBITMQ_NODE_PORT": str(self.port),
            "RABBITMQ_DIST_PORT": str(self.dist_port),
            "RABBITMQ_CONFIG_FILE": str(self.root / "rabbitmq.conf"),
            "RABBITMQ_ENABLED_PLUGINS_FILE": str(self.root / "enabled_plugins"),
            "RABBITMQ_MNESIA_BASE": str(self.root / "mnesia"),
            "RABBITMQ_LOG_BASE": str(self.root / "log"),
            "RABBITMQ_PID_FILE": str(self.root / "rabbit.pid"),
        }
        if os.geteuid() == 0:
            env["HOME"] = str(RABBIT_HOME)
        return env

    def start(self) -> None:
        self.root.mkdir(parents=True)
        (self.root / "rabbitmq.conf").write_text(
            f"listeners.tcp.default = 127.0.0.1:{self.port}\n"
            f"management.tcp.port = {self.api_port}\nmanagement.tcp.ip = 127.0.0.1\n"
            "loopback_users = none\n"
        )
        (self.root / "enabled_plugins").write_text("[rabbitmq_management].\n")
        _give(self.root, "rabbitmq")
        with open(self.root / "server.out", "ab") as out:
            self.process = subprocess.Popen(
                _as_user("rabbitmq", [str(RABBIT_BIN / "rabbitmq-server")], self._env()),
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        self.await_startup(120)
        self.wait_for_api()

    def await_startup(self, timeout: float) -> None:
        """Until the node answers as started (before it registers, rabbitmqctl finds no node at all)."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.ctl("await_startup", "--timeout", "30", timeout=60)
                return
            except (RuntimeError, subprocess.TimeoutExpired):
                if time.monotonic() > deadline or (
                    self.process is not None and self.process.poll() is not None
                ):
                    raise
                time.sleep(1.0)

    def ctl(self, *args: str, timeout: float = 60) -> str:
        command = _as_user(
            "rabbitmq",
            [str(RABBIT_BIN / "rabbitmqctl"), "-n", self.node, *args],
            {"HOME": str(RABBIT_HOME)} if os.geteuid() == 0 else {},
        )
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
        if done.returncode != 0:
            raise RuntimeError(
                f"rabbitmqctl {' '.join(args)} failed: {done.stdout[-500:]} {done.stderr[-500:]}"
            )
        return done.stdout

    def wait_for_api(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                if requests.get(
                    f"http://127.0.0.1:{self.api_port}/api/overview", auth=("guest", "guest"), timeout=2
                ).ok:
                    return
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("the chaos broker's management API does not answer")
            time.sleep(0.5)

    def restart_app(self) -> None:
        """The fault: RabbitMQ's application stopped and started (connections drop, durable queues stay)."""
        self.ctl("stop_app")
        self.ctl("start_app")
        self.await_startup(90)

    def connections(self) -> int:
        answer = requests.get(
            f"http://127.0.0.1:{self.api_port}/api/connections", auth=("guest", "guest"), timeout=10
        )
        return len(answer.json())

    def drop_connections(self, at_least: int, wait: float = 60) -> int:
        """The fault: every client connection closed by the broker, once at least ``at_least`` are open
        (after a restart the clients come back one by one). How many were open."""
        deadline = time.monotonic() + wait
        while self.connections() < at_least and time.monotonic() < deadline:
            time.sleep(1.0)
        open_before = self.connections()
        self.ctl("close_all_connections", "chaos: connection drop")
        return open_before

    def stop(self) -> None:
        if self.process is None:
            return
        try:
            self.ctl("stop", timeout=60)
        except (RuntimeError, subprocess.TimeoutExpired):
            pass
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, 9)
            self.process.wait()
        # The Erlang VM may outlive the wrapper: whatever is left in its session goes.
        try:
            os.killpg(self.process.pid, 9)
        except ProcessLookupError:
            pass
        self.process = None


class OwnPostgres:
    """A PostgreSQL cluster of its own (initdb in a temporary directory, trust auth, a free port)."""

    def __init__(self, root: Path):
        self.root = root / "postgres"
        self.port = free_port()
        bins = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
        if not bins:
            raise RuntimeError("PostgreSQL's initdb not found under /usr/lib/postgresql/*/bin")
        self.bin = bins[-1].parent

    def url(self, database: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def _pg_ctl(self, *args: str) -> None:
        subprocess.run(
            _as_user("postgres", [str(self.bin / "pg_ctl"), "-D", str(self.root / "data"), *args]),
            check=True,
            capture_output=True,
            timeout=120,
        )

    def start(self, databases: list[str]) -> None:
        self.root.mkdir(parents=True)
        _give(self.root, "postgres")
        subprocess.run(
            _as_user(
                "postgres",
                [
                    str(self.bin / "initdb"),
                    "-D",
                    str(self.root / "data"),
                    "-A",
                    "trust",
                    "-U",
                    "postgres",
                    "--no-sync",
                ],
            ),
            check=True,
            capture_output=True,
            timeout=120,
        )
        self._start()
        for database in databases:
            subprocess.run(
                _as_user(
                    "postgres",
                    [
                        str(self.bin / "createdb"),
                        "-h",
                        "127.0.0.1",
                        "-p",
                        str(self.port),
                        "-U",
                        "postgres",
                        database,
                    ],
                ),
                check=True,
                capture_output=True,
                timeout=60,
            )

    def _start(self) -> None:
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300"
        )
        self._pg_ctl("-o", options, "-l", str(self.root / "server.log"), "-w", "start")

    def restart(self) -> None:
        """The fault: the server stopped at once (as in a crash: no clean shutdown) and started again."""
        self._pg_ctl("-m", "immediate", "-w", "stop")
        self._start()

    def stop(self) -> None:
        if (self.root / "data" / "postmaster.pid").exists():
            try:
                self._pg_ctl("-m", "immediate", "-w", "stop")
            except subprocess.CalledProcessError:
                pass


def temporary_root() -> Path:
    """Where the broker's and database's data live during the run: readable by their OS users."""
    path = Path(f"/tmp/tiimi-chaos-{os.getpid()}-{int(time.time())}")
    path.mkdir(mode=0o755)
    return path


def remove(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
