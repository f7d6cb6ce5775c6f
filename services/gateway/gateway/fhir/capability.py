"""The ``CapabilityStatement`` for ``/fhir/metadata``: what tiimi's FHIR endpoints offer.

Exactly what the gateway serves: a search of CareTeam, Consent and AuditEvent by the client they
are about; a read of Task and ServiceRequest by referral id; a search of Task by owner and its
update, for a partner answering a referral addressed to it; and the disclosure notifications for
a time range. Every request but this statement's carries the same bearer token as the rest of
the gateway, and is authorised by the same rules.
"""
from __future__ import annotations

from typing import Any

from gateway.fhir import systems
from gateway.fhir.elements import Resource, instant

JSON = "application/fhir+json"


def _search(name: str, kind: str, documentation: str) -> dict[str, str]:
    return {"name": name, "type": kind, "documentation": documentation}


_BY_CLIENT = "the client: tiimi's client id, or Patient/<client id>"

# Exactly what the gateway serves under /fhir (gateway.service's fhir_route entrypoints).
RESOURCES: tuple[dict[str, Any], ...] = (
    {"type": "CareTeam", "interactions": ("search-type",),
     "documentation": ("A client's team: the key worker as the lead (role key_worker), and its members; "
                       "for the team's active members, as the team page is"),
     "search": (_search("subject", "reference", _BY_CLIENT), _search("patient", "reference", _BY_CLIENT))},
    {"type": "Consent", "interactions": ("search-type",),
     "documentation": "A client's consents (permit) and denials (deny); the client's key worker only",
     "search": (_search("patient", "reference", _BY_CLIENT),)},
    {"type": "Task", "interactions": ("read", "search-type", "update"),
     "documentation": ("A referral's closed-loop Task, read by either side of it; a partner lists the open "
                       "referrals addressed to it (owner), and answers one by updating Task.status "
                       "(accepted, rejected, in-progress, on-hold, completed, failed, entered-in-error), "
                       "with statusReason.text and, to complete, an output; tiimi owns every other element"),
     "search": (_search("owner", "reference", "your organisation: its Business ID or Organization/<id>"),)},
    {"type": "ServiceRequest", "interactions": ("read",),
     "documentation": "What a referral asks of the target organisation, read by either side of it",
     "search": ()},
    {"type": "AuditEvent", "interactions": ("search-type",),
     "documentation": "A client's disclosure-log entries; the client's key worker only",
     "search": (_search("patient", "reference", _BY_CLIENT),)},
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
                "A bearer token (JWT) as for the rest of tiimi's API (this statement needs none); every "
                "read is authorised and logged as the other doors are. No personal identity code is "
                "shown unless the request gives the reason in the Tiimi-Identity-Code-Reason header "
                "(percent-encoded) and the caller may see it: the reveal is then recorded.")},
            "resource": [_resource(each) for each in RESOURCES],
            "operation": [{
                "name": "disclosure-notifications",
                "definition": systems.DISCLOSURE_NOTIFICATIONS_OPERATION,
                "documentation": ("GET AuditEvent/$disclosure-notifications?patient=&from=&to=: the "
                                  "client's disclosures to other controllers in [from, to), each as a "
                                  "transaction Bundle of an AuditEvent and its Provenance, in a collection "
                                  "Bundle; the client's key worker only"),
            }],
        }],
    }


def _resource(described: dict[str, Any]) -> Resource:
    found: Resource = {
        "type": described["type"],
        "documentation": described["documentation"],
        "interaction": [{"code": code} for code in described["interactions"]],
    }
    if described["search"]:  # FHIR writes no empty list
        found["searchParam"] = [dict(param) for param in described["search"]]
    return found
