"""Who publishes and who consumes each event: read off the code, never written by hand.

The kernel does not import services; the callers (``deploy/rabbitmq/generate.py``,
``docs/events.py`` and the catalogue test) pass the service classes in.
"""
from __future__ import annotations

import ast
import inspect
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from marshmallow import fields, validate
from nameko.rpc import Rpc, RpcProxy

from tiimi_shared.events import EventRegistry, EventType
from tiimi_shared.handlers import ReliableEventHandler


@dataclass(frozen=True)
class Subscription:
    service: str
    method: str
    event: EventType

    @property
    def consumer(self) -> str:
        return f"{self.service}.{self.method}"


def subscriptions(services: Iterable[type[Any]]) -> Iterator[Subscription]:
    """Every reliable event handler of the given service classes, in a stable order."""
    for service in services:
        for method in sorted(vars(service)):
            for entrypoint in getattr(getattr(service, method), "nameko_entrypoints", ()):
                if isinstance(entrypoint, ReliableEventHandler):
                    yield Subscription(service.name, method, entrypoint.event)


def rpc_methods(service: type[Any]) -> frozenset[str]:
    """The names of a service class's RPC entrypoints."""
    return frozenset(method for method in vars(service)
                     if any(isinstance(entrypoint, Rpc)
                            for entrypoint in getattr(getattr(service, method), "nameko_entrypoints", ())))


def rpc_calls(service: type[Any], services: Iterable[type[Any]]) -> dict[str, frozenset[str]]:
    """Which RPCs of which other services ``service`` calls: ``{target: {method, ...}}``.

    Read off the code, for the broker users' topic permissions. A caller names
    its targets with RPC proxies among its dependencies; what it calls on each
    is found in the source:

    - a plain ``RpcProxy`` declared as ``name = RpcProxy("target")`` is called as
      ``<anything>.name.<method>(...)`` anywhere in the service's package (the
      gateway hands its proxies on as ``services.<name>``);
    - a subclass of ``RpcProxy`` (the kernel's ``ConsentGate``, notify's
      ``ClientDetails``) wraps its calls: a string naming an RPC of its target in
      the module that defines it is a call it makes, unless the string is inside
      a method of a class there that the service never uses (a method is used if
      the service's package names it, as ``<anything>.<method>``, or it is
      ``get_dependency``, or a used method of the same class calls it as
      ``self.<method>``). So holding the consent gate grants what the service
      asks through it, not every RPC the gate could ask.

    A method found that the target does not offer is an error, so a misreading
    shows instead of granting a permission nobody needs.
    """
    offered = {target.name: rpc_methods(target) for target in services}
    package = Path(inspect.getfile(service)).parent
    package_trees = [ast.parse(path.read_text()) for path in sorted(package.glob("*.py"))]
    calls: dict[str, set[str]] = {}
    for attribute, proxy in sorted(vars(service).items()):
        if not isinstance(proxy, RpcProxy):
            continue
        target = proxy.target_service
        if target not in offered:
            raise ValueError(f"{service.name}.{attribute} calls {target}, which is not among the services")
        if type(proxy) is RpcProxy:
            found = {method for tree in package_trees for method in _called_through(tree, attribute)}
        else:
            source = Path(inspect.getfile(sys.modules[type(proxy).__module__]))
            named = {node.attr for tree in package_trees for node in ast.walk(tree)
                     if isinstance(node, ast.Attribute)}
            found = {text for text in _strings_used(ast.parse(source.read_text()), named)
                     if text in offered[target]}
        unknown = found - offered[target]
        if unknown:
            raise ValueError(f"{service.name} seems to call {sorted(unknown)} on {target}, "
                             "which offers no such RPC")
        calls.setdefault(target, set()).update(found)
    return {target: frozenset(methods) for target, methods in sorted(calls.items())}


def _called_through(tree: ast.AST, attribute: str) -> Iterator[str]:
    """``method`` of every ``<anything>.<attribute>.<method>`` in ``tree``."""
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Attribute)
                and node.value.attr == attribute):
            yield node.attr


def _strings(tree: ast.AST) -> Iterator[str]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.value


def _strings_used(module: ast.Module, named: set[str]) -> Iterator[str]:
    """The strings of ``module``, but for those in methods that nothing uses (see ``rpc_calls``)."""
    for node in module.body:
        if not isinstance(node, ast.ClassDef):
            yield from _strings(node)
            continue
        methods = {f.name: f for f in node.body if isinstance(f, ast.FunctionDef | ast.AsyncFunctionDef)}
        used = {name for name in methods if name in named or name == "get_dependency"}
        waiting = list(used)
        while waiting:
            for inner in ast.walk(methods[waiting.pop()]):
                if (isinstance(inner, ast.Attribute) and isinstance(inner.value, ast.Name)
                        and inner.value.id == "self" and inner.attr in methods and inner.attr not in used):
                    used.add(inner.attr)
                    waiting.append(inner.attr)
        for part in node.body:
            if not isinstance(part, ast.FunctionDef | ast.AsyncFunctionDef) or part.name in used:
                yield from _strings(part)


def describe_field(field: fields.Field) -> str:
    """A payload field in a few words: its type, whether it may be null, its allowed values."""
    if isinstance(field, fields.List):
        kind = f"list of {describe_field(field.inner)}"
    else:
        kind = {fields.UUID: "uuid", fields.AwareDateTime: "date-time", fields.Integer: "integer",
                fields.Dict: "object", fields.Boolean: "boolean"}.get(type(field), "string")
    validators = field.validators if isinstance(field.validators, list) else [field.validate]
    for validator in validators:
        if isinstance(validator, validate.OneOf):
            kind += " (" + " \\| ".join(str(choice) for choice in validator.choices) + ")"
    if field.allow_none:
        kind += " or null"
    return kind


def render_markdown(internal: EventRegistry, partner: EventRegistry, services: Iterable[type[Any]],
                    for_outside: dict[str, str]) -> str:
    found = list(subscriptions(services))
    lines = [
        "# Events",
        "",
        "Generated from the code by `.venv/bin/python docs/events.py`; a test fails when it is stale.",
        "Every event is declared once in `tiimi_shared.contracts` (internal) or",
        "`referral.partner` (the partner stream) with its payload schema. Payloads carry",
        "identifiers and codes, never personal data. Envelope: `id`, `type`, `version`,",
        "`occurred_at`, `source`, `correlation_id`, `data`.",
        "",
    ]
    for title, registry in (("Between tiimi's services", internal), ("To partner organisations", partner)):
        lines += [f"## {title}", ""]
        for event in registry:
            consumers = [s.consumer for s in found if s.event is event]
            lines += [f"### `{event.name}` (v{event.version})", "",
                      f"- publisher: {event.source}"]
            if consumers:
                lines.append("- consumers: " + ", ".join(f"`{c}`" for c in consumers))
            elif registry is partner:
                lines.append("- consumers: the target organisation, from its queue `partner.<organisation>`"
                             " (see docs/asyncapi.yaml)")
            else:
                lines.append(f"- consumers: none in tiimi; {for_outside.get(event.name, 'UNDOCUMENTED')}")
            lines += ["", "| field | type | required |", "|---|---|---|"]
            for name, field in event.payload._declared_fields.items():
                lines.append(f"| `{name}` | {describe_field(field)} | {'yes' if field.required else 'no'} |")
            lines.append("")
    return "\n".join(lines)
