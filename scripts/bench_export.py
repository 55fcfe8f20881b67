"""Benchmark: the item list's xlsx and CSV export at 100,000 items, against a floor measured in the same run.

    .venv/bin/python scripts/bench_export.py [--items 100000] [--database-url URL]

Each export is one GET of /admin/item/export/<type>/ through the app (as a supervisor), timed to its last byte; the
memory figure is the largest resident size seen while it ran, above the size just before the request. The floor is
what the same file costs with nothing in between: one raw query (co-units in a second one) written straight into an
openpyxl write-only workbook in a temporary file (and into csv.writer for CSV).
Targets: each export within 2x of the floor, at most 100 MB above the process's size, a fixed number of statements.
"""

import argparse
import csv
import gc
import io
import os
import sys
import tempfile
import threading
import time
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from app import create_app  # noqa: E402
from audit import act_as  # noqa: E402
from extensions import db  # noqa: E402
from models import BureauLeader, Role, Unit, UnitKind  # noqa: E402
from scripts.bench_item_list import add_items  # noqa: E402
from tests.conftest import IsolatedClient  # noqa: E402
from tests.factories import login, make_user  # noqa: E402

PAGE_BYTES = os.sysconf("SC_PAGE_SIZE")


def rss_mb() -> float:
    """This process's resident size in MB."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * PAGE_BYTES / 1024 / 1024


class PeakMemory:
    """Samples the resident size every 5 ms while the block runs; `extra_mb` is the peak above the size at entry."""

    def __enter__(self):
        gc.collect()
        self.start = self.peak = rss_mb()
        self.running = True
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()
        return self

    def _sample(self):
        while self.running:
            self.peak = max(self.peak, rss_mb())
            time.sleep(0.005)

    def __exit__(self, *exc):
        self.running = False
        self.thread.join()
        self.peak = max(self.peak, rss_mb())
        self.extra_mb = self.peak - self.start


FLOOR_QUERY = """
SELECT i.number, i.title, i.source, i.rhythm, i.status, i.content, o.name, i.instruction, r.name, u.name,
       i.responsible_person, i.deadline, i.created_at, i.id
FROM item i JOIN unit u ON u.id = i.lead_unit_id
LEFT JOIN bureau_leader o ON o.id = i.ordering_leader_id LEFT JOIN bureau_leader r ON r.id = i.responsible_leader_id
ORDER BY i.id DESC
"""
CO_QUERY = "SELECT a.item_id, u.name FROM assignment a JOIN unit u ON u.id = a.unit_id WHERE a.role = 'co'"


def floor_rows():
    """The export's rows straight from two raw queries (co-unit names joined in Python)."""
    with db.engine.connect() as connection:
        co = defaultdict(list)
        for item_id, name in connection.exec_driver_sql(CO_QUERY):
            co[item_id].append(name)
        for row in connection.exec_driver_sql(FLOOR_QUERY):
            created = row[12]  # timestamptz on PostgreSQL: a spreadsheet takes it naive
            created = created.replace(tzinfo=None) if isinstance(created, datetime) and created.tzinfo else created
            yield [*row[:10], "、".join(co.get(row[13], ())), row[10], row[11], created]


def floor(kind: str) -> tuple[float, float]:
    """Seconds and extra MB of the raw query written to a temporary file, as xlsx (write-only) or CSV."""
    with PeakMemory() as memory:
        started = time.perf_counter()
        with tempfile.TemporaryFile() as handle:
            if kind == "xlsx":
                workbook = Workbook(write_only=True)
                sheet = workbook.create_sheet("督查事项")
                for row in floor_rows():
                    sheet.append(row)
                workbook.save(handle)
            else:
                text = io.TextIOWrapper(handle, encoding="utf-8", newline="")
                csv.writer(text).writerows(floor_rows())
                text.flush()
                text.detach()
        elapsed = time.perf_counter() - started
    return elapsed, memory.extra_mb


def export(client, kind: str) -> tuple[float, float, int, int]:
    """Seconds, extra MB, statements and bytes of one export through the app."""
    statements = []
    listener = lambda *args: statements.append(1)  # noqa: E731
    sa.event.listen(db.engine, "before_cursor_execute", listener)
    try:
        with PeakMemory() as memory:
            started = time.perf_counter()
            response = client.get(f"/admin/item/export/{kind}/", buffered=False)
            size = sum(len(chunk) for chunk in response.response)
            response.close()
            elapsed = time.perf_counter() - started
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", listener)
    assert response.status_code == 200, response.status_code  # nosec B101
    return elapsed, memory.extra_mb, len(statements), size


def main() -> None:
    """Load the items, time the floor and both exports, print a table and the RESULT line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--database-url", help="an empty database (default: a new SQLite file)")
    args = parser.parse_args()
    workdir = tempfile.mkdtemp(prefix="duban-bench-export-")
    url = args.database_url or f"sqlite:///{workdir}/bench.sqlite"
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False, "INSTANCE_PATH": workdir}  # nosec B105
    )
    with app.app_context():
        upgrade()
        act_as(db.session, None, now=datetime(2026, 1, 1, tzinfo=UTC))  # the system sets up the office
        units = [Unit(code=f"B{i:02d}", name=f"基准单位{i:02d}", kind=UnitKind.AFFILIATED) for i in range(54)]
        leaders = [BureauLeader(name=f"基准领导{i}", title="副局长") for i in range(8)]
        db.session.add_all([*units, *leaders])
        make_user("bench", Role.SUPERVISOR)
        db.session.commit()
        started = time.perf_counter()
        add_items(args.items, 0, [u.id for u in units], [leader.id for leader in leaders])
        db.session.remove()
        if db.engine.dialect.name == "sqlite":
            with db.engine.connect() as connection:
                connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        else:  # the statistics autovacuum gathers soon after a bulk load (plans without them are not production's)
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.exec_driver_sql("ANALYZE")
        print(f"-- {args.items:,} items loaded in {time.perf_counter() - started:.1f} s ({db.engine.dialect.name})")
        app.test_client_class = IsolatedClient
        client = app.test_client()
        login(client, "bench")
        results = {
            "floor xlsx (raw query + write-only)": (*floor("xlsx"), 2, None),
            "floor csv (raw query + csv.writer)": (*floor("csv"), 2, None),
            "export xlsx": export(client, "xlsx"),
            "export csv": export(client, "csv"),
        }
    print(f"\n{'':38s} {'seconds':>8s} {'+MB':>7s} {'statements':>10s} {'bytes':>12s}")
    for name, (seconds, extra, statements, size) in results.items():
        print(f"{name:38s} {seconds:8.2f} {extra:7.1f} {statements:10d} {size or 0:12,d}")
    floor_s, csv_floor_s = (
        results["floor xlsx (raw query + write-only)"][0],
        results["floor csv (raw query + csv.writer)"][0],
    )
    xlsx, text = results["export xlsx"], results["export csv"]
    print(
        f"xlsx {xlsx[0] / floor_s:.2f}x the floor, csv {text[0] / floor_s:.2f}x the xlsx floor"
        f" ({text[0] / csv_floor_s:.2f}x the csv floor); target ≤ 2x and ≤ 100 MB"
    )
    print(
        f"RESULT rows={args.items} xlsx_s={xlsx[0]:.2f} xlsx_extra_mb={xlsx[1]:.1f} csv_s={text[0]:.2f}"
        f" csv_extra_mb={text[1]:.1f} floor_s={floor_s:.2f} csv_floor_s={csv_floor_s:.2f}"
        f" xlsx_statements={xlsx[2]} csv_statements={text[2]}"
    )


if __name__ == "__main__":
    main()
