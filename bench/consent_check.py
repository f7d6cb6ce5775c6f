"""``make bench``: how fast ``consent.check`` answers over RPC, next to raw AMQP.

What it measures
----------------
1. ``consent.check`` through nameko RPC. The consent service runs as its own
   process, started exactly as in production (``python -m consent migrate``,
   then ``python -m consent run``), on a RabbitMQ vhost created for this run
   and a fresh SQLite file (or ``TIIMI_BENCH_DATABASE_URL``, e.g. PostgreSQL).
   One consent is granted; then the same permitted check is asked over and
   over. Each check reads the client's consents and denials and appends one
   entry to the disclosure log (a database write and commit per call).
2. A baseline on the same broker: a raw AMQP request/reply round trip with
   kombu and no nameko. A responder process consumes a queue and publishes a
   small JSON reply to ``reply_to`` with the request's ``correlation_id``.

Both are measured in two shapes:

* sequential: ``--calls`` calls one after another from one client;
* concurrent: ``--concurrency`` callers at once, each with its own
  connection (one standalone proxy, or one connection and reply queue, per
  caller), each making ``calls // concurrency`` calls.

How to read it
--------------
Latencies (p50, p99) are per call, in milliseconds, measured by the caller:
publish, broker, service, reply. Calls/s is the number of calls divided by the
wall time of the run. The ratio row divides the consent figure by the raw one:
a latency ratio of 5 means a check takes five times as long as a bare round
trip; a calls/s ratio of 0.2 means a fifth of the throughput. What the raw
round trip costs is the floor no RPC over this broker can go under; the rest
is nameko (publisher confirms, mandatory routing, per-call proxy work, worker
spawning) and the check itself (validation, two queries, a logged decision).

The figures are also written as JSON to ``var/bench/consent_check.json``.
Exit status: 0 done, 1 failed, 2 RabbitMQ not reachable.
"""
import tiimi_shared.green  # noqa: F401  (first: patches sockets and threads)

# isort: split
import argparse
import base64
import json
import math
import os
import platform
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

import eventlet
from kombu import Connection, Consumer, Producer, Queue
from kombu.exceptions import ChannelError
from nameko.standalone.rpc import ServiceRpcProxy

from tiimi_shared import config as tiimi_config
from tiimi_shared.broker import broker_problem, masked

ORGANISATION = "0123456-7"
CHECK = {"organisation": ORGANISATION, "category": "basic", "purpose": "team_coordination"}
RPC_TIMEOUT = 30.0
START_TIMEOUT = 60.0
STOP_TIMEOUT = 15.0

Call = Callable[[], None]


# -- measuring ---------------------------------------------------------------

@dataclass(frozen=True)
class Figures:
    seq_p50_ms: float
    seq_p99_ms: float
    seq_calls_per_s: float
    conc_calls_per_s: float
    conc_p50_ms: float
    conc_p99_ms: float


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile of ``values`` (0 < p <= 100)."""
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def timed_calls(call: Call, count: int) -> list[float]:
    """Make ``count`` calls one after another; the latency of each, in seconds."""
    latencies = []
    for _ in range(count):
        start = time.perf_counter()
        call()
        latencies.append(time.perf_counter() - start)
    return latencies


def all_at_once(callers: list[Call], count: int) -> list[list[float]]:
    """Each caller makes ``count`` calls, all callers at once, each in its greenthread."""
    pool = eventlet.GreenPool(len(callers))
    threads = [pool.spawn(timed_calls, call, count) for call in callers]
    try:
        return [thread.wait() for thread in threads]
    except BaseException:
        # A failed call or Ctrl-C: stop the other callers before their connections close.
        for thread in threads:
            thread.kill()
        raise


def measure(sequential: Call, concurrent: list[Call], calls: int, warmup: int) -> Figures:
    """Run both shapes: ``sequential`` for ``calls`` calls, then all of ``concurrent`` at once."""
    for _ in range(warmup):
        sequential()
    start = time.perf_counter()
    seq = timed_calls(sequential, calls)
    seq_wall = time.perf_counter() - start

    for call in concurrent:  # one unmeasured call each: connection and reply queue warm
        call()
    per_caller = max(1, calls // len(concurrent))
    start = time.perf_counter()
    results = all_at_once(concurrent, per_caller)
    conc_wall = time.perf_counter() - start
    conc = [latency for caller in results for latency in caller]

    return Figures(
        seq_p50_ms=percentile(seq, 50) * 1000, seq_p99_ms=percentile(seq, 99) * 1000,
        seq_calls_per_s=len(seq) / seq_wall,
        conc_calls_per_s=len(conc) / conc_wall,
        conc_p50_ms=percentile(conc, 50) * 1000, conc_p99_ms=percentile(conc, 99) * 1000,
    )


# -- the broker: a vhost of our own ---------------------------------------------

def with_vhost(amqp_uri: str, vhost: str) -> str:
    parts = urlsplit(amqp_uri)
    return urlunsplit(parts._replace(path="/" + quote(vhost, safe="")))


def management_url(amqp_uri: str) -> str:
    return f"http://{urlsplit(amqp_uri).hostname or '127.0.0.1'}:15672/api"


def management_request(api: str, amqp_uri: str, method: str, path: str, body: dict | None) -> None:
    """One call to the RabbitMQ management API, as the broker user of ``amqp_uri``."""
    parts = urlsplit(amqp_uri)
    credentials = f"{parts.username or 'guest'}:{parts.password or 'guest'}".encode()
    request = urllib.request.Request(
        api.rstrip("/") + path, method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": "Basic " + base64.b64encode(credentials).decode(),
                 "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10):
        pass


@contextmanager
def bench_vhost(amqp_uri: str, api: str) -> Iterator[tuple[str, str]]:
    """A fresh vhost for this run, deleted after; (its AMQP URI, its name).

    Without the management API the run falls back to the vhost of ``amqp_uri``.
    """
    name = f"tiimi-bench-{uuid.uuid4().hex[:8]}"
    path = "/vhosts/" + quote(name, safe="")
    try:
        management_request(api, amqp_uri, "PUT", path, {})
        management_request(api, amqp_uri, "PUT", f"/permissions/{quote(name, safe='')}/"
                           + quote(urlsplit(amqp_uri).username or "guest", safe=""),
                           {"configure": ".*", "write": ".*", "read": ".*"})
    except (urllib.error.URLError, OSError) as error:
        print(f"bench: no management API at {api} ({error}); using the vhost of {masked(amqp_uri)}")
        yield amqp_uri, urlsplit(amqp_uri).path.lstrip("/") or "/"
        return
    try:
        yield with_vhost(amqp_uri, name), name
    finally:
        try:
            management_request(api, amqp_uri, "DELETE", path, None)
        except (urllib.error.URLError, OSError) as error:
            print(f"bench: could not delete vhost {name}: {error}", file=sys.stderr)


# -- child processes ------------------------------------------------------------

def stop_process(process: subprocess.Popen, label: str) -> None:
    """SIGTERM, then SIGKILL if it has not gone after STOP_TIMEOUT seconds."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        print(f"bench: {label} did not stop in {STOP_TIMEOUT:.0f} s; killing it", file=sys.stderr)
        process.kill()
        process.wait()
    except BaseException:  # Ctrl-C while it stops: no waiting any more, but no orphan either
        process.kill()
        process.wait()
        raise


@contextmanager
def child(command: list[str], env: dict[str, str], log_path: Path, label: str) -> Iterator[subprocess.Popen]:
    """A child process in its own session (Ctrl-C reaches only us), always stopped."""
    with open(log_path, "ab") as log_file:
        process = subprocess.Popen(command, env=env, stdin=subprocess.DEVNULL, stdout=log_file,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    try:
        yield process
    finally:
        stop_process(process, label)


def tail(path: Path, lines: int = 20) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


class BenchError(Exception):
    """The benchmark could not run; the message says why."""


# -- the consent service over nameko RPC ---------------------------------------

def service_env(amqp_uri: str, database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(TIIMI_AMQP_URI=amqp_uri, TIIMI_CONSENT_DATABASE_URL=database_url,
               TIIMI_LOG_LEVEL="WARNING")
    return env


def migrate(env: dict[str, str], log_path: Path) -> None:
    with open(log_path, "ab") as log_file:
        done = subprocess.run([sys.executable, "-m", "consent", "migrate"], env=env,
                              stdin=subprocess.DEVNULL, stdout=log_file, stderr=subprocess.STDOUT,
                              timeout=START_TIMEOUT)
    if done.returncode != 0:
        raise BenchError(f"`python -m consent migrate` exited with {done.returncode}:\n{tail(log_path)}")


def rpc_consumers(amqp_uri: str, service: str) -> int:
    """How many consumers the service's RPC queue has; 0 if it does not exist yet."""
    with Connection(amqp_uri) as connection:
        channel = connection.channel()
        try:
            _name, _messages, consumers = channel.queue_declare(f"rpc-{service}", passive=True)
        except ChannelError:  # not declared yet; the broker closes the channel
            return 0
        channel.close()
        return consumers


def wait_healthy(amqp_uri: str, service: subprocess.Popen, log_path: Path) -> dict:
    """Wait for the service to consume its RPC queue, then ask ``consent.health``; its answer.

    Polling the queue rather than the RPC keeps the log free of the undeliverable
    requests (UnknownService) that calling a service not yet up produces.
    """
    deadline = time.monotonic() + START_TIMEOUT
    while rpc_consumers(amqp_uri, "consent") == 0:
        if service.poll() is not None:
            raise BenchError(f"the consent service exited with {service.returncode}:\n{tail(log_path)}")
        if time.monotonic() > deadline:
            raise BenchError(f"the consent service did not start in {START_TIMEOUT:.0f} s:\n"
                             f"{tail(log_path)}")
        eventlet.sleep(0.2)
    with ServiceRpcProxy("consent", {"AMQP_URI": amqp_uri}, timeout=RPC_TIMEOUT) as proxy:
        health = proxy.health()
    if health.get("status") != "ok":
        raise BenchError(f"consent.health answered {health}")
    return health


def consent_check_call(proxy: Any, client_id: str) -> Call:
    def call() -> None:
        answer = proxy.check(client_id=client_id, **CHECK)
        if answer.get("decision") != "permit":
            raise BenchError(f"consent.check answered {answer.get('decision')!r} "
                             f"({answer.get('reason')}), expected 'permit'")
    return call


def bench_consent(amqp_uri: str, calls: int, concurrency: int, warmup: int) -> Figures:
    config = {"AMQP_URI": amqp_uri}
    with ExitStack() as stack:
        proxy = stack.enter_context(ServiceRpcProxy("consent", config, timeout=RPC_TIMEOUT))
        client_id = str(uuid.uuid4())
        proxy.grant(client_id=client_id, given_by={"kind": "client"},
                    recipient_organisation=ORGANISATION, categories=["basic", "team"],
                    purposes=["team_coordination"], method="written", recorded_by="sw-1001")
        # A standalone proxy is not safe to share between greenthreads: one per caller.
        callers = [consent_check_call(
            stack.enter_context(ServiceRpcProxy("consent", config, timeout=RPC_TIMEOUT)), client_id)
            for _ in range(concurrency)]
        return measure(consent_check_call(proxy, client_id), callers, calls, warmup)


# -- the raw AMQP baseline ---------------------------------------------------------

def request_queue(name: str) -> Queue:
    # auto_delete: gone once the responder stops consuming, on a shared vhost too.
    return Queue(name, durable=False, auto_delete=True)


def respond(amqp_uri: str, queue_name: str) -> int:
    """The responder process: answer each request on ``queue_name`` until SIGTERM."""
    stopping = False

    def _stop(_signum: int, _frame: Any) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    with Connection(amqp_uri) as connection:
        channel = connection.channel()
        channel.basic_qos(prefetch_size=0, prefetch_count=10, a_global=False)
        producer = Producer(channel, serializer="json")

        def on_request(body: dict, message: Any) -> None:
            producer.publish({"decision": "permit", "echo": body.get("n")},
                             routing_key=message.properties["reply_to"],
                             correlation_id=message.properties["correlation_id"])
            message.ack()

        with Consumer(channel, [request_queue(queue_name)], callbacks=[on_request], accept=["json"]):
            while not stopping:
                try:
                    connection.drain_events(timeout=0.5)
                except TimeoutError:
                    continue
    return 0


class RawClient:
    """One connection and one exclusive reply queue: a request, then wait for its reply."""

    def __init__(self, amqp_uri: str, queue_name: str) -> None:
        self.queue_name = queue_name
        self.connection = Connection(amqp_uri)
        channel = self.connection.channel()
        self.reply_queue = Queue(f"bench-reply-{uuid.uuid4().hex}", exclusive=True, auto_delete=True)
        self.producer = Producer(channel, serializer="json")
        self.consumer = Consumer(channel, [self.reply_queue], callbacks=[self._on_reply],
                                 no_ack=True, accept=["json"])
        self.consumer.consume()
        self.replies: dict[str, dict] = {}
        self.sent = 0

    def _on_reply(self, body: dict, message: Any) -> None:
        self.replies[message.properties["correlation_id"]] = body

    def call(self) -> None:
        correlation_id = uuid.uuid4().hex
        self.sent += 1
        self.producer.publish({"n": self.sent, **CHECK}, routing_key=self.queue_name,
                              reply_to=self.reply_queue.name, correlation_id=correlation_id)
        deadline = time.monotonic() + RPC_TIMEOUT
        while correlation_id not in self.replies:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise BenchError(f"no raw AMQP reply in {RPC_TIMEOUT:.0f} s")
            try:
                self.connection.drain_events(timeout=remaining)
            except TimeoutError:
                continue
        if self.replies.pop(correlation_id).get("decision") != "permit":
            raise BenchError("the raw responder answered something else than 'permit'")

    def close(self) -> None:
        self.consumer.cancel()
        self.connection.release()


def bench_raw(amqp_uri: str, calls: int, concurrency: int, warmup: int, log_path: Path) -> Figures:
    queue_name = f"bench-request-{uuid.uuid4().hex[:8]}"
    with Connection(amqp_uri) as connection:  # declared first, so no request is lost
        request_queue(queue_name).bind(connection.default_channel).declare()
    command = [sys.executable, str(Path(__file__).resolve()), "--responder",
               "--amqp-uri", amqp_uri, "--queue", queue_name]
    with ExitStack() as stack:
        stack.enter_context(child(command, dict(os.environ), log_path, "the raw responder"))
        clients = [RawClient(amqp_uri, queue_name) for _ in range(concurrency + 1)]
        for client in clients:
            stack.callback(client.close)
        return measure(clients[0].call, [c.call for c in clients[1:]], calls, warmup)


# -- report ---------------------------------------------------------------------------

COLUMNS = ("seq p50 ms", "seq p99 ms", "seq calls/s", "conc calls/s", "conc p50 ms", "conc p99 ms")


def ratio(consent: Figures, raw: Figures) -> dict[str, float]:
    mine, base = asdict(consent), asdict(raw)
    return {key: mine[key] / base[key] if base[key] else math.nan for key in mine}


def table(consent: Figures, raw: Figures) -> str:
    rows = [("consent.check (nameko RPC)", asdict(consent), "{:.1f}"),
            ("raw AMQP request/reply (kombu)", asdict(raw), "{:.1f}"),
            ("ratio (consent / raw)", ratio(consent, raw), "{:.2f}x")]
    label_width = max(len(label) for label, _, _ in rows)
    lines = [" " * label_width + "".join(f"{c:>14}" for c in COLUMNS)]
    for label, figures, fmt in rows:
        lines.append(f"{label:<{label_width}}" + "".join(f"{fmt.format(v):>14}" for v in figures.values()))
    return "\n".join(lines)


def database_kind(url: str) -> str:
    return url.split(":", 1)[0].split("+", 1)[0]


def rounded(figures: dict[str, float]) -> dict[str, float]:
    return {key: round(value, 3) for key, value in figures.items()}


def write_json(path: Path, consent: Figures, raw: Figures, parameters: dict, database: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({
        "benchmark": "consent_check",
        "timestamp": datetime.now(UTC).isoformat(timespec="seconds"),
        "parameters": parameters,
        "database": database,
        "python": platform.python_version(),
        "nameko": version("nameko"),
        "kombu": version("kombu"),
        "eventlet": version("eventlet"),
        "units": {"latency": "ms", "throughput": "calls/s"},
        "results": {"consent_check_nameko_rpc": rounded(asdict(consent)),
                    "raw_amqp_request_reply_kombu": rounded(asdict(raw)),
                    "ratio_consent_over_raw": rounded(ratio(consent, raw))},
    }, indent=2) + "\n")


# -- main -----------------------------------------------------------------------------

def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--calls", type=int, default=300, help="calls per shape (default 300)")
    parser.add_argument("--concurrency", type=int, default=8, help="concurrent callers (default 8)")
    parser.add_argument("--warmup", type=int, default=20, help="unmeasured calls first (default 20)")
    parser.add_argument("--amqp-uri", default=os.environ.get("TIIMI_AMQP_URI", tiimi_config.DEFAULT_AMQP_URI))
    parser.add_argument("--management-url", default=None,
                        help="RabbitMQ management API (default http://<broker host>:15672/api)")
    parser.add_argument("--output", type=Path,
                        default=tiimi_config.var_dir() / "bench" / "consent_check.json")
    parser.add_argument("--responder", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--queue", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.calls < 1 or args.concurrency < 1 or args.warmup < 0:
        parser.error("--calls and --concurrency must be at least 1, --warmup at least 0")
    return args


def run(args: argparse.Namespace) -> int:
    problem = broker_problem(args.amqp_uri)
    if problem:
        print(problem, file=sys.stderr)
        return 2
    api = args.management_url or management_url(args.amqp_uri)
    with tempfile.TemporaryDirectory(prefix="tiimi-bench-") as workdir, \
            bench_vhost(args.amqp_uri, api) as (amqp_uri, vhost):
        database_url = os.environ.get("TIIMI_BENCH_DATABASE_URL") or f"sqlite:///{workdir}/consent.db"
        database = database_kind(database_url)
        service_log = Path(workdir) / "consent.log"
        print(f"bench: vhost {vhost}, database {database}, {args.calls} calls, "
              f"{args.concurrency} concurrent callers")
        env = service_env(amqp_uri, database_url)
        migrate(env, service_log)
        with child([sys.executable, "-m", "consent", "run"], env, service_log, "the consent service") \
                as service:
            wait_healthy(amqp_uri, service, service_log)
            consent = bench_consent(amqp_uri, args.calls, args.concurrency, args.warmup)
        raw = bench_raw(amqp_uri, args.calls, args.concurrency, args.warmup, Path(workdir) / "responder.log")

    print()
    print(table(consent, raw))
    print()
    parameters = {"calls": args.calls, "concurrency": args.concurrency,
                  "calls_per_caller": max(1, args.calls // args.concurrency), "warmup": args.warmup,
                  "amqp_uri": masked(args.amqp_uri), "vhost": "fresh per run" if vhost.startswith(
                      "tiimi-bench-") else vhost}
    write_json(args.output, consent, raw, parameters, database)
    print(f"bench: figures written to {args.output}")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.responder:
        return respond(args.amqp_uri, args.queue)

    def _terminate(_signum: int, _frame: Any) -> None:
        raise SystemExit(143)  # unwinds through the cleanups, like Ctrl-C

    signal.signal(signal.SIGTERM, _terminate)
    try:
        return run(args)
    except BenchError as error:
        print(f"bench: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("bench: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
