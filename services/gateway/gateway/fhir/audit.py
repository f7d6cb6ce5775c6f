"""Disclosure-log entries (the gateway's ``DisclosureReportOut``) as FHIR R4 ``AuditEvent`` resources,
and disclosures to another controller as notifications in the national style.

An AuditEvent says who (the recipient professional and organisation as agents), what (the client
and the data category as entities), when (``recorded``), why (the purpose) and on what basis (the
consent or denial it rests on as an entity, tiimi's reason as a subtype). A decision that denied
is recorded with outcome 4, the reason in ``outcomeDesc``.

The Kanta social welfare services receive a disclosure notification (luovutusilmoitus) as a
transaction Bundle of an AuditEvent, one per disclosure event with one entity per data set given,
and a Provenance saying who made the notification and when. ``disclosure_notifications`` makes
those bundles for the disclosures in a time range to organisations other than the controller
that reports them. They follow that shape; they do not claim Kanta's profiles, whose national
organisation and document codes tiimi does not hold.
"""
from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from gateway.fhir import systems
from gateway.fhir.elements import (
    Client,
    Resource,
    coding,
    concept,
    identifier,
    instant,
    organisation,
    professional,
)
from tiimi_shared.vocabulary import DisclosureKind, Outcome

# The event each kind of entry records, in DICOM's audit event types where one fits.
EVENT_TYPE: dict[str, dict[str, str]] = {
    DisclosureKind.DISCLOSURE: coding(systems.DICOM, "110106", "Export"),
    DisclosureKind.ACCESS: coding(systems.DICOM, "110110", "Patient Record"),
    DisclosureKind.DECISION: coding(systems.DISCLOSURE_KIND, DisclosureKind.DECISION),
}
# audit-event-action: data given out or read is a read (R); a decision is executed (E).
EVENT_ACTION: dict[str, str] = {
    DisclosureKind.DISCLOSURE: "R", DisclosureKind.ACCESS: "R", DisclosureKind.DECISION: "E"}
# audit-event-outcome: 0 success; 4 minor failure, for a request consent refused.
EVENT_OUTCOME: dict[str, str] = {Outcome.PERMIT: "0", Outcome.DENY: "4"}


def audit_events(report: dict[str, Any], *, personal_identity_code: str | None = None,
                 may_see_code: bool = False) -> list[Resource]:
    """Every entry of a client's disclosure report as an AuditEvent, in the report's order."""
    client = Client.with_code(report["client_id"], personal_identity_code, may_see_code=may_see_code)
    return [audit_event(entry, client) for entry in report["entries"]]


def audit_event(entry: dict[str, Any], client: Client) -> Resource:
    kind = entry["kind"]
    resource: Resource = {
        "resourceType": "AuditEvent",
        "id": entry["entry_id"],
        "type": EVENT_TYPE.get(kind, coding(systems.DISCLOSURE_KIND, kind)),
        "subtype": [coding(systems.DISCLOSURE_KIND, kind),
                    coding(systems.DISCLOSURE_REASON, entry["reason"])],
        "action": EVENT_ACTION.get(kind, "R"),
        "recorded": instant(entry["at"]),
        "outcome": EVENT_OUTCOME[entry["outcome"]],
        "agent": _agents(entry["organisation"], entry["professional"]),
        "source": _source(),
        "entity": _entities(client, [entry["category"]] if entry["category"] else [], entry),
    }
    if entry.get("legal_basis"):
        # Given out on a statutory basis, not under a consent: the basis it rests on, by its id in the
        # county's list of legal bases. The justification (free text about the client) stays in tiimi.
        resource["subtype"].append(coding(systems.LEGAL_BASIS, entry["legal_basis"]))
    if entry["outcome"] == Outcome.DENY:
        resource["outcomeDesc"] = entry["reason"]
    if entry["purpose"]:
        resource["purposeOfEvent"] = [concept(systems.PURPOSE, entry["purpose"])]
    return client.about(resource)


def _agents(organisation_id: str | None, professional_id: str | None) -> list[Resource]:
    agents: list[Resource] = []
    if professional_id:
        agents.append({"who": professional(professional_id), "requestor": True})
    if organisation_id:
        agents.append({"type": concept(systems.V3_PARTICIPATION_TYPE, "IRCP", "information recipient"),
                       "who": organisation(organisation_id), "requestor": not professional_id})
    if not agents:  # a malformed request names nobody, and is logged all the same
        agents.append({"name": "unknown requester", "requestor": True})
    return agents


def _source() -> Resource:
    return {"observer": {"display": "tiimi disclosure log",
                         "identifier": identifier(systems.TIIMI_SERVICE, "consent")},
            "type": [coding(systems.SECURITY_SOURCE_TYPE, "4", "Application Server")]}


def _entities(client: Client, categories: Iterable[str], entry: dict[str, Any]) -> list[Resource]:
    entities: list[Resource] = [{"what": client.reference(),
                                 "type": coding(systems.AUDIT_ENTITY_TYPE, "1", "Person"),
                                 "role": coding(systems.OBJECT_ROLE, "1", "Patient")}]
    entities += [{"type": coding(systems.CATEGORY, category),
                  "role": coding(systems.OBJECT_ROLE, "4", "Domain Resource"),
                  "description": f"the client's {category} data"} for category in categories]
    if entry.get("consent_id"):
        entities.append(_basis("Consent", systems.CONSENT_ID, entry["consent_id"]))
    if entry.get("denial_id"):
        entities.append(_basis("Consent", systems.DENIAL_ID, entry["denial_id"]))
    return entities


def _basis(resource_type: str, system: str, value: str) -> Resource:
    return {"what": {"reference": f"{resource_type}/{value}", "type": resource_type,
                     "identifier": identifier(system, value)},
            "type": coding(systems.RESOURCE_TYPES, resource_type)}


# -- disclosure notifications, one transaction Bundle per disclosure event


def _event_key(entry: dict[str, Any]) -> tuple[Any, ...]:
    return (entry["at"], entry["organisation"], entry["professional"], entry["purpose"], entry["consent_id"],
            entry.get("legal_basis"))


def disclosure_notifications(report: dict[str, Any], *, controller: str, start: str, end: str,
                             notified_at: str, personal_identity_code: str | None = None,
                             may_see_code: bool = False) -> list[Resource]:
    """A notification Bundle for each disclosure in [start, end) to an organisation other than ``controller``.

    Entries of one disclosure event (the same moment, recipient, purpose and consent) become one
    AuditEvent with an entity for each category given; each bundle's Provenance names the
    controller as the author of the notification at ``notified_at``.
    """
    client = Client.with_code(report["client_id"], personal_identity_code, may_see_code=may_see_code)
    since, until = datetime.fromisoformat(start), datetime.fromisoformat(end)
    events: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
    for entry in report["entries"]:
        if (entry["kind"] == DisclosureKind.DISCLOSURE and entry["organisation"]
                and entry["organisation"] != controller
                and since <= datetime.fromisoformat(entry["at"]) < until):
            events.setdefault(_event_key(entry), []).append(entry)
    return [_notification(entries, client, controller, notified_at)
            for entries in sorted(events.values(), key=lambda group: group[0]["at"])]


def _notification(entries: list[dict[str, Any]], client: Client, controller: str,
                  notified_at: str) -> Resource:
    first = entries[0]
    event_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{systems.BASE}/disclosure/{first['entry_id']}"))
    provenance_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{systems.BASE}/notification/{first['entry_id']}"))
    event = audit_event(first, client)
    event["id"] = event_id
    categories = sorted({entry["category"] for entry in entries if entry["category"]})
    event["entity"] = _entities(client, categories, first)
    provenance: Resource = {
        "resourceType": "Provenance",
        "id": provenance_id,
        "target": [{"reference": f"urn:uuid:{event_id}", "type": "AuditEvent"}],
        "recorded": instant(notified_at),
        "activity": concept(systems.DATA_OPERATION, "CREATE", "create"),
        "agent": [{"type": concept(systems.PROVENANCE_PARTICIPANT_TYPE, "author", "Author"),
                   "who": organisation(controller)}],
    }
    return {
        "resourceType": "Bundle",
        "type": "transaction",
        "timestamp": instant(notified_at),
        "entry": [
            {"fullUrl": f"urn:uuid:{event_id}", "resource": event,
             "request": {"method": "POST", "url": "AuditEvent"}},
            {"fullUrl": f"urn:uuid:{provenance_id}", "resource": provenance,
             "request": {"method": "POST", "url": "Provenance"}},
        ],
    }
