"""Who may do what to which object: the gateway's access policy, with no I/O.

Each rule is a function of the caller (a verified ``Principal``) and what the
services behind the gateway answered (plain dicts), and returns a decision or
raises the domain error the caller is shown:

- a token works only on the routes for its kind (professional or partner),
  but both read their inbox: a partner's is its organisation's;
- a professional sees a client's data only while an active member of the
  client's open team, and outside the team's own organisation only what
  consent allows that organisation; each read is logged, at home as an
  access and elsewhere as a disclosure;
- a team is made by the professional who registered the client, and changed,
  like the client's consents, only by its key worker;
- a consent or denial is changed only through the client it belongs to;
- a client looked up by identity code is unknown to anyone not on its team
  (NotFound, not Forbidden, so the code cannot be used to learn who is a client).

Partners see only referrals addressed to them: the referral service answers
that itself, from the organisation the gateway passes on.
"""
from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from gateway.auth import Kind, Principal
from tiimi_shared.errors import Conflict, Forbidden, NotFound
from tiimi_shared.vocabulary import (
    Category,
    MemberKind,
    MemberStatus,
    Outcome,
    Purpose,
    ReferralStatus,
    TeamStatus,
)

NOT_A_MEMBER = "only an active member of the client's team may see or change this"
NOT_THE_CLIENTS_KEY_WORKER = "only the client's key worker may do this"
NOT_THE_TEAMS_KEY_WORKER = "only the team's key worker may do this"
NOT_THE_REGISTRAR = "a team is made by the professional who registered the client"
PERMIT = Outcome.PERMIT  # the consent service's decision that allows a request

# What a client's own page, and their team's, show of them.
CLIENT_PAGE: tuple[Category, ...] = (Category.BASIC,)
TEAM_PAGE: tuple[Category, ...] = (Category.BASIC, Category.TEAM)

# A partner's answer, as it is named in the path, and the referral status it asks for.
ANSWERS: Mapping[str, ReferralStatus] = {
    "accept": ReferralStatus.ACCEPTED, "reject": ReferralStatus.REJECTED,
    "start": ReferralStatus.IN_PROGRESS, "hold": ReferralStatus.ON_HOLD,
    "resume": ReferralStatus.IN_PROGRESS, "complete": ReferralStatus.COMPLETED,
    "fail": ReferralStatus.FAILED,
}


class Standing(StrEnum):
    """A professional's place in a client's team."""

    KEY_WORKER = "key_worker"
    MEMBER = "member"


# -- tokens -------------------------------------------------------------------------------


def require_kind(principal: Principal, kind: Kind | Collection[Kind]) -> None:
    """A route is for one kind of token (the other kind is refused), or for each of the kinds named."""
    kinds = (kind,) if isinstance(kind, Kind) else tuple(kind)
    if principal.kind not in kinds:
        raise Forbidden(f"this route is for a {' or '.join(kinds)}'s token")


# -- the inbox ----------------------------------------------------------------------------


def inbox_of(principal: Principal) -> str:
    """Whose messages the caller reads and marks read.

    A professional is told things in person; a referral is addressed to a
    partner organisation, not to one of its desk users, so a partner's token
    reads (and marks read, for all its desk) the organisation's messages.
    """
    return principal.organisation if principal.kind == Kind.PARTNER else principal.subject


# -- teams --------------------------------------------------------------------------------


def standing(principal: Principal, team: Mapping[str, Any]) -> Standing:
    """The caller's place in an open team; Forbidden unless its key worker or an active member."""
    if team["status"] != TeamStatus.CLOSED:
        if team["key_worker"]["professional_id"] == principal.subject:
            return Standing.KEY_WORKER
        if any(member["kind"] == MemberKind.PROFESSIONAL and member["professional_id"] == principal.subject
               and member["organisation"] == principal.organisation
               and member["status"] == MemberStatus.ACTIVE for member in team["members"]):
            return Standing.MEMBER
    raise Forbidden(NOT_A_MEMBER)


def require_key_worker_of_client(principal: Principal, team: Mapping[str, Any]) -> None:
    """The client's consents, denials and disclosure log are their key worker's to see and change."""
    if standing(principal, team) is not Standing.KEY_WORKER:
        raise Forbidden(NOT_THE_CLIENTS_KEY_WORKER)


def require_key_worker_of_team(principal: Principal, team: Mapping[str, Any]) -> None:
    """Members, the key worker's role and the team's status are changed by its key worker only."""
    if standing(principal, team) is not Standing.KEY_WORKER:
        raise Forbidden(NOT_THE_TEAMS_KEY_WORKER)


NOT_THE_HOLDER = ("a disclosure on a statutory basis is recorded by a professional of the organisation "
                  "that holds the client's data")


def require_holder_of_data(principal: Principal, team: Mapping[str, Any]) -> None:
    """A disclosure without consent is the controller's: any professional of the organisation that holds
    the client's data (the team's own) records it, on the team or not (a duty does not wait for the key
    worker); a team member from another organisation discloses what their own organisation holds, not
    this, and is refused."""
    if principal.organisation != team["organisation"]:
        raise Forbidden(NOT_THE_HOLDER)


ON_THE_TEAM = ("you are on the client's team: read the client's data as a member, "
               "no emergency access is needed")
NOT_A_DATA_PROTECTION_OFFICER = "only the data protection officer reviews emergency accesses"


def require_outside_team(principal: Principal, team: Mapping[str, Any]) -> None:
    """Emergency access is for a professional who is not an active member of the client's open team."""
    try:
        standing(principal, team)
    except Forbidden:
        return
    raise Conflict(ON_THE_TEAM, current_state="member")


def emergency_read(principal: Principal, access: Mapping[str, Any] | None,
                   categories: Collection[Category]) -> tuple[dict[str, str], ...]:
    """A non-member's read rests on their own open emergency access, else it is refused as before."""
    if access is None:
        raise Forbidden(NOT_A_MEMBER)
    return tuple({"organisation": principal.organisation, "professional": principal.subject,
                  "category": str(category), "purpose": str(Purpose.TEAM_COORDINATION)}
                 for category in categories)


def require_data_protection_officer(principal: Principal, officers: Collection[str]) -> None:
    """The review list is the county's data protection officer's (TIIMI_DATA_PROTECTION_OFFICERS)."""
    if principal.subject not in officers:
        raise Forbidden(NOT_A_DATA_PROTECTION_OFFICER)


def require_registrar(principal: Principal, client: Mapping[str, Any]) -> None:
    """A team is made by the professional who registered the client."""
    if client["registered_by"] != principal.subject:
        raise Forbidden(NOT_THE_REGISTRAR)


def founding_key_worker(principal: Principal, name: str, role: str) -> dict[str, str]:
    """Who makes a team becomes its key worker, in their own organisation."""
    return {"professional_id": principal.subject, "name": name, "organisation": principal.organisation,
            "role": role}


# -- reading client data ------------------------------------------------------------------


@dataclass(frozen=True)
class Read:
    """A permitted read of client data, and how it is logged.

    ``at_home``: the caller works for the team's own organisation, so the read
    needs no consent and is logged as an access; otherwise consent must permit
    every request and each is logged as a disclosure.
    """

    at_home: bool
    requests: tuple[dict[str, str], ...]


def read(principal: Principal, team: Mapping[str, Any], categories: Collection[Category]) -> Read:
    """A read of these categories by a member of the client's team; Forbidden for anyone else."""
    standing(principal, team)
    requests = tuple({"organisation": principal.organisation, "professional": principal.subject,
                      "category": str(category), "purpose": str(Purpose.TEAM_COORDINATION)}
                     for category in categories)
    return Read(at_home=principal.organisation == team["organisation"], requests=requests)


def identity_code_read(principal: Principal, team: Mapping[str, Any]) -> Read:
    """The personal identity code never leaves the organisation that holds it: only its own
    professionals on the client's team may have it shown, and the read is logged as an access."""
    allowed = read(principal, team, CLIENT_PAGE)
    if not allowed.at_home:
        raise Forbidden("the personal identity code is shown only inside the organisation that holds it")
    return allowed


CONSENT_UNANSWERED = "consent could not be checked, so nothing is shown"


def require_disclosed(read: Read, answer: Mapping[str, Any]) -> None:
    """A read from another organisation is shown only if consent permitted every category asked and
    each was logged as disclosed (the consent service's ``disclose``): Forbidden naming every category
    refused, and Forbidden too for an answer that does not log each request (fail closed)."""
    decisions = answer["decisions"]
    refused = [decision["request"]["category"] for decision in decisions if decision["decision"] != PERMIT]
    if refused:
        raise Forbidden(f"consent does not allow your organisation to see: {', '.join(refused)}")
    asked = [request["category"] for request in read.requests]
    logged = [entry["category"] for entry in answer.get("disclosures", ())]
    if len(decisions) != len(asked) or logged != asked:
        raise Forbidden(CONSENT_UNANSWERED)


@contextmanager
def unknown_unless_yours() -> Iterator[None]:
    """A client the caller may not see is answered as if there were no such client."""
    try:
        yield
    except (Forbidden, NotFound):
        raise NotFound("client", "with that personal identity code") from None


# -- my clients ---------------------------------------------------------------------------

# A consent ending this soon needs its key worker's attention (to renew it or to let it end).
CONSENT_ENDING_WITHIN_DAYS = 14


def key_worker_clients(involvements: Sequence[Mapping[str, Any]]) -> list[str]:
    """The clients whose key worker the caller is: only theirs are asked what needs attention."""
    return [involvement["client_id"] for involvement in involvements
            if involvement["as"] == Standing.KEY_WORKER]


def my_clients(principal: Principal, involvements: Sequence[Mapping[str, Any]],
               attention: Sequence[Mapping[str, Any]], ending: Sequence[Mapping[str, Any]]
               ) -> list[dict[str, Any]]:
    """The teams the caller is in, as My clients shows them.

    The client's name is shown only to professionals of the organisation that holds the team: to
    anyone else it would be a disclosure of ``basic`` needing consent and its log, so they get none
    and the app shows a neutral label. What needs attention (members waiting for consent, referrals
    overdue or recently answered, consents ending soon) is told to the key worker only.
    """
    attention_of = {answer["client_id"]: answer for answer in attention}
    ending_of = {answer["client_id"]: answer for answer in ending}
    mine = []
    for involvement in involvements:
        client_id = involvement["client_id"]
        needs_me = None
        if involvement["as"] == Standing.KEY_WORKER:
            referrals = attention_of.get(client_id, {})
            consents = ending_of.get(client_id, {})
            needs_me = {"pending_members": involvement["pending_members"],
                        "overdue_referrals": referrals.get("overdue_referrals", 0),
                        "answered_referrals": referrals.get("answered_referrals", 0),
                        "consents_ending": consents.get("consents_ending", 0),
                        "first_consent_ends_at": consents.get("first_ends_at")}
        at_home = involvement["organisation"] == principal.organisation
        mine.append({"team_id": involvement["team_id"], "client_id": client_id,
                     "team_status": involvement["team_status"], "as": involvement["as"],
                     "client_name": involvement["client_name"] if at_home else None,
                     "needs_me": needs_me})
    return mine


# -- consents and denials -----------------------------------------------------------------


def require_listed(records: Sequence[Mapping[str, Any]], record_id: str, kind: str) -> None:
    """A consent or denial is reached only through its own client: one of another is not found."""
    if not any(record["id"] == record_id for record in records):
        raise NotFound(kind, record_id)


# -- referrals ----------------------------------------------------------------------------


def answer_status(answer: str) -> ReferralStatus:
    """The status a partner's answer asks for; an answer with no meaning is not found."""
    if answer not in ANSWERS:
        raise NotFound("answer", answer)
    return ANSWERS[answer]


def acting_party(principal: Principal) -> dict[str, str]:
    """Who changes a referral, as the referral service records it."""
    return {"organisation": principal.organisation, "professional_id": principal.subject}


def require_own_organisation(principal: Principal, organisation: str) -> None:
    """A partner lists the referrals addressed to its own organisation only."""
    if organisation != principal.organisation:
        raise Forbidden("only your own organisation's referrals can be listed")
