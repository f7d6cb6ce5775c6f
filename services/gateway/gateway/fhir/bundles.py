"""What a FHIR endpoint answers around the resources: a search's Bundle, and an error as an OperationOutcome.

The gateway's other routes answer errors as problem details (``gateway.problems``); a FHIR
client expects an OperationOutcome, with an issue for each field that was refused.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from gateway.fhir.elements import Resource

# An HTTP status of the gateway's problems -> OperationOutcome.issue.code (issue-type, required).
ISSUE_TYPE: dict[int, str] = {
    400: "invalid",
    401: "login",
    403: "forbidden",
    404: "not-found",
    409: "conflict",
    422: "business-rule",  # an Idempotency-Key already used for another request
    413: "too-long",
    503: "transient",
}


def searchset(resources: Iterable[Resource], *, base_url: str) -> Resource:
    """The resources a search matched, each under its full URL on ``base_url``."""
    found = list(resources)
    base = base_url.rstrip("/")
    return {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": len(found),
        "entry": [{"fullUrl": f"{base}/{resource['resourceType']}/{resource['id']}", "resource": resource,
                   "search": {"mode": "match"}} for resource in found],
    }


def operation_outcome(status: int, detail: str, errors: Mapping[str, Any] | None = None) -> Resource:
    """An error as FHIR says it: one issue for the whole, and one for each refused field."""
    code = ISSUE_TYPE.get(status, "exception")
    issues: list[Resource] = [{"severity": "error", "code": code, "diagnostics": detail}]
    for field, messages in sorted((errors or {}).items()):
        said = messages if isinstance(messages, list) else [messages]
        issues.append({"severity": "error", "code": code, "expression": [field],
                       "diagnostics": "; ".join(str(message) for message in said)})
    return {"resourceType": "OperationOutcome", "issue": issues}


def collection(bundles: Iterable[Resource]) -> Resource:
    """Bundles answered together, each whole (the disclosure notifications of a time range)."""
    found = list(bundles)
    return {"resourceType": "Bundle", "type": "collection",
            "entry": [{"resource": bundle} for bundle in found]}
