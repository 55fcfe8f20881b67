"""目标考核 and the 督查调研 register: a unit's measures and score recomputed in the test from the rows it built, rule
versions, freezing and unfreezing (audited), deduction links, the .xlsx annex, role checks, research counts."""

import io
import re
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import event

from audit import act_as
from clock import CHINA, china_date
from extensions import db
from models import (
    AccountabilityDecision,
    AssessmentRule,
    Assignment,
    AssignmentStatus,
    AuditEvent,
    CheckState,
    Escalation,
    FailureReason,
    Feedback,
    Item,
    ItemSource,
    Notice,
    NoticeKind,
    NoticeStatus,
    ResearchArticle,
    ResearchDestination,
    ResearchKind,
    ReviewStatus,
    Role,
    RuleKind,
    Satisfaction,
    SupervisionCheck,
    Verdict,
)
from tests.factories import login, make_item, make_user
from tests.office import at, build_office
from workflows.assessment import (
    QUERY_COUNT,
    check_rules_editable,
    compute_assessment,
    create_rules,
    freeze,
    parse_period,
    shown_result,
    unfreeze,
    unit_row,
)
from workflows.lifecycle import TransitionError
from workflows.research import research_counts

NOW = at(2026, 11, 26, 10)
YEAR = parse_period("2026")


def share(item, unit=None):
    """The item's share of a unit (its lead unit's by default)."""
    unit = unit or item.lead_unit
    return next(a for a in item.assignments if a.unit_id == unit.id)


def done(assignment, *, assigned, acknowledged=None, accepted=None):
    """Set a share's history directly: assigned, acknowledged, accepted (or still in progress)."""
    assignment.assigned_at, assignment.acknowledged_at, assignment.accepted_at = assigned, acknowledged, accepted
    assignment.status = AssignmentStatus.ACCEPTED if accepted else AssignmentStatus.IN_PROGRESS


@pytest.fixture
def scene(app):
    """The office of `build_scene`."""
    return build_scene()


def build_scene():
    """Three units and a year of their work built row by row: shares on time, early, late and open; a returned
    report; checks with and without a report; a 整改通知书; a 提请追责 the leadership pursued; an unhappy caller; an
    adopted article (committed)."""
    office = build_office()
    forest, school = office.forest, office.school
    create_rules(db.session, 2026, now=NOW)
    early = make_item(forest, deadline=date(2026, 3, 10), title="春季造林")
    late = make_item(forest, deadline=date(2026, 3, 20), title="防火检查")
    still_open = make_item(forest, deadline=date(2026, 6, 30), title="林道修复")
    school_item = make_item(school, deadline=date(2026, 5, 10), title="校园绿化")
    later_year = make_item(school, deadline=date(2027, 1, 31), title="明年工作")
    done(share(early), assigned=at(2026, 3, 2), acknowledged=at(2026, 3, 3), accepted=at(2026, 3, 9))
    done(share(late), assigned=at(2026, 3, 2), accepted=at(2026, 3, 25, 15))
    done(share(still_open), assigned=at(2026, 4, 1))
    done(share(school_item), assigned=at(2026, 4, 1), acknowledged=at(2026, 4, 1, 21), accepted=at(2026, 5, 10, 23, 59))
    done(share(later_year), assigned=at(2026, 11, 20))
    db.session.flush()
    returned = Feedback(
        assignment_id=share(late).id,
        progress="进行中",
        submitted_at=at(2026, 3, 11),
        review_status=ReviewStatus.RETURNED,
        reviewed_at=at(2026, 3, 12),
        check_round=None,
    )
    on_time_report = Feedback(
        assignment_id=share(early).id,
        progress="已部署",
        submitted_at=at(2026, 3, 4),
        review_status=ReviewStatus.ACCEPTED,
        reviewed_at=at(2026, 3, 4, 15),
        check_round=1,
    )
    db.session.add_all([returned, on_time_report])
    passed = SupervisionCheck(
        assignment_id=share(early).id,
        round=1,
        planned_on=date(2026, 3, 5),
        state=CheckState.DECIDED,
        verdict=Verdict.PASS,
    )
    failed = SupervisionCheck(
        assignment_id=share(late).id,
        round=1,
        planned_on=date(2026, 3, 12),
        state=CheckState.DECIDED,
        verdict=Verdict.FAIL,
    )
    db.session.add_all([passed, failed])
    rectification = Notice(
        kind=NoticeKind.RECTIFICATION,
        status=NoticeStatus.ISSUED,
        number="督整〔2026〕1号",
        year=2026,
        seq=1,
        title="整改通知书",
        addressee=forest.name,
        body="请整改。",
        issued_at=at(2026, 3, 13),
        unit_id=forest.id,
    )
    db.session.add(rectification)
    db.session.flush()
    for level in (1, 2, 3):
        db.session.add(
            Escalation(
                assignment_id=share(still_open).id,
                level=level,
                previous_level=level - 1 or None,
                round_date=date(2026, 6, 1) + timedelta(days=level),
                reason=FailureReason.CHECK_FAILED,
                created_at=at(2026, 6, 1 + level),
                created_by_name="督查员",
                decision=AccountabilityDecision.AGREED if level == 3 else None,
                decided_at=at(2026, 7, 1) if level == 3 else None,
            )
        )
        db.session.flush()
    call = make_item(school, deadline=date(2026, 5, 1), title="热线：路灯不亮", source=ItemSource.HOTLINE)
    call.answer, call.answered_at, call.satisfaction = "已修复", at(2026, 4, 28), Satisfaction.DISSATISFIED
    done(share(call), assigned=at(2026, 4, 20), accepted=at(2026, 4, 27))
    make_item(school, deadline=date(2026, 2, 1), title="未交办的事项")  # never assigned: not due, not counted
    article = ResearchArticle(
        title="关于林场管护的调研",
        authors="督查室",
        written_on=date(2026, 6, 1),
        kind=ResearchKind.REPORT,
        adopted=True,
        leader_instructed=True,
        units=[school],
    )
    db.session.add(article)
    db.session.commit()
    return office


def recount(unit, rules):
    """The unit's measures and score recomputed here from the rows, without the workflow's queries."""
    today = china_date(NOW)
    shares = [a for a in db.session.scalars(db.select(Assignment)).all() if a.unit_id == unit.id]
    in_year = [a for a in shares if a.assigned_at and a.assigned_at.astimezone(CHINA).year == 2026]
    completed = [a for a in shares if a.accepted_at and a.accepted_at.astimezone(CHINA).year == 2026]
    on_time = [a for a in completed if china_date(a.accepted_at) <= a.deadline]
    early = [a for a in completed if china_date(a.accepted_at) < a.deadline]
    judged = [a for a in shares if a.status not in (AssignmentStatus.PENDING, AssignmentStatus.CANCELLED)]
    due = [a for a in judged if a.deadline.year == 2026 and a.deadline < today]
    overdue = [a for a in due if not a.accepted_at or china_date(a.accepted_at) > a.deadline]
    acked = [a for a in in_year if a.acknowledged_at]
    points = {RuleKind(r.kind): r for r in rules}

    def take(kind, n):
        rule = points[kind]
        total = n * rule.points
        return min(total, rule.cap) if rule.cap is not None else total

    notices = db.session.scalars(db.select(Notice).where(Notice.unit_id == unit.id)).all()
    returned = db.session.scalars(db.select(Feedback).where(Feedback.review_status == ReviewStatus.RETURNED)).all()
    returned = [f for f in returned if f.assignment.unit_id == unit.id]
    pursued = [
        e
        for e in db.session.scalars(db.select(Escalation)).all()
        if e.assignment.unit_id == unit.id and e.decision == AccountabilityDecision.AGREED
    ]
    articles = [a for a in db.session.scalars(db.select(ResearchArticle)).all() if unit in a.units]
    unhappy = [
        i
        for i in db.session.scalars(db.select(Item)).all()
        if i.lead_unit_id == unit.id and i.satisfaction == Satisfaction.DISSATISFIED
    ]
    deductions = (
        take(RuleKind.OVERDUE_SHARE, len(overdue))
        + take(RuleKind.RETURNED_REPORT, len(returned))
        + take(RuleKind.RECTIFICATION, sum(n.kind == NoticeKind.RECTIFICATION for n in notices))
        + take(RuleKind.ACCOUNTABILITY, len(pursued))
        + take(RuleKind.DISSATISFIED_ANSWER, len(unhappy))
    )
    credits = (
        take(RuleKind.EARLY_COMPLETION, len(early))
        + take(RuleKind.RESEARCH_ADOPTED, sum(a.adopted for a in articles))
        + take(RuleKind.RESEARCH_INSTRUCTED, sum(a.leader_instructed for a in articles))
    )
    return {
        "assigned": len(in_year),
        "completed": len(completed),
        "completed_on_time": len(on_time),
        "due": len(due),
        "overdue": len(overdue),
        "on_time_rate": round((len(due) - len(overdue)) / len(due), 4) if due else None,
        "ack_days": round(
            sum((a.acknowledged_at - a.assigned_at).total_seconds() for a in acked) / len(acked) / 86400, 1
        )
        if acked
        else None,
        "done_days": round(
            sum((a.accepted_at - a.assigned_at).total_seconds() for a in completed) / len(completed) / 86400, 1
        )
        if completed
        else None,
        "score": round(points[RuleKind.BASE].points + credits - deductions, 2),
    }


def test_should_compute_a_units_measures_and_score_as_recounted_from_the_rows(scene):
    rules = db.session.scalars(db.select(AssessmentRule).where(AssessmentRule.year == 2026)).all()
    result = compute_assessment(db.session, YEAR, now=NOW)
    for unit in (scene.forest, scene.school):
        _, row = unit_row(result, unit.id)
        expected = recount(unit, rules)
        got = {key: row["measures"][key] for key in expected}
        assert got == expected, unit.name
    _, forest = unit_row(result, scene.forest.id)
    assert forest["measures"]["reports_due"] == 2 and forest["measures"]["reports_on_time"] == 1
    assert (forest["measures"]["checks_passed"], forest["measures"]["checks_failed"]) == (1, 1)
    assert forest["measures"]["rectification"] == 1 and forest["measures"]["accountability"] == 1
    _, school = unit_row(result, scene.school.id)
    assert school["measures"]["overdue"] == 0, "accepted at 23:59 China time on the deadline day is on time"
    assert school["measures"]["dissatisfied"] == 1 and school["measures"]["research"] == 1
    # ranked separately: the school above the forest among 局直单位, the department alone among 部办
    affiliated, department = result["groups"]
    assert [r["name"] for r in affiliated["units"]] == ["林业第一中学", "东方红林场"]
    assert [r["rank"] for r in affiliated["units"]] == [1, 2]
    assert [r["name"] for r in department["units"]] == ["计财科"]
    # a quarter counts only its own months
    q1 = compute_assessment(db.session, parse_period("2026Q1"), now=NOW)
    _, forest_q1 = unit_row(q1, scene.forest.id)
    assert (forest_q1["measures"]["assigned"], forest_q1["measures"]["due"]) == (2, 2)


def test_should_run_the_same_number_of_statements_whatever_the_number_of_units_and_items(scene):
    def statements() -> int:
        seen = []
        listener = lambda *args: seen.append(1)  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            compute_assessment(db.session, YEAR, now=NOW)
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(seen)

    db.session.expire_all()
    small = statements()
    for n in range(6):
        item = make_item(scene.finance, deadline=date(2026, 2, 1 + n))
        done(share(item), assigned=at(2026, 1, 5), accepted=at(2026, 2, 10))
    db.session.commit()
    db.session.expire_all()
    assert statements() == small == QUERY_COUNT


def test_should_keep_a_frozen_year_as_it_was_when_rules_change_and_audit_freezing(scene):
    supervisor = make_user("s-freeze", Role.SUPERVISOR)
    act_as(db.session, supervisor, now=NOW)
    frozen = freeze(db.session, YEAR, actor=supervisor, now=NOW)
    db.session.commit()
    before = frozen.result
    # 2026's rules are locked while 2026 is frozen; 2027's are the office's to change
    with pytest.raises(TransitionError, match="已定稿"):
        check_rules_editable(db.session, 2026)
    rules_2027 = create_rules(db.session, 2027, now=NOW)
    assert {RuleKind(r.kind): r.points for r in rules_2027}[RuleKind.OVERDUE_SHARE] == 2  # copied from 2026
    for rule in rules_2027:
        rule.points = 50
    db.session.commit()
    shown, shown_freeze = shown_result(db.session, YEAR, now=NOW + timedelta(days=40))
    assert shown_freeze.id == frozen.id and shown == before
    with pytest.raises(TransitionError, match="已经定稿"):
        freeze(db.session, YEAR, actor=supervisor, now=NOW)
    with pytest.raises(TransitionError, match="原因"):
        unfreeze(db.session, YEAR, "  ", actor=supervisor, now=NOW)
    unfreeze(db.session, YEAR, "数据更正后重新定稿", actor=supervisor, now=NOW + timedelta(hours=1))
    db.session.commit()
    check_rules_editable(db.session, 2026)  # open again
    steps = db.session.scalars(
        db.select(AuditEvent).where(AuditEvent.entity == "assessment_freeze").order_by(AuditEvent.id)
    ).all()
    assert [(e.action, e.actor_name) for e in steps if e.action in ("定稿", "撤销定稿")] == [
        ("定稿", "s-freeze"),
        ("撤销定稿", "s-freeze"),
    ]
    assert "数据更正后重新定稿" in steps[-1].summary
    assert shown_result(db.session, YEAR, now=NOW)[1] is None


def test_should_link_every_deduction_to_its_record_and_export_the_annex_in_rank_order(scene, client):
    make_user("s-links", Role.SUPERVISOR)
    db.session.commit()
    login(client, "s-links")
    page = client.get(f"/admin/assessment/unit/?period=2026&unit={scene.forest.id}").get_data(as_text=True)
    section = page.split('id="deductions"')[1].split("加分依据")[0]
    links = re.findall(r'href="(/admin/[^"]+)"', section)
    assert len(links) == 5  # 2 overdue shares, 1 returned report, 1 整改通知书, 1 追责
    for link in links:
        assert client.get(link.replace("&amp;", "&")).status_code == 200, link
    response = client.get("/admin/assessment/export/?period=2026")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.data))
    sheet = workbook["局直单位"]
    assert sheet["A1"].value == "2026年度督查工作目标考核结果（局直单位）"
    assert sheet["B2"].value == "单位" and sheet.cell(2, 3).value == "交办任务"
    assert [sheet.cell(r, 2).value for r in (3, 4)] == ["林业第一中学", "东方红林场"]
    assert [sheet.cell(r, 1).value for r in (3, 4)] == [1, 2]
    assert workbook["部办"].cell(3, 2).value == "计财科"
    assert client.get("/admin/assessment/print/?period=2026").status_code == 200
    assert client.get("/admin/assessment/?period=2026Q9").status_code == 200  # a Chinese message, not a 500


def test_should_let_leaders_read_but_not_freeze_and_keep_liaisons_out(scene, client):
    make_user("l-read", Role.LEADER)
    make_user("i-out", Role.LIAISON, unit=scene.forest)
    db.session.commit()
    login(client, "l-read")
    page = client.get("/admin/assessment/?period=2026")
    assert page.status_code == 200 and "东方红林场" in page.get_data(as_text=True)
    assert "定稿</button>" not in page.get_data(as_text=True)
    assert client.post("/admin/assessment/freeze/?period=2026").status_code == 403
    client.post("/logout")
    login(client, "i-out")
    assert client.get("/admin/assessment/?period=2026").status_code == 403
    assert client.get(f"/admin/assessment/unit/?period=2026&unit={scene.forest.id}").status_code == 403


def test_should_limit_the_research_register_by_role_and_count_the_year(app, client):
    office = build_office()
    articles = [
        ResearchArticle(title="林场调研", authors="甲", written_on=date(2026, 3, 1), kind=ResearchKind.REPORT,
                        adopted=True, published=True, units=[office.forest]),
        ResearchArticle(title="学校专报", authors="乙", written_on=date(2026, 5, 1), kind=ResearchKind.BRIEF,
                        leader_instructed=True, units=[office.school]),
        ResearchArticle(title="信息一则", authors="丙", written_on=date(2026, 7, 1), kind=ResearchKind.INFO),
        ResearchArticle(title="去年的信息", authors="丁", written_on=date(2025, 7, 1), kind=ResearchKind.INFO,
                        adopted=True),
    ]  # fmt: skip
    db.session.add_all(articles)
    make_user("i-research", Role.LIAISON, unit=office.forest)
    make_user("l-research", Role.LEADER)
    make_user("s-research", Role.SUPERVISOR)
    db.session.commit()
    counts = research_counts(db.session, 2026)
    assert counts.total == 3
    assert counts.by_kind == {ResearchKind.REPORT: 1, ResearchKind.BRIEF: 1, ResearchKind.INFO: 1}
    assert counts.by_destination == {
        ResearchDestination.INSTRUCTED: 1,
        ResearchDestination.ADOPTED: 1,
        ResearchDestination.PUBLISHED: 1,
    }
    assert counts.without_destination == 1

    login(client, "i-research")
    listing = client.get("/admin/research/").get_data(as_text=True)
    assert "林场调研" in listing and "学校专报" not in listing and "信息一则" not in listing
    assert client.get(f"/admin/research/details/?id={articles[1].id}").status_code == 302  # not found for them
    assert client.get("/admin/research/new/").status_code == 403
    client.post("/logout")
    login(client, "l-research")
    assert "学校专报" in client.get("/admin/research/").get_data(as_text=True)
    assert client.get("/admin/research/new/").status_code == 403
    client.post("/logout")
    login(client, "s-research")
    refused = client.post(
        "/admin/research/new/",
        data={
            "title": "新调研",
            "authors": "督查室",
            "written_on": "2026-11-20",
            "kind": "report",
            "units": str(office.school.id),
            "attachment": (io.BytesIO(b"MZ..."), "tool.exe"),
        },
        content_type="multipart/form-data",
    )
    assert "类型不允许" in refused.get_data(as_text=True)
    created = client.post(
        "/admin/research/new/",
        data={
            "title": "新调研",
            "authors": "督查室",
            "written_on": "2026-11-20",
            "kind": "report",
            "adopted": "y",
            "units": str(office.school.id),
            "attachment": (io.BytesIO(b"%PDF-1.4 report"), "调研报告.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert created.status_code == 302
    article = db.session.scalar(db.select(ResearchArticle).where(ResearchArticle.title == "新调研"))
    assert [u.name for u in article.units] == ["林业第一中学"] and article.attachment_name == "调研报告.pdf"
    download = client.get(f"/admin/research/attachment/?id={article.id}")
    assert download.status_code == 200 and download.data == b"%PDF-1.4 report"
    export = client.get("/admin/research/export/xlsx/")
    sheet = load_workbook(io.BytesIO(export.data)).active
    assert "新调研" in [c.value for c in sheet["A"]]
    assert research_counts(db.session, 2026).by_destination[ResearchDestination.ADOPTED] == 2
