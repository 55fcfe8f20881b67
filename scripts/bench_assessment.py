"""Benchmark: the 目标考核 computation and page for a year at 100 and at 100,000 items (54 units), in one run.

    .venv/bin/python scripts/bench_assessment.py [--items 100000] [--database-url URL] [--repeat 5]

Items are loaded as scripts/bench_item_list.py loads them, then their shares get a history (assigned, half of them
acknowledged and accepted, some late). Prints the median time and statement count of the computation and the page.
"""

import argparse
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa  # noqa: E402
from flask_migrate import upgrade  # noqa: E402

from app import create_app  # noqa: E402
from audit import act_as  # noqa: E402
from extensions import db  # noqa: E402
from models import BureauLeader, Role, Unit, UnitKind  # noqa: E402
from scripts.bench_item_list import add_items  # noqa: E402
from tests.conftest import IsolatedClient  # noqa: E402
from tests.factories import login, make_user  # noqa: E402
from workflows.assessment import compute_assessment, create_rules, parse_period  # noqa: E402

NOW = datetime(2026, 12, 31, 8, 0, tzinfo=UTC)


def give_history() -> None:
    """Shares assigned when their item was created; every second one acknowledged a day later and accepted (some after
    their deadline)."""
    db.session.execute(
        sa.text(
            "UPDATE assignment SET assigned_at = created_at, status = CASE WHEN id % 2 = 0 THEN 'accepted' "
            "ELSE 'in_progress' END"
        )
    )
    rows = db.session.execute(sa.text("SELECT id, created_at FROM assignment WHERE id % 2 = 0")).all()
    updates = []
    for share_id, created in rows:
        created = created if isinstance(created, datetime) else datetime.fromisoformat(str(created))
        updates.append(
            {
                "i": share_id,
                "ack": created.replace(tzinfo=None) + timedelta(days=1),
                "acc": _accepted(created, share_id),
            }
        )
    db.session.execute(
        sa.text("UPDATE assignment SET acknowledged_at = :ack, accepted_at = :acc WHERE id = :i"), updates
    )
    db.session.commit()


def _accepted(created: datetime, share_id: int) -> datetime:
    return created.replace(tzinfo=None) + timedelta(days=5 + share_id % 60)


def measure(action, repeat: int) -> tuple[float, int]:
    """Median seconds and statement count of action()."""
    statements = []
    listener = lambda *args: statements.append(1)  # noqa: E731
    action()
    times = []
    for _ in range(repeat):
        statements.clear()
        sa.event.listen(db.engine, "before_cursor_execute", listener)
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
        sa.event.remove(db.engine, "before_cursor_execute", listener)
    return statistics.median(times), len(statements)


def main() -> None:
    """Load both sizes; print the computation's and the page's median time and statements."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--database-url", help="default: a new SQLite file in a temporary folder")
    args = parser.parse_args()
    workdir = tempfile.mkdtemp(prefix="duban-bench-")
    url = args.database_url or f"sqlite:///{workdir}/bench.sqlite"
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False, "INSTANCE_PATH": workdir}  # nosec B105
    )
    period = parse_period("2026")
    with app.app_context():
        upgrade()
        act_as(db.session, None, now=NOW)
        units = [
            Unit(code=f"B{i:02d}", name=f"基准单位{i:02d}", kind=UnitKind.AFFILIATED if i < 40 else UnitKind.DEPARTMENT)
            for i in range(54)
        ]
        leaders = [BureauLeader(name=f"基准领导{i}", title="副局长") for i in range(8)]
        db.session.add_all(units + leaders)
        make_user("bench", Role.SUPERVISOR)
        create_rules(db.session, 2026, now=NOW)
        db.session.commit()
        unit_ids, leader_ids = [u.id for u in units], [leader.id for leader in leaders]
        app.test_client_class = IsolatedClient
        client = app.test_client()
        login(client, "bench")
        results = {}
        for size, already in ((args.small, 0), (args.items, args.small)):
            add_items(size - already, already, unit_ids, leader_ids)
            give_history()
            db.session.remove()
            act_as(db.session, None, now=NOW)
            computed = measure(lambda: compute_assessment(db.session, period, now=NOW), args.repeat)
            page = measure(lambda: client.get("/admin/assessment/?period=2026"), args.repeat)
            results[size] = (computed, page)
            print(
                f"{size:>8,} items: computation median {computed[0] * 1000:7.1f} ms, {computed[1]} statements; "
                f"page median {page[0] * 1000:7.1f} ms, {page[1]} statements",
                flush=True,
            )
    (small_computed, small_page), (large_computed, large_page) = results[args.small], results[args.items]
    print(
        f"RESULT items={args.items} compute_ms_small={small_computed[0] * 1000:.1f} "
        f"compute_ms_large={large_computed[0] * 1000:.1f} compute_statements={large_computed[1]} "
        f"page_ms_small={small_page[0] * 1000:.1f} page_ms_large={large_page[0] * 1000:.1f} "
        f"page_statements={large_page[1]}"
    )


if __name__ == "__main__":
    main()
