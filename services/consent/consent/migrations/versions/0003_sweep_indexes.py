"""The expiry sweep and the outbox relay read through partial indexes.

``ix_consents_due_to_expire`` holds only active consents that have an end, keyed by the
end; ``ix_outbox_pending`` only the outbox rows not yet published, in order. Each sweep
then costs what is due, not what is kept. The outbox's full index on ``published_at``
goes: the new one holds only the backlog, in the relay's order, where the full one held
every row and every publish had to update it.

A database made from nothing already has the outbox's new index (the first revision makes
the kernel tables as the kernel now defines them), so that part is written to be a no-op
there.

Revision ID: 0003
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

ACTIVE_WITH_END = "status = 'active' AND valid_until IS NOT NULL"
UNPUBLISHED = "published_at IS NULL"


def upgrade() -> None:
    op.create_index("ix_consents_due_to_expire", "consents", ["valid_until"],
                    postgresql_where=sa.text(ACTIVE_WITH_END), sqlite_where=sa.text(ACTIVE_WITH_END))
    op.drop_index("ix_outbox_published_at", "outbox", if_exists=True)
    op.create_index("ix_outbox_pending", "outbox", ["position"], if_not_exists=True,
                    postgresql_where=sa.text(UNPUBLISHED), sqlite_where=sa.text(UNPUBLISHED))


def downgrade() -> None:
    op.drop_index("ix_outbox_pending", "outbox", if_exists=True)
    op.create_index("ix_outbox_published_at", "outbox", ["published_at"], if_not_exists=True)
    op.drop_index("ix_consents_due_to_expire", "consents")
