"""notifications: subscription kinds and deactivation, sent ledger, outbox, leases

Revision ID: 0008
Revises: 0007
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("channel_subscriptions") as batch:
        batch.add_column(sa.Column("kind", sa.String(length=16), nullable=False,
                                   server_default="channel"))
        batch.add_column(sa.Column("team_id", sa.String(length=512), nullable=True))
        batch.add_column(sa.Column("deactivated_at", TS, nullable=True))
        batch.add_column(sa.Column("deactivated_reason", sa.String(length=64), nullable=True))
        batch.create_index("ix_channel_subscriptions_team_id", ["team_id"])
    op.create_table(
        "notifications_sent",
        sa.Column("channel_subscription_id", sa.Integer(), nullable=False),
        sa.Column("subscription_id", sa.String(length=64), nullable=False),
        sa.Column("lead_days", sa.Integer(), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=False),
        sa.Column("outbox_id", sa.Integer(), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["channel_subscription_id"], ["channel_subscriptions.id"], ondelete="CASCADE",
            name=op.f("fk_notifications_sent_channel_subscription_id_channel_subscriptions")),
        sa.PrimaryKeyConstraint("channel_subscription_id", "subscription_id", "lead_days",
                                "expires_on", name=op.f("pk_notifications_sent")),
    )
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("channel_subscription_id", sa.Integer(), nullable=True),
        sa.Column("conversation_id", sa.String(length=512), nullable=False),
        sa.Column("tenant_id", sa.String(length=36), nullable=True),
        sa.Column("reference", sa.JSON(), nullable=False),
        sa.Column("activity", sa.JSON(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", TS, nullable=False),
        sa.Column("claimed_by", sa.String(length=64), nullable=True),
        sa.Column("claimed_until", TS, nullable=True),
        sa.Column("last_error", sa.String(length=300), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("sent_at", TS, nullable=True),
        sa.Column("activity_id", sa.String(length=256), nullable=True),
        sa.CheckConstraint("status in ('pending','sent','dead','cancelled')",
                           name=op.f("ck_outbox_status")),
        sa.ForeignKeyConstraint(["channel_subscription_id"], ["channel_subscriptions.id"],
                                ondelete="SET NULL",
                                name=op.f("fk_outbox_channel_subscription_id_channel_subscriptions")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
    )
    op.create_index("ix_outbox_due", "outbox", ["status", "next_attempt_at"])
    op.create_index("ix_outbox_channel_subscription_id", "outbox", ["channel_subscription_id"])
    op.create_table(
        "team_installations",
        sa.Column("team_id", sa.String(length=512), nullable=False),
        sa.Column("reference", sa.JSON(), nullable=False),
        sa.Column("tenant_id", sa.String(length=36), nullable=True),
        sa.Column("installed_at", TS, nullable=False),
        sa.Column("removed_at", TS, nullable=True),
        sa.PrimaryKeyConstraint("team_id", name=op.f("pk_team_installations")),
    )
    op.create_table(
        "leases",
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("holder", sa.String(length=64), nullable=False),
        sa.Column("expires_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_leases")),
    )


def downgrade() -> None:
    op.drop_table("leases")
    op.drop_table("team_installations")
    op.drop_index("ix_outbox_channel_subscription_id", table_name="outbox")
    op.drop_index("ix_outbox_due", table_name="outbox")
    op.drop_table("outbox")
    op.drop_table("notifications_sent")
    with op.batch_alter_table("channel_subscriptions") as batch:
        batch.drop_index("ix_channel_subscriptions_team_id")
        batch.drop_column("deactivated_reason")
        batch.drop_column("deactivated_at")
        batch.drop_column("team_id")
        batch.drop_column("kind")
