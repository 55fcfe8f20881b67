"""Benchmark: the item list page (and the dashboard) at 100 and at 100,000 items, in one run.

    .venv/bin/python scripts/bench_item_list.py [--items 100000] [--database-url URL] [--repeat 30]

The two sizes are two offices side by side (two SQLite files, or two PostgreSQL schemas dropped afterwards), and each
page is requested of each in turn, so the machine's load weighs on both medians alike.
Prints the median time, SQL statement count and median CPU time (this process's own, steadier on a busy machine) of
each page at both sizes, and their ratio.
Targets: the item list at 100,000 items ≤ 7 ms (median, this machine) in ≤ 4 statements, and within 1.5x of its
median at 100 items. The last line is `RESULT key=value …` (list_ms_100 list_ms_100k list_statements dashboard_…).
"""

import argparse
import gc
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import sqlalchemy as sa  # noqa: E402
from bench_sweep import two_databases  # noqa: E402
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


def timed_get(app, client, url: str) -> tuple[float, int, float]:
    """Seconds, SQL statements and CPU seconds (this process's own) of one GET url on `app`.

    The CPU time leaves out the time spent waiting for a core that other processes hold, so it reads the same on
    a busy machine; the wall time is the target's measure."""
    statements = []
    listener = lambda *args: statements.append(1)  # noqa: E731
    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", listener)
    started, started_cpu = time.perf_counter(), time.process_time()
    response = client.get(url)
    seconds, cpu = time.perf_counter() - started, time.process_time() - started_cpu
    sa.event.remove(engine, "before_cursor_execute", listener)
    assert response.status_code == 200, (url, response.status_code)  # nosec B101
    return seconds, len(statements), cpu


def load_items_office(app, items: int) -> None:
    """Migrate the app's empty database and load 54 units, 8 leaders, a supervisor `bench` and `items` items; then
    leave it as a running office would be (SQLite's write-ahead log folded in, PostgreSQL's statistics gathered)."""
    with app.app_context():
        upgrade()
        act_as(db.session, None, now=utcnow())  # the bench's own rows are the system's, stamped now
        units = [
            Unit(code=f"B{i:02d}", name=f"基准单位{i:02d}", kind=UnitKind.AFFILIATED if i < 40 else UnitKind.DEPARTMENT)
            for i in range(54)
        ]
        leaders = [BureauLeader(name=f"基准领导{i}", title="副局长") for i in range(8)]
        db.session.add_all([*units, *leaders])
        make_user("bench", Role.SUPERVISOR)
        db.session.commit()
        add_items(items, 0, [u.id for u in units], [leader.id for leader in leaders])
        db.session.remove()  # measure the page, not the loader: drop what loading left in memory
        with db.engine.connect() as connection:
            sqlite = db.engine.dialect.name == "sqlite"
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)" if sqlite else "ANALYZE")
            connection.commit()


def load_office(url: str, workdir: str, items: int):
    """An app on `url` with the bench office of `items` items, and a signed-in supervisor's client."""
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False, "INSTANCE_PATH": workdir}  # nosec B105
    )
    load_items_office(app, items)
    app.test_client_class = IsolatedClient  # each request in its own app context and session, as in production
    client = app.test_client()
    login(client, "bench")
    return app, client


def main() -> None:
    """Load two offices (100 and 100,000 items) side by side, request each page of each in turn, print the medians."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--database-url", help="default: two new SQLite files in a temporary folder")
    args = parser.parse_args()
    workdir = tempfile.mkdtemp(prefix="duban-bench-")
    sizes = (args.small, args.items)
    try:
        with two_databases(args.database_url, workdir, "bench_list") as urls:
            offices = {}
            for size, url in zip(sizes, urls, strict=True):
                started = time.perf_counter()
                offices[size] = load_office(url, workdir, size)
                print(f"-- {size:,} items (loaded in {time.perf_counter() - started:.1f} s)", flush=True)
            gc.collect()
            runs = {(name, size): [] for name in PAGES for size in sizes}
            for name, page in PAGES.items():
                for size in sizes:
                    timed_get(*offices[size], page)  # warm caches
                for _ in range(args.repeat):  # the two sizes in turn: the machine's load weighs on both alike
                    for size in sizes:
                        runs[(name, size)].append(timed_get(*offices[size], page))
            for app, _client in offices.values():
                with app.app_context():
                    db.engine.dispose()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    results = {
        key: (statistics.median(r[0] for r in values), values[-1][1], statistics.median(r[2] for r in values))
        for key, values in runs.items()
    }
    print(f"\n{'page':32s} {args.small:>10,} {args.items:>10,}   ratio   (statements; median CPU here)")
    for name in PAGES:
        small, large = results[(name, args.small)], results[(name, args.items)]
        print(
            f"{name:32s} {small[0] * 1000:8.1f}ms {large[0] * 1000:8.1f}ms   {large[0] / small[0]:.2f}x  ("
            f"{small[1]}/{large[1]} statements; cpu {small[2] * 1000:.1f}/{large[2] * 1000:.1f} ms)"
        )
    (list_small, list_statements, list_cpu_small), (list_large, _, list_cpu_large) = (
        results[("item list", n)] for n in sizes
    )
    (dash_small, dash_statements, _), (dash_large, dash_statements_large, _) = (
        results[("dashboard", n)] for n in sizes
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
