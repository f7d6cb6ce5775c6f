"""Alembic, one migration history per service, configured from code.

A service keeps its history in ``<package>/migrations`` with an ``env.py``
that calls :func:`run_env`; no ``alembic.ini`` is needed.
"""
from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command, context
from alembic.config import Config

from tiimi_shared.config import database_url
from tiimi_shared.tables import command_keys_table, kernel_tables


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
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
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


def drop_kernel_tables(bind: sa.engine.Connection) -> None:
    metadata = sa.MetaData()
    kernel_tables(metadata)
    metadata.drop_all(bind)
