"""activation_links: a proven consent from a tenant that is not the domain's, waiting for
the sender's confirmation in Teams

Revision ID: 0011
Revises: 0010
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("activation_links") as batch:
        batch.add_column(sa.Column("pending_tenant_id", sa.String(length=36), nullable=True))
        batch.add_column(sa.Column("pending_domain_tenant_id", sa.String(length=36),
                                   nullable=True))
        batch.add_column(sa.Column("pending_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("activation_links") as batch:
        batch.drop_column("pending_at")
        batch.drop_column("pending_domain_tenant_id")
        batch.drop_column("pending_tenant_id")
