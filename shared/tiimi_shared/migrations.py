"""Alembic, one migration history per service, configured from code.

A service keeps its history in ``<package>/migrations`` with an ``env.py``
that calls :func:`run_env`; no ``alembic.ini`` is needed.
"""
from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command, context, op
from alembic.config import Config

from tiimi_shared.config import database_url
from tiimi_shared.tables import COMMAND_KEYS_AGE_INDEX, command_keys_table, kernel_tables


def alembic_config(script_location: str | Path, url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(script_location))
    config.set_main_option("sqlalchemy.url", database_url(url).replace("%", "%%"))
    return config


def upgrade(script_location: str | Path, url: str, revision: str = "head") -> None:
    if database_url(url).startswith("sqlite:///"):
        Path(database_url(url)[len("sqlite:///"):]).parent.mkdir(parents=True, exist_ok=True)
    command.upgrade(alembic_config(script_location, url), revision)


def run_env(target_metadata: sa.MetaData) -> None:
    """The body of every service's ``env.py``: online migrations on one connection."""
    url = context.config.get_main_option("sqlalchemy.url")
    if url is None:
        raise RuntimeError("the alembic config names no sqlalchemy.url (see alembic_config)")
    # A data migration's failure must not log the rows it moved (see database.make_engine).
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool, hide_parameters=True)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata,
                          render_as_batch=connection.dialect.name == "sqlite")
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


def create_kernel_tables(bind: sa.engine.Connection) -> None:
    """For a service's first migration: the outbox, processed-event and command-key tables."""
    metadata = sa.MetaData()
    kernel_tables(metadata)
    metadata.create_all(bind)


def create_command_keys(bind: sa.engine.Connection) -> None:
    """For a database made before the kernel kept command keys: their table, once."""
    metadata = sa.MetaData()
    command_keys_table(metadata).create(bind, checkfirst=True)


def drop_command_keys(bind: sa.engine.Connection) -> None:
    metadata = sa.MetaData()
    command_keys_table(metadata).drop(bind, checkfirst=True)


def index_command_keys_by_age() -> None:
    """For a database made before the kernel swept command keys: their index by age, once."""
    op.create_index(COMMAND_KEYS_AGE_INDEX, "command_keys", ["recorded_at"], if_not_exists=True)


def unindex_command_keys_by_age() -> None:
    op.drop_index(COMMAND_KEYS_AGE_INDEX, table_name="command_keys", if_exists=True)


def seal_command_key_answers() -> None:
    """A sealed answer is text: on PostgreSQL the column becomes ``text`` (SQLite takes any text)."""
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column("command_keys", "answer", type_=sa.Text(), existing_type=sa.JSON(),
                        postgresql_using="answer::text")


def unseal_command_key_answers() -> None:
    """Back to JSON: holds only while no answer is sealed."""
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column("command_keys", "answer", type_=sa.JSON(), existing_type=sa.Text(),
                        postgresql_using="answer::json")


def drop_kernel_tables(bind: sa.engine.Connection) -> None:
    metadata = sa.MetaData()
    kernel_tables(metadata)
    metadata.drop_all(bind)
