"""The commands that start services, run as an operator runs them."""
import os
import signal
import subprocess
import sys
import time

import pytest
import sqlalchemy as sa
from nameko.standalone.rpc import ClusterRpcProxy


def run_env(tmp_path, **extra):
    env = dict(os.environ, TIIMI_VAR_DIR=str(tmp_path), TIIMI_LOG_LEVEL="INFO")
    env.update(extra)
    return env


def test_unreachable_broker_is_said_in_one_clear_line(tmp_path):
    done = subprocess.run([sys.executable, "-m", "consent", "run"], capture_output=True, text=True,
                          env=run_env(tmp_path, TIIMI_AMQP_URI="amqp://guest:secret@127.0.0.1:1/"),
                          timeout=60)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "RabbitMQ is not reachable at amqp://guest:***@127.0.0.1:1/" in lines[0]
    assert "rabbitmq-server -detached" in lines[0]
    assert "secret" not in done.stderr


def test_migrate_makes_the_consent_database_from_nothing(tmp_path):
    subprocess.run([sys.executable, "-m", "consent", "migrate"], check=True, env=run_env(tmp_path),
                   capture_output=True, timeout=60)
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'consent.db'}")
    tables = set(sa.inspect(engine).get_table_names())
    engine.dispose()
    assert {"consents", "consent_history", "denials", "disclosure_log", "disclosure_log_head",
            "outbox", "processed_events", "alembic_version"} <= tables


@pytest.mark.integration
def test_a_service_process_answers_and_stops_cleanly_on_sigterm(tmp_path, rabbit_config):
    env = run_env(tmp_path, TIIMI_AMQP_URI=rabbit_config["AMQP_URI"])
    subprocess.run([sys.executable, "-m", "consent", "migrate"], check=True, env=env,
                   capture_output=True, timeout=60)
    service = subprocess.Popen([sys.executable, "-m", "consent", "run"], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        with ClusterRpcProxy(rabbit_config, timeout=20) as rpc:
            deadline = time.monotonic() + 20
            while True:
                try:
                    assert rpc.consent.health()["status"] == "ok"
                    break
                except Exception:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.2)
        service.send_signal(signal.SIGTERM)
        assert service.wait(timeout=30) == 0
    finally:
        if service.poll() is None:
            service.kill()
    output = service.stdout.read()
    assert '"event": "started"' in output and '"event": "stopped"' in output
