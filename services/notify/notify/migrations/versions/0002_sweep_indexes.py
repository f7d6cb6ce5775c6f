"""The delivery sweep and the outbox relay read through partial indexes.

``ix_deliveries_waiting`` holds the deliveries waiting for their next attempt, keyed by
``next_attempt_at``; ``ix_deliveries_claimed`` those a sender has claimed, keyed by
``lease_until``; ``ix_outbox_pending`` only the outbox rows not yet published, in order.
Each sweep then costs what is due, not what is kept (sent and dead deliveries are in
neither index). The full index on ``next_attempt_at`` goes: the waiting index serves the
sweep, its only reader, and holds only the deliveries that have a next attempt. The
outbox's full index on ``published_at`` goes: the new one holds only the backlog, in the
relay's order, where the full one held every row and every publish had to update it.

A database made from nothing already has the outbox's new index (the first revision makes
the kernel tables as the kernel now defines them), so that part is written to be a no-op
there.

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

WAITING_FOR_ATTEMPT = "status IN ('queued', 'failed')"
CLAIMED = "status = 'sending'"
UNPUBLISHED = "published_at IS NULL"


def upgrade() -> None:
    op.create_index("ix_deliveries_waiting", "deliveries", ["next_attempt_at"],
                    postgresql_where=sa.text(WAITING_FOR_ATTEMPT), sqlite_where=sa.text(WAITING_FOR_ATTEMPT))
    op.create_index("ix_deliveries_claimed", "deliveries", ["lease_until"],
                    postgresql_where=sa.text(CLAIMED), sqlite_where=sa.text(CLAIMED))
    op.drop_index("ix_deliveries_next_attempt_at", "deliveries")
    op.drop_index("ix_outbox_published_at", "outbox", if_exists=True)
    op.create_index("ix_outbox_pending", "outbox", ["position"], if_not_exists=True,
                    postgresql_where=sa.text(UNPUBLISHED), sqlite_where=sa.text(UNPUBLISHED))


def downgrade() -> None:
    op.drop_index("ix_outbox_pending", "outbox", if_exists=True)
    op.create_index("ix_outbox_published_at", "outbox", ["published_at"], if_not_exists=True)
    op.create_index("ix_deliveries_next_attempt_at", "deliveries", ["next_attempt_at"])
    op.drop_index("ix_deliveries_claimed", "deliveries")
    op.drop_index("ix_deliveries_waiting", "deliveries")
