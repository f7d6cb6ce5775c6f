"""Teams, their status history, key worker periods and members.

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

from tiimi_shared.database import UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "teams",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("client_id", sa.String(36), sa.ForeignKey("clients.id"), nullable=False, unique=True),
        sa.Column("organisation", sa.String(64), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("closed_reason", sa.String(1000)),
    )
    op.create_table(
        "team_status_history",
        sa.Column("position", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("team_id", sa.String(36), sa.ForeignKey("teams.id"), nullable=False, index=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("by", sa.String(64), nullable=False),
        sa.Column("reason", sa.String(1000)),
    )
    op.create_table(
        "members",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("team_id", sa.String(36), sa.ForeignKey("teams.id"), nullable=False, index=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("professional_id", sa.String(64), index=True),
        sa.Column("name", sa.String(200)),
        sa.Column("organisation", sa.String(64)),
        sa.Column("role", sa.String(40)),
        sa.Column("relation", sa.String(40)),
        sa.Column("contact", sa.JSON, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("starts_on", UTCDateTime(), nullable=False),
        sa.Column("ends_on", UTCDateTime()),
        sa.Column("added_by", sa.String(64), nullable=False),
    )
    op.create_table(
        "key_worker_periods",
        sa.Column("position", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("team_id", sa.String(36), sa.ForeignKey("teams.id"), nullable=False, index=True),
        sa.Column("member_id", sa.String(36), sa.ForeignKey("members.id"), nullable=False),
        sa.Column("professional_id", sa.String(64), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("ended_at", UTCDateTime()),
        sa.Column("handover_reason", sa.String(1000)),
        sa.Column("changed_by", sa.String(64), nullable=False),
    )


def downgrade() -> None:
    for table in ("key_worker_periods", "members", "team_status_history", "teams"):
        op.drop_table(table)
