"""The hard lines of the architecture, checked on the source itself."""
import ast
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SERVICES = sorted(p.name for p in (ROOT / "services").iterdir() if (p / "pyproject.toml").exists())


def imported_modules(package: Path) -> set[str]:
    found = set()
    for source in package.rglob("*.py"):
        for node in ast.walk(ast.parse(source.read_text(), str(source))):
            if isinstance(node, ast.Import):
                found.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.add(node.module.split(".")[0])
    return found


def test_the_five_services_are_there():
    assert SERVICES == ["consent", "gateway", "notify", "referral", "team"]


@pytest.mark.parametrize("service", SERVICES)
def test_a_service_imports_no_other_service(service):
    others = set(SERVICES) - {service}
    service_dir = ROOT / "services" / service
    assert not imported_modules(service_dir) & others


def test_the_kernel_imports_no_service():
    assert not imported_modules(ROOT / "shared" / "tiimi_shared") & set(SERVICES)


@pytest.mark.parametrize("service", SERVICES)
def test_a_service_depends_on_the_kernel_and_no_other_service(service):
    project = tomllib.loads((ROOT / "services" / service / "pyproject.toml").read_text())["project"]
    assert "tiimi-shared" in project["dependencies"]
    assert not {f"tiimi-{other}" for other in SERVICES} & set(project["dependencies"])


def test_ci_ends_with_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    ci_lines = [line for line in (ROOT / ".ci" / "run").read_text().splitlines()
                if line.strip() and not line.startswith("#")]
    assert ci_lines[-1] == "make test"
    assert "make test" in readme and "make run" in readme
