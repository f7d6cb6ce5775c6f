"""The team's personal data at rest: rows from before the data keys, the migration, and rotate-keys.

On SQLite and PostgreSQL: clients and members written as revision 0005 kept them
(name and contact in plain text, the identity code a bare Fernet token under
TIIMI_IDENTITY_KEY) read unchanged after migration 0006, and one rotation leaves
every value sealed under the newest data key, readable without the identity key.
"""
from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet
from sqlalchemy.orm import Session

import team
from team.identity import PersonalIdentityCodes, new_keys
from team.models import Base, Client, Member
from team.repository import Clients
from tiimi_shared import migrations, sealed
from tiimi_shared.database import make_engine

pytestmark = pytest.mark.integration

MIGRATIONS = Path(team.__file__).parent / "migrations"
NOW = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
CODE = "131052-308T"
PLAINTEXT = ("Maija Meikäläinen", "maija@example.fi", "+358 40 123 4567", "Eila Meikäläinen",
             "eila@example.fi", CODE, "131052")


@pytest.fixture
def engine(database_url: str) -> Iterator[sa.Engine]:
    migrations.upgrade(MIGRATIONS, database_url, "0005")
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


def write_as_before(engine: sa.Engine, identity_key: str, lookup: str) -> tuple[str, str]:
    """A client with a team and a close one, as revision 0005 stored them."""
    tables = sa.MetaData()
    clients, teams, members = (sa.Table(name, tables, autoload_with=engine)
                               for name in ("clients", "teams", "members"))
    client_id, team_id, member_id = (str(uuid.uuid4()) for _ in range(3))
    with engine.begin() as connection:
        connection.execute(clients.insert(), {
            "id": client_id,
            "identity_ciphertext": Fernet(identity_key.encode()).encrypt(CODE.encode()).decode(),
            "identity_lookup": lookup, "name": "Maija Meikäläinen", "preferred_language": "fi",
            "contact": {"email": "maija@example.fi", "phone": "+358 40 123 4567"}, "municipality": "837",
            "registered_by": "sw-1", "registered_at": NOW})
        connection.execute(teams.insert(), {"id": team_id, "client_id": client_id,
                                            "organisation": "0123456-7", "status": "active",
                                            "created_by": "sw-1", "created_at": NOW})
        connection.execute(members.insert(), {
            "id": member_id, "team_id": team_id, "kind": "close_one", "name": "Eila Meikäläinen",
            "relation": "parent", "contact": {"email": "eila@example.fi"}, "status": "active",
            "starts_on": NOW, "added_by": "sw-1"})
    return client_id, member_id


def raw_values(engine: sa.Engine) -> list[str]:
    """What the database holds in the sealed columns, read past the column types."""
    with engine.connect() as connection:
        rows = connection.execute(sa.text("SELECT name, contact, identity_ciphertext FROM clients")).all()
        rows += connection.execute(sa.text("SELECT name, contact, NULL FROM members")).all()
    return [str(value) for row in rows for value in row if value is not None]


def read(engine: sa.Engine, client_id: str, member_id: str) -> tuple[str, dict[str, str], str | None,
                                                                      dict[str, str], str]:
    with Session(engine) as session:
        client, member = session.get_one(Client, client_id), session.get_one(Member, member_id)
        return (client.name, client.contact, member.name, member.contact, client.identity_ciphertext)


def test_rows_from_before_read_unchanged_and_rotation_seals_them_all(engine, database_url):
    identity_key, lookup_key = new_keys()
    codes = PersonalIdentityCodes(identity_key, lookup_key)
    client_id, member_id = write_as_before(engine, identity_key, codes.lookup_hash(CODE))
    migrations.upgrade(MIGRATIONS, database_url)
    new = sealed.Keyring([("2026-11", sealed.new_key())])

    with sealed.using(new):
        name, contact, member_name, member_contact, stored_code = read(engine, client_id, member_id)
        assert name == "Maija Meikäläinen"
        assert contact == {"email": "maija@example.fi", "phone": "+358 40 123 4567"}
        assert (member_name, member_contact) == ("Eila Meikäläinen", {"email": "eila@example.fi"})
        assert codes.decrypt(stored_code) == CODE

        report = sealed.rotate_until_done(engine, Base.metadata, new, legacy_keys=[identity_key])[-1]
        assert report.outside_newest == 0 and not report.unreadable
        assert report.columns["clients.identity_ciphertext"].by_key == {"2026-11": 1}

        stored = raw_values(engine)
        assert len(stored) == 5 and all(sealed.key_of(value) == "2026-11" for value in stored)
        assert not [text for text in PLAINTEXT if any(text in value for value in stored)]
        assert read(engine, client_id, member_id)[:4] == (name, contact, member_name, member_contact)
        with Session(engine) as session:
            assert Clients(session).names([client_id]) == {client_id: "Maija Meikäläinen"}
        # The identity key is needed no more: the code opens with the data keys alone.
        assert PersonalIdentityCodes(None, lookup_key).decrypt(read(engine, client_id, member_id)[4]) == CODE


def test_a_code_sealed_before_the_data_keys_needs_the_identity_key_until_rotated():
    identity_key, lookup_key = new_keys()
    token = Fernet(identity_key.encode()).encrypt(CODE.encode()).decode()
    with pytest.raises(RuntimeError, match="TIIMI_IDENTITY_KEY") as refused:
        PersonalIdentityCodes(None, lookup_key).decrypt(token)
    assert CODE not in str(refused.value)
    assert PersonalIdentityCodes(identity_key, lookup_key).decrypt(token) == CODE


def test_the_service_refuses_to_start_without_data_keys(monkeypatch):
    from team.identity import IdentityKeysMissing

    monkeypatch.delenv("TIIMI_DATA_KEYS")
    sealed.install(None)
    try:
        with pytest.raises(IdentityKeysMissing, match="TIIMI_DATA_KEYS"):
            PersonalIdentityCodes(*new_keys())
    finally:
        sealed.install(None)
