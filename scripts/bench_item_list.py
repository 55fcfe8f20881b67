"""Benchmark: the item list page (and the dashboard) at 100 and at 100,000 items, in one run.

    .venv/bin/python scripts/bench_item_list.py [--items 100000] [--database-url URL] [--repeat 30]

Prints the median time, SQL statement count and median CPU time (this process's own, steadier on a busy machine) of
each page at both sizes, and their ratio.
Targets: the item list at 100,000 items ≤ 7 ms (median, this machine) in ≤ 4 statements, and within 1.5x of its
median at 100 items. The last line is `RESULT key=value …` (list_ms_100 list_ms_100k list_statements dashboard_…).
"""

import argparse
import gc
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa  # noqa: E402
from flask_migrate import upgrade  # noqa: E402

from app import create_app  # noqa: E402
from audit import act_as  # noqa: E402
from clock import utcnow  # noqa: E402
from extensions import db  # noqa: E402
from models import Assignment, BureauLeader, Item, ItemSource, ItemStatus, Rhythm, Role, Unit, UnitKind  # noqa: E402
from tests.conftest import IsolatedClient  # noqa: E402
from tests.factories import login, make_user  # noqa: E402

PAGES = {
    "item list": "/admin/item/",
    "item list, sorted by deadline": "/admin/item/?sort=5",
    "item list, filtered by status": "/admin/item/?flt0_2=in_progress",
    "assignment list": "/admin/assignment/",
    "dashboard": "/admin/",
}


def add_items(count: int, start: int, units: list[int], leaders: list[int]) -> None:
    """Insert `count` items with one to three assignments each, by bulk Core inserts (fast, no audit rows)."""
    rng = random.Random(start)  # nosec B311
    base = datetime(2026, 1, 1, tzinfo=UTC)
    statuses = [s.value for s in ItemStatus]
    for chunk_start in range(0, count, 5000):
        items, assignments = [], []
        for n in range(start + chunk_start, start + min(count, chunk_start + 5000)):
            created = base + timedelta(minutes=n)
            deadline = date(2026, 1, 1) + timedelta(days=rng.randrange(0, 400))
            lead = rng.choice(units)
            items.append(
                {
                    "id": n + 1,
                    "number": f"督〔2026〕{n + 1}号",
                    "year": 2026,
                    "seq": n + 1,
                    "title": f"基准事项{n + 1}",
                    "content": "按要求落实并反馈。" * 5,
                    "source": rng.choice(list(ItemSource)).value,
                    "ordering_leader_id": rng.choice(leaders),
                    "responsible_leader_id": rng.choice(leaders),
                    "lead_unit_id": lead,
                    "deadline": deadline,
                    "rhythm": Rhythm.ONE_OFF.value,
                    "status": rng.choice(statuses),
                    "created_at": created,
                    "updated_at": created,
                }
            )
            for role, unit in [("lead", lead)] + [
                ("co", u) for u in rng.sample([u for u in units if u != lead], rng.randrange(0, 3))
            ]:
                assignments.append(
                    {
                        "item_id": n + 1,
                        "unit_id": unit,
                        "role": role,
                        "deadline": deadline,
                        "status": "in_progress",
                        "escalation_level": 0,
                        "created_at": created,
                        "updated_at": created,
                    }
                )
        db.session.execute(sa.insert(Item), items)
        db.session.execute(sa.insert(Assignment), assignments)
        db.session.commit()


def measure(client, url: str, repeat: int) -> tuple[float, int, float]:
    """Median seconds, SQL statement count and median CPU seconds (this process's own) of GET url.

    The CPU time leaves out the time spent waiting for a core that other processes hold, so it reads the same on
    a busy machine; the wall time is the target's measure."""
    statements = []
    listener = lambda *args: statements.append(1)  # noqa: E731
    client.get(url)  # warm caches
    times, cpu = [], []
    for _ in range(repeat):
        statements.clear()
        sa.event.listen(db.engine, "before_cursor_execute", listener)
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
        sa.event.remove(db.engine, "before_cursor_execute", listener)
        assert response.status_code == 200, (url, response.status_code)  # nosec B101
    return statistics.median(times), len(statements), statistics.median(cpu)


def main() -> None:
    """Load both sizes and print each page's median time and statement count."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--database-url", help="default: a new SQLite file in a temporary folder")
    args = parser.parse_args()
    workdir = tempfile.mkdtemp(prefix="duban-bench-")
    url = args.database_url or f"sqlite:///{workdir}/bench.sqlite"
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False, "INSTANCE_PATH": workdir}  # nosec B105
    )
    with app.app_context():
        upgrade()
        act_as(db.session, None, now=utcnow())  # the bench's own rows are the system's, stamped now
        units = []
        for i in range(54):
            unit = Unit(
                code=f"B{i:02d}", name=f"基准单位{i:02d}", kind=UnitKind.AFFILIATED if i < 40 else UnitKind.DEPARTMENT
            )
            db.session.add(unit)
            units.append(unit)
        leaders = [BureauLeader(name=f"基准领导{i}", title="副局长") for i in range(8)]
        db.session.add_all(leaders)
        make_user("bench", Role.SUPERVISOR)
        db.session.commit()
        unit_ids, leader_ids = [u.id for u in units], [leader.id for leader in leaders]
        app.test_client_class = IsolatedClient  # each request in its own app context and session, as in production
        client = app.test_client()
        login(client, "bench")
        results = {}
        for size, already in ((args.small, 0), (args.items, args.small)):
            started = time.perf_counter()
            add_items(size - already, already, unit_ids, leader_ids)
            # Measure the page, not the loader: drop what loading left in memory, and fold the bulk load's
            # write-ahead log into the database as SQLite's own checkpoints would in an office that has been running.
            db.session.remove()
            if db.engine.dialect.name == "sqlite":
                with db.engine.connect() as connection:
                    connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            gc.collect()
            print(f"-- {size:,} items (loaded in {time.perf_counter() - started:.1f} s)", flush=True)
            for name, page in PAGES.items():
                median, statements, cpu = measure(client, page, args.repeat)
                results[(name, size)] = (median, statements, cpu)
                print(
                    f"   {name:32s} median {median * 1000:7.1f} ms   {statements} statements"
                    f"   cpu {cpu * 1000:5.1f} ms",
                    flush=True,
                )
        print(f"\n{'page':32s} {args.small:>10,} {args.items:>10,}   ratio")
        for name in PAGES:
            small, large = results[(name, args.small)], results[(name, args.items)]
            print(
                f"{name:32s} {small[0] * 1000:8.1f}ms {large[0] * 1000:8.1f}ms   {large[0] / small[0]:.2f}x  ("
                f"{small[1]}/{large[1]} statements)"
            )
        (list_small, list_statements, list_cpu_small), (list_large, _, list_cpu_large) = (
            results[("item list", n)] for n in (args.small, args.items)
        )
        (dash_small, dash_statements, _), (dash_large, dash_statements_large, _) = (
            results[("dashboard", n)] for n in (args.small, args.items)
        )
        print(
            f"RESULT list_ms_100={list_small * 1000:.1f} list_ms_100k={list_large * 1000:.1f} "
            f"list_statements={list_statements} dashboard_ms_100={dash_small * 1000:.1f} "
            f"dashboard_ms_100k={dash_large * 1000:.1f} "
            f"dashboard_statements={max(dash_statements, dash_statements_large)} "
            f"list_cpu_ms_100={list_cpu_small * 1000:.1f} list_cpu_ms_100k={list_cpu_large * 1000:.1f}"
        )


if __name__ == "__main__":
    main()
