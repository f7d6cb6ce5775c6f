"""The command keys are indexed by age for the kernel's sweep, and their answers are sealed at rest.

Each service's ``Database`` dependency deletes the keys (and their stored answers)
older than ``TIIMI_COMMAND_KEY_DAYS``, oldest first, in batches read through the
index on ``recorded_at``. A database made from nothing already has the index (the
first revision makes the kernel's tables as the kernel now defines them), so it is
made only if missing.

A command's stored answer may hold a person's contact details (their preferences), so it is sealed
(tiimi_shared.sealed) like the rest: a sealed value is text, so on PostgreSQL the
column becomes ``text``; SQLite keeps any text in any column. Answers stored before
read as they are until ``python -m notify rotate-keys`` seals them (or the sweep
deletes them). A downgrade restores the type, which holds only while no answer is
sealed.

Revision ID: 0005
Revises: 0004
"""
from tiimi_shared.migrations import (
    index_command_keys_by_age,
    seal_command_key_answers,
    unindex_command_keys_by_age,
    unseal_command_key_answers,
)

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    index_command_keys_by_age()
    seal_command_key_answers()


def downgrade() -> None:
    unseal_command_key_answers()
    unindex_command_keys_by_age()
