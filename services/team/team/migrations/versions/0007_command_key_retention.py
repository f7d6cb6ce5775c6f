"""The command keys are indexed by age for the kernel's sweep, and their answers are sealed at rest.

Each service's ``Database`` dependency deletes the keys (and their stored answers)
older than ``TIIMI_COMMAND_KEY_DAYS``, oldest first, in batches read through the
index on ``recorded_at``. A database made from nothing already has the index (the
first revision makes the kernel's tables as the kernel now defines them), so it is
made only if missing.

A command's stored answer may hold a client's or a member's name and contact details, so it is sealed
(tiimi_shared.sealed) like the rest: a sealed value is text, so on PostgreSQL the
column becomes ``text``; SQLite keeps any text in any column. Answers stored before
read as they are until ``python -m team rotate-keys`` seals them (or the sweep
deletes them). A downgrade restores the type, which holds only while no answer is
sealed.

Revision ID: 0007
Revises: 0006
"""
import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

INDEX = "ix_command_keys_recorded_at"  # tiimi_shared.tables.COMMAND_KEYS_AGE_INDEX


def upgrade() -> None:
    op.create_index(INDEX, "command_keys", ["recorded_at"], if_not_exists=True)
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column("command_keys", "answer", type_=sa.Text(), existing_type=sa.JSON(),
                        postgresql_using="answer::text")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column("command_keys", "answer", type_=sa.JSON(), existing_type=sa.Text(),
                        postgresql_using="answer::json")
    op.drop_index(INDEX, table_name="command_keys", if_exists=True)
