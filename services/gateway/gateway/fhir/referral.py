"""A referral (the gateway's ``ReferralOut``) as a FHIR R4 ``Task`` and the ``ServiceRequest`` it fulfils,
shaped as the Gravity SDOH Clinical Care guide shapes a closed-loop referral, and a partner's
``Task`` update read back as a tiimi status change.

The ServiceRequest is what is asked (the service, for whom, by whom, of whom, why); the Task
tracks its handling: ``focus`` is the ServiceRequest, ``for`` the client, ``requester`` the
requesting organisation, ``owner`` the target organisation. tiimi's referral statuses are the
Task statuses the guide uses, so the mapping is one to one; what tiimi adds on its own (a
reminder when not accepted in time, an escalation to the key worker, the partner told to stop
after a consent was lost) is the Task's ``businessStatus``.

Partners answer over FHIR by updating the Task's status. They may move it only where the
target side moves a referral in tiimi (accept, reject, start, hold, complete, fail) or mark it
entered in error, as either side may; the rest is refused here, before anything is asked of the
referral service, which then applies its own state machine and side rules as for every door.
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
    instant,
    organisation,
    period,
    professional,
)
from tiimi_shared.errors import ValidationError
from tiimi_shared.vocabulary import ReferralStatus, ReferralStepKind

S = ReferralStatus

# tiimi's referral status -> Task.status (task-status, a required binding).
TASK_STATUS: dict[ReferralStatus, str] = {
    S.DRAFT: "draft",
    S.REQUESTED: "requested",
    S.ACCEPTED: "accepted",
    S.REJECTED: "rejected",
    S.CANCELLED: "cancelled",
    S.IN_PROGRESS: "in-progress",
    S.ON_HOLD: "on-hold",
    S.COMPLETED: "completed",
    S.FAILED: "failed",
    S.ENTERED_IN_ERROR: "entered-in-error",
}
REFERRAL_STATUS: dict[str, ReferralStatus] = {task: ours for ours, task in TASK_STATUS.items()}

# tiimi's referral status -> ServiceRequest.status (request-status, a required binding): the request
# stays active while its Task is open and is revoked when the Task ends without the service.
REQUEST_STATUS: dict[ReferralStatus, str] = {
    S.DRAFT: "draft",
    S.REQUESTED: "active",
    S.ACCEPTED: "active",
    S.IN_PROGRESS: "active",
    S.ON_HOLD: "on-hold",
    S.COMPLETED: "completed",
    S.REJECTED: "revoked",
    S.CANCELLED: "revoked",
    S.FAILED: "revoked",
    S.ENTERED_IN_ERROR: "entered-in-error",
}

# What a partner (the target organisation) may set through FHIR, and why the others are refused.
PARTNER_SETTABLE: tuple[ReferralStatus, ...] = (
    S.ACCEPTED, S.REJECTED, S.IN_PROGRESS, S.ON_HOLD, S.COMPLETED, S.FAILED, S.ENTERED_IN_ERROR)
REFUSED_TASK_STATUS: dict[str, str] = {
    "draft": "only the requesting organisation drafts a referral",
    "requested": "only the requesting organisation sends a referral",
    "cancelled": "only the requesting organisation cancels a referral",
    "received": "tiimi does not use 'received': answer with accepted or rejected",
    "ready": "tiimi does not use 'ready': a referral is accepted before it starts",
}

# The steps tiimi takes on its own, as the Task's businessStatus while they are the latest news.
BUSINESS_STATUS: dict[str, str] = {
    ReferralStepKind.OVERDUE: "Not accepted in the agreed time: the requester was reminded",
    ReferralStepKind.ESCALATED: "Not accepted in time: the client's key worker was told",
    ReferralStepKind.STOP_REQUESTED: "Consent was lost: the partner was told to stop processing shared data",
}

OUTCOME = "outcome"
CLOSED = (S.REJECTED, S.CANCELLED, S.COMPLETED, S.FAILED, S.ENTERED_IN_ERROR)


def task(referral: dict[str, Any], *, personal_identity_code: str | None = None,
         may_see_code: bool = False) -> Resource:
    """The referral's Task, as the side that asked may see it."""
    client = Client.with_code(referral["client_id"], personal_identity_code, may_see_code=may_see_code)
    status = ReferralStatus(referral["status"])
    history = sorted(referral["history"], key=lambda step: step["at"])
    resource: Resource = {
        "resourceType": "Task",
        "id": referral["id"],
        "identifier": [identifier(systems.REFERRAL_ID, referral["id"])],
        "status": TASK_STATUS[status],
        "intent": "order",
        "priority": referral["priority"],
        "code": concept(systems.TASK_CODE, "fulfill"),
        "focus": {"reference": f"ServiceRequest/{referral['id']}", "type": "ServiceRequest"},
        "for": client.reference(),
        "authoredOn": instant(referral["created_at"]),
        "lastModified": instant(history[-1]["at"] if history else referral["created_at"]),
        "requester": organisation(referral["requesting_organisation"]),
        "owner": organisation(referral["target_organisation"]),
    }
    status_steps = [step for step in history if step["kind"] == ReferralStepKind.STATUS]
    latest = history[-1] if history else None
    if latest is not None and latest["kind"] in BUSINESS_STATUS:
        resource["businessStatus"] = concept(systems.REFERRAL_BUSINESS_STATUS, latest["kind"],
                                             BUSINESS_STATUS[latest["kind"]])
    if status_steps and status_steps[-1]["to_status"] == status and status_steps[-1].get("reason"):
        resource["statusReason"] = {"text": status_steps[-1]["reason"]}
    execution = _execution_period(status_steps)
    if execution:
        resource["executionPeriod"] = execution
    if status == S.COMPLETED and referral.get("outcome"):
        resource["output"] = [_output(referral["outcome"])]
    return client.about(resource)


def _execution_period(status_steps: list[dict[str, Any]]) -> dict[str, str]:
    started = next((step["at"] for step in status_steps if step["to_status"] == S.IN_PROGRESS), None)
    ended = next((step["at"] for step in reversed(status_steps) if step["to_status"] in CLOSED), None)
    return period(started, ended if started else None)


def _output(outcome: dict[str, Any]) -> Resource:
    value: dict[str, Any] = {"coding": [coding(systems.REFERRAL_OUTCOME, outcome["code"])]}
    if outcome.get("summary"):
        value["text"] = outcome["summary"]
    return {"type": concept(systems.REFERRAL_OUTPUT, OUTCOME), "valueCodeableConcept": value}


def service_request(referral: dict[str, Any], *, personal_identity_code: str | None = None,
                    may_see_code: bool = False) -> Resource:
    """What the referral asks for. Its reason only for the requesting side, which alone sees it."""
    client = Client.with_code(referral["client_id"], personal_identity_code, may_see_code=may_see_code)
    resource: Resource = {
        "resourceType": "ServiceRequest",
        "id": referral["id"],
        "identifier": [identifier(systems.REFERRAL_ID, referral["id"])],
        "status": REQUEST_STATUS[ReferralStatus(referral["status"])],
        "intent": "order",
        "priority": referral["priority"],
        "code": concept(systems.REFERRAL_SERVICE, referral["service"]),
        "subject": client.reference(),
        "authoredOn": instant(referral["created_at"]),
        "requester": professional(referral["requested_by"]),
        "performer": [organisation(referral["target_organisation"])],
    }
    if referral.get("reason"):
        resource["reasonCode"] = [{"text": referral["reason"]}]
    return client.about(resource)


def change_from_task(referral_id: str, task_update: dict[str, Any]) -> dict[str, Any]:
    """A partner's Task update as the keywords of a referral status change.

    Answers ``status`` (tiimi's), and ``reason`` (from ``statusReason.text``) and ``outcome``
    (from an ``output`` coded in tiimi's referral-outcome system) where the update carries them.
    Refuses, naming the field, a body that is not this referral's Task or a status a partner
    may not set. The body is one ``validate.model_of`` accepted, so its elements have FHIR's
    shapes; whether the move is allowed from the referral's current status is the referral
    service's to say.
    """
    if task_update.get("resourceType") != "Task":
        raise ValidationError({"resourceType": ["must be Task"]})
    if task_update.get("id") not in (None, referral_id):
        raise ValidationError({"Task.id": [f"must be {referral_id}, the Task being updated"]})
    wanted = task_update.get("status")
    if not isinstance(wanted, str):
        wanted = None
    if wanted in REFUSED_TASK_STATUS:
        raise ValidationError({"Task.status": [REFUSED_TASK_STATUS[wanted]]})
    if wanted is None or wanted not in REFERRAL_STATUS or REFERRAL_STATUS[wanted] not in PARTNER_SETTABLE:
        allowed = ", ".join(TASK_STATUS[status] for status in PARTNER_SETTABLE)
        raise ValidationError({"Task.status": [f"must be one of {allowed}"]})
    change: dict[str, Any] = {"status": REFERRAL_STATUS[wanted]}
    status_reason = task_update.get("statusReason")
    reason = status_reason.get("text") if isinstance(status_reason, dict) else None
    if reason:
        change["reason"] = reason
    outputs = task_update.get("output")
    outcome = _outcome_from(outputs if isinstance(outputs, list) else [])
    if outcome is not None:
        change["outcome"] = outcome
    return change


def _outcome_from(outputs: list[dict[str, Any]]) -> dict[str, Any] | None:
    for output in outputs:
        value = output.get("valueCodeableConcept") if isinstance(output, dict) else None
        if not isinstance(value, dict):
            continue
        for found in value.get("coding") or []:
            if found.get("system") == systems.REFERRAL_OUTCOME and found.get("code"):
                outcome = {"code": found["code"]}
                if value.get("text"):
                    outcome["summary"] = value["text"]
                return outcome
    return None
