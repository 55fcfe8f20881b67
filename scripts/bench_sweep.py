"""Benchmark: the sweep over 1,000 and over 100,000 items with the same 100 assignments due, in one run.

    .venv/bin/python scripts/bench_sweep.py [--items 100000] [--due 100] [--repeat 5] [--database-url URL]

The sweep's cost must follow what is due, not the size of the table: target ≤ 1.2× between the two sizes and
≤ 2.5 ms per due share on SQLite. The last line is
`RESULT sweep_ms_1k=… sweep_ms_100k=… per_due_ms=… statements_per_due=…`.
Each measured sweep is rolled back, so every repetition does the same work: half the due shares are under the three
checks with their first check today (the sweep opens its record with a proposal), half are hotline calls past their
deadline (the sweep sends an overdue reminder).
The two sizes are two offices loaded side by side (two SQLite files; on PostgreSQL two schemas of the given database,
dropped afterwards), swept in turn — small, large, small, large… — so that the machine's load at any moment weighs
on both medians alike. The CPU time of this process (the sweep's Python side, not the database server's) is shown
too: on a busy machine it moves less than the wall time.
"""

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa  # noqa: E402
from flask_migrate import upgrade  # noqa: E402

from app import create_app  # noqa: E402
from audit import act_as  # noqa: E402
from clock import CHINA  # noqa: E402
from extensions import db  # noqa: E402
from models import Assignment, Item, ItemSource, Liaison, SupervisionCheck, Unit, UnitKind  # noqa: E402
from workflows.sweep import run_sweep  # noqa: E402

NOW = datetime(2026, 12, 16, 9, 0, tzinfo=CHINA)  # a Wednesday
TODAY = date(2026, 12, 16)


def add_items(count: int, start: int, units: list[int], *, due: int = 0) -> None:
    """Bulk-insert items with one assignment each; the first `due` are open and due today, the rest are not."""
    rng = random.Random(start)  # nosec B311
    created = datetime(2026, 1, 1, tzinfo=UTC)
    for chunk in range(0, count, 5000):
        items, assignments, checks = [], [], []
        for n in range(start + chunk, start + min(count, chunk + 5000)):
            is_due = n - start < due
            checked = is_due and (n - start) % 2 == 0
            deadline = date(2026, 12, 15) if is_due else date(2026, 1, 1) + timedelta(days=rng.randrange(0, 700))
            if checked:
                deadline = date(2026, 12, 31)
                for number, day in ((1, TODAY), (2, date(2026, 12, 23)), (3, deadline)):
                    checks.append({"assignment_id": n + 1, "round": number, "planned_on": day, "state": "planned"})
            source = ItemSource.MEETING_DECISION if checked else ItemSource.HOTLINE if is_due else None
            items.append(
                {
                    "id": n + 1,
                    "number": f"督〔2026〕{n + 1}号",
                    "year": 2026,
                    "seq": n + 1,
                    "title": f"基准事项{n + 1}",
                    "source": (source or rng.choice(list(ItemSource))).value,
                    "lead_unit_id": units[n % len(units)],
                    "deadline": deadline,
                    "rhythm": "one_off",
                    "status": "in_progress" if is_due else rng.choice(["closed", "in_progress", "assigned"]),
                    "created_at": created,
                    "updated_at": created,
                }
            )
            assignments.append(
                {
                    "id": n + 1,
                    "item_id": n + 1,
                    "unit_id": units[n % len(units)],
                    "role": "lead",
                    "deadline": deadline,
                    "status": "in_progress" if is_due else rng.choice(["accepted", "in_progress", "assigned"]),
                    "escalation_level": 0,
                    "checks_done": 0,
                    "token_version": 1,  # nosec B105
                    "assigned_at": created,
                    "acknowledged_at": created,
                    "created_at": created,
                    "updated_at": created,
                    # not due: their next look is some day next year (or never, once accepted)
                    "next_action_on": TODAY if is_due else date(2027, 1, 1) + timedelta(days=rng.randrange(0, 300)),
                }
            )
        db.session.execute(sa.insert(Item), items)
        db.session.execute(sa.insert(Assignment), assignments)
        if checks:
            db.session.execute(sa.insert(SupervisionCheck), checks)
        db.session.commit()


def sweep_once() -> tuple[float, int, int, int, float]:
    """One sweep, rolled back: seconds, assignments examined, statements, flushes, and this process's CPU seconds."""
    statements, flushes = [], []
    count_statement = lambda *args: statements.append(1)  # noqa: E731
    count_flush = lambda *args: flushes.append(1)  # noqa: E731
    sa.event.listen(db.engine, "before_cursor_execute", count_statement)
    sa.event.listen(db.session, "before_flush", count_flush)
    started, cpu_started = time.perf_counter(), time.process_time()
    report = run_sweep(db.session, now=NOW)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    sa.event.remove(db.engine, "before_cursor_execute", count_statement)
    sa.event.remove(db.session, "before_flush", count_flush)
    assert report.checks_opened and report.reminders, report  # nosec B101 (both kinds of work were done)
    db.session.rollback()
    return seconds, report.examined, len(statements), len(flushes), cpu


def load_office(url: str, workdir: str, items: int, due: int):
    """A Flask app on `url` with the schema, 54 units with a liaison each, and `items` items of which `due` are due."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "INSTANCE_PATH": workdir})  # nosec B105
    with app.app_context():
        upgrade()
        act_as(db.session, None, now=NOW)  # the benchmark is an edge: the system sets up the office
        units = []
        for i in range(54):
            unit = Unit(
                code=f"B{i:02d}", name=f"基准单位{i:02d}", kind=UnitKind.AFFILIATED, head_email=f"head{i}@example.org"
            )
            db.session.add(unit)
            db.session.add(
                Liaison(unit=unit, name=f"联络员{i}", email=f"l{i}@example.org", is_primary=True, active=True)
            )
            units.append(unit)
        db.session.commit()
        unit_ids = [u.id for u in units]
        add_items(min(items, 1000), 0, unit_ids, due=due)
        if items > 1000:
            add_items(items - 1000, 1000, unit_ids)
        if db.engine.dialect.name == "sqlite":  # fold the bulk load into the database, as a running office would
            db.session.execute(sa.text("PRAGMA wal_checkpoint(TRUNCATE)"))
        db.session.remove()
    return app


@contextmanager
def two_databases(database_url: str | None, workdir: str, prefix: str = "bench_sweep"):
    """URLs for the small and the large office: two SQLite files, or two fresh schemas of a PostgreSQL database
    (dropped on the way out)."""
    if not database_url or not database_url.startswith("postgresql"):
        yield f"sqlite:///{workdir}/small.sqlite", f"sqlite:///{workdir}/large.sqlite"
        return
    base = database_url.replace("postgresql://", "postgresql+psycopg://", 1)
    tag = uuid.uuid4().hex[:8]
    schemas = [f"{prefix}_{tag}_small", f"{prefix}_{tag}_large"]
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        for schema in schemas:
            connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield tuple(f"{base}?options=-csearch_path%3D{schema}" for schema in schemas)
    finally:
        with admin.connect() as connection:
            for schema in schemas:
                connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def main() -> None:
    """Load both sizes and print the sweep's median time at each (swept in turn), and the ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--due", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    workdir = tempfile.mkdtemp(prefix="duban-bench-")
    try:
        with two_databases(args.database_url, workdir) as (small_url, large_url):
            started = time.perf_counter()
            small_app = load_office(small_url, workdir, args.small, args.due)
            large_app = load_office(large_url, workdir, args.items, args.due)
            loaded = time.perf_counter() - started
            print(f"   (loaded {args.small:,} and {args.items:,} items in {loaded:.1f} s)", flush=True)
            runs = {"small": [], "large": []}
            for _ in range(args.repeat):
                for size, app in (("small", small_app), ("large", large_app)):
                    with app.app_context():
                        runs[size].append(sweep_once())
                        db.session.remove()
            with large_app.app_context():
                backend = db.engine.dialect.name
            for app in (small_app, large_app):
                with app.app_context():
                    db.engine.dispose()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)  # two offices of SQLite files: nothing left behind in /tmp
    small = statistics.median(run[0] for run in runs["small"])
    large = statistics.median(run[0] for run in runs["large"])
    cpu_small = statistics.median(run[4] for run in runs["small"])
    cpu_large = statistics.median(run[4] for run in runs["large"])
    _, examined_small, statements_small, _, _ = runs["small"][-1]
    _, examined_large, statements, flushes, _ = runs["large"][-1]
    print(
        f"{args.small:>9,} items: sweep median {small * 1000:7.1f} ms (CPU here {cpu_small * 1000:.1f} ms),"
        f" {examined_small} assignments examined, {statements_small} statements"
    )
    print(
        f"{args.items:>9,} items: sweep median {large * 1000:7.1f} ms (CPU here {cpu_large * 1000:.1f} ms),"
        f" {examined_large} assignments examined, {statements} statements, {flushes} flushes"
    )
    print(
        f"ratio: {large / small:.2f}x (target ≤ 1.2x); "
        f"per due share {large * 1000 / args.due:.2f} ms (target ≤ 2.5); {args.repeat} sweeps of each, in turn"
    )
    print(
        f"RESULT sweep_ms_1k={small * 1000:.1f} sweep_ms_100k={large * 1000:.1f}"
        f" per_due_ms={large * 1000 / args.due:.2f} statements_per_due={statements / args.due:.1f}"
        f" flushes={flushes} cpu_ms_1k={cpu_small * 1000:.1f} cpu_ms_100k={cpu_large * 1000:.1f} backend={backend}"
    )


if __name__ == "__main__":
    main()
