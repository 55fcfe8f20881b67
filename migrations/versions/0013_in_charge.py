"""supervisors in charge of units (分包): a unit's supervisor, and a share's own supervisor for a central task

Revision ID: 0013_in_charge
Revises: 0009_sources
Create Date: 2026-11-29 15:20:00

Existing units and shares get no supervisor in charge (every supervisor keeps seeing everything until the office
hands units out).
"""

import sqlalchemy as sa
from alembic import op

revision = "0013_in_charge"
down_revision = "0009_sources"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("unit") as batch_op:
        batch_op.add_column(sa.Column("supervisor_id", sa.Integer(), nullable=True))
        batch_op.create_index("ix_unit_supervisor_id", ["supervisor_id"])
        batch_op.create_foreign_key(
            "fk_unit_supervisor_id_user", "user", ["supervisor_id"], ["id"], ondelete="SET NULL"
        )
    with op.batch_alter_table("assignment") as batch_op:
        batch_op.add_column(sa.Column("supervisor_id", sa.Integer(), nullable=True))
        batch_op.create_index("ix_assignment_supervisor_id", ["supervisor_id"])
        batch_op.create_foreign_key(
            "fk_assignment_supervisor_id_user", "user", ["supervisor_id"], ["id"], ondelete="SET NULL"
        )


def downgrade():
    with op.batch_alter_table("assignment") as batch_op:
        batch_op.drop_constraint("fk_assignment_supervisor_id_user", type_="foreignkey")
        batch_op.drop_index("ix_assignment_supervisor_id")
        batch_op.drop_column("supervisor_id")
    with op.batch_alter_table("unit") as batch_op:
        batch_op.drop_constraint("fk_unit_supervisor_id_user", type_="foreignkey")
        batch_op.drop_index("ix_unit_supervisor_id")
        batch_op.drop_column("supervisor_id")
