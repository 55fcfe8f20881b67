"""Serialise concurrent steps on one assignment: a row lock on PostgreSQL, the database's write lock on SQLite."""

from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models.assignment import Assignment


def lock_assignment(session: Session, assignment: Assignment) -> None:
    """Hold the assignment until the transaction ends, then re-read it (and its feedback) as committed by others.

    PostgreSQL: SELECT … FOR UPDATE on its row, so a second request on the same share waits here for the first
    to commit. SQLite has no row locks: a no-op UPDATE opens the write transaction now, before any check reads,
    so the checks that follow see everything committed before (writers are serialised by the busy timeout).
    """
    session.flush()
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("UPDATE assignment SET id = id WHERE id = :id"), {"id": assignment.id})
    else:
        session.execute(select(Assignment.id).where(Assignment.id == assignment.id).with_for_update())
    session.refresh(assignment)
    session.expire(assignment, ["feedbacks"])


def violates(error: IntegrityError, table: str, *index_names: str) -> bool:
    """Whether an IntegrityError comes from one of these unique indexes on `table` (PostgreSQL names the index;
    SQLite names the table's columns)."""
    message = str(error.orig)
    return any(name in message for name in index_names) or f"UNIQUE constraint failed: {table}." in message
