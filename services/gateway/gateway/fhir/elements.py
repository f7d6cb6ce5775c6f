"""The small pieces every resource is built of: codings, references to people and organisations,
moments, and the client as a subject, with or without the personal identity code.

A client is named by tiimi's client id. The personal identity code goes into a resource only
through ``Client.with_code(..., may_see_code=True)``: the caller has shown the right to it (the
same rule as the gateway's reveal), and then only as an identifier in the national system, on a
Patient contained in the resource that names the client.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from gateway.fhir import systems

Resource = dict[str, Any]

CONTAINED_CLIENT = "client"


def coding(system: str, code: str, display: str | None = None) -> dict[str, str]:
    found = {"system": system, "code": code}
    if display is not None:
        found["display"] = display
    return found


def concept(system: str, code: str, display: str | None = None) -> dict[str, Any]:
    return {"coding": [coding(system, code, display)]}


def identifier(system: str, value: str) -> dict[str, str]:
    return {"system": system, "value": value}


def logical(resource_type: str, system: str, value: str, display: str | None = None) -> dict[str, Any]:
    """A reference by business identifier: tiimi serves no Practitioner or Organization resource."""
    found: dict[str, Any] = {"type": resource_type, "identifier": identifier(system, value)}
    if display:
        found["display"] = display
    return found


def organisation(organisation_id: str) -> dict[str, Any]:
    return logical("Organization", systems.ORGANISATION_ID, organisation_id)


def professional(professional_id: str, name: str | None = None) -> dict[str, Any]:
    return logical("Practitioner", systems.PROFESSIONAL_ID, professional_id, name)


def instant(moment: str) -> str:
    """A moment as FHIR's instant wants it: in UTC, to the second or finer, with its zone (Z)."""
    parsed = datetime.fromisoformat(moment)
    if parsed.tzinfo is None:
        raise ValueError(f"{moment!r} has no time zone: tiimi's answers always carry one")
    at = parsed.astimezone(UTC)
    text = at.strftime("%Y-%m-%dT%H:%M:%S")
    if at.microsecond:
        text += f".{at.microsecond:06d}".rstrip("0")
    return text + "Z"


def period(start: str | None, end: str | None = None) -> dict[str, str]:
    found = {}
    if start is not None:
        found["start"] = instant(start)
    if end is not None:
        found["end"] = instant(end)
    return found


@dataclass(frozen=True)
class Client:
    """The client a resource is about; ``personal_identity_code`` only where its right is shown."""

    client_id: str
    personal_identity_code: str | None = None

    @classmethod
    def with_code(cls, client_id: str, personal_identity_code: str | None, *,
                  may_see_code: bool) -> Client:
        """The client with the code when the caller may see it, and without it otherwise."""
        return cls(client_id, personal_identity_code if may_see_code and personal_identity_code else None)

    def reference(self) -> dict[str, Any]:
        if self.personal_identity_code is None:
            return logical("Patient", systems.CLIENT_ID, self.client_id)
        return {"reference": f"#{CONTAINED_CLIENT}", "type": "Patient"}

    def contained(self) -> list[Resource]:
        """The Patient to contain in the resource: only when it carries the code."""
        if self.personal_identity_code is None:
            return []
        return [{
            "resourceType": "Patient", "id": CONTAINED_CLIENT,
            "identifier": [
                identifier(systems.CLIENT_ID, self.client_id),
                {"use": "official", "type": concept(systems.IDENTIFIER_TYPE, "NNFIN"),
                 "system": systems.PERSONAL_IDENTITY_CODE, "value": self.personal_identity_code},
            ],
        }]

    def about(self, resource: Resource) -> Resource:
        """The resource with the contained Patient first, where there is one."""
        contained = self.contained()
        if not contained:
            return resource
        head = {key: resource[key] for key in ("resourceType", "id") if key in resource}
        return head | {"contained": contained} | {k: v for k, v in resource.items() if k not in head}
