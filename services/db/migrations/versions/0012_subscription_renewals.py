"""subscriptions: auto_renew and billing_cycle (renewed / at-risk expiries)

Existing rows get auto_renew false and no billing cycle.

Revision ID: 0012
Revises: 0011
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | Sequence[str] | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("subscriptions") as batch:
        batch.add_column(sa.Column("auto_renew", sa.Boolean(), nullable=False,
                                   server_default="0"))
        batch.add_column(sa.Column("billing_cycle", sa.String(length=16), nullable=True))
        batch.create_check_constraint(
            op.f("ck_subscriptions_billing_cycle"),
            "billing_cycle in ('monthly','annual','triennial')")


def downgrade() -> None:
    with op.batch_alter_table("subscriptions") as batch:
        batch.drop_constraint(op.f("ck_subscriptions_billing_cycle"), type_="check")
        batch.drop_column("billing_cycle")
        batch.drop_column("auto_renew")
