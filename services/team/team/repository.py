"""The team service's unit of work and its repositories."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from team.models import Client, IdentityCodeReveal, KeyWorkerPeriod, Member, Team, TeamStatusChange
from team.rules import OPEN_MEMBER_STATUSES
from tiimi_shared.database import UnitOfWork
from tiimi_shared.errors import NotFound
from tiimi_shared.vocabulary import MemberKind, MemberStatus, TeamStatus


class Clients:
    def __init__(self, session: Session):
        self.session = session

    def add(self, client: Client) -> None:
        self.session.add(client)

    def names(self, client_ids: Iterable[str]) -> dict[str, str]:
        """The clients' names by id, in one query."""
        rows = self.session.execute(sa.select(Client.id, Client.name).where(
            Client.id.in_([str(i) for i in client_ids]))).tuples()
        return {client_id: name for client_id, name in rows}

    def get(self, client_id: str) -> Client:
        client = self.session.get(Client, str(client_id))
        if client is None:
            raise NotFound("client", str(client_id))
        return client

    def by_lookup(self, lookup: str) -> Client | None:
        return self.session.scalars(sa.select(Client).where(Client.identity_lookup == lookup)).first()

    def record_reveal(self, reveal: IdentityCodeReveal) -> None:
        self.session.add(reveal)

    def reveals_of(self, client_id: str) -> list[IdentityCodeReveal]:
        return list(self.session.scalars(sa.select(IdentityCodeReveal).where(
            IdentityCodeReveal.client_id == str(client_id)).order_by(IdentityCodeReveal.position)))


class Teams:
    def __init__(self, session: Session):
        self.session = session

    def add(self, team: Team) -> None:
        self.session.add(team)

    def get(self, team_id: str, *, for_update: bool = False) -> Team:
        query = sa.select(Team).where(Team.id == str(team_id))
        if for_update:
            query = query.with_for_update()
        team = self.session.scalars(query).first()
        if team is None:
            raise NotFound("team", str(team_id))
        return team

    def of_client(self, client_id: str) -> Team | None:
        return self.session.scalars(sa.select(Team).where(Team.client_id == str(client_id))).first()

    def record_status(self, team: Team, status: str, at: datetime, by: str,
                      reason: str | None = None) -> None:
        team.status = status
        self.session.add(TeamStatusChange(team_id=team.id, status=status, at=at, by=by, reason=reason))

    def status_history(self, team_id: str) -> list[TeamStatusChange]:
        return list(self.session.scalars(sa.select(TeamStatusChange).where(
            TeamStatusChange.team_id == team_id).order_by(TeamStatusChange.position)))

    def key_worker(self, team_id: str) -> KeyWorkerPeriod:
        return self.session.scalars(sa.select(KeyWorkerPeriod).where(
            KeyWorkerPeriod.team_id == team_id, KeyWorkerPeriod.ended_at.is_(None))).one()

    def key_worker_history(self, team_id: str) -> list[KeyWorkerPeriod]:
        return list(self.session.scalars(sa.select(KeyWorkerPeriod).where(
            KeyWorkerPeriod.team_id == team_id).order_by(KeyWorkerPeriod.position)))

    def start_key_worker(self, period: KeyWorkerPeriod) -> None:
        self.session.add(period)

    def of_professional(self, professional_id: str) -> list[tuple[Team, str]]:
        """Open teams where the professional is key worker or an active member."""
        key_worker_of = set(self.session.scalars(sa.select(KeyWorkerPeriod.team_id).where(
            KeyWorkerPeriod.professional_id == professional_id, KeyWorkerPeriod.ended_at.is_(None))))
        member_of = set(self.session.scalars(sa.select(Member.team_id).where(
            Member.professional_id == professional_id, Member.status == MemberStatus.ACTIVE)))
        teams = self.session.scalars(sa.select(Team).where(
            Team.id.in_(key_worker_of | member_of), Team.status != TeamStatus.CLOSED
        ).order_by(Team.created_at))
        return [(team, "key_worker" if team.id in key_worker_of else "member") for team in teams]


class Members:
    def __init__(self, session: Session):
        self.session = session

    def add(self, member: Member) -> None:
        self.session.add(member)

    def pending_counts(self, team_ids: Iterable[str]) -> dict[str, int]:
        """How many members of each team wait for consent, in one query (teams with none are left out)."""
        rows = self.session.execute(sa.select(Member.team_id, sa.func.count()).where(
            Member.team_id.in_([str(i) for i in team_ids]),
            Member.status == MemberStatus.PENDING_CONSENT).group_by(Member.team_id)).tuples()
        return {team_id: count for team_id, count in rows}

    def get(self, team_id: str, member_id: str) -> Member:
        member = self.session.get(Member, str(member_id))
        if member is None or member.team_id != str(team_id):
            raise NotFound("member", str(member_id))
        return member

    def of_team(self, team_id: str, *, open_only: bool = False) -> list[Member]:
        query = sa.select(Member).where(Member.team_id == str(team_id))
        if open_only:
            query = query.where(Member.status.in_(OPEN_MEMBER_STATUSES))
        return list(self.session.scalars(query.order_by(Member.starts_on, Member.id)))

    def awaiting_consent(self, *, client_id: str | None = None, organisation: str | None = None,
                         member_ids: Iterable[str] | None = None, for_update: bool = False
                         ) -> list[tuple[Team, Member]]:
        """Members of other organisations pending or suspended for consent, on open teams.

        ``member_ids``: of these only. ``for_update``: their rows locked until the transaction
        ends, and read afresh once the lock is had (see ``_by_consent``).
        """
        return self._by_consent((MemberStatus.PENDING_CONSENT, MemberStatus.SUSPENDED), client_id,
                                organisation, member_ids, for_update)

    def active_by_consent(self, client_id: str, organisation: str | None, *, for_update: bool = False
                          ) -> list[tuple[Team, Member]]:
        """Members of other organisations active on open teams, by consent; None: of any organisation."""
        return self._by_consent((MemberStatus.ACTIVE,), client_id, organisation, None, for_update)

    def _by_consent(self, statuses: Iterable[str], client_id: str | None, organisation: str | None,
                    member_ids: Iterable[str] | None, for_update: bool) -> list[tuple[Team, Member]]:
        """Professional members whose membership rests on consent: of another organisation.

        With ``for_update`` the members' rows (not their teams') are locked, in the order of
        their ids, so two writers lock in the same order. A writer that waited for the lock
        gets the rows as the other left them: PostgreSQL checks the statuses again on the
        newest version, and the session's copies are overwritten. So a member another
        transaction has just activated is not found as pending. SQLite has no row locks
        (its units of work take turns) and the clause is left out.
        """
        query = (sa.select(Team, Member).join(Member, Member.team_id == Team.id)
                 .where(Member.status.in_(statuses), Member.kind == MemberKind.PROFESSIONAL,
                        Member.organisation != Team.organisation, Team.status != TeamStatus.CLOSED))
        if client_id is not None:
            query = query.where(Team.client_id == str(client_id))
        if organisation is not None:
            query = query.where(Member.organisation == organisation)
        if member_ids is not None:
            query = query.where(Member.id.in_([str(i) for i in member_ids]))
        query = query.order_by(Member.id)
        if for_update:
            query = query.with_for_update(of=Member).execution_options(populate_existing=True)
        return [(team, member) for team, member in self.session.execute(query)]


class TeamUnitOfWork(UnitOfWork):
    clients: Clients
    teams: Teams
    members: Members

    def __enter__(self) -> TeamUnitOfWork:
        super().__enter__()
        self.clients = Clients(self.session)
        self.teams = Teams(self.session)
        self.members = Members(self.session)
        return self

    def flush(self) -> None:
        """Write what was added so far, so later rows may refer to it; commits nothing."""
        self.session.flush()
