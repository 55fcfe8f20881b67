"""Importing the key-work decomposition table: items numbered and assigned through save_item, matched by title."""

from datetime import date, datetime

import pytest

from audit import act_as
from clock import CHINA
from extensions import db
from importing.runner import plan_import, run_import
from models import Assignment, AuditEvent, Feedback, Item, ItemSource, ItemStatus, Rhythm
from tests.data.workbooks import ITEM_HEADERS, build_office, xlsx
from tests.factories import make_item

NOW = datetime(2026, 11, 26, 10, 0, tzinfo=CHINA)  # a Thursday


@pytest.fixture
def office(app):
    """The test office, committed."""
    found = build_office()
    db.session.commit()
    return found


def task(title, lead="东方红林场", co=None, **cells):
    """A row of the decomposition table."""
    return [
        cells.get("serial", 1),
        title,
        cells.get("source", "“两会”重点工作"),
        cells.get("content", "完成人工造林 5000 亩"),
        cells.get("ordering", "赵振国"),
        cells.get("responsible", "刘建华"),
        lead,
        co,
        cells.get("person", "孙场长"),
        cells.get("deadline", date(2026, 12, 31)),
        cells.get("rhythm", "每季度"),
    ]


def table(*rows):
    """A decomposition table under a merged title row."""
    return xlsx([["2026年重点工作任务分解表"], ITEM_HEADERS, *rows], merges=["A1:K1"])


def messages(plan) -> list[str]:
    """The plan's problems as the office reads them."""
    return [str(p) for p in plan.problems]


def item(title: str) -> Item:
    """The item of a title."""
    return db.session.scalar(db.select(Item).filter_by(title=title))


def test_should_create_numbered_registered_items_with_their_assignments(office):
    data = table(
        task("春季造林", co="青山林场、第一林场"),
        task(
            "森林防火",
            lead="计财科",
            co="东方红林场，第一中学;青山林场；第二林场（营林所）",
            rhythm="每月",
            source="阶段性中心任务",
        ),
        task("危房改造", co=None, rhythm=None, deadline="5个工作日", source="十项利民工程"),
    )
    plan = run_import(db.session, "items", data, actor="命令行导入", now=NOW)
    db.session.commit()
    assert plan.applied and plan.counts["create"] == 3
    spring, fire, housing = item("春季造林"), item("森林防火"), item("危房改造")
    assert [i.number for i in (spring, fire, housing)] == ["督〔2026〕1号", "督〔2026〕2号", "督〔2026〕3号"]
    assert {i.status for i in (spring, fire, housing)} == {ItemStatus.REGISTERED}
    assert (spring.source, spring.rhythm, spring.ordering_leader, spring.responsible_leader) == (
        ItemSource.KEY_WORK,
        Rhythm.QUARTERLY,
        office["chief"],
        office["forestry"],
    )
    assert [(a.unit.name, a.role.label, a.deadline) for a in spring.assignments] == [
        ("东方红林场", "牵头", date(2026, 12, 31)),
        ("青山林场", "协办", date(2026, 12, 31)),
        ("第一林场", "协办", date(2026, 12, 31)),
    ]
    assert len(fire.assignments) == 5 and fire.rhythm == Rhythm.MONTHLY
    assert housing.deadline == date(2026, 12, 3) and housing.rhythm == Rhythm.ONE_OFF  # 5 working days on
    actors = set(db.session.scalars(db.select(AuditEvent.actor_name).where(AuditEvent.entity == "item")))
    assert actors == {"命令行导入"}


def test_should_update_an_item_of_the_same_title_and_change_nothing_the_second_time(office):
    existing = make_item(office["东方红"], [office["青山"]], title="春季造林", deadline=date(2026, 12, 31))
    db.session.commit()
    data = table(task(" 春季造林 ", co="青山林场、计财科", deadline="2027-1-15", person="王场长"))
    plan = run_import(db.session, "items", data, actor="导入", now=NOW)
    db.session.commit()
    assert plan.counts["update"] == 1 and plan.rows[0].target is existing
    shown = [str(c) for c in plan.rows[0].changes]
    assert "完成时限：2026-12-31 → 2027-01-15" in shown and "协办单位：青山林场 → 青山林场、计财科" in shown
    assert db.session.scalar(db.select(db.func.count()).select_from(Item)) == 1
    assert {a.unit.name: a.deadline for a in existing.assignments} == {
        "东方红林场": date(2027, 1, 15),
        "青山林场": date(2027, 1, 15),
        "计财科": date(2027, 1, 15),
    }
    again = plan_import(db.session, "items", data, now=NOW)
    assert again.ok and not again.has_changes and again.counts["unchanged"] == 1


def test_should_name_row_column_and_candidates_for_unknown_and_ambiguous_units(office):
    rows = [task(f"事项{n}") for n in range(1, 5)]
    rows.append(task("事项5", lead="第二林厂"))
    rows.append(task("事项6", lead="第二林场", co="第一、 一场"))
    plan = plan_import(db.session, "items", table(*rows), now=NOW)
    assert messages(plan) == [
        "第7行「牵头单位」：找不到单位“第二林厂”，是否指“第二林场（营林所）”？",
        "第8行「协办单位」：“第一”对应多个单位：“第一林场”、“第一中学”，无法确定，请填写全称。",
    ]
    assert "牵头单位：“第二林场”按“第二林场（营林所）”匹配" in plan.rows[5].notes


def test_should_list_the_allowed_sources_and_rhythms_and_accept_the_usual_short_forms(office):
    rows = [task("甲", source="两会重点工作", rhythm="每季"), task("乙", source="上级批示", rhythm="按月"),
            task("丙", source="群众来信"), task("丁", rhythm="每半年")]  # fmt: skip
    plan = plan_import(db.session, "items", table(*rows), now=NOW)
    assert (plan.rows[0].values["source"], plan.rows[0].values["rhythm"]) == (ItemSource.KEY_WORK, Rhythm.QUARTERLY)
    assert (plan.rows[1].values["source"], plan.rows[1].values["rhythm"]) == (
        ItemSource.HIGHER_INSTRUCTION,
        Rhythm.MONTHLY,
    )
    sources = "、".join(f"“{s.label}”" for s in ItemSource)
    assert messages(plan) == [
        f"第5行「来源」：“群众来信”不是可选的来源，应为以下之一：{sources}。",
        "第6行「办理周期」：“每半年”不是可选的办理周期，应为以下之一：“一次性”、“每月”、“每季度”。",
    ]


def test_should_refuse_bad_deadlines_duplicates_and_a_lead_that_is_also_a_co_unit(office):
    office["第一中学"].active = False
    db.session.commit()
    rows = [task("甲", deadline="年底前"), task("乙", deadline=None), task("甲"), task("丙", co="东方红林场"),
            task("丁", co="第一中学"), task("戊", deadline="0个工作日")]  # fmt: skip
    plan = plan_import(db.session, "items", table(*rows), now=NOW)
    assert messages(plan) == [
        "第3行「完成时限」：无法识别的完成时限“年底前”：请填写日期（如 2026-12-31）或工作日数（如 5个工作日）。",
        "第4行「完成时限」：请填写完成时限：日期（如 2026-12-31）或工作日数（如 5个工作日）。",
        "第5行「事项名称」：“甲”与第3行重复。",
        "第6行「协办单位」：“东方红林场”已是牵头单位，不能同时作为协办单位。",
        "第7行「协办单位」：单位“第一中学”已停用，不能承办事项。",
        "第8行「完成时限」：工作日数至少为 1。",
    ]


def test_should_not_take_a_unit_that_has_reported_off_an_item_nor_change_a_closed_item(office):
    reported = make_item(office["东方红"], [office["青山"]], title="已有反馈的事项")
    closed = make_item(office["东方红"], title="已办结的事项")
    closed.status = ItemStatus.CLOSED
    share = next(a for a in reported.assignments if a.unit == office["青山"])
    db.session.add(Feedback(assignment=share, progress="已完成一半", percent_complete=50, submitted_at=NOW))
    db.session.commit()
    plan = plan_import(
        db.session, "items", table(task("已有反馈的事项", co=""), task("已办结的事项", person="新人")), now=NOW
    )
    assert messages(plan) == [
        "第3行「协办单位」：“青山林场”已提交反馈，不能从承办单位中移除。",
        f"第4行：事项“已办结的事项”（{closed.number}）已办结，不能通过导入修改。",
    ]
    assert db.session.scalar(db.select(db.func.count()).select_from(Assignment)) == 3


def test_should_count_working_days_of_an_existing_item_from_its_registration_so_a_reimport_is_stable(office):
    registered = datetime(2026, 11, 2, 9, 0, tzinfo=CHINA)
    act_as(db.session, "督查员", now=registered)
    existing = make_item(office["东方红"], title="整改", deadline=date(2026, 11, 9), now=registered)
    db.session.commit()
    plan = plan_import(db.session, "items", table(task("整改", deadline="5个工作日")), now=NOW)
    assert plan.rows[0].target is existing
    assert plan.rows[0].values["deadline"] == date(2026, 11, 9) and "完成时限" not in str(plan.rows[0].changes)


def test_should_put_imported_items_under_the_three_checks_by_their_source(office):
    data = table(
        task("春季造林", source="“两会”重点工作"),
        task("市民来电：林区垃圾", source="便民公开电话", rhythm=None),
    )
    run_import(db.session, "items", data, actor="命令行导入", now=NOW)
    db.session.commit()
    assert item("春季造林").three_checks is True
    assert item("市民来电：林区垃圾").three_checks is False
