"""``make run``: declare the broker's topology, migrate, and start every service as its own process.

Each service runs with exactly the command its container runs
(``python -m <service> run``). The first failure, or Ctrl-C, stops them all.

Addresses can be moved off their defaults: ``TIIMI_HTTP_ADDRESS`` (the gateway,
127.0.0.1:8000) and ``TIIMI_OPS_FIRST_PORT`` (9000: the gateway's health and
metrics; consent, team, referral and notify on the next four ports).

Before the gateway it starts the local OpenID provider (deploy/oidc, on
``TIIMI_OIDC_PORT``, 8010) with its demo users, and points the gateway and the
web app at it; not when ``TIIMI_JWT_JWKS_URL`` already names another provider.
"""
from __future__ import annotations

import base64
import ctypes
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Mapping
from pathlib import Path
from types import FrameType
from typing import Any
from urllib.parse import quote, unquote, urlsplit

import requests
from kombu.connection import Connection

from tiimi_shared import config as tiimi_config
from tiimi_shared.broker import broker_problem, masked

# What compose loads into RabbitMQ at its first boot (deploy/rabbitmq/generate.py writes it).
DEFINITIONS = Path(__file__).resolve().parents[2] / "deploy" / "rabbitmq" / "definitions.json"
# The local OpenID provider (node) and its demo users.
OIDC = Path(__file__).resolve().parents[2] / "deploy" / "oidc"
# A small living demo, made the first time tiimi runs here (its marker in var/ says it is done).
DEMO_SEED = Path(__file__).resolve().parents[2] / "examples" / "demo_seed.py"
SEEDED_BY = ("consent", "team", "referral", "notify")
OIDC_AUDIENCE = "tiimi-gateway"
# Ops ports in this order from TIIMI_OPS_FIRST_PORT (containers: :9000 each).
OPS_ORDER = ("gateway", "consent", "team", "referral", "notify")
READY_TIMEOUT = 120.0  # seconds for every service to answer /health/ready
STOP_TIMEOUT = 10.0  # seconds for every service to stop, all together, before it is killed


def service_command(service: str) -> list[str]:
    return [sys.executable, "-m", service, "run"]


def ops_addresses(services: list[str], first_port: int = 9000) -> dict[str, str]:
    """Health, readiness and metrics address of each service: a fixed port each, whichever run."""
    unknown = [service for service in services if service not in OPS_ORDER]
    return {service: f"127.0.0.1:{first_port + offset}"
            for offset, service in enumerate(OPS_ORDER + tuple(unknown)) if service in services}


def local_keys(var: Path) -> dict[str, str]:
    """Secrets for a developer machine: made once under var/, kept across restarts.

    Production sets TIIMI_IDENTITY_KEY, TIIMI_LOOKUP_KEY, each service's
    TIIMI_DATA_KEYS and the gateway's token keys from its secret store.
    """
    path = var / "local-keys.json"
    keys = json.loads(path.read_text()) if path.exists() else {}
    wanted = ("TIIMI_IDENTITY_KEY", "TIIMI_LOOKUP_KEY", "TIIMI_JWT_SECRET", "TIIMI_DATA_KEYS")
    if not all(name in keys for name in wanted):
        for name in wanted:
            fresh = base64.urlsafe_b64encode(os.urandom(32)).decode()
            # The data keys are a list of named keys (tiimi_shared.sealed): one, named local-1.
            keys.setdefault(name, f"local-1:{fresh}" if name == "TIIMI_DATA_KEYS" else fresh)
        path.write_text(json.dumps(keys))
        path.chmod(0o600)
    return {name: os.environ.get(name, value) for name, value in keys.items()}


# -- the broker's topology -------------------------------------------------------------------------

def declare_topology(amqp_uri: str, definitions: Mapping[str, Any], queue_type: str | None = None) -> str:
    """Declare the exchanges, queues and bindings of RabbitMQ ``definitions`` in ``amqp_uri``'s vhost.

    The same topology compose loads at the broker's first boot, so that an exchange a
    partner binds to (``tiimi.partners``) and every service's event queue exist before
    anything is published. Idempotent; raises if the broker holds one with other arguments.
    """
    exchanges, queues, bindings = (definitions.get(key, []) for key in ("exchanges", "queues", "bindings"))
    with Connection(amqp_uri, connect_timeout=5) as connection:
        channel = connection.channel()
        try:
            for exchange in exchanges:
                channel.exchange_declare(exchange=exchange["name"], type=exchange["type"],
                                         durable=exchange["durable"], auto_delete=exchange["auto_delete"],
                                         arguments=exchange.get("arguments") or {})
            for queue in queues:
                arguments = dict(queue.get("arguments") or {})
                if queue_type:  # as the services declare them (tiimi_shared.handlers)
                    arguments["x-queue-type"] = queue_type
                channel.queue_declare(queue=queue["name"], durable=queue["durable"],
                                      auto_delete=queue["auto_delete"], arguments=arguments)
            for binding in bindings:
                source, destination, key = binding["source"], binding["destination"], binding["routing_key"]
                if binding.get("destination_type", "queue") == "queue":
                    channel.queue_bind(queue=destination, exchange=source, routing_key=key,
                                       arguments=binding.get("arguments"))
                else:
                    channel.exchange_bind(destination=destination, source=source, routing_key=key,
                                          arguments=binding.get("arguments"))
        finally:
            channel.close()
    return f"{len(exchanges)} exchanges, {len(queues)} queues, {len(bindings)} bindings"


def management_api(amqp_uri: str) -> str:
    """RabbitMQ's management API: ``TIIMI_RABBIT_API``, else port 15672 of the broker's host."""
    parts = urlsplit(amqp_uri)
    default = f"http://{parts.username or 'guest'}:{parts.password or 'guest'}@{parts.hostname}:15672"
    return os.environ.get("TIIMI_RABBIT_API", default)


def apply_policies(amqp_uri: str, api: str, definitions: Mapping[str, Any]) -> str | None:
    """Set the definitions' policies (they bound partner queues); None, or why it could not."""
    path = urlsplit(amqp_uri).path
    vhost = quote(unquote(path[1:]) if len(path) > 1 else "/", safe="")
    parts = urlsplit(api)
    base = f"{parts.scheme}://{parts.hostname}:{parts.port or 15672}"
    for policy in definitions.get("policies", []):
        body = {key: policy[key] for key in ("pattern", "definition", "priority", "apply-to")
                if key in policy}
        try:
            response = requests.put(f"{base}/api/policies/{vhost}/{quote(policy['name'], safe='')}",
                                    json=body, auth=(parts.username or "guest", parts.password or "guest"),
                                    timeout=5)
            response.raise_for_status()
        except requests.RequestException as error:
            return (f"policy {policy['name']} not set: the management API at {base} did not take it "
                    f"({type(error).__name__}; `rabbitmq-plugins enable rabbitmq_management`)")
    return None


# -- the local OpenID provider ---------------------------------------------------------------------

def provider_problem() -> str | None:
    """Why the local OpenID provider cannot start here, or None."""
    if not (OIDC / "server.js").exists():
        return f"{shown(OIDC)} not found"
    if subprocess.run(["node", "--version"], capture_output=True).returncode != 0:
        return "node not found (Node.js 20.19 or newer)"
    if not (OIDC / "node_modules" / "oidc-provider").is_dir():
        return f"{shown(OIDC / 'node_modules')} is missing: run make install"
    return None


def provider_env(env: Mapping[str, str], http_address: str, var: Path) -> dict[str, str]:
    """The provider's settings: its port and, beside the defaults, the gateway's own callback address."""
    port = env.get("TIIMI_OIDC_PORT", "8010")
    app = f"http://{http_address}"
    redirects = [uri for uri in env.get("TIIMI_OIDC_REDIRECT_URIS", "").split(",") if uri]
    logouts = [uri for uri in env.get("TIIMI_OIDC_POST_LOGOUT_URIS", "").split(",") if uri]
    return dict(env) | {
        "TIIMI_OIDC_PORT": port, "TIIMI_VAR_DIR": str(var),
        "TIIMI_OIDC_REDIRECT_URIS": ",".join([*redirects, f"{app}/app/callback"]),
        "TIIMI_OIDC_POST_LOGOUT_URIS": ",".join([*logouts, f"{app}/"]),
    }


def gateway_login_env(issuer: str) -> dict[str, str]:
    """What points the gateway and the web app at the provider: its JWKS, issuer and audience."""
    return {"TIIMI_JWT_JWKS_URL": f"{issuer}/jwks", "TIIMI_JWT_ISSUER": issuer,
            "TIIMI_JWT_AUDIENCE": OIDC_AUDIENCE, "TIIMI_OIDC_ISSUER": issuer}


def start_provider(env: Mapping[str, str], log: Path) -> subprocess.Popen[bytes]:
    with open(log, "ab") as log_file:
        return subprocess.Popen(["node", str(OIDC / "server.js")], stdin=subprocess.DEVNULL, stdout=log_file,
                                stderr=subprocess.STDOUT, env=dict(env), process_group=0,
                                preexec_fn=_die_with_devrun)


def provider_ready(issuer: str) -> bool:
    try:
        with urllib.request.urlopen(f"{issuer}/.well-known/openid-configuration", timeout=1) as response:
            return bool(response.status == 200)
    except OSError:
        return False


def demo_users() -> list[dict[str, str]]:
    users: list[dict[str, str]] = json.loads((OIDC / "users.json").read_text())["users"]
    return users


# -- the service processes -------------------------------------------------------------------------

class Stop:
    """The signals that ask everything to stop: the first stops gently, a second kills."""

    def __init__(self) -> None:
        self.signals = 0

    def __call__(self, _signum: int, _frame: FrameType | None) -> None:
        self.signals += 1

    @property
    def requested(self) -> bool:
        return self.signals > 0


def _die_with_devrun() -> None:
    # Each service has a process group of its own (so a terminal's Ctrl-C reaches it
    # once, through devrun); should devrun itself be killed, the kernel stops it.
    if sys.platform == "linux":
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def start(service: str, env: Mapping[str, str], log: Path) -> subprocess.Popen[bytes]:
    with open(log, "ab") as log_file:
        return subprocess.Popen(service_command(service), stdin=subprocess.DEVNULL, stdout=log_file,
                                stderr=subprocess.STDOUT, env=dict(env), process_group=0,
                                preexec_fn=_die_with_devrun)


def ready(address: str) -> bool:
    try:
        with urllib.request.urlopen(f"http://{address}/health/ready", timeout=1) as response:
            return bool(response.status == 200)
    except OSError:
        return False


def exited(children: Mapping[str, subprocess.Popen[bytes]]) -> dict[str, int]:
    return {service: code for service, child in children.items() if (code := child.poll()) is not None}


def stop_all(children: Mapping[str, subprocess.Popen[bytes]], stop: Stop,
             timeout: float = STOP_TIMEOUT) -> list[str]:
    """SIGTERM to each running service, one deadline for them all, then kill; the killed ones."""
    for child in children.values():
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    signals_before, deadline = stop.signals, time.monotonic() + timeout
    while len(exited(children)) < len(children) and time.monotonic() < deadline:
        if stop.signals > signals_before:  # Ctrl-C again: no more waiting
            break
        time.sleep(0.05)
    killed = [service for service, child in children.items() if child.poll() is None]
    for service in killed:
        children[service].kill()
    for child in children.values():
        child.wait()
    return killed


def tail(path: Path, lines: int = 8) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def shown(path: Path) -> str:
    """A path as short as a person can still use from the directory they are in."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def summary(services: list[str], amqp_uri: str, http_address: str, ops: Mapping[str, str],
            var: Path, issuer: str | None = None) -> str:
    python = shown(Path(sys.executable).parent / "python")
    ports = "  ".join(f"{service} :{address.rpartition(':')[2]}"
                      for service, address in sorted(ops.items(), key=lambda item: item[1]))
    login = []
    if issuer:
        users = "  ".join(f"{user['sub']}/{user['password']}" for user in demo_users())
        login = [f"  login     {issuer}  (local OpenID provider; demo users, user/password:)",
                 f"            {users}"]
    return "\n".join([
        "",
        f"tiimi is running: {', '.join(services)}",
        "",
        f"  gateway   http://{http_address}  (/openapi.json; a token: {python} -m gateway.mint --help)",
        *login,
        "  ops       each service's /health/ready and /metrics on 127.0.0.1:",
        f"            {ports}",
        f"  broker    {masked(amqp_uri)}  (management UI: http://{urlsplit(amqp_uri).hostname}:15672)",
        f"  logs      {shown(var / 'log')}/<service>.log  (JSON, one event a line)",
        f"  data      {shown(var)}/<service>.db  (SQLite); move the clock: {python} -m tiimi_shared.devclock",
        "",
        "Try it, in another terminal:",
        f"  {python} examples/consent_tour.py   (and team_tour.py, referral_tour.py, notify_tour.py)",
        "  bash examples/gateway_tour.sh       (the story over HTTP, with curl and jq)",
        "",
        "Ctrl-C stops everything.",
    ])


def say(text: str, error: bool = False) -> None:
    # The terminal may be gone (SIGHUP): the services must be stopped all the same.
    try:
        print(text, file=sys.stderr if error else sys.stdout, flush=True)
    except OSError:
        pass


def seed_demo(services: list[str], amqp_uri: str, var: Path) -> None:
    """The first time only, a few clients with teams, consents, referrals and unread messages.

    ``TIIMI_DEMO_SEED=false`` leaves the system empty. A seed that fails is reported and the
    services keep running.
    """
    if os.environ.get("TIIMI_DEMO_SEED", "true").lower() in ("false", "0", "no") \
            or not set(SEEDED_BY) <= set(services) or not DEMO_SEED.exists():
        return
    done = subprocess.run([sys.executable, str(DEMO_SEED), "--amqp", amqp_uri,
                           "--marker", str(var / "demo-seeded")], capture_output=True, text=True)
    said = (done.stdout + done.stderr).strip()
    if done.returncode == 0:
        say(said)
    elif done.returncode != 130:  # 130: interrupted by Ctrl-C, which stops everything anyway
        say(f"tiimi: the demo seed did not finish (tiimi runs on): {said[-1000:]}", error=True)


def main(services: list[str]) -> int:
    stop = Stop()
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, stop)

    amqp_uri = os.environ.get("TIIMI_AMQP_URI", tiimi_config.DEFAULT_AMQP_URI)
    problem = broker_problem(amqp_uri)
    if problem:
        say(problem, error=True)
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
    ops = ops_addresses(services, int(os.environ.get("TIIMI_OPS_FIRST_PORT", "9000")))
    # The local OpenID provider, unless the gateway is pointed at another one.
    issuer: str | None = None
    if "gateway" in services and not os.environ.get("TIIMI_JWT_JWKS_URL"):
        problem = provider_problem()
        if problem:
            say(f"tiimi: the local OpenID provider is not started ({problem}); "
                "the gateway takes only tokens from gateway.mint")
        else:
            issuer = f"http://127.0.0.1:{os.environ.get('TIIMI_OIDC_PORT', '8010')}"

    if DEFINITIONS.exists():
        definitions = json.loads(DEFINITIONS.read_text())
        try:
            declared = declare_topology(amqp_uri, definitions, os.environ.get("TIIMI_QUEUE_TYPE"))
        except Exception as error:
            say(f"tiimi: declaring the broker's exchanges and queues from {shown(DEFINITIONS)} failed: "
                f"{error}", error=True)
            return 2
        say(f"tiimi: broker {masked(amqp_uri)} holds its {declared} ({shown(DEFINITIONS)})")
        policy_problem = apply_policies(amqp_uri, management_api(amqp_uri), definitions)
        if policy_problem:
            say(f"tiimi: {policy_problem}")
    else:
        say(f"tiimi: {shown(DEFINITIONS)} not found: each service declares its own queues as it starts")

    for service in services:
        done = subprocess.run([sys.executable, "-m", service, "migrate"], capture_output=True, text=True)
        if stop.requested:
            return 0
        if done.returncode != 0:
            say(f"tiimi: migrating {service} failed:\n{(done.stdout + done.stderr)[-3000:]}", error=True)
            return 1
    say(f"tiimi: databases migrated; starting {', '.join(services)} (logs in {shown(var / 'log')}/)")

    children: dict[str, subprocess.Popen[bytes]] = {}
    exit_code = 0
    try:
        if issuer:
            children["oidc"] = start_provider(provider_env(os.environ, os.environ["TIIMI_HTTP_ADDRESS"], var),
                                              var / "log" / "oidc.log")
            deadline = time.monotonic() + READY_TIMEOUT
            while not provider_ready(issuer) and not stop.requested and not exited(children):
                if time.monotonic() > deadline:
                    say(f"tiimi: the OpenID provider is not answering at {issuer}; see "
                        f"{shown(var / 'log' / 'oidc.log')}", error=True)
                    break
                time.sleep(0.1)
            # The gateway verifies the provider's tokens through its JWKS (and still takes minted ones).
            os.environ.update(gateway_login_env(issuer))
        for service in services:
            env = os.environ | {"TIIMI_OPS_ADDRESS": ops[service]}
            children[service] = start(service, env, var / "log" / f"{service}.log")
        waiting, deadline = set(services), time.monotonic() + READY_TIMEOUT
        while waiting and not stop.requested and not exited(children):
            waiting = {service for service in waiting if not ready(ops[service])}
            if waiting and time.monotonic() > deadline:
                say(f"tiimi: not ready after {READY_TIMEOUT:.0f} s: {', '.join(sorted(waiting))}; "
                    "see their logs", error=True)
                break
            time.sleep(0.2)
        if not stop.requested and not exited(children):
            say(summary(services, amqp_uri, os.environ["TIIMI_HTTP_ADDRESS"], ops, var, issuer))
            seed_demo(services, amqp_uri, var)
        while not stop.requested:
            failed = exited(children)
            if failed:
                for service, code in failed.items():
                    log = var / "log" / f"{service}.log"
                    say(f"tiimi: {service} exited with {code}; the end of {shown(log)}:\n{tail(log)}",
                        error=True)
                exit_code = 1
                break
            time.sleep(0.2)
    finally:
        stopping_since = time.monotonic()
        if children:
            say("tiimi: stopping ...")
        killed = stop_all(children, stop)
        if killed:
            say(f"tiimi: killed {', '.join(killed)}: not stopped within {STOP_TIMEOUT:.0f} s", error=True)
        if children:
            say(f"tiimi stopped ({time.monotonic() - stopping_since:.1f} s).")
    return exit_code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
