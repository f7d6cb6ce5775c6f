"""The referral status <-> FHIR Task.status mapping, both ways, as docs/fhir.md's table states it."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from gateway.fhir import referral, systems
from tiimi_shared.errors import ValidationError
from tiimi_shared.vocabulary import ReferralStatus

TASK_STATUSES = {"draft", "requested", "received", "accepted", "rejected", "ready", "cancelled",
                 "in-progress", "on-hold", "failed", "completed", "entered-in-error"}

# The table in docs/fhir.md: tiimi status, Task.status, ServiceRequest.status, may a partner set it.
TABLE = [
    ("draft", "draft", "draft", False),
    ("requested", "requested", "active", False),
    ("accepted", "accepted", "active", True),
    ("rejected", "rejected", "revoked", True),
    ("cancelled", "cancelled", "revoked", False),
    ("in_progress", "in-progress", "active", True),
    ("on_hold", "on-hold", "on-hold", True),
    ("completed", "completed", "completed", True),
    ("failed", "failed", "revoked", True),
    ("entered_in_error", "entered-in-error", "entered-in-error", True),
]

REFERRAL: dict[str, Any] = {
    "id": "referral-1", "client_id": "c-1", "requesting_organisation": "1234567-8", "requested_by": "sw-1001",
    "target_organisation": "0123456-7", "service": "housing_guidance", "priority": "routine",
    "outcome": None, "created_at": "2026-03-05T09:00:00+02:00", "history": [],
}


def test_the_table_covers_every_referral_status_once() -> None:
    assert [row[0] for row in TABLE] == [status.value for status in ReferralStatus]


def test_docs_fhir_md_shows_the_same_table() -> None:
    doc = (Path(__file__).resolve().parents[3] / "docs" / "fhir.md").read_text(encoding="utf-8")
    rows = [[cell.strip() for cell in line.strip("|").split("|")] for line in doc.splitlines()
            if line.startswith("| ") and line.count("|") == 5]
    shown = [(ours, task, request, partner.startswith("yes")) for ours, task, request, partner in rows
             if ours in {row[0] for row in TABLE}]
    assert shown == TABLE


@pytest.mark.parametrize(("ours", "task_status", "request_status", "partner_may_set"), TABLE)
def test_each_referral_status_has_its_task_and_request_status(
        ours: str, task_status: str, request_status: str, partner_may_set: bool) -> None:
    answer = REFERRAL | {"status": ours}
    assert referral.task(answer)["status"] == task_status
    assert referral.service_request(answer)["status"] == request_status
    assert task_status in TASK_STATUSES
    assert (ReferralStatus(ours) in referral.PARTNER_SETTABLE) is partner_may_set


@pytest.mark.parametrize(("ours", "task_status"), [(row[0], row[1]) for row in TABLE if row[3]])
def test_a_partners_task_status_reads_back_as_the_referral_status(ours: str, task_status: str) -> None:
    task = referral.task(REFERRAL | {"status": ours})
    assert referral.change_from_task("referral-1", task) == {"status": ReferralStatus(ours)}


@pytest.mark.parametrize("task_status", ["draft", "requested", "cancelled", "received", "ready"])
def test_a_status_only_the_requester_sets_or_tiimi_does_not_use_is_refused(task_status: str) -> None:
    with pytest.raises(ValidationError) as refused:
        referral.change_from_task("referral-1", {"resourceType": "Task", "status": task_status})
    assert list(refused.value.errors) == ["Task.status"]


@pytest.mark.parametrize("task_status", ["in_progress", "done", None, 3, ["accepted"]])
def test_a_status_that_is_no_task_status_is_refused_with_the_allowed_ones(task_status: Any) -> None:
    with pytest.raises(ValidationError, match="accepted, rejected, in-progress") as refused:
        referral.change_from_task("referral-1", {"resourceType": "Task", "status": task_status})
    assert list(refused.value.errors) == ["Task.status"]


def test_every_task_status_is_either_mapped_or_refused_with_a_reason() -> None:
    mapped = {referral.TASK_STATUS[status] for status in referral.PARTNER_SETTABLE}
    assert mapped | set(referral.REFUSED_TASK_STATUS) == TASK_STATUSES
    assert not mapped & set(referral.REFUSED_TASK_STATUS)


def test_another_tasks_body_or_another_resource_is_refused() -> None:
    with pytest.raises(ValidationError) as other_task:
        referral.change_from_task("referral-1",
                                  {"resourceType": "Task", "id": "referral-2", "status": "accepted"})
    assert list(other_task.value.errors) == ["Task.id"]
    with pytest.raises(ValidationError) as not_a_task:
        referral.change_from_task("referral-1", {"resourceType": "ServiceRequest", "status": "accepted"})
    assert list(not_a_task.value.errors) == ["resourceType"]


def test_a_rejection_brings_its_reason_and_a_completion_its_outcome() -> None:
    rejected = {"resourceType": "Task", "id": "referral-1", "status": "rejected",
                "statusReason": {"text": "no places left"}}
    assert referral.change_from_task("referral-1", rejected) == {
        "status": ReferralStatus.REJECTED, "reason": "no places left"}
    completed = {"resourceType": "Task", "status": "completed", "output": [
        {"type": {"text": "something else"}, "valueString": "ignored"},
        {"type": {"coding": [{"system": systems.REFERRAL_OUTPUT, "code": "outcome"}]},
         "valueCodeableConcept": {
             "coding": [{"system": systems.REFERRAL_OUTCOME, "code": "service_provided"}],
             "text": "three visits"}}]}
    assert referral.change_from_task("referral-1", completed) == {
        "status": ReferralStatus.COMPLETED,
        "outcome": {"code": "service_provided", "summary": "three visits"}}


def test_a_completed_task_we_made_reads_back_with_its_outcome() -> None:
    answer = REFERRAL | {"status": "completed", "outcome": {"code": "goal_met", "summary": None}}
    assert referral.change_from_task("referral-1", referral.task(answer)) == {
        "status": ReferralStatus.COMPLETED, "outcome": {"code": "goal_met"}}
