"""The command keys are indexed by age, so the kernel's sweep finds the old ones without a scan.

Each service's ``Database`` dependency deletes the keys (and their stored answers)
older than ``TIIMI_COMMAND_KEY_DAYS``, oldest first, in batches read through this
index; without it every sweep would read the whole table, which grows by about a
row per gateway read here (``disclose`` and ``record_accesses``). A database made
from nothing already has the index (the first revision makes the kernel's tables as
the kernel now defines them), so it is made only if missing.

Consent's answers stay unsealed: they hold ids, categories, codes and reasons that
consent's own tables keep in clear, and consent has no data keys.

Revision ID: 0006
Revises: 0005
"""
from tiimi_shared.migrations import index_command_keys_by_age, unindex_command_keys_by_age

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    index_command_keys_by_age()


def downgrade() -> None:
    unindex_command_keys_by_age()
