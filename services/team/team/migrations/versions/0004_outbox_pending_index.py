"""The outbox relay reads through a partial index of the rows not yet published.

``ix_outbox_pending`` holds only the unpublished rows, in order, so the relay costs what
the backlog costs, not what the whole outbox does. The full index on ``published_at``
goes: the new one holds only the backlog, in the relay's order, where the full one held
every row and every publish had to update it.

A database made from nothing already has the new index (the first revision makes the
kernel tables as the kernel now defines them), so this revision is a no-op there.

Revision ID: 0004
Revises: 0003
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

UNPUBLISHED = "published_at IS NULL"


def upgrade() -> None:
    op.drop_index("ix_outbox_published_at", "outbox", if_exists=True)
    op.create_index("ix_outbox_pending", "outbox", ["position"], if_not_exists=True,
                    postgresql_where=sa.text(UNPUBLISHED), sqlite_where=sa.text(UNPUBLISHED))


def downgrade() -> None:
    op.drop_index("ix_outbox_pending", "outbox", if_exists=True)
    op.create_index("ix_outbox_published_at", "outbox", ["published_at"], if_not_exists=True)
