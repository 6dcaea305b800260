"""activation_links: where to tell the sender, first opening, rate-limit index

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("activation_links") as batch:
        batch.add_column(sa.Column("sender_conversation", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("opened_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("tenant_id", sa.String(length=36), nullable=True))
    op.create_index("ix_activation_links_creator_created", "activation_links",
                    ["created_by_id", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_activation_links_creator_created", table_name="activation_links")
    with op.batch_alter_table("activation_links") as batch:
        batch.drop_column("tenant_id")
        batch.drop_column("opened_at")
        batch.drop_column("sender_conversation")
