"""Benchmark: importing a 重点工作任务分解表 of 10,000 items (read, preview, write, commit) into a 54-unit office.

    .venv/bin/python scripts/bench_import.py [--rows 10000] [--database-url URL]

Target: the import (read, check, write, commit) within 2x of the floor measured in the same run: openpyxl read-only
of the same file and one executemany of its rows into a scratch table. The last line is
`RESULT rows=… import_s=… floor_s=… statements=…`. Without --database-url a fresh SQLite file is used; with a PostgreSQL
URL (postgresql://…) the tables are created in a new schema that is dropped afterwards.
"""

import argparse
import io
import sys
import tempfile
import time
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from openpyxl import Workbook, load_workbook  # noqa: E402

from app import create_app  # noqa: E402
from audit import act_as  # noqa: E402
from clock import CHINA  # noqa: E402
from demo import data as demo_data  # noqa: E402
from extensions import db  # noqa: E402
from importing.items import ItemImporter  # noqa: E402
from importing.runner import CLI_ACTOR, plan_import, run_import  # noqa: E402
from models import Assignment, AuditEvent, BureauLeader, Item, ItemSource, Rhythm, Unit, UnitKind  # noqa: E402

NOW = datetime(2026, 1, 5, 9, 0, tzinfo=CHINA)
# the template's headers, in the importer's order (the rows below fill all but 领导批示)
HEADERS = [column.header for column in ItemImporter.columns if column.key != "instruction"]


def seed_office() -> tuple[list[str], list[str]]:
    """The demo office's bureau leaders and 54 units; returns their names."""
    leaders = {}
    for key, name, title, _, escalations, order in demo_data.LEADERS:
        leaders[key] = BureauLeader(name=name, title=title, receives_escalations=escalations, sort_order=order)
    units = []
    for prefix, kind, rows in (
        ("JZ", UnitKind.AFFILIATED, demo_data.AFFILIATED_UNITS),
        ("BB", UnitKind.DEPARTMENT, demo_data.DEPARTMENTS),
    ):
        for n, (name, leader) in enumerate(rows, start=1):
            units.append(
                Unit(code=f"{prefix}{n:02d}", name=name, kind=kind, active=True, leader_in_charge=leaders[leader])
            )
    db.session.add_all([*leaders.values(), *units])
    db.session.commit()
    return [u.name for u in units], [leader.name for leader in leaders.values()]


def items_file(rows: int, units: list[str], leaders: list[str]) -> bytes:
    """A decomposition table with a title row, mixed date styles, several co-units and all three rhythms."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("重点工作任务分解表")
    sheet.append(["2026年重点工作任务分解表"])
    sheet.append(HEADERS)
    sources, rhythms = [s.label for s in ItemSource], [r.label for r in Rhythm]
    for n in range(rows):
        lead = units[n % len(units)]
        co = "、".join(units[(n + k) % len(units)] for k in (7, 19)[: n % 3])
        deadline = date(2026, 3, 31) + timedelta(days=n % 270)
        when = [deadline, deadline.strftime("%Y年%-m月%-d日"), f"{5 + n % 10}个工作日"][n % 3]
        sheet.append([n + 1, f"2026年重点工作第{n + 1}项：林区基础设施建设任务", sources[n % len(sources)],
                      "按季度报送进展，年底前全面完成。", leaders[n % len(leaders)], leaders[(n + 1) % len(leaders)],
                      lead, co, f"责任人{n % 97}", when, rhythms[n % len(rhythms)]])  # fmt: skip
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def floor(data: bytes) -> float:
    """Seconds to read the file with openpyxl read-only and write its rows with one executemany (rolled back)."""
    started = time.perf_counter()
    workbook = load_workbook(io.BytesIO(data), read_only=True)
    rows = [
        {f"c{n}": None if value is None else str(value) for n, value in enumerate(row[: len(HEADERS)])}
        for row in workbook.worksheets[0].iter_rows(min_row=3, values_only=True)
    ]
    workbook.close()
    columns = ", ".join(f"c{n}" for n in range(len(HEADERS)))
    typed = ", ".join(f"c{n} text" for n in range(len(HEADERS)))  # PostgreSQL wants a type; SQLite takes none
    with db.engine.connect() as connection:
        transaction = connection.begin()
        definition = typed if connection.dialect.name == "postgresql" else columns
        connection.execute(sa.text(f"CREATE TEMPORARY TABLE floor_rows ({definition})"))
        connection.execute(
            sa.text(f"INSERT INTO floor_rows ({columns}) VALUES ({', '.join(':' + key for key in rows[0])})"),  # nosec B608
            rows,
        )
        connection.execute(sa.text("DROP TABLE floor_rows"))
        transaction.commit()
    return time.perf_counter() - started


def main() -> None:
    """Seed the office, build the file, time the preview and the import, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--database-url", help="postgresql://… (default: a temporary SQLite file)")
    args = parser.parse_args()
    schema, url = None, args.database_url
    if url and url.startswith("postgresql"):
        schema = "bench_import_" + uuid.uuid4().hex[:8]
        admin = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
        url = url.replace("postgresql://", "postgresql+psycopg://", 1) + f"?options=-csearch_path%3D{schema}"
    url = url or "sqlite:///" + str(Path(tempfile.mkdtemp()) / "bench.sqlite")
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "TESTING": True})  # nosec B105
    try:
        with app.app_context():
            upgrade()
            act_as(db.session, None, now=NOW)  # the benchmark is an edge: the system sets up the office
            units, leaders = seed_office()
            started = time.perf_counter()
            data = items_file(args.rows, units, leaders)
            print(
                f"文件：{args.rows} 行，{len(data) / 1024 / 1024:.1f} MB（生成用时 {time.perf_counter() - started:.1f}"
                f" 秒）"
            )

            started = time.perf_counter()
            preview = plan_import(db.session, "items", data, filename="bench.xlsx", now=NOW)
            preview_seconds = time.perf_counter() - started
            db.session.rollback()
            print(f"预览（读取+逐行检查）：{preview_seconds:.1f} 秒；{preview.summary()}")
            for problem in preview.problems[:5]:
                print("  ", problem)

            floor_seconds = floor(data)
            print(f"下限（openpyxl 只读 + 一次 executemany）：{floor_seconds:.1f} 秒")

            statements = []
            listener = lambda *args: statements.append(1)  # noqa: E731
            sa.event.listen(db.engine, "before_cursor_execute", listener)
            started = time.perf_counter()
            plan = run_import(db.session, "items", data, filename="bench.xlsx", actor=CLI_ACTOR, now=NOW)
            db.session.commit()
            total = time.perf_counter() - started
            sa.event.remove(db.engine, "before_cursor_execute", listener)
            count = lambda model: db.session.scalar(sa.select(sa.func.count()).select_from(model))  # noqa: E731
            print(f"导入（读取+检查+写入+提交）：{total:.1f} 秒；{plan.summary()}")
            print(
                f"数据库：事项 {count(Item)}，承办任务 {count(Assignment)}，留痕 {count(AuditEvent)}（"
                f"{db.engine.dialect.name}）"
            )

            started = time.perf_counter()
            again = plan_import(db.session, "items", data, filename="bench.xlsx", now=NOW)
            print(f"再次预览同一文件：{time.perf_counter() - started:.1f} 秒；{again.summary()}")
            db.engine.dispose()
            print(f"导入用时为下限的 {total / floor_seconds:.1f} 倍（目标 ≤ 2 倍），{len(statements)} 条 SQL 语句")
            print(
                f"RESULT rows={args.rows} import_s={total:.2f} floor_s={floor_seconds:.2f} statements={len(statements)}"
                f" backend={db.engine.dialect.name}"
            )
    finally:
        if schema:
            with admin.connect() as connection:
                connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))


if __name__ == "__main__":
    main()
