"""tiimi's answers as FHIR R4 resources: each accepted by the fhir.resources library, each saying what
docs/fhir.md says it says, and none carrying a personal identity code unless the caller may see it.

The answers below are shaped as the gateway's services answer (the first test holds them to the
gateway's own answer schemas), so a mapping that reads a field the services do not send fails here.
"""
from __future__ import annotations

import copy
import json
import re
from typing import Any

import pytest

from gateway import schemas
from gateway.fhir import audit, bundles, capability, careteam, consent, referral, systems, validate

COUNTY, NGO, POLICE = "1234567-8", "0123456-7", "7654321-0"
CLIENT_ID = "5f0c7a52-4f0e-4d8e-9a57-3b7f0f6f3a10"
CODE = "131052-308T"  # a made-up personal identity code of the right form
# A Finnish personal identity code anywhere in a text: date, century sign, number, check character.
# As the kernel finds one in text (tiimi_shared.logging): not inside a longer run, such as a UUID.
IDENTITY_CODE_PATTERN = re.compile(r"(?<![0-9A-Za-z])\d{6}[-+A-FU-Y]\d{3}[0-9A-Y](?![0-9A-Za-z])")
NO_CONTACT = {"email": None, "phone": None, "address": None}


def _member(member_id: str, kind: str, status: str, starts_on: str, ends_on: str | None = None,
            **fields: Any) -> dict[str, Any]:
    blank = {"professional_id": None, "name": None, "organisation": None, "role": None, "relation": None}
    return {"id": member_id, "kind": kind, **(blank | fields), "contact": NO_CONTACT, "status": status,
            "starts_on": starts_on, "ends_on": ends_on}


CURRENT_KEY_WORKER = {"professional_id": "sw-1001", "member_id": "m-1",
                      "started_at": "2026-03-01T09:00:00+02:00", "ended_at": None,
                      "handover_reason": "the former key worker moved", "changed_by": "sc-2002"}
TEAM: dict[str, Any] = {
    "id": "team-1", "client_id": CLIENT_ID, "organisation": COUNTY, "status": "active", "closed_reason": None,
    "key_worker": CURRENT_KEY_WORKER,
    "key_worker_history": [
        {"professional_id": "sc-2002", "member_id": "m-0", "started_at": "2026-01-10T08:00:00+02:00",
         "ended_at": "2026-03-01T09:00:00+02:00", "handover_reason": None, "changed_by": "sc-2002"},
        CURRENT_KEY_WORKER],
    "status_history": [
        {"status": "proposed", "at": "2026-01-10T08:00:00+02:00", "by": "sc-2002", "reason": None},
        {"status": "active", "at": "2026-01-11T08:00:00+02:00", "by": "sc-2002", "reason": None}],
    "members": [
        _member("m-0", "professional", "removed", "2026-01-10T08:00:00+02:00", "2026-03-02T00:00:00+02:00",
                professional_id="sc-2002", name="Mikko Korhonen", organisation=COUNTY,
                role="social_counsellor"),
        _member("m-1", "professional", "active", "2026-03-01T09:00:00+02:00",
                professional_id="sw-1001", name="Sanna Virtanen", organisation=COUNTY, role="social_worker"),
        _member("m-2", "professional", "pending_consent", "2026-03-05T09:00:00+02:00",
                professional_id="ngo-77", name="Alex Laine", organisation=NGO, role="ngo_worker"),
        _member("m-3", "close_one", "active", "2026-03-05T09:00:00+02:00", name="Liisa Mäkinen",
                relation="sibling"),
        _member("m-4", "client", "active", "2026-01-10T08:00:00+02:00"),
    ],
}
CLOSED_TEAM: dict[str, Any] = TEAM | {
    "status": "closed", "closed_reason": "the client moved away",
    "status_history": TEAM["status_history"] + [
        {"status": "closed", "at": "2026-06-01T12:00:00+03:00", "by": "sw-1001",
         "reason": "the client moved away"}]}


def _consent(consent_id: str, **changes: Any) -> dict[str, Any]:
    return {
        "id": consent_id, "client_id": CLIENT_ID, "given_by": {"kind": "client", "relation": None},
        "recipient_organisation": NGO, "professionals": [], "categories": ["basic", "team"],
        "purposes": ["team_coordination"], "valid_from": "2026-03-01T00:00:00+02:00",
        "valid_until": "2027-03-01T00:00:00+02:00", "method": "written", "recorded_by": "sw-1001",
        "recorded_at": "2026-03-01T10:00:00+02:00", "status": "active", "withdrawn_at": None,
        "withdrawn_by": None, "expired_at": None,
        "history": [{"action": "granted", "at": "2026-03-01T10:00:00+02:00", "by": "sw-1001",
                     "reason": None}],
    } | changes


CONSENTS: dict[str, Any] = {
    "client_id": CLIENT_ID,
    "consents": [
        _consent("consent-1"),
        _consent("consent-2", given_by={"kind": "legal_representative", "relation": "trustee"},
                 professionals=["ngo-77"], categories=["assessment"], purposes=["referral"], valid_until=None,
                 method="oral"),
        _consent("consent-3", status="withdrawn", withdrawn_at="2026-04-01T10:00:00+03:00",
                 withdrawn_by="sw-1001",
                 history=[{"action": "granted", "at": "2026-03-01T10:00:00+02:00", "by": "sw-1001",
                           "reason": None},
                          {"action": "withdrawn", "at": "2026-04-01T10:00:00+03:00", "by": "sw-1001",
                           "reason": "the client asked"}]),
    ],
    "denials": [
        {"id": "denial-1", "client_id": CLIENT_ID, "organisation": None, "categories": ["health"],
         "reason": "the client's wish", "recorded_by": "sw-1001", "recorded_at": "2026-03-02T10:00:00+02:00",
         "lifted_at": None, "lifted_by": None, "status": "in_force"},
        {"id": "denial-2", "client_id": CLIENT_ID, "organisation": POLICE, "categories": ["financial"],
         "reason": None, "recorded_by": "sw-1001", "recorded_at": "2026-03-02T10:00:00+02:00",
         "lifted_at": "2026-05-02T10:00:00+03:00", "lifted_by": "sw-1001", "status": "lifted"},
    ],
}


def _step(to_status: str, at: str, from_status: str | None = None, kind: str = "status",
          by_organisation: str | None = COUNTY, reason: str | None = None, **detail: Any) -> dict[str, Any]:
    return {"kind": kind, "from_status": from_status, "to_status": to_status, "at": at,
            "by": "sw-1001" if by_organisation == COUNTY else "desk-1", "by_organisation": by_organisation,
            "reason": reason, "detail": detail}


REFERRAL: dict[str, Any] = {
    "id": "referral-1", "client_id": CLIENT_ID, "requesting_organisation": COUNTY, "requested_by": "sw-1001",
    "target_organisation": NGO, "service": "ngo_peer_support", "priority": "urgent", "status": "completed",
    "outcome": {"code": "goal_met", "summary": "joined the peer group"},
    "accept_by": "2026-03-10T16:00:00+02:00", "escalate_by": "2026-03-12T16:00:00+02:00",
    "reminded_at": None, "escalated_at": None, "created_at": "2026-03-05T09:00:00+02:00",
    "as": ["requester"], "allowed_next": ["entered_in_error"],
    "history": [
        _step("draft", "2026-03-05T09:00:00+02:00"),
        _step("requested", "2026-03-05T09:05:00+02:00", "draft", shared=["basic"], withheld={}),
        _step("accepted", "2026-03-06T09:00:00+02:00", "requested", by_organisation=NGO),
        _step("in_progress", "2026-03-07T09:00:00+02:00", "accepted", by_organisation=NGO),
        _step("completed", "2026-04-07T09:00:00+03:00", "in_progress", by_organisation=NGO,
              outcome={"code": "goal_met", "summary": "joined the peer group"}),
    ],
    "reason": "needs company and daily rhythm", "share": {"basic": {"language": "fi"}},
    "shared_categories": ["basic"], "withheld": {},
}
OVERDUE_REFERRAL: dict[str, Any] = REFERRAL | {
    "status": "requested", "outcome": None, "reminded_at": "2026-03-10T16:00:00+02:00", "as": ["target"],
    "allowed_next": ["accepted", "rejected", "entered_in_error"],
    "history": REFERRAL["history"][:2] + [
        _step("requested", "2026-03-10T16:00:00+02:00", "requested", kind="overdue", by_organisation=None)],
}
for _target_view in (OVERDUE_REFERRAL,):  # the target's side sees what was shared, not the requester's notes
    for _requesters_only in ("reason", "share", "shared_categories", "withheld"):
        _target_view.pop(_requesters_only)
    _target_view["shared"] = {"basic": {"language": "fi"}}
REJECTED_REFERRAL: dict[str, Any] = REFERRAL | {
    "status": "rejected", "outcome": None, "allowed_next": [],
    "history": REFERRAL["history"][:2] + [
        _step("rejected", "2026-03-06T09:00:00+02:00", "requested", by_organisation=NGO,
              reason="no places left this spring")],
}


def _entry(entry_id: str, kind: str, at: str, organisation: str | None, category: str | None,
           outcome: str = "permit", reason: str = "permitted", **fields: Any) -> dict[str, Any]:
    return {"seq": None, "entry_id": entry_id, "kind": kind, "at": at, "organisation": organisation,
            "professional": None, "category": category, "purpose": "team_coordination", "outcome": outcome,
            "reason": reason, "consent_id": "consent-1" if outcome == "permit" else None,
            "denial_id": None, "legal_basis": None, "recipient_kind": None, "justification": None} | fields


REPORT: dict[str, Any] = {
    "client_id": CLIENT_ID,
    "entries": [
        _entry("e-1", "access", "2026-03-03T10:00:00+02:00", COUNTY, "basic", reason="own_organisation",
               professional="sw-1001", consent_id=None, seq=1),
        _entry("e-2", "disclosure", "2026-03-06T10:00:00+02:00", NGO, "basic", professional="ngo-77", seq=2),
        _entry("e-3", "disclosure", "2026-03-06T10:00:00+02:00", NGO, "team", professional="ngo-77", seq=3),
        _entry("e-4", "decision", "2026-03-07T10:00:00+02:00", POLICE, "health", outcome="deny",
               reason="denied_by_client", purpose="referral", denial_id="denial-1"),
        _entry("e-5", "disclosure", "2026-05-06T10:00:00+03:00", NGO, "assessment", purpose="referral",
               consent_id="consent-2"),
        _entry("e-6", "decision", "2026-03-08T10:00:00+02:00", None, None, outcome="deny",
               reason="malformed_request", purpose=None),
    ],
    "emergency_accesses": [],
}

ANSWERS = [(schemas.TeamOut, TEAM), (schemas.TeamOut, CLOSED_TEAM), (schemas.ConsentsOut, CONSENTS),
           (schemas.ReferralOut, REFERRAL), (schemas.ReferralOut, OVERDUE_REFERRAL),
           (schemas.ReferralOut, REJECTED_REFERRAL), (schemas.DisclosureReportOut, REPORT)]


def notifications(**kw: Any) -> list[dict[str, Any]]:
    return audit.disclosure_notifications(REPORT, controller=COUNTY, start="2026-03-01T00:00:00+02:00",
                                          end="2026-04-01T00:00:00+03:00",
                                          notified_at="2026-04-01T01:00:00+03:00", **kw)


def every_resource(**kw: Any) -> list[dict[str, Any]]:
    """Every resource the mappings make from the answers above, with the same identity-code arguments."""
    return ([careteam.care_team(TEAM, **kw), careteam.care_team(CLOSED_TEAM, **kw)]
            + consent.consents(CONSENTS, **kw)
            + [mapping(answer, **kw) for answer in (REFERRAL, OVERDUE_REFERRAL, REJECTED_REFERRAL)
               for mapping in (referral.task, referral.service_request)]
            + audit.audit_events(REPORT, **kw) + notifications(**kw))


def _name(resource: dict[str, Any]) -> str:
    return f"{resource['resourceType']}/{resource.get('id', len(json.dumps(resource)))}"


SEARCH = bundles.searchset(consent.consents(CONSENTS), base_url="https://tiimi.example/fhir/")
REFUSED = bundles.operation_outcome(400, "some fields are not valid",
                                    {"Task.status": ["only the requesting organisation cancels a referral"]})
RESOURCES = every_resource() + [
    capability.capability_statement(base_url="https://tiimi.example/fhir",
                                    published_at="2026-11-24T00:00:00Z", version="0.1.0"),
    SEARCH, REFUSED, bundles.operation_outcome(404, "no such referral"),
    bundles.operation_outcome(500, "something went wrong; it has been logged")]


def test_the_answers_here_are_shaped_as_the_gateway_answers() -> None:
    for schema, answer in ANSWERS:
        assert schema().validate(answer) == {}, schema.__name__


# -- the library accepts each resource, and keeps all of it ---------------------------------


@pytest.mark.parametrize("resource", RESOURCES, ids=_name)
def test_the_library_accepts_every_resource_and_writes_it_back_unchanged(resource: dict[str, Any]) -> None:
    # Unchanged: the library dropped nothing we wrote and read every value as we meant it.
    assert validate.validated(resource) == resource


@pytest.mark.parametrize("resource", RESOURCES, ids=_name)
def test_every_resource_round_trips_through_json(resource: dict[str, Any]) -> None:
    model = validate.model_of(resource)
    again = type(model).model_validate_json(model.model_dump_json())
    assert again.model_dump_json() == model.model_dump_json()
    assert json.loads(again.model_dump_json()) == resource


def test_the_library_refuses_an_element_r4_does_not_have() -> None:
    # The check above would be worth little if the library let anything through.
    broken = copy.deepcopy(referral.task(REFERRAL))
    broken["lead"] = "sw-1001"
    with pytest.raises(ValueError, match="lead"):
        validate.model_of(broken)


# The codes FHIR R4 allows where its binding is required (the library does not check these).
REQUIRED = {
    "CareTeam.status": {"proposed", "active", "suspended", "inactive", "entered-in-error"},
    "Consent.status": {"draft", "proposed", "active", "rejected", "inactive", "entered-in-error"},
    "Consent.provision.type": {"deny", "permit"},
    "Task.status": {"draft", "requested", "received", "accepted", "rejected", "ready", "cancelled",
                    "in-progress", "on-hold", "failed", "completed", "entered-in-error"},
    "Task.intent": {"unknown", "proposal", "plan", "order", "original-order", "reflex-order", "filler-order",
                    "instance-order", "option"},
    "ServiceRequest.status": {"draft", "active", "on-hold", "revoked", "completed", "entered-in-error",
                              "unknown"},
    "ServiceRequest.intent": {"proposal", "plan", "directive", "order", "original-order", "reflex-order",
                              "filler-order", "instance-order", "option"},
    "priority": {"routine", "urgent", "asap", "stat"},
    "AuditEvent.action": {"C", "R", "U", "D", "E"},
    "AuditEvent.outcome": {"0", "4", "8", "12"},
    "Bundle.type": {"document", "message", "transaction", "transaction-response", "batch", "batch-response",
                    "history", "searchset", "collection"},
    "Bundle.entry.request.method": {"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH"},
    "Bundle.entry.search.mode": {"match", "include", "outcome"},
    "OperationOutcome.issue.severity": {"fatal", "error", "warning", "information"},
    "OperationOutcome.issue.code": {
        "invalid", "structure", "required", "value", "invariant", "security", "login", "unknown", "expired",
        "forbidden", "suppressed", "processing", "not-supported", "duplicate", "multiple-matches",
        "not-found", "deleted", "too-long", "code-invalid", "extension", "too-costly", "business-rule",
        "conflict", "transient", "lock-error", "no-store", "exception", "timeout", "incomplete",
        "throttled", "informational"},
}


def _required_codes(resource: dict[str, Any]) -> list[tuple[str, str]]:
    kind = resource["resourceType"]
    found = [(f"{kind}.{name}", resource[name]) for name in ("status", "intent", "action", "outcome", "type")
             if f"{kind}.{name}" in REQUIRED and name in resource]
    if "priority" in resource:
        found.append(("priority", resource["priority"]))
    if kind == "Consent":
        found.append(("Consent.provision.type", resource["provision"]["type"]))
    if kind == "Bundle":
        for entry in resource["entry"]:
            if "request" in entry:
                found.append(("Bundle.entry.request.method", entry["request"]["method"]))
            if "search" in entry:
                found.append(("Bundle.entry.search.mode", entry["search"]["mode"]))
            found += _required_codes(entry["resource"])
    for issue in resource.get("issue", []):
        found += [("OperationOutcome.issue.severity", issue["severity"]),
                  ("OperationOutcome.issue.code", issue["code"])]
    return found


@pytest.mark.parametrize("resource", RESOURCES, ids=_name)
def test_codes_under_a_required_binding_are_fhirs_own(resource: dict[str, Any]) -> None:
    codes = _required_codes(resource)
    assert codes or resource["resourceType"] == "CapabilityStatement"
    for element, code in codes:
        assert code in REQUIRED[element], (element, code)


# -- CareTeam ------------------------------------------------------------------------------


def _codes(concepts: list[dict[str, Any]], system: str) -> list[str]:
    return [c["code"] for each in concepts for c in each["coding"] if c["system"] == system]


def test_the_key_worker_leads_the_care_team_and_former_key_workers_keep_their_period() -> None:
    team = careteam.care_team(TEAM)
    leads = [p for p in team["participant"] if "key_worker" in _codes(p.get("role", []), systems.TEAM_ROLE)]
    assert team["participant"][0] is leads[0]
    assert [(p["member"]["identifier"]["value"], p["period"]) for p in leads] == [
        ("sw-1001", {"start": "2026-03-01T07:00:00Z"}),
        ("sc-2002", {"start": "2026-01-10T06:00:00Z", "end": "2026-03-01T07:00:00Z"})]
    assert leads[0]["onBehalfOf"]["identifier"] == {"system": systems.ORGANISATION_ID, "value": COUNTY}


def test_members_carry_their_role_organisation_status_and_period() -> None:
    members = careteam.care_team(TEAM)["participant"][2:]
    by_status = {p["extension"][0]["valueCoding"]["code"]: p for p in members}
    assert set(by_status) == {"removed", "active", "pending_consent"}
    ngo = next(p for p in members if p["member"]["identifier"]["value"] == "ngo-77")
    assert _codes(ngo["role"], systems.PROFESSIONAL_ROLE) == ["ngo_worker"]
    assert ngo["onBehalfOf"]["identifier"]["value"] == NGO
    assert ngo["extension"][0]["valueCoding"]["code"] == "pending_consent"
    removed = next(p for p in members if p["member"]["identifier"]["value"] == "sc-2002")
    assert removed["period"] == {"start": "2026-01-10T06:00:00Z", "end": "2026-03-01T22:00:00Z"}
    sibling = next(p for p in members if p["member"]["type"] == "RelatedPerson")
    assert _codes(sibling["role"], systems.V3_ROLE_CODE) == ["SIB"]
    client = next(p for p in members if _codes(p["role"], systems.TEAM_ROLE) == ["client"])
    assert client["member"]["identifier"] == {"system": systems.CLIENT_ID, "value": CLIENT_ID}


@pytest.mark.parametrize(("status", "expected"), [("proposed", "proposed"), ("active", "active"),
                                                  ("suspended", "suspended"), ("closed", "inactive")])
def test_team_status_maps_to_care_team_status(status: str, expected: str) -> None:
    assert careteam.care_team(TEAM | {"status": status})["status"] == expected


def test_a_closed_team_has_ended_with_its_reason() -> None:
    closed = careteam.care_team(CLOSED_TEAM)
    assert closed["period"] == {"start": "2026-01-10T06:00:00Z", "end": "2026-06-01T09:00:00Z"}
    assert closed["note"] == [{"text": "the client moved away"}]


# -- Consent -------------------------------------------------------------------------------


def test_a_consent_permits_its_categories_and_purposes_to_its_recipient_for_its_period() -> None:
    first = consent.consents(CONSENTS)[0]
    provision = first["provision"]
    assert (first["status"], provision["type"]) == ("active", "permit")
    assert _codes(provision["code"], systems.CATEGORY) == ["basic", "team"]
    assert [p["code"] for p in provision["purpose"]] == ["team_coordination"]
    assert [a["reference"]["identifier"]["value"] for a in provision["actor"]] == [NGO]
    assert provision["period"] == {"start": "2026-02-28T22:00:00Z", "end": "2027-02-28T22:00:00Z"}
    assert _codes(first["category"], systems.CONSENT_KIND) == ["disclosure_permission"]
    assert first["performer"] == [first["patient"]]


def test_a_consent_to_named_professionals_names_them_and_a_representative_gave_it() -> None:
    second = consent.consents(CONSENTS)[1]
    actors = [(a["reference"]["type"], a["reference"]["identifier"]["value"])
              for a in second["provision"]["actor"]]
    assert actors == [("Organization", NGO), ("Practitioner", "ngo-77")]
    assert second["provision"]["period"] == {"start": "2026-02-28T22:00:00Z"}  # open-ended
    assert second["performer"] == [{"type": "RelatedPerson", "display": "legal representative (trustee)"}]


def test_a_withdrawn_consent_is_inactive() -> None:
    assert consent.consents(CONSENTS)[2]["status"] == "inactive"


def test_a_denial_is_a_deny_provision_to_everyone_or_to_its_organisation() -> None:
    to_all, to_police = consent.consents(CONSENTS)[3:]
    assert (to_all["status"], to_all["provision"]["type"]) == ("active", "deny")
    assert "actor" not in to_all["provision"]
    assert _codes(to_all["provision"]["code"], systems.CATEGORY) == ["health"]
    assert _codes(to_all["category"], systems.CONSENT_KIND) == ["disclosure_denial"]
    assert to_police["provision"]["actor"][0]["reference"]["identifier"]["value"] == POLICE
    assert to_police["status"] == "inactive"  # lifted
    assert to_police["provision"]["period"]["end"] == "2026-05-02T07:00:00Z"


# -- Task and ServiceRequest ---------------------------------------------------------------


def test_the_task_points_at_its_service_request_client_requester_and_owner() -> None:
    task, request = referral.task(REFERRAL), referral.service_request(REFERRAL)
    assert task["focus"]["reference"] == f"ServiceRequest/{request['id']}"
    assert task["for"] == request["subject"] == {
        "type": "Patient", "identifier": {"system": systems.CLIENT_ID, "value": CLIENT_ID}}
    assert task["requester"]["identifier"]["value"] == COUNTY
    assert task["owner"]["identifier"]["value"] == NGO
    assert request["performer"][0]["identifier"]["value"] == NGO
    assert _codes([request["code"]], systems.REFERRAL_SERVICE) == ["ngo_peer_support"]
    assert (task["status"], request["status"], task["priority"]) == ("completed", "completed", "urgent")


def test_a_completed_task_carries_its_outcome_and_when_it_was_worked_on() -> None:
    task = referral.task(REFERRAL)
    assert task["output"] == [{
        "type": {"coding": [{"system": systems.REFERRAL_OUTPUT, "code": "outcome"}]},
        "valueCodeableConcept": {"coding": [{"system": systems.REFERRAL_OUTCOME, "code": "goal_met"}],
                                 "text": "joined the peer group"}}]
    assert task["executionPeriod"] == {"start": "2026-03-07T07:00:00Z", "end": "2026-04-07T06:00:00Z"}
    assert task["lastModified"] == "2026-04-07T06:00:00Z"


def test_a_rejected_task_says_why_and_its_request_is_revoked() -> None:
    assert referral.task(REJECTED_REFERRAL)["statusReason"] == {"text": "no places left this spring"}
    assert referral.service_request(REJECTED_REFERRAL)["status"] == "revoked"


def test_an_overdue_referral_says_so_in_business_status() -> None:
    task = referral.task(OVERDUE_REFERRAL)
    assert task["status"] == "requested"
    assert _codes([task["businessStatus"]], systems.REFERRAL_BUSINESS_STATUS) == ["overdue"]
    assert "businessStatus" not in referral.task(REFERRAL)


def test_the_requesters_reason_reaches_only_the_side_that_sees_it() -> None:
    assert referral.service_request(REFERRAL)["reasonCode"] == [{"text": "needs company and daily rhythm"}]
    assert "reasonCode" not in referral.service_request(OVERDUE_REFERRAL)  # the target's view


# -- AuditEvent and the disclosure notifications -------------------------------------------


def test_a_disclosure_says_who_what_when_why_and_on_what_basis() -> None:
    event = audit.audit_events(REPORT)[1]
    assert event["type"] == {"system": systems.DICOM, "code": "110106", "display": "Export"}
    assert event["recorded"] == "2026-03-06T08:00:00Z"
    assert [(a["who"]["type"], a["who"]["identifier"]["value"], a["requestor"]) for a in event["agent"]] == [
        ("Practitioner", "ngo-77", True), ("Organization", NGO, False)]
    what = [e.get("what", {}).get("identifier", {}).get("value") for e in event["entity"]]
    assert what == [CLIENT_ID, None, "consent-1"]
    assert event["entity"][1]["type"] == {"system": systems.CATEGORY, "code": "basic"}
    assert _codes(event["purposeOfEvent"], systems.PURPOSE) == ["team_coordination"]
    assert (event["outcome"], event["subtype"][1]["code"]) == ("0", "permitted")


def test_a_denied_decision_is_a_failed_event_resting_on_the_denial() -> None:
    event = audit.audit_events(REPORT)[3]
    assert (event["action"], event["outcome"], event["outcomeDesc"]) == ("E", "4", "denied_by_client")
    assert event["entity"][-1]["what"]["identifier"] == {"system": systems.DENIAL_ID, "value": "denial-1"}


def test_a_request_that_names_no_one_is_still_an_event_with_an_agent() -> None:
    event = audit.audit_events(REPORT)[5]
    assert event["agent"] == [{"name": "unknown requester", "requestor": True}]
    assert "purposeOfEvent" not in event


def test_notifications_cover_disclosures_to_other_controllers_in_the_range_one_bundle_per_event() -> None:
    bundles = notifications()
    # e-2 and e-3 are one disclosure of two categories; e-1 stayed at home, e-4 was refused,
    # e-5 is after the range.
    assert len(bundles) == 1
    bundle = bundles[0]
    assert bundle["type"] == "transaction"
    event, provenance = (entry["resource"] for entry in bundle["entry"])
    assert [entry["request"]["url"] for entry in bundle["entry"]] == ["AuditEvent", "Provenance"]
    categories = [e["type"]["code"] for e in event["entity"] if e["type"]["system"] == systems.CATEGORY]
    assert categories == ["basic", "team"]
    assert provenance["target"][0]["reference"] == bundle["entry"][0]["fullUrl"]
    assert provenance["agent"][0]["who"]["identifier"]["value"] == COUNTY
    assert provenance["recorded"] == bundle["timestamp"] == "2026-03-31T22:00:00Z"


def test_notifications_are_the_same_when_made_again() -> None:
    assert notifications() == notifications()


def test_a_disclosure_on_a_statutory_basis_names_its_basis_but_not_the_justification() -> None:
    statutory = _entry("e-9", "disclosure", "2026-03-09T10:00:00+02:00", POLICE, "health",
                       reason="statutory_basis", consent_id=None, purpose=None, professional="sw-1001",
                       legal_basis="threat_to_life_or_health", recipient_kind="police",
                       justification="a threat to the life of a named person")
    report = REPORT | {"entries": [statutory]}
    (event,) = audit.audit_events(report)
    assert validate.validated(event) == event
    assert event["subtype"][1:] == [{"system": systems.DISCLOSURE_REASON, "code": "statutory_basis"},
                                    {"system": systems.LEGAL_BASIS, "code": "threat_to_life_or_health"}]
    (bundle,) = audit.disclosure_notifications(report, controller=COUNTY, start="2026-03-01T00:00:00+02:00",
                                               end="2026-04-01T00:00:00+03:00",
                                               notified_at="2026-04-01T01:00:00+03:00")
    assert validate.validated(bundle) == bundle
    notified = bundle["entry"][0]["resource"]
    assert {"system": systems.LEGAL_BASIS, "code": "threat_to_life_or_health"} in notified["subtype"]
    assert "a threat" not in json.dumps([event, bundle])


def test_the_controllers_own_disclosures_need_no_notification() -> None:
    assert audit.disclosure_notifications(REPORT, controller=NGO, start="2026-03-01T00:00:00+02:00",
                                          end="2026-04-01T00:00:00+03:00",
                                          notified_at="2026-04-01T01:00:00+03:00") == []


# -- CapabilityStatement -------------------------------------------------------------------


def test_the_capability_statement_offers_what_the_gateway_serves_and_task_update_only() -> None:
    statement = next(r for r in RESOURCES if r["resourceType"] == "CapabilityStatement")
    assert statement["fhirVersion"] == "4.0.1"
    rest = statement["rest"][0]["resource"]
    offered = {r["type"]: {i["code"] for i in r["interaction"]} for r in rest}
    assert offered == {"CareTeam": {"search-type"}, "Consent": {"search-type"}, "AuditEvent": {"search-type"},
                       "Task": {"read", "search-type", "update"}, "ServiceRequest": {"read"}}
    searched = {r["type"]: [p["name"] for p in r.get("searchParam", [])] for r in rest}
    assert searched == {"CareTeam": ["subject", "patient"], "Consent": ["patient"], "AuditEvent": ["patient"],
                        "Task": ["owner"], "ServiceRequest": []}
    assert [o["name"] for o in statement["rest"][0]["operation"]] == ["disclosure-notifications"]


# -- the personal identity code ------------------------------------------------------------


def test_no_resource_carries_an_identity_code_by_default() -> None:
    for resource in RESOURCES:
        assert not IDENTITY_CODE_PATTERN.search(json.dumps(resource)), _name(resource)
        assert systems.PERSONAL_IDENTITY_CODE not in json.dumps(resource), _name(resource)


def test_a_code_given_without_the_right_to_see_it_is_left_out() -> None:
    for resource in every_resource(personal_identity_code=CODE, may_see_code=False):
        assert CODE not in json.dumps(resource), _name(resource)
        assert not IDENTITY_CODE_PATTERN.search(json.dumps(resource)), _name(resource)


def test_with_the_right_the_code_is_only_a_national_identifier_of_the_contained_client() -> None:
    shown = every_resource(personal_identity_code=CODE, may_see_code=True)
    assert len(shown) == len(every_resource())
    for resource in shown:
        inner = resource["entry"][0]["resource"] if resource["resourceType"] == "Bundle" else resource
        text = json.dumps(resource)
        assert text.count(CODE) == 1 and len(IDENTITY_CODE_PATTERN.findall(text)) == 1, _name(resource)
        (patient,) = inner["contained"]
        national = [i for i in patient["identifier"] if i["value"] == CODE]
        assert national == [{"use": "official", "system": "urn:oid:1.2.246.21",
                             "type": {"coding": [{"system": systems.IDENTIFIER_TYPE, "code": "NNFIN"}]},
                             "value": CODE}]
        assert f'"reference": "#{patient["id"]}"' in text
        assert validate.validated(resource) == resource


# -- what a FHIR endpoint answers around the resources ------------------------------------


def test_a_search_answers_each_match_under_its_full_url() -> None:
    assert SEARCH["type"] == "searchset" and SEARCH["total"] == 5
    assert [entry["fullUrl"] for entry in SEARCH["entry"]][:2] == [
        "https://tiimi.example/fhir/Consent/consent-1", "https://tiimi.example/fhir/Consent/consent-2"]
    assert [entry["resource"] for entry in SEARCH["entry"]] == consent.consents(CONSENTS)


@pytest.mark.parametrize(("status", "code"), [(400, "invalid"), (401, "login"), (403, "forbidden"),
                                              (404, "not-found"), (409, "conflict"), (503, "transient"),
                                              (500, "exception")])
def test_an_error_is_an_operation_outcome_of_its_kind(status: int, code: str) -> None:
    outcome = bundles.operation_outcome(status, "what happened")
    assert outcome["issue"] == [{"severity": "error", "code": code, "diagnostics": "what happened"}]


def test_each_refused_field_is_an_issue_that_names_it() -> None:
    assert REFUSED["issue"][1:] == [{"severity": "error", "code": "invalid", "expression": ["Task.status"],
                                     "diagnostics": "only the requesting organisation cancels a referral"}]
