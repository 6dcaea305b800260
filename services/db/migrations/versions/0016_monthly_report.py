"""notifications: the monthly licence report as a subscription's second product. A
subscription may carry expiry digests, the monthly report or both (`digests`,
`monthly_report`); `last_report_month` (YYYY-MM, the local month of its last report) makes
the report go out once per month.

Revision ID: 0016
Revises: 0015
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | Sequence[str] | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("channel_subscriptions") as batch:
        batch.add_column(sa.Column("digests", sa.Boolean(), nullable=False,
                                   server_default="1"))
        batch.add_column(sa.Column("monthly_report", sa.Boolean(), nullable=False,
                                   server_default="0"))
        batch.add_column(sa.Column("last_report_month", sa.String(length=7), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("channel_subscriptions") as batch:
        batch.drop_column("last_report_month")
        batch.drop_column("monthly_report")
        batch.drop_column("digests")
