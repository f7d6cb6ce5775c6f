"""Referrals lose their index of every row by status.

Every query by status also names a client or an organisation, each indexed, and the
deadline sweep reads ``ix_referrals_awaiting_chase``. Once a referral's row grew wide
(its content sealed at rest), PostgreSQL read the sweep through the status index, which
holds every waiting referral, answered or escalated long ago, instead of the sweep's own.
One index fewer to keep up on every write, too.

Revision ID: 0006
Revises: 0005
"""
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_referrals_status", "referrals", if_exists=True)


def downgrade() -> None:
    op.create_index("ix_referrals_status", "referrals", ["status"], if_not_exists=True)
