"""Importing units: matched by code, else by name; leaders and aliases read forgivingly; every mistake named."""

from datetime import datetime

import pytest

from clock import CHINA
from extensions import db
from importing.directory import units_workbook
from importing.runner import plan_import, run_import
from models import AuditEvent, Unit, UnitKind
from tests.data.workbooks import UNIT_HEADERS, build_office, edit_cells, xlsx
from tests.factories import make_leader

NOW = datetime(2026, 11, 26, 10, 0, tzinfo=CHINA)


@pytest.fixture
def office(app):
    """The test office, committed."""
    found = build_office()
    db.session.commit()
    return found


def unit_row(code, name, kind="局直单位", **cells):
    """A row of the units template."""
    return [
        code,
        name,
        kind,
        cells.get("head", "孙场长"),
        cells.get("head_email", "head@example.org"),
        cells.get("leader", "刘建华"),
        cells.get("office_email", "office@example.org"),
        cells.get("phone", "0457-2345678"),
        cells.get("aliases"),
    ]


def units(*rows):
    """A units workbook."""
    return xlsx([UNIT_HEADERS, *rows])


def messages(plan) -> list[str]:
    """The plan's problems as the office reads them."""
    return [str(p) for p in plan.problems]


def test_should_create_new_units_with_aliases_leaders_and_kinds(office):
    data = units(
        unit_row("JZ06", "红旗林场", aliases="红旗、 红旗场 ;三场，hq"),
        unit_row("BB02", "营林科", kind="部办", leader="杨春梅副局长"),
    )
    plan = run_import(db.session, "units", data, actor="测试导入", now=NOW)
    db.session.commit()
    assert plan.applied and plan.counts["create"] == 2
    red = db.session.scalar(db.select(Unit).filter_by(code="JZ06"))
    assert (red.name, red.kind, red.aliases, red.leader_in_charge) == (
        "红旗林场",
        UnitKind.AFFILIATED,
        "红旗、红旗场、三场、hq",
        office["forestry"],
    )
    dept = db.session.scalar(db.select(Unit).filter_by(code="BB02"))
    assert dept.kind == UnitKind.DEPARTMENT and dept.leader_in_charge == office["welfare"] and dept.active
    actors = set(db.session.scalars(db.select(AuditEvent.actor_name).where(AuditEvent.entity == "unit")))
    assert "测试导入" in actors


def test_should_update_a_unit_found_by_code_and_show_old_and_new(office):
    data = units(unit_row("JZ01", "东方红林场", head="王场长", phone="0457-1111111", aliases="东方红、一场"))
    plan = plan_import(db.session, "units", data, now=NOW)
    assert plan.ok and plan.rows[0].action == "update"
    shown = [str(c) for c in plan.rows[0].changes]
    assert "单位负责人：（空） → 王场长" in shown and "办公电话：（空） → 0457-1111111" in shown


def test_should_match_by_name_when_the_code_is_new_and_change_the_code(office):
    plan = plan_import(db.session, "units", units(unit_row("LC03", "青山林场")), now=NOW)
    assert plan.ok and plan.rows[0].target is office["青山"]
    assert "单位编码：JZ03 → LC03" in [str(c) for c in plan.rows[0].changes]


def test_should_refuse_a_code_of_one_unit_with_the_name_of_another(office):
    plan = plan_import(db.session, "units", units(unit_row("JZ01", "青山林场")), now=NOW)
    assert messages(plan) == [
        "第2行「单位名称」：单位名称“青山林场”已被编码为“JZ03”的单位使用，而编码“JZ01”是“东方红林场”的。"
    ]


def test_should_name_both_rows_of_a_duplicate_code_or_name(office):
    plan = plan_import(
        db.session,
        "units",
        units(unit_row("JZ07", "向阳林场"), unit_row("JZ08", "胜利林场"), unit_row("jz07", "前进林场"),
              unit_row("JZ09", "胜利林场 ")),
        now=NOW,
    )  # fmt: skip
    assert messages(plan) == ["第4行「单位编码」：“jz07”与第2行重复。", "第5行「单位名称」：“胜利林场”与第3行重复。"]


def test_should_require_a_kind_for_a_new_unit_and_list_the_allowed_ones(office):
    plan = plan_import(db.session, "units", units(unit_row("JZ07", "向阳林场", kind=None), unit_row("JZ08", "胜利林场",
        kind="林场")), now=NOW)  # fmt: skip
    assert messages(plan) == [
        "第2行「单位类别」：新单位须填写单位类别：局直单位 或 部办。",
        "第3行「单位类别」：“林场”不是可选的单位类别，应为以下之一：“局直单位”、“部办”。",
    ]


def test_should_check_emails_and_phones_as_the_forms_do(office):
    row = unit_row("JZ07", "向阳林场", head_email="head@", office_email="ｏｆｆｉｃｅ＠ｘｙ．ｏｒｇ", phone="电话待定")
    plan = plan_import(db.session, "units", units(row), now=NOW)
    assert messages(plan) == [
        "第2行「负责人邮箱」：电子邮箱“head@”格式不正确，应形如 name@example.org。",
        "第2行「办公电话」：电话号码“电话待定”格式不正确，应为数字，可含区号和“-”（如 0457-2345678）。",
    ]
    assert plan.rows[0].values["office_email"] == "office@xy.org"


def test_should_refuse_an_alias_that_is_another_units_name(office):
    plan = plan_import(db.session, "units", units(unit_row("JZ07", "向阳林场", aliases="向阳、青山林场")), now=NOW)
    assert messages(plan) == ["第2行「别名」：别名“青山林场”与单位“青山林场”的名称或别名相同，会造成混淆。"]


def test_should_match_leaders_forgivingly_but_never_guess(office):
    make_leader("杨立新", title="副局长", sort_order=4)
    db.session.commit()
    rows = [unit_row("JZ07", "向阳林场", leader="赵局长"), unit_row("JZ08", "胜利林场", leader="杨副局长"),
            unit_row("JZ09", "前进林场", leader="刘建化"), unit_row("JZ10", "永安林场", leader="刘建")]  # fmt: skip
    plan = plan_import(db.session, "units", units(*rows), now=NOW)
    assert plan.rows[0].values["leader_in_charge"] is office["chief"]
    assert plan.rows[3].values["leader_in_charge"] is office["forestry"]
    assert messages(plan) == [
        "第3行「分管领导」：“杨副局长”对应多个局领导：“杨春梅”、“杨立新”，无法确定，请填写全称。",
        "第4行「分管领导」：找不到局领导“刘建化”，是否指“刘建华”？",
    ]


def test_should_leave_kind_and_active_alone_when_blank_and_deactivate_on_no(office):
    data = xlsx([UNIT_HEADERS + ["启用"], unit_row("JZ03", "青山林场", kind=None) + [None],
                 unit_row("JZ04", "第一林场", kind=None) + ["否"]])  # fmt: skip
    plan = plan_import(db.session, "units", data, now=NOW)
    assert plan.ok
    assert "kind" not in plan.rows[0].values and "active" not in plan.rows[0].values
    assert "启用：是 → 否" in [str(c) for c in plan.rows[1].changes]


def test_should_export_units_in_the_template_shape_and_import_them_back_unchanged(office):
    exported = units_workbook(db.session)
    again = plan_import(db.session, "units", exported, now=NOW)
    assert again.ok and again.counts == {"create": 0, "update": 0, "unchanged": 6, "skipped": 0, "error": 0}
    edited = edit_cells(exported, {"D4": "新负责人"})  # row 4: the third unit by kind and code (JZ03)
    plan = run_import(db.session, "units", edited, actor="测试导入", now=NOW)
    db.session.commit()
    assert [(r.label, [str(c) for c in r.changes]) for r in plan.rows if r.action == "update"] == [
        ("青山林场", ["单位负责人：（空） → 新负责人"])
    ]
