"""The ``CapabilityStatement`` for ``/fhir/metadata``: what tiimi's FHIR endpoints offer.

Read and search of CareTeam, Consent, Task, ServiceRequest and AuditEvent, each searched by the
client it is about; update of Task, for a partner answering a referral addressed to it; and the
disclosure notifications for a time range. Every request carries the same bearer token as the
rest of the gateway, and is authorised by the same rules.
"""
from __future__ import annotations

from typing import Any

from gateway.fhir import systems
from gateway.fhir.elements import Resource, instant

JSON = "application/fhir+json"


def _search(name: str, kind: str, documentation: str) -> dict[str, str]:
    return {"name": name, "type": kind, "documentation": documentation}


_BY_CLIENT = "the client, as patient=<system>|<client id> in tiimi's client identifier system"

RESOURCES: tuple[dict[str, Any], ...] = (
    {"type": "CareTeam", "interactions": ("read", "search-type"),
     "documentation": "A client's team: the key worker as the lead (role key_worker), and its members",
     "search": (_search("patient", "reference", _BY_CLIENT),
                _search("status", "token", "proposed, active, suspended or inactive"))},
    {"type": "Consent", "interactions": ("read", "search-type"),
     "documentation": "A client's consents (permit) and denials (deny); the client's key worker only",
     "search": (_search("patient", "reference", _BY_CLIENT),
                _search("status", "token", "active or inactive"))},
    {"type": "Task", "interactions": ("read", "search-type", "update"),
     "documentation": ("A referral's closed-loop Task; a partner answers a referral addressed to it by "
                       "updating Task.status (accepted, rejected, in-progress, on-hold, completed, failed, "
                       "entered-in-error), with statusReason.text and, to complete, an output"),
     "search": (_search("patient", "reference", _BY_CLIENT),
                _search("owner", "reference", "the target organisation"),
                _search("status", "token", "the Task's status"))},
    {"type": "ServiceRequest", "interactions": ("read", "search-type"),
     "documentation": "What a referral asks of the target organisation",
     "search": (_search("patient", "reference", _BY_CLIENT),)},
    {"type": "AuditEvent", "interactions": ("read", "search-type"),
     "documentation": "A client's disclosure-log entries; the client's key worker only",
     "search": (_search("patient", "reference", _BY_CLIENT),
                _search("date", "date", "when the entry was recorded"))},
)


def capability_statement(*, base_url: str, published_at: str, version: str) -> Resource:
    """What the endpoints under ``base_url`` offer, as of ``published_at``, in tiimi ``version``."""
    return {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": instant(published_at),
        "publisher": "tiimi",
        "kind": "instance",
        "software": {"name": "tiimi", "version": version},
        "implementation": {"description": "tiimi's FHIR face for partners and the national archive",
                           "url": base_url},
        "fhirVersion": systems.FHIR_VERSION,
        "format": [JSON],
        "rest": [{
            "mode": "server",
            "security": {"cors": False, "description": (
                "A bearer token (JWT) as for the rest of tiimi's API; every read is authorised and "
                "logged as the other doors are. No personal identity code is shown unless the "
                "caller may see it.")},
            "resource": [_resource(each) for each in RESOURCES],
            "operation": [{
                "name": "disclosure-notifications",
                "definition": systems.DISCLOSURE_NOTIFICATIONS_OPERATION,
                "documentation": ("The disclosures to other controllers in a time range, each as a "
                                  "transaction Bundle of an AuditEvent and its Provenance"),
            }],
        }],
    }


def _resource(described: dict[str, Any]) -> Resource:
    return {
        "type": described["type"],
        "documentation": described["documentation"],
        "interaction": [{"code": code} for code in described["interactions"]],
        "searchParam": [dict(param) for param in described["search"]],
    }
