"""Who was shown a client's personal identity code, when and why.

Revision ID: 0003
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op

from tiimi_shared.database import UTCDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "identity_code_reveals",
        sa.Column("position", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("client_id", sa.String(36), sa.ForeignKey("clients.id"), nullable=False, index=True),
        sa.Column("requested_by", sa.String(64), nullable=False),
        sa.Column("reason", sa.String(1000), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("identity_code_reveals")
