"""The supervisor's steps on the screens: 交办, 审核, 审批延期, 调整时限, 停止督办, 收回链接, 打印通知, 月通报."""

import re
from datetime import date

import pytest

from extensions import db
from models import (
    AssignmentStatus,
    Circular,
    DeadlineChange,
    ExtensionRequest,
    ExtensionStatus,
    Item,
    ItemStatus,
    Notice,
    ReviewStatus,
    Role,
)
from tests.factories import login, make_item, make_user
from tests.office import at, build_office, outbox, report
from workflows.feedback import request_extension
from workflows.lifecycle import assign_item
from workflows.tokens import LinkError, check_token, make_token

# the screens' queries run on PostgreSQL in test_every_page, test_list_queries and the workflow tests
pytestmark = pytest.mark.sqlite_only

NOW = at(2026, 12, 1)


@pytest.fixture
def office(app):
    """The test office with a supervisor, a leader and a liaison of the forest farm."""
    office = build_office()
    make_user("sup", Role.SUPERVISOR, display_name="李督查")
    make_user("boss", Role.LEADER, display_name="赵局长")
    make_user("wang", Role.LIAISON, unit=office.forest, display_name="王林")
    db.session.commit()
    return office


def test_should_assign_from_the_item_page(client, office):
    item = make_item(office.forest, [office.school], deadline=date(2026, 12, 15))
    db.session.commit()
    login(client, "sup")
    details = client.get(f"/admin/item/details/?id={item.id}").get_data(as_text=True)
    assert "交办（发送督查通知单）" in details
    page = client.get(f"/admin/item/assign/?id={item.id}").get_data(as_text=True)
    assert "东方红林场、林业第一中学" in page
    response = client.post(f"/admin/item/assign/?id={item.id}")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Item, item.id).status == ItemStatus.ASSIGNED
    assert len(outbox(kind="decision")) == 2  # 决定事项办理督查通知单: the item is a meeting decision


def test_should_refuse_workflow_steps_to_leaders_and_liaisons(client, office):
    item = make_item(office.forest, deadline=date(2026, 12, 15))
    db.session.commit()
    for username in ("boss", "wang"):
        login(client, username)
        assert client.post(f"/admin/item/assign/?id={item.id}").status_code == 403
        assert client.get(f"/admin/item/suspend/?id={item.id}").status_code == 403
        client.post("/logout")
    assert db.session.get(Item, item.id).status == ItemStatus.REGISTERED


def test_should_suspend_with_a_reason_typed_on_the_screen(client, office):
    item = make_item(office.forest, deadline=date(2026, 12, 15))
    db.session.commit()
    login(client, "sup")
    empty = client.post(f"/admin/item/suspend/?id={item.id}", data={"reason": ""})
    assert empty.status_code == 200 and "请填写原因" in empty.get_data(as_text=True)
    assert client.post(f"/admin/item/suspend/?id={item.id}", data={"reason": "等待批复"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Item, item.id).status == ItemStatus.SUSPENDED


def assigned(office):
    """An item of the forest farm and the school, assigned on 1 December."""
    item = make_item(office.forest, [office.school], deadline=date(2026, 12, 15), now=NOW)
    assign_item(db.session, item, actor=None, now=NOW)
    return item


def test_should_review_a_feedback_from_its_page(client, office):
    item = assigned(office)
    feedback = report(item.assignments[0])
    db.session.commit()
    login(client, "sup")
    details = client.get(f"/admin/feedback/details/?id={feedback.id}").get_data(as_text=True)
    assert "审核" in details
    refused = client.post(f"/admin/feedback/review/?id={feedback.id}", data={"verdict": "returned", "comment": ""})
    assert "须填写原因" in refused.get_data(as_text=True)
    accepted = client.post(f"/admin/feedback/review/?id={feedback.id}", data={"verdict": "accepted", "comment": "很好"})
    assert accepted.status_code == 302
    db.session.expire_all()
    assert feedback.review_status == ReviewStatus.ACCEPTED and item.assignments[0].status == AssignmentStatus.ACCEPTED
    assert client.get(f"/admin/feedback/review/?id={feedback.id}").status_code == 200
    again = client.post(f"/admin/feedback/review/?id={feedback.id}", data={"verdict": "accepted", "comment": ""})
    assert "不能重复审核" in again.get_data(as_text=True)


def test_should_not_let_a_leader_review(client, office):
    item = assigned(office)
    feedback = report(item.assignments[0])
    db.session.commit()
    login(client, "boss")
    assert client.post(f"/admin/feedback/review/?id={feedback.id}", data={"verdict": "accepted"}).status_code == 403


def test_should_approve_an_extension_and_keep_the_deadline_history(client, office):
    share = assigned(office).assignments[0]
    request = request_extension(db.session, share, date(2026, 12, 31), "设备未到货", by_name="王林", now=NOW)
    db.session.commit()
    login(client, "sup")
    assert "审批延期申请" in client.get(f"/admin/extension/decide/?id={request.id}").get_data(as_text=True)
    response = client.post(f"/admin/extension/decide/?id={request.id}", data={"decision": "approve", "comment": "同意"})
    assert response.status_code == 302
    db.session.expire_all()
    assert request.status == ExtensionStatus.APPROVED and share.deadline == date(2026, 12, 31)
    change = db.session.scalar(db.select(DeadlineChange))
    assert (change.old_deadline, change.new_deadline, change.changed_by_name) == (
        date(2026, 12, 15),
        date(2026, 12, 31),
        "李督查",
    )
    (decision,) = outbox(kind="extension_decision")
    assert (
        decision.subject.startswith("【延期审批】")
        and "已批准" in decision.body_text
        and "2026年12月31日" in decision.body_text
    )


def test_should_refuse_an_extension_only_with_a_comment(client, office):
    share = assigned(office).assignments[0]
    request = request_extension(db.session, share, date(2026, 12, 31), "设备未到货", by_name="王林", now=NOW)
    db.session.commit()
    login(client, "sup")
    bare = client.post(f"/admin/extension/decide/?id={request.id}", data={"decision": "refuse", "comment": ""})
    assert "不批准延期时须填写意见" in bare.get_data(as_text=True)
    client.post(f"/admin/extension/decide/?id={request.id}", data={"decision": "refuse", "comment": "时间节点不能后延"})
    db.session.expire_all()
    assert db.session.get(ExtensionRequest, request.id).status == ExtensionStatus.REFUSED and share.deadline == date(
        2026, 12, 15
    )


def test_should_move_a_deadline_stop_the_checks_revoke_and_resend_from_the_assignment_page(client, office):
    item = make_item(office.forest, [office.school], deadline=date(2026, 12, 15), now=NOW, three_checks=True)
    assign_item(db.session, item, actor=None, now=NOW)
    share = item.assignments[0]
    db.session.commit()
    old_token = make_token(share)
    login(client, "sup")
    page = client.get(f"/admin/assignment/details/?id={share.id}").get_data(as_text=True)
    for button in ("调整时限", "重发督查通知单", "收回链接", "停止三次督查", "/unit/"):
        assert button in page
    client.post(f"/admin/assignment/deadline/?id={share.id}", data={"deadline": "2026-12-20", "reason": "领导同意"})
    client.post(f"/admin/assignment/stop/?id={share.id}", data={"reason": "特殊情况"})
    client.post(f"/admin/assignment/revoke/?id={share.id}")
    client.post(f"/admin/assignment/resend/?id={share.id}")
    db.session.expire_all()
    assert share.deadline == date(2026, 12, 20) and share.escalation_stop_reason == "特殊情况"
    with pytest.raises(LinkError):
        check_token(db.session, old_token, now=NOW)
    resent = outbox(recipient_email="wang@forest.example.org", kind="decision")
    assert len(resent) == 2
    # The resent link carries the new link version (the token's timestamp may differ by a second, so compare meaning).
    new_token = re.search(r"/unit/(\S+)", resent[-1].body_text).group(1)
    assert new_token != old_token and check_token(db.session, new_token, now=NOW).assignment is share


def test_should_print_a_notice_as_an_a4_document(client, office):
    item = assigned(office)
    db.session.commit()
    notice = db.session.scalar(db.select(Notice).order_by(Notice.id))
    login(client, "sup")
    page = client.get(f"/admin/notice/print/?id={notice.id}").get_data(as_text=True)
    for text in ("size: A4", "督查通知单", notice.number, "东方红林场：", item.title, "林业局督查室", "2026年12月1日"):
        assert text in page, text


def test_should_show_a_liaison_only_the_notices_of_their_unit(client, office):
    assigned(office)
    db.session.commit()
    login(client, "wang")
    listing = client.get("/admin/notice/").get_data(as_text=True)
    assert "东方红林场" in listing and "林业第一中学" not in listing
    theirs = db.session.scalar(db.select(Notice).where(Notice.unit_id == office.school.id))
    assert client.get(f"/admin/notice/print/?id={theirs.id}").status_code == 404


def test_should_edit_and_send_the_monthly_circular(client, office):
    circular = Circular(period="2026-11", title="2026年11月进展通报", body="各单位：\n草稿", status="draft")
    db.session.add(circular)
    db.session.commit()
    login(client, "sup")
    client.post(
        f"/admin/circular/edit/?id={circular.id}",
        data={"title": "2026年11月进展通报", "body": "各单位：\n修改后的正文"},
    )
    assert "发送给各单位" in client.get(f"/admin/circular/details/?id={circular.id}").get_data(as_text=True)
    assert client.post(f"/admin/circular/send/?id={circular.id}").status_code == 302
    db.session.expire_all()
    assert circular.status == "sent"
    assert all("修改后的正文" in m.body_text for m in outbox(kind="monthly_circular"))
    assert len(outbox(kind="monthly_circular")) == 3
    edit = client.post(
        f"/admin/circular/edit/?id={circular.id}", data={"title": "改", "body": "改"}, follow_redirects=True
    )
    assert "月通报已发送，不能再修改" in edit.get_data(as_text=True)


def test_should_show_the_office_what_needs_attention_on_the_dashboard(client, office):
    from tests.office import sweep

    item = assigned(office)
    report(item.assignments[0])
    request_extension(db.session, item.assignments[1], date(2026, 12, 31), "设备未到货", by_name="李校", now=NOW)
    db.session.commit()
    sweep(at(2026, 12, 2))
    login(client, "sup")
    page = client.get("/admin/").get_data(as_text=True)
    for text in (
        "待审核反馈",
        "待审批延期",
        "发送失败邮件",
        "最近一次督办扫描",
        "2026-12-02 09:00",
        "2027年的法定节假日和调休安排尚未录入",
    ):
        assert text in page, text
    client.post("/logout")
    login(client, "wang")
    assert "待审核反馈" not in client.get("/admin/").get_data(
        as_text=True
    )  # liaisons see their own unit's figures only
