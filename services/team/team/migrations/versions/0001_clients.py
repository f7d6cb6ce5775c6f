"""The client register and the kernel tables.

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


def upgrade() -> None:
    op.create_table(
        "clients",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("identity_ciphertext", sa.String(300), nullable=False),
        sa.Column("identity_lookup", sa.String(64), nullable=False, unique=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("preferred_language", sa.String(2), nullable=False),
        sa.Column("contact", sa.JSON, nullable=False),
        sa.Column("municipality", sa.String(3), nullable=False),
        sa.Column("registered_by", sa.String(64), nullable=False),
        sa.Column("registered_at", UTCDateTime(), nullable=False),
    )
    create_kernel_tables(op.get_bind())


def downgrade() -> None:
    drop_kernel_tables(op.get_bind())
    op.drop_table("clients")
