"""Emergency access (break the glass): each window a professional outside the client's team opened.

Revision ID: 0007
Revises: 0006
"""
import sqlalchemy as sa
from alembic import op

from tiimi_shared.database import UTCDateTime

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "emergency_accesses",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("client_id", sa.String(36), nullable=False, index=True),
        sa.Column("professional", sa.String(64), nullable=False),
        sa.Column("organisation", sa.String(64), nullable=False),
        sa.Column("reason", sa.String(40), nullable=False),
        sa.Column("explanation", sa.String(2000), nullable=False),
        sa.Column("key_worker_id", sa.String(64)),
        sa.Column("opened_at", UTCDateTime(), nullable=False),
        sa.Column("ends_at", UTCDateTime(), nullable=False),
        sa.Column("reviewed_at", UTCDateTime(), index=True),
        sa.Column("reviewed_by", sa.String(64)),
    )


def downgrade() -> None:
    op.drop_table("emergency_accesses")
