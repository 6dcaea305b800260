"""processed_activities: a retried activity is handled once across instances

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "processed_activities",
        sa.Column("conversation_id", sa.String(length=512), nullable=False),
        sa.Column("activity_id", sa.String(length=256), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("conversation_id", "activity_id",
                                name=op.f("pk_processed_activities")),
    )
    op.create_index(op.f("ix_processed_activities_received_at"), "processed_activities",
                    ["received_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_processed_activities_received_at"),
                  table_name="processed_activities")
    op.drop_table("processed_activities")
