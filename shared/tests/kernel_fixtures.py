"""A tiny service model for testing the kernel on a real database."""
import sqlalchemy as sa
from sqlalchemy.orm import sessionmaker

from tiimi_shared import contracts
from tiimi_shared.database import UnitOfWork, kernel_tables, make_engine

metadata = sa.MetaData()
kernel_tables(metadata)
effects = sa.Table(
    "effects", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("event_id", sa.String(36), nullable=False),
)


def prepare(url: str):
    engine = make_engine(url)
    metadata.create_all(engine)
    sessions = sessionmaker(engine, expire_on_commit=False)

    def unit_of_work(correlation_id=None):
        return UnitOfWork(sessions, source="consent", registry=contracts.registry,
                          correlation_id=correlation_id)

    return engine, unit_of_work


def count(engine, table, where=None) -> int:
    query = sa.select(sa.func.count()).select_from(table)
    if where is not None:
        query = query.where(where)
    with engine.connect() as connection:
        return connection.execute(query).scalar_one()
