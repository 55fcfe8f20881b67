"""Importing the 提案汇总表: matched by 提案号, new ones registered as items with their units; all or nothing."""

import io
import re
from datetime import date, datetime

import pytest

from clock import CHINA
from extensions import db
from importing.runner import CLI_ACTOR, run_import
from models import Assignment, AuditEvent, Item, ItemSource, ItemStatus, OutboxMessage, Role
from models.assignment import AssignmentRole, AssignmentStatus
from models.proposal import Proposal
from tests.data.workbooks import build_office, row_counts, xlsx
from tests.factories import login, make_item, make_user

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=CHINA)  # a Monday, after the staff congress
HEADERS = ["提案号", "标题", "提案人", "代表团（单位）", "附议人", "类别", "主办单位", "会办单位", "办理时限",
    "提案人邮箱", "建议内容"]  # fmt: skip


@pytest.fixture
def office(app):
    """The test office, committed."""
    found = build_office()
    db.session.commit()
    return found


def proposal(number, title, lead="东方红林场", co=None, **cells):
    """A row of the 提案汇总表."""
    return [
        number,
        title,
        cells.get("representatives", "张三"),
        cells.get("delegation", "东方红林场代表团"),
        cells.get("seconders"),
        cells.get("category", "民生保障"),
        lead,
        co,
        cells.get("deadline", date(2026, 6, 30)),
        cells.get("email"),
        cells.get("content", "建议研究解决"),
    ]


def table(*rows) -> bytes:
    """A 提案汇总表 under a merged title row."""
    return xlsx([["2026年职工代表大会提案汇总表"], HEADERS, *rows], merges=["A1:K1"])


CLEAN = table(
    proposal("2026-001", "提高野外作业人员补贴标准", "一场", "计财科、青山林场", representatives="张三,李四",
             seconders="王五；赵六", email="ｚｈａｎｇ＠example.org"),
    proposal("2026-002", "改善职工食堂伙食", "第二林场", category="后勤服务"),
    proposal(3, "增设林区通勤班车", "青山林场", deadline="20个工作日"),
)  # fmt: skip


def run(data: bytes, now: datetime = NOW):
    """Import with the command line's actor, committed when written."""
    plan = run_import(db.session, "proposals", data, actor=CLI_ACTOR, now=now)
    db.session.commit() if plan.applied else db.session.rollback()
    db.session.expire_all()
    return plan


def messages(plan) -> list[str]:
    """The plan's problems as the office reads them."""
    return [str(p) for p in plan.problems]


def by_number(number: str) -> Proposal:
    """The proposal of a number."""
    return db.session.scalar(db.select(Proposal).filter_by(number=number))


def test_should_register_each_proposal_as_a_numbered_item_with_its_units_not_yet_assigned(office):
    plan = run(CLEAN)
    assert plan.applied and plan.counts["create"] == 3, messages(plan)
    first = by_number("2026-001")
    assert (first.representatives, first.seconders, first.email) == ("张三、李四", "王五、赵六", "zhang@example.org")
    assert (first.delegation, first.category) == ("东方红林场代表团", "民生保障")
    item = first.item
    assert (item.number, item.source, item.status) == (
        "督〔2026〕1号",
        ItemSource.STAFF_PROPOSAL,
        ItemStatus.REGISTERED,
    )
    assert (item.title, item.content, item.deadline) == ("提高野外作业人员补贴标准", "建议研究解决", date(2026, 6, 30))
    assert [(a.unit.name, a.role, a.status) for a in item.assignments] == [
        ("东方红林场", AssignmentRole.LEAD, AssignmentStatus.PENDING),
        ("计财科", AssignmentRole.CO, AssignmentStatus.PENDING),
        ("青山林场", AssignmentRole.CO, AssignmentStatus.PENDING),
    ]
    assert by_number("3").item.deadline == date(2026, 3, 30)  # 20 working days from Monday 2 March
    assert by_number("2026-002").item.lead_unit.name == "第二林场（营林所）"
    assert db.session.scalar(db.select(db.func.count()).select_from(OutboxMessage)) == 0  # the office assigns later
    audited = set(db.session.execute(db.select(AuditEvent.entity, AuditEvent.actor_name)))
    assert {("item", CLI_ACTOR), ("proposal", CLI_ACTOR)} <= audited


def test_should_leave_a_reimport_unchanged_and_update_only_the_proposals_own_fields(office):
    run(CLEAN)
    before = row_counts()
    again = run(CLEAN)
    assert again.ok and not again.applied and again.counts["unchanged"] == 3
    assert row_counts() == before
    changed = table(
        proposal("2026-001", "提高野外作业补贴", "一场", "计财科、青山林场", representatives="张三、李四",
                 seconders="王五、赵六", email="zhang3@example.org"),
    )  # fmt: skip
    plan = run(changed)
    assert plan.applied and plan.counts["update"] == 1, messages(plan)
    assert [str(c) for c in plan.rows[-1].changes] == ["提案人邮箱：zhang@example.org → zhang3@example.org"]
    assert any("「标题」与已登记的事项 督〔2026〕1号 不同" in n for n in plan.rows[-1].notes)
    assert by_number("2026-001").email == "zhang3@example.org"
    assert by_number("2026-001").item.title == "提高野外作业人员补贴标准"  # the item is not the import's to change
    assert db.session.scalar(db.select(db.func.count()).select_from(Item)) == 3


def test_should_refuse_a_messy_file_row_by_row_and_write_nothing(office):
    other = make_item(office["计财科"], title="年度预算编制", source=ItemSource.MEETING_DECISION)
    db.session.add(Proposal(item=other, number="2026-009", representatives="某代表"))  # left by an edited source
    db.session.commit()
    before = row_counts()
    plan = run(
        table(
            proposal("2026-001", "提高补贴"),
            proposal("2026－001", "改善伙食"),
            proposal("2026-002", "增设班车", "不存在林场"),
            proposal("2026-003", "修缮宿舍", deadline="明天"),
            proposal("2026-004", "修缮道路", deadline="2026-02-30"),
            proposal("2026-005", "扩建浴室", email="zhang@"),
            proposal(None, None, representatives=None, deadline=None),
            proposal("2026-009", "年度预算编制"),
            proposal("2026-010", "完善考核", "计财科", "计财科"),
        )
    )
    assert not plan.applied and row_counts() == before
    found = messages(plan)
    for expected in (
        "第4行「提案号」：“2026-001”与第3行重复。",
        "第6行「办理时限」：无法识别的办理时限“明天”：请填写日期（如 2026-12-31）或工作日数（如 20个工作日）。",
        "第7行「办理时限」：日期“2026-02-30”不存在（2026年没有2月30日）。",
        "第8行「提案人邮箱」：电子邮箱“zhang@”格式不正确，应形如 name@example.org。",
        "第9行「提案号」：请填写提案号。",
        "第9行「标题」：请填写标题。",
        "第9行「提案人」：请填写提案人。",
        "第9行「办理时限」：新提案须填写办理时限：日期（如 2026-12-31）或工作日数（如 20个工作日）。",
        "第10行「提案号」：提案号“2026-009”已用于事项 督〔2026〕1号“年度预算编制”，其来源是“重要文件、会议决定事项”，"
        "不是职工代表建议和提案；请核对提案号。",
        "第11行「会办单位」：“计财科”已是主办单位，不能同时作为会办单位。",
    ):
        assert expected in found, found
    assert any(m.startswith("第5行「主办单位」：") and "不存在林场" in m for m in found), found
    assert plan.rows[0].status == "create" and plan.count("error") == 8


def test_should_refuse_a_number_already_given_to_another_years_proposal(office):
    run(CLEAN)
    plan = run(table(proposal(3, "修缮职工活动中心", "青山林场")), now=datetime(2027, 3, 1, 10, 0, tzinfo=CHINA))
    assert not plan.applied
    assert messages(plan) == [
        "第3行「提案号」：提案号“3”已是2026年的提案“增设林区通勤班车”（督〔2026〕3号）的编号。提案号不能重复，"
        "请在提案号中加上年份（如 2027-3）。"
    ]


def test_should_preview_and_confirm_a_proposals_import_from_the_screen(client, office):
    make_user("sup", Role.SUPERVISOR, display_name="王督查")
    db.session.commit()
    login(client, "sup")
    index = client.get("/admin/import/").get_data(as_text=True)
    assert "职工代表建议和提案" in index and "/admin/import/template/proposals.xlsx" in index
    uploaded = client.post(
        "/admin/import/proposals/upload",
        data={"proposals-file": (io.BytesIO(CLEAN), "提案汇总表.xlsx")},
        content_type="multipart/form-data",
    )
    assert uploaded.status_code == 302 and "/admin/import/proposals/preview/" in uploaded.location
    preview = client.get(uploaded.location).get_data(as_text=True)
    assert "新建 3" in preview and "提高野外作业人员补贴标准" in preview
    assert db.session.scalar(db.select(db.func.count()).select_from(Proposal)) == 0
    form = {name: re.search(rf'name="{name}"[^>]*value="([^"]*)"', preview).group(1) for name in ("token", "sha256")}
    done = client.post("/admin/import/proposals/confirm", data=form)
    assert done.status_code == 302 and done.location.endswith("/admin/proposal/")
    listing = client.get(done.location).get_data(as_text=True)
    assert "职工代表建议和提案导入完成：新建 3 条" in listing and "2026-002" in listing
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count()).select_from(Assignment)) == 5
    actors = set(db.session.scalars(db.select(AuditEvent.actor_name).where(AuditEvent.entity == "proposal")))
    assert actors == {"王督查"}
