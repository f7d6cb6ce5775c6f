"""The kernel's command keys: each command's answer, kept by its idempotency key.

A repeated request (a caller's retry, or the broker's redelivery of a request whose
service died) finds its key here and gets the first answer, changing nothing. A
database made from nothing already has the table (the first revision makes the
kernel's tables as the kernel now defines them), so this is a no-op there.

Revision ID: 0004
Revises: 0003
"""
from alembic import op

from tiimi_shared.migrations import create_command_keys, drop_command_keys

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_command_keys(op.get_bind())


def downgrade() -> None:
    drop_command_keys(op.get_bind())
