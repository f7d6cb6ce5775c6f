"""Referrals, their history, the key-worker projection, and the outboxes.

Revision ID: 0001
Revises:
"""
import sqlalchemy as sa
from alembic import op

from tiimi_shared.database import UTCDateTime, outbox_table
from tiimi_shared.migrations import create_kernel_tables, drop_kernel_tables

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    create_kernel_tables(bind)
    metadata = sa.MetaData()
    outbox_table(metadata, "partner_outbox")
    metadata.create_all(bind)
    op.create_table(
        "referrals",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("client_id", sa.String(36), nullable=False, index=True),
        sa.Column("requesting_organisation", sa.String(64), nullable=False, index=True),
        sa.Column("requested_by", sa.String(64), nullable=False),
        sa.Column("target_organisation", sa.String(64), nullable=False, index=True),
        sa.Column("service", sa.String(60), nullable=False),
        sa.Column("priority", sa.String(10), nullable=False),
        sa.Column("reason", sa.String(2000), nullable=False),
        sa.Column("share", sa.JSON, nullable=False),
        sa.Column("shared", sa.JSON, nullable=False),
        sa.Column("withheld", sa.JSON, nullable=False),
        sa.Column("status", sa.String(20), nullable=False, index=True),
        sa.Column("outcome", sa.JSON, nullable=True),
        sa.Column("accept_by", UTCDateTime(), nullable=False),
        sa.Column("escalate_by", UTCDateTime(), nullable=False),
        sa.Column("reminded_at", UTCDateTime(), nullable=True),
        sa.Column("escalated_at", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "referral_steps",
        sa.Column("position", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("referral_id", sa.String(36), sa.ForeignKey("referrals.id"), nullable=False, index=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("from_status", sa.String(20), nullable=True),
        sa.Column("to_status", sa.String(20), nullable=True),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("by", sa.String(64), nullable=False),
        sa.Column("by_organisation", sa.String(64), nullable=True),
        sa.Column("reason", sa.String(1000), nullable=True),
        sa.Column("detail", sa.JSON, nullable=False),
    )
    op.create_table(
        "key_workers",
        sa.Column("client_id", sa.String(36), primary_key=True),
        sa.Column("key_worker_id", sa.String(64), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("key_workers")
    op.drop_table("referral_steps")
    op.drop_table("referrals")
    op.drop_table("partner_outbox")
    drop_kernel_tables(op.get_bind())
