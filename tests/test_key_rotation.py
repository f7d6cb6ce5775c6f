"""Rotating the data keys under load, as the runbook does it, with the team service as a real process.

The team service runs (``python -m team run``) under key ``old`` and registers
clients with teams. Then the runbook's steps: the new key is put first
(``new,old``) and the service restarted; while it keeps serving registrations,
reads and lookups, ``python -m team rotate-keys`` runs in short batches; after
it every sealed value in the database is under ``new`` and reads back as it was
written; the old key is dropped from the configuration and, after a restart,
everything still reads, and ``rotate-keys --check`` passes. On SQLite and on
PostgreSQL.
"""
from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import eventlet
import pytest
import sqlalchemy as sa
from nameko.standalone.rpc import ClusterRpcProxy
from sqlalchemy.orm import Session

import notify
import referral
import team
from team.identity import new_keys
from team.models import Client
from tiimi_shared import sealed
from tiimi_shared.database import make_engine
from tiimi_shared.testing.fixtures import migrate

pytestmark = pytest.mark.integration

CHECK_CHARS = "0123456789ABCDEFHJKLMNPRSTUVWXY"
BEFORE = 120  # clients registered, each with a team, under the old key
SEALED = {"clients": ("name", "contact", "identity_ciphertext"), "members": ("name", "contact")}


def identity_code(n: int) -> str:
    date, individual = f"{1 + n // 800:02d}0190", f"{2 + n % 800:03d}"
    return f"{date}-{individual}{CHECK_CHARS[int(date + individual) % 31]}"


class Team:
    """``python -m team run`` as its own process, with the given data keys."""

    def __init__(self, env: dict[str, str], tmp_path: Path):
        self.env, self.tmp_path = env, tmp_path
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, data_keys: str) -> None:
        log = open(self.tmp_path / "team.log", "ab")  # noqa: SIM115 (the process writes it)
        self.process = subprocess.Popen([sys.executable, "-m", "team", "run"],
                                        env=self.env | {"TIIMI_DATA_KEYS": data_keys},
                                        stdout=log, stderr=subprocess.STDOUT)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=30)
        self.process = None


def command(env: dict[str, str], data_keys: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "team", "rotate-keys", *args],
                            env=env | {"TIIMI_DATA_KEYS": data_keys, "TIIMI_LOG_LEVEL": "INFO"},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def outcome(done: subprocess.Popen[str], event: str) -> tuple[int, dict[str, Any]]:
    out, err = done.communicate(timeout=120)
    lines = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    found = [line for line in lines if line.get("event") == event]
    assert found, f"no '{event}' line: {out[-2000:]} {err[-2000:]}"
    return done.returncode, found[-1]


def wait_until_serving(rpc: Any, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            rpc.team.health()
            return
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def stored(engine: sa.Engine) -> list[str]:
    """Every sealed column's value as the database holds it."""
    values: list[str] = []
    with engine.connect() as connection:
        for table, columns in SEALED.items():
            for row in connection.execute(sa.text(f"SELECT {', '.join(columns)} FROM {table}")):
                values += [str(value) for value in row if value is not None]
    return values


class Register:
    """Registers clients with their teams and remembers what it wrote."""

    def __init__(self, rpc: Any):
        self.rpc, self.clients, self.n = rpc, {}, 0

    def one(self) -> str:
        n, self.n = self.n, self.n + 1
        code = identity_code(n)
        written = {"name": f"Asiakas Numero{n}", "preferred_language": "fi",
                   "contact": {"email": f"asiakas{n}@example.fi", "phone": f"+358 40 {n:07d}"}}
        client = self.rpc.team.register_client(personal_identity_code=code, municipality="837",
                                               registered_by="sw-1", **written)
        self.rpc.team.create_team(client_id=client["id"], organisation="0123456-7", created_by="sw-1",
                                  key_worker={"professional_id": "sw-1", "name": f"Työntekijä Numero{n}",
                                              "organisation": "0123456-7", "role": "social_worker"})
        self.clients[client["id"]] = (code, written)
        return str(client["id"])

    def check(self, client_id: str) -> None:
        code, written = self.clients[client_id]
        client = self.rpc.team.get_client(client_id=client_id)
        assert {key: client[key] for key in written} == written
        assert self.rpc.team.find_client(personal_identity_code=code)["id"] == client_id


def test_keys_rotate_under_load_and_the_old_key_retires(rabbit_config, database_url, tmp_path):
    url = migrate(Path(team.__file__).parent / "migrations", database_url)
    _, lookup_key = new_keys()
    old, new = sealed.new_spec("old"), sealed.new_spec("new")
    env = {name: value for name, value in os.environ.items() if name != "TIIMI_IDENTITY_KEY"} | {
        "TIIMI_AMQP_URI": rabbit_config["AMQP_URI"], "TIIMI_TEAM_DATABASE_URL": url,
        "TIIMI_LOOKUP_KEY": lookup_key, "TIIMI_LOG_LEVEL": "WARNING", "TIIMI_CONSENT_TIMEOUT": "2"}
    service = Team(env, tmp_path)
    engine = make_engine(url)
    try:
        with ClusterRpcProxy(rabbit_config, timeout=30) as rpc:
            service.start(old)
            wait_until_serving(rpc)
            register = Register(rpc)
            for _ in range(BEFORE):
                register.one()
            assert {sealed.key_of(value) for value in stored(engine)} == {"old"}

            # The roll: the new key first, the old one still there to read with.
            service.stop()
            service.start(f"{new},{old}")
            wait_until_serving(rpc)
            rotating = command(env, f"{new},{old}", "--batch-size", "10", "--pause", "0.02")
            served = {"writes": 0, "reads": 0}

            def load() -> None:
                while rotating.poll() is None:
                    register.one()
                    served["writes"] += 1
                    register.check(random.choice(list(register.clients)))
                    served["reads"] += 1

            worker = eventlet.spawn(load)
            code, rotated = outcome(rotating, "keys rotated")
            worker.wait()
            assert code == 0 and rotated["ok"] is True and rotated["outside_newest"] == 0
            # Everything the service wrote under the old key was sealed again, while it served.
            assert rotated["resealed"] >= 5 * BEFORE
            assert served["writes"] >= 5 and served["reads"] >= 5, served

            values = stored(engine)
            assert len(values) == 5 * len(register.clients)
            assert {sealed.key_of(value) for value in values} == {"new"}
            assert not [value for value in values if "Numero" in value or "example.fi" in value]

            # The old key retired: a restart with the new key alone reads everything.
            service.stop()
            service.start(new)
            wait_until_serving(rpc)
            for client_id in register.clients:
                register.check(client_id)
            some = random.choice(list(register.clients))
            shown = rpc.team.reveal_personal_identity_code(client_id=some, requested_by="sw-1",
                                                           reason="checking the rotation of keys")
            assert shown["personal_identity_code"] == register.clients[some][0]
            checked_code, checked = outcome(command(env, new, "--check"), "keys checked")
            assert checked_code == 0 and checked["ok"] is True
            assert checked["columns"]["clients.name"]["by_key"] == {"new": len(register.clients)}
    finally:
        service.stop()
        engine.dispose()


def test_a_check_fails_while_values_remain_under_an_older_key(tmp_path):
    url = migrate(Path(team.__file__).parent / "migrations", f"sqlite:///{tmp_path / 'team.db'}")
    old, new = sealed.new_spec("old"), sealed.new_spec("new")
    engine = make_engine(url)
    try:
        with sealed.using(sealed.Keyring.parse(old)), Session(engine) as session:
            session.add(Client(id="c-1", identity_ciphertext=sealed.keyring().seal(identity_code(1)),
                               identity_lookup="x", name="Maija", preferred_language="fi", contact={},
                               municipality="837", registered_by="sw-1", registered_at=datetime.now(UTC)))
            session.commit()
    finally:
        engine.dispose()
    env = os.environ | {"TIIMI_TEAM_DATABASE_URL": url}
    code, checked = outcome(command(env, f"{new},{old}", "--check"), "keys checked")
    assert code == 1 and checked["ok"] is False and checked["outside_newest"] == 3
    # Without the old key the values cannot be opened: named by row, never shown.
    code, unreadable = outcome(command(env, new), "keys rotated")
    assert code == 1 and unreadable["unreadable"] == 3


@pytest.mark.parametrize("service", ["team", "referral", "notify"])
def test_a_service_that_seals_personal_data_will_not_start_without_data_keys(service, tmp_path):
    env = {name: value for name, value in os.environ.items() if name != "TIIMI_DATA_KEYS"}
    done = subprocess.run([sys.executable, "-m", service, "run"], capture_output=True, text=True, timeout=60,
                          env=env | {"TIIMI_VAR_DIR": str(tmp_path), "TIIMI_LOOKUP_KEY": "x"})
    assert done.returncode == 2
    assert "TIIMI_DATA_KEYS must be set" in done.stderr


def test_notify_and_referral_rotate_their_own_tables_and_consent_has_nothing_to_rotate(tmp_path):
    notify_url, referral_url = (migrate(Path(package.__file__).parent / "migrations",  # type: ignore[arg-type]
                                        f"sqlite:///{tmp_path / package.__name__}.db")
                                for package in (notify, referral))
    engine = make_engine(notify_url)
    try:
        with engine.begin() as connection:  # a partner's secret as it was kept before sealing
            connection.execute(sa.text(
                "INSERT INTO webhooks (organisation, url, secret, updated_at) "
                "VALUES ('7654321-0', 'https://partner.example/hooks', 'whsec_before', "
                "'2026-11-01 09:00:00')"))
    finally:
        engine.dispose()
    new = sealed.new_spec("new")
    env = os.environ | {"TIIMI_NOTIFY_DATABASE_URL": notify_url, "TIIMI_REFERRAL_DATABASE_URL": referral_url,
                        "TIIMI_VAR_DIR": str(tmp_path)}

    def run(service: str, *args: str) -> tuple[int, dict[str, Any]]:
        done = subprocess.run([sys.executable, "-m", service, "rotate-keys", *args], capture_output=True,
                              text=True, timeout=120, env=env | {"TIIMI_DATA_KEYS": new})
        lines = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
        return done.returncode, lines[-1]

    code, rotated = run("notify")
    assert code == 0 and rotated["event"] == "keys rotated" and rotated["resealed"] == 1
    code, checked = run("notify", "--check")
    assert code == 0 and checked["columns"]["webhooks.secret"] == {
        "by_key": {"new": 1}, "unsealed": 0, "resealed": 0, "changed_meanwhile": 0}
    code, checked = run("referral", "--check")  # an empty database is all under the newest key
    assert code == 0 and checked["ok"] is True and checked["outside_newest"] == 0
    code, nothing = run("consent")
    assert code == 0 and nothing["event"] == "nothing to rotate: this service seals nothing"
