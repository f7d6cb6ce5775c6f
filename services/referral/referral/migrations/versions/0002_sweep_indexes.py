"""The deadline sweep and both outbox relays read through partial indexes.

``ix_referrals_awaiting_chase`` holds the referrals still waiting for an answer whose
reminder or escalation has not been made yet, keyed by ``accept_by``.
``ix_outbox_pending`` and ``ix_partner_outbox_pending`` hold only the rows not yet
published, in order. Each sweep then costs what is due, not what is kept. The outboxes'
full indexes on ``published_at`` go: the new ones hold only the backlog, in the relays'
order, where the full ones held every row and every publish had to update them.

A database made from nothing already has the outboxes' new indexes (the first revision
makes them as the kernel now defines them), so that part is written to be a no-op there.

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

AWAITING_CHASE = "status = 'requested' AND (reminded_at IS NULL OR escalated_at IS NULL)"
UNPUBLISHED = "published_at IS NULL"
OUTBOXES = ("outbox", "partner_outbox")


def upgrade() -> None:
    op.create_index("ix_referrals_awaiting_chase", "referrals", ["accept_by"],
                    postgresql_where=sa.text(AWAITING_CHASE), sqlite_where=sa.text(AWAITING_CHASE))
    for outbox in OUTBOXES:
        op.drop_index(f"ix_{outbox}_published_at", outbox, if_exists=True)
        op.create_index(f"ix_{outbox}_pending", outbox, ["position"], if_not_exists=True,
                        postgresql_where=sa.text(UNPUBLISHED), sqlite_where=sa.text(UNPUBLISHED))


def downgrade() -> None:
    for outbox in OUTBOXES:
        op.drop_index(f"ix_{outbox}_pending", outbox, if_exists=True)
        op.create_index(f"ix_{outbox}_published_at", outbox, ["published_at"], if_not_exists=True)
    op.drop_index("ix_referrals_awaiting_chase", "referrals")
