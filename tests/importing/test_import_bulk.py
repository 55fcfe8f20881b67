"""All or nothing: one bad row after 10,000 good ones, or a failure while writing, leaves every table as it was."""

import io
from datetime import date, datetime, timedelta

import pytest
from openpyxl import Workbook
from sqlalchemy.exc import IntegrityError

import workflows.items as items_workflow
from audit import act_as
from clock import CHINA
from extensions import db
from importing.runner import ImportFailed, plan_import, run_import
from models import Item, SequenceCounter
from tests.data.workbooks import ITEM_HEADERS, build_office, row_counts
from tests.factories import make_item

NOW = datetime(2026, 11, 26, 10, 0, tzinfo=CHINA)
UNITS = ["东方红林场", "青山林场", "第一林场", "第一中学", "计财科"]


@pytest.fixture
def office(app):
    """The test office with one item registered before the import."""
    found = build_office()
    make_item(found["东方红"], title="导入前已有的事项")
    db.session.commit()
    return found


def big_table(rows: int, *, last_lead: str = "计财科") -> bytes:
    """A decomposition table of `rows` items (streamed, as a big file is); the last row's lead unit is chosen."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("分解表")
    sheet.append(["2026年重点工作任务分解表"])
    sheet.append(ITEM_HEADERS)
    for n in range(rows):
        lead = last_lead if n == rows - 1 else UNITS[n % len(UNITS)]
        co = UNITS[(n + 1) % len(UNITS)] if n % 2 else None
        deadline = date(2026, 12, 31) + timedelta(days=n % 90)
        sheet.append([n + 1, f"第{n + 1}项重点工作", "“两会”重点工作", "按期完成", "赵振国", "刘建华", lead, co,
                      "责任人", deadline if n % 3 else "10个工作日", "每季度"])  # fmt: skip
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_should_write_nothing_when_the_last_of_10000_rows_is_wrong(office):
    before = row_counts()
    data = big_table(10_000, last_lead="第二林厂")
    plan = run_import(db.session, "items", data, actor="命令行导入", now=NOW)
    db.session.commit()  # what a caller does after a refused import: nothing was added to commit
    assert not plan.applied and plan.counts["create"] == 9_999 and plan.counts["error"] == 1
    assert [str(p) for p in plan.problems] == [
        "第10002行「牵头单位」：找不到单位“第二林厂”，是否指“第二林场（营林所）”？"
    ]
    db.session.expire_all()
    assert row_counts() == before


def test_should_roll_everything_back_when_writing_fails_halfway(office, monkeypatch):
    before = row_counts()
    counter_before = db.session.scalar(db.select(SequenceCounter.value))
    real_insert_rows, written = items_workflow.insert_rows, []

    def failing_insert_rows(connection, table, rows):
        """insert_rows, failing on the shares once the items are in."""
        if table.name == "assignment":
            raise IntegrityError("INSERT INTO assignment", {}, Exception("模拟写入时出错"))
        written.append(len(rows))
        return real_insert_rows(connection, table, rows)

    monkeypatch.setattr(items_workflow, "insert_rows", failing_insert_rows)
    with pytest.raises(ImportFailed) as failure:
        run_import(db.session, "items", big_table(300), actor="命令行导入", now=NOW)
    db.session.rollback()
    assert str(failure.value) == (
        "导入未完成，未写入任何数据：数据库拒绝了其中一条记录（可能有人同时修改了相同的记录），请重新预览后再导入。"
    )
    assert written == [300]
    db.session.expire_all()
    assert row_counts() == before
    assert db.session.scalar(db.select(SequenceCounter.value)) == counter_before
    assert db.session.scalar(db.select(db.func.count()).select_from(Item)) == 1


def test_should_name_the_row_a_new_item_is_refused_for(office):
    units = office
    entry = {"title": "新事项", "source": "key_work", "lead_unit": units["东方红"], "deadline": date(2026, 12, 31)}
    entries = [
        ({**entry, "three_checks": True}, []),
        ({**entry, "title": "另一事项", "three_checks": True}, [units["东方红"]]),
    ]
    act_as(db.session, "命令行导入", now=NOW)
    with pytest.raises(items_workflow.ItemSaveError) as refused:
        items_workflow.create_items(db.session, entries, now=NOW)
    db.session.rollback()
    assert refused.value.position == 1
    assert str(refused.value) == f"“{units['东方红'].name}”已是牵头单位，不能同时作为协办单位。"


def test_should_preview_10000_rows_without_writing_anything(office):
    data = big_table(10_000)
    before = row_counts()
    preview = plan_import(db.session, "items", data, now=NOW)
    db.session.rollback()
    assert preview.ok and preview.counts["create"] == 10_000
    assert row_counts() == before
