"""``make bench``: the whole benchmark suite, each figure beside its baseline and its target.

Everything runs on this machine, on a RabbitMQ vhost made for the run (removed
after), with fresh databases: SQLite files in a temporary directory by default,
or, when ``TIIMI_BENCH_DATABASE_URL`` names a PostgreSQL server
(``postgresql://postgres@127.0.0.1/postgres``), a database of its own per service
on that server, created for the run and dropped after.

Stage 1, the consent service alone (``python -m consent run``, through
``bench/counted_service.py``, which only adds a counter of SQL statements), with
two baselines on the same broker: a raw kombu request/reply (``consent_check.py``'s
responder) and a do-nothing nameko RPC service (``noop_service.py``):

* ``check`` sequential (p50, p99, calls/s) and with 16 callers at once;
* ``check`` p50/p99 against offered load: open loop, calls started at a steady
  rate whatever the answers do, latency counted from the moment a call was due;
  the steps stop once the service is saturated (the chart's x axis);
* ``check_many`` of 20 requests: decisions/s, sequential and with 8 callers;
* the consent service's CPU time per check and per ``check_many`` (utime + stime
  from ``/proc/<pid>/stat`` across the calls; the do-nothing service's per call
  beside it);
* SQL statements per check and per ``check_many`` of 20 (timer work of the
  service during those calls, such as chaining the log, counts too);
* ``check`` p50 with 10^3 and with 10^6 stored consents (other clients', loaded
  in bulk through SQLAlchemy Core: multi-row INSERTs on SQLite, one INSERT ...
  SELECT over ``generate_series`` on PostgreSQL).

Stage 2, the whole system as ``make run`` starts it (``tiimi_shared.devrun``: its
own vhost, state directory and free ports; no demo seed):

* idle resident memory (VmRSS) of each service, beside the do-nothing service's;
* the gateway's ``GET /clients/<id>/team`` under 16 keep-alive HTTP connections
  (``http_load.py``), beside ``GET /health/live`` on the same gateway;
* referral send (``change_status`` to ``requested``) to the partner consumer's
  receipt (``partner_receiver.py``) at a steady rate (100 referrals/s for 60 s;
  each referral is created as a draft just before it is sent, for the client the
  gateway read uses), beside the same one referral at a time.

Writes ``var/bench/suite.json``, ``var/bench/suite.md`` (the table) and
``var/bench/check_latency.png`` (check latency against offered load), and prints
the table. ``BENCH_QUICK=1`` (or ``--quick``) runs everything shorter and with
10^5 in place of 10^6 stored consents, to try the suite. A missed target is
reported, not failed: the exit status is 0 when the suite ran, 1 when it could
not, 2 when RabbitMQ is not reachable.
"""
import tiimi_shared.green  # noqa: F401  (first: patches sockets and threads)

# isort: split
import argparse
import json
import os
import platform
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import eventlet
import requests
import sqlalchemy as sa
from eventlet.queue import LightQueue
from nameko.standalone.rpc import ServiceRpcProxy

from tiimi_shared import config as tiimi_config
from tiimi_shared.broker import broker_problem, masked

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(REPO / "web" / "bench"))
import consent_check as cc  # noqa: E402

ORGANISATION = cc.ORGANISATION
CHECK = cc.CHECK
MANY = 20
SYSTEM = ("consent", "team", "referral", "notify", "gateway")
COUNTY, NGO = "1234567-8", "0123456-7"
TICK = os.sysconf("SC_CLK_TCK")


def say(text: str) -> None:
    print(text, flush=True)


# -- what one run measures, by mode ----------------------------------------------------------

@dataclass(frozen=True)
class Plan:
    calls: int = 400             # sequential and concurrent check calls
    concurrency: int = 16
    warmup: int = 30
    many_calls: int = 100        # check_many calls, sequential and with 8 callers
    cpu_calls: int = 500         # checks over which CPU time and statements are counted
    rates: tuple[int, ...] = (25, 50, 100, 200, 400, 800)
    step_s: float = 4.0
    small_store: int = 1_000
    large_store: int = 1_000_000
    store_calls: int = 200
    http_s: float = 15.0
    referral_rate: int = 100
    referral_s: float = 60.0
    idle_s: float = 5.0
    referral_sequential: int = 30


QUICK = Plan(calls=120, warmup=10, many_calls=30, cpu_calls=150, rates=(25, 50, 100, 200),
             step_s=1.5, large_store=100_000, store_calls=60, http_s=4.0, referral_rate=20,
             referral_s=8.0, idle_s=2.0, referral_sequential=10)


# -- the targets of issue 13 -----------------------------------------------------------------

@dataclass
class Row:
    figure: str
    value: float | None
    unit: str
    baseline: str = ""
    target: str = ""
    met: bool | None = None
    by: str = ""


def number(value: float | None) -> str:
    if value is None:
        return "n/a"
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.2f}" if abs(value) < 10 else f"{value:.1f}"


def meet(row: Row, limit: float, *, most: bool) -> Row:
    """Set ``met`` and how far off: ``most`` means the value may be at most ``limit``."""
    if row.value is None:
        return row
    ok = row.value <= limit if most else row.value >= limit
    row.met = ok
    if not ok:
        over = f"{number(row.value - limit)} {row.unit} over, {row.value / limit:.2f}x the limit"
        row.by = over if most else f"{row.value / limit:.0%} of it"
    return row


# -- processes and /proc ---------------------------------------------------------------------

def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK  # utime, stime


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def children_of(pid: int) -> dict[int, str]:
    """Direct children of ``pid``: their command lines."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found[int(entry.name)] = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except (OSError, ValueError):
            continue
    return found


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_consumer(amqp_uri: str, service: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + cc.START_TIMEOUT
    while cc.rpc_consumers(amqp_uri, service) == 0:
        if process.poll() is not None:
            raise cc.BenchError(f"{service} exited with {process.returncode}:\n{cc.tail(log)}")
        if time.monotonic() > deadline:
            raise cc.BenchError(f"{service} did not start in {cc.START_TIMEOUT:.0f} s:\n{cc.tail(log)}")
        eventlet.sleep(0.2)


# -- databases -----------------------------------------------------------------------------

@contextmanager
def databases(workdir: Path, services: tuple[str, ...]) -> Iterator[tuple[str, dict[str, str]]]:
    """A fresh database per service: (kind, {service: url}); PostgreSQL ones are dropped after."""
    url = os.environ.get("TIIMI_BENCH_DATABASE_URL")
    if not url or url.startswith("sqlite"):
        yield "sqlite", {s: f"sqlite:///{workdir}/{s}.db" for s in services}
        return
    server = sa.create_engine(tiimi_config.database_url(url), isolation_level="AUTOCOMMIT")
    run = uuid.uuid4().hex[:8]
    names = {s: f"tiimi_bench_{run}_{s}" for s in services}
    parts = urlsplit(url)
    try:
        with server.connect() as connection:
            for name in names.values():
                connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
        yield "postgresql", {s: urlunsplit(parts._replace(path="/" + name)) for s, name in names.items()}
    finally:
        with server.connect() as connection:
            for name in names.values():
                connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()


# -- calling: closed loop, open loop -----------------------------------------------------------

def proxies(stack: ExitStack, amqp_uri: str, service: str, count: int) -> list[Any]:
    # A standalone proxy is not safe to share between greenthreads: one per caller.
    return [stack.enter_context(ServiceRpcProxy(service, {"AMQP_URI": amqp_uri}, timeout=cc.RPC_TIMEOUT))
            for _ in range(count)]


def stats(latencies: list[float]) -> dict[str, float]:
    return {"p50_ms": cc.percentile(latencies, 50) * 1000, "p99_ms": cc.percentile(latencies, 99) * 1000,
            "n": len(latencies)}


def open_loop(pool: list[Any], call: Callable[[Any], None], rate: float, seconds: float,
              grace: float = 20.0) -> dict[str, float]:
    """Start calls at ``rate``/s for ``seconds``; each latency counts from when its call was due.

    Calls wait for a free proxy of ``pool`` (its size bounds the calls in flight). A call
    still waiting ``grace`` seconds after the last one was due is not made: counted as
    ``not_started``, so a saturated service cannot make the run last without end.
    """
    idle: LightQueue = LightQueue()
    for proxy in pool:
        idle.put(proxy)
    latencies: list[float] = []
    failures = [0]
    not_started = [0]
    green = eventlet.GreenPool(100_000)
    count = int(rate * seconds)
    start = time.perf_counter() + 0.05
    give_up = start + seconds + grace

    def one(due: float) -> None:
        proxy = idle.get()
        if time.perf_counter() > give_up:
            not_started[0] += 1
            idle.put(proxy)
            return
        try:
            call(proxy)
            latencies.append(time.perf_counter() - due)
        except Exception:  # noqa: BLE001  (counted, not fatal: a saturated service may time out)
            failures[0] += 1
        finally:
            idle.put(proxy)

    for i in range(count):
        due = start + i / rate
        wait = due - time.perf_counter()
        if wait > 0:
            eventlet.sleep(wait)
        green.spawn_n(one, due)
    green.waitall()
    wall = time.perf_counter() - start
    return {"offered_per_s": rate, "achieved_per_s": len(latencies) / wall, "failures": failures[0],
            "not_started": not_started[0], **stats(latencies)}


# -- stage 1: the consent service ----------------------------------------------------------------

class Counted:
    """The SQL statement counter of a service run through counted_service.py."""

    def __init__(self, process: subprocess.Popen, path: Path):
        self.process, self.path = process, path

    def read(self) -> int:
        before = self.path.read_text().split()[0] if self.path.exists() else "0"
        self.process.send_signal(signal.SIGUSR1)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            eventlet.sleep(0.02)
            if self.path.exists():
                parts = self.path.read_text().split()
                if len(parts) == 2 and parts[0] != before:
                    return int(parts[1])
        raise cc.BenchError("the consent service did not report its SQL statement count")


def grant(proxy: Any, client_id: str, organisation: str = ORGANISATION,
          categories: tuple[str, ...] = ("basic", "team"),
          purposes: tuple[str, ...] = ("team_coordination",)) -> None:
    proxy.grant(client_id=client_id, given_by={"kind": "client"}, recipient_organisation=organisation,
                categories=list(categories), purposes=list(purposes), method="written", recorded_by="sw-1001")


def store_consents(database_url: str, total: int) -> float:
    """Bring the consents table to ``total`` rows, other clients' active consents; seconds it took.

    SQLite: multi-row INSERTs through SQLAlchemy Core, 10,000 rows a statement. PostgreSQL: one
    INSERT ... SELECT over ``generate_series`` that the server fills itself (sending a million
    rows from here would take minutes). Both on the service's own table definition.
    """
    sys.path.insert(0, str(REPO / "services" / "consent"))
    from consent.models import Consent  # the service's own table definition, whatever it is now
    table = Consent.__table__
    engine = sa.create_engine(tiimi_config.database_url(database_url))
    started = time.monotonic()
    now = datetime.now(UTC)
    same: dict[str, Any] = {
        "given_by": "client", "representative_relation": None, "organisation": ORGANISATION,
        "professionals": [], "categories": ["basic"], "purposes": ["team_coordination"],
        "valid_from": now - timedelta(days=1), "valid_until": now + timedelta(days=365), "method": "written",
        "recorded_by": "sw-1001", "recorded_at": now, "status": "active", "withdrawn_at": None,
        "withdrawn_by": None, "withdrawal_reason": None, "expired_at": None}
    with engine.begin() as connection:
        have = connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
    missing = total - have
    if missing > 0 and engine.dialect.name == "postgresql":
        new_id = sa.cast(sa.func.gen_random_uuid(), sa.String(36))
        columns = {"id": new_id, "client_id": new_id} | {
            name: sa.cast(sa.literal(value, type_=table.c[name].type), table.c[name].type)
            for name, value in same.items()}
        rows = sa.select(*columns.values()).select_from(sa.func.generate_series(1, missing).alias("n"))
        with engine.begin() as connection:
            connection.execute(sa.insert(table).from_select(list(columns), rows))
    else:
        chunk = 10_000
        for offset in range(0, max(0, missing), chunk):
            batch = [{"id": str(uuid.uuid4()), "client_id": str(uuid.uuid4()), **same}
                     for _ in range(min(chunk, missing - offset))]
            with engine.begin() as connection:
                connection.execute(sa.insert(table), batch)
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(sa.text(f"ANALYZE {table.name}"))
    engine.dispose()
    return time.monotonic() - started


def consent_stage(plan: Plan, amqp_uri: str, database_url: str, workdir: Path) -> dict[str, Any]:
    results: dict[str, Any] = {}
    log = workdir / "consent.log"
    count_file = workdir / "sql-count"
    env = cc.service_env(amqp_uri, database_url) | {"TIIMI_BENCH_SQL_COUNT_FILE": str(count_file)}
    cc.migrate(env, log)
    with ExitStack() as stack:
        noop_log = workdir / "noop.log"
        noop = stack.enter_context(cc.child([sys.executable, str(BENCH / "noop_service.py"), amqp_uri],
                                            dict(os.environ), noop_log, "the do-nothing service"))
        service = stack.enter_context(cc.child([sys.executable, str(BENCH / "counted_service.py"), "consent"],
                                               env, log, "the consent service"))
        wait_consumer(amqp_uri, "bench_noop", noop, noop_log)
        wait_consumer(amqp_uri, "consent", service, log)
        counter = Counted(service, count_file)
        eventlet.sleep(1.0)
        results["noop_idle_rss_mb"] = rss_mb(noop.pid)

        pool = proxies(stack, amqp_uri, "consent", 33)
        main, callers = pool[0], pool[1:1 + plan.concurrency]
        client_id = str(uuid.uuid4())
        grant(main, client_id)

        def check(proxy: Any) -> None:
            answer = proxy.check(client_id=client_id, **CHECK)
            if answer.get("decision") != "permit":
                raise cc.BenchError(f"consent.check answered {answer}")

        say("bench: check, sequential and with 16 callers")
        results["check"] = asdict(cc.measure(lambda: check(main), [lambda p=p: check(p) for p in callers],
                                             plan.calls, plan.warmup))
        noop_pool = proxies(stack, amqp_uri, "bench_noop", plan.concurrency + 1)
        results["noop"] = asdict(cc.measure(lambda: noop_pool[0].check(**CHECK),
                                            [lambda p=p: p.check(**CHECK) for p in noop_pool[1:]],
                                            plan.calls, plan.warmup))

        say("bench: CPU time and SQL statements per check")
        statements, cpu = counter.read(), cpu_seconds(service.pid)
        for _ in range(plan.cpu_calls):
            check(main)
        results["check_cpu_ms"] = (cpu_seconds(service.pid) - cpu) / plan.cpu_calls * 1000
        results["check_sql"] = (counter.read() - statements) / plan.cpu_calls
        cpu = cpu_seconds(noop.pid)
        for _ in range(plan.cpu_calls):
            noop_pool[0].check(**CHECK)
        results["noop_cpu_ms"] = (cpu_seconds(noop.pid) - cpu) / plan.cpu_calls * 1000

        say(f"bench: check_many of {MANY}")
        batch = [dict(CHECK, professional=f"pro-{i}") for i in range(MANY)]

        def many(proxy: Any) -> None:
            answer = proxy.check_many(client_id=client_id, requests=batch)
            if len(answer.get("decisions", [])) != MANY:
                raise cc.BenchError(f"consent.check_many answered {answer}")

        many_figures = cc.measure(lambda: many(main), [lambda p=p: many(p) for p in callers[:8]],
                                  plan.many_calls, 5)
        results["check_many"] = asdict(many_figures)
        statements, cpu = counter.read(), cpu_seconds(service.pid)
        for _ in range(plan.many_calls):
            many(main)
        results["check_many_cpu_ms"] = (cpu_seconds(service.pid) - cpu) / plan.many_calls * 1000
        results["check_many_sql"] = (counter.read() - statements) / plan.many_calls

        say("bench: check latency against offered load (open loop)")
        steps = []
        for rate in plan.rates:
            step = open_loop(pool, check, rate, plan.step_s)
            steps.append(step)
            say(f"  {rate:>4}/s offered: {step['achieved_per_s']:.0f}/s done, p50 {step['p50_ms']:.1f} ms, "
                f"p99 {step['p99_ms']:.1f} ms")
            if step["p50_ms"] > 1000 or step["achieved_per_s"] < 0.8 * rate:
                break  # saturated: higher rates only queue longer
        results["check_open_loop"] = steps
        noop_pool += proxies(stack, amqp_uri, "bench_noop", len(pool) - len(noop_pool))
        results["noop_open_loop"] = [open_loop(noop_pool, lambda p: p.check(**CHECK), step["offered_per_s"],
                                               plan.step_s) for step in steps]

        for label, total in (("small", plan.small_store), ("large", plan.large_store)):
            say(f"bench: check with {total:,} stored consents (bulk load)")
            results[f"store_{label}_load_s"] = store_consents(database_url, total)
            for _ in range(plan.warmup):
                check(main)
            results[f"store_{label}"] = {"consents": total, **stats(cc.timed_calls(lambda: check(main),
                                                                                    plan.store_calls))}
    say("bench: raw kombu request/reply baseline")
    results["raw"] = asdict(cc.bench_raw(amqp_uri, plan.calls, plan.concurrency, plan.warmup,
                                         workdir / "responder.log"))
    return results


# -- stage 2: the whole system -------------------------------------------------------------------

def free_run(length: int) -> int:
    for _ in range(50):
        first = free_port()
        probes = []
        try:
            for port in range(first, first + length):
                probe = socket.socket()
                probes.append(probe)
                probe.bind(("127.0.0.1", port))
            return first
        except OSError:
            continue
        finally:
            for probe in probes:
                probe.close()
    raise cc.BenchError(f"no {length} consecutive free ports")


@contextmanager
def system(state: Path, amqp_uri: str, urls: dict[str, str], secret: str) -> Iterator[dict[str, Any]]:
    http, ops = f"127.0.0.1:{free_port()}", free_run(len(SYSTEM))
    env = {name: value for name, value in os.environ.items() if not name.startswith("TIIMI_")}
    env |= {"TIIMI_HTTP_ADDRESS": http, "TIIMI_OPS_FIRST_PORT": str(ops), "TIIMI_OIDC_PORT": str(free_port()),
            "TIIMI_VAR_DIR": str(state), "TIIMI_DEMO_SEED": "false", "TIIMI_AMQP_URI": amqp_uri,
            "TIIMI_JWT_SECRET": secret, "TIIMI_LOG_LEVEL": "WARNING"}
    env |= {f"TIIMI_{service.upper()}_DATABASE_URL": url for service, url in urls.items()}
    log = state / "devrun.log"
    with open(log, "wb") as out:
        devrun = subprocess.Popen([sys.executable, "-m", "tiimi_shared.devrun", *SYSTEM], cwd=REPO, env=env,
                                  stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                  process_group=0)
    try:
        deadline = time.monotonic() + 240
        while "tiimi is running" not in log.read_text(errors="replace"):
            if devrun.poll() is not None or time.monotonic() > deadline:
                raise cc.BenchError("the system did not start; the end of its log:\n" + cc.tail(log))
            time.sleep(0.5)
        pids = {}
        for pid, command in children_of(devrun.pid).items():
            words = command.split()
            if "-m" in words and words[words.index("-m") + 1] in SYSTEM:
                pids[words[words.index("-m") + 1]] = pid
        yield {"app": f"http://{http}", "pids": pids}
    finally:
        if devrun.poll() is None:
            devrun.send_signal(signal.SIGTERM)
            try:
                devrun.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(devrun.pid, signal.SIGKILL)
                devrun.wait()


def http_load(url: str, token: str | None, seconds: float) -> dict[str, Any]:
    command = [sys.executable, str(BENCH / "http_load.py"), url, "--connections", "16",
               "--duration", str(seconds)]
    if token:
        command += ["--header", f"Authorization: Bearer {token}"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 120)
    if done.returncode != 0:
        raise cc.BenchError(f"the HTTP load tool failed: {done.stderr[-2000:]}")
    return json.loads(done.stdout)


def referral_stage(plan: Plan, amqp_uri: str, workdir: Path, client_id: str) -> dict[str, Any]:
    received = workdir / "partner.txt"
    receiver_log = workdir / "partner.log"
    with ExitStack() as stack:
        stack.enter_context(cc.child([sys.executable, str(BENCH / "partner_receiver.py"), amqp_uri, NGO,
                                      str(received)], dict(os.environ), receiver_log, "the partner receiver"))
        deadline = time.monotonic() + 30
        while not (received.exists() and received.read_text().startswith("ready")):
            if time.monotonic() > deadline:
                raise cc.BenchError(f"the partner receiver did not start:\n{cc.tail(receiver_log)}")
            eventlet.sleep(0.1)
        consent = proxies(stack, amqp_uri, "consent", 1)[0]
        grant(consent, client_id, organisation=NGO, categories=("basic",), purposes=("referral",))
        pool = proxies(stack, amqp_uri, "referral", 32)
        sent_at: dict[str, float] = {}
        send_ms: list[float] = []
        worker = {"organisation": COUNTY, "professional_id": "sw-1001"}
        accept_by = (datetime.now(UTC) + timedelta(days=2)).isoformat()

        def one(proxy: Any) -> None:
            draft = proxy.create_referral(
                client_id=client_id, requesting_organisation=COUNTY, requested_by="sw-1001",
                target_organisation=NGO, service="ngo_peer_support", priority="routine",
                reason="benchmark", accept_by=accept_by, share={"basic": {"language": "fi"}})
            sent_at[draft["id"]] = time.time()
            began = time.perf_counter()
            proxy.change_status(referral_id=draft["id"], status="requested", by=worker)
            send_ms.append((time.perf_counter() - began) * 1000)

        def receipts_of(wanted: dict[str, float]) -> dict[str, float]:
            found: dict[str, float] = {}
            for line in received.read_text().splitlines():
                referral_id, kind, at = line.split()
                if kind == "referral_requested" and referral_id in wanted:
                    found.setdefault(referral_id, float(at))
            return found

        def collect(wanted: dict[str, float], timeout: float) -> dict[str, float]:
            deadline = time.monotonic() + timeout
            found = receipts_of(wanted)
            while len(found) < len(wanted) and time.monotonic() < deadline:
                eventlet.sleep(0.01)
                found = receipts_of(wanted)
            return found

        # The baseline: one referral at a time, the next once the partner has the last.
        for _ in range(plan.referral_sequential + 1):
            one(pool[0])
            collect(sent_at, 10)
        sequential = collect(sent_at, 0)
        alone = [sequential[r] - sent_at[r] for r in list(sent_at)[1:] if r in sequential]  # first: warm-up
        alone_send = send_ms[1:]
        sent_at.clear()
        send_ms.clear()
        paced = open_loop(pool, one, plan.referral_rate, plan.referral_s)
        receipts = collect(sent_at, 30)
    latencies = [receipts[r] - sent_at[r] for r in receipts]
    return {"offered_per_s": plan.referral_rate, "seconds": plan.referral_s, "sent": len(sent_at),
            "received": len(receipts), "create_and_send": paced,
            "send_rpc": stats([ms / 1000 for ms in send_ms]) if send_ms else {},
            "send_to_receipt": stats(latencies) if latencies else {},
            "one_at_a_time": {"send_rpc": stats([ms / 1000 for ms in alone_send]) if alone_send else {},
                              "send_to_receipt": stats(alone) if alone else {}}}


def system_stage(plan: Plan, amqp_uri: str, urls: dict[str, str], workdir: Path) -> dict[str, Any]:
    from seed import PARTNER_DESK, seed

    from gateway.auth import Kind, mint

    results: dict[str, Any] = {}
    state = workdir / "system"
    state.mkdir()
    secret = secrets.token_urlsafe(32)
    say("bench: starting the whole system (tiimi_shared.devrun)")
    with system(state, amqp_uri, urls, secret) as running:
        app, pids = running["app"], running["pids"]
        missing = set(SYSTEM) - set(pids)
        if missing:
            raise cc.BenchError(f"no process found for {', '.join(sorted(missing))}")
        time.sleep(plan.idle_s)
        results["idle_rss_mb"] = {service: rss_mb(pid) for service, pid in sorted(pids.items())}

        say("bench: the gateway's team read under 16 connections")
        token = mint(secret, subject="sw-1001", organisation=COUNTY, kind=Kind.PROFESSIONAL)
        partner = mint(secret, subject=PARTNER_DESK, organisation=NGO, kind=Kind.PARTNER)
        seed(app, token, partner, 1, workers=1, say=lambda _text: None)
        clients = requests.get(f"{app}/me/clients", headers={"Authorization": f"Bearer {token}"}, timeout=30)
        clients.raise_for_status()
        client_id = clients.json()[0]["client_id"]
        team_url = f"{app}/clients/{client_id}/team"
        probe = requests.get(team_url, headers={"Authorization": f"Bearer {token}"}, timeout=30)
        if probe.status_code != 200:
            raise cc.BenchError(f"GET /clients/<id>/team answered {probe.status_code}: {probe.text[:300]}")
        results["gateway_team"] = http_load(team_url, token, plan.http_s)
        results["gateway_live"] = http_load(f"{app}/health/live", None, plan.http_s)

        say(f"bench: referral send to the partner's receipt at {plan.referral_rate}/s "
            f"for {plan.referral_s:.0f} s")
        results["referral"] = referral_stage(plan, amqp_uri, workdir, client_id)
    return results


# -- the report ------------------------------------------------------------------------------------

def rows(c: dict[str, Any], s: dict[str, Any]) -> list[Row]:
    """The table: each figure, its baseline in the same run, its target and whether it is met."""
    out: list[Row] = []
    chk, noop, raw = c["check"], c["noop"], c["raw"]

    def beside(key: str, digits: int = 1, unit: str = " ms") -> str:
        return f"do-nothing nameko {noop[key]:.{digits}f}{unit}; raw kombu {raw[key]:.{digits}f}{unit}"

    out.append(Row("check sequential p50", chk["seq_p50_ms"], "ms", beside("seq_p50_ms")))
    out.append(meet(Row("check p50 / do-nothing nameko p50", chk["seq_p50_ms"] / noop["seq_p50_ms"], "x",
                        target="at most 1.5x"), 1.5, most=True))
    out.append(Row("check sequential p99", chk["seq_p99_ms"], "ms", beside("seq_p99_ms")))
    out.append(Row("check sequential calls/s", chk["seq_calls_per_s"], "calls/s",
                   beside("seq_calls_per_s", 0, "/s")))
    out.append(Row("check, 16 callers: calls/s", chk["conc_calls_per_s"], "calls/s",
                   beside("conc_calls_per_s", 0, "/s")))
    out.append(meet(Row("check, 16 callers / sequential calls/s",
                        chk["conc_calls_per_s"] / chk["seq_calls_per_s"], "x", target="at least 2.5x"),
                    2.5, most=False))
    out.append(Row("check, 16 callers: p50", chk["conc_p50_ms"], "ms",
                   f"p99 {chk['conc_p99_ms']:.1f} ms; do-nothing nameko p50 {noop['conc_p50_ms']:.1f} ms"))
    many = c["check_many"]
    out.append(meet(Row(f"check_many of {MANY}: decisions/s, sequential", many["seq_calls_per_s"] * MANY,
                        "decisions/s", f"with 8 callers {many['conc_calls_per_s'] * MANY:.0f}/s",
                        "at least 2,000"), 2000, most=False))
    out.append(meet(Row("consent CPU per check", c["check_cpu_ms"], "ms",
                        f"do-nothing nameko {c['noop_cpu_ms']:.2f} ms per call", "at most 2 ms"),
                    2, most=True))
    out.append(Row(f"consent CPU per check_many of {MANY}", c["check_many_cpu_ms"], "ms"))
    out.append(meet(Row("SQL statements per check", c["check_sql"], "statements", target="at most 4"),
                    4, most=True))
    out.append(meet(Row(f"SQL statements per check_many of {MANY}", c["check_many_sql"], "statements",
                        target="at most 8"), 8, most=True))
    small, large = c["store_small"], c["store_large"]
    out.append(Row(f"check p50 with {small['consents']:,} stored consents", small["p50_ms"], "ms",
                   f"p99 {small['p99_ms']:.1f} ms"))
    out.append(Row(f"check p50 with {large['consents']:,} stored consents", large["p50_ms"], "ms",
                   f"p99 {large['p99_ms']:.1f} ms; with {small['consents']:,}: p50 {small['p50_ms']:.1f} ms"))
    if not s:
        return out
    team, live = s["gateway_team"], s["gateway_live"]
    out.append(meet(Row("gateway GET /clients/<id>/team, 16 connections", team["requests_per_s"], "req/s",
                        f"/health/live {live['requests_per_s']:.0f} req/s", "at least 300"), 300, most=False))
    out.append(meet(Row("gateway team read p99, 16 connections", team["p99_ms"], "ms",
                        f"p50 {team['p50_ms']:.1f} ms; /health/live p99 {live['p99_ms']:.1f} ms",
                        "under 100 ms"), 100, most=True))
    ref = s["referral"]
    got = ref.get("send_to_receipt") or {}
    alone = ref["one_at_a_time"].get("send_to_receipt") or {}
    nan = float("nan")
    out.append(meet(Row(
        f"referral send to partner receipt p99, {ref['offered_per_s']}/s", got.get("p99_ms"), "ms",
        f"p50 {got.get('p50_ms', nan):.1f} ms; received {ref['received']} of {ref['sent']} sent "
        f"({ref['create_and_send']['not_started']} of {int(ref['offered_per_s'] * ref['seconds'])} due "
        f"never started: the system fell behind); created and sent "
        f"{ref['create_and_send']['achieved_per_s']:.0f}/s; one at a time: p50 "
        f"{alone.get('p50_ms', nan):.1f} ms, p99 {alone.get('p99_ms', nan):.1f} ms",
        "under 50 ms"), 50, most=True))
    for service, mb in s["idle_rss_mb"].items():
        out.append(meet(Row(f"idle resident memory: {service}", mb, "MB",
                            f"do-nothing nameko {c['noop_idle_rss_mb']:.0f} MB", "under 60 MB"),
                        60, most=True))
    return out


def markdown(table: list[Row], header: str) -> str:
    lines = [header, "", "| figure | value | baseline in the same run | target | met |",
             "|---|---|---|---|---|"]
    for row in table:
        met = "" if row.met is None else "met" if row.met else f"**missed** ({row.by})"
        lines.append(f"| {row.figure} | {number(row.value)} {row.unit} | {row.baseline} | {row.target} "
                     f"| {met} |")
    return "\n".join(lines) + "\n"


def chart(steps: list[dict[str, float]], noop: list[dict[str, float]], path: Path, title: str) -> bool:
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        from matplotlib.ticker import NullFormatter
    except ImportError:
        say("bench: matplotlib is not installed (make install): no chart")
        return False
    offered = [step["offered_per_s"] for step in steps]
    figure, axes = plt.subplots(figsize=(7, 4.2), dpi=110)
    axes.plot(offered, [step["p50_ms"] for step in steps], marker="o", label="check p50")
    axes.plot(offered, [step["p99_ms"] for step in steps], marker="s", label="check p99")
    axes.plot(offered, [step["p50_ms"] for step in noop], color="grey", linestyle="--", marker=".",
              label="do-nothing nameko RPC p50, same loads")
    axes.plot(offered, [step["p99_ms"] for step in noop], color="grey", linestyle=":", marker=".",
              label="do-nothing nameko RPC p99, same loads")
    axes.set_xscale("log")
    axes.set_yscale("log")
    axes.set_xticks(offered, [str(rate) for rate in offered])
    axes.xaxis.set_minor_formatter(NullFormatter())
    axes.set_xlabel("offered load, check calls/s (open loop)")
    axes.set_ylabel("latency from when the call was due, ms")
    axes.set_title(title, fontsize=10)
    axes.grid(True, which="both", alpha=0.3)
    axes.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(path)
    plt.close(figure)
    return True


# -- main ------------------------------------------------------------------------------------------

def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true",
                        default=os.environ.get("BENCH_QUICK", "") not in ("", "0"),
                        help="a short run to try the suite (also BENCH_QUICK=1)")
    parser.add_argument("--keep", action="store_true",
                        help="keep the temporary directory (the services' logs and SQLite files)")
    parser.add_argument("--skip-system", action="store_true", help="only the consent service's figures")
    parser.add_argument("--amqp-uri", default=os.environ.get("TIIMI_AMQP_URI", tiimi_config.DEFAULT_AMQP_URI))
    parser.add_argument("--output-dir", type=Path, default=REPO / "var" / "bench")
    return parser.parse_args(argv)


@contextmanager
def vhost(amqp_uri: str) -> Iterator[str]:
    with cc.bench_vhost(amqp_uri, cc.management_url(amqp_uri)) as (uri, _name):
        yield uri


def run(args: argparse.Namespace) -> int:
    problem = broker_problem(args.amqp_uri)
    if problem:
        say(problem)
        return 2
    plan = QUICK if args.quick else Plan()
    started = time.monotonic()
    load_before = os.getloadavg()
    workdir = Path(tempfile.mkdtemp(prefix="tiimi-bench-"))
    try:
        with databases(workdir, SYSTEM + ("bench",)) as (kind, urls):
            say(f"bench: {'quick' if args.quick else 'full'} run, database {kind}, load average "
                f"{load_before[0]:.1f} on {os.cpu_count()} cores")
            with vhost(args.amqp_uri) as amqp_uri:
                consent = consent_stage(plan, amqp_uri, urls["bench"], workdir)
            load_middle = os.getloadavg()
            system_figures: dict[str, Any] = {}
            if not args.skip_system:
                with vhost(args.amqp_uri) as amqp_uri:
                    system_figures = system_stage(plan, amqp_uri, {s: urls[s] for s in SYSTEM}, workdir)
    finally:
        if args.keep:
            say(f"bench: the services' logs and state are kept in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    load_after = os.getloadavg()
    table = rows(consent, system_figures)
    header = (f"`make bench`{' (quick)' if args.quick else ''}, {kind}, "
              f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, "
              f"{os.cpu_count()} cores, load average {load_before[0]:.1f} / {load_middle[0]:.1f} / "
              f"{load_after[0]:.1f} (start / middle / end)")
    text = markdown(table, header)
    out = args.output_dir
    out.mkdir(parents=True, exist_ok=True)
    suffix = "" if kind == "sqlite" else f"-{kind}"
    (out / f"suite{suffix}.md").write_text(text)
    drawn = chart(consent["check_open_loop"], consent["noop_open_loop"],
                  out / f"check_latency{suffix}.png",
                  f"consent.check latency against offered load ({kind}, {os.cpu_count()} cores, "
                  f"load {load_before[0]:.1f})")
    (out / f"suite{suffix}.json").write_text(json.dumps({
        "benchmark": "suite", "quick": args.quick, "database": kind,
        "timestamp": datetime.now(UTC).isoformat(timespec="seconds"), "python": platform.python_version(),
        "cores": os.cpu_count(),
        "load_average": {"start": load_before, "middle": load_middle, "end": load_after},
        "amqp_uri": masked(args.amqp_uri), "plan": asdict(plan), "seconds": time.monotonic() - started,
        "rows": [asdict(row) for row in table], "consent": consent, "system": system_figures,
    }, indent=2, default=str) + "\n")
    say("")
    say(text)
    say(f"bench: written to {out}/suite{suffix}.json, suite{suffix}.md"
        + (f", check_latency{suffix}.png" if drawn else "") + f" in {time.monotonic() - started:.0f} s")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)

    def _terminate(_signum: int, _frame: Any) -> None:
        raise SystemExit(143)

    signal.signal(signal.SIGTERM, _terminate)
    try:
        return run(args)
    except cc.BenchError as error:
        say(f"bench: {error}")
        return 1
    except KeyboardInterrupt:
        say("bench: interrupted")
        return 130


if __name__ == "__main__":
    sys.exit(main())
