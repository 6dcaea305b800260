"""feed_signatures: HMAC signatures the feed accepted, to refuse a replay on any instance

Revision ID: 0010
Revises: 0009
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "feed_signatures",
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("digest", name=op.f("pk_feed_signatures")),
    )
    op.create_index(op.f("ix_feed_signatures_seen_at"), "feed_signatures", ["seen_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_feed_signatures_seen_at"), table_name="feed_signatures")
    op.drop_table("feed_signatures")
