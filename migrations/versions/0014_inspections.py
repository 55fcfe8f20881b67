"""leaders' on-site supervision (领导督查): the visit, its units and items

Revision ID: 0014_inspections
Revises: 0013_in_charge
Create Date: 2026-11-29 15:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0014_inspections"
down_revision = "0013_in_charge"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "leader_inspection",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("leader_id", sa.Integer(), nullable=False),
        sa.Column("companions", sa.String(length=200), nullable=True),
        sa.Column("place", sa.String(length=200), nullable=True),
        sa.Column("findings", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["leader_id"], ["bureau_leader.id"], name="fk_leader_inspection_leader_id_bureau_leader", ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_leader_inspection"),
    )
    op.create_index("ix_leader_inspection_held_on", "leader_inspection", ["held_on"])
    op.create_index("ix_leader_inspection_leader_id", "leader_inspection", ["leader_id"])
    for table, column, target in (
        ("leader_inspection_unit", "unit_id", "unit"),
        ("leader_inspection_item", "item_id", "item"),
    ):
        op.create_table(
            table,
            sa.Column("inspection_id", sa.Integer(), nullable=False),
            sa.Column(column, sa.Integer(), nullable=False),
            sa.ForeignKeyConstraint(
                ["inspection_id"],
                ["leader_inspection.id"],
                name=f"fk_{table}_inspection_id_leader_inspection",
                ondelete="CASCADE",
            ),
            sa.ForeignKeyConstraint([column], [f"{target}.id"], name=f"fk_{table}_{column}_{target}", ondelete="CASCADE"),
            sa.PrimaryKeyConstraint("inspection_id", column, name=f"pk_{table}"),
        )
        op.create_index(f"ix_{table}_{column}", table, [column])


def downgrade():
    op.drop_table("leader_inspection_item")
    op.drop_table("leader_inspection_unit")
    op.drop_table("leader_inspection")
