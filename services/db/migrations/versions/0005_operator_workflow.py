"""operator workflow: approval policy, request routing, audit per organization

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("organizations") as batch:
        batch.add_column(sa.Column("require_approval", sa.Boolean(), nullable=False,
                                   server_default="0"))
    with op.batch_alter_table("operator_requests") as batch:
        batch.add_column(sa.Column("requester_conversation", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("card_refs", sa.JSON(), nullable=True))
    with op.batch_alter_table("audit_events") as batch:
        batch.add_column(sa.Column("organization_id", sa.String(length=64), nullable=True))
        batch.create_index("ix_audit_events_organization_id", ["organization_id"])


def downgrade() -> None:
    with op.batch_alter_table("audit_events") as batch:
        batch.drop_index("ix_audit_events_organization_id")
        batch.drop_column("organization_id")
    with op.batch_alter_table("operator_requests") as batch:
        batch.drop_column("card_refs")
        batch.drop_column("requester_conversation")
    with op.batch_alter_table("organizations") as batch:
        batch.drop_column("require_approval")
