"""``make containers``: build every image here, bring the compose stack up on this machine's engine, check it.

    .venv/bin/python deploy/local/containers.py            # build, up, check, down
    .venv/bin/python deploy/local/containers.py --keep     # ... and leave the stack running
    .venv/bin/python deploy/local/containers.py --commands # print the compose commands it runs

A Docker engine must answer (deploy/local/engine.sh starts one; `make containers` runs it
first). Steps, each printed with its time:

1. the base images from Debian's packages (deploy/local/images.py; built once per recipe);
2. the tiimi image from deploy/Dockerfile on them (tiimi:local), its size and what is in it;
3. the stack: docker-compose.yml with the override deploy/local/compose.yml, secrets made
   once in var/containers/ (never in a file of the repository);
4. checks against the running containers: every container healthy; each service's
   migrations ran before it started and its database is at the newest revision; each
   service's /health/ready and /metrics answer; the gateway serves the web app; the image
   runs as a non-root user on a read-only root filesystem and keeps no build secret; then
   the HTTP story (client registered, consent, team, referral, partner's answers), told for
   many clients at once while each service in turn is stopped with `docker stop` and
   started again; afterwards nothing lost, nothing duplicated, nothing unexpected (the
   chaos run's checker, bench/chaos/check.py), outboxes and dead-letter queues empty, the
   disclosure log intact, every service back and healthy.

It prints a table and writes it to var/containers/ (containers.md and .json). Exit status 0
only if every check passed.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import requests

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "bench" / "chaos"))

import check  # noqa: E402  (bench/chaos: the Jepsen-style checker)
import images  # noqa: E402
import infra  # noqa: E402
from load import HOLDING_PARTNER, SERVING_PARTNER, Driver  # noqa: E402
from run import Partner, quiet, rpc, table  # noqa: E402
from webhooks import WebhookReceiver  # noqa: E402

from gateway.auth import DEFAULT_AUDIENCE, DEFAULT_ISSUER, Kind, mint  # noqa: E402
from tiimi_shared.devrun import local_keys  # noqa: E402

SERVICES = ("consent", "team", "referral", "notify", "gateway")
WITH_DATABASE = ("consent", "team", "referral", "notify")
PROJECT = "tiimi-local"
IMAGE = "tiimi:local"
VAR = ROOT / "var" / "containers"
ENV_FILE = VAR / "local.env"
OVERRIDE = "deploy/local/compose.yml"
# Published on 127.0.0.1 (var/containers/local.env), clear of this machine's own broker.
PORTS = {"TIIMI_AMQP_PORT": 5682, "TIIMI_RABBIT_API_PORT": 15682, "TIIMI_HTTP_PORT": 8400,
         "TIIMI_SMTP_PUBLISHED_PORT": 1035, "TIIMI_MAIL_VIEW_PORT": 8035}
AMQP = f"127.0.0.1:{PORTS['TIIMI_AMQP_PORT']}"
RABBIT_API = f"http://tiimi:tiimi-local-only@127.0.0.1:{PORTS['TIIMI_RABBIT_API_PORT']}"
GATEWAY = f"http://127.0.0.1:{PORTS['TIIMI_HTTP_PORT']}"


def compose_command(*args: str) -> list[str]:
    """One docker-compose command on the stack, as the runbook gives it."""
    return ["docker-compose", "-p", PROJECT, "-f", "docker-compose.yml", "-f", OVERRIDE,
            "--env-file", str(ENV_FILE.relative_to(ROOT)), *args]


def build_command(tags: dict[str, str]) -> list[str]:
    return ["build", "--network", "host", *images.ca_secret(),
            "--build-arg", f"PYTHON_IMAGE={tags['python']}", "--build-arg", f"NODE_IMAGE={tags['node']}",
            "-f", "deploy/Dockerfile", "-t", IMAGE, "."]


# The compose commands, in the order a run uses them: the runbook shows these (a test holds them equal).
RUNBOOK_COMMANDS = {
    "up": ("up", "-d", "--no-build"),
    "ps": ("ps",),
    "stop": ("stop", "referral"),
    "start": ("start", "referral"),
    "logs": ("logs", "--tail", "50", "referral"),
    "down": ("down", "--volumes"),
}


def say(text: str) -> None:
    print(f"containers {datetime.now().strftime('%H:%M:%S')} {text}", flush=True)


def run(command: Sequence[str], timeout: float = 900, env: dict[str, str] | None = None,
        check_: bool = True) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(list(command), cwd=ROOT, capture_output=True, text=True, timeout=timeout, env=env)
    if check_ and done.returncode != 0:
        tail = (done.stdout + done.stderr)[-3000:]
        raise RuntimeError(f"{' '.join(command)} failed ({done.returncode}):\n{tail}")
    return done


def address(service: str) -> str:
    """The container's address on the project's network (this machine reaches it through the bridge)."""
    networks = inspect(service)["NetworkSettings"]["Networks"]
    return str(next(iter(networks.values()))["IPAddress"])


def bridge_address() -> str:
    """This machine's own address on the project's network, where the containers reach it."""
    networks = inspect("gateway")["NetworkSettings"]["Networks"]
    return str(next(iter(networks.values()))["Gateway"])


def ops(service: str) -> str:
    return f"http://{address(service)}:9000"


def database_url(service: str) -> str:
    return f"postgresql://{service}:{service}-local-only@{address('postgres')}:5432/{service}"


def write_env_file() -> dict[str, str]:
    """The stack's secrets, made once and kept in var/containers/ (mode 600), as `make run` keeps its own."""
    VAR.mkdir(parents=True, exist_ok=True)
    keys = local_keys(VAR)
    ENV_FILE.write_text("".join(f"{name}={value}\n" for name, value in sorted((keys | PORTS).items())))
    ENV_FILE.chmod(0o600)
    return keys


# -- state of the containers --------------------------------------------------------------------------


def container_id(service: str) -> str:
    return run(compose_command("ps", "-q", service)).stdout.strip()


def inspect(service: str) -> dict[str, Any]:
    return json.loads(run([*CLI, "inspect", container_id(service)]).stdout)[0]


def health(service: str) -> str:
    state = inspect(service)["State"]
    return state.get("Health", {}).get("Status") or state.get("Status", "?")


def wait_healthy(services: Sequence[str], timeout: float) -> tuple[bool, dict[str, str]]:
    deadline = time.monotonic() + timeout
    while True:
        states = {service: health(service) for service in services}
        # smtp has no health check: running is all it can say
        if all(state == "healthy" or (service == "smtp" and state == "running")
               for service, state in states.items()):
            return True, states
        if time.monotonic() > deadline:
            return False, states
        time.sleep(2)


def logs(service: str) -> list[str]:
    done = run([*CLI, "logs", container_id(service)])
    return (done.stdout + done.stderr).splitlines()


def migrations_first(service: str) -> tuple[bool, str]:
    """The container's first lines are its migration's, before anything of the running service; the
    database stands at the newest revision of the service's migrations."""
    records = []
    for line in logs(service):
        try:
            records.append(json.loads(line))
        except ValueError:
            records.append({"event": line[:80], "logger": "?"})
    events = [record.get("event") for record in records]
    if "migrated" not in events:
        return False, "no 'migrated' line in its log"
    first = events.index("migrated")
    # Before it, only the migration's own lines (alembic's); after it, the running service's.
    others = [r.get("event") for r in records[:first] if not str(r.get("logger", "")).startswith("alembic")]
    if others:
        return False, f"lines before the migration: {others[:3]}"
    if len(records) <= first + 1:
        return False, "nothing logged after the migration"
    import sqlalchemy as sa
    from alembic.script import ScriptDirectory

    # (By path: importing a service's package patches this process for eventlet.)
    head = ScriptDirectory(str(ROOT / "services" / service / service / "migrations")).get_current_head()
    from tiimi_shared.config import database_url as driver_url

    engine = sa.create_engine(driver_url(database_url(service)))
    with engine.connect() as connection:
        at = connection.execute(sa.text("select version_num from alembic_version")).scalar()
    engine.dispose()
    return at == head, f"migrated first, at {at} (newest {head})"


# -- the story under docker stop ----------------------------------------------------------------------


def story_under_stops(
    run_dir: Path, keys: dict[str, str], stories: int, rate: float
) -> list[tuple[str, str, bool]]:
    amqp_operator = f"amqp://tiimi:tiimi-local-only@{AMQP}/"
    # A second partner organisation, added as the runbook says: generate the definitions with it, import.
    # (In a process of its own: the generator imports the services, which patch theirs for eventlet.)
    definitions = json.loads(run([sys.executable, "-c", (
        "import json, sys; sys.path.insert(0, 'deploy/rabbitmq'); import generate; "
        "print(json.dumps(generate.definitions((*generate.LOCAL_PARTNERS, sys.argv[1]))))"),
        HOLDING_PARTNER]).stdout)
    requests.post(f"{RABBIT_API}/api/definitions", json=definitions, timeout=30).raise_for_status()
    secret = keys["TIIMI_JWT_SECRET"]

    def token(subject: str, organisation: str, partner: bool = False) -> str:
        return mint(secret, subject=subject, organisation=organisation,
                    kind=Kind.PARTNER if partner else Kind.PROFESSIONAL, hours=12,
                    issuer=DEFAULT_ISSUER, audience=DEFAULT_AUDIENCE)

    (run_dir / "log").mkdir(parents=True, exist_ok=True)
    receiver = WebhookReceiver(infra.free_port(), run_dir / "webhooks.jsonl", host=bridge_address())
    receiver.start()
    partners: list[Partner] = []
    try:
        registered = rpc(amqp_operator, "notify", "register_webhook", organisation=HOLDING_PARTNER,
                         url=receiver.url)
        receiver.secret = registered["secret"]
        for organisation, answers in ((SERVING_PARTNER, "accept,start,complete"),
                                      (HOLDING_PARTNER, "accept,start")):
            partner = Partner(organisation, answers,
                              f"amqp://partner-{organisation}:partner-{organisation}-local-only@{AMQP}/",
                              GATEWAY, token(f"desk-{organisation}", organisation, True), run_dir,
                              declare=False)  # its own broker user, which may only read its queue
            partner.start()
            partners.append(partner)
        driver = Driver(GATEWAY, token, expiry_seconds=40)
        stop = threading.Event()
        load = threading.Thread(target=driver.run, args=(stories, rate, 8, stop), daemon=True)
        began = time.monotonic()
        load.start()
        stops = []
        for n, service in enumerate(SERVICES):
            pause = began + 12 + 18 * n - time.monotonic()
            if pause > 0:
                time.sleep(pause)
            t0 = time.monotonic()
            run(compose_command(RUNBOOK_COMMANDS["stop"][0], service), timeout=120)
            stopped_in = time.monotonic() - t0
            code = inspect(service)["State"]["ExitCode"]
            run(compose_command(RUNBOOK_COMMANDS["start"][0], service), timeout=120)
            back, _ = wait_healthy([service], 120)
            stops.append((service, stopped_in, code, back, time.monotonic() - t0))
            say(f"docker stop {service}: exited {code} after {stopped_in:.1f} s; "
                f"{'healthy again' if back else 'NOT healthy'} {time.monotonic() - t0:.1f} s after the stop")
        tail = run(compose_command(*RUNBOOK_COMMANDS["logs"])).stdout
        (run_dir / "log" / "referral-tail.log").write_text(tail)
        load.join()
        say(f"load done: {len(driver.stories)} stories, {len(driver.requests)} requests")
        latest = max((s.consent_until for s in driver.stories if s.consent_until), default=None)
        if latest is not None:
            wait = (latest - datetime.now(UTC)).total_seconds() + 10
            if wait > 0:
                say(f"waiting {wait:.0f} s for the last consent to expire")
                time.sleep(wait)
        urls = {service: database_url(service) for service in WITH_DATABASE}
        check.use_data_keys(keys["TIIMI_DATA_KEYS"])
        settled, backlog = quiet(urls, RABBIT_API, timeout=180)
        state = check.read_state(urls)
        records = [r for p in partners for r in check.read_jsonl(p.record)]
        loaded = requests.get(f"{RABBIT_API}/api/definitions", timeout=30).json()
        findings = check.check(state, driver, records, receiver.received, loaded)
        verified = rpc(amqp_operator, "consent", "verify_log")
        dead_handled, dead = check.dead_letters(RABBIT_API, state)
        backlog_rows = {k: v for k, v in check.unpublished(state).items() if v}
        cut = findings.counts.get("client:story cut short", 0)
        return [
            ("docker stop of each service under load (exit code; back healthy)",
             "; ".join(f"{s} {c} in {t:.1f} s, back after {b:.0f} s" for s, t, c, ok, b in stops),
             all(ok and c == 0 for _, _, c, ok, _ in stops)),
            ("the story told (stories; requests; events)",
             f"{len(driver.stories)}; {len(driver.requests)}; {state.events}",
             len(driver.stories) == stories),
            ("lost", str(findings.total("lost")), findings.total("lost") == 0),
            ("duplicated", str(findings.total("duplicated")), findings.total("duplicated") == 0),
            ("unexpected", str(findings.total("unexpected")), findings.total("unexpected") == 0),
            ("stories cut short", str(cut), cut == 0),
            ("the partners' records (messages received, answers given); webhooks received",
             f"{len(records)}; {len(receiver.received)}", bool(records) and bool(receiver.received)),
            ("quiet after the load", "yes" if settled else backlog, settled),
            ("outboxes empty", "yes" if not backlog_rows else json.dumps(backlog_rows), not backlog_rows),
            ("dead-letter queues empty, or each message handled after all",
             f"{len(dead)} not handled; {len(dead_handled)} handled by a later copy", not dead),
            ("disclosure log verifies", f"intact={verified.get('intact')} entries={verified.get('entries')}",
             bool(verified.get("intact"))),
        ] + [(f"finding: {kind}", f"{count}; e.g. {findings.examples[kind][:1]}", not kind.startswith(
            ("lost", "duplicated", "unexpected"))) for kind, count in sorted(findings.counts.items())]
    finally:
        for partner in partners:
            partner.stop()
        receiver.stop()


# -- the image ----------------------------------------------------------------------------------------


def image_facts() -> list[tuple[str, str, bool]]:
    config = json.loads(run([*CLI, "image", "inspect", IMAGE]).stdout)[0]
    size = config["Size"] / 1e6
    script = r"""
        id -u
        stdlib=$(python -c "import sysconfig; print(sysconfig.get_paths()['stdlib'])")
        du -sm /opt/tiimi "$stdlib" /app/web/dist | cut -f1
        touch /app/written 2>/dev/null && echo writable || echo read-only
        ls /run/secrets 2>/dev/null | wc -l
    """
    inside = run([*CLI, "run", "--rm", "--read-only", "--network", "none", "--entrypoint", "sh", IMAGE, "-c",
                  script]).stdout.split()
    uid, venv, stdlib, web, writable, secrets = inside[:6]
    env = " ".join(config["Config"]["Env"])
    history = run([*CLI, "history", "--no-trunc", "--format", "{{.CreatedBy}}", IMAGE]).stdout
    kept = "PIP_CERT" in env or "cafile" in env or "BEGIN CERTIFICATE" in history or secrets != "0"
    return [
        ("image size", f"{size:.0f} MB: Python packages {venv} MB (/opt/tiimi), Python {stdlib} MB, "
         f"web app {web} MB, Debian base the rest", size < 400),
        ("runs as", f"user {config['Config']['User']} (uid {uid})", uid == "10001"),
        ("root filesystem read-only (a write fails)", writable, writable == "read-only"),
        ("build secret kept in the image", "yes" if kept else "no", not kept),
    ]


def stack_facts() -> list[tuple[str, str, bool]]:
    rows = []
    for service in SERVICES:
        container = inspect(service)
        host, user = container["HostConfig"], container["Config"]["User"]
        rows.append((f"{service}: read-only root, no capabilities, user",
                     f"{host['ReadonlyRootfs']}, cap_drop {host.get('CapDrop')}, {user}",
                     host["ReadonlyRootfs"] is True and user == "10001"))
    for service in WITH_DATABASE:
        ok, what = migrations_first(service)
        rows.append((f"{service}: migrations ran first", what, ok))
    for service in SERVICES:
        ready = requests.get(f"{ops(service)}/health/ready", timeout=5)
        metrics = requests.get(f"{ops(service)}/metrics", timeout=5)
        rows.append((f"{service}: /health/ready and /metrics", f"{ready.status_code}, {metrics.status_code} "
                     f"({len(metrics.text.splitlines())} lines)",
                     ready.status_code == 200 and metrics.status_code == 200 and "# TYPE" in metrics.text))
    page = requests.get(f"{GATEWAY}/app/", timeout=10)
    found = re.search(r'<script[^>]*\bsrc="([^"]+)"', page.text)
    script = found.group(1) if found else ""
    asset = requests.get(GATEWAY + script, timeout=10) if script else None
    rows.append(("the gateway serves the web app (/app/ and its script)",
                 f"{page.status_code} {page.headers.get('content-type')}; {script} "
                 f"{asset.status_code if asset is not None else '-'}",
                 page.status_code == 200 and asset is not None and asset.status_code == 200))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true", help="leave the stack running at the end")
    parser.add_argument("--stories", type=int, default=90, help="clients told the story under stops")
    parser.add_argument("--commands", action="store_true", help="print the compose commands and stop")
    args = parser.parse_args(argv)
    if args.commands:
        for name, command in RUNBOOK_COMMANDS.items():
            print(f"{name}: {' '.join(compose_command(*command))}")
        return 0
    global CLI
    CLI = images.docker_cli()
    if not images.engine_answers(CLI):
        say("no Docker engine answers: start one with `bash deploy/local/engine.sh` (docs/runbook.md)")
        return 2
    began = time.monotonic()
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    run_dir = VAR / f"run-{stamp}"
    run_dir.mkdir(parents=True, exist_ok=True)
    timings: list[tuple[str, str, bool]] = []
    rows: list[tuple[str, str, bool]] = []
    up = False
    try:
        t0 = time.monotonic()
        tags = images.ensure(say=say)
        timings.append(("base images (Debian packages)", f"{time.monotonic() - t0:.0f} s", True))
        t0 = time.monotonic()
        say(f"building {IMAGE} from deploy/Dockerfile")
        run([*CLI, *build_command(tags)], env=images.build_env(), timeout=1800)
        timings.append((f"{IMAGE} built", f"{time.monotonic() - t0:.0f} s", True))
        rows += image_facts()
        keys = write_env_file()
        run(compose_command(*RUNBOOK_COMMANDS["down"]), timeout=300)
        t0 = time.monotonic()
        say("compose up: " + " ".join(compose_command(*RUNBOOK_COMMANDS["up"])))
        run(compose_command(*RUNBOOK_COMMANDS["up"]), timeout=600)
        up = True
        healthy, states = wait_healthy([*SERVICES, "rabbitmq", "postgres", "smtp"], 300)
        took = time.monotonic() - t0
        timings.append(("compose up until every container healthy", f"{took:.0f} s", healthy))
        rows.append(("every container healthy", json.dumps(states), healthy))
        (run_dir / "ps.txt").write_text(run(compose_command(*RUNBOOK_COMMANDS["ps"])).stdout)
        if healthy:
            rows += stack_facts()
            t0 = time.monotonic()
            rows += story_under_stops(run_dir, keys, args.stories, rate=1.0)
            took = time.monotonic() - t0
            timings.append(("story under docker stop, then the checks", f"{took:.0f} s", True))
            healthy, states = wait_healthy(SERVICES, 60)
            rows.append(("every service running and healthy at the end", json.dumps(states), healthy))
    except Exception as error:
        rows.append(("the run itself", f"{type(error).__name__}: {str(error)[:1500]}", False))
    finally:
        if up:
            for service in (*SERVICES, "rabbitmq", "postgres", "smtp"):
                try:
                    (run_dir / "log").mkdir(parents=True, exist_ok=True)
                    (run_dir / "log" / f"container-{service}.log").write_text("\n".join(logs(service)) + "\n")
                except Exception:
                    pass
            if not args.keep:
                run(compose_command(*RUNBOOK_COMMANDS["down"]), timeout=300, check_=False)
    passed = all(ok for _, _, ok in rows + timings)
    engine = run([*CLI, "version", "--format", "{{.Server.Version}}"], check_=False).stdout.strip()
    compose = run(["docker-compose", "version", "--short"], check_=False).stdout.strip()
    markdown = "\n".join([
        f"Containers run, {datetime.now(UTC).strftime('%Y-%m-%d %H:%M')} UTC, "
        f"{time.monotonic() - began:.0f} s in all, on Docker {engine} with docker-compose {compose}.",
        "", table(timings), "", table(rows), ""])
    print("\n" + markdown, flush=True)
    for target in (run_dir, VAR):
        (target / "containers.md").write_text(markdown)
        (target / "containers.json").write_text(json.dumps(
            {"passed": passed, "timings": timings, "rows": rows}, indent=2))
    say(("PASSED" if passed else "FAILED") + f"; the table is in {VAR / 'containers.md'}"
        + ("; the stack is still up (--keep)" if args.keep and up else ""))
    return 0 if passed else 1


CLI: list[str] = ["docker"]

if __name__ == "__main__":
    sys.exit(main())
