"""The rules of a referral, as pure functions: no I/O, no nameko.

A referral is a closed loop between a requesting organisation and a target
organisation, on the FHIR Task state machine::

    draft -> requested -> accepted | rejected | cancelled
    accepted -> in_progress | on_hold | completed | failed | cancelled
    in_progress <-> on_hold;  in_progress, on_hold -> completed | failed | cancelled
    any -> entered_in_error

The requester sets requested and cancelled; the target sets accepted,
rejected, in_progress, on_hold, completed and failed; either side may mark a
referral entered in error. A reason is required for rejected, cancelled,
on_hold, failed and entered_in_error; an outcome for completed.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from tiimi_shared.errors import Conflict, Forbidden, ValidationError

SERVICES = (
    "service_need_assessment", "employment_services", "substance_and_mental_health_services",
    "ngo_peer_support", "housing_guidance", "debt_counselling", "social_rehabilitation",
)
PRIORITIES = ("routine", "urgent", "asap", "stat")  # FHIR request priority
OUTCOMES = ("service_provided", "goal_met", "goal_partly_met", "goal_not_met",
            "client_declined", "client_unreachable")

REQUESTER, TARGET = "requester", "target"
STATUSES = ("draft", "requested", "accepted", "rejected", "cancelled", "in_progress", "on_hold",
            "completed", "failed", "entered_in_error")
TRANSITIONS: dict[str, dict[str, tuple[str, ...]]] = {
    "draft": {"requested": (REQUESTER,)},
    "requested": {"accepted": (TARGET,), "rejected": (TARGET,), "cancelled": (REQUESTER,)},
    "accepted": {"in_progress": (TARGET,), "on_hold": (TARGET,), "completed": (TARGET,),
                 "failed": (TARGET,), "cancelled": (REQUESTER,)},
    "in_progress": {"on_hold": (TARGET,), "completed": (TARGET,), "failed": (TARGET,),
                    "cancelled": (REQUESTER,)},
    "on_hold": {"in_progress": (TARGET,), "completed": (TARGET,), "failed": (TARGET,),
                "cancelled": (REQUESTER,)},
    "rejected": {}, "cancelled": {}, "completed": {}, "failed": {}, "entered_in_error": {},
}
for _status, _next in TRANSITIONS.items():
    if _status != "entered_in_error":
        _next["entered_in_error"] = (REQUESTER, TARGET)

REASON_REQUIRED = ("rejected", "cancelled", "on_hold", "failed", "entered_in_error")
# Open: the target may hold shared data and acts on it.
OPEN = ("requested", "accepted", "in_progress", "on_hold")

SHARE_PURPOSE = "referral"
# The requester may warn once the acceptance deadline has passed, and the
# key worker is told once the escalation deadline has passed too.
DEFAULT_ESCALATION_GRACE = timedelta(days=2)


def sides_of(organisation: str, requesting_organisation: str, target_organisation: str) -> set[str]:
    """Which sides an organisation is on; empty if it has no part in the referral."""
    sides = set()
    if organisation == requesting_organisation:
        sides.add(REQUESTER)
    if organisation == target_organisation:
        sides.add(TARGET)
    return sides


def allowed_next(status: str, sides: Iterable[str]) -> list[str]:
    """The statuses the given sides may move a referral to, in the machine's order."""
    sides = set(sides)
    return [nxt for nxt, who in TRANSITIONS[status].items() if sides & set(who)]


def check_transition(status: str, wanted: str, sides: set[str], reason: str | None,
                     outcome: dict | None) -> None:
    """Refuse a transition not in the machine, not this side's, or missing its reason or outcome."""
    if not sides:
        raise Forbidden("this organisation is neither the requester nor the target of the referral")
    if wanted not in TRANSITIONS[status]:
        raise Conflict(f"a {status} referral cannot become {wanted}", current_state=status,
                       allowed=allowed_next(status, sides))
    if not sides & set(TRANSITIONS[status][wanted]):
        side = " and ".join(sorted(sides))
        raise Conflict(f"the {side} may not make a {status} referral {wanted}", current_state=status,
                       allowed=allowed_next(status, sides))
    if wanted in REASON_REQUIRED and not (reason or "").strip():
        raise ValidationError({"reason": [f"a reason is required to make a referral {wanted}"]})
    if wanted == "completed" and not outcome:
        raise ValidationError({"outcome": ["an outcome is required to complete a referral"]})
    if wanted != "completed" and outcome:
        raise ValidationError({"outcome": ["an outcome belongs only to a completed referral"]})


def check_deadlines(now: datetime, accept_by: datetime, escalate_by: datetime | None) -> datetime:
    """The escalation deadline to keep; refuses deadlines in the past or out of order."""
    if accept_by <= now:
        raise ValidationError({"accept_by": ["the acceptance deadline must be in the future"]})
    escalate_by = escalate_by or accept_by + DEFAULT_ESCALATION_GRACE
    if escalate_by <= accept_by:
        raise ValidationError({"escalate_by": ["the escalation deadline must come after accept_by"]})
    return escalate_by


@dataclass(frozen=True)
class Sharing:
    """What sending shares: the permitted categories and their consents, and what is withheld, why."""

    shared: dict[str, str]     # category -> the consent it rests on
    withheld: dict[str, str]   # category -> reason code


def share_requests(categories: Iterable[str], target_organisation: str) -> list[dict]:
    return [{"organisation": target_organisation, "professional": None, "category": category,
             "purpose": SHARE_PURPOSE} for category in categories]


def sharing(categories: list[str], decisions: list[dict]) -> Sharing:
    """Split the wanted categories by the consent service's decisions (same order)."""
    shared, withheld = {}, {}
    for category, decision in zip(categories, decisions, strict=True):
        if decision["decision"] == "permit":
            shared[category] = decision["consent_id"]
        else:
            withheld[category] = decision["reason"]
    return Sharing(shared, withheld)


def is_overdue(status: str, now: datetime, accept_by: datetime, reminded: bool) -> bool:
    return status == "requested" and not reminded and now >= accept_by


def is_due_for_escalation(status: str, now: datetime, escalate_by: datetime, escalated: bool) -> bool:
    return status == "requested" and not escalated and now >= escalate_by
