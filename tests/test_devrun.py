"""`make run` (tiimi_shared.devrun): the broker's topology first, a short summary, a quick clean Ctrl-C."""
import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time

import pytest
from amqp.exceptions import NotFound
from kombu import Connection

from tiimi_shared import devrun

SERVICES = ["consent", "team", "referral", "notify", "gateway"]


def free_ports(count: int) -> int:
    """The first of ``count`` consecutive ports nobody listens on."""
    for _ in range(100):
        first = random.randint(20000, 60000)
        try:
            for port in range(first, first + count):
                with socket.socket() as probe:
                    probe.bind(("127.0.0.1", port))
            return first
        except OSError:
            continue
    raise RuntimeError("no free ports")


def answers(address: str) -> bool:
    host, _, port = address.rpartition(":")
    try:
        socket.create_connection((host, int(port)), timeout=0.5).close()
        return True
    except OSError:
        return False


def test_each_service_keeps_its_ops_port_whichever_services_run():
    assert devrun.ops_addresses(SERVICES) == {
        "gateway": "127.0.0.1:9000", "consent": "127.0.0.1:9001", "team": "127.0.0.1:9002",
        "referral": "127.0.0.1:9003", "notify": "127.0.0.1:9004"}
    assert devrun.ops_addresses(["notify", "audit"], first_port=20000) == {
        "notify": "127.0.0.1:20004", "audit": "127.0.0.1:20005"}


def test_services_that_do_not_stop_are_killed_together_at_one_deadline():
    stubborn = ("import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); print(flush=True); "
                "time.sleep(60)")
    children = {name: subprocess.Popen([sys.executable, "-c", stubborn], stdout=subprocess.PIPE)
                for name in ("one", "two", "three")}
    for child in children.values():
        child.stdout.readline()  # SIGTERM is ignored from here on
    began = time.monotonic()
    killed = devrun.stop_all(children, devrun.Stop(), timeout=1.0)
    assert time.monotonic() - began < 3, "waited for each in turn, not for all at once"
    assert sorted(killed) == ["one", "three", "two"]
    assert all(child.returncode == -signal.SIGKILL for child in children.values())


@pytest.mark.integration
def test_the_partner_exchange_and_every_event_queue_exist_before_any_service_starts(rabbit_config):
    uri = rabbit_config["AMQP_URI"]
    definitions = json.loads(devrun.DEFINITIONS.read_text())
    with Connection(uri) as connection:
        with pytest.raises(NotFound):  # a fresh vhost: a partner binding now would fail
            connection.channel().exchange_declare("tiimi.partners", "topic", passive=True)

    devrun.declare_topology(uri, definitions)
    devrun.declare_topology(uri, definitions)  # every `make run` declares it again

    with Connection(uri) as connection:
        channel = connection.channel()
        channel.exchange_declare("tiimi.partners", "topic", passive=True)
        for queue in definitions["queues"]:
            channel.queue_declare(queue["name"], passive=True)


@pytest.mark.integration
def test_ctrl_c_stops_every_service_within_seconds_and_without_a_traceback(rabbit_config, infrastructure,
                                                                            tmp_path):
    http_address = f"127.0.0.1:{free_ports(1)}"
    first_ops_port = free_ports(len(SERVICES))
    ops = devrun.ops_addresses(SERVICES, first_ops_port)
    oidc_port = free_ports(1)
    env = {key: value for key, value in os.environ.items() if not key.startswith("TIIMI_")}
    env |= {"TIIMI_AMQP_URI": rabbit_config["AMQP_URI"], "TIIMI_RABBIT_API": infrastructure.rabbit_api,
            "TIIMI_VAR_DIR": str(tmp_path / "var"), "TIIMI_HTTP_ADDRESS": http_address,
            "TIIMI_OPS_FIRST_PORT": str(first_ops_port), "TIIMI_OIDC_PORT": str(oidc_port)}
    # As `make run` in a terminal: devrun leads the group that Ctrl-C signals.
    run = subprocess.Popen([sys.executable, "-m", "tiimi_shared.devrun", *SERVICES], cwd=tmp_path, env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                           start_new_session=True)
    output: list[str] = []
    running = threading.Event()

    def read() -> None:
        for line in run.stdout:
            output.append(line)
            if line.startswith("Ctrl-C stops everything"):
                running.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        assert running.wait(timeout=150), "".join(output)
        assert all(answers(address) for address in ops.values())

        began = time.monotonic()
        os.killpg(run.pid, signal.SIGINT)
        run.wait(timeout=60)
        stopped_in = time.monotonic() - began
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
            run.wait()
    reader.join(timeout=5)
    text = "".join(output)

    assert stopped_in < 15, text
    assert run.returncode == 0, text
    assert not any(answers(address) for address in [*ops.values(), http_address, f"127.0.0.1:{oidc_port}"])
    logs = {path.name: path.read_text() for path in (tmp_path / "var" / "log").glob("*.log")}
    # The local OpenID provider (node) logs beside the services.
    assert f"http://127.0.0.1:{oidc_port}" in logs.pop("oidc.log"), text
    assert sorted(logs) == sorted(f"{service}.log" for service in SERVICES)
    for name, log in logs.items():  # each stopped by itself, once (a busy machine may kill its exit)
        assert log.count('"event": "stopping",') == 1, f"{name}:\n{log[-3000:]}"
        assert '"event": "stopped"' in log, f"{name}:\n{log[-3000:]}"
    for name, log in [("devrun", text), *logs.items()]:
        assert "Traceback" not in log, f"{name}:\n{log[-3000:]}"
    # What a person needs, and no more.
    assert len(text.splitlines()) < 30, text
    for needed in [http_address, *(f":{address.rpartition(':')[2]}" for address in ops.values()),
                   f"http://127.0.0.1:{oidc_port}", "sw-1001/keyworker",
                   "var/log/<service>.log", "examples/consent_tour.py", "examples/gateway_tour.sh",
                   "Ctrl-C stops everything"]:
        assert needed in text, f"{needed!r} not in:\n{text}"
