"""The OpenAPI 3 document, generated from the route table and its marshmallow schemas (apispec)."""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from marshmallow import Schema

from gateway import schemas
from gateway.auth import Kind

PROBLEM = {"description": "Problem details (RFC 9457)",
           "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}
ERRORS_WITH_BODY = {"400": "Invalid request: the failing fields are named",
                    "413": "The body is too large"}
ERRORS = {"401": "No valid bearer token", "403": "Not yours to see or change",
          "404": "Not found", "409": "Not possible in the current state: the allowed next states are named",
          "503": "A part of tiimi did not answer; nothing was changed"}

# Every request that changes something may carry one; the answer names the one used.
IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key", "in": "header", "required": False,
    "schema": {"type": "string", "minLength": 1, "maxLength": 200, "pattern": "^[!-~]+$"},
    "description": "Any unique value the client makes for this request (a UUID, say). A request repeated "
                   "with the same key (after a timeout, a lost connection) is answered as the first time and "
                   "changes nothing more; the same key with another body is refused (422). Without one, "
                   "the gateway makes one and the request is not safe to repeat.",
}
KEY_REUSED = "The Idempotency-Key was already used for a different request"


@dataclass(frozen=True)
class Route:
    """One HTTP route of the gateway, as the document describes it."""

    method: str
    path: str
    summary: str
    tag: str
    who: Kind | tuple[Kind, ...] | None  # the kind(s) of token it takes, or None (no token)
    body: type[Schema] | None
    status: int
    params: tuple[str, ...]
    answer: type[Schema]      # what a success answers
    many: bool = False        # a list of ``answer``s


def _component(spec: APISpec, schema: type[Schema]) -> dict[str, str]:
    """A reference to ``schema``, declared once among the components."""
    if schema.__name__ not in spec.components.schemas:
        spec.components.schema(schema.__name__, schema=schema)
    return {"$ref": f"#/components/schemas/{schema.__name__}"}


def _openapi_path(path: str) -> str:
    return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", path)


@lru_cache(maxsize=1)
def _document(routes: tuple[Route, ...]) -> dict[str, Any]:
    spec = APISpec(title="tiimi gateway", version="1.0.0", openapi_version="3.1.0",
                   plugins=[MarshmallowPlugin()],
                   info={"description": "HTTP for key workers and partner organisations. Every route but "
                                        "health and this document takes a bearer JWT."})
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"})
    _component(spec, schemas.Problem)
    paths: dict[str, dict[str, Any]] = {}
    for route in routes:
        operation: dict[str, Any] = {"summary": route.summary, "tags": [route.tag],
                     "operationId": f"{route.method.lower()}_{re.sub(r'[^a-z0-9]+', '_', route.path.lower())}"
                                    .rstrip("_"),
                     "responses": {str(route.status): _answer(spec, route)}}
        parameters = [{"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
                      for name in route.params]
        if route.method != "GET" and route.who is not None:
            parameters.append(IDEMPOTENCY_KEY)
            operation["responses"]["422"] = PROBLEM | {"description": KEY_REUSED}
        if parameters:
            operation["parameters"] = parameters
        if route.body is not None:
            operation["requestBody"] = {"required": True, "content": {"application/json": {
                "schema": _component(spec, route.body)}}}
            for status, text in ERRORS_WITH_BODY.items():
                operation["responses"][status] = PROBLEM | {"description": text}
        if route.who is not None:
            operation["security"] = [{"bearer": []}]
            for status, text in ERRORS.items():
                operation["responses"][status] = PROBLEM | {"description": text}
        elif route.path == "/health/ready":
            operation["responses"]["503"] = {"description": "The broker does not answer", "content": {
                "application/json": {"schema": _component(spec, schemas.Health)}}}
        paths.setdefault(_openapi_path(route.path), {})[route.method.lower()] = operation
    _link(routes, paths)
    for path, operations in paths.items():
        spec.path(path=path, operations=operations)
    document: dict[str, Any] = spec.to_dict()
    return document


# What a route that creates something makes, by the last word of its path: its answer's id is that.
MADE = {"clients": "client_id", "teams": "team_id", "members": "member_id", "consents": "consent_id",
        "denials": "denial_id", "referrals": "referral_id"}


def _link(routes: tuple[Route, ...], paths: dict[str, dict[str, Any]]) -> None:
    """OpenAPI links from each route that creates something to every route that takes what it made.

    A made thing's id comes from the answer's ``id``; the target's other path parameters from the
    creating request's own path, or else from a field of the answer of the same name (a new team's
    ``client_id``). A client (schemathesis's stateful run among them) can so follow a story:
    register a client, make its team, add a member, remove the member.
    """
    for source in routes:
        made = MADE.get(source.path.rsplit("/", 1)[-1])
        if source.status != 201 or made is None:
            continue
        answered = set(source.answer().fields)
        links: dict[str, Any] = {}
        for target in routes:
            if made not in target.params or target is source:
                continue
            parameters = {}
            for name in target.params:
                if name == made:
                    parameters[name] = "$response.body#/id"
                elif name in source.params:
                    parameters[name] = f"$request.path.{name}"
                elif name in answered:
                    parameters[name] = f"$response.body#/{name}"
            if len(parameters) == len(target.params):
                operation = paths[_openapi_path(target.path)][target.method.lower()]
                links[operation["operationId"]] = {"operationId": operation["operationId"],
                                                   "parameters": parameters}
        if links:
            paths[_openapi_path(source.path)][source.method.lower()]["responses"][str(source.status)][
                "links"] = links


def _answer(spec: APISpec, route: Route) -> dict[str, Any]:
    """The success response: the answer's schema, or a list of them."""
    schema: dict[str, Any] = _component(spec, route.answer)
    if route.many:
        schema = {"type": "array", "items": schema}
    text = "Created" if route.status == 201 else "OK"
    return {"description": text, "content": {"application/json": {"schema": schema}}}


def document(routes: Iterable[Route]) -> dict[str, Any]:
    return _document(tuple(routes))
