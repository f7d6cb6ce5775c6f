"""The team service's entrypoints: validate, run the use case, answer.

Every RPC takes keyword arguments only. What each one does is in
team.use_cases, and the decisions it applies in team.rules.
"""
from __future__ import annotations

from typing import Any

from team import schemas, use_cases
from team.dependencies import IdentityCodes
from team.repository import TeamUnitOfWork
from tiimi_shared import contracts
from tiimi_shared.clock import Clock, configured_timer
from tiimi_shared.consent_gate import ConsentGate
from tiimi_shared.correlation import Correlation
from tiimi_shared.database import Database
from tiimi_shared.entrypoints import rpc
from tiimi_shared.errors import EXPECTED
from tiimi_shared.handlers import ReceivedEvent, event_handler
from tiimi_shared.idempotency import command
from tiimi_shared.operations import Operations
from tiimi_shared.schemas import dump, dump_many, load


class TeamService:
    name = "team"

    operations = Operations()
    db = Database(TeamUnitOfWork)
    clock = Clock()
    correlation_id = Correlation()
    identity_codes = IdentityCodes()
    consent_gate = ConsentGate()

    @rpc
    def health(self) -> dict[str, Any]:
        return {"service": self.name, "status": "ok", **self.db.health()}

    # -- the client register ----------------------------------------------------------

    # Kept as the client's id only: the name and contact details are not copied into the table of answers.
    @command(expected_exceptions=EXPECTED, sensitive_arguments=("client.personal_identity_code",),
             kept=lambda client: {"id": client["id"]},
             recall=lambda service, kept: service.client_again(kept))
    def register_client(self, **client: Any) -> dict[str, Any]:
        command = load(schemas.RegisterClient, client)
        registered = use_cases.register_client(self.db, command, codes=self.identity_codes, now=self.clock())
        return dump(schemas.ClientOut, registered)

    @rpc(expected_exceptions=EXPECTED, sensitive_arguments=("query.personal_identity_code",))
    def find_client(self, **query: Any) -> dict[str, Any]:
        command = load(schemas.FindClient, query)
        return dump(schemas.ClientOut, use_cases.find_client(self.db, command, codes=self.identity_codes))

    @rpc(expected_exceptions=EXPECTED)
    def get_client(self, **query: Any) -> dict[str, Any]:
        command = load(schemas.ClientQuery, query)
        return dump(schemas.ClientOut, use_cases.get_client(self.db, command))

    # Kept without the code; a repeat of the recorded reveal is shown it again.
    @command(expected_exceptions=EXPECTED, kept=lambda revealed: {"client_id": revealed["client_id"]},
             recall=lambda service, kept: service.code_again(kept))
    def reveal_personal_identity_code(self, **query: Any) -> dict[str, Any]:
        """The one answer that carries the code; who asked, when and why is recorded first."""
        command = load(schemas.RevealIdentityCode, query)
        revealed = use_cases.reveal_personal_identity_code(self.db, command, codes=self.identity_codes,
                                                           now=self.clock())
        return dump(schemas.RevealedCodeOut, revealed)

    @rpc(expected_exceptions=EXPECTED)
    def identity_code_reveals(self, **query: Any) -> list[dict[str, Any]]:
        """Who has been shown the client's personal identity code, when and why."""
        command = load(schemas.ClientQuery, query)
        return dump_many(schemas.IdentityCodeRevealOut, use_cases.identity_code_reveals(self.db, command))

    def client_again(self, kept: dict[str, Any]) -> dict[str, Any]:
        """A repeated registration's answer: the client it registered, as it is now."""
        return dump(schemas.ClientOut, use_cases.get_client(self.db, {"client_id": kept["id"]}))

    def code_again(self, kept: dict[str, Any]) -> dict[str, Any]:
        """A repeated reveal's answer: the code, once more, for the reveal already recorded."""
        client = use_cases.get_client(self.db, {"client_id": kept["client_id"]})
        return dump(schemas.RevealedCodeOut, use_cases.RevealedCode(
            client.id, self.identity_codes.decrypt(client.identity_ciphertext)))

    # -- the team -----------------------------------------------------------------------

    @command(expected_exceptions=EXPECTED)
    def create_team(self, **team: Any) -> dict[str, Any]:
        command = load(schemas.CreateTeam, team)
        return dump(schemas.TeamOut, use_cases.create_team(self.db, command, now=self.clock()))

    @command(expected_exceptions=EXPECTED)
    def add_member(self, **member: Any) -> dict[str, Any]:
        command = load(schemas.AddMember, member)
        added = use_cases.add_member(self.db, command, gate=self.consent_gate, now=self.clock())
        return dump(schemas.MemberOut, added)

    @command(expected_exceptions=EXPECTED)
    def remove_member(self, **removal: Any) -> dict[str, Any]:
        command = load(schemas.RemoveMember, removal)
        return dump(schemas.MemberOut, use_cases.remove_member(self.db, command, now=self.clock()))

    @command(expected_exceptions=EXPECTED)
    def hand_over(self, **handover: Any) -> dict[str, Any]:
        """Make another social welfare professional the key worker; the history stays."""
        command = load(schemas.HandOver, handover)
        return dump(schemas.TeamOut, use_cases.hand_over(self.db, command, now=self.clock()))

    @command(expected_exceptions=EXPECTED)
    def change_team_status(self, **change: Any) -> dict[str, Any]:
        command = load(schemas.ChangeTeamStatus, change)
        return dump(schemas.TeamOut, use_cases.change_team_status(self.db, command, now=self.clock()))

    @rpc(expected_exceptions=EXPECTED)
    def get_team(self, **query: Any) -> dict[str, Any]:
        command = load(schemas.TeamQuery, query)
        return dump(schemas.TeamOut, use_cases.get_team(self.db, command))

    @rpc(expected_exceptions=EXPECTED)
    def my_clients(self, **query: Any) -> list[dict[str, Any]]:
        """The open teams where a professional is key worker or an active member."""
        command = load(schemas.ProfessionalQuery, query)
        return dump_many(schemas.InvolvementOut, use_cases.my_clients(self.db, command))

    # -- consent changes ----------------------------------------------------------------
    # The method names are the consumer keys and queue names: renaming one starts a new queue.

    @event_handler(contracts.CONSENT_GRANTED)
    def on_consent_granted(self, event: ReceivedEvent) -> None:
        use_cases.consent_granted(self.db, event, gate=self.consent_gate)

    @event_handler(contracts.DENIAL_LIFTED)
    def on_denial_lifted(self, event: ReceivedEvent) -> None:
        use_cases.denial_lifted(self.db, event, gate=self.consent_gate)

    @event_handler(contracts.CONSENT_WITHDRAWN)
    def on_consent_withdrawn(self, event: ReceivedEvent) -> None:
        use_cases.consent_withdrawn(self.db, event, gate=self.consent_gate)

    @event_handler(contracts.CONSENT_EXPIRED)
    def on_consent_expired(self, event: ReceivedEvent) -> None:
        use_cases.consent_expired(self.db, event, gate=self.consent_gate)

    @event_handler(contracts.DENIAL_RECORDED)
    def on_denial_recorded(self, event: ReceivedEvent) -> None:
        use_cases.denial_recorded(self.db, event, gate=self.consent_gate)

    @configured_timer("RECHECK_INTERVAL", default=30.0)
    def recheck_pending(self) -> int:
        """Members left pending (the consent service did not answer) are asked about again."""
        return use_cases.recheck_pending(self.db, gate=self.consent_gate)
