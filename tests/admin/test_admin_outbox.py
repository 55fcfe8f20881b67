"""The outbox screen (发件箱): who may see it, what it shows, and sending a message again."""

import json
import uuid
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest

from extensions import db, mail
from models import AuditEvent, Role
from models.outbox import OutboxMessage, OutboxStatus
from outbox.delivery import deliver_outbox
from tests.factories import login, make_unit, make_user

# the screens' queries run on PostgreSQL in test_every_page, test_list_queries and the workflow tests
pytestmark = pytest.mark.sqlite_only

NOW = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)  # 10:00 in China, a working Thursday


def add_message(status=OutboxStatus.QUEUED, **fields) -> OutboxMessage:
    """An outbox row as queue_mail() would write it, in any state."""
    message = OutboxMessage(
        message_id=f"<{uuid.uuid4().hex}@duban.test>",
        kind=fields.pop("kind", "reminder"),
        recipient_email=fields.pop("recipient_email", "zhang@example.org"),
        recipient_name=fields.pop("recipient_name", "张三"),
        subject=fields.pop("subject", "催办通知单"),
        body_text=fields.pop("body_text", "请于12月1日前反馈。\n"),
        body_html=fields.pop("body_html", "<p>请于12月1日前反馈。</p>"),
        status=status,
        attempts=fields.pop("attempts", 0),
        next_attempt_at=fields.pop("next_attempt_at", NOW),
        created_at=fields.pop("created_at", NOW),
        **fields,
    )
    db.session.add(message)
    db.session.flush()
    return message


@pytest.fixture
def users(app):
    """One account per role."""
    return {
        "admin": make_user("admin1", Role.ADMIN, display_name="管理员"),
        "supervisor": make_user("sup1", Role.SUPERVISOR, display_name="督查员"),
        "leader": make_user("leader1", Role.LEADER),
        "liaison": make_user("liaison1", Role.LIAISON, unit=make_unit()),
    }


@pytest.mark.parametrize(
    "role, allowed", [("admin", True), ("supervisor", True), ("leader", False), ("liaison", False)]
)
def test_should_open_the_outbox_to_admins_and_supervisors_only(client, users, role, allowed):
    message = add_message(OutboxStatus.FAILED, last_error="邮件服务器拒收（550 5.1.1 Mailbox unavailable）")
    db.session.commit()
    login(client, users[role].username)
    reads = [
        client.get("/admin/outbox/"),
        client.get(f"/admin/outbox/details/?id={message.id}"),
        client.get("/admin/outbox/export/csv/"),
    ]
    assert [r.status_code for r in reads] == [200 if allowed else 403] * 3
    if allowed:
        export = reads[2].get_data(as_text=True)
        assert "zhang@example.org" in export and "发送失败" in export and "550 5.1.1" in export
    writes = [
        client.get("/admin/outbox/new/"),
        client.get(f"/admin/outbox/edit/?id={message.id}"),
        client.post("/admin/outbox/delete/", data={"id": message.id}),
    ]
    assert [r.status_code for r in writes] == [403] * 3
    resend = client.post("/admin/outbox/action/", data={"action": "resend", "rowid": [message.id]})
    db.session.expire_all()
    status = db.session.get(OutboxMessage, message.id).status
    if allowed:
        assert resend.status_code == 302 and status == OutboxStatus.QUEUED
    else:
        assert resend.status_code == 403 and status == OutboxStatus.FAILED


def test_should_list_newest_first_and_filter_and_search(client, users):
    add_message(subject="较早的邮件", created_at=NOW - timedelta(days=1))
    add_message(OutboxStatus.FAILED, subject="最新的邮件", recipient_name="李四", last_error="拒收")
    db.session.commit()
    login(client, "sup1")
    page = client.get("/admin/outbox/").get_data(as_text=True)
    assert page.index("最新的邮件") < page.index("较早的邮件")
    assert "发件箱" in page and "重新发送" in page
    assert json.dumps("已发送的邮件将作为一封新邮件（新的邮件标识 Message-ID）")[1:-1] in page  # the confirm text
    failed = client.get("/admin/outbox/?flt0_0=failed").get_data(as_text=True)
    assert "最新的邮件" in failed and "较早的邮件" not in failed
    found = client.get("/admin/outbox/?search=李四").get_data(as_text=True)
    assert "最新的邮件" in found and "较早的邮件" not in found
    by_kind = client.get("/admin/outbox/?flt0_2=reminder")
    assert by_kind.status_code == 200 and "催办通知单" in by_kind.get_data(as_text=True)


def test_should_show_the_text_and_the_html_body_without_running_the_html(client, users):
    message = add_message(
        body_text="第一行 <b>不是标签</b>\n第二行\n",
        body_html='<p onclick="steal()">正文</p><script>alert("x")</script>',
    )
    db.session.commit()
    login(client, "admin1")
    page = client.get(f"/admin/outbox/details/?id={message.id}").get_data(as_text=True)
    assert "第一行 &lt;b&gt;不是标签&lt;/b&gt;\n第二行" in page
    assert "<script>alert" not in page and 'onclick="steal()"' not in page
    assert "<iframe sandbox " in page and 'srcdoc="&lt;p onclick=&#34;steal()&#34;&gt;正文' in page
    assert message.message_id.strip("<>") in page


def test_should_never_answer_500_for_a_missing_or_forged_message(client, users):
    db.session.commit()  # the accounts must be visible to the requests (and SQLite's write lock released)
    login(client, "admin1")
    for response in (
        client.get("/admin/outbox/details/?id=999999"),
        client.get("/admin/outbox/details/?id=abc"),
        client.post("/admin/outbox/action/", data={"action": "resend", "rowid": ["abc", "999999"]}),
    ):
        # back to the outbox list, signed in: not a 500, and not the sign-in page of a failed login
        assert response.status_code == 302 and urlsplit(response.location).path == "/admin/outbox/", response.location


def test_should_queue_a_failed_message_again_from_scratch(client, users):
    message = add_message(OutboxStatus.FAILED, attempts=48, last_error="已尝试 48 次仍未送达")
    db.session.commit()
    login(client, "sup1")
    client.post("/admin/outbox/action/", data={"action": "resend", "rowid": [message.id]})
    db.session.expire_all()
    message = db.session.get(OutboxMessage, message.id)
    assert message.status == OutboxStatus.QUEUED and message.attempts == 0 and message.last_error is None
    assert message.next_attempt_at > NOW  # now, by the clock
    assert db.session.scalar(db.select(db.func.count()).select_from(OutboxMessage)) == 1
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "重新发送"))
    assert event.entity == "outbox_message" and event.entity_id == message.id and event.actor_name == "督查员"


def test_should_send_a_sent_message_again_as_a_new_message_with_a_new_message_id(client, users):
    original = add_message(OutboxStatus.SENT, attempts=1, sent_at=NOW, dedupe_key="notice:督催〔2026〕1号|zhang")
    queued = add_message(OutboxStatus.QUEUED)
    db.session.commit()
    login(client, "admin1")
    response = client.post(
        "/admin/outbox/action/", data={"action": "resend", "rowid": [original.id, queued.id]}, follow_redirects=True
    )
    assert "1 封已发送的邮件已作为新邮件排队" in response.get_data(as_text=True)
    assert "1 封仍在发送队列中" in response.get_data(as_text=True)
    db.session.expire_all()
    copy = db.session.scalar(db.select(OutboxMessage).where(OutboxMessage.id.not_in([original.id, queued.id])))
    assert copy.status == OutboxStatus.QUEUED and copy.message_id != original.message_id
    assert (copy.recipient_email, copy.subject, copy.body_html) == (
        original.recipient_email,
        original.subject,
        original.body_html,
    )
    assert copy.dedupe_key is None and db.session.get(OutboxMessage, original.id).status == OutboxStatus.SENT
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "重新发送"))
    assert event.entity_id == original.id and copy.message_id in event.summary and event.actor_name == "管理员"


def test_should_hand_mail_to_flask_mail_when_sending_is_suppressed(app):
    """With MAIL_SUPPRESS_SEND (every other test module), delivery still runs and Flask-Mail records the mail."""
    message = add_message()
    db.session.commit()
    with mail.record_messages() as recorded:
        report = deliver_outbox(db.session, now=NOW)
    assert report.sent == 1 and report.connections == 0
    assert [m.msgId for m in recorded] == [message.message_id] and recorded[0].recipients == [
        ("张三", "zhang@example.org")
    ]
    db.session.expire_all()
    assert db.session.get(OutboxMessage, message.id).status == OutboxStatus.SENT


def test_should_show_messages_stuck_in_sending_with_their_age_and_a_filter(client, users):
    from datetime import datetime as wall

    now = wall.now(UTC)
    stuck = add_message(OutboxStatus.SENDING, subject="卡住的通知", claimed_at=now - timedelta(minutes=12))
    add_message(OutboxStatus.SENDING, subject="正在发送的通知", claimed_at=now - timedelta(seconds=10))
    add_message(OutboxStatus.QUEUED, subject="待发送的通知")
    db.session.commit()
    login(client, users["supervisor"].username)
    page = client.get("/admin/outbox/").get_data(as_text=True)
    assert "1 封邮件发送中（可能中断）" in page and "发送中（可能中断）</span> <small>已 12 分钟" in page
    assert "正在发送的通知" in page and "不到 1 分钟" in page
    link = page.split("查看这些邮件")[0].rsplit('href="', 1)[1].split('"')[0].replace("&amp;", "&")
    filtered = client.get(link).get_data(as_text=True)
    assert stuck.subject in filtered
    assert "正在发送的通知" not in filtered and "待发送的通知" not in filtered

    db.session.execute(db.update(OutboxMessage).values(status=OutboxStatus.SENT, claimed_at=None))
    db.session.commit()
    assert "发送中（可能中断）</strong>" not in client.get("/admin/outbox/").get_data(as_text=True)
