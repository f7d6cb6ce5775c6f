"""A client's team (the gateway's ``TeamOut``) as a FHIR R4 ``CareTeam``.

R4's CareTeam has no element for its lead, so the key worker is said by role: each key-worker
period is a participant whose role is ``key_worker`` in tiimi's team-role system, with the
period it covered, and the current key worker comes first. Members follow, each with their role
(a professional's role, a close one's relation, the client), whom they act for, and the period
of their membership. A member's status (pending consent, active, suspended, removed) has no
place in R4's participant, so it rides in tiimi's ``team-member-status`` extension; a removed
member's period has ended.
"""
from __future__ import annotations

from typing import Any

from gateway.fhir import systems
from gateway.fhir.elements import (
    Client,
    Resource,
    coding,
    concept,
    identifier,
    logical,
    organisation,
    period,
    professional,
)
from tiimi_shared.vocabulary import CloseOneRelation, MemberKind, TeamStatus

# tiimi's team status -> CareTeam.status (care-team-status, a required binding).
CARE_TEAM_STATUS: dict[str, str] = {
    TeamStatus.PROPOSED: "proposed",
    TeamStatus.ACTIVE: "active",
    TeamStatus.SUSPENDED: "suspended",
    TeamStatus.CLOSED: "inactive",
}

KEY_WORKER = "key_worker"

# A close one's relation in HL7's v3 RoleCode, beside tiimi's own word ("other" has no match).
V3_RELATION: dict[str, str] = {
    CloseOneRelation.SPOUSE: "SPS",
    CloseOneRelation.PARTNER: "DOMPART",
    CloseOneRelation.PARENT: "PRN",
    CloseOneRelation.CHILD: "CHILD",
    CloseOneRelation.SIBLING: "SIB",
    CloseOneRelation.GRANDPARENT: "GRPRN",
    CloseOneRelation.GRANDCHILD: "GRNDCHILD",
    CloseOneRelation.RELATIVE: "EXT",
    CloseOneRelation.FRIEND: "FRND",
    CloseOneRelation.NEIGHBOUR: "NBOR",
}


def care_team(team: dict[str, Any], *, personal_identity_code: str | None = None,
              may_see_code: bool = False) -> Resource:
    """The team as a CareTeam; the identity code only if given and ``may_see_code``."""
    client = Client.with_code(team["client_id"], personal_identity_code, may_see_code=may_see_code)
    members_by_id = {member["id"]: member for member in team["members"]}
    periods = sorted(team["key_worker_history"], key=lambda kw: kw["ended_at"] is not None)
    resource: Resource = {
        "resourceType": "CareTeam",
        "id": team["id"],
        "identifier": [identifier(systems.TEAM_ID, team["id"])],
        "status": CARE_TEAM_STATUS[team["status"]],
        "subject": client.reference(),
        "period": _team_period(team),
        "participant": ([_key_worker(kw, members_by_id.get(kw["member_id"]), team["organisation"])
                         for kw in periods]
                        + [_member(member, client) for member in team["members"]]),
        "managingOrganization": [organisation(team["organisation"])],
    }
    if team.get("closed_reason"):
        resource["note"] = [{"text": team["closed_reason"]}]
    return client.about(resource)


def _team_period(team: dict[str, Any]) -> dict[str, str]:
    history = sorted(team["status_history"], key=lambda change: change["at"])
    starts = [change["at"] for change in history] + [kw["started_at"] for kw in team["key_worker_history"]]
    closed = [change["at"] for change in history if change["status"] == TeamStatus.CLOSED]
    ends = closed[-1] if team["status"] == TeamStatus.CLOSED and closed else None
    return period(min(starts) if starts else None, ends)


def _key_worker(kw: dict[str, Any], member: dict[str, Any] | None, team_organisation: str) -> Resource:
    roles = [concept(systems.TEAM_ROLE, KEY_WORKER, "Key worker (omatyöntekijä), who leads the team")]
    name = member.get("name") if member else None
    acting_for = (member or {}).get("organisation") or team_organisation
    return {
        "role": roles,
        "member": professional(kw["professional_id"], name),
        "onBehalfOf": organisation(acting_for),
        "period": period(kw["started_at"], kw["ended_at"]),
    }


def _member(member: dict[str, Any], client: Client) -> Resource:
    kind = member["kind"]
    found: Resource = {
        "extension": [{"url": systems.MEMBER_STATUS_EXTENSION,
                       "valueCoding": coding(systems.MEMBER_STATUS, member["status"])}],
    }
    if kind == MemberKind.PROFESSIONAL:
        found["role"] = ([concept(systems.PROFESSIONAL_ROLE, member["role"])] if member.get("role") else [])
        found["member"] = professional(member["professional_id"], member.get("name"))
        if member.get("organisation"):
            found["onBehalfOf"] = organisation(member["organisation"])
    elif kind == MemberKind.CLOSE_ONE:
        relation = member.get("relation")
        codings = [coding(systems.TEAM_ROLE, MemberKind.CLOSE_ONE)]
        if relation:
            codings.append(coding(systems.CLOSE_ONE_RELATION, relation))
            if relation in V3_RELATION:
                codings.append(coding(systems.V3_ROLE_CODE, V3_RELATION[relation]))
        found["role"] = [{"coding": codings}]
        found["member"] = logical("RelatedPerson", systems.MEMBER_ID, member["id"], member.get("name"))
    else:
        found["role"] = [concept(systems.TEAM_ROLE, MemberKind.CLIENT)]
        found["member"] = client.reference()
    found["period"] = period(member["starts_on"], member.get("ends_on"))
    if not found["role"]:
        del found["role"]
    return found
