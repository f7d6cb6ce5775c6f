"""What a referral says about the client is sealed at rest (tiimi_shared.sealed).

Sealed: the content the requester shares (``share``, category -> content), the
requester's note (``reason``), the target's outcome (``outcome``) and the reasons
of the history's steps, all free text about the client, and the messages to
partners (``partner_outbox.envelope``), which carry the content shared with
them and are kept after they are sent. Not sealed: which
categories were shared or withheld and why (category names, consent ids and
reason codes), which the sweeps and the stop messages read.

A sealed value is text (``v1:<key id>:<token>``), so on PostgreSQL the columns
become ``text``; SQLite keeps any text in any column. Rows written before stay
readable as they are until ``python -m referral rotate-keys`` seals them, in
short batches while the service runs (the runbook's step after this migration).
A downgrade restores the types, which holds only while no value is sealed.

Revision ID: 0005
Revises: 0004
"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# table, column, type before
COLUMNS = (("referrals", "reason", sa.String(2000)), ("referrals", "share", sa.JSON()),
           ("referrals", "outcome", sa.JSON()), ("referral_steps", "reason", sa.String(1000)),
           ("partner_outbox", "envelope", sa.JSON()))


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, column, before in COLUMNS:
        op.alter_column(table, column, type_=sa.Text(), existing_type=before,
                        postgresql_using=f"{column}::text")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, column, before in COLUMNS:
        cast = "json" if isinstance(before, sa.JSON) else f"varchar({before.length})"
        op.alter_column(table, column, type_=before, existing_type=sa.Text(),
                        postgresql_using=f"{column}::{cast}")
