"""The disclosure log takes entries unchained: an insertion id, and seq, prev_hash and hash
set later by the sequencer; seq 64-bit.

Each entry keeps its seq, hashes and head; an existing entry's insertion id is its seq, so
its place in the chain and every hash stay as they were and the chain still verifies.

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

from tiimi_shared.database import UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

COPIED = ("seq", "entry_id", "kind", "at", "client_id", "organisation", "professional", "category",
          "purpose", "outcome", "reason", "consent_id", "denial_id", "correlation_id", "prev_hash", "hash")


def _sqlite_log(name: str, *, unchained: bool) -> sa.Table:
    """The log table as SQLite keeps it: before this revision, or after it (``unchained``)."""
    key = ([sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
            sa.Column("seq", sa.BigInteger, unique=True)] if unchained
           else [sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False)])
    return sa.Table(
        name, sa.MetaData(), *key,
        sa.Column("entry_id", sa.String(36), nullable=False, unique=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("client_id", sa.String(36)),
        sa.Column("organisation", sa.String(64)),
        sa.Column("professional", sa.String(64)),
        sa.Column("category", sa.String(30)),
        sa.Column("purpose", sa.String(40)),
        sa.Column("outcome", sa.String(10), nullable=False),
        sa.Column("reason", sa.String(40), nullable=False),
        sa.Column("consent_id", sa.String(36)),
        sa.Column("denial_id", sa.String(36)),
        sa.Column("correlation_id", sa.String(64)),
        sa.Column("prev_hash", sa.String(64), nullable=unchained),
        sa.Column("hash", sa.String(64), nullable=unchained),
    )


def _rebuild_sqlite(*, unchained: bool) -> None:
    """SQLite cannot change a primary key in place: copy the rows into the table as it becomes."""
    bind = op.get_bind()
    op.drop_index("ix_disclosure_log_client_id", "disclosure_log")
    if not unchained:
        op.drop_index("ix_disclosure_log_unchained", "disclosure_log")
    op.rename_table("disclosure_log", "disclosure_log_before")
    _sqlite_log("disclosure_log", unchained=unchained).create(bind)
    columns = ", ".join(COPIED)
    key = "seq, " if unchained else ""
    bind.execute(sa.text(f"INSERT INTO disclosure_log ({'id, ' if unchained else ''}{columns}) "
                         f"SELECT {key}{columns} FROM disclosure_log_before ORDER BY seq"))
    op.drop_table("disclosure_log_before")
    op.create_index("ix_disclosure_log_client_id", "disclosure_log", ["client_id"])
    if unchained:
        op.create_index("ix_disclosure_log_unchained", "disclosure_log", ["id"],
                        sqlite_where=sa.text("seq IS NULL"))


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _rebuild_sqlite(unchained=True)
        return
    for statement in (
        "ALTER TABLE disclosure_log DROP CONSTRAINT disclosure_log_pkey",
        "ALTER TABLE disclosure_log ADD COLUMN id BIGINT",
        "UPDATE disclosure_log SET id = seq",
        "ALTER TABLE disclosure_log ALTER COLUMN id SET NOT NULL",
        "ALTER TABLE disclosure_log ADD CONSTRAINT disclosure_log_pkey PRIMARY KEY (id)",
        "CREATE SEQUENCE disclosure_log_id_seq OWNED BY disclosure_log.id",
        "SELECT setval('disclosure_log_id_seq', COALESCE(MAX(id), 0) + 1, false) FROM disclosure_log",
        "ALTER TABLE disclosure_log ALTER COLUMN id SET DEFAULT nextval('disclosure_log_id_seq')",
        "ALTER TABLE disclosure_log ALTER COLUMN seq TYPE BIGINT, ALTER COLUMN seq DROP NOT NULL, "
        "ALTER COLUMN prev_hash DROP NOT NULL, ALTER COLUMN hash DROP NOT NULL",
        "ALTER TABLE disclosure_log ADD CONSTRAINT disclosure_log_seq_key UNIQUE (seq)",
        "CREATE INDEX ix_disclosure_log_unchained ON disclosure_log (id) WHERE seq IS NULL",
        "ALTER TABLE disclosure_log_head ALTER COLUMN seq TYPE BIGINT",
    ):
        op.execute(statement)


def downgrade() -> None:
    unchained = op.get_bind().execute(
        sa.text("SELECT count(*) FROM disclosure_log WHERE seq IS NULL")).scalar_one()
    if unchained:
        # Going back would have to drop them: chain them first (run the consent service).
        raise RuntimeError(f"{unchained} disclosure log entries are not chained yet; "
                           "run the consent service until they are, then downgrade")
    if op.get_bind().dialect.name == "sqlite":
        _rebuild_sqlite(unchained=False)
        return
    for statement in (
        "DROP INDEX ix_disclosure_log_unchained",
        "ALTER TABLE disclosure_log DROP CONSTRAINT disclosure_log_seq_key",
        "ALTER TABLE disclosure_log DROP CONSTRAINT disclosure_log_pkey",
        "ALTER TABLE disclosure_log DROP COLUMN id",
        "ALTER TABLE disclosure_log ALTER COLUMN seq TYPE INTEGER, ALTER COLUMN seq SET NOT NULL, "
        "ALTER COLUMN prev_hash SET NOT NULL, ALTER COLUMN hash SET NOT NULL",
        "ALTER TABLE disclosure_log ADD CONSTRAINT disclosure_log_pkey PRIMARY KEY (seq)",
        "ALTER TABLE disclosure_log_head ALTER COLUMN seq TYPE INTEGER",
    ):
        op.execute(statement)
