"""The lifecycle: each step, each refused step (in Chinese), and what each step sends and records."""

from datetime import date

import pytest

from extensions import db
from models import AssignmentStatus, AuditEvent, Escalation, ItemSource, ItemStatus, NoticeKind, ReviewStatus
from tests.office import assigned_item, at, build_office, outbox, report
from workflows.feedback import acknowledge, review_feedback
from workflows.lifecycle import (
    TransitionError,
    assign_item,
    cancel_item,
    record_answer,
    resume_item,
    suspend_item,
)

NOW = at(2026, 12, 1)
A, S = AssignmentStatus, ItemStatus


@pytest.fixture
def office(app):
    """The three-unit test office."""
    return build_office()


def test_should_assign_every_unit_with_a_numbered_notice_and_a_personal_link(office):
    item = assigned_item(office, deadline=date(2026, 12, 15), now=NOW)
    assert item.status == S.ASSIGNED
    assert all(a.status == A.ASSIGNED and a.assigned_at == NOW for a in item.assignments)
    numbers = sorted(db.session.scalars(db.select(db.text("number")).select_from(db.text("notice"))).all())
    # a meeting decision: the 决定事项办理督查通知单, in its own number series
    assert numbers == ["督决〔2026〕1号", "督决〔2026〕2号", "督决〔2026〕3号"]
    messages = outbox()
    assert sorted(m.recipient_email for m in messages) == [
        "li@school.example.org",
        "wang@forest.example.org",
        "zhang@finance.example.org",
    ]
    for message in messages:
        assert message.subject == f"【决定事项办理督查通知单】{item.number} {item.title}"
        assert "http://duban.test/unit/" in message.body_text and "2026年12月15日" in message.body_text
    assert (
        db.session.scalar(db.select(AuditEvent.summary).where(AuditEvent.action == "交办"))
        == "东方红林场、林业第一中学、计财科"
    )


def test_should_refuse_to_assign_twice_or_a_cancelled_item(office):
    item = assigned_item(office, deadline=date(2026, 12, 15), now=NOW)
    with pytest.raises(TransitionError, match="没有待交办"):
        assign_item(db.session, item, actor=None, now=NOW)
    cancel_item(db.session, item, "上级取消", actor=None, now=NOW)
    with pytest.raises(TransitionError, match="已撤销|撤销"):
        assign_item(db.session, item, actor=None, now=NOW)


def test_should_acknowledge_once(office):
    assignment = assigned_item(office, deadline=date(2026, 12, 15), now=NOW).assignments[0]
    assert acknowledge(db.session, assignment, "王林", now=NOW) is True
    assert (assignment.status, assignment.acknowledged_by, assignment.item.status) == (
        A.IN_PROGRESS,
        "王林",
        S.IN_PROGRESS,
    )
    assert acknowledge(db.session, assignment, "另一人", now=NOW) is False
    assert assignment.acknowledged_by == "王林"


def test_should_wait_for_review_after_feedback_and_refuse_a_second_one_meanwhile(office):
    item = assigned_item(office, deadline=date(2026, 12, 15), now=NOW)
    first = item.assignments[0]
    report(first)
    assert first.status == A.SUBMITTED and first.acknowledged_at == NOW
    with pytest.raises(TransitionError, match="尚在审核中"):
        report(first)
    for other in item.assignments[1:]:
        report(other)
    assert item.status == S.UNDER_REVIEW


def test_should_close_the_item_when_every_share_is_accepted(office):
    item = assigned_item(office, deadline=date(2026, 12, 15), now=NOW)
    for assignment in item.assignments:
        review_feedback(db.session, report(assignment), ReviewStatus.ACCEPTED, "", actor=None, now=NOW)
        assert assignment.status == A.ACCEPTED
    assert item.status == S.CLOSED and item.closed_at == NOW


def test_should_keep_the_share_open_when_an_interim_report_is_accepted(office):
    assignment = assigned_item(office, deadline=date(2026, 12, 15), now=NOW).assignments[0]
    review_feedback(db.session, report(assignment, percent=40), ReviewStatus.ACCEPTED, "", actor=None, now=NOW)
    assert assignment.status == A.IN_PROGRESS and assignment.item.status == S.IN_PROGRESS


def test_should_close_a_proposal_only_after_the_answer_is_recorded(office):
    item = assigned_item(office, deadline=date(2026, 12, 15), now=NOW, source=ItemSource.STAFF_PROPOSAL)
    for assignment in item.assignments:
        review_feedback(db.session, report(assignment), ReviewStatus.ACCEPTED, "", actor=None, now=NOW)
    assert item.status == S.UNDER_REVIEW
    with pytest.raises(TransitionError, match="请填写答复内容"):
        record_answer(db.session, item, "  ", None, actor=None, now=NOW)
    record_answer(db.session, item, "已答复提案人：明年一季度完成。", "satisfied", actor=None, now=NOW)
    assert item.status == S.CLOSED and item.satisfaction.label == "满意"


def test_should_refuse_an_answer_on_an_item_that_needs_none(office):
    item = assigned_item(office, deadline=date(2026, 12, 15), now=NOW)
    with pytest.raises(TransitionError, match="只有职工代表建议提案、便民热线和领导大接访"):
        record_answer(db.session, item, "答复", None, actor=None, now=NOW)


def test_should_return_a_feedback_with_a_reason_and_tell_the_unit(office):
    assignment = assigned_item(office, deadline=date(2026, 12, 15), now=NOW).assignments[0]
    feedback = report(assignment)
    with pytest.raises(TransitionError, match="须填写原因"):
        review_feedback(db.session, feedback, ReviewStatus.RETURNED, " ", actor=None, now=NOW)
    review_feedback(db.session, feedback, ReviewStatus.RETURNED, "请补充整改照片", actor=None, now=NOW)
    assert assignment.status == A.IN_PROGRESS
    (returned,) = outbox(kind="feedback_returned")
    assert (
        returned.subject.startswith(f"【反馈退回】{assignment.item.number}") and "请补充整改照片" in returned.body_text
    )
    assert "/unit/" in returned.body_text
    with pytest.raises(TransitionError, match="不能重复审核"):
        review_feedback(db.session, feedback, ReviewStatus.ACCEPTED, "", actor=None, now=NOW)


def test_should_not_sanction_a_unit_when_a_feedback_is_judged_unsatisfactory(office):
    """不合格 on review is the reviewer's judgement of a report, not a failed check: no rung, no notice."""
    assignment = assigned_item(office, deadline=date(2026, 12, 15), now=NOW).assignments[0]
    review_feedback(db.session, report(assignment), ReviewStatus.UNSATISFACTORY, "措施空泛", actor=None, now=NOW)
    assert assignment.escalation_level == 0
    assert db.session.scalar(db.select(Escalation)) is None
    assert outbox(kind=NoticeKind.RECTIFICATION.value) == []
    assert [m.kind for m in outbox(assignment_id=assignment.id)][-1] == "feedback_returned"


def test_should_suspend_resume_and_cancel_with_reasons(office):
    item = assigned_item(office, deadline=date(2026, 12, 15), now=NOW)
    acknowledge(db.session, item.assignments[0], "王林", now=NOW)
    with pytest.raises(TransitionError, match="暂停须填写原因"):
        suspend_item(db.session, item, "", actor=None, now=NOW)
    suspend_item(db.session, item, "等待上级文件", actor=None, now=NOW)
    assert item.status == S.SUSPENDED and {a.status for a in item.assignments} == {A.SUSPENDED}
    assert all(a.next_action_on is None for a in item.assignments)
    with pytest.raises(TransitionError, match="不能暂停"):
        suspend_item(db.session, item, "再次", actor=None, now=NOW)
    resume_item(db.session, item, actor=None, now=NOW)
    assert [a.status for a in item.assignments] == [A.IN_PROGRESS, A.ASSIGNED, A.ASSIGNED]
    assert item.status == S.IN_PROGRESS and item.status_reason is None
    with pytest.raises(TransitionError, match="不能恢复办理"):
        resume_item(db.session, item, actor=None, now=NOW)
    cancel_item(db.session, item, "任务调整", actor=None, now=NOW)
    assert item.status == S.CANCELLED and {a.status for a in item.assignments} == {A.CANCELLED}
    with pytest.raises(TransitionError, match="不能撤销"):
        cancel_item(db.session, item, "再次", actor=None, now=NOW)
    actions = db.session.scalars(
        db.select(AuditEvent.action).where(AuditEvent.entity == "item").order_by(AuditEvent.id)
    ).all()
    assert [a for a in actions if a in ("交办", "暂停", "恢复办理", "撤销")] == ["交办", "暂停", "恢复办理", "撤销"]


def test_should_refuse_feedback_on_a_cancelled_share(office):
    item = assigned_item(office, deadline=date(2026, 12, 15), now=NOW)
    cancel_item(db.session, item, "任务调整", actor=None, now=NOW)
    with pytest.raises(TransitionError, match="不能提交反馈"):
        report(item.assignments[0])
    with pytest.raises(TransitionError, match="无需签收"):
        acknowledge(db.session, item.assignments[0], "王林", now=NOW)
