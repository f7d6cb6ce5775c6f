"""Consents, their history, denials, the disclosure log and the kernel tables.

Revision ID: 0001
Revises:
"""
import sqlalchemy as sa
from alembic import op

from tiimi_shared.database import UTCDateTime
from tiimi_shared.migrations import create_kernel_tables, drop_kernel_tables

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

GENESIS = "0" * 64


def upgrade() -> None:
    op.create_table(
        "consents",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("client_id", sa.String(36), nullable=False, index=True),
        sa.Column("given_by", sa.String(30), nullable=False),
        sa.Column("representative_relation", sa.String(40)),
        sa.Column("organisation", sa.String(64), nullable=False),
        sa.Column("professionals", sa.JSON, nullable=False),
        sa.Column("categories", sa.JSON, nullable=False),
        sa.Column("purposes", sa.JSON, nullable=False),
        sa.Column("valid_from", UTCDateTime(), nullable=False),
        sa.Column("valid_until", UTCDateTime()),
        sa.Column("method", sa.String(20), nullable=False),
        sa.Column("recorded_by", sa.String(64), nullable=False),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False, index=True),
        sa.Column("withdrawn_at", UTCDateTime()),
        sa.Column("withdrawn_by", sa.String(64)),
        sa.Column("withdrawal_reason", sa.String(1000)),
        sa.Column("expired_at", UTCDateTime()),
    )
    op.create_table(
        "consent_history",
        sa.Column("position", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("consent_id", sa.String(36), sa.ForeignKey("consents.id"), nullable=False, index=True),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("by", sa.String(64)),
        sa.Column("reason", sa.String(1000)),
    )
    op.create_table(
        "denials",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("client_id", sa.String(36), nullable=False, index=True),
        sa.Column("organisation", sa.String(64)),
        sa.Column("categories", sa.JSON, nullable=False),
        sa.Column("reason", sa.String(1000)),
        sa.Column("recorded_by", sa.String(64), nullable=False),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        sa.Column("lifted_at", UTCDateTime()),
        sa.Column("lifted_by", sa.String(64)),
        sa.Column("lift_reason", sa.String(1000)),
    )
    op.create_table(
        "disclosure_log",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("entry_id", sa.String(36), nullable=False, unique=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("client_id", sa.String(36), index=True),
        sa.Column("organisation", sa.String(64)),
        sa.Column("professional", sa.String(64)),
        sa.Column("category", sa.String(30)),
        sa.Column("purpose", sa.String(40)),
        sa.Column("outcome", sa.String(10), nullable=False),
        sa.Column("reason", sa.String(40), nullable=False),
        sa.Column("consent_id", sa.String(36)),
        sa.Column("denial_id", sa.String(36)),
        sa.Column("correlation_id", sa.String(64)),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )
    head = op.create_table(
        "disclosure_log_head",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )
    op.bulk_insert(head, [{"id": 1, "seq": 0, "hash": GENESIS}])
    create_kernel_tables(op.get_bind())


def downgrade() -> None:
    drop_kernel_tables(op.get_bind())
    for table in ("disclosure_log_head", "disclosure_log", "denials", "consent_history", "consents"):
        op.drop_table(table)
