"""notifications: each subscription's own time zone (its time of day was stored in
notify_time already), its quiet ISO weekdays, and the local day of its last digest (the
pass sends a subscription once per local day)

Revision ID: 0015
Revises: 0014
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | Sequence[str] | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("channel_subscriptions") as batch:
        batch.add_column(sa.Column("notify_tz", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("quiet_days", sa.String(length=16), nullable=False,
                                   server_default="6,7"))
        batch.add_column(sa.Column("last_digest_on", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("channel_subscriptions") as batch:
        batch.drop_column("last_digest_on")
        batch.drop_column("quiet_days")
        batch.drop_column("notify_tz")
