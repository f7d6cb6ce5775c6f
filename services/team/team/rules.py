"""The rules of a client's team, as pure functions: no I/O, no nameko.

- One team per client, with exactly one active key worker at any moment: a
  social welfare professional (social worker or social counsellor) of the
  team's own organisation. Changing the key worker is a handover with a reason.
- A professional from another organisation becomes active only when consent
  permits ``basic`` and ``team`` for ``team_coordination`` to that
  organisation; until then they are pending. Withdrawal or expiry suspends them.
- Team status: proposed -> active <-> suspended; any open status -> closed.
"""
from __future__ import annotations

from dataclasses import dataclass

from tiimi_shared.errors import Conflict, ValidationError

ROLES = (
    "social_worker", "social_counsellor", "nurse", "public_health_nurse", "physician",
    "psychologist", "physiotherapist", "occupational_therapist", "employment_coordinator",
    "ngo_worker", "peer_supporter", "deacon", "police_liaison", "housing_advisor",
    "substance_abuse_worker", "financial_counsellor", "teacher",
)
KEY_WORKER_ROLES = ("social_worker", "social_counsellor")

GATE_CATEGORIES = ("basic", "team")
GATE_PURPOSE = "team_coordination"

TEAM_TRANSITIONS = {
    "proposed": ("active", "closed"),
    "active": ("suspended", "closed"),
    "suspended": ("active", "closed"),
    "closed": (),
}
OPEN_MEMBER_STATUSES = ("pending_consent", "active", "suspended")


def check_key_worker(role: str, organisation: str, team_organisation: str) -> None:
    if role not in KEY_WORKER_ROLES:
        raise ValidationError({"key_worker.role": [
            f"a key worker is a social welfare professional: one of {', '.join(KEY_WORKER_ROLES)}"]})
    if organisation != team_organisation:
        raise ValidationError({"key_worker.organisation": [
            "a key worker comes from the team's own organisation"]})


def check_team_open(status: str) -> None:
    if status == "closed":
        raise Conflict("the team is closed", current_state="closed", allowed=[])


def check_status_change(current: str, wanted: str) -> None:
    if wanted not in TEAM_TRANSITIONS[current]:
        raise Conflict(f"a {current} team cannot become {wanted}", current_state=current,
                       allowed=list(TEAM_TRANSITIONS[current]))


def needs_consent(member_organisation: str | None, team_organisation: str) -> bool:
    """Professionals of other organisations need consent; close ones and the client do not."""
    return member_organisation is not None and member_organisation != team_organisation


def gate_requests(organisation: str, professional_id: str | None) -> list[dict]:
    return [{"organisation": organisation, "professional": professional_id,
             "category": category, "purpose": GATE_PURPOSE} for category in GATE_CATEGORIES]


def status_on_joining(member_organisation: str | None, team_organisation: str,
                      permitted: bool | None) -> str:
    """A new member's status; ``permitted`` is None when consent could not be asked."""
    if not needs_consent(member_organisation, team_organisation):
        return "active"
    return "active" if permitted else "pending_consent"


@dataclass(frozen=True)
class MemberKey:
    """What makes two members the same person in one team."""

    kind: str
    professional_id: str | None
    name: str | None
    relation: str | None

    @classmethod
    def of(cls, kind: str, professional_id: str | None, name: str | None,
           relation: str | None) -> MemberKey:
        if kind == "professional":
            return cls(kind, professional_id, None, None)
        if kind == "client":
            return cls(kind, None, None, None)
        return cls(kind, None, (name or "").strip().casefold(), relation)


def check_not_member_already(new: MemberKey, current: list[MemberKey]) -> None:
    if new in current:
        raise Conflict("this person is already a member of the team", current_state="member")
