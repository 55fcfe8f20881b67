"""Serialise concurrent steps on one assignment (a row lock on PostgreSQL, the database's write lock on SQLite), and
run a job in one process at a time across every app server (`alone`)."""

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from sqlalchemy import select, text, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models.assignment import Assignment
from models.periodic import SweepLock


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


def _advisory_key(connection, name: str) -> int:
    """A 64-bit advisory lock key for `name` in this database's current schema (tests run side by side in schemas)."""
    schema = connection.execute(text("SELECT current_schema()")).scalar() or ""
    digest = hashlib.sha256(f"duban:{schema}:{name}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


@contextmanager
def alone(engine: Engine, name: str, *, now: datetime) -> Iterator[str | None]:
    """Run a job (the delivery) in one process at a time, on any machine: yields None when this process holds the
    lock `name` until the block ends, else who holds it ("host:pid:run", or "另一台服务器").

    PostgreSQL: a session advisory lock on a connection of its own (autocommit, so no transaction stays open); it
    goes with the connection, so a process killed mid-run frees it at once. SQLite (one machine): a lease on the
    `sweep_lock` row `name`, taken over when its holder's process has ended.
    """
    from outbox.delivery import claimant_is_dead, new_claimant  # the deliverer's names and liveness test

    me = new_claimant()
    with engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            connection = connection.execution_options(isolation_level="AUTOCOMMIT")
            key = _advisory_key(connection, name)
            if not connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": key}).scalar():
                yield "另一台服务器或进程"
                return
            try:
                yield None
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
            return
        with connection.begin():
            connection.execute(sqlite_insert(SweepLock).values(name=name).on_conflict_do_nothing())
            holder = connection.execute(select(SweepLock.holder).where(SweepLock.name == name)).scalar()
            free = holder is None or claimant_is_dead(holder)
            if free:
                taken = connection.execute(
                    update(SweepLock)
                    .where(SweepLock.name == name, SweepLock.holder.is_(None) | (SweepLock.holder == holder))
                    .values(holder=me, taken_at=now)
                ).rowcount
                free = taken == 1
        if not free:
            yield holder
            return
        try:
            yield None
        finally:
            with connection.begin():
                connection.execute(
                    update(SweepLock).where(SweepLock.name == name, SweepLock.holder == me).values(holder=None)
                )
