"""The consent losses the referral service has handled, for sends that race them.

A send asks the consent service before its write transaction; a withdrawal, an
expiry or a denial handled in between finds no shared referral yet, so it tells no
partner to stop. Each loss handled is kept here, in the order handled, and the send's
write transaction (under the same per-client lock the loss handler takes) withholds
every category a loss recorded after its check covers.

Revision ID: 0004
Revises: 0003
"""
import sqlalchemy as sa
from alembic import op

from tiimi_shared.database import UTCDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "consent_losses",
        sa.Column("position", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("client_id", sa.String(36), nullable=False),
        # None: every organisation (a denial that names none).
        sa.Column("organisation", sa.String(64), nullable=True),
        # The consent withdrawn or expired; None for a denial, which overrides every consent.
        sa.Column("consent_id", sa.String(36), nullable=True),
        sa.Column("categories", sa.JSON, nullable=False),
        sa.Column("because", sa.String(20), nullable=False),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_consent_losses_client", "consent_losses", ["client_id", "position"])


def downgrade() -> None:
    op.drop_index("ix_consent_losses_client", "consent_losses")
    op.drop_table("consent_losses")
