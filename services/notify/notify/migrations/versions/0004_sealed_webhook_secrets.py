"""Partners' webhook signing secrets are sealed at rest (tiimi_shared.sealed).

A sealed secret (``v1:<key id>:<token>``) is longer than the 200 characters the
columns allowed, so on PostgreSQL they become ``text``; SQLite keeps any text in
any column. Secrets written before stay readable as they are until ``python -m
notify rotate-keys`` seals them, in short batches while the service runs (the
runbook's step after this migration). A downgrade restores the types, which
holds only while no secret is sealed.

Revision ID: 0004
Revises: 0003
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

COLUMNS = ("secret", "previous_secret")


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for column in COLUMNS:
        op.alter_column("webhooks", column, type_=sa.Text(), existing_type=sa.String(200))


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for column in COLUMNS:
        op.alter_column("webhooks", column, type_=sa.String(200), existing_type=sa.Text())
