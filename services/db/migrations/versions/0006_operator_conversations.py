"""operator_conversations: each operator's personal chat, for proactive messages

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "operator_conversations",
        sa.Column("operator_id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["operator_id"], ["operators.id"], ondelete="CASCADE",
                                name=op.f("fk_operator_conversations_operator_id_operators")),
        sa.PrimaryKeyConstraint("operator_id", name=op.f("pk_operator_conversations")),
    )


def downgrade() -> None:
    op.drop_table("operator_conversations")
