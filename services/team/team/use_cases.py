"""The team service's use cases: one function per RPC, timer and event handler.

Each takes a unit-of-work factory, the command as its schema loaded it, and
its ports (the time ``now``, the consent ``gate``, the identity ``codes``).
Decisions are the rules' (team.rules); here they are applied and recorded.
The consent service is asked outside any database transaction, so a slow
answer holds no lock.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError

from team import rules
from team.models import Client, IdentityCodeReveal, KeyWorkerPeriod, Member, Team, TeamStatusChange
from team.ports import ConsentPort, IdentityCodesPort, TeamUnitOfWork, UnitOfWorkFactory
from tiimi_shared import contracts
from tiimi_shared.consuming import consume
from tiimi_shared.errors import NotFound
from tiimi_shared.handlers import ReceivedEvent
from tiimi_shared.logging import get_logger
from tiimi_shared.vocabulary import ConsentLost, MemberKind, MemberStatus, TeamStatus

log = get_logger(__name__)

Command = dict[str, Any]


@dataclass(frozen=True)
class TeamView:
    """A team as answers show it: its members and both histories."""

    team: Team
    key_worker: KeyWorkerPeriod
    key_worker_history: list[KeyWorkerPeriod]
    status_history: list[TeamStatusChange]
    members: list[Member]


@dataclass(frozen=True)
class Involvement:
    """A team a professional works in, and as what (``key_worker`` or ``member``), with its client's
    name and how many members wait for consent: the gateway decides who is shown the name."""

    team: Team
    role: str
    client_name: str
    pending_members: int


@dataclass(frozen=True)
class RevealedCode:
    client_id: str
    personal_identity_code: str


# -- the client register --------------------------------------------------------------

def register_client(unit_of_work: UnitOfWorkFactory, command: Command, *, codes: IdentityCodesPort,
                    now: datetime) -> Client:
    code = codes.validate(command["personal_identity_code"])
    lookup = codes.lookup_hash(code)
    with unit_of_work() as uow:
        rules.check_not_registered(uow.clients.by_lookup(lookup) is not None)
        client = Client(
            id=str(uuid.uuid4()), identity_ciphertext=codes.encrypt(code), identity_lookup=lookup,
            name=command["name"], preferred_language=command["preferred_language"],
            contact=_given(command["contact"]), municipality=command["municipality"],
            registered_by=command["registered_by"], registered_at=now,
        )
        uow.clients.add(client)
        uow.outbox.add(contracts.CLIENT_REGISTERED,
                       {"client_id": client.id, "registered_by": client.registered_by})
        try:
            uow.commit()
        except IntegrityError:  # registered by a concurrent call a moment ago
            raise rules.duplicate_registration() from None
    log.info("client registered", client_id=client.id)
    return client


def find_client(unit_of_work: UnitOfWorkFactory, command: Command, *,
                codes: IdentityCodesPort) -> Client:
    lookup = codes.lookup_hash(codes.validate(command["personal_identity_code"]))
    with unit_of_work() as uow:
        client = uow.clients.by_lookup(lookup)
    if client is None:
        raise NotFound("client", "with that personal identity code")
    return client


def get_client(unit_of_work: UnitOfWorkFactory, command: Command) -> Client:
    with unit_of_work() as uow:
        return uow.clients.get(command["client_id"])


def reveal_personal_identity_code(unit_of_work: UnitOfWorkFactory, command: Command, *,
                                  codes: IdentityCodesPort, now: datetime) -> RevealedCode:
    """The one answer that carries the code. Who asked, when and why is recorded first:
    no record, no code."""
    with unit_of_work() as uow:
        client = uow.clients.get(command["client_id"])
        uow.clients.record_reveal(IdentityCodeReveal(
            client_id=client.id, requested_by=command["requested_by"], reason=command["reason"], at=now))
        uow.commit()
    code = codes.decrypt(client.identity_ciphertext)
    # The reason stays in the audit table: free text may hold anything.
    log.info("personal identity code revealed", client_id=client.id,
             requested_by=command["requested_by"])
    return RevealedCode(client.id, code)


def identity_code_reveals(unit_of_work: UnitOfWorkFactory, command: Command) -> list[IdentityCodeReveal]:
    """Who has been shown the client's personal identity code, when and why."""
    with unit_of_work() as uow:
        return uow.clients.reveals_of(uow.clients.get(command["client_id"]).id)


# -- the team -------------------------------------------------------------------------

def create_team(unit_of_work: UnitOfWorkFactory, command: Command, *, now: datetime) -> TeamView:
    key_worker = command["key_worker"]
    rules.check_key_worker(key_worker["role"], key_worker["organisation"], command["organisation"])
    with unit_of_work() as uow:
        client = uow.clients.get(command["client_id"])
        rules.check_no_team_yet(uow.teams.of_client(client.id) is not None)
        team = Team(id=str(uuid.uuid4()), client_id=client.id, organisation=command["organisation"],
                    status=TeamStatus.PROPOSED, created_by=command["created_by"], created_at=now)
        uow.teams.add(team)
        uow.flush()  # the team row first: the rows below refer to it
        uow.teams.record_status(team, TeamStatus.PROPOSED, now, command["created_by"])
        member = _professional_member(team.id, key_worker, MemberStatus.ACTIVE, now,
                                      command["created_by"])
        uow.members.add(member)
        uow.flush()
        uow.teams.start_key_worker(_key_worker_period(team, member, now, command["created_by"]))
        uow.outbox.add(contracts.TEAM_CREATED, {
            "team_id": team.id, "client_id": team.client_id, "organisation": team.organisation,
            "key_worker_id": key_worker["professional_id"], "created_by": team.created_by})
        uow.outbox.add(contracts.MEMBER_ADDED, _member_added(team, member, key_worker["professional_id"]))
        uow.commit()
        log.info("team created", team_id=team.id)
        return _view(uow, team)


def add_member(unit_of_work: UnitOfWorkFactory, command: Command, *, gate: ConsentPort,
               now: datetime) -> Member:
    professional = command["professional"] or {}
    key = rules.MemberKey.of(command["kind"], professional.get("professional_id"), command["name"],
                             command["relation"])
    with unit_of_work() as uow:
        team = _open_team_for_new_member(uow, command["team_id"], key)
        client_id, team_organisation = team.client_id, team.organisation
    organisation = professional.get("organisation")
    permitted: bool | None = True
    if organisation is not None and rules.needs_consent(organisation, team_organisation):
        permitted = gate.permits_all(
            client_id, rules.gate_requests(organisation, professional["professional_id"]))
    status = rules.status_on_joining(organisation, team_organisation, permitted)
    with unit_of_work() as uow:
        # Checked again under lock: the team may have changed while consent was asked.
        team = _open_team_for_new_member(uow, command["team_id"], key, for_update=True)
        starts_on = command["starts_on"] or now
        if command["kind"] == MemberKind.PROFESSIONAL:
            member = _professional_member(team.id, professional, status, starts_on, command["added_by"])
        else:
            member = Member(id=str(uuid.uuid4()), team_id=team.id, kind=command["kind"],
                            name=command["name"], relation=command["relation"], status=status,
                            starts_on=starts_on, added_by=command["added_by"])
        member.contact = _given(command["contact"])
        member.ends_on = command["ends_on"]
        uow.members.add(member)
        uow.outbox.add(contracts.MEMBER_ADDED,
                       _member_added(team, member, uow.teams.key_worker(team.id).professional_id))
        uow.commit()
    log.info("member added", team_id=team.id, member_id=member.id, status=status)
    return member


def remove_member(unit_of_work: UnitOfWorkFactory, command: Command, *, now: datetime) -> Member:
    with unit_of_work() as uow:
        team = uow.teams.get(command["team_id"], for_update=True)
        rules.check_team_open(team.status)
        member = uow.members.get(team.id, command["member_id"])
        key_worker = uow.teams.key_worker(team.id)
        member.status = rules.remove_member(member.status, is_key_worker=member.id == key_worker.member_id)
        member.ends_on = now
        uow.outbox.add(contracts.MEMBER_REMOVED, _member_ref(team, member, key_worker.professional_id))
        uow.commit()
    return member


def hand_over(unit_of_work: UnitOfWorkFactory, command: Command, *, now: datetime) -> TeamView:
    """Make another social welfare professional the key worker; the history stays."""
    new = command["to"]
    with unit_of_work() as uow:
        team = uow.teams.get(command["team_id"], for_update=True)
        current = uow.teams.key_worker(team.id)
        rules.check_handover(team.status, team.organisation, current_key_worker=current.professional_id,
                             new_key_worker=new["professional_id"], role=new["role"],
                             organisation=new["organisation"])
        member = next((m for m in uow.members.of_team(team.id, open_only=True)
                       if m.professional_id == new["professional_id"]), None)
        if member is None:
            member = _professional_member(team.id, new, MemberStatus.ACTIVE, now, command["changed_by"])
            uow.members.add(member)
            uow.flush()
            uow.outbox.add(contracts.MEMBER_ADDED, _member_added(team, member, new["professional_id"]))
        else:
            member.role, member.status = new["role"], MemberStatus.ACTIVE
        current.ended_at, current.handover_reason = now, command["reason"]
        uow.teams.start_key_worker(_key_worker_period(team, member, now, command["changed_by"]))
        uow.outbox.add(contracts.KEY_WORKER_CHANGED, {
            "team_id": team.id, "client_id": team.client_id,
            "previous_key_worker_id": current.professional_id,
            "key_worker_id": new["professional_id"], "changed_by": command["changed_by"]})
        uow.commit()
        log.info("key worker handed over", team_id=team.id)
        return _view(uow, team)


def change_team_status(unit_of_work: UnitOfWorkFactory, command: Command, *, now: datetime) -> TeamView:
    with unit_of_work() as uow:
        team = uow.teams.get(command["team_id"], for_update=True)
        status = rules.change_team_status(team.status, command["status"])
        uow.teams.record_status(team, status, now, command["changed_by"], command["reason"])
        if rules.closes_the_team(status):
            team.closed_reason = command["reason"]
            uow.outbox.add(contracts.TEAM_CLOSED, {"team_id": team.id, "client_id": team.client_id,
                                                   "closed_by": command["changed_by"]})
        uow.commit()
        return _view(uow, team)


def get_team(unit_of_work: UnitOfWorkFactory, command: Command) -> TeamView:
    with unit_of_work() as uow:
        if command["team_id"] is not None:
            team = uow.teams.get(command["team_id"])
        else:
            found = uow.teams.of_client(command["client_id"])
            if found is None:
                raise NotFound("team of client", str(command["client_id"]))
            team = found
        return _view(uow, team)


def my_clients(unit_of_work: UnitOfWorkFactory, command: Command) -> list[Involvement]:
    """The open teams where a professional is key worker or an active member."""
    with unit_of_work() as uow:
        involvements = uow.teams.of_professional(command["professional_id"])
        names = uow.clients.names(team.client_id for team, _ in involvements)
        pending = uow.members.pending_counts(team.id for team, _ in involvements)
        return [Involvement(team, role, names[team.client_id], pending.get(team.id, 0))
                for team, role in involvements]


# -- consent changes --------------------------------------------------------------------

def consent_granted(unit_of_work: UnitOfWorkFactory, event: ReceivedEvent, *, gate: ConsentPort) -> None:
    _reconsider(unit_of_work, event, rules.ConsentChange(
        event.data["client_id"], event.data["recipient_organisation"]), gate)


def denial_lifted(unit_of_work: UnitOfWorkFactory, event: ReceivedEvent, *, gate: ConsentPort) -> None:
    _reconsider(unit_of_work, event, rules.ConsentChange(
        event.data["client_id"], event.data["organisation"]), gate)


def consent_withdrawn(unit_of_work: UnitOfWorkFactory, event: ReceivedEvent, *,
                      gate: ConsentPort) -> None:
    _reconsider(unit_of_work, event, rules.ConsentChange(
        event.data["client_id"], event.data["recipient_organisation"], ConsentLost.WITHDRAWN), gate)


def consent_expired(unit_of_work: UnitOfWorkFactory, event: ReceivedEvent, *, gate: ConsentPort) -> None:
    _reconsider(unit_of_work, event, rules.ConsentChange(
        event.data["client_id"], event.data["recipient_organisation"], ConsentLost.EXPIRED), gate)


def denial_recorded(unit_of_work: UnitOfWorkFactory, event: ReceivedEvent, *, gate: ConsentPort) -> None:
    _reconsider(unit_of_work, event, rules.ConsentChange(
        event.data["client_id"], event.data["organisation"], ConsentLost.DENIED), gate)


def recheck_pending(unit_of_work: UnitOfWorkFactory, *, gate: ConsentPort) -> int:
    """Members left pending (the consent service did not answer) are asked about again.

    Returns how many became active.
    """
    with unit_of_work() as uow:
        waiting = [(team.client_id, member.id, member.organisation, member.professional_id)
                   for team, member in uow.members.awaiting_consent()
                   if rules.asked_again_by_recheck(member.status)]
    permitted = {member_id for client_id, member_id, organisation, professional_id in waiting
                 if organisation is not None
                 and gate.permits_all(client_id, rules.gate_requests(organisation, professional_id))}
    if not permitted:
        return 0
    activated = 0
    with unit_of_work() as uow:
        # Decided again on the locked rows: a consent event may have activated them meanwhile.
        for team, member in uow.members.awaiting_consent(member_ids=permitted, for_update=True):
            if rules.asked_again_by_recheck(member.status):
                _change_member(uow, team, member,
                               rules.MemberChange(MemberStatus.ACTIVE, contracts.MEMBER_ACTIVATED))
                activated += 1
        uow.commit()
    return activated


# -- helpers ------------------------------------------------------------------------------

Affected = dict[str, tuple[str, str | None]]  # member id: (organisation, professional id)
Answers = dict[str, bool | None]              # member id: permitted, or None when unknown


def _reconsider(unit_of_work: UnitOfWorkFactory, event: ReceivedEvent, change: rules.ConsentChange,
                gate: ConsentPort) -> None:
    """Ask consent again for the members the change may affect, then activate or suspend them."""

    def affected(uow: TeamUnitOfWork) -> Affected:
        return {member.id: (member.organisation, member.professional_id)
                for _, member in _members_affected_by(uow, change) if member.organisation is not None}

    def ask(members: Affected) -> Answers:
        return {member_id: gate.permits_all(change.client_id, rules.gate_requests(organisation, professional))
                for member_id, (organisation, professional) in members.items()}

    def apply(uow: TeamUnitOfWork, answers: Answers | None) -> None:
        answers = answers or {}
        # Found again on the locked rows: the timer or another event may have changed them meanwhile.
        for team, member in _members_affected_by(uow, change, for_update=True):
            if member.id not in answers:  # joined while consent was asked: not asked about
                continue
            decided = rules.after_consent_change(change, answers[member.id])
            if decided is not None:
                _change_member(uow, team, member, decided)

    consume(unit_of_work, event, read=affected, ask=ask, apply=apply)


def _members_affected_by(uow: TeamUnitOfWork, change: rules.ConsentChange, *, for_update: bool = False
                         ) -> list[tuple[Team, Member]]:
    if change.may_activate:
        return uow.members.awaiting_consent(client_id=change.client_id, organisation=change.organisation,
                                            for_update=for_update)
    return uow.members.active_by_consent(change.client_id, change.organisation, for_update=for_update)


def _change_member(uow: TeamUnitOfWork, team: Team, member: Member, change: rules.MemberChange) -> None:
    member.status = change.status
    data = _member_ref(team, member, uow.teams.key_worker(team.id).professional_id)
    if change.because is not None:
        data["because"] = change.because
    uow.outbox.add(change.event, data)


def _open_team_for_new_member(uow: TeamUnitOfWork, team_id: str, key: rules.MemberKey, *,
                              for_update: bool = False) -> Team:
    team = uow.teams.get(team_id, for_update=for_update)
    rules.check_team_open(team.status)
    rules.check_not_member_already(key, [
        rules.MemberKey.of(m.kind, m.professional_id, m.name, m.relation)
        for m in uow.members.of_team(team.id, open_only=True)])
    return team


def _view(uow: TeamUnitOfWork, team: Team) -> TeamView:
    return TeamView(team=team, key_worker=uow.teams.key_worker(team.id),
                    key_worker_history=uow.teams.key_worker_history(team.id),
                    status_history=uow.teams.status_history(team.id),
                    members=uow.members.of_team(team.id))


def _given(contact: dict[str, Any]) -> dict[str, Any]:
    """The contact details that were given."""
    return {k: v for k, v in contact.items() if v is not None}


def _professional_member(team_id: str, professional: dict[str, Any], status: MemberStatus,
                         starts_on: datetime, added_by: str) -> Member:
    return Member(id=str(uuid.uuid4()), team_id=team_id, kind=MemberKind.PROFESSIONAL,
                  professional_id=professional["professional_id"], name=professional["name"],
                  organisation=professional["organisation"], role=professional["role"], contact={},
                  status=status, starts_on=starts_on, added_by=added_by)


def _key_worker_period(team: Team, member: Member, now: datetime, changed_by: str) -> KeyWorkerPeriod:
    return KeyWorkerPeriod(team_id=team.id, member_id=member.id, professional_id=member.professional_id,
                           started_at=now, changed_by=changed_by)


def _member_ref(team: Team, member: Member, key_worker_id: str) -> dict[str, Any]:
    """The payload every member event carries: who, in which team, and whom to tell."""
    return {"team_id": team.id, "client_id": team.client_id, "member_id": member.id, "kind": member.kind,
            "professional_id": member.professional_id, "organisation": member.organisation,
            "key_worker_id": key_worker_id, "team_organisation": team.organisation}


def _member_added(team: Team, member: Member, key_worker_id: str) -> dict[str, Any]:
    return _member_ref(team, member, key_worker_id) | {"status": member.status}
