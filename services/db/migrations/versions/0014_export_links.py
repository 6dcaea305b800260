"""export_links: single-use CSV export links (only the token's hash is stored)

Revision ID: 0014
Revises: 0013
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | Sequence[str] | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "export_links",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("operator_id", sa.Integer(), nullable=False),
        sa.Column("question", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["operator_id"], ["operators.id"],
                                name=op.f("fk_export_links_operator_id_operators"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_export_links")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_export_links_token_hash")),
    )
    op.create_index(op.f("ix_export_links_operator_id"), "export_links", ["operator_id"])
    op.create_index(op.f("ix_export_links_expires_at"), "export_links", ["expires_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_export_links_expires_at"), table_name="export_links")
    op.drop_index(op.f("ix_export_links_operator_id"), table_name="export_links")
    op.drop_table("export_links")
