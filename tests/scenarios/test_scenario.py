"""The office's month, end to end, through the screens and a real SMTP server: one unit answers, one fails its
three checks as a supervisor decides them (整改通知书 with 通报批评, 黄牌警告, a 提请追责 a leader decides), one gets
an extension — and every e-mail arrives exactly once, each to the people it is for."""

import re
from collections import Counter
from datetime import date, timedelta

import pytest
import time_machine

from extensions import db
from models import Assignment, Circular, Escalation, Item, ItemStatus, Role, SupervisionCheck
from tests.conftest import make_config
from tests.factories import login, make_item, make_user
from tests.office import at, build_office
from tests.smtp import smtp_server_fixture  # noqa: F401  (the smtp_server fixture)


@pytest.fixture
def app_config(migrated_database, smtp_server):
    """Mail to the test SMTP server."""
    return make_config(migrated_database, **smtp_server.mail_config())


@pytest.fixture
def office_clock():
    """The wall clock the screens read, stood at 1 December 2026, 09:00, and moved on by the test day by day."""
    with time_machine.travel(at(2026, 12, 1, 9), tick=False) as traveller:
        yield traveller


def deliver(runner, moment):
    """Run send-mail at `moment`."""
    result = runner.invoke(args=["send-mail", "--now", moment.isoformat()])
    assert result.exit_code == 0, result.output


def day_of_office(runner, day: date):
    """What cron does on a working day: the sweep early, mail at 10:00."""
    result = runner.invoke(args=["sweep", "--now", at(day.year, day.month, day.day, 7).isoformat()])
    assert result.exit_code == 0, result.output
    deliver(runner, at(day.year, day.month, day.day, 10))


def link_in(mail) -> str:
    """The unit page's path in an e-mail."""
    return re.search(r"http://duban\.test(/unit/\S+)", mail.text).group(1)


def test_should_run_a_month_of_the_office_without_losing_or_doubling_an_email(
    app, client, runner, smtp_server, office_clock
):
    office = build_office()
    make_user("sup", Role.SUPERVISOR, display_name="李督查", email="sup@example.org")
    make_user("chief", Role.LEADER, display_name="赵局长")
    item = make_item(
        office.forest, [office.school, office.finance], title="冬季供暖保障专项督查", deadline=date(2026, 12, 15)
    )
    db.session.commit()
    item_id = item.id

    # 1 December, 09:00: the supervisor assigns the item on the screen; the notices go out at 10:00.
    login(client, "sup")
    assert client.post(f"/admin/item/assign/?id={item_id}").status_code == 302
    deliver(runner, at(2026, 12, 1, 10))
    notices = {m.rcpt_tos[0]: m for m in smtp_server.wait_for(3)}
    assert set(notices) == {"wang@forest.example.org", "li@school.example.org", "zhang@finance.example.org"}
    assert all(m.subject.startswith("【决定事项办理督查通知单】督〔2026〕1号") for m in notices.values())

    # The forest farm answers from its link and is accepted.
    forest = client.application.test_client()
    forest_link = link_in(notices["wang@forest.example.org"])
    forest.post(forest_link + "/acknowledge", data={"ack-name": "王林"})
    forest.post(
        forest_link + "/feedback",
        data={
            "fb-progress": "供暖管网已全部检修",
            "fb-percent_complete": "100",
            "fb-contact_name": "王林",
            "fb-contact_phone": "0457-1234567",
        },
    )
    # The finance office asks for an extension, which is approved.
    finance_link = link_in(notices["zhang@finance.example.org"])
    forest.post(finance_link + "/acknowledge", data={"ack-name": "张财"})
    forest.post(
        finance_link + "/extension",
        data={"ext-requested_deadline": "2026-12-31", "ext-reason": "资金未到位", "ext-requested_by": "张财"},
    )
    db.session.expire_all()
    forest_share, school_share, finance_share = db.session.get(Item, item_id).assignments
    feedback_id = forest_share.feedbacks[0].id
    extension_id = db.session.scalar(db.text("SELECT id FROM extension_request"))
    assert (
        client.post(
            f"/admin/feedback/review/?id={feedback_id}", data={"verdict": "accepted", "comment": "好"}
        ).status_code
        == 302
    )
    assert (
        client.post(
            f"/admin/extension/decide/?id={extension_id}", data={"decision": "approve", "comment": "同意"}
        ).status_code
        == 302
    )

    # The school never answers. Run the office every day until the end of December; the supervisor decides the
    # school's checks on their days (8, 10 and 15 December) on the screens, and a leader decides the 提请追责.
    # The finance office reports on 29 December, in time for its new deadline, and is accepted.
    def fail_school_check(number: int, ground: str) -> Escalation:
        check_id = db.session.scalar(
            db.select(SupervisionCheck.id).where(
                SupervisionCheck.assignment_id == school_share.id, SupervisionCheck.round == number
            )
        )
        response = client.post(f"/admin/check/decide/?id={check_id}", data={"verdict": "fail", "grounds": [ground]})
        assert response.status_code == 302 and "/login" not in response.headers["Location"], response.headers
        db.session.expire_all()
        return db.session.scalar(db.select(Escalation).where(Escalation.check_id == check_id))

    def issue(escalation: Escalation) -> None:
        assert client.post(f"/admin/notice/issue/?id={escalation.notice_id}").status_code == 302

    day = date(2026, 12, 1)
    while day <= date(2026, 12, 31):
        if day.weekday() < 5:
            day_of_office(runner, day)
        office_clock.move_to(at(day.year, day.month, day.day, 11))  # the people's day, after the morning's mail
        login(client, "sup")  # a new working day, a new sign-in (an idle session ends)
        if day == date(2026, 12, 8):
            first = fail_school_check(1, "不按时传达贯彻")
            issue(first)
            criticism = db.session.scalar(db.select(Circular.id).where(Circular.check_day == day))
            assert client.post(f"/admin/circular/send/?id={criticism}").status_code == 302
        if day == date(2026, 12, 10):
            issue(fail_school_check(2, "整改不到位"))
        if day == date(2026, 12, 15):
            request = fail_school_check(3, "有令不行、有禁不止")
            issue(request)  # 提交局领导
        if day == date(2026, 12, 16):
            leader = client.application.test_client()
            login(leader, "chief")
            response = leader.post(
                f"/admin/escalation/decide/?id={request.id}", data={"decision": "agree", "comment": "同意追责"}
            )
            assert response.status_code == 302
        if day == date(2026, 12, 29):
            forest.post(
                finance_link + "/feedback",
                data={
                    "fb-progress": "资金已到位，供暖正常",
                    "fb-percent_complete": "100",
                    "fb-contact_name": "张财",
                    "fb-contact_phone": "0457-7654321",
                },
            )
            db.session.expire_all()
            finance_feedback = db.session.get(Assignment, finance_share.id).feedbacks[0].id
            assert (
                client.post(f"/admin/feedback/review/?id={finance_feedback}", data={"verdict": "accepted"}).status_code
                == 302
            )
        day += timedelta(days=1)
    db.session.expire_all()

    received = Counter((m.rcpt_tos[0], m.subject.split("】")[0] + "】") for m in smtp_server.messages)
    assert all(count == 1 for (_, kind), count in received.items() if kind != "【催办通知】"), received
    assert db.session.get(Escalation, request.id).decision.label == "同意追责"
    message_ids = [m.header("Message-ID") for m in smtp_server.messages]
    assert len(message_ids) == len(set(message_ids))

    school = [m.subject.split("】")[0] + "】" for m in smtp_server.messages if m.rcpt_tos == ["li@school.example.org"]]
    assert school == [
        "【决定事项办理督查通知单】",  # 1 Dec
        "【第一次督查】",  # 3 Dec: asked to report for the check of 8 Dec (the 签收 reminder that day gives way)
        "【第二次督查】",  # 7 Dec
        "【整改通知书】",  # failed on 8 Dec, issued by the supervisor
        "【通报批评】",  # the check day's circular, to every unit and leader
        "【第三次督查】",  # 10 Dec (replaces the reminder three working days before the deadline)
        "【黄牌警告】",  # failed on 10 Dec
        "【催办通知】",  # 15 Dec: the deadline
        "【追责决定】",  # 16 Dec: the leadership decided; the 提请追责 itself never went to the unit
        *["【催办通知】"] * 6,  # every two working days after the deadline: 17, 21, 23, 25, 29, 31 Dec
    ]
    sent_to = {
        kind: {m.rcpt_tos[0] for m in smtp_server.messages if m.subject.startswith(kind)}
        for kind in ("【整改通知书】", "【黄牌警告】", "【提请追责】", "【追责决定】", "【通报批评】")
    }
    # to the liaison and head, copy to the leader in charge; then also to the leader; then only to the leadership
    assert sent_to["【整改通知书】"] == {"li@school.example.org", "head@school.example.org", "deputy@example.org"}
    assert sent_to["【黄牌警告】"] == {"li@school.example.org", "head@school.example.org", "deputy@example.org"}
    assert sent_to["【提请追责】"] == {"chief@example.org"}
    assert sent_to["【追责决定】"] == {"li@school.example.org", "head@school.example.org", "sup@example.org"}
    assert {"wang@forest.example.org", "zhang@finance.example.org", "chief@example.org"} <= sent_to["【通报批评】"]

    forest_mail = [
        m.subject.split("】")[0] + "】" for m in smtp_server.messages if m.rcpt_tos == ["wang@forest.example.org"]
    ]
    # answered and accepted in time: told so, and read the check day's 通报批评 like every unit; nothing more
    assert forest_mail == ["【决定事项办理督查通知单】", "【任务办结】", "【通报批评】"]
    finance_mail = [
        m.subject.split("】")[0] + "】" for m in smtp_server.messages if m.rcpt_tos == ["zhang@finance.example.org"]
    ]
    # extended to 31 Dec on the first day: its checks moved to 10 and 22 Dec and the new deadline, each asked for three
    # working days before; then told its report was accepted and its share closed
    assert finance_mail == [
        "【决定事项办理督查通知单】",
        "【延期审批】",
        "【第一次督查】",
        "【通报批评】",
        "【第二次督查】",
        "【第三次督查】",
        "【任务办结】",
    ]
    finance = db.session.get(Assignment, finance_share.id)
    assert (finance.deadline, finance.status.value, finance.escalation_level) == (date(2026, 12, 31), "accepted", 0)
    assert [a.status.value for a in db.session.get(Item, item_id).assignments] == [
        "accepted",
        "assigned",
        "accepted",
    ]  # the school never even acknowledged
    assert db.session.get(Item, item_id).status == ItemStatus.IN_PROGRESS  # the school's share is still open
