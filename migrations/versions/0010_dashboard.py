"""dashboard: tallies kept by triggers (items by status and source, open shares by deadline) and the indexes of the
units' lights and the monthly charts

Revision ID: 0010_dashboard
Revises: 0015_reception
Create Date: 2026-11-29 15:30:00

The tallies are filled from the rows already there. A later migration that rebuilds `item` or `assignment` on SQLite
(batch mode: copy, drop, rename) drops their triggers with the old table: it must run `create_triggers` again
(tests/workflows/test_dashboard.py recounts the tallies after every migration and would fail).
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0010_dashboard"
down_revision = "0015_reception"
branch_labels = None
depends_on = None

OPEN = "('pending', 'assigned', 'in_progress', 'submitted')"  # models.assignment.OPEN_ASSIGNMENT_STATUSES

SQLITE_TRIGGERS = [
    # items by status and source
    """CREATE TRIGGER tally_item_insert AFTER INSERT ON item BEGIN
        INSERT INTO item_tally (status, source, n) VALUES (NEW.status, NEW.source, 1)
        ON CONFLICT (status, source) DO UPDATE SET n = n + 1;
    END""",
    """CREATE TRIGGER tally_item_delete AFTER DELETE ON item BEGIN
        UPDATE item_tally SET n = n - 1 WHERE status = OLD.status AND source = OLD.source;
    END""",
    """CREATE TRIGGER tally_item_update AFTER UPDATE OF status, source ON item
    WHEN OLD.status IS NOT NEW.status OR OLD.source IS NOT NEW.source BEGIN
        UPDATE item_tally SET n = n - 1 WHERE status = OLD.status AND source = OLD.source;
        INSERT INTO item_tally (status, source, n) VALUES (NEW.status, NEW.source, 1)
        ON CONFLICT (status, source) DO UPDATE SET n = n + 1;
    END""",
    # open shares by deadline
    f"""CREATE TRIGGER tally_share_insert AFTER INSERT ON assignment WHEN NEW.status IN {OPEN} BEGIN
        INSERT INTO open_share_tally (deadline, n) VALUES (NEW.deadline, 1)
        ON CONFLICT (deadline) DO UPDATE SET n = n + 1;
    END""",
    f"""CREATE TRIGGER tally_share_delete AFTER DELETE ON assignment WHEN OLD.status IN {OPEN} BEGIN
        UPDATE open_share_tally SET n = n - 1 WHERE deadline = OLD.deadline;
    END""",
    f"""CREATE TRIGGER tally_share_update_out AFTER UPDATE OF status, deadline ON assignment
    WHEN OLD.status IN {OPEN} AND (NEW.status NOT IN {OPEN} OR OLD.deadline IS NOT NEW.deadline) BEGIN
        UPDATE open_share_tally SET n = n - 1 WHERE deadline = OLD.deadline;
    END""",
    f"""CREATE TRIGGER tally_share_update_in AFTER UPDATE OF status, deadline ON assignment
    WHEN NEW.status IN {OPEN} AND (OLD.status NOT IN {OPEN} OR OLD.deadline IS NOT NEW.deadline) BEGIN
        INSERT INTO open_share_tally (deadline, n) VALUES (NEW.deadline, 1)
        ON CONFLICT (deadline) DO UPDATE SET n = n + 1;
    END""",
]
SQLITE_TRIGGER_NAMES = [
    "tally_item_insert",
    "tally_item_delete",
    "tally_item_update",
    "tally_share_insert",
    "tally_share_delete",
    "tally_share_update_out",
    "tally_share_update_in",
]

POSTGRESQL_TRIGGERS = [
    """CREATE FUNCTION tally_item() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'UPDATE' AND OLD.status = NEW.status AND OLD.source = NEW.source THEN
            RETURN NULL;
        END IF;
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            UPDATE item_tally SET n = n - 1 WHERE status = OLD.status AND source = OLD.source;
        END IF;
        IF TG_OP IN ('UPDATE', 'INSERT') THEN
            INSERT INTO item_tally (status, source, n) VALUES (NEW.status, NEW.source, 1)
            ON CONFLICT (status, source) DO UPDATE SET n = item_tally.n + 1;
        END IF;
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER tally_item AFTER INSERT OR DELETE OR UPDATE OF status, source ON item
    FOR EACH ROW EXECUTE FUNCTION tally_item()""",
    f"""CREATE FUNCTION tally_share() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'UPDATE' AND OLD.status = NEW.status AND OLD.deadline = NEW.deadline THEN
            RETURN NULL;
        END IF;
        IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status IN {OPEN} THEN
            UPDATE open_share_tally SET n = n - 1 WHERE deadline = OLD.deadline;
        END IF;
        IF TG_OP IN ('UPDATE', 'INSERT') AND NEW.status IN {OPEN} THEN
            INSERT INTO open_share_tally (deadline, n) VALUES (NEW.deadline, 1)
            ON CONFLICT (deadline) DO UPDATE SET n = open_share_tally.n + 1;
        END IF;
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER tally_share AFTER INSERT OR DELETE OR UPDATE OF status, deadline ON assignment
    FOR EACH ROW EXECUTE FUNCTION tally_share()""",
    # TRUNCATE fires no row trigger: empty the tallies with the table
    """CREATE FUNCTION tally_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_TABLE_NAME = 'item' THEN
            DELETE FROM item_tally;
        ELSE
            DELETE FROM open_share_tally;
        END IF;
        RETURN NULL;
    END $$""",
    "CREATE TRIGGER tally_item_truncate AFTER TRUNCATE ON item FOR EACH STATEMENT EXECUTE FUNCTION tally_truncate()",
    """CREATE TRIGGER tally_share_truncate AFTER TRUNCATE ON assignment
    FOR EACH STATEMENT EXECUTE FUNCTION tally_truncate()""",
]


def create_triggers() -> None:
    """The triggers that keep item_tally and open_share_tally (run again after rebuilding item or assignment)."""
    statements = POSTGRESQL_TRIGGERS if op.get_bind().dialect.name == "postgresql" else SQLITE_TRIGGERS
    for statement in statements:
        op.execute(statement)


def drop_triggers() -> None:
    """Remove the tallies' triggers (and, on PostgreSQL, their functions)."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS tally_item ON item")
        op.execute("DROP TRIGGER IF EXISTS tally_item_truncate ON item")
        op.execute("DROP TRIGGER IF EXISTS tally_share ON assignment")
        op.execute("DROP TRIGGER IF EXISTS tally_share_truncate ON assignment")
        for function in ("tally_item", "tally_share", "tally_truncate"):
            op.execute(f"DROP FUNCTION IF EXISTS {function}()")
    else:
        for name in SQLITE_TRIGGER_NAMES:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")


def upgrade():
    op.create_table(
        "item_tally",
        sa.Column("status", sa.String(length=30), nullable=False),
        sa.Column("source", sa.String(length=30), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("status", "source", name=op.f("pk_item_tally")),
    )
    op.create_table(
        "open_share_tally",
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("deadline", name=op.f("pk_open_share_tally")),
    )
    op.execute("INSERT INTO item_tally (status, source, n) SELECT status, source, count(*) FROM item GROUP BY 1, 2")
    op.execute(
        "INSERT INTO open_share_tally (deadline, n) SELECT deadline, count(*) FROM assignment "
        f"WHERE status IN {OPEN} GROUP BY deadline"
    )
    create_triggers()
    op.drop_index("ix_assignment_unit_status", table_name="assignment")
    op.create_index(
        "ix_assignment_unit_status_deadline", "assignment", ["unit_id", "status", "deadline"], unique=False
    )
    op.create_index(op.f("ix_assignment_accepted_at"), "assignment", ["accepted_at"], unique=False)
    op.create_index(op.f("ix_escalation_round_date"), "escalation", ["round_date"], unique=False)


def downgrade():
    op.drop_index(op.f("ix_escalation_round_date"), table_name="escalation")
    op.drop_index(op.f("ix_assignment_accepted_at"), table_name="assignment")
    op.drop_index("ix_assignment_unit_status_deadline", table_name="assignment")
    op.create_index("ix_assignment_unit_status", "assignment", ["unit_id", "status"], unique=False)
    drop_triggers()
    op.drop_table("open_share_tally")
    op.drop_table("item_tally")
