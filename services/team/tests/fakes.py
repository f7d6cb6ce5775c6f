"""In-memory repositories of the team service, for use-case tests with no database.

Each has the methods of its SQL twin in team/repository.py and answers in the
same order; ``FakeTeamUnitOfWork`` puts them in the kernel's in-memory unit
of work, which validates every event against the catalogue.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

from team.models import Client, IdentityCodeReveal, KeyWorkerPeriod, Member, Team, TeamStatusChange
from team.rules import OPEN_MEMBER_STATUSES
from tiimi_shared.errors import NotFound
from tiimi_shared.testing.fakes import FIXED_NOW, InMemoryUnitOfWork
from tiimi_shared.vocabulary import MemberKind, MemberStatus, TeamStatus


class Clients:
    def __init__(self) -> None:
        self.rows: dict[str, Client] = {}
        self.reveals: list[IdentityCodeReveal] = []

    def add(self, client: Client) -> None:
        self.rows[client.id] = client

    def names(self, client_ids: Iterable[str]) -> dict[str, str]:
        wanted = {str(i) for i in client_ids}
        return {c.id: c.name for c in self.rows.values() if c.id in wanted}

    def get(self, client_id: str) -> Client:
        client = self.rows.get(str(client_id))
        if client is None:
            raise NotFound("client", str(client_id))
        return client

    def by_lookup(self, lookup: str) -> Client | None:
        return next((c for c in self.rows.values() if c.identity_lookup == lookup), None)

    def record_reveal(self, reveal: IdentityCodeReveal) -> None:
        self.reveals.append(reveal)

    def reveals_of(self, client_id: str) -> list[IdentityCodeReveal]:
        return [r for r in self.reveals if r.client_id == str(client_id)]


class Teams:
    def __init__(self) -> None:
        self.rows: dict[str, Team] = {}
        self.status_changes: list[TeamStatusChange] = []
        self.key_worker_periods: list[KeyWorkerPeriod] = []
        self.members: Members | None = None  # set by FakeTeamUnitOfWork: of_professional needs both

    def add(self, team: Team) -> None:
        self.rows[team.id] = team

    def get(self, team_id: str, *, for_update: bool = False) -> Team:
        team = self.rows.get(str(team_id))
        if team is None:
            raise NotFound("team", str(team_id))
        return team

    def of_client(self, client_id: str) -> Team | None:
        return next((t for t in self.rows.values() if t.client_id == str(client_id)), None)

    def record_status(self, team: Team, status: str, at: datetime, by: str,
                      reason: str | None = None) -> None:
        team.status = status
        self.status_changes.append(TeamStatusChange(team_id=team.id, status=status, at=at, by=by,
                                                    reason=reason))

    def status_history(self, team_id: str) -> list[TeamStatusChange]:
        return [change for change in self.status_changes if change.team_id == team_id]

    def key_worker(self, team_id: str) -> KeyWorkerPeriod:
        (current,) = [p for p in self.key_worker_periods if p.team_id == team_id and p.ended_at is None]
        return current

    def key_worker_history(self, team_id: str) -> list[KeyWorkerPeriod]:
        return [p for p in self.key_worker_periods if p.team_id == team_id]

    def start_key_worker(self, period: KeyWorkerPeriod) -> None:
        self.key_worker_periods.append(period)

    def of_professional(self, professional_id: str) -> list[tuple[Team, str]]:
        assert self.members is not None
        key_worker_of = {p.team_id for p in self.key_worker_periods
                         if p.professional_id == professional_id and p.ended_at is None}
        member_of = {m.team_id for m in self.members.rows.values()
                     if m.professional_id == professional_id and m.status == MemberStatus.ACTIVE}
        teams = sorted((t for t in self.rows.values()
                        if t.id in key_worker_of | member_of and t.status != TeamStatus.CLOSED),
                       key=lambda t: t.created_at)
        return [(team, "key_worker" if team.id in key_worker_of else "member") for team in teams]


class Members:
    def __init__(self, teams: Teams) -> None:
        self.rows: dict[str, Member] = {}
        self._teams = teams

    def add(self, member: Member) -> None:
        self.rows[member.id] = member

    def pending_counts(self, team_ids: Iterable[str]) -> dict[str, int]:
        wanted = {str(i) for i in team_ids}
        counts: dict[str, int] = {}
        for m in self.rows.values():
            if m.team_id in wanted and m.status == MemberStatus.PENDING_CONSENT:
                counts[m.team_id] = counts.get(m.team_id, 0) + 1
        return counts

    def get(self, team_id: str, member_id: str) -> Member:
        member = self.rows.get(str(member_id))
        if member is None or member.team_id != str(team_id):
            raise NotFound("member", str(member_id))
        return member

    def of_team(self, team_id: str, *, open_only: bool = False) -> list[Member]:
        found = [m for m in self.rows.values() if m.team_id == str(team_id)
                 and (not open_only or m.status in OPEN_MEMBER_STATUSES)]
        return sorted(found, key=lambda m: (m.starts_on, m.id))

    def awaiting_consent(self, *, client_id: str | None = None, organisation: str | None = None,
                         member_ids: Iterable[str] | None = None, for_update: bool = False
                         ) -> list[tuple[Team, Member]]:
        found = self._by_consent((MemberStatus.PENDING_CONSENT, MemberStatus.SUSPENDED), client_id,
                                 organisation)
        if member_ids is None:
            return found
        wanted = {str(i) for i in member_ids}
        return [(team, member) for team, member in found if member.id in wanted]

    def active_by_consent(self, client_id: str, organisation: str | None, *, for_update: bool = False
                          ) -> list[tuple[Team, Member]]:
        return self._by_consent((MemberStatus.ACTIVE,), client_id, organisation)

    def _by_consent(self, statuses: Iterable[str], client_id: str | None, organisation: str | None
                    ) -> list[tuple[Team, Member]]:
        statuses = tuple(statuses)
        found = []
        for member in sorted(self.rows.values(), key=lambda m: m.id):
            team = self._teams.rows[member.team_id]
            if (member.status in statuses and member.kind == MemberKind.PROFESSIONAL
                    and member.organisation is not None and member.organisation != team.organisation
                    and team.status != TeamStatus.CLOSED
                    and (client_id is None or team.client_id == str(client_id))
                    and (organisation is None or member.organisation == organisation)):
                found.append((team, member))
        return found


class FakeTeamUnitOfWork(InMemoryUnitOfWork):
    """The team's unit of work with no database: call it for itself, as the service calls ``db``."""

    def __init__(self, now: Callable[[], datetime] = lambda: FIXED_NOW) -> None:
        super().__init__(source="team", now=now)
        self.clients = Clients()
        self.teams = Teams()
        self.members = Members(self.teams)
        self.teams.members = self.members
