"""tiimi's services as real processes, started as ``make run`` starts them,
on the run's own broker and database.

The pieces come from ``tiimi_shared.devrun`` (the topology, the command, the readiness
probe); what differs is only where things are: the chaos broker and cluster, the run's
own var directory, ports of its own. A service can be killed (SIGKILL) and started again.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from tiimi_shared import devrun

SERVICES = ["consent", "team", "referral", "notify", "gateway"]
REPOSITORY = Path(__file__).resolve().parents[2]


def snapshot(into: Path) -> Path:
    """A copy of the services' and the kernel's code as it is now, which the run's processes import.

    A run takes a while, and a service it starts again must run the code it was started with
    (the checkout may change meanwhile): PYTHONPATH puts this copy before the editable installs.
    """
    for package in ["shared/tiimi_shared", *(f"services/{service}/{service}" for service in SERVICES)]:
        shutil.copytree(REPOSITORY / package, into / package,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    # What the services read beside their code (the broker's definitions, the legal bases).
    shutil.copytree(REPOSITORY / "deploy", into / "deploy", ignore=shutil.ignore_patterns("node_modules"))
    return into


class System:
    def __init__(
        self,
        var: Path,
        amqp_uri: str,
        rabbit_api: str,
        database_urls: dict[str, str],
        http_port: int,
        first_ops_port: int,
        jwt_secret: str,
        code: Path,
    ):
        self.var = var
        self.log_dir = var / "log"
        self.amqp_uri = amqp_uri
        self.http_address = f"127.0.0.1:{http_port}"
        self.ops = devrun.ops_addresses(SERVICES, first_ops_port)
        self.children: dict[str, subprocess.Popen[bytes]] = {}
        self.restarts: dict[str, int] = {service: 0 for service in SERVICES}
        # Exits nobody asked for, each followed by a start (compose's `restart: unless-stopped`).
        self.unplanned: list[tuple[str, int | None, float]] = []
        self.lock = threading.Lock()
        keys = devrun.local_keys(var)
        env = {key: value for key, value in os.environ.items() if not key.startswith("TIIMI_")}
        env |= keys | {
            "TIIMI_AMQP_URI": amqp_uri,
            "TIIMI_RABBIT_API": rabbit_api,
            "TIIMI_VAR_DIR": str(var),
            "TIIMI_HTTP_ADDRESS": self.http_address,
            "TIIMI_JWT_SECRET": jwt_secret,
            "TIIMI_WEBHOOK_ALLOW_PRIVATE": "true",
            "TIIMI_SMTP_PORT": "1",
            # Deliveries retry quickly and for long enough to outlast a vanished webhook target.
            "TIIMI_DELIVERY_INTERVAL": "1",
            "TIIMI_DELIVERY_MAX_ATTEMPTS": "40",
            "TIIMI_DELIVERY_BACKOFF_BASE": "1",
            "TIIMI_DELIVERY_BACKOFF_CAP": "5",
            "TIIMI_EXPIRY_INTERVAL": "2",
            "TIIMI_LOG_LEVEL": "INFO",
        }
        # Keys for personal data at rest, where this checkout's devrun does not make them yet.
        env.setdefault("TIIMI_DATA_KEYS", "chaos1:" + base64.urlsafe_b64encode(os.urandom(32)).decode())
        env["PYTHONPATH"] = os.pathsep.join(
            [str(code / "shared"), *(str(code / "services" / service) for service in SERVICES)])
        self.definitions = code / "deploy" / "rabbitmq" / "definitions.json"
        for service, url in database_urls.items():
            env[f"TIIMI_{service.upper()}_DATABASE_URL"] = url
        self.env = env

    def prepare(self) -> str:
        """The broker's topology and policies, then every database migrated."""
        self.log_dir.mkdir(parents=True, exist_ok=True)
        definitions = json.loads(self.definitions.read_text())
        declared = devrun.declare_topology(self.amqp_uri, definitions)
        problem = devrun.apply_policies(self.amqp_uri, self.env["TIIMI_RABBIT_API"], definitions)
        if problem:
            raise RuntimeError(problem)
        for service in SERVICES:
            done = subprocess.run(
                [sys.executable, "-m", service, "migrate"],
                capture_output=True,
                text=True,
                env=self.env,
                timeout=300,
            )
            if done.returncode != 0:
                raise RuntimeError(f"migrating {service} failed:\n{(done.stdout + done.stderr)[-3000:]}")
        return declared

    def start(self, service: str) -> None:
        env = self.env | {"TIIMI_OPS_ADDRESS": self.ops[service]}
        self.children[service] = devrun.start(service, env, self.log_dir / f"{service}.log")

    def start_all(self, timeout: float = 180) -> None:
        for service in SERVICES:
            self.start(service)
        self.wait_ready(SERVICES, timeout)

    def wait_ready(self, services: list[str], timeout: float = 180) -> float:
        began = time.monotonic()
        waiting = set(services)
        while waiting:
            waiting = {service for service in waiting if not devrun.ready(self.ops[service])}
            for service in waiting:
                code = self.children[service].poll()
                if code is not None:
                    raise RuntimeError(
                        f"{service} exited with {code}:\n{devrun.tail(self.log_dir / f'{service}.log', 20)}"
                    )
            if waiting and time.monotonic() - began > timeout:
                raise RuntimeError(f"not ready after {timeout:.0f} s: {', '.join(sorted(waiting))}")
            if waiting:
                time.sleep(0.3)
        return time.monotonic() - began

    def kill_and_restart(self, service: str) -> float:
        """The fault: SIGKILL (no chance to finish anything), then the same command again.

        Answers how many seconds it took to be ready again.
        """
        with self.lock:
            child = self.children[service]
            child.kill()
            child.wait()
            self.restarts[service] += 1
            self.start(service)
        return self.wait_ready([service])

    def supervise(self, stop: threading.Event, log: Callable[[str], None]) -> None:
        """Start again, as an orchestrator would, a service that exited on its own; each exit is kept."""
        while not stop.wait(1.0):
            with self.lock:
                for service, code in devrun.exited(self.children).items():
                    self.unplanned.append((service, code, time.time()))
                    log(f"{service} exited on its own (code {code}); starting it again")
                    self.start(service)

    def exited(self) -> dict[str, int]:
        return devrun.exited(self.children)

    def stop_all(self) -> list[str]:
        return devrun.stop_all(self.children, devrun.Stop())
