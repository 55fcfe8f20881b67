"""Importing the liaison roster: matched by e-mail or by unit and name; a re-import changes nothing; a round trip."""

from datetime import datetime

import pytest

from clock import CHINA
from extensions import db
from importing.directory import roster_workbook
from importing.runner import plan_import, run_import
from models import Liaison, Tenure
from tests.data.workbooks import ROSTER_HEADERS, build_office, edit_cells, sheet_rows, xlsx
from tests.factories import make_liaison

NOW = datetime(2026, 11, 26, 10, 0, tzinfo=CHINA)


@pytest.fixture
def office(app):
    """The test office, committed."""
    found = build_office()
    db.session.commit()
    return found


def person(name, unit="东方红林场", **cells):
    """A row of the roster template."""
    return [
        unit,
        name,
        cells.get("post", "办公室主任"),
        cells.get("employment", "兼职"),
        cells.get("office_phone", "0457-2345678"),
        cells.get("mobile", "13900001111"),
        cells.get("email", f"{name}@example.org"),
        cells.get("note"),
    ]


def enlist(unit, name, **fields) -> Liaison:
    """A liaison in post (save_liaison reads an unset `active` of a new entry as not in post)."""
    return make_liaison(unit, name, active=True, **fields)


def roster(*rows, headers=ROSTER_HEADERS):
    """A roster workbook."""
    return xlsx([headers, *rows])


def messages(plan) -> list[str]:
    """The plan's problems as the office reads them."""
    return [str(p) for p in plan.problems]


def liaison(name: str) -> Liaison:
    """The liaison of a name."""
    return db.session.scalar(db.select(Liaison).filter_by(name=name))


def test_should_create_liaisons_and_change_nothing_when_the_same_file_comes_again(office):
    data = roster(person("王林"), person("李青", "青山林场", employment="专职"), person("赵红", "计财科", mobile=None))
    first = run_import(db.session, "roster", data, actor="测试导入", now=NOW)
    db.session.commit()
    assert first.applied and first.counts["create"] == 3
    wang = liaison("王林")
    assert (wang.unit, wang.is_primary, wang.active, wang.employment.label) == (office["东方红"], True, True, "兼职")
    assert liaison("李青").employment.label == "专职" and liaison("赵红").mobile is None
    again = run_import(db.session, "roster", data, actor="测试导入", now=NOW)
    assert not again.applied and (again.counts["create"], again.counts["update"], again.counts["unchanged"]) == (
        0,
        0,
        3,
    )


def test_should_find_a_person_by_email_after_a_name_correction_and_by_unit_and_name_after_an_email_change(office):
    enlist(office["东方红"], "王林", email="wang@example.org")
    enlist(office["青山"], "李青", email="li@example.org")
    db.session.commit()
    plan = plan_import(
        db.session, "roster", roster(person("王琳", email="WANG@example.org"), person("李青", "青山林场",
            email="li2@example.org")), now=NOW
    )  # fmt: skip
    assert plan.ok
    assert [(r.action, r.target.name) for r in plan.rows] == [("update", "王林"), ("update", "李青")]
    assert "姓名：王林 → 王琳" in [str(c) for c in plan.rows[0].changes]
    assert "电子邮箱：li@example.org → li2@example.org" in [str(c) for c in plan.rows[1].changes]


def test_should_refuse_an_email_that_belongs_to_someone_else(office):
    enlist(office["东方红"], "王林", email="wang@example.org")
    enlist(office["东方红"], "孙森", email="sun@example.org")
    db.session.commit()
    plan = plan_import(db.session, "roster", roster(person("孙森", email="wang@example.org")), now=NOW)
    assert messages(plan) == [
        "第2行「电子邮箱」：电子邮箱“wang@example.org”属于东方红林场的王林，而本行的单位和姓名对应另一名联络员；请核对。"
    ]


def test_should_name_both_rows_of_a_duplicate_email_or_person(office):
    plan = plan_import(
        db.session,
        "roster",
        roster(person("王林"), person("李青", email="王林@example.org"), person("王林 ", email="x@example.org")),
        now=NOW,
    )
    assert messages(plan) == [
        "第3行「电子邮箱」：“王林@example.org”与第2行重复。",
        "第4行「姓名」：“东方红林场 王林”与第2行重复。",
    ]


def test_should_match_units_forgivingly_and_name_the_candidates_when_it_cannot(office):
    rows = [
        person("甲", "一场"),
        person("乙", "第二林场"),
        person("丙", "ＪＺ０３"),
        person("丁", "第一"),
        person("戊", "第二林厂"),
    ]
    plan = plan_import(db.session, "roster", roster(*rows), now=NOW)
    assert [r.values.get("unit") for r in plan.rows[:3]] == [office["东方红"], office["第二"], office["青山"]]
    assert "单位：“第二林场”按“第二林场（营林所）”匹配" in plan.rows[1].notes
    assert messages(plan) == [
        "第5行「单位」：“第一”对应多个单位：“第一林场”、“第一中学”，无法确定，请填写全称。",
        "第6行「单位」：找不到单位“第二林厂”，是否指“第二林场（营林所）”？",
    ]


def test_should_move_a_liaison_found_by_email_to_another_unit_and_keep_the_history(office):
    enlist(office["东方红"], "王林", email="wang@example.org")
    db.session.commit()
    plan = run_import(
        db.session, "roster", roster(person("王林", "青山林场", email="wang@example.org")), actor="导入", now=NOW
    )
    db.session.commit()
    assert "单位：东方红林场 → 青山林场" in [str(c) for c in plan.rows[0].changes]
    wang = liaison("王林")
    assert wang.unit == office["青山"] and wang.is_primary
    tenures = db.session.scalars(db.select(Tenure).filter_by(liaison_id=wang.id).order_by(Tenure.id)).all()
    assert [(t.unit_id, t.end is None) for t in tenures] == [(office["东方红"].id, False), (office["青山"].id, True)]


def test_should_make_a_new_primary_and_demote_the_old_one_but_refuse_two_in_one_unit(office):
    enlist(office["东方红"], "王林", email="wang@example.org")
    db.session.commit()
    headers = ROSTER_HEADERS + ["主要联络人"]
    assert liaison("王林").is_primary
    plan = run_import(db.session, "roster", roster(person("李青") + ["是"], headers=headers), actor="导入", now=NOW)
    db.session.commit()
    assert plan.applied and "原主要联络人王林将改为非主要联络人。" in plan.rows[0].notes
    assert [(name, liaison(name).is_primary) for name in ("王林", "李青")] == [("王林", False), ("李青", True)]
    both = roster(person("李青") + ["是"], person("王林", email="wang@example.org") + ["是"], headers=headers)
    assert messages(plan_import(db.session, "roster", both, now=NOW)) == [
        "第2行「主要联络人」：同一单位只能有一名主要联络人（第2、3行都填了“是”）。",
        "第3行「主要联络人」：同一单位只能有一名主要联络人（第2、3行都填了“是”）。",
    ]


def test_should_deactivate_on_no_and_refuse_new_liaisons_for_an_inactive_unit(office):
    enlist(office["东方红"], "王林", email="wang@example.org")
    office["青山"].active = False
    db.session.commit()
    headers = ROSTER_HEADERS + ["在岗"]
    data = roster(
        person("王林", email="wang@example.org") + ["否"], person("李青", "青山林场") + [None], headers=headers
    )
    plan = plan_import(db.session, "roster", data, now=NOW)
    assert "在岗：是 → 否" in [str(c) for c in plan.rows[0].changes]
    assert "主要联络人：是 → 否" in [str(c) for c in plan.rows[0].changes]
    assert messages(plan) == ["第3行「单位」：单位“青山林场”已停用，不能为它新增或调入联络员。"]


def test_should_round_trip_an_export_edited_in_excel_changing_exactly_the_two_edited_cells(office):
    for unit, name in ((office["东方红"], "王林"), (office["东方红"], "孙森"), (office["青山"], "李青"),
                       (office["计财科"], "赵红"), (office["第一中学"], "周文")):  # fmt: skip
        enlist(unit, name, email=f"{name}@example.org", mobile="13900001111", post="干事")
    db.session.commit()
    exported = roster_workbook(db.session)
    rows = sheet_rows(exported)
    assert list(rows[0][:8]) == ROSTER_HEADERS and len(rows) == 6
    untouched = plan_import(db.session, "roster", exported, now=NOW)
    assert untouched.ok and untouched.counts["unchanged"] == 5 and not untouched.has_changes
    line = {row[1]: number for number, row in enumerate(rows, start=1)}
    edited = edit_cells(exported, {f"F{line['李青']}": "13911112222", f"C{line['周文']}": "办公室主任"})
    plan = run_import(db.session, "roster", edited, actor="测试导入", now=NOW)
    db.session.commit()
    changed = [(r.row, [str(c) for c in r.changes]) for r in plan.rows if r.action != "unchanged"]
    assert changed == [
        (line["李青"], ["手机：13900001111 → 13911112222"]),
        (line["周文"], ["职务：干事 → 办公室主任"]),
    ]
    db.session.expire_all()
    assert liaison("李青").mobile == "13911112222" and liaison("周文").post == "办公室主任"
    assert liaison("王林").post == "干事"
