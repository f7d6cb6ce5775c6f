"""The team service's entrypoints: validate, run the use case, answer.

Every RPC takes keyword arguments only. The consent service is asked outside
any database transaction, so a slow answer holds no lock.
"""
from __future__ import annotations

import uuid

from nameko.rpc import rpc
from sqlalchemy.exc import IntegrityError

from team import rules, schemas
from team.dependencies import IdentityCodes
from team.models import Client, KeyWorkerPeriod, Member, Team
from team.repository import TeamUnitOfWork
from tiimi_shared import contracts
from tiimi_shared.clock import Clock, configured_timer
from tiimi_shared.consent_gate import ConsentGate
from tiimi_shared.correlation import Correlation
from tiimi_shared.database import Database
from tiimi_shared.errors import EXPECTED, Conflict, NotFound
from tiimi_shared.handlers import ReceivedEvent, event_handler
from tiimi_shared.logging import get_logger
from tiimi_shared.operations import Operations
from tiimi_shared.schemas import load

log = get_logger(__name__)

DUPLICATE = "a client with this personal identity code is already registered"


class TeamService:
    name = "team"

    operations = Operations()
    db = Database(TeamUnitOfWork)
    clock = Clock()
    correlation_id = Correlation()
    identity_codes = IdentityCodes()
    consent = ConsentGate()

    @rpc
    def health(self) -> dict:
        return {"service": self.name, "status": "ok", **self.db.health()}

    @rpc(expected_exceptions=EXPECTED, sensitive_arguments=("client.personal_identity_code",))
    def register_client(self, **client) -> dict:
        command = load(schemas.RegisterClient, client)
        code = self.identity_codes.validate(command["personal_identity_code"])
        lookup = self.identity_codes.lookup_hash(code)
        with self.db() as uow:
            if uow.clients.by_lookup(lookup) is not None:
                raise Conflict(DUPLICATE, current_state="registered")
            record = Client(
                id=str(uuid.uuid4()), identity_ciphertext=self.identity_codes.encrypt(code),
                identity_lookup=lookup, name=command["name"],
                preferred_language=command["preferred_language"],
                contact={k: v for k, v in command["contact"].items() if v is not None},
                municipality=command["municipality"], registered_by=command["registered_by"],
                registered_at=self.clock(),
            )
            uow.clients.add(record)
            uow.outbox.add("client_registered",
                           {"client_id": record.id, "registered_by": record.registered_by})
            try:
                uow.commit()
            except IntegrityError:  # registered by a concurrent call a moment ago
                raise Conflict(DUPLICATE, current_state="registered") from None
            log.info("client registered", client_id=record.id)
            return schemas.ClientOut().dump(record)

    @rpc(expected_exceptions=EXPECTED, sensitive_arguments=("query.personal_identity_code",))
    def find_client(self, **query) -> dict:
        command = load(schemas.FindClient, query)
        lookup = self.identity_codes.lookup_hash(
            self.identity_codes.validate(command["personal_identity_code"]))
        with self.db() as uow:
            record = uow.clients.by_lookup(lookup)
            if record is None:
                raise NotFound("client", "with that personal identity code")
            return schemas.ClientOut().dump(record)

    @rpc(expected_exceptions=EXPECTED)
    def get_client(self, **query) -> dict:
        client_id = load(schemas.ClientQuery, query)["client_id"]
        with self.db() as uow:
            return schemas.ClientOut().dump(uow.clients.get(client_id))

    @rpc(expected_exceptions=EXPECTED)
    def reveal_personal_identity_code(self, **query) -> dict:
        """The one answer that carries the code; who asked is logged by id."""
        command = load(schemas.RevealIdentityCode, query)
        with self.db() as uow:
            record = uow.clients.get(command["client_id"])
            code = self.identity_codes.decrypt(record.identity_ciphertext)
        log.info("personal identity code revealed", client_id=record.id,
                 requested_by=command["requested_by"])
        return {"client_id": record.id, "personal_identity_code": code}

    # -- the team ------------------------------------------------------------

    @rpc(expected_exceptions=EXPECTED)
    def create_team(self, **team) -> dict:
        command = load(schemas.CreateTeam, team)
        key_worker = command["key_worker"]
        rules.check_key_worker(key_worker["role"], key_worker["organisation"], command["organisation"])
        now = self.clock()
        with self.db() as uow:
            client = uow.clients.get(command["client_id"])
            if uow.teams.of_client(client.id) is not None:
                raise Conflict("the client already has a team", current_state="exists")
            record = Team(id=str(uuid.uuid4()), client_id=client.id, organisation=command["organisation"],
                          status="proposed", created_by=command["created_by"], created_at=now)
            uow.teams.add(record)
            uow.session.flush()  # the team row first: the rows below refer to it
            uow.teams.record_status(record, "proposed", now, command["created_by"])
            member = _professional_member(record.id, key_worker, "active", now, command["created_by"])
            uow.members.add(member)
            uow.session.flush()
            uow.teams.start_key_worker(KeyWorkerPeriod(
                team_id=record.id, member_id=member.id, professional_id=member.professional_id,
                started_at=now, changed_by=command["created_by"]))
            uow.outbox.add("team_created", {
                "team_id": record.id, "client_id": record.client_id, "organisation": record.organisation,
                "key_worker_id": member.professional_id, "created_by": record.created_by})
            uow.outbox.add("member_added", _member_event(record, member, member.professional_id)
                           | {"status": member.status})
            uow.commit()
            log.info("team created", team_id=record.id)
            return self._team_view(uow, record)

    @rpc(expected_exceptions=EXPECTED)
    def add_member(self, **member) -> dict:
        command = load(schemas.AddMember, member)
        professional = command["professional"] or {}
        key = rules.MemberKey.of(command["kind"], professional.get("professional_id"), command["name"],
                                 command["relation"])
        with self.db() as uow:
            team = self._open_team_without(uow, command["team_id"], key)
            client_id, team_organisation = team.client_id, team.organisation
        organisation = professional.get("organisation")
        permitted = True
        if rules.needs_consent(organisation, team_organisation):
            permitted = self.consent.permits_all(
                client_id, rules.gate_requests(organisation, professional["professional_id"]))
        status = rules.status_on_joining(organisation, team_organisation, permitted)
        now = self.clock()
        with self.db() as uow:
            team = self._open_team_without(uow, command["team_id"], key, for_update=True)
            starts_on = command["starts_on"] or now
            if command["kind"] == "professional":
                record = _professional_member(team.id, professional, status, starts_on, command["added_by"])
            else:
                record = Member(id=str(uuid.uuid4()), team_id=team.id, kind=command["kind"],
                                name=command["name"], relation=command["relation"], status=status,
                                starts_on=starts_on, added_by=command["added_by"])
            record.contact = {k: v for k, v in command["contact"].items() if v is not None}
            record.ends_on = command["ends_on"]
            uow.members.add(record)
            uow.outbox.add("member_added", _member_event(team, record, uow.teams.key_worker(team.id)
                                                         .professional_id) | {"status": status})
            uow.commit()
            log.info("member added", team_id=team.id, member_id=record.id, status=status)
            return schemas.MemberOut().dump(record)

    @rpc(expected_exceptions=EXPECTED)
    def remove_member(self, **removal) -> dict:
        command = load(schemas.RemoveMember, removal)
        now = self.clock()
        with self.db() as uow:
            team = uow.teams.get(command["team_id"], for_update=True)
            rules.check_team_open(team.status)
            member = uow.members.get(team.id, command["member_id"])
            key_worker = uow.teams.key_worker(team.id)
            if member.id == key_worker.member_id:
                raise Conflict("the key worker leaves the team only through a handover",
                               current_state="key_worker", allowed=["hand_over"])
            if member.status == "removed":
                raise Conflict("the member is already removed", current_state="removed")
            member.status, member.ends_on = "removed", now
            uow.outbox.add("member_removed", _member_event(team, member, key_worker.professional_id))
            uow.commit()
            return schemas.MemberOut().dump(member)

    @rpc(expected_exceptions=EXPECTED)
    def hand_over(self, **handover) -> dict:
        """Make another social welfare professional the key worker; the history stays."""
        command = load(schemas.HandOver, handover)
        now = self.clock()
        new = command["to"]
        with self.db() as uow:
            team = uow.teams.get(command["team_id"], for_update=True)
            rules.check_team_open(team.status)
            rules.check_key_worker(new["role"], new["organisation"], team.organisation)
            current = uow.teams.key_worker(team.id)
            if current.professional_id == new["professional_id"]:
                raise Conflict("this professional is the key worker already", current_state="key_worker")
            member = next((m for m in uow.members.of_team(team.id, open_only=True)
                           if m.professional_id == new["professional_id"]), None)
            if member is None:
                member = _professional_member(team.id, new, "active", now, command["changed_by"])
                uow.members.add(member)
                uow.session.flush()
                uow.outbox.add("member_added", _member_event(team, member, new["professional_id"])
                               | {"status": "active"})
            else:
                member.role, member.status = new["role"], "active"
            current.ended_at, current.handover_reason = now, command["reason"]
            uow.teams.start_key_worker(KeyWorkerPeriod(
                team_id=team.id, member_id=member.id, professional_id=new["professional_id"],
                started_at=now, changed_by=command["changed_by"]))
            uow.outbox.add("key_worker_changed", {
                "team_id": team.id, "client_id": team.client_id,
                "previous_key_worker_id": current.professional_id,
                "key_worker_id": new["professional_id"], "changed_by": command["changed_by"]})
            uow.commit()
            log.info("key worker handed over", team_id=team.id)
            return self._team_view(uow, team)

    @rpc(expected_exceptions=EXPECTED)
    def change_team_status(self, **change) -> dict:
        command = load(schemas.ChangeTeamStatus, change)
        now = self.clock()
        with self.db() as uow:
            team = uow.teams.get(command["team_id"], for_update=True)
            rules.check_status_change(team.status, command["status"])
            uow.teams.record_status(team, command["status"], now, command["changed_by"], command["reason"])
            if command["status"] == "closed":
                team.closed_reason = command["reason"]
                uow.outbox.add("team_closed", {"team_id": team.id, "client_id": team.client_id,
                                               "closed_by": command["changed_by"]})
            uow.commit()
            return self._team_view(uow, team)

    @rpc(expected_exceptions=EXPECTED)
    def get_team(self, **query) -> dict:
        command = load(schemas.TeamQuery, query)
        with self.db() as uow:
            if command["team_id"] is not None:
                team = uow.teams.get(command["team_id"])
            else:
                team = uow.teams.of_client(command["client_id"])
                if team is None:
                    raise NotFound("team of client", str(command["client_id"]))
            return self._team_view(uow, team)

    @rpc(expected_exceptions=EXPECTED)
    def my_clients(self, **query) -> list[dict]:
        """The open teams where a professional is key worker or an active member."""
        professional_id = load(schemas.ProfessionalQuery, query)["professional_id"]
        with self.db() as uow:
            return [{"team_id": team.id, "client_id": team.client_id, "team_status": team.status,
                     "as": role} for team, role in uow.teams.of_professional(professional_id)]

    # -- consent changes --------------------------------------------------------

    @event_handler(contracts.CONSENT_GRANTED)
    def on_consent_granted(self, event: ReceivedEvent) -> None:
        self._reconsider(event.id, event.consumer, event.data["client_id"],
                         event.data["recipient_organisation"],
                         activate=True)

    @event_handler(contracts.DENIAL_LIFTED)
    def on_denial_lifted(self, event: ReceivedEvent) -> None:
        self._reconsider(event.id, event.consumer, event.data["client_id"], event.data["organisation"],
                         activate=True)

    @event_handler(contracts.CONSENT_WITHDRAWN)
    def on_consent_withdrawn(self, event: ReceivedEvent) -> None:
        self._reconsider(event.id, event.consumer, event.data["client_id"],
                         event.data["recipient_organisation"],
                         suspend_because="consent_withdrawn")

    @event_handler(contracts.CONSENT_EXPIRED)
    def on_consent_expired(self, event: ReceivedEvent) -> None:
        self._reconsider(event.id, event.consumer, event.data["client_id"],
                         event.data["recipient_organisation"],
                         suspend_because="consent_expired")

    @event_handler(contracts.DENIAL_RECORDED)
    def on_denial_recorded(self, event: ReceivedEvent) -> None:
        self._reconsider(event.id, event.consumer, event.data["client_id"], event.data["organisation"],
                         suspend_because="consent_denied")

    @configured_timer("RECHECK_INTERVAL", default=30.0)
    def recheck_pending(self) -> int:
        """Members left pending (the consent service did not answer) are asked about again."""
        with self.db() as uow:
            waiting = [(t.client_id, m.id, m.organisation, m.professional_id)
                       for t, m in uow.members.awaiting_consent() if m.status == "pending_consent"]
        permitted = {member_id for client_id, member_id, organisation, professional in waiting
                     if self.consent.permits_all(client_id, rules.gate_requests(organisation, professional))}
        if not permitted:
            return 0
        with self.db() as uow:
            activated = [self._activate(uow, team, member)
                         for team, member in uow.members.awaiting_consent()
                         if member.id in permitted and member.status == "pending_consent"]
            uow.commit()
        return len(activated)

    # -- helpers: no rules of their own ---------------------------------------

    def _reconsider(self, event_id: str, consumer: str, client_id: str, organisation: str | None, *,
                    activate: bool = False, suspend_because: str | None = None) -> None:
        """Ask consent again for the affected members, then activate or suspend them."""
        with self.db() as uow:
            found = (uow.members.awaiting_consent(client_id=client_id, organisation=organisation)
                     if activate else uow.members.active_from(client_id, organisation))
            affected = {m.id: (m.organisation, m.professional_id) for _, m in found}
        answers = {member_id: self.consent.permits_all(client_id, rules.gate_requests(org, professional))
                   for member_id, (org, professional) in affected.items()}
        with self.db() as uow:
            if not uow.claim(consumer, event_id):
                return
            found = (uow.members.awaiting_consent(client_id=client_id, organisation=organisation)
                     if activate else uow.members.active_from(client_id, organisation))
            for team, member in found:
                permitted = answers.get(member.id)
                if activate and permitted:
                    self._activate(uow, team, member)
                elif suspend_because and member.id in answers and not permitted:
                    # Not permitted, or not known to be: suspend (fail closed).
                    member.status = "suspended"
                    uow.outbox.add("member_suspended", _member_event(
                        team, member, uow.teams.key_worker(team.id).professional_id)
                        | {"because": suspend_because})
            uow.commit()

    @staticmethod
    def _activate(uow, team: Team, member: Member) -> Member:
        member.status = "active"
        uow.outbox.add("member_activated", _member_event(
            team, member, uow.teams.key_worker(team.id).professional_id))
        return member

    @staticmethod
    def _open_team_without(uow, team_id, key: rules.MemberKey, *, for_update: bool = False) -> Team:
        team = uow.teams.get(team_id, for_update=for_update)
        rules.check_team_open(team.status)
        rules.check_not_member_already(key, [
            rules.MemberKey.of(m.kind, m.professional_id, m.name, m.relation)
            for m in uow.members.of_team(team.id, open_only=True)])
        return team

    @staticmethod
    def _team_view(uow, team: Team) -> dict:
        key_worker = uow.teams.key_worker(team.id)
        return {
            "id": team.id, "client_id": team.client_id, "organisation": team.organisation,
            "status": team.status, "closed_reason": team.closed_reason,
            "key_worker": schemas.KeyWorkerPeriodOut().dump(key_worker),
            "key_worker_history": schemas.KeyWorkerPeriodOut(many=True).dump(
                uow.teams.key_worker_history(team.id)),
            "status_history": schemas.StatusChangeOut(many=True).dump(uow.teams.status_history(team.id)),
            "members": schemas.MemberOut(many=True).dump(uow.members.of_team(team.id)),
        }


def _professional_member(team_id: str, professional: dict, status: str, starts_on, added_by: str) -> Member:
    return Member(id=str(uuid.uuid4()), team_id=team_id, kind="professional",
                  professional_id=professional["professional_id"], name=professional["name"],
                  organisation=professional["organisation"], role=professional["role"], contact={},
                  status=status, starts_on=starts_on, added_by=added_by)


def _member_event(team: Team, member: Member, key_worker_id: str) -> dict:
    return {"team_id": team.id, "client_id": team.client_id, "member_id": member.id, "kind": member.kind,
            "professional_id": member.professional_id, "organisation": member.organisation,
            "key_worker_id": key_worker_id, "team_organisation": team.organisation}
