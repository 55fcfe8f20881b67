"""Hostile workbooks are refused or clipped within a small budget: millions of rows, huge merged ranges, slow files."""

import io
import time
import tracemalloc
from datetime import datetime

import pytest

from extensions import db
from importing import reader
from importing.reader import ReadLimits
from importing.runner import plan_import
from models import Liaison, Role
from tests.conftest import make_config
from tests.data.hostile import merged_ranges_workbook, million_rows_workbook
from tests.data.workbooks import ROSTER_HEADERS, build_office, row_counts, xlsx
from tests.factories import login, make_user

pytestmark = pytest.mark.sqlite_only  # nothing here depends on the database's dialect

NOW = datetime(2026, 11, 26, 2, 0).astimezone()
CPU_SECONDS = 5.0  # before the limits: 130 s for two million rows, 16 s for the merged ranges (CPU)
PEAK_MB = 64  # before: 4.2 GB and 3.8 GB


@pytest.fixture(scope="module")
def two_million_rows() -> bytes:
    """The 2-million-row roster, built once for the module (about 3 s)."""
    return million_rows_workbook()


@pytest.fixture
def app_config(migrated_database, tmp_path):
    """Uploads in the test's own folder."""
    return make_config(migrated_database, IMPORT_FOLDER=str(tmp_path / "imports"))


@pytest.fixture
def office(app):
    """The test office and a supervisor."""
    found = build_office()
    make_user("sup", Role.SUPERVISOR)
    db.session.commit()
    return found


def measured(work):
    """(result, CPU seconds, peak MB of Python memory) of `work()`: timed in a run of its own, since tracing every
    allocation (for the peak) multiplies the CPU time several-fold and with it the noise of a busy machine."""
    started = time.process_time()
    work()
    seconds = time.process_time() - started
    tracemalloc.start()
    try:
        result = work()
        peak = tracemalloc.get_traced_memory()[1] / (1024 * 1024)
    finally:
        tracemalloc.stop()
    return result, seconds, peak


def upload(client, data: bytes):
    """Upload a roster file and open its preview."""
    uploaded = client.post(
        "/admin/import/roster/upload",
        data={"roster-file": (io.BytesIO(data), "名录.xlsx")},
        content_type="multipart/form-data",
    )
    assert uploaded.status_code == 302, uploaded.get_data(as_text=True)
    return client.get(uploaded.location, follow_redirects=True)


def problems(plan) -> str:
    """Every problem of a plan, one text."""
    return "\n".join(str(p) for p in plan.problems)


def test_should_refuse_two_million_rows_in_a_second_and_little_memory_writing_nothing(
    app, client, runner, office, two_million_rows, tmp_path
):
    assert len(two_million_rows) < 10 * 1024 * 1024  # small enough to upload
    before = row_counts()
    plan, seconds, peak = measured(lambda: plan_import(db.session, "roster", two_million_rows, now=NOW))
    assert "超过导入上限（最多 20000 行）" in problems(plan) and not plan.rows
    assert seconds < CPU_SECONDS and peak < PEAK_MB, (seconds, peak)
    path = tmp_path / "名录.xlsx"
    path.write_bytes(two_million_rows)
    result = runner.invoke(args=["import-roster", str(path)])
    assert result.exit_code == 1 and "最多 20000 行" in result.output, result.output
    login(client, "sup")
    page = upload(client, two_million_rows).get_data(as_text=True)
    assert "最多 20000 行" in page and "确认导入" not in page
    db.session.expire_all()
    assert row_counts() == before


@pytest.mark.parametrize("dimension", [None, "A1:C2"], ids=["honest", "lying"])
def test_should_refuse_data_below_the_row_limit_whatever_the_dimension_says(app, office, dimension):
    data = million_rows_workbook(100_000, dimension=dimension)
    plan, seconds, peak = measured(lambda: plan_import(db.session, "roster", data, now=NOW))
    assert "数据超过上限（最多 20000 行）" in problems(plan) and not plan.rows
    assert seconds < CPU_SECONDS and peak < PEAK_MB, (seconds, peak)


def test_should_clip_merged_ranges_to_the_rows_read_and_preview_at_once(app, client, office):
    data = merged_ranges_workbook()  # 100 ranges of 200,000 rows each
    assert len(data) < 10 * 1024
    plan, seconds, peak = measured(lambda: plan_import(db.session, "roster", data, now=NOW))
    assert plan.ok, problems(plan)
    assert [(r.row, r.action, r.values["name"]) for r in plan.rows] == [(2, "create", "王林")]
    assert seconds < CPU_SECONDS and peak < PEAK_MB, (seconds, peak)
    before = row_counts()
    login(client, "sup")
    page = upload(client, data)
    assert page.status_code == 200 and "确认导入" in page.get_data(as_text=True)
    db.session.expire_all()
    assert row_counts() == before and db.session.scalar(db.select(db.func.count(Liaison.id))) == 0


def test_should_take_the_limits_from_the_settings_in_the_screens_and_the_commands(
    app, client, runner, office, tmp_path
):
    rows = [["东方红林场", f"王林{n}", None, None, None, f"139{n:08d}"] for n in range(40)]
    data = xlsx([ROSTER_HEADERS, *rows])
    app.config.update(IMPORT_MAX_ROWS=10)
    path = tmp_path / "名录.xlsx"
    path.write_bytes(data)
    result = runner.invoke(args=["import-roster", str(path)])
    assert result.exit_code == 1 and "数据超过上限（最多 10 行）" in result.output, result.output
    login(client, "sup")
    assert "数据超过上限（最多 10 行）" in upload(client, data).get_data(as_text=True)
    app.config.update(IMPORT_MAX_ROWS=20_000, IMPORT_MAX_MERGED_RANGES=50)
    assert "合并单元格超过上限（最多 50 处）" in upload(client, merged_ranges_workbook()).get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count(Liaison.id))) == 0


def test_should_stop_a_file_that_takes_too_long_or_too_much_memory(app, office, monkeypatch):
    data = merged_ranges_workbook(ranges=3, height=10)
    plan = plan_import(db.session, "roster", data, now=NOW, limits=ReadLimits(max_seconds=0))
    assert "读取文件超过时间上限（最多 0 秒），未导入任何数据" in problems(plan)
    growing = iter(range(0, 10**12, 600 * 1024 * 1024))
    monkeypatch.setattr(reader, "_resident_bytes", lambda: next(growing))
    plan = plan_import(db.session, "roster", data, now=NOW, limits=ReadLimits(max_memory_mb=512))
    assert "读取文件超过内存上限（最多 512 MB），未导入任何数据" in problems(plan)


def test_should_read_only_the_first_columns_of_a_very_wide_sheet(app, office):
    wide = [None] * 200
    header = [*ROSTER_HEADERS, *wide, "姓名"]
    row = ["东方红林场", "王林", *[None] * 6, *["多余"] * 200, "李四"]
    plan = plan_import(db.session, "roster", xlsx([header, row]), now=NOW, limits=ReadLimits(max_columns=8))
    assert plan.ok and [r.values["name"] for r in plan.rows] == ["王林"]
