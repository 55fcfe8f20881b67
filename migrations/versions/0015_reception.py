"""reception visits (党政领导大接访): who came to which leader and what they asked, 1:1 with the item

Revision ID: 0015_reception
Revises: 0014_inspections
Create Date: 2026-11-29 15:55:00

Existing reception-visit items get no visit record (the item page offers to register one); from now on they close
only after the result given to the visitors is recorded, as proposals and hotline calls do.
"""

import sqlalchemy as sa
from alembic import op

revision = "0015_reception"
down_revision = "0014_inspections"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "reception_visit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("leader_id", sa.Integer(), nullable=False),
        sa.Column("visitors", sa.String(length=200), nullable=False),
        sa.Column("visitor_count", sa.Integer(), nullable=True),
        sa.Column("request", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["item_id"], ["item.id"], name="fk_reception_visit_item_id_item", ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["leader_id"], ["bureau_leader.id"], name="fk_reception_visit_leader_id_bureau_leader", ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_reception_visit"),
        sa.UniqueConstraint("item_id", name="uq_reception_visit_item_id"),
    )
    op.create_index("ix_reception_visit_received_on", "reception_visit", ["received_on"])
    op.create_index("ix_reception_visit_leader_id", "reception_visit", ["leader_id"])


def downgrade():
    op.drop_table("reception_visit")
