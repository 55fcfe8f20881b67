"""tally lock: the tallies' triggers take one transaction lock before they write, so two writers never deadlock

Two PostgreSQL transactions that touch two tally rows in opposite orders (an import's shares beside a deadline
extension) deadlocked, and PostgreSQL aborted one of them. Each trigger now first takes one advisory lock per schema,
held to the end of its transaction: writers of items and shares take turns at the tallies instead. SQLite lets one
transaction write at a time and needs nothing.

Revision ID: 0016_tally_lock
Revises: 0011_speed
Create Date: 2026-11-29 20:10:00
"""

from alembic import op

revision = "0016_tally_lock"
down_revision = "0011_speed"
branch_labels = None
depends_on = None

OPEN = "('pending', 'assigned', 'in_progress', 'submitted')"  # models.assignment.OPEN_ASSIGNMENT_STATUSES
TAKE_TURNS = "PERFORM pg_advisory_xact_lock(hashtext('duban:tallies:' || current_schema()));"


def item_function(lock: str) -> str:
    """tally_item(), taking the tallies' lock first when `lock` is the statement that does."""
    return f"""CREATE OR REPLACE FUNCTION tally_item() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'UPDATE' AND OLD.status = NEW.status AND OLD.source = NEW.source THEN
            RETURN NULL;
        END IF;
        {lock}
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            UPDATE item_tally SET n = n - 1 WHERE status = OLD.status AND source = OLD.source;
        END IF;
        IF TG_OP IN ('UPDATE', 'INSERT') THEN
            INSERT INTO item_tally (status, source, n) VALUES (NEW.status, NEW.source, 1)
            ON CONFLICT (status, source) DO UPDATE SET n = item_tally.n + 1;
        END IF;
        RETURN NULL;
    END $$"""


def share_function(lock: str) -> str:
    """tally_share(), taking the tallies' lock first when `lock` is the statement that does."""
    return f"""CREATE OR REPLACE FUNCTION tally_share() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'UPDATE' AND OLD.status = NEW.status AND OLD.deadline = NEW.deadline THEN
            RETURN NULL;
        END IF;
        IF NOT ((TG_OP IN ('UPDATE', 'DELETE') AND OLD.status IN {OPEN})
                OR (TG_OP IN ('UPDATE', 'INSERT') AND NEW.status IN {OPEN})) THEN
            RETURN NULL;
        END IF;
        {lock}
        IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status IN {OPEN} THEN
            UPDATE open_share_tally SET n = n - 1 WHERE deadline = OLD.deadline;
        END IF;
        IF TG_OP IN ('UPDATE', 'INSERT') AND NEW.status IN {OPEN} THEN
            INSERT INTO open_share_tally (deadline, n) VALUES (NEW.deadline, 1)
            ON CONFLICT (deadline) DO UPDATE SET n = open_share_tally.n + 1;
        END IF;
        RETURN NULL;
    END $$"""


def upgrade():
    """PostgreSQL: replace both tally functions with ones that take the tallies' lock before writing."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(item_function(TAKE_TURNS))
        op.execute(share_function(TAKE_TURNS))


def downgrade():
    """PostgreSQL: the functions as 0010_dashboard made them (no lock)."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(item_function(""))
        op.execute(share_function(""))
