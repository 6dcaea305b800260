"""notifications: at-risk-only subscriptions, what was announced at risk (and whether its
renewal was told since), snoozed organizations per conversation

Revision ID: 0013
Revises: 0012
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | Sequence[str] | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("channel_subscriptions") as batch:
        batch.add_column(sa.Column("at_risk_only", sa.Boolean(), nullable=False,
                                   server_default="0"))
    with op.batch_alter_table("notifications_sent") as batch:
        batch.add_column(sa.Column("at_risk", sa.Boolean(), nullable=False,
                                   server_default="0"))
        batch.add_column(sa.Column("renewed_told", sa.Boolean(), nullable=False,
                                   server_default="0"))
    op.create_table(
        "notification_snoozes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("conversation_id", sa.String(length=512), nullable=False),
        sa.Column("organization_id", sa.String(length=64), nullable=False),
        sa.Column("until", sa.Date(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"], ["organizations.id"], ondelete="CASCADE",
            name=op.f("fk_notification_snoozes_organization_id_organizations")),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["operators.id"],
            name=op.f("fk_notification_snoozes_created_by_id_operators")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification_snoozes")),
        sa.UniqueConstraint("conversation_id", "organization_id",
                            name=op.f("uq_notification_snoozes_conversation_id")),
    )
    op.create_index("ix_notification_snoozes_conversation_id", "notification_snoozes",
                    ["conversation_id"])


def downgrade() -> None:
    op.drop_index("ix_notification_snoozes_conversation_id", "notification_snoozes")
    op.drop_table("notification_snoozes")
    with op.batch_alter_table("notifications_sent") as batch:
        batch.drop_column("renewed_told")
        batch.drop_column("at_risk")
    with op.batch_alter_table("channel_subscriptions") as batch:
        batch.drop_column("at_risk_only")
