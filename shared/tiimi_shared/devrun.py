"""``make run``: migrate and start every service as its own process.

Each service runs with exactly the command its container runs
(``python -m <service> run``). The first failure, or Ctrl-C, stops them all.
"""
from __future__ import annotations

import base64
import json
import os
import signal
import subprocess
import sys
import time

from tiimi_shared import config as tiimi_config
from tiimi_shared.broker import broker_problem, masked


def service_command(service: str) -> list[str]:
    return [sys.executable, "-m", service, "run"]


# Health, readiness and metrics of each service under `make run` (containers: :9000 each).
OPS_PORTS = {"gateway": 9000, "consent": 9001, "team": 9002, "referral": 9003, "notify": 9004}


def ops_address(service: str) -> str:
    return f"127.0.0.1:{OPS_PORTS.get(service, 9010)}"


def local_keys(var) -> dict[str, str]:
    """Secrets for a developer machine: made once under var/, kept across restarts.

    Production sets TIIMI_IDENTITY_KEY, TIIMI_LOOKUP_KEY and the gateway's
    token keys from its secret store.
    """
    path = var / "local-keys.json"
    keys = json.loads(path.read_text()) if path.exists() else {}
    wanted = ("TIIMI_IDENTITY_KEY", "TIIMI_LOOKUP_KEY", "TIIMI_JWT_SECRET")
    if not all(name in keys for name in wanted):
        for name in wanted:
            keys.setdefault(name, base64.urlsafe_b64encode(os.urandom(32)).decode())
        path.write_text(json.dumps(keys))
        path.chmod(0o600)
    return {name: os.environ.get(name, value) for name, value in keys.items()}


def main(services: list[str]) -> int:
    amqp_uri = os.environ.get("TIIMI_AMQP_URI", tiimi_config.DEFAULT_AMQP_URI)
    problem = broker_problem(amqp_uri)
    if problem:
        print(problem, file=sys.stderr)
        return 2
    var = tiimi_config.var_dir()
    (var / "log").mkdir(parents=True, exist_ok=True)
    os.environ.update(local_keys(var))
    # One movable clock for the whole local system: `python -m tiimi_shared.devclock advance 3d`.
    os.environ.setdefault("TIIMI_CLOCK_OFFSET_FILE", str(var / "clock-offset"))
    # Local conveniences, never set in containers: an SMTP sink on port 1025
    # (`.venv/bin/python -m aiosmtpd -n -l 127.0.0.1:1025`) and webhook
    # receivers on this machine.
    os.environ.setdefault("TIIMI_SMTP_PORT", "1025")
    os.environ.setdefault("TIIMI_WEBHOOK_ALLOW_PRIVATE", "true")
    os.environ.setdefault("TIIMI_HTTP_ADDRESS", "127.0.0.1:8000")
    for service in services:
        done = subprocess.run([sys.executable, "-m", service, "migrate"],
                              stdout=subprocess.DEVNULL)
        if done.returncode != 0:
            print(f"tiimi: migrating {service} failed", file=sys.stderr)
            return 1

    children: dict[str, subprocess.Popen] = {}
    for service in services:
        log_file = open(var / "log" / f"{service}.log", "ab")
        env = os.environ | {"TIIMI_OPS_ADDRESS": os.environ.get("TIIMI_OPS_ADDRESS") or ops_address(service)}
        children[service] = subprocess.Popen(service_command(service), stdout=log_file,
                                             stderr=subprocess.STDOUT, env=env)

    print(f"tiimi is running: {', '.join(services)}")
    print(f"  broker      {masked(amqp_uri)} (RPC and events; management UI on :15672 if enabled)")
    for service in services:
        print(f"  {service:<11} pid {children[service].pid}; http://{ops_address(service)}/metrics, "
              "/health/ready")
    print(f"  databases   {var}/<service>.db (SQLite; TIIMI_<SERVICE>_DATABASE_URL picks PostgreSQL)")
    print(f"  logs        {var / 'log'}/<service>.log (JSON, one event a line)")
    print(f"  http        http://{os.environ['TIIMI_HTTP_ADDRESS']}/openapi.json (the gateway; tokens: "
          ".venv/bin/python -m gateway.mint --help)")
    print("  try it      .venv/bin/python examples/consent_tour.py (or team_tour.py, referral_tour.py,")
    print("              notify_tour.py)")
    print("Ctrl-C stops everything.")
    sys.stdout.flush()

    stopping = False

    def _stop(_signum, _frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    exit_code = 0
    while not stopping:
        for service, child in children.items():
            if child.poll() is not None:
                print(f"tiimi: {service} exited with {child.returncode}; see "
                      f"{var / 'log' / (service + '.log')}", file=sys.stderr)
                stopping, exit_code = True, 1
        time.sleep(0.5)
    for child in children.values():
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    for child in children.values():
        try:
            child.wait(timeout=30)
        except subprocess.TimeoutExpired:
            child.kill()
    print("tiimi stopped.")
    return exit_code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
