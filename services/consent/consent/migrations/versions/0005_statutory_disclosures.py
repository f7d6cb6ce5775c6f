"""The disclosure log names a disclosure's legal basis, the kind of its recipient and its justification,
when it was made on a statutory basis rather than under a consent.

Nullable, and hashed only when set (consent.ledger.WHEN_SET): every entry from before reads
and verifies as it did.

Revision ID: 0005
Revises: 0004
"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

COLUMNS = (("legal_basis", 64), ("recipient_kind", 40), ("justification", 2000))


def upgrade() -> None:
    with op.batch_alter_table("disclosure_log") as table:
        for name, length in COLUMNS:
            table.add_column(sa.Column(name, sa.String(length)))


def downgrade() -> None:
    with op.batch_alter_table("disclosure_log") as table:
        for name, _ in reversed(COLUMNS):
            table.drop_column(name)
