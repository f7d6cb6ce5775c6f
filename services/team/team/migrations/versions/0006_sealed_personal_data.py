"""The client's and members' names and contact details are sealed at rest (tiimi_shared.sealed).

A sealed value is text (``v1:<key id>:<token>``), longer than the name it seals and
no longer JSON, so on PostgreSQL the columns become ``text``; the values stay as
they are. SQLite keeps any text in any column, so there is nothing to change.
The rows written before stay readable as they are, and ``python -m team
rotate-keys`` seals them (and moves the identity codes onto the data keys) in
short batches while the service runs: the runbook's step after this migration.
A downgrade restores the types, which holds only while no value is sealed.

Revision ID: 0006
Revises: 0005
"""
import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

# table, column, type before
COLUMNS = (("clients", "name", sa.String(200)), ("clients", "contact", sa.JSON()),
           ("members", "name", sa.String(200)), ("members", "contact", sa.JSON()))


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
        using = f"{column}::json" if isinstance(before, sa.JSON) else f"{column}::varchar(200)"
        op.alter_column(table, column, type_=before, existing_type=sa.Text(), postgresql_using=using)
