"""The team service's unit of work and its repositories."""
from __future__ import annotations

import sqlalchemy as sa

from team.models import Client
from tiimi_shared.database import UnitOfWork
from tiimi_shared.errors import NotFound


class Clients:
    def __init__(self, session):
        self.session = session

    def add(self, client: Client) -> None:
        self.session.add(client)

    def get(self, client_id: str) -> Client:
        client = self.session.get(Client, str(client_id))
        if client is None:
            raise NotFound("client", str(client_id))
        return client

    def by_lookup(self, lookup: str) -> Client | None:
        return self.session.scalars(sa.select(Client).where(Client.identity_lookup == lookup)).first()


class TeamUnitOfWork(UnitOfWork):
    def __enter__(self):
        super().__enter__()
        self.clients = Clients(self.session)
        return self
