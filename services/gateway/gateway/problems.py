"""Errors as RFC 9457 problem details: a status, a title, a detail, never a trace."""
from __future__ import annotations

import json
from typing import Any

from nameko.exceptions import RemoteError, RpcTimeout, UnknownService
from werkzeug.wrappers import Request, Response

from gateway.auth import Unauthorized
from tiimi_shared.errors import Conflict, Forbidden, NotFound, Unavailable, ValidationError
from tiimi_shared.logging import get_logger

log = get_logger(__name__)
TYPE_BASE = "https://tiimi.example/problems/"


class Problem(Exception):
    def __init__(self, status: int, title: str, detail: str, **extra: Any):
        super().__init__(detail)
        self.status, self.title, self.detail, self.extra = status, title, detail, extra


def too_large(limit: int) -> Problem:
    return Problem(413, "Content too large", f"the body may be at most {limit} bytes")


def json_object(request: Request, limit: int) -> dict[str, Any]:
    """The request's body as a JSON object (an empty body is ``{}``); a problem if too large or not one."""
    if (request.content_length or 0) > limit:
        raise too_large(limit)
    raw = request.stream.read(limit + 1)
    if len(raw) > limit:
        raise too_large(limit)
    if not raw.strip():
        raw = b"{}"
    try:
        data = json.loads(raw)
    except ValueError:
        raise Problem(400, "Invalid request", "the body is not JSON") from None
    if not isinstance(data, dict):
        raise Problem(400, "Invalid request", "the body must be a JSON object")
    return data


def problem_for(error: Exception) -> Problem:
    """The problem a caller is shown for an error; unexpected ones say nothing of their insides."""
    if isinstance(error, Problem):
        return error
    if isinstance(error, ValidationError):
        return Problem(400, "Invalid request", "some fields are not valid", errors=error.errors)
    if isinstance(error, Unauthorized):
        return Problem(401, "Unauthorized", str(error))
    if isinstance(error, Forbidden):
        return Problem(403, "Forbidden", error.message)
    if isinstance(error, NotFound):
        return Problem(404, "Not found", error.message)
    if isinstance(error, Conflict):
        return Problem(409, "Conflict", error.message, current_state=error.current_state,
                       allowed=error.allowed)
    if isinstance(error, Unavailable):
        return Problem(503, "Service unavailable", error.message)
    if isinstance(error, (RpcTimeout, UnknownService)):
        return Problem(503, "Service unavailable", "a part of tiimi did not answer; try again")
    if isinstance(error, RemoteError):
        log.error("a service failed behind the gateway", error=error.exc_type)
    else:
        log.exception("the gateway failed")
    return Problem(500, "Internal error", "something went wrong; it has been logged")


def response(problem: Problem) -> Response:
    body = {"type": TYPE_BASE + problem.title.lower().replace(" ", "-"), "title": problem.title,
            "status": problem.status, "detail": problem.detail, **problem.extra}
    headers = {"WWW-Authenticate": 'Bearer realm="tiimi"'} if problem.status == 401 else {}
    return Response(json.dumps(body), status=problem.status, mimetype="application/problem+json",
                    headers=headers)
