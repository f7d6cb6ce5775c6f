"""``make chaos``: the whole of tiimi under faults, then a Jepsen-style check and a personal-data scan.

    .venv/bin/python bench/chaos/run.py              # the long run: >= 10,000 events, every fault twice
    .venv/bin/python bench/chaos/run.py --profile short   # the suite's run: every fault once, a few minutes

It starts a RabbitMQ node and a PostgreSQL cluster of its own (the faults restart them,
so the machine's own broker and database are never touched), every service as ``make
run`` starts it, two partner organisations reading their queues and answering over HTTP,
a webhook receiver, and a tap on every exchange. It drives stories through the gateway at
a steady rate while it kills each service in turn, restarts the broker, drops its
connections, restarts PostgreSQL, and takes a partner and the webhook target away for a
while. When the load stops it waits for quiet, checks (see check.py), prints the table and
writes it to var/chaos/ (<profile>.json and <profile>.md). Exit status 0 only if every
figure is as it must be.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import check  # noqa: E402
import infra  # noqa: E402
import requests  # noqa: E402
from kombu.connection import Connection  # noqa: E402
from kombu.entity import Queue  # noqa: E402
from kombu.messaging import Consumer  # noqa: E402
from load import HOLDING_PARTNER, SERVING_PARTNER, Driver  # noqa: E402
from system import SERVICES, System, snapshot  # noqa: E402
from webhooks import WebhookReceiver  # noqa: E402

from gateway.auth import DEFAULT_AUDIENCE, DEFAULT_ISSUER, Kind, mint  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
TAPPED_EXCHANGES = ("consent.events", "team.events", "referral.events", "tiimi.partners", "nameko-rpc")


@dataclass(frozen=True)
class Profile:
    stories: int
    rate: float  # stories started a second
    workers: int
    expiry_seconds: float
    fault_start: float  # seconds into the load
    fault_gap: float  # seconds between faults
    rounds: int  # how many times every fault is injected
    vanish_for: float
    min_events: int


PROFILES = {
    "short": Profile(
        stories=150,
        rate=1.2,
        workers=12,
        expiry_seconds=45,
        fault_start=12,
        fault_gap=9,
        rounds=1,
        vanish_for=15,
        min_events=1000,
    ),
    "long": Profile(
        stories=1000,
        rate=1.5,
        workers=16,
        expiry_seconds=90,
        fault_start=30,
        fault_gap=25,
        rounds=2,
        vanish_for=30,
        min_events=10000,
    ),
}


def say(text: str) -> None:
    print(f"chaos {datetime.now(UTC).strftime('%H:%M:%S')} {text}", flush=True)


class Interrupted(Exception):
    pass


def _interrupt(_signum: int, _frame: FrameType | None) -> None:
    raise Interrupted()


# -- the tap: a copy of every broker message ----------------------------------------------------------


class Tap(threading.Thread):
    def __init__(self, amqp_uri: str, record: Path):
        super().__init__(daemon=True)
        self.amqp_uri, self.record = amqp_uri, record
        self.messages: list[dict[str, Any]] = []
        self.stopping = threading.Event()
        self.queue = Queue("chaos.tap", durable=True, auto_delete=False, bindings=[])

    def declare(self) -> None:
        with Connection(self.amqp_uri) as connection:
            channel = connection.channel()
            for name in TAPPED_EXCHANGES:
                kind = "direct" if name == "tiimi.dead-letter" else "topic"
                channel.exchange_declare(exchange=name, type=kind, durable=True, auto_delete=False)
            channel.queue_declare(queue="chaos.tap", durable=True, auto_delete=False)
            for name in TAPPED_EXCHANGES:
                channel.queue_bind(queue="chaos.tap", exchange=name, routing_key="#")
            channel.close()

    def run(self) -> None:
        out = open(self.record, "a")

        def keep(body: Any, message: Any) -> None:
            entry = {
                "exchange": message.delivery_info.get("exchange"),
                "routing_key": message.delivery_info.get("routing_key"),
                "correlation_id": message.properties.get("correlation_id"),
                "body": message.body.decode(errors="replace")
                if isinstance(message.body, bytes)
                else str(message.body),
            }
            self.messages.append(entry)
            out.write(json.dumps(entry) + "\n")
            message.ack()

        while not self.stopping.is_set():
            try:
                with Connection(self.amqp_uri, connect_timeout=5, heartbeat=0) as connection:
                    with Consumer(
                        connection,
                        [Queue("chaos.tap", no_declare=True)],
                        callbacks=[keep],
                        accept=None,
                        prefetch_count=200,
                    ):
                        while not self.stopping.is_set():
                            try:
                                connection.drain_events(timeout=1)
                            except TimeoutError:
                                pass
            except Exception:
                time.sleep(1.0)
        out.close()

    def depth(self, api: str) -> int:
        answer = requests.get(f"{api}/api/queues/%2F/chaos.tap", timeout=10).json()
        return int(answer.get("messages", 0))


# -- partners ------------------------------------------------------------------------------------------


class Partner:
    def __init__(
        self,
        organisation: str,
        answers: str,
        amqp_uri: str,
        gateway: str,
        token: str,
        run_dir: Path,
        declare: bool = True,
    ):
        self.organisation, self.answers, self.declare = organisation, answers, declare
        self.amqp_uri, self.gateway, self.token = amqp_uri, gateway, token
        self.record = run_dir / f"partner-{organisation}.jsonl"
        self.log = run_dir / "log" / f"partner-{organisation}.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    str(Path(__file__).with_name("partner.py")),
                    "--amqp-uri",
                    self.amqp_uri,
                    "--organisation",
                    self.organisation,
                    "--record",
                    str(self.record),
                    "--gateway",
                    self.gateway,
                    "--answers",
                    self.answers,
                    *([] if self.declare else ["--no-declare"]),
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=os.environ | {"CHAOS_PARTNER_TOKEN": self.token},
            )

    def vanish(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None

    def stop(self) -> None:
        self.vanish()


def rpc(amqp_uri: str, service: str, method: str, **arguments: Any) -> Any:
    done = subprocess.run(
        [
            sys.executable,
            str(Path(__file__).with_name("rpc_call.py")),
            amqp_uri,
            service,
            method,
            json.dumps(arguments),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{service}.{method}: {done.stderr[-1500:]}")
    return json.loads(done.stdout)


# -- faults ---------------------------------------------------------------------------------------------


@dataclass
class Fault:
    at: float
    name: str
    done_at: float | None = None
    result: str = ""


def schedule(profile: Profile) -> list[Fault]:
    names = [
        *(f"kill -9 {service}" for service in SERVICES),
        "rabbitmq restart (stop_app/start_app)",
        "rabbitmq connection drop (close_all_connections)",
        "postgresql restart (immediate)",
        f"partner {SERVING_PARTNER} vanishes",
        "webhook target vanishes",
    ]
    faults, at = [], profile.fault_start
    for _ in range(profile.rounds):
        for name in names:
            faults.append(Fault(at, name))
            at += profile.fault_gap
    return faults


def inject(
    fault: Fault,
    system: System,
    rabbit: infra.OwnRabbit,
    postgres: infra.OwnPostgres,
    partners: dict[str, Partner],
    receiver: WebhookReceiver,
    vanish_for: float,
    comebacks: list[threading.Timer],
) -> str:
    name = fault.name
    if name.startswith("kill -9 "):
        took = system.kill_and_restart(name.removeprefix("kill -9 "))
        return f"ready again after {took:.1f} s"
    if name.startswith("rabbitmq restart"):
        began = time.monotonic()
        rabbit.restart_app()
        return f"broker back after {time.monotonic() - began:.1f} s"
    if name.startswith("rabbitmq connection drop"):
        closed = rabbit.drop_connections(at_least=len(SERVICES) + 2)
        if closed == 0:
            raise RuntimeError("no connection was open to drop")
        return f"{closed} connections closed"
    if name.startswith("postgresql restart"):
        began = time.monotonic()
        postgres.restart()
        return f"database back after {time.monotonic() - began:.1f} s"
    if name.startswith("partner "):
        partner = partners[SERVING_PARTNER]
        partner.vanish()
        timer = threading.Timer(vanish_for, partner.start)
        timer.start()
        comebacks.append(timer)
        return f"back in {vanish_for:.0f} s"
    if name.startswith("webhook target"):
        receiver.vanish()
        timer = threading.Timer(vanish_for, receiver.come_back)
        timer.start()
        comebacks.append(timer)
        return f"back in {vanish_for:.0f} s"
    raise ValueError(name)


# -- quiet ------------------------------------------------------------------------------------------------


def quiet(urls: dict[str, str], api: str, timeout: float) -> tuple[bool, str]:
    """Outboxes empty, queues drained, deliveries settled; or the timeout."""
    deadline = time.monotonic() + timeout
    what = ""
    while True:
        state = check.read_state(urls)
        backlog = {service: count for service, count in check.unpublished(state).items() if count}
        queues = requests.get(f"{api}/api/queues", timeout=10).json()
        busy = {
            q["name"]: q.get("messages", 0)
            for q in queues
            if q.get("messages", 0)
            and not q["name"].endswith(".dead")
            and q["name"] != "chaos.tap"
            # A killed process's reply queue keeps the answer it never read: nothing will.
            and not q["name"].startswith("rpc.reply-")
        }
        waiting = sum(1 for d in state.deliveries if d["status"] not in ("sent", "dead"))
        what = f"outbox backlog {backlog}, queues {busy}, deliveries waiting {waiting}"
        if not backlog and not busy and not waiting:
            return True, what
        if time.monotonic() > deadline:
            return False, what
        time.sleep(2.0)


# -- the table ----------------------------------------------------------------------------------------------


def table(rows: list[tuple[str, str, bool]]) -> str:
    lines = ["| check | result | ok |", "|---|---|---|"]
    lines += [f"| {name} | {value} | {'yes' if ok else '**no**'} |" for name, value, ok in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", choices=sorted(PROFILES), default="long")
    parser.add_argument("--out", default=str(ROOT / "var" / "chaos"))
    parser.add_argument("--stories", type=int, help="override the profile's number of stories")
    parser.add_argument("--no-faults", action="store_true", help="the load and the checks only (a trial)")
    parser.add_argument("--keep", action="store_true", help="keep the broker's and database's data directory")
    args = parser.parse_args(argv)
    profile = PROFILES[args.profile]
    if args.stories:
        profile = Profile(**(asdict(profile) | {"stories": args.stories}))
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGINT, _interrupt)
    out = Path(args.out)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    run_dir = out / f"run-{args.profile}-{stamp}"
    (run_dir / "log").mkdir(parents=True)
    began = time.monotonic()

    root = infra.temporary_root()
    rabbit = infra.OwnRabbit(root, str(os.getpid()))
    postgres = infra.OwnPostgres(root)
    system: System | None = None
    partners: dict[str, Partner] = {}
    receiver: WebhookReceiver | None = None
    tap: Tap | None = None
    comebacks: list[threading.Timer] = []
    supervising = threading.Event()  # set: the supervisor stops starting exited services
    drivers: list[Driver] = []
    try:
        say(f"profile {args.profile}: {profile.stories} stories at {profile.rate}/s; output in {run_dir}")
        rabbit.start()
        say(f"own RabbitMQ node {rabbit.node} on :{rabbit.port} (management :{rabbit.api_port})")
        postgres.start([f"chaos_{service}" for service in SERVICES])
        say(f"own PostgreSQL on :{postgres.port}")
        urls = {service: postgres.url(f"chaos_{service}") for service in SERVICES}
        secret = os.urandom(32).hex()
        http_port = infra.free_port()
        ops_first = infra.free_ports(len(SERVICES))
        code = snapshot(run_dir / "code")
        system = System(run_dir, rabbit.amqp_uri, rabbit.api, urls, http_port, ops_first, secret, code)
        check.use_data_keys(system.env["TIIMI_DATA_KEYS"])
        say(f"broker topology: {system.prepare()}; databases migrated")
        tap = Tap(rabbit.amqp_uri, run_dir / "tap.jsonl")
        tap.declare()
        tap.start()
        system.start_all()
        threading.Thread(target=system.supervise, args=(supervising, say), daemon=True).start()
        gateway = f"http://{system.http_address}"
        say(f"services ready; gateway {gateway}")

        def token(subject: str, organisation: str, partner: bool = False) -> str:
            return mint(
                secret,
                subject=subject,
                organisation=organisation,
                kind=Kind.PARTNER if partner else Kind.PROFESSIONAL,
                hours=12,
                issuer=DEFAULT_ISSUER,
                audience=DEFAULT_AUDIENCE,
            )

        receiver = WebhookReceiver(infra.free_port(), run_dir / "webhooks.jsonl")
        receiver.start()
        registered = rpc(
            rabbit.amqp_uri, "notify", "register_webhook", organisation=HOLDING_PARTNER, url=receiver.url
        )
        receiver.secret = registered["secret"]
        partners = {
            SERVING_PARTNER: Partner(
                SERVING_PARTNER,
                "accept,start,complete",
                rabbit.amqp_uri,
                gateway,
                token("desk-serving", SERVING_PARTNER, True),
                run_dir,
            ),
            HOLDING_PARTNER: Partner(
                HOLDING_PARTNER,
                "accept,start",
                rabbit.amqp_uri,
                gateway,
                token("desk-holding", HOLDING_PARTNER, True),
                run_dir,
            ),
        }
        for partner in partners.values():
            partner.start()

        faults = [] if args.no_faults else schedule(profile)
        say("fault schedule (seconds into the load):")
        for fault in faults:
            say(f"  +{fault.at:5.0f}  {fault.name}")

        driver = Driver(gateway, token, profile.expiry_seconds)
        drivers.append(driver)
        stop = threading.Event()
        load = threading.Thread(
            target=driver.run, args=(profile.stories, profile.rate, profile.workers, stop), daemon=True
        )
        load_began = time.monotonic()
        load.start()
        previous_done = 0.0
        for fault in faults:
            # A fault starts on its time, but never before the system had a while after the last one.
            pause = load_began + max(fault.at, previous_done + profile.fault_gap / 2) - time.monotonic()
            if pause > 0:
                time.sleep(pause)
            try:
                fault.result = inject(
                    fault, system, rabbit, postgres, partners, receiver, profile.vanish_for, comebacks
                )
            except Exception as error:
                fault.result = f"FAILED: {type(error).__name__}: {error}"
            fault.done_at = previous_done = time.monotonic() - load_began
            say(f"fault +{fault.done_at:.0f}s {fault.name}: {fault.result}")
        load.join()
        say(
            f"load done after {time.monotonic() - load_began:.0f} s: {len(driver.stories)} stories, "
            f"{len(driver.requests)} requests"
        )
        for timer in comebacks:
            timer.join()
        latest_expiry = max((s.consent_until for s in driver.stories if s.consent_until), default=None)
        if latest_expiry is not None:
            wait = (latest_expiry - datetime.now(UTC)).total_seconds() + 10
            if wait > 0:
                say(f"waiting {wait:.0f} s for the last consent to expire")
                time.sleep(wait)
        settled, backlog = quiet(urls, f"http://guest:guest@127.0.0.1:{rabbit.api_port}", timeout=300)
        say(("quiet: " if settled else "NOT quiet after 300 s: ") + backlog)
        for _ in range(30):  # the tap's own backlog
            if tap.depth(f"http://guest:guest@127.0.0.1:{rabbit.api_port}") == 0:
                break
            time.sleep(1)
        time.sleep(2)

        # -- check ------------------------------------------------------------------------------------
        state = check.read_state(urls)
        definitions = json.loads(system.definitions.read_text())
        partner_records = [r for p in partners.values() for r in check.read_jsonl(p.record)]
        findings = check.check(state, driver, partner_records, receiver.received, definitions)
        verified = rpc(rabbit.amqp_uri, "consent", "verify_log")
        dead_handled, dead = check.dead_letters(f"http://guest:guest@127.0.0.1:{rabbit.api_port}", state)
        backlog_rows = {k: v for k, v in check.unpublished(state).items() if v}
        logs = sorted((run_dir / "log").glob("*.log"))
        pii = check.scan(logs, tap.messages, receiver.received, state)
        supervising.set()
        exited = system.exited()
        faults_ok = all(f.done_at is not None and not f.result.startswith("FAILED") for f in faults)
        rows = [
            (
                "events published (outbox rows, all services)",
                f"{state.events} (at least {profile.min_events})",
                state.events >= profile.min_events,
            ),
            (
                "faults injected",
                f"{sum(1 for f in faults if not f.result.startswith('FAILED'))} of {len(faults)}",
                faults_ok,
            ),
            ("lost", str(findings.total("lost")), findings.total("lost") == 0),
            ("duplicated", str(findings.total("duplicated")), findings.total("duplicated") == 0),
            ("unexpected", str(findings.total("unexpected")), findings.total("unexpected") == 0),
            (
                "redelivered with the same id (deduplicable, not duplicated)",
                str(findings.total("deduplicable")),
                True,
            ),
            (
                "disclosure log verifies (verify_log)",
                f"intact={verified.get('intact')} entries={verified.get('entries')} "
                f"unchained={verified.get('unchained')}",
                bool(verified.get("intact")),
            ),
            ("outboxes empty", "yes" if not backlog_rows else json.dumps(backlog_rows), not backlog_rows),
            (
                "dead-letter queues empty, or each message handled after all",
                f"{len(dead)} not handled {dead[:3]}; {len(dead_handled)} handled by a later copy",
                not dead,
            ),
            (
                "personal data scan (logs, broker, outboxes, webhooks)",
                f"{pii.findings.counts.total()} findings in {sum(pii.looked_at.values())} items",
                pii.findings.counts.total() == 0,
            ),
            ("quiet after the load", "yes" if settled else backlog, settled),
            (
                "client requests without a final answer",
                str(findings.counts.get("client:request without a final answer", 0)),
                True,
            ),
            # A story cut short tells less: every one must run to its end for the figures above to count.
            (
                "stories cut short",
                f"{findings.counts.get('client:story cut short', 0)} of {len(driver.stories)}",
                findings.counts.get("client:story cut short", 0) == 0,
            ),
            ("services running at the end", "all" if not exited else json.dumps(exited), not exited),
            # Not one of the issue's figures, but what operations must know: a service that died by
            # itself under a fault (the harness started it again, as compose's restart policy would).
            (
                "services that exited on their own (restarted)",
                ", ".join(f"{s} ({c})" for s, c, _ in system.unplanned) or "none",
                True,
            ),
        ]
        passed = all(ok for _, _, ok in rows)
        markdown = "\n".join(
            [
                f"Chaos run ({args.profile}), {datetime.now(UTC).strftime('%Y-%m-%d %H:%M')} UTC, "
                f"{time.monotonic() - began:.0f} s in all; {len(driver.stories)} stories, "
                f"{len(driver.requests)} requests, {state.events} events.",
                "",
                table(rows),
                "",
                "Faults (seconds into the load):",
                "",
                *(f"- +{(f.done_at or 0):.0f} s {f.name}: {f.result}" for f in faults),
                "",
                "Findings by kind:",
                "",
                *(
                    f"- {kind}: {count}; e.g. {findings.examples[kind][:2]}"
                    for kind, count in sorted(findings.counts.items())
                ),
                *(
                    f"- {kind}: {count}; e.g. {pii.findings.examples[kind][:2]}"
                    for kind, count in sorted(pii.findings.counts.items())
                ),
            ]
        )
        print("\n" + markdown + "\n", flush=True)
        result = {
            "profile": args.profile,
            "passed": passed,
            "seconds": round(time.monotonic() - began),
            "stories": len(driver.stories),
            "requests": len(driver.requests),
            "events": state.events,
            "rows": [{"check": n, "result": v, "ok": ok} for n, v, ok in rows],
            "lost": findings.total("lost"),
            "duplicated": findings.total("duplicated"),
            "unexpected": findings.total("unexpected"),
            "deduplicable": findings.total("deduplicable"),
            "log_intact": bool(verified.get("intact")),
            "outbox_backlog": backlog_rows,
            "dead_letters": dead,
            "dead_letters_handled": dead_handled,
            "pii_findings": pii.findings.counts.total(),
            "pii_looked_at": dict(pii.looked_at),
            "findings": {
                k: {"count": c, "examples": findings.examples[k]} for k, c in findings.counts.items()
            }
            | {k: {"count": c, "examples": pii.findings.examples[k]} for k, c in pii.findings.counts.items()},
            "unplanned_exits": [{"service": s, "code": c, "at": t} for s, c, t in system.unplanned],
            "faults": [asdict(f) for f in faults],
            "run_dir": str(run_dir),
        }
        for target in (run_dir, out):
            (target / f"{args.profile}.json").write_text(json.dumps(result, indent=2, default=str))
            (target / f"{args.profile}.md").write_text(markdown + "\n")
        (run_dir / "history.json").write_text(
            json.dumps(
                {
                    "stories": [asdict(s) for s in driver.stories],
                    "requests": [asdict(r) for r in driver.requests],
                },
                default=str,
            )
        )
        say(("PASSED" if passed else "FAILED") + f"; the table is in {out / (args.profile + '.md')}")
        return 0 if passed else 1
    except Interrupted:
        say("interrupted; tearing down")
        return 130
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        for timer in comebacks:
            timer.cancel()
        for partner in partners.values():
            partner.stop()
        if receiver is not None:
            receiver.stop()
        supervising.set()
        for driver in drivers:
            driver.stopping.set()
        if system is not None:
            with system.lock:
                system.stop_all()
        if tap is not None:
            tap.stopping.set()
        rabbit.stop()
        postgres.stop()
        if not args.keep:
            infra.remove(root)
        say("own broker and database stopped")


if __name__ == "__main__":
    sys.exit(main())
