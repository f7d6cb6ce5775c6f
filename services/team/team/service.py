"""The team service's entrypoints: validate, run the use case, answer.

For now it holds the client register; the team itself is still to come.
Every RPC takes keyword arguments only.
"""
from __future__ import annotations

import uuid

from marshmallow import ValidationError as MarshmallowError
from nameko.rpc import rpc
from sqlalchemy.exc import IntegrityError

from team import schemas
from team.dependencies import IdentityCodes
from team.models import Client
from team.repository import TeamUnitOfWork
from tiimi_shared.clock import Clock
from tiimi_shared.correlation import Correlation
from tiimi_shared.database import Database
from tiimi_shared.errors import EXPECTED, Conflict, NotFound, from_marshmallow
from tiimi_shared.logging import get_logger

log = get_logger(__name__)

DUPLICATE = "a client with this personal identity code is already registered"


def load(schema: type, payload: dict) -> dict:
    try:
        return schema().load(payload)
    except MarshmallowError as error:
        raise from_marshmallow(error) from None


class TeamService:
    name = "team"

    db = Database(TeamUnitOfWork)
    clock = Clock()
    correlation_id = Correlation()
    identity_codes = IdentityCodes()

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
