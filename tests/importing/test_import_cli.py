"""The import commands: the committed samples import in order; --dry-run writes nothing; a mistake writes nothing."""

from pathlib import Path

import pytest

from demo import data as demo_data
from extensions import db
from models import Assignment, AuditEvent, BureauLeader, Item, Liaison, Unit
from tests.data.workbooks import edit_cells, row_counts, xlsx

SAMPLES = Path(__file__).resolve().parents[1] / "data"
NOW = ["--now", "2026-01-06T09:00"]


@pytest.fixture
def leaders(app):
    """The demo office's bureau leaders (there is no import of leaders)."""
    for _, name, title, _, escalations, order in demo_data.LEADERS:
        db.session.add(BureauLeader(name=name, title=title, receives_escalations=escalations, sort_order=order))
    db.session.commit()


def count(model) -> int:
    """Rows of a model."""
    return db.session.scalar(db.select(db.func.count()).select_from(model))


def invoke(runner, *args):
    """Run a command and forget what the session cached."""
    result = runner.invoke(args=list(args))
    db.session.expire_all()
    return result


def test_should_import_the_committed_samples_in_order_and_change_nothing_the_second_time(runner, leaders):
    for command, sample, created in (("import-units", "units.xlsx", 54), ("import-roster", "roster.xlsx", 54),
                                     ("import-items", "items.xlsx", 30)):  # fmt: skip
        result = invoke(runner, command, str(SAMPLES / sample), *NOW)
        assert result.exit_code == 0, result.output
        assert f"新建 {created} 条，修改 0 条" in result.output
        again = invoke(runner, command, str(SAMPLES / sample), *NOW)
        assert again.exit_code == 0 and "没有需要导入的变化" in again.output, again.output
    assert (count(Unit), count(Liaison), count(Item)) == (54, 54, 30)
    farm = db.session.scalar(db.select(Unit).filter_by(code="JZ10"))  # typed as ＪＺ１０, the phone as a number
    assert (farm.name, farm.phone) == ("松岭林场", "2345610")
    other = db.session.scalar(db.select(Unit).filter_by(code="JZ09"))  # a trailing space, the phone as text
    assert (other.name, other.phone) == ("兴安林场", "0457-2345609")
    mobiles = db.session.scalars(db.select(Liaison.mobile)).all()
    assert all(len(m) == 11 and m.isdigit() for m in mobiles)
    fire = db.session.scalar(db.select(Item).filter_by(title="健全森林防火责任体系"))
    assert fire.responsible_leader.name == "刘建华"  # merged over the whole section in the sample
    assert [a.unit.name for a in fire.assignments] == ["森林消防大队", "安全生产科", "森林公安分局"]
    assert count(Assignment) == 30 + sum(len(i.co_units) for i in db.session.scalars(db.select(Item)))
    actors = set(db.session.scalars(db.select(AuditEvent.actor_name).where(AuditEvent.entity.in_(["unit", "item"]))))
    assert actors == {"命令行导入"}


def test_should_write_nothing_on_a_dry_run_and_say_what_it_would_do(runner, leaders):
    before = row_counts()
    result = invoke(runner, "import-units", str(SAMPLES / "units.xlsx"), "--dry-run", *NOW)
    assert result.exit_code == 0, result.output
    assert "新建 54 条" in result.output and "第3行 新建 东方红林场" in result.output
    assert "试运行（--dry-run）：检查通过，未写入数据库。" in result.output
    assert row_counts() == before


def test_should_list_every_mistake_exit_with_1_and_write_nothing(runner, leaders, tmp_path):
    assert invoke(runner, "import-units", str(SAMPLES / "units.xlsx"), *NOW).exit_code == 0
    before = row_counts()
    broken = tmp_path / "名录.xlsx"
    broken.write_bytes(edit_cells((SAMPLES / "roster.xlsx").read_bytes(), {"A6": "东方虹林场", "F9": "139000"}))
    result = invoke(runner, "import-roster", str(broken), *NOW)
    assert result.exit_code == 1
    assert "第6行「单位」：找不到单位“东方虹林场”，是否指“东方红林场”？" in result.output
    assert "第9行「手机」：手机号码“139000”不正确，应为 11 位数字，以 1 开头。" in result.output
    assert "发现 2 处错误，未写入任何数据" in result.output
    assert row_counts() == before


@pytest.mark.parametrize(
    ("content", "expected"),
    [(b"", "文件是空的"), ("单位,姓名\n东方红林场,王林\n".encode(), "CSV 或文本文件")],
)
def test_should_explain_a_file_that_is_not_an_xlsx(runner, leaders, tmp_path, content, expected):
    path = tmp_path / "名录.xlsx"
    path.write_bytes(content)
    result = invoke(runner, "import-roster", str(path))
    assert result.exit_code == 1 and expected in result.output


def test_should_say_in_chinese_when_the_file_or_the_time_is_wrong(runner, leaders, tmp_path):
    missing = invoke(runner, "import-items", str(tmp_path / "没有这个文件.xlsx"))
    assert missing.exit_code != 0 and "找不到文件" in missing.output
    path = tmp_path / "表.xlsx"
    path.write_bytes(xlsx([["单位编码", "单位名称"]]))
    bad_time = invoke(runner, "import-units", str(path), "--now", "昨天")
    assert bad_time.exit_code != 0 and "无法识别的时间“昨天”" in bad_time.output
