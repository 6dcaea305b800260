"""org_closure.descendant_kind: "organizations of kind K below X" from one index range

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("org_closure") as batch:
        batch.add_column(sa.Column("descendant_kind", sa.String(length=16), nullable=True))
    op.execute(
        "UPDATE org_closure SET descendant_kind = (SELECT kind FROM organizations "
        "WHERE organizations.id = org_closure.descendant_id)"
    )
    with op.batch_alter_table("org_closure") as batch:
        batch.alter_column("descendant_kind", existing_type=sa.String(length=16),
                           nullable=False)
        batch.create_index("ix_org_closure_ancestor_kind",
                           ["ancestor_id", "descendant_kind", "depth", "descendant_id"])


def downgrade() -> None:
    with op.batch_alter_table("org_closure") as batch:
        batch.drop_index("ix_org_closure_ancestor_kind")
        batch.drop_column("descendant_kind")
