"""The rules of a client's team, as pure functions: no I/O, no nameko, no SQLAlchemy.

- One client is registered once (one personal identity code, one record).
- One team per client, with exactly one active key worker at any moment: a
  social welfare professional (social worker or social counsellor) of the
  team's own organisation. Changing the key worker is a handover with a reason;
  the key worker leaves the team only through one.
- A professional from another organisation becomes active only when consent
  permits ``basic`` and ``team`` for ``team_coordination`` to that
  organisation; until then they are pending. Withdrawal, expiry or a denial
  suspends them; a new consent or a lifted denial activates them again.
- Team status: proposed -> active <-> suspended; any open status -> closed.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tiimi_shared import contracts
from tiimi_shared.errors import Conflict, ValidationError
from tiimi_shared.events import EventType
from tiimi_shared.vocabulary import (
    KEY_WORKER_ROLES,
    Category,
    ConsentLost,
    MemberKind,
    MemberStatus,
    Purpose,
    TeamStatus,
)

__all__ = [
    "KEY_WORKER_ROLES", "OPEN_MEMBER_STATUSES", "TEAM_TRANSITIONS", "ConsentChange", "MemberChange",
    "MemberKey", "after_consent_change", "asked_again_by_recheck", "change_team_status",
    "check_handover", "check_key_worker", "check_no_team_yet", "check_not_member_already",
    "check_not_registered", "check_status_change", "check_team_open", "closes_the_team",
    "duplicate_registration", "gate_requests", "needs_consent", "remove_member", "status_on_joining",
]

GATE_CATEGORIES = (Category.BASIC, Category.TEAM)
GATE_PURPOSE = Purpose.TEAM_COORDINATION

TEAM_TRANSITIONS: dict[TeamStatus, tuple[TeamStatus, ...]] = {
    TeamStatus.PROPOSED: (TeamStatus.ACTIVE, TeamStatus.CLOSED),
    TeamStatus.ACTIVE: (TeamStatus.SUSPENDED, TeamStatus.CLOSED),
    TeamStatus.SUSPENDED: (TeamStatus.ACTIVE, TeamStatus.CLOSED),
    TeamStatus.CLOSED: (),
}
OPEN_MEMBER_STATUSES = (MemberStatus.PENDING_CONSENT, MemberStatus.ACTIVE, MemberStatus.SUSPENDED)


# -- the client register ------------------------------------------------------------

def duplicate_registration() -> Conflict:
    """The refusal of a second registration; it never repeats the code."""
    return Conflict("a client with this personal identity code is already registered",
                    current_state="registered")


def check_not_registered(registered_already: bool) -> None:
    if registered_already:
        raise duplicate_registration()


# -- the team and its key worker ------------------------------------------------------

def check_key_worker(role: str, organisation: str, team_organisation: str) -> None:
    if role not in KEY_WORKER_ROLES:
        raise ValidationError({"key_worker.role": [
            f"a key worker is a social welfare professional: one of {', '.join(KEY_WORKER_ROLES)}"]})
    if organisation != team_organisation:
        raise ValidationError({"key_worker.organisation": [
            "a key worker comes from the team's own organisation"]})


def check_no_team_yet(has_team: bool) -> None:
    if has_team:
        raise Conflict("the client already has a team", current_state="exists")


def check_team_open(status: str) -> None:
    if status == TeamStatus.CLOSED:
        raise Conflict("the team is closed", current_state=TeamStatus.CLOSED, allowed=[])


def check_status_change(current: str, wanted: str) -> None:
    allowed = TEAM_TRANSITIONS[TeamStatus(current)]
    if wanted not in allowed:
        raise Conflict(f"a {current} team cannot become {wanted}", current_state=current,
                       allowed=list(allowed))


def change_team_status(current: str, wanted: str) -> TeamStatus:
    """The team's new status; raises Conflict if it cannot move there from ``current``."""
    check_status_change(current, wanted)
    return TeamStatus(wanted)


def closes_the_team(status: TeamStatus) -> bool:
    """Whether entering ``status`` closes the team (which keeps the reason and tells others)."""
    return status is TeamStatus.CLOSED


def check_handover(team_status: str, team_organisation: str, *, current_key_worker: str,
                   new_key_worker: str, role: str, organisation: str) -> None:
    """A handover goes to another social welfare professional of the team, on an open team."""
    check_team_open(team_status)
    check_key_worker(role, organisation, team_organisation)
    if current_key_worker == new_key_worker:
        raise Conflict("this professional is the key worker already", current_state="key_worker")


# -- members --------------------------------------------------------------------------

def needs_consent(member_organisation: str | None, team_organisation: str) -> bool:
    """Professionals of other organisations need consent; close ones and the client do not."""
    return member_organisation is not None and member_organisation != team_organisation


def gate_requests(organisation: str, professional_id: str | None) -> list[dict[str, Any]]:
    """What the consent service is asked before a member of ``organisation`` may see the team."""
    return [{"organisation": organisation, "professional": professional_id,
             "category": category, "purpose": GATE_PURPOSE} for category in GATE_CATEGORIES]


def status_on_joining(member_organisation: str | None, team_organisation: str,
                      permitted: bool | None) -> MemberStatus:
    """A new member's status; ``permitted`` is None when consent could not be asked."""
    if not needs_consent(member_organisation, team_organisation):
        return MemberStatus.ACTIVE
    return MemberStatus.ACTIVE if permitted else MemberStatus.PENDING_CONSENT


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
        if kind == MemberKind.PROFESSIONAL:
            return cls(kind, professional_id, None, None)
        if kind == MemberKind.CLIENT:
            return cls(kind, None, None, None)
        return cls(kind, None, (name or "").strip().casefold(), relation)


def check_not_member_already(new: MemberKey, current: list[MemberKey]) -> None:
    if new in current:
        raise Conflict("this person is already a member of the team", current_state="member")


def remove_member(status: str, *, is_key_worker: bool) -> MemberStatus:
    """The removed member's status; the key worker and a removed member cannot be removed."""
    if is_key_worker:
        raise Conflict("the key worker leaves the team only through a handover",
                       current_state="key_worker", allowed=["hand_over"])
    if status == MemberStatus.REMOVED:
        raise Conflict("the member is already removed", current_state=MemberStatus.REMOVED)
    return MemberStatus.REMOVED


# -- consent changes ------------------------------------------------------------------

@dataclass(frozen=True)
class ConsentChange:
    """What a consent event means for the team: members may gain, or may lose, consent.

    ``lost`` is None when consent may have been gained (a grant, a lifted
    denial): members waiting for consent are asked about again. Otherwise it
    says why active members may have lost it, and they are asked about again.
    """

    client_id: str
    organisation: str | None  # None: every organisation (a denial may cover all)
    lost: ConsentLost | None = None

    @property
    def may_activate(self) -> bool:
        return self.lost is None


@dataclass(frozen=True)
class MemberChange:
    """A member's new status and the event that tells others."""

    status: MemberStatus
    event: EventType
    because: ConsentLost | None = None


def after_consent_change(change: ConsentChange, permitted: bool | None) -> MemberChange | None:
    """What happens to an affected member once consent was asked again; None: nothing.

    A member waiting for consent becomes active only on a clear permit. An
    active member is suspended unless clearly permitted still: an unanswered
    question fails closed.
    """
    if change.lost is None:
        return MemberChange(MemberStatus.ACTIVE, contracts.MEMBER_ACTIVATED) if permitted else None
    if permitted:
        return None
    return MemberChange(MemberStatus.SUSPENDED, contracts.MEMBER_SUSPENDED, because=change.lost)


def asked_again_by_recheck(status: str) -> bool:
    """Only members left pending (the consent service did not answer) are asked again on a timer.

    Suspended members lost consent for a reason: they wait for a consent event.
    """
    return status == MemberStatus.PENDING_CONSENT
