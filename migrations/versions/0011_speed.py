"""speed: an index on item (rhythm, status), so the sweep's look-up of monthly items reads only those

Revision ID: 0011_speed
Revises: 0012_files
Create Date: 2026-11-29 16:00:00
"""

from alembic import op

revision = "0011_speed"
down_revision = "0012_files"
branch_labels = None
depends_on = None


def upgrade():
    """Add ix_item_rhythm_status."""
    with op.batch_alter_table("item", schema=None) as batch_op:
        batch_op.create_index("ix_item_rhythm_status", ["rhythm", "status"], unique=False)


def downgrade():
    """Drop ix_item_rhythm_status."""
    with op.batch_alter_table("item", schema=None) as batch_op:
        batch_op.drop_index("ix_item_rhythm_status")
