"""The shape the code keeps: layers without cycles, time from the clock, rules out of entrypoints,
one event catalogue. Each check reads the source or the service classes; none needs a broker."""
from __future__ import annotations

import ast
import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = {
    "tiimi_shared": ROOT / "shared" / "tiimi_shared",
    **{name: ROOT / "services" / name / name
       for name in ("consent", "team", "referral", "notify", "gateway")},
}
DOMAIN_ERRORS = {"Conflict", "NotFound", "Forbidden", "ValidationError", "Unavailable"}


def where(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else path.name


def modules_of(package: str, folder: Path) -> dict[str, Path]:
    found = {}
    for path in folder.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        parts = path.relative_to(folder).with_suffix("").parts
        name = ".".join((package, *parts)).removesuffix(".__init__")
        found[name] = path
    return found


ALL_MODULES = {name: path for package, folder in PACKAGES.items()
               for name, path in modules_of(package, folder).items()}


def imports_of(name: str, path: Path) -> set[str]:
    """The project modules ``name`` imports, at any depth of the file (lazy imports count too)."""
    tree = ast.parse(path.read_text())
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            candidates = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parent + ([base] if base else []))
            candidates = [base] + [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        found |= {c for c in candidates if c in ALL_MODULES and c != name}
    return found


def cycles() -> list[list[str]]:
    graph = {name: imports_of(name, path) for name, path in ALL_MODULES.items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def visit(node: str) -> None:  # Tarjan's strongly connected components
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    sys.setrecursionlimit(10_000)
    for node in sorted(graph):
        if node not in index:
            visit(node)
    return components


def test_no_module_of_the_kernel_or_a_service_takes_part_in_an_import_cycle() -> None:
    assert cycles() == []


def test_the_cycle_check_would_find_a_cycle(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "a.py").write_text("from tiimi_shared import b\n")
    (tmp_path / "b.py").write_text("def later():\n    from tiimi_shared import a\n")
    monkeypatch.setitem(ALL_MODULES, "tiimi_shared.a", tmp_path / "a.py")
    monkeypatch.setitem(ALL_MODULES, "tiimi_shared.b", tmp_path / "b.py")
    assert ["tiimi_shared.a", "tiimi_shared.b"] in cycles()


def test_no_service_imports_another_service() -> None:
    services = {"consent", "team", "referral", "notify", "gateway"}
    crossings = [(name, imported) for name, path in ALL_MODULES.items()
                 for imported in imports_of(name, path)
                 if name.split(".")[0] in services | {"tiimi_shared"}
                 and imported.split(".")[0] in services and imported.split(".")[0] != name.split(".")[0]]
    assert crossings == []


def wall_clock_calls(path: Path) -> list[str]:
    calls = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Attribute) and node.attr in {"now", "utcnow", "today"} \
                and isinstance(node.value, ast.Name) and node.value.id in {"datetime", "date"}:
            calls.append(f"{where(path)}:{node.lineno} {node.value.id}.{node.attr}")
        if isinstance(node, ast.Attribute) and node.attr == "time" \
                and isinstance(node.value, ast.Name) and node.value.id == "time":
            calls.append(f"{where(path)}:{node.lineno} time.time")
    return calls


def test_time_comes_only_from_the_injected_clock() -> None:
    # clock.py is where the system's time is read (SystemClock, and wall_clock for bookkeeping).
    found = [call for name, path in ALL_MODULES.items() if name != "tiimi_shared.clock"
             for call in wall_clock_calls(path)]
    assert found == []


def domain_raises(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Raise) and node.exc is not None:
            target = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
            name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
            if name in DOMAIN_ERRORS:
                found.append(f"{where(path)}:{node.lineno} raise {name}")
    return found


def test_entrypoints_raise_no_domain_error_of_their_own() -> None:
    """service.py loads, calls the use case and answers; refusals are decided in rules."""
    found = [r for package in PACKAGES if package != "tiimi_shared"
             for r in domain_raises(PACKAGES[package] / "service.py")]
    assert found == []


def test_the_checks_would_find_a_domain_raise_and_a_wall_clock_call(tmp_path: Path) -> None:
    sample = tmp_path / "service.py"
    sample.write_text("def f():\n    if datetime.now(UTC) > x:\n"
                      "        raise errors.Conflict('no', current_state='x')\n    raise KeyError(x)\n")
    assert domain_raises(sample) == ["service.py:3 raise Conflict"]
    assert wall_clock_calls(sample) == ["service.py:2 datetime.now"]


# -- the event catalogue ---------------------------------------------------------------------


def load_script(path: Path):
    spec = importlib.util.spec_from_file_location(path.stem + "_script", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def catalogue():
    return load_script(ROOT / "docs" / "events.py")


def test_every_handler_subscribes_to_an_event_declared_in_the_catalogue(catalogue) -> None:
    from referral import partner
    from tiimi_shared import contracts
    from tiimi_shared.catalogue import subscriptions

    found = list(subscriptions(catalogue.SERVICES))
    assert found, "no handlers found: the walk over the services is broken"
    undeclared = [s.consumer for s in found
                  if s.event not in list(contracts.registry) and s.event not in list(partner.registry)]
    assert undeclared == []


def test_every_internal_event_has_a_consumer_or_is_listed_as_for_outside(catalogue) -> None:
    from tiimi_shared import contracts
    from tiimi_shared.catalogue import subscriptions

    consumed = {s.event.name for s in subscriptions(catalogue.SERVICES)}
    unheard = sorted(e.name for e in contracts.registry if e.name not in consumed)
    assert unheard == sorted(contracts.FOR_OUTSIDE), (
        "an event nobody consumes must be listed, with why, in contracts.FOR_OUTSIDE; "
        "a listed event that is now consumed must leave the list")


def test_docs_events_md_is_current(catalogue) -> None:
    assert (ROOT / "docs" / "events.md").read_text() == catalogue.render(), \
        "regenerate with: .venv/bin/python docs/events.py"
